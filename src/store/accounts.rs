//! Accounts (an AWS account or the demo account) and the regions synced for each.

use crate::store::{now_s, Result, SqlContext};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

pub use crate::model::records::{AccountRecord, AccountSource};

/// Insert or refresh an account; returns its row id.
pub fn upsert(c: &Connection, a: &AccountRecord) -> Result<i64> {
    c.execute(
        "INSERT INTO accounts (account_key, name, source, profile, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (account_key) DO UPDATE SET
           name = excluded.name, source = excluded.source, profile = COALESCE(excluded.profile, profile)
         WHERE name IS NOT excluded.name OR source IS NOT excluded.source
           OR (excluded.profile IS NOT NULL AND profile IS NOT excluded.profile)",
        params![a.key, a.name, a.source, a.profile, now_s()],
    )
    .ctx("saving an account")?;
    c.query_row("SELECT id FROM accounts WHERE account_key = ?1", [&a.key], |r| {
        r.get(0)
    })
    .ctx("reading an account id")
}

/// Row id of an account, if stored.
pub fn id_of(c: &Connection, key: &str) -> Result<Option<i64>> {
    c.query_row("SELECT id FROM accounts WHERE account_key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
    .ctx("looking up an account")
}

/// Record that `region` is synced for the account; returns rows added (0 or 1).
pub fn add_region(c: &Connection, account_id: i64, region: &str) -> Result<usize> {
    c.execute(
        "INSERT OR IGNORE INTO regions (account_id, region) VALUES (?1, ?2)",
        params![account_id, region],
    )
    .ctx("saving a region")
}

/// A stored account with its regions.
#[derive(Debug, Clone, Serialize)]
pub struct AccountRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub source: AccountSource,
    pub profile: Option<String>,
    pub regions: Vec<String>,
}

pub fn list(c: &Connection) -> Result<Vec<AccountRow>> {
    let mut st = c
        .prepare("SELECT id, account_key, name, source, profile FROM accounts ORDER BY account_key")
        .ctx("listing accounts")?;
    let mut rows: Vec<AccountRow> = st
        .query_map([], |r| {
            Ok(AccountRow {
                id: r.get(0)?,
                key: r.get(1)?,
                name: r.get(2)?,
                source: r.get(3)?,
                profile: r.get(4)?,
                regions: Vec::new(),
            })
        })
        .ctx("listing accounts")?
        .collect::<std::result::Result<_, _>>()
        .ctx("listing accounts")?;
    let mut st = c
        .prepare("SELECT region FROM regions WHERE account_id = ?1 ORDER BY region")
        .ctx("listing regions")?;
    for a in &mut rows {
        a.regions = st
            .query_map([a.id], |r| r.get(0))
            .ctx("listing regions")?
            .collect::<std::result::Result<_, _>>()
            .ctx("listing regions")?;
    }
    Ok(rows)
}

/// Delete an account and everything stored for it; returns whether it existed.
pub fn delete(c: &Connection, key: &str) -> Result<bool> {
    let n = c
        .execute("DELETE FROM accounts WHERE account_key = ?1", [key])
        .ctx("deleting an account")?;
    Ok(n > 0)
}

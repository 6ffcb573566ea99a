//! The Lambda inventory: one row per function and region, refreshed by each sync.

use crate::store::{Result, SqlContext};
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::HashMap;

pub use crate::model::records::FunctionRecord;

/// Insert or update functions of one account and region. Returns the number of rows inserted or
/// changed: re-listing an unchanged inventory writes nothing.
pub fn upsert_all(
    c: &Connection,
    account_id: i64,
    region: &str,
    functions: &[FunctionRecord],
    seen_at: i64,
) -> Result<usize> {
    let mut st = c
        .prepare_cached(
            "INSERT INTO functions (account_id, region, name, arn, runtime, memory_mb, architecture, timeout_s,
               ephemeral_storage_mb, package_type, provisioned_concurrency, last_modified, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (account_id, region, name) DO UPDATE SET
               arn = excluded.arn, runtime = excluded.runtime, memory_mb = excluded.memory_mb,
               architecture = excluded.architecture, timeout_s = excluded.timeout_s,
               ephemeral_storage_mb = excluded.ephemeral_storage_mb, package_type = excluded.package_type,
               provisioned_concurrency = excluded.provisioned_concurrency,
               last_modified = excluded.last_modified, seen_at = excluded.seen_at
             WHERE (arn, runtime, memory_mb, architecture, timeout_s, ephemeral_storage_mb, package_type,
                    provisioned_concurrency, last_modified)
               IS NOT (excluded.arn, excluded.runtime, excluded.memory_mb, excluded.architecture,
                    excluded.timeout_s, excluded.ephemeral_storage_mb, excluded.package_type,
                    excluded.provisioned_concurrency, excluded.last_modified)",
        )
        .ctx("preparing the function upsert")?;
    let mut changed = 0;
    for f in functions {
        changed += st
            .execute(params![
                account_id,
                region,
                f.name,
                f.arn,
                f.runtime,
                f.memory_mb,
                f.architecture,
                f.timeout_s,
                f.ephemeral_storage_mb,
                f.package_type,
                f.provisioned_concurrency,
                f.last_modified,
                seen_at
            ])
            .ctx("saving a function")?;
    }
    Ok(changed)
}

/// Function name → row id for one account and region.
pub fn ids(c: &Connection, account_id: i64, region: &str) -> Result<HashMap<String, i64>> {
    let mut st = c
        .prepare_cached("SELECT name, id FROM functions WHERE account_id = ?1 AND region = ?2")
        .ctx("listing function ids")?;
    let rows = st
        .query_map(params![account_id, region], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("listing function ids")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("listing function ids")
}

/// A stored function with where it lives.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FunctionRow {
    pub id: i64,
    pub account_key: String,
    pub region: String,
    #[serde(flatten)]
    pub config: FunctionRecord,
}

/// Every stored function, ordered by account, region and name.
pub fn list(c: &Connection) -> Result<Vec<FunctionRow>> {
    select(c, "", rusqlite::params![])
}

/// The stored functions of one account, ordered by region and name.
pub fn of_account(c: &Connection, account_id: i64) -> Result<Vec<FunctionRow>> {
    select(c, "WHERE f.account_id = ?1", [account_id])
}

/// One stored function by its id (by the primary key, without listing the others).
pub fn get(c: &Connection, id: i64) -> Result<Option<FunctionRow>> {
    Ok(select(c, "WHERE f.id = ?1", [id])?.pop())
}

fn select<P: rusqlite::Params>(c: &Connection, filter: &str, params: P) -> Result<Vec<FunctionRow>> {
    let mut st = c
        .prepare_cached(&format!(
            "SELECT f.id, a.account_key, f.region, f.name, f.arn, f.runtime, f.memory_mb, f.architecture,
               f.timeout_s, f.ephemeral_storage_mb, f.package_type, f.provisioned_concurrency, f.last_modified
             FROM functions f JOIN accounts a ON a.id = f.account_id {filter}
             ORDER BY a.account_key, f.region, f.name"
        ))
        .ctx("listing functions")?;
    let rows = st
        .query_map(params, |r| {
            Ok(FunctionRow {
                id: r.get(0)?,
                account_key: r.get(1)?,
                region: r.get(2)?,
                config: FunctionRecord {
                    name: r.get(3)?,
                    arn: r.get(4)?,
                    runtime: r.get(5)?,
                    memory_mb: r.get(6)?,
                    architecture: r.get(7)?,
                    timeout_s: r.get(8)?,
                    ephemeral_storage_mb: r.get(9)?,
                    package_type: r.get(10)?,
                    provisioned_concurrency: r.get(11)?,
                    last_modified: r.get(12)?,
                },
            })
        })
        .ctx("listing functions")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("listing functions")
}

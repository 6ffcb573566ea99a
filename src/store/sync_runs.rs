//! Sync runs (when, what, how it ended, requests made) and the per-source cursors that make a
//! sync incremental and resumable.

use crate::model::records::AccountSource;
use crate::store::{now_s, Result, SqlContext};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeMap;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RunStatus {
    Running,
    Ok,
    Failed,
    Cancelled,
}

text_enum!(RunStatus {
    Running => "running",
    Ok => "ok",
    Failed => "failed",
    Cancelled => "cancelled",
});

/// Record the start of a run; returns its id. Committed at once so a killed run stays visible.
pub fn start(c: &Connection, source: AccountSource, scope: &str) -> Result<i64> {
    c.execute(
        "INSERT INTO sync_runs (source, scope, started_at, status) VALUES (?1, ?2, ?3, ?4)",
        params![source, scope, now_s(), RunStatus::Running],
    )
    .ctx("recording a sync run")?;
    Ok(c.last_insert_rowid())
}

/// Record how a run ended.
pub fn finish(
    c: &Connection,
    id: i64,
    status: RunStatus,
    requests: &BTreeMap<String, u64>,
    rows_written: u64,
    error: Option<&str>,
) -> Result<()> {
    let requests = serde_json::to_string(requests).unwrap_or_else(|_| "{}".into());
    c.execute(
        "UPDATE sync_runs SET finished_at = ?2, status = ?3, requests = ?4, rows_written = ?5, error = ?6
         WHERE id = ?1",
        params![id, now_s(), status, requests, rows_written as i64, error],
    )
    .ctx("recording the end of a sync run")?;
    Ok(())
}

/// A run as `db status` shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunRow {
    pub id: i64,
    pub source: AccountSource,
    pub scope: String,
    /// Unix seconds.
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub status: RunStatus,
    pub requests: BTreeMap<String, u64>,
    pub rows_written: i64,
    pub error: Option<String>,
}

/// The latest run of each source.
pub fn last_per_source(c: &Connection) -> Result<Vec<RunRow>> {
    let mut st = c
        .prepare(
            "SELECT id, source, scope, started_at, finished_at, status, requests, rows_written, error
             FROM sync_runs r WHERE id = (SELECT MAX(id) FROM sync_runs WHERE source = r.source)
             ORDER BY source",
        )
        .ctx("listing sync runs")?;
    let rows = st
        .query_map([], |r| {
            let requests: String = r.get(6)?;
            Ok(RunRow {
                id: r.get(0)?,
                source: r.get(1)?,
                scope: r.get(2)?,
                started_at: r.get(3)?,
                finished_at: r.get(4)?,
                status: r.get(5)?,
                requests: serde_json::from_str(&requests).unwrap_or_default(),
                rows_written: r.get(7)?,
                error: r.get(8)?,
            })
        })
        .ctx("listing sync runs")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("listing sync runs")
}

/// Where a source stands for one account, region and key.
pub fn cursor(c: &Connection, account_id: i64, region: &str, source: &str, key: &str) -> Result<Option<i64>> {
    c.prepare_cached(
        "SELECT cursor FROM sync_cursors WHERE account_id = ?1 AND region = ?2 AND source = ?3 AND key = ?4",
    )
    .ctx("preparing a cursor lookup")?
    .query_row(params![account_id, region, source, key], |r| r.get(0))
    .optional()
    .ctx("reading a sync cursor")
}

/// Move a cursor (written in the same transaction as the data it covers).
pub fn set_cursor(
    c: &Connection,
    account_id: i64,
    region: &str,
    source: &str,
    key: &str,
    cursor: i64,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO sync_cursors (account_id, region, source, key, cursor, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (account_id, region, source, key) DO UPDATE SET
           cursor = MAX(cursor, excluded.cursor), updated_at = excluded.updated_at",
    )
    .ctx("preparing a cursor update")?
    .execute(params![account_id, region, source, key, cursor, now_s()])
    .ctx("moving a sync cursor")?;
    Ok(())
}

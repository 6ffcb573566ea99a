//! REPORT-record aggregates per function-hour (see `model::logs`). Writes are upserts keyed by
//! (function, hour): an hour fetched again replaces the stored one, and an unchanged hour writes
//! nothing.

use crate::model::{LogHour, ValueCounts};
use crate::store::{Result, SqlContext, StoreError};
use rusqlite::{params, Connection};
use std::collections::{BTreeMap, HashMap};

/// Write hours of functions of one account and region (`ids`: function name → row id). Hours
/// of a function the inventory does not list are dropped. Returns rows inserted or changed.
pub fn upsert_all(c: &Connection, ids: &HashMap<String, i64>, hours: &[LogHour]) -> Result<usize> {
    let mut st = c
        .prepare_cached(
            "INSERT INTO log_hours (function_id, hour, invocations, cold_starts, init_ms_sum,
               duration_ms_sum, billed_ms_sum, memory_size_mb, init_ms, memory_used_mb)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (function_id, hour) DO UPDATE SET
               invocations = excluded.invocations, cold_starts = excluded.cold_starts,
               init_ms_sum = excluded.init_ms_sum, duration_ms_sum = excluded.duration_ms_sum,
               billed_ms_sum = excluded.billed_ms_sum, memory_size_mb = excluded.memory_size_mb,
               init_ms = excluded.init_ms, memory_used_mb = excluded.memory_used_mb
             WHERE (invocations, cold_starts, init_ms_sum, duration_ms_sum, billed_ms_sum,
                    memory_size_mb, init_ms, memory_used_mb)
               IS NOT (excluded.invocations, excluded.cold_starts, excluded.init_ms_sum,
                    excluded.duration_ms_sum, excluded.billed_ms_sum, excluded.memory_size_mb,
                    excluded.init_ms, excluded.memory_used_mb)",
        )
        .ctx("preparing the log-hour upsert")?;
    let mut changed = 0;
    for h in hours {
        let Some(&function_id) = ids.get(&h.function) else {
            continue;
        };
        changed += st
            .execute(params![
                function_id,
                h.hour,
                h.invocations as i64,
                h.cold_starts as i64,
                h.init_ms_sum,
                h.duration_ms_sum,
                h.billed_ms_sum,
                h.memory_size_mb,
                counts_text(&h.init_ms),
                counts_text(&h.memory_used_mb),
            ])
            .ctx("writing a log hour")?;
    }
    Ok(changed)
}

/// Every stored hour of an account's functions in [from, to) (Unix seconds), by function then
/// hour; a function whose name is stored in two regions has its hours under one name.
pub fn hours(c: &Connection, account_id: i64, from: i64, to: i64) -> Result<Vec<LogHour>> {
    let mut st = c
        .prepare_cached(
            "SELECT f.name, h.hour, h.invocations, h.cold_starts, h.init_ms_sum, h.duration_ms_sum,
                    h.billed_ms_sum, h.memory_size_mb, h.init_ms, h.memory_used_mb
             FROM log_hours h JOIN functions f ON f.id = h.function_id
             WHERE f.account_id = ?1 AND h.hour >= ?2 AND h.hour < ?3
             ORDER BY f.name, h.hour",
        )
        .ctx("preparing the log-hour read")?;
    let rows = st
        .query_map(params![account_id, from, to], |r| {
            Ok((
                LogHour {
                    function: r.get(0)?,
                    hour: r.get(1)?,
                    invocations: r.get::<_, i64>(2)? as u64,
                    cold_starts: r.get::<_, i64>(3)? as u64,
                    init_ms_sum: r.get(4)?,
                    duration_ms_sum: r.get(5)?,
                    billed_ms_sum: r.get(6)?,
                    memory_size_mb: r.get(7)?,
                    init_ms: ValueCounts::default(),
                    memory_used_mb: ValueCounts::default(),
                },
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            ))
        })
        .ctx("reading log hours")?;
    let mut out = Vec::new();
    for row in rows {
        let (mut h, init, mem) = row.ctx("reading a log hour")?;
        h.init_ms = parse_counts("log_hours.init_ms", &init)?;
        h.memory_used_mb = parse_counts("log_hours.memory_used_mb", &mem)?;
        out.push(h);
    }
    Ok(out)
}

/// Functions of an account whose REPORT records were read (a logs cursor exists), with the
/// position (Unix seconds) up to which they are stored: a function absent here has no log data,
/// which is not the same as zero cold starts.
pub fn covered(c: &Connection, account_id: i64) -> Result<BTreeMap<String, i64>> {
    let mut st = c
        .prepare_cached(
            "SELECT key, MAX(cursor) FROM sync_cursors WHERE account_id = ?1 AND source = ?2 GROUP BY key",
        )
        .ctx("preparing the logs-coverage read")?;
    let rows = st
        .query_map(params![account_id, crate::model::LogsCursor::SOURCE], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ctx("reading the logs coverage")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("reading the logs coverage")
}

fn counts_text(v: &ValueCounts) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}

fn parse_counts(column: &'static str, text: &str) -> Result<ValueCounts> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        column,
        value: text.chars().take(80).collect(),
        reason: e.to_string(),
    })
}

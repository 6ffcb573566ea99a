//! Billing exports read through a query engine: each billing period's daily aggregates, replaced
//! whole when the period is read again, and what each read was (see [`crate::model::export`]).

use crate::model::{ExportPeriod, StoredPeriod};
use crate::store::{Result, SqlContext};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// What is stored of one export (`breakeven db status`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportStatus {
    /// `database.table`.
    pub export: String,
    /// `cur2` or `focus`.
    pub format: String,
    /// Billing periods stored, and the first and last (`YYYY-MM`).
    pub periods: u64,
    pub first_period: String,
    pub last_period: String,
    /// Aggregate rows stored, and the line items they sum.
    pub rows: u64,
    pub line_items: u64,
    /// Bytes the engine scanned for the periods as stored (their latest reads).
    pub scanned_bytes: u64,
    /// Unix seconds of the latest read.
    pub last_read: i64,
}

/// Every export stored, by name.
pub fn status(c: &Connection) -> Result<Vec<ExportStatus>> {
    let mut st = c
        .prepare_cached(
            "SELECT export, MAX(format), COUNT(*), MIN(period), MAX(period), SUM(rows), SUM(line_items),
                    SUM(scanned_bytes), MAX(fetched_at)
             FROM export_periods GROUP BY export ORDER BY export",
        )
        .ctx("summing export periods")?;
    let rows = st
        .query_map([], |r| {
            Ok(ExportStatus {
                export: r.get(0)?,
                format: r.get(1)?,
                periods: r.get::<_, i64>(2)?.max(0) as u64,
                first_period: r.get(3)?,
                last_period: r.get(4)?,
                rows: r.get::<_, i64>(5)?.max(0) as u64,
                line_items: r.get::<_, i64>(6)?.max(0) as u64,
                scanned_bytes: r.get::<_, i64>(7)?.max(0) as u64,
                last_read: r.get(8)?,
            })
        })
        .ctx("summing export periods")?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .ctx("summing export periods")
}

/// Store `p`, replacing what was stored for its period. Returns the rows written. The usage
/// accounts it names are not added to `accounts`: those are the accounts synced (or the demo),
/// which the views open on; an export's accounts are its rows' (`breakeven billing`).
pub fn replace_period(c: &Connection, p: &ExportPeriod) -> Result<u64> {
    let mut written = 0u64;
    let line_items: u64 = p.rows.iter().map(|r| r.line_items).sum();
    c.execute(
        "INSERT INTO export_periods
           (export, period, format, fingerprint, rows, line_items, query_id, scanned_bytes, fetched_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (export, period) DO UPDATE SET
           format = excluded.format, fingerprint = excluded.fingerprint, rows = excluded.rows,
           line_items = excluded.line_items, query_id = excluded.query_id,
           scanned_bytes = excluded.scanned_bytes, fetched_at = excluded.fetched_at",
        params![
            p.export,
            p.period,
            p.format,
            p.fingerprint,
            p.rows.len() as i64,
            line_items as i64,
            p.query_id,
            p.scanned_bytes as i64,
            p.fetched_at
        ],
    )
    .ctx("recording an export period")?;
    c.execute(
        "DELETE FROM export_days WHERE export = ?1 AND period = ?2",
        params![p.export, p.period],
    )
    .ctx("replacing an export period")?;
    let mut insert = c
        .prepare_cached(
            "INSERT INTO export_days (export, period, account_key, day, service, usage_type,
               resource_id, currency, billed, effective, list, usage_amount, line_items)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )
        .ctx("preparing export rows")?;
    for r in &p.rows {
        insert
            .execute(params![
                p.export,
                p.period,
                r.account,
                r.day.to_string(),
                r.service,
                r.usage_type,
                r.resource_id,
                r.currency,
                r.billed.to_string(),
                r.effective.to_string(),
                r.list.to_string(),
                r.usage_amount.to_string(),
                r.line_items as i64
            ])
            .ctx("storing an export row")?;
        written += 1;
    }
    Ok(written)
}

/// The period `period` of `export`, if read before.
pub fn period(c: &Connection, export: &str, period: &str) -> Result<Option<StoredPeriod>> {
    c.query_row(
        "SELECT fingerprint, fetched_at FROM export_periods WHERE export = ?1 AND period = ?2",
        params![export, period],
        |r| {
            Ok(StoredPeriod {
                fingerprint: r.get(0)?,
                fetched_at: r.get(1)?,
            })
        },
    )
    .optional()
    .ctx("reading an export period")
}

//! Daily billed costs (Cost Explorer, or the demo account's bill) and which days were fetched.
//!
//! Amounts are exact decimals stored as TEXT: summing them goes through `rust_decimal` in Rust,
//! never through SQLite's floating point.

use crate::store::{Day, Result, SqlContext, StoreError};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use std::str::FromStr;

pub use crate::model::records::{CostRecord, DailyCost, FetchedDay};

/// Upsert cost rows; returns rows inserted or changed (unchanged rows count 0).
pub fn upsert_all(c: &Connection, account_id: i64, rows: &[DailyCost]) -> Result<usize> {
    let mut st = c
        .prepare_cached(
            "INSERT INTO daily_costs (account_id, day, service, usage_type, unblended, amortized, currency,
               usage_quantity, usage_unit, estimated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (account_id, day, service, usage_type) DO UPDATE SET
               unblended = excluded.unblended, amortized = excluded.amortized, currency = excluded.currency,
               usage_quantity = excluded.usage_quantity, usage_unit = excluded.usage_unit,
               estimated = excluded.estimated
             WHERE (unblended, amortized, currency, usage_quantity, usage_unit, estimated)
               IS NOT (excluded.unblended, excluded.amortized, excluded.currency, excluded.usage_quantity,
                       excluded.usage_unit, excluded.estimated)",
        )
        .ctx("preparing the cost upsert")?;
    let mut changed = 0;
    for r in rows {
        changed += st
            .execute(params![
                account_id,
                r.day.to_string(),
                r.service,
                r.usage_type,
                r.unblended.normalize().to_string(),
                r.amortized.normalize().to_string(),
                r.currency,
                r.usage_quantity.normalize().to_string(),
                r.usage_unit,
                r.estimated
            ])
            .ctx("saving a daily cost")?;
    }
    Ok(changed)
}

/// Delete a day's rows whose (service, usage type) is not in `keep`: a re-fetched day replaces
/// the old copy, so a usage type that disappeared from it does not linger. Returns rows deleted.
pub fn remove_other_rows(c: &Connection, account_id: i64, day: Day, keep: &[(&str, &str)]) -> Result<usize> {
    let day = day.to_string();
    let mut st = c
        .prepare_cached("SELECT service, usage_type FROM daily_costs WHERE account_id = ?1 AND day = ?2")
        .ctx("listing a day's costs")?;
    let stored: Vec<(String, String)> = st
        .query_map(params![account_id, day], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("listing a day's costs")?
        .collect::<std::result::Result<_, _>>()
        .ctx("listing a day's costs")?;
    let mut del = c
        .prepare_cached(
            "DELETE FROM daily_costs WHERE account_id = ?1 AND day = ?2 AND service = ?3 AND usage_type = ?4",
        )
        .ctx("preparing a cost delete")?;
    let mut n = 0;
    for (service, usage_type) in &stored {
        if !keep.iter().any(|(s, u)| s == service && u == usage_type) {
            n += del
                .execute(params![account_id, day, service, usage_type])
                .ctx("deleting a cost row")?;
        }
    }
    Ok(n)
}

/// Replace one day's record-type rows with `keep` (the day's rows as fetched): rows no longer
/// there are deleted, new or changed ones written. Returns rows inserted, changed or deleted
/// (unchanged rows count 0, so a re-fetch of a final day writes nothing).
pub fn replace_records(c: &Connection, account_id: i64, day: Day, keep: &[&CostRecord]) -> Result<usize> {
    let day_text = day.to_string();
    let mut st = c
        .prepare_cached(
            "SELECT record_type, usage_type FROM daily_cost_records WHERE account_id = ?1 AND day = ?2",
        )
        .ctx("listing a day's cost records")?;
    let stored: Vec<(String, String)> = st
        .query_map(params![account_id, day_text], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("listing a day's cost records")?
        .collect::<std::result::Result<_, _>>()
        .ctx("listing a day's cost records")?;
    let mut del = c
        .prepare_cached(
            "DELETE FROM daily_cost_records WHERE account_id = ?1 AND day = ?2 AND record_type = ?3 AND usage_type = ?4",
        )
        .ctx("preparing a cost record delete")?;
    let mut n = 0;
    for (rt, ut) in &stored {
        if !keep.iter().any(|r| &r.record_type == rt && &r.usage_type == ut) {
            n += del
                .execute(params![account_id, day_text, rt, ut])
                .ctx("deleting a cost record")?;
        }
    }
    let mut up = c
        .prepare_cached(
            "INSERT INTO daily_cost_records (account_id, day, record_type, usage_type, service, unblended,
               amortized, usage_quantity, usage_unit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (account_id, day, record_type, usage_type) DO UPDATE SET
               service = excluded.service, unblended = excluded.unblended, amortized = excluded.amortized,
               usage_quantity = excluded.usage_quantity, usage_unit = excluded.usage_unit
             WHERE (service, unblended, amortized, usage_quantity, usage_unit)
               IS NOT (excluded.service, excluded.unblended, excluded.amortized, excluded.usage_quantity,
                       excluded.usage_unit)",
        )
        .ctx("preparing the cost record upsert")?;
    for r in keep {
        n += up
            .execute(params![
                account_id,
                day_text,
                r.record_type,
                r.usage_type,
                r.service,
                r.unblended.normalize().to_string(),
                r.amortized.normalize().to_string(),
                r.usage_quantity.normalize().to_string(),
                r.usage_unit,
            ])
            .ctx("saving a cost record")?;
    }
    Ok(n)
}

/// Record-type rows of an account in `[from, to]`, ordered by day, record type and usage type.
pub fn records(c: &Connection, account_id: i64, from: Day, to: Day) -> Result<Vec<CostRecord>> {
    let mut st = c
        .prepare_cached(
            "SELECT day, record_type, usage_type, service, unblended, amortized, usage_quantity, usage_unit
             FROM daily_cost_records WHERE account_id = ?1 AND day >= ?2 AND day <= ?3
             ORDER BY day, record_type, usage_type",
        )
        .ctx("reading cost records")?;
    let raw = st
        .query_map(params![account_id, from.to_string(), to.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })
        .ctx("reading cost records")?;
    let mut out = Vec::new();
    for row in raw {
        let (day, record_type, usage_type, service, unblended, amortized, qty, unit) =
            row.ctx("reading cost records")?;
        out.push(CostRecord {
            day: parse_day(&day)?,
            record_type,
            usage_type,
            service,
            unblended: parse_decimal("daily_cost_records.unblended", &unblended)?,
            amortized: parse_decimal("daily_cost_records.amortized", &amortized)?,
            usage_quantity: parse_decimal("daily_cost_records.usage_quantity", &qty)?,
            usage_unit: unit,
        });
    }
    Ok(out)
}

/// Record that `day` was fetched at `fetched_at` (Unix seconds), with its record types or not;
/// returns rows inserted or changed.
pub fn mark_fetched(
    c: &Connection,
    account_id: i64,
    day: Day,
    estimated: bool,
    fetched_at: i64,
    record_types: bool,
) -> Result<usize> {
    c.prepare_cached(
        "INSERT INTO cost_days (account_id, day, estimated, fetched_at, record_types) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (account_id, day) DO UPDATE SET estimated = excluded.estimated,
           fetched_at = excluded.fetched_at, record_types = excluded.record_types",
    )
    .ctx("preparing the cost-day upsert")?
    .execute(params![account_id, day.to_string(), estimated, fetched_at, record_types])
    .ctx("marking a day fetched")
}

/// Days fetched for an account, oldest first.
pub fn fetched_days(c: &Connection, account_id: i64) -> Result<Vec<FetchedDay>> {
    let mut st = c
        .prepare_cached(
            "SELECT day, estimated, fetched_at, record_types FROM cost_days WHERE account_id = ?1 ORDER BY day",
        )
        .ctx("listing fetched days")?;
    let rows = st
        .query_map([account_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })
        .ctx("listing fetched days")?;
    let mut out = Vec::new();
    for row in rows {
        let (day, estimated, fetched_at, record_types) = row.ctx("listing fetched days")?;
        out.push(FetchedDay {
            day: parse_day(&day)?,
            estimated,
            fetched_at,
            record_types,
        });
    }
    Ok(out)
}

/// Cost rows of an account in `[from, to]`, ordered by day, service and usage type.
pub fn rows(c: &Connection, account_id: i64, from: Day, to: Day) -> Result<Vec<DailyCost>> {
    let mut st = c
        .prepare_cached(
            "SELECT day, service, usage_type, unblended, amortized, currency, usage_quantity, usage_unit, estimated
             FROM daily_costs WHERE account_id = ?1 AND day >= ?2 AND day <= ?3
             ORDER BY day, service, usage_type",
        )
        .ctx("reading daily costs")?;
    let raw = st
        .query_map(params![account_id, from.to_string(), to.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, bool>(8)?,
            ))
        })
        .ctx("reading daily costs")?;
    let mut out = Vec::new();
    for row in raw {
        let (day, service, usage_type, unblended, amortized, currency, qty, unit, estimated) =
            row.ctx("reading daily costs")?;
        out.push(DailyCost {
            day: parse_day(&day)?,
            service,
            usage_type,
            unblended: parse_decimal("daily_costs.unblended", &unblended)?,
            amortized: parse_decimal("daily_costs.amortized", &amortized)?,
            currency,
            usage_quantity: parse_decimal("daily_costs.usage_quantity", &qty)?,
            usage_unit: unit,
            estimated,
        });
    }
    Ok(out)
}

fn parse_day(s: &str) -> Result<Day> {
    s.parse().map_err(|reason| StoreError::Corrupt {
        column: "day",
        value: s.to_string(),
        reason,
    })
}

fn parse_decimal(column: &'static str, s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|e| StoreError::Corrupt {
        column,
        value: s.to_string(),
        reason: e.to_string(),
    })
}

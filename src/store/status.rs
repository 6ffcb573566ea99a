//! What the database holds, per account: counts and date ranges (`breakeven db status`).

use crate::store::accounts::AccountSource;
use crate::store::{Result, SqlContext};
use rusqlite::Connection;
use serde::Serialize;

/// Counts and ranges of one account.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountStatus {
    pub key: String,
    pub name: String,
    pub source: AccountSource,
    pub regions: Vec<String>,
    pub functions: u64,
    pub metric_series: u64,
    pub metric_points: u64,
    /// Oldest and newest metric point, Unix seconds.
    pub metrics_from: Option<i64>,
    pub metrics_to: Option<i64>,
    pub cost_rows: u64,
    /// Oldest and newest day with costs (`YYYY-MM-DD`).
    pub costs_from: Option<String>,
    pub costs_to: Option<String>,
}

/// A COUNT(*) column (SQLite integers are signed; counts are never negative).
fn count(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<u64> {
    Ok(r.get::<_, i64>(i)?.max(0) as u64)
}

/// One summary row per stored account.
pub fn accounts(c: &Connection) -> Result<Vec<AccountStatus>> {
    let mut out = Vec::new();
    for a in crate::store::accounts::list(c)? {
        let functions = c
            .query_row(
                "SELECT COUNT(*) FROM functions WHERE account_id = ?1",
                [a.id],
                |r| count(r, 0),
            )
            .ctx("counting functions")?;
        let (metric_series, metric_points, metrics_from, metrics_to): (u64, u64, Option<i64>, Option<i64>) =
            // From the series' summaries: one row per series, never a scan of the points.
            c.query_row(
                "SELECT COUNT(*), COALESCE(SUM(s.points), 0), MIN(s.first_ts), MAX(s.last_ts)
                 FROM metric_series s JOIN functions f ON f.id = s.function_id
                 WHERE f.account_id = ?1",
                [a.id],
                |r| Ok((count(r, 0)?, count(r, 1)?, r.get(2)?, r.get(3)?)),
            )
            .ctx("counting metric points")?;
        let (cost_rows, costs_from, costs_to): (u64, Option<String>, Option<String>) = c
            .query_row(
                "SELECT COUNT(*), MIN(day), MAX(day) FROM daily_costs WHERE account_id = ?1",
                [a.id],
                |r| Ok((count(r, 0)?, r.get(1)?, r.get(2)?)),
            )
            .ctx("counting daily costs")?;
        out.push(AccountStatus {
            key: a.key,
            name: a.name,
            source: a.source,
            regions: a.regions,
            functions,
            metric_series,
            metric_points,
            metrics_from,
            metrics_to,
            cost_rows,
            costs_from,
            costs_to,
        });
    }
    Ok(out)
}

/// Row counts of every table, for tests and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TableCounts {
    pub accounts: u64,
    pub regions: u64,
    pub functions: u64,
    pub metric_series: u64,
    pub metric_points: u64,
    pub daily_costs: u64,
    pub cost_days: u64,
}

pub fn table_counts(c: &Connection) -> Result<TableCounts> {
    let n = |table: &str| -> Result<u64> {
        c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| count(r, 0))
            .ctx("counting rows")
    };
    Ok(TableCounts {
        accounts: n("accounts")?,
        regions: n("regions")?,
        functions: n("functions")?,
        metric_series: n("metric_series")?,
        metric_points: n("metric_points")?,
        daily_costs: n("daily_costs")?,
        cost_days: n("cost_days")?,
    })
}

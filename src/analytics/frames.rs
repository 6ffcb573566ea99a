//! Loading: store rows → polars frames. The only place analytics reads SQLite.
//!
//! Metric points come in as three numeric columns (`series_id`, `ts`, `value`) and the small
//! series table separately, so the big read carries no strings; the join happens lazily in
//! polars. Money is never a float here: billed amounts become integer nano-dollar columns
//! ([`crate::analytics::money`]).

use crate::analytics::billed::{BillSource, UsageKind};
use crate::analytics::money::usd_column;
use crate::analytics::Result;
use crate::store::{Day, SqlContext, StoreError};
use polars::prelude::*;
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Metric points of one account with `from <= ts < to` (Unix seconds):
/// `series_id` i64, `ts` i64 (period start, Unix s), `value` f64.
pub fn points(c: &Connection, account_id: i64, from: i64, to: i64) -> Result<DataFrame> {
    let cols = read_points(c, account_id, (i64::MIN, i64::MAX), (from, to))?;
    Ok(points_frame(cols.0, cols.1, cols.2)?)
}

/// As [`points`], read by two connections at once when the store is a file: the account's
/// series split in two halves by id, the second half on its own read-only connection in
/// another thread. Stepping SQLite rows is the cost of a load, and it does not share one
/// connection across threads. Both connections read the same committed data unless a write
/// commits between their starts. Falls back to [`points`] in memory.
pub fn points_parallel(
    c: &Connection,
    path: Option<&std::path::Path>,
    account_id: i64,
    from: i64,
    to: i64,
) -> Result<DataFrame> {
    parallel(c, path, account_id, (from, to), read_points)
}

/// [`points_parallel`] as it read before per-series column reads: one query over the account's
/// points, three typed gets a row. Kept as the baseline of `analyse --bench`; the frames are
/// equal.
pub fn points_parallel_row_api(
    c: &Connection,
    path: Option<&std::path::Path>,
    account_id: i64,
    from: i64,
    to: i64,
) -> Result<DataFrame> {
    parallel(c, path, account_id, (from, to), read_points_row_api)
}

/// Reads points of the series with ids in a range: (connection, account, ids `lo..hi`, `from..to`).
type Reader = fn(&Connection, i64, (i64, i64), (i64, i64)) -> Result<PointColumns>;

fn parallel(
    c: &Connection,
    path: Option<&std::path::Path>,
    account_id: i64,
    (from, to): (i64, i64),
    read: Reader,
) -> Result<DataFrame> {
    let ids = series_ids(c, account_id)?;
    let (Some(path), Some(&pivot)) = (path, ids.get(ids.len() / 2)) else {
        let cols = read(c, account_id, (i64::MIN, i64::MAX), (from, to))?;
        return Ok(points_frame(cols.0, cols.1, cols.2)?);
    };
    let path = path.to_path_buf();
    let second = std::thread::spawn(move || -> Result<PointColumns> {
        let c2 = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ctx("opening a second connection for metric points")?;
        c2.busy_timeout(std::time::Duration::from_secs(10))
            .ctx("opening a second connection for metric points")?;
        read(&c2, account_id, (pivot, i64::MAX), (from, to))
    });
    let mut first = read(c, account_id, (i64::MIN, pivot), (from, to))?;
    let second = second
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    first.0.extend(second.0);
    first.1.extend(second.1);
    first.2.extend(second.2);
    Ok(points_frame(first.0, first.1, first.2)?)
}

/// `series_id`, `ts`, `value` columns.
type PointColumns = (Vec<i64>, Vec<i64>, Vec<f64>);

/// The ids of an account's series, ascending.
fn series_ids(c: &Connection, account_id: i64) -> Result<Vec<i64>> {
    let mut st = c
        .prepare(
            "SELECT s.id FROM metric_series s JOIN functions f ON f.id = s.function_id
             WHERE f.account_id = ?1 ORDER BY s.id",
        )
        .ctx("reading metric series")?;
    let ids = st
        .query_map([account_id], |r| r.get::<_, i64>(0))
        .ctx("reading metric series")?
        .collect::<rusqlite::Result<Vec<i64>>>()
        .ctx("reading metric series")?;
    Ok(ids)
}

/// Points of the account's series with `lo <= series_id < hi` and `from <= ts < to`: one range
/// of the `(series_id, ts)` key a series, two columns a row read as they are stored (the
/// series id is the same for the whole range and is not read back), in key order.
fn read_points(
    c: &Connection,
    account_id: i64,
    (lo, hi): (i64, i64),
    (from, to): (i64, i64),
) -> Result<PointColumns> {
    let ids: Vec<i64> = series_ids(c, account_id)?
        .into_iter()
        .filter(|id| (lo..hi).contains(id))
        .collect();
    read_series_points(c, &ids, (from, to))
}

fn read_series_points(c: &Connection, ids: &[i64], (from, to): (i64, i64)) -> Result<PointColumns> {
    let mut st = RawStatement::prepare(
        c,
        c"SELECT ts, value FROM metric_points WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3",
    )?;
    let (mut series_id, mut ts, mut value) = (Vec::new(), Vec::new(), Vec::new());
    for &id in ids {
        st.read(id, (from, to), &mut ts, &mut value)?;
        series_id.resize(ts.len(), id);
    }
    Ok((series_id, ts, value))
}

/// One prepared statement stepped through SQLite's C interface: two plain column reads a row,
/// with none of the row API's per-value checks and conversions (the columns are declared
/// `INTEGER NOT NULL` and `REAL NOT NULL`; SQLite converts on read whatever is stored).
struct RawStatement<'c> {
    db: *mut rusqlite::ffi::sqlite3,
    stmt: *mut rusqlite::ffi::sqlite3_stmt,
    /// The statement must not outlive its connection.
    _conn: std::marker::PhantomData<&'c Connection>,
}

impl<'c> RawStatement<'c> {
    fn prepare(c: &'c Connection, sql: &std::ffi::CStr) -> Result<Self> {
        use rusqlite::ffi;
        // SAFETY: the handle is the live connection `c` borrows for 'c; the statement is
        // finalized in `Drop` before that borrow ends.
        let db = unsafe { c.handle() };
        let mut stmt = std::ptr::null_mut();
        let rc = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut()) };
        let st = RawStatement {
            db,
            stmt,
            _conn: std::marker::PhantomData,
        };
        st.check(rc)?;
        Ok(st)
    }

    fn check(&self, rc: std::os::raw::c_int) -> Result<()> {
        use rusqlite::ffi;
        if rc == ffi::SQLITE_OK || rc == ffi::SQLITE_ROW || rc == ffi::SQLITE_DONE {
            return Ok(());
        }
        // SAFETY: `db` is the live connection; the message is copied before any other call.
        let msg = unsafe {
            let m = ffi::sqlite3_errmsg(self.db);
            if m.is_null() {
                String::new()
            } else {
                std::ffi::CStr::from_ptr(m).to_string_lossy().into_owned()
            }
        };
        let e = rusqlite::Error::SqliteFailure(ffi::Error::new(rc), Some(msg));
        Err(Err::<(), _>(e).ctx("reading metric points").unwrap_err().into())
    }

    /// Append the rows of `series_id` with `from <= ts < to` to `ts` and `value`.
    fn read(
        &mut self,
        series_id: i64,
        (from, to): (i64, i64),
        ts: &mut Vec<i64>,
        value: &mut Vec<f64>,
    ) -> Result<()> {
        use rusqlite::ffi;
        // SAFETY: `stmt` is a prepared statement of the live connection; the binds are in
        // range (three parameters) and the columns read (0 and 1) exist.
        unsafe {
            self.check(ffi::sqlite3_reset(self.stmt))?;
            self.check(ffi::sqlite3_bind_int64(self.stmt, 1, series_id))?;
            self.check(ffi::sqlite3_bind_int64(self.stmt, 2, from))?;
            self.check(ffi::sqlite3_bind_int64(self.stmt, 3, to))?;
            loop {
                match ffi::sqlite3_step(self.stmt) {
                    ffi::SQLITE_ROW => {
                        ts.push(ffi::sqlite3_column_int64(self.stmt, 0));
                        value.push(ffi::sqlite3_column_double(self.stmt, 1));
                    }
                    ffi::SQLITE_DONE => return Ok(()),
                    rc => return self.check(rc),
                }
            }
        }
    }
}

impl Drop for RawStatement<'_> {
    fn drop(&mut self) {
        // SAFETY: finalizing a null or prepared statement of the live connection, once.
        unsafe {
            rusqlite::ffi::sqlite3_finalize(self.stmt);
        }
    }
}

/// Points of the account's series with `lo <= series_id < hi` and `from <= ts < to`, in one
/// query (the baseline of [`read_points`]).
fn read_points_row_api(
    c: &Connection,
    account_id: i64,
    (lo, hi): (i64, i64),
    (from, to): (i64, i64),
) -> Result<PointColumns> {
    let mut st = c
        .prepare(
            "SELECT p.series_id, p.ts, p.value FROM metric_points p
             WHERE p.series_id IN (SELECT s.id FROM metric_series s JOIN functions f ON f.id = s.function_id
                                   WHERE f.account_id = ?1 AND s.id >= ?4 AND s.id < ?5)
               AND p.ts >= ?2 AND p.ts < ?3",
        )
        .ctx("reading metric points")?;
    let (mut series_id, mut ts, mut value) = (Vec::new(), Vec::new(), Vec::new());
    let mut rows = st
        .query(params![account_id, from, to, lo, hi])
        .ctx("reading metric points")?;
    while let Some(r) = rows.next().ctx("reading metric points")? {
        series_id.push(r.get::<_, i64>(0).ctx("reading metric points")?);
        ts.push(r.get::<_, i64>(1).ctx("reading metric points")?);
        value.push(r.get::<_, f64>(2).ctx("reading metric points")?);
    }
    Ok((series_id, ts, value))
}

/// A points frame from its three columns (the benchmark builds one directly).
pub fn points_frame(series_id: Vec<i64>, ts: Vec<i64>, value: Vec<f64>) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new("series_id".into(), series_id),
        Column::new("ts".into(), ts),
        Column::new("value".into(), value),
    ])
}

/// Metric points of one function's series with `from <= ts < to` (Unix seconds), as
/// [`points`]: reads that function's rows only, by the points' (series, ts) key.
pub fn function_points(c: &Connection, function_id: i64, from: i64, to: i64) -> Result<DataFrame> {
    let mut st = c
        .prepare_cached(
            "SELECT p.series_id, p.ts, p.value FROM metric_points p
             WHERE p.series_id IN (SELECT id FROM metric_series WHERE function_id = ?1)
               AND p.ts >= ?2 AND p.ts < ?3",
        )
        .ctx("reading a function's metric points")?;
    let (mut series_id, mut ts, mut value) = (Vec::new(), Vec::new(), Vec::new());
    let mut rows = st
        .query(params![function_id, from, to])
        .ctx("reading a function's metric points")?;
    while let Some(r) = rows.next().ctx("reading a function's metric points")? {
        series_id.push(r.get::<_, i64>(0).ctx("reading a function's metric points")?);
        ts.push(r.get::<_, i64>(1).ctx("reading a function's metric points")?);
        value.push(r.get::<_, f64>(2).ctx("reading a function's metric points")?);
    }
    Ok(points_frame(series_id, ts, value)?)
}

/// The metric series of one account: `series_id`, `function_id`, `metric`, `stat`, `period_s`
/// (i64, s), `resource` (alias, or empty).
pub fn series(c: &Connection, account_id: i64) -> Result<DataFrame> {
    series_where(
        c,
        "JOIN functions f ON f.id = s.function_id WHERE f.account_id = ?1",
        account_id,
    )
}

/// The metric series of one function, as [`series`].
pub fn function_series(c: &Connection, function_id: i64) -> Result<DataFrame> {
    series_where(c, "WHERE s.function_id = ?1", function_id)
}

/// The series selected by `filter` (a join and WHERE clause over `metric_series s` with one
/// parameter, `?1` = `id`).
fn series_where(c: &Connection, filter: &str, id: i64) -> Result<DataFrame> {
    let mut st = c
        .prepare_cached(&format!(
            "SELECT s.id, s.function_id, s.metric, s.stat, s.period_s, s.resource
             FROM metric_series s {filter}"
        ))
        .ctx("reading metric series")?;
    let (mut ids, mut fid, mut metric, mut stat, mut period, mut resource) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut rows = st.query([id]).ctx("reading metric series")?;
    while let Some(r) = rows.next().ctx("reading metric series")? {
        ids.push(r.get::<_, i64>(0).ctx("reading metric series")?);
        fid.push(r.get::<_, i64>(1).ctx("reading metric series")?);
        metric.push(r.get::<_, String>(2).ctx("reading metric series")?);
        stat.push(r.get::<_, String>(3).ctx("reading metric series")?);
        period.push(r.get::<_, i64>(4).ctx("reading metric series")?);
        resource.push(r.get::<_, String>(5).ctx("reading metric series")?);
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new("series_id".into(), ids),
        Column::new("function_id".into(), fid),
        Column::new("metric".into(), metric),
        Column::new("stat".into(), stat),
        Column::new("period_s".into(), period),
        Column::new("resource".into(), resource),
    ])?)
}

/// The Lambda inventory of one account: `function_id`, `name`, `region`, `memory_mb` (i64),
/// `architecture`, `ephemeral_storage_mb` (i64), `provisioned_concurrency` (i64, instances).
pub fn functions(c: &Connection, account_id: i64) -> Result<DataFrame> {
    let mut st = c
        .prepare(
            "SELECT id, name, region, memory_mb, architecture, ephemeral_storage_mb, provisioned_concurrency
             FROM functions WHERE account_id = ?1 ORDER BY name",
        )
        .ctx("reading functions")?;
    let (mut id, mut name, mut region, mut mem, mut arch, mut eph, mut pc) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut rows = st.query([account_id]).ctx("reading functions")?;
    while let Some(r) = rows.next().ctx("reading functions")? {
        id.push(r.get::<_, i64>(0).ctx("reading functions")?);
        name.push(r.get::<_, String>(1).ctx("reading functions")?);
        region.push(r.get::<_, String>(2).ctx("reading functions")?);
        mem.push(r.get::<_, i64>(3).ctx("reading functions")?);
        arch.push(r.get::<_, String>(4).ctx("reading functions")?);
        eph.push(r.get::<_, i64>(5).ctx("reading functions")?);
        pc.push(r.get::<_, i64>(6).ctx("reading functions")?);
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new("function_id".into(), id),
        Column::new("name".into(), name),
        Column::new("region".into(), region),
        Column::new("memory_mb".into(), mem),
        Column::new("architecture".into(), arch),
        Column::new("ephemeral_storage_mb".into(), eph),
        Column::new("provisioned_concurrency".into(), pc),
    ])?)
}

/// One billed row before it becomes a frame.
struct BilledRow {
    day: i64,
    source: BillSource,
    service: String,
    usage_type: String,
    cost: Decimal,
    quantity: f64,
    unit: String,
    estimated: bool,
    resource: Option<String>,
}

/// Billed cost rows of one account for days `from..=to`, from Cost Explorer (`daily_costs`) and
/// from FOCUS charges whose billing or sub account is the account key: `day` (i64, days since
/// 1970-01-01), `source` (`cost-explorer` | `focus`), `service`, `usage_type` (FOCUS: its charge
/// category), `usage_kind` and `usage_arm` (what the usage type bills: [`UsageKind`]),
/// `cost_usd` (nano-dollars: unblended / BilledCost), `quantity` (f64, `unit`; a usage statistic,
/// never money), `unit`, `estimated` (bool), `resource` (FOCUS ResourceId or null).
///
/// A FOCUS charge covering several days is attributed to the day its charge period starts. Rows
/// of a billing export read through Athena (`export_days`, source `export`) come from one export:
/// the first by name that holds the account's days of the range (two exports of one organisation
/// would count them twice), and must be in USD; their `service` is the FOCUS service name (a CUR 2.0 export's product code mapped by
/// [`service_name`]) and `resource` the export's resource id.
pub fn billed(c: &Connection, account_id: i64, account_key: &str, from: Day, to: Day) -> Result<DataFrame> {
    let mut out: Vec<BilledRow> = Vec::new();
    for r in crate::store::costs::rows(c, account_id, from, to)? {
        out.push(BilledRow {
            day: r.day.0,
            source: BillSource::CostExplorer,
            service: r.service,
            usage_type: r.usage_type,
            cost: r.unblended,
            quantity: decimal_f64(r.usage_quantity),
            unit: r.usage_unit,
            estimated: r.estimated,
            resource: None,
        });
    }
    let mut st = c
        .prepare(
            "SELECT charge_period_start, service_name, charge_category, billed_cost, resource_id
             FROM focus_charges
             WHERE (billing_account_id = ?1 OR sub_account_id = ?1)
               AND charge_period_start >= ?2 AND charge_period_start < ?3",
        )
        .ctx("reading FOCUS charges")?;
    let mut rows = st
        .query(params![account_key, from.start_unix(), to.plus(1).start_unix()])
        .ctx("reading FOCUS charges")?;
    while let Some(r) = rows.next().ctx("reading FOCUS charges")? {
        let cost: String = r.get(3).ctx("reading FOCUS charges")?;
        out.push(BilledRow {
            day: Day::from_unix(r.get(0).ctx("reading FOCUS charges")?).0,
            source: BillSource::Focus,
            service: r.get(1).ctx("reading FOCUS charges")?,
            usage_type: r.get(2).ctx("reading FOCUS charges")?,
            cost: Decimal::from_str(&cost).map_err(|e| StoreError::Corrupt {
                column: "focus_charges.billed_cost",
                value: cost.clone(),
                reason: e.to_string(),
            })?,
            quantity: 0.0,
            unit: String::new(),
            estimated: false,
            resource: r.get(4).ctx("reading FOCUS charges")?,
        });
    }
    out.extend(export_rows(c, account_key, from, to)?);
    let costs: Vec<Decimal> = out.iter().map(|r| r.cost).collect();
    Ok(DataFrame::new_infer_height(vec![
        Column::new("day".into(), out.iter().map(|r| r.day).collect::<Vec<_>>()),
        Column::new(
            "source".into(),
            out.iter().map(|r| r.source.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "service".into(),
            out.iter().map(|r| r.service.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "usage_type".into(),
            out.iter().map(|r| r.usage_type.as_str()).collect::<Vec<_>>(),
        ),
        // What each usage type bills, for the Lambda split in `billed::lambda_days`.
        Column::new(
            "usage_kind".into(),
            out.iter()
                .map(|r| UsageKind::of(&r.usage_type).as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "usage_arm".into(),
            out.iter()
                .map(|r| UsageKind::is_arm(&r.usage_type))
                .collect::<Vec<_>>(),
        ),
        usd_column("cost_usd", &costs)?,
        Column::new(
            "quantity".into(),
            out.iter().map(|r| r.quantity).collect::<Vec<_>>(),
        ),
        Column::new(
            "unit".into(),
            out.iter().map(|r| r.unit.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "estimated".into(),
            out.iter().map(|r| r.estimated).collect::<Vec<_>>(),
        ),
        Column::new(
            "resource".into(),
            out.iter().map(|r| r.resource.as_deref()).collect::<Vec<_>>(),
        ),
    ])?)
}

/// The FOCUS `ServiceName` (the service's product name) of a CUR 2.0 product code (`AWSLambda`
/// → `AWS Lambda`), for the codes of compute, storage and commitments; other names are returned
/// as they are.
pub fn service_name(code: &str) -> &str {
    match code {
        "AWSLambda" => crate::analytics::billed::LAMBDA_SERVICE,
        "AmazonECS" => "Amazon Elastic Container Service",
        "AmazonEKS" => "Amazon Elastic Kubernetes Service",
        "AmazonEC2" => "Amazon Elastic Compute Cloud",
        "AmazonS3" => "Amazon Simple Storage Service",
        "AmazonDynamoDB" => "Amazon DynamoDB",
        "AmazonCloudWatch" => "Amazon CloudWatch",
        "AmazonApiGateway" => "Amazon API Gateway",
        "ComputeSavingsPlans" => "Savings Plans for AWS Compute usage",
        other => other,
    }
}

/// The billed rows of one export for `account_key` on days `from..=to` (see [`billed`]).
fn export_rows(c: &Connection, account_key: &str, from: Day, to: Day) -> Result<Vec<BilledRow>> {
    const WHAT: &str = "reading a billing export's days";
    let (from_s, to_s) = (from.to_string(), to.to_string());
    let export: Option<String> = c
        .query_row(
            "SELECT MIN(export) FROM export_days WHERE account_key = ?1 AND day >= ?2 AND day <= ?3",
            params![account_key, from_s, to_s],
            |r| r.get(0),
        )
        .ctx(WHAT)?;
    let Some(export) = export else {
        return Ok(Vec::new());
    };
    let mut st = c
        .prepare(
            "SELECT day, service, usage_type, billed, usage_amount, resource_id, currency FROM export_days
             WHERE export = ?1 AND account_key = ?2 AND day >= ?3 AND day <= ?4",
        )
        .ctx(WHAT)?;
    let mut rows = st.query(params![export, account_key, from_s, to_s]).ctx(WHAT)?;
    let corrupt = |column: &'static str, value: String, reason: String| StoreError::Corrupt {
        column,
        value,
        reason,
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next().ctx(WHAT)? {
        let day: String = r.get(0).ctx(WHAT)?;
        let service: String = r.get(1).ctx(WHAT)?;
        let billed: String = r.get(3).ctx(WHAT)?;
        let usage: String = r.get(4).ctx(WHAT)?;
        let resource: String = r.get(5).ctx(WHAT)?;
        let currency: String = r.get(6).ctx(WHAT)?;
        // The views add up dollars: an amount in another currency is not one.
        if currency != "USD" {
            return Err(corrupt(
                "export_days.currency",
                currency,
                format!("the export {export} bills in this currency; the analysis adds up USD"),
            )
            .into());
        }
        out.push(BilledRow {
            day: Day::from_str(&day)
                .map_err(|e| corrupt("export_days.day", day.clone(), e.to_string()))?
                .0,
            source: BillSource::Export,
            service: service_name(&service).to_string(),
            usage_type: r.get(2).ctx(WHAT)?,
            cost: Decimal::from_str(&billed)
                .map_err(|e| corrupt("export_days.billed", billed.clone(), e.to_string()))?,
            quantity: Decimal::from_str(&usage)
                .map(decimal_f64)
                .map_err(|e| corrupt("export_days.usage_amount", usage.clone(), e.to_string()))?,
            unit: String::new(),
            estimated: false,
            resource: (!resource.is_empty()).then_some(resource),
        });
    }
    Ok(out)
}

/// Oldest and newest day with metric points or billed costs (Cost Explorer, a billing export)
/// for the account.
pub fn data_days(c: &Connection, account_id: i64) -> Result<Option<(Day, Day)>> {
    let (lo, hi): (Option<i64>, Option<i64>) = c
        .query_row(
            "SELECT MIN(s.first_ts), MAX(s.last_ts) FROM metric_series s
             JOIN functions f ON f.id = s.function_id WHERE f.account_id = ?1",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("reading the metric date range")?;
    let (clo, chi): (Option<String>, Option<String>) = c
        .query_row(
            "SELECT MIN(day), MAX(day) FROM daily_costs WHERE account_id = ?1",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("reading the cost date range")?;
    let (elo, ehi): (Option<String>, Option<String>) = c
        .query_row(
            "SELECT MIN(day), MAX(day) FROM export_days
             WHERE account_key = (SELECT account_key FROM accounts WHERE id = ?1)",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("reading a billing export's date range")?;
    let parse = |s: Option<String>| s.and_then(|s| s.parse::<Day>().ok());
    let lows = [lo.map(Day::from_unix), parse(clo), parse(elo)];
    let highs = [hi.map(Day::from_unix), parse(chi), parse(ehi)];
    let lo = lows.iter().flatten().min().copied();
    let hi = highs.iter().flatten().max().copied();
    Ok(lo.zip(hi))
}

fn decimal_f64(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(0.0)
}

/// How a billed row counts for commitments, classified once on load
/// ([`crate::analytics::commitments`] reads the `kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentKind {
    /// On-demand usage no commitment covered.
    Usage,
    /// Usage a commitment covered: `on_demand` is what it would have cost, `effective` what the
    /// commitment charged for it.
    Covered,
    /// Commitment paid for and not used (`effective`).
    Unused,
    /// Cost Explorer's `SavingsPlanNegation`: takes covered usage's on-demand cost back off the
    /// unblended bill (`on_demand`, negative).
    Negation,
    /// Fees, credits, taxes, reservations' discounted usage: not part of the rates.
    Other,
}

impl CommitmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentKind::Usage => "usage",
            CommitmentKind::Covered => "covered",
            CommitmentKind::Unused => "unused",
            CommitmentKind::Negation => "negation",
            CommitmentKind::Other => "other",
        }
    }

    /// A Cost Explorer record type. `SavingsPlanRecurringFee`'s amortized cost is the unused
    /// commitment (the used part is amortized onto the covered usage).
    pub fn of_record_type(record_type: &str) -> CommitmentKind {
        match record_type {
            "Usage" => CommitmentKind::Usage,
            "SavingsPlanCoveredUsage" => CommitmentKind::Covered,
            "SavingsPlanRecurringFee" => CommitmentKind::Unused,
            "SavingsPlanNegation" => CommitmentKind::Negation,
            _ => CommitmentKind::Other,
        }
    }

    /// A FOCUS charge: its `ChargeCategory` and `CommitmentDiscountStatus`.
    pub fn of_focus(charge_category: &str, status: Option<&str>) -> CommitmentKind {
        match (charge_category, status) {
            ("Usage", Some("Used")) => CommitmentKind::Covered,
            ("Usage", Some("Unused")) => CommitmentKind::Unused,
            ("Usage", _) => CommitmentKind::Usage,
            _ => CommitmentKind::Other,
        }
    }
}

/// One row of the commitment frame before it becomes a frame.
struct CommitmentRow {
    day: i64,
    source: BillSource,
    service: String,
    key: String,
    kind: CommitmentKind,
    on_demand: Decimal,
    effective: Decimal,
}

/// The bill's rows as commitments see them, for days `from..=to`: Cost Explorer's record-type
/// rows (`daily_cost_records`) and the account's FOCUS charges. Columns: `day` (i64), `source`
/// ([`BillSource`] word), `service`, `key` (what coverage is eligible by: the usage type for
/// Cost Explorer, the service for FOCUS), `kind` ([`CommitmentKind`] word), and two money
/// columns (nano-dollars): `on_demand_usd` (Cost Explorer: unblended; FOCUS: ListCost, else
/// BilledCost) and `effective_usd` (amortized; FOCUS: EffectiveCost).
pub fn commitment_rows(
    c: &Connection,
    account_id: i64,
    account_key: &str,
    from: Day,
    to: Day,
) -> Result<DataFrame> {
    let mut out: Vec<CommitmentRow> = Vec::new();
    for r in crate::store::costs::records(c, account_id, from, to)? {
        out.push(CommitmentRow {
            day: r.day.0,
            source: BillSource::CostExplorer,
            kind: CommitmentKind::of_record_type(&r.record_type),
            service: r.service,
            key: r.usage_type,
            on_demand: r.unblended,
            effective: r.amortized,
        });
    }
    let mut st = c
        .prepare(
            "SELECT charge_period_start, service_name, charge_category, billed_cost, effective_cost,
                    list_cost, commitment_discount_status
             FROM focus_charges
             WHERE (billing_account_id = ?1 OR sub_account_id = ?1)
               AND charge_period_start >= ?2 AND charge_period_start < ?3",
        )
        .ctx("reading FOCUS commitments")?;
    let mut rows = st
        .query(params![account_key, from.start_unix(), to.plus(1).start_unix()])
        .ctx("reading FOCUS commitments")?;
    let money = |column: &'static str, s: String| {
        Decimal::from_str(&s).map_err(|e| StoreError::Corrupt {
            column,
            value: s.clone(),
            reason: e.to_string(),
        })
    };
    while let Some(r) = rows.next().ctx("reading FOCUS commitments")? {
        let category: String = r.get(2).ctx("reading FOCUS commitments")?;
        let status: Option<String> = r.get(6).ctx("reading FOCUS commitments")?;
        let billed = money(
            "focus_charges.billed_cost",
            r.get(3).ctx("reading FOCUS commitments")?,
        )?;
        let list: Option<String> = r.get(5).ctx("reading FOCUS commitments")?;
        let service: String = r.get(1).ctx("reading FOCUS commitments")?;
        out.push(CommitmentRow {
            day: Day::from_unix(r.get(0).ctx("reading FOCUS commitments")?).0,
            source: BillSource::Focus,
            kind: CommitmentKind::of_focus(&category, status.as_deref()),
            key: service.clone(),
            service,
            on_demand: match list {
                Some(l) => money("focus_charges.list_cost", l)?,
                None => billed,
            },
            effective: money(
                "focus_charges.effective_cost",
                r.get(4).ctx("reading FOCUS commitments")?,
            )?,
        });
    }
    commitment_frame(
        &out.iter()
            .map(|r| {
                (
                    r.day,
                    r.source,
                    r.service.as_str(),
                    r.key.as_str(),
                    r.kind,
                    r.on_demand,
                    r.effective,
                )
            })
            .collect::<Vec<_>>(),
    )
}

/// A commitment frame (columns as [`commitment_rows`]) from (day, source, service, key, kind,
/// on-demand, effective) tuples; tests build one directly.
pub fn commitment_frame(
    rows: &[(i64, BillSource, &str, &str, CommitmentKind, Decimal, Decimal)],
) -> Result<DataFrame> {
    let od: Vec<Decimal> = rows.iter().map(|r| r.5).collect();
    let eff: Vec<Decimal> = rows.iter().map(|r| r.6).collect();
    Ok(DataFrame::new_infer_height(vec![
        Column::new("day".into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
        Column::new(
            "source".into(),
            rows.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        ),
        Column::new("service".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        Column::new("key".into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
        Column::new(
            "kind".into(),
            rows.iter().map(|r| r.4.as_str()).collect::<Vec<_>>(),
        ),
        usd_column("on_demand_usd", &od)?,
        usd_column("effective_usd", &eff)?,
    ])?)
}

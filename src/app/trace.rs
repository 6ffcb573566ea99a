//! `import trace`: a public invocation trace becomes an account of functions with per-minute
//! Invocations and daily duration and memory statistics, stored like synced CloudWatch metrics so
//! `scenario from-function` replays them.
//!
//! Two streaming passes: [`check_trace`] reads every file and validates every row before the
//! store is opened (bad input never touches it); [`import_trace`] reads them again and writes
//! everything in one transaction. Writes are upserts, so importing the same files again adds
//! nothing.

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::ingest::error::InputError;
use crate::ingest::trace::azure2019::{self, FileKind, FunctionKey, Row, TraceFile};
use crate::model::records::{AccountRecord, AccountSource, FunctionRecord};
use crate::model::{Batch, Day, SeriesPoints};
use crate::store::sync::apply_in as write_batch;
use crate::store::{self, Store};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The account trace functions are stored under.
pub const TRACE_ACCOUNT: &str = "azure-functions-2019";
/// The region label of trace functions (the trace has no regions).
pub const TRACE_REGION: &str = "trace";
/// Day 1 of the trace is stored on this date unless told otherwise: the dataset numbers its days
/// but publishes no calendar dates, so this is a label.
pub const DEFAULT_START: &str = "2019-01-01";
/// Characters of `HashFunction` used as the function's name.
const NAME_LEN: usize = 12;
/// Functions written per batch (one inventory lookup each).
const BATCH: usize = 500;

fn trace_error(e: InputError) -> AppError {
    AppError::from_input(e, ErrorCode::TraceMalformed, "trace file")
}

/// Validated trace files and what the second pass needs to name and size functions.
#[derive(Debug, Clone)]
pub struct TracePlan {
    pub files: Vec<TraceFile>,
    /// How many of `files` were named by the user (the rest were found beside them).
    given: usize,
    /// Function key → stored name.
    names: HashMap<FunctionKey, String>,
    /// (owner, app) → average allocated memory, MB.
    app_memory_mb: HashMap<(String, String), f64>,
}

/// One file's part in an import.
#[derive(Debug, Clone, Serialize)]
pub struct TraceFileOutcome {
    pub file: String,
    pub kind: FileKind,
    pub day: u32,
    pub rows: u64,
    /// Found beside an invocations file rather than named on the command line.
    pub found_alongside: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TraceImportReport {
    pub account: String,
    pub files: Vec<TraceFileOutcome>,
    pub functions: u64,
    pub invocations: u64,
    /// Rows of the store inserted or changed (0 on a re-import).
    pub rows_written: u64,
    /// Durations rows of functions with no invocations row (not stored).
    pub durations_skipped: u64,
    /// The five functions with the most invocations: (stored name, invocations).
    pub busiest: Vec<(String, u64)>,
}

/// Identify `paths` (plus the durations and memory files beside each invocations file) and
/// validate every row. `format` must be `azure-functions-2019`.
pub fn check_trace(format: &str, paths: &[impl AsRef<Path>]) -> Result<TracePlan> {
    if format != azure2019::FORMAT {
        return Err(AppError::bad_input(
            ErrorCode::TraceFormat,
            format!(
                "unknown trace format `{format}`: the one supported is {}",
                azure2019::FORMAT
            ),
        ));
    }
    let mut files = paths
        .iter()
        .map(|p| azure2019::identify(p.as_ref()))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(trace_error)?;
    if !files.iter().any(|f| f.kind == FileKind::Invocations) {
        return Err(AppError::bad_input(
            ErrorCode::TraceNoInvocations,
            "no invocations file given: the per-minute counts are what becomes a workload",
        ));
    }
    let given = files.len();
    files.extend(azure2019::companions(&files).map_err(trace_error)?);
    let mut seen: HashMap<(FunctionKey, u32), (String, u64)> = HashMap::new();
    let mut short: HashMap<String, FunctionKey> = HashMap::new();
    let mut clash = false;
    let mut app_memory_mb = HashMap::new();
    for f in &files {
        let day = f.day;
        azure2019::read(f, &mut |row| {
            match row {
                Row::Invocations(r) => {
                    if let Some((file, line)) = seen.get(&(r.key.clone(), day)) {
                        return Err(InputError::at(
                            &f.name,
                            r.line,
                            3,
                            format!(
                                "HashFunction: function {} of app {} is already on day {day} ({file}:{line})",
                                r.key.function, r.key.app
                            ),
                        ));
                    }
                    let name: String = r.key.function.chars().take(NAME_LEN).collect();
                    clash |= short.get(&name).is_some_and(|k| *k != r.key);
                    short.insert(name, r.key.clone());
                    seen.insert((r.key, day), (f.name.clone(), r.line));
                }
                Row::Memory(r) => {
                    app_memory_mb.insert((r.owner, r.app), r.average_mb);
                }
                Row::Durations(_) => {}
            }
            Ok(())
        })
        .map_err(trace_error)?;
    }
    // Two functions sharing a name prefix (unlikely with 48 bits): name them by the full hash.
    // Every key seen gets a name: `short` keeps only the last key of a clashing prefix.
    let names = seen
        .into_keys()
        .map(|(key, _)| {
            let name = if clash {
                key.function.clone()
            } else {
                key.function.chars().take(NAME_LEN).collect()
            };
            (key, name)
        })
        .collect();
    Ok(TracePlan {
        files,
        given,
        names,
        app_memory_mb,
    })
}

/// Memory a function is stored with: the app's average allocation rounded up to 128 MB, the
/// granularity Azure Functions Consumption bills memory in; 128 MB when the trace has none.
fn memory_mb(avg_mb: Option<f64>) -> u32 {
    let mb = avg_mb.unwrap_or(0.0).max(1.0);
    ((mb / 128.0).ceil() as u32).max(1) * 128
}

fn record(key: &FunctionKey, name: &str, trigger: &str, memory_mb: u32) -> FunctionRecord {
    FunctionRecord {
        name: name.to_string(),
        arn: format!("{}:{}:{}:{}", azure2019::FORMAT, key.owner, key.app, key.function),
        runtime: None,
        memory_mb,
        architecture: "x86_64".into(),
        // Azure Functions Consumption's default timeout.
        timeout_s: 300,
        ephemeral_storage_mb: 512,
        package_type: format!("trace:{trigger}"),
        provisioned_concurrency: 0,
        last_modified: None,
    }
}

fn series(function: &str, metric: &str, stat: &str, period_s: u32, points: Vec<(i64, f64)>) -> SeriesPoints {
    SeriesPoints {
        function: function.to_string(),
        metric: metric.to_string(),
        stat: stat.to_string(),
        period_s,
        resource: String::new(),
        points,
    }
}

/// Write a validated plan in one transaction; day 1 of the trace is stored on `start`.
pub fn import_trace(store: &mut Store, plan: &TracePlan, start: Day) -> Result<TraceImportReport> {
    let now = store::now_s();
    let day_ts = |day: u32| start.plus(i64::from(day) - 1).start_unix();
    let mut report = TraceImportReport {
        account: TRACE_ACCOUNT.to_string(),
        files: Vec::new(),
        functions: plan.names.len() as u64,
        invocations: 0,
        rows_written: 0,
        durations_skipped: 0,
        busiest: Vec::new(),
    };
    let mut per_function: HashMap<String, u64> = HashMap::new();
    store.with_tx(|tx| {
        let account = AccountRecord {
            key: TRACE_ACCOUNT.into(),
            name: "Azure Functions trace 2019 (public dataset)".into(),
            source: AccountSource::Trace,
            profile: None,
        };
        report.rows_written += write_batch(
            tx,
            &Batch::Account {
                account,
                regions: vec![TRACE_REGION.into()],
            },
        )?;
        // Invocations first (they create the functions), then durations and memory.
        let mut order: Vec<(usize, &TraceFile)> = plan.files.iter().enumerate().collect();
        order.sort_by_key(|(_, f)| f.kind != FileKind::Invocations);
        // (owner, app) → stored function names, for the per-app memory statistics.
        let mut apps: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
        for (index, f) in order {
            let ts = day_ts(f.day);
            let mut inventory = Vec::new();
            let mut points = Vec::new();
            let flush = |inventory: &mut Vec<FunctionRecord>,
                         points: &mut Vec<SeriesPoints>|
             -> std::result::Result<u64, crate::store::StoreError> {
                let mut n = 0;
                if !inventory.is_empty() {
                    n += write_batch(
                        tx,
                        &Batch::Functions {
                            account: TRACE_ACCOUNT.into(),
                            region: TRACE_REGION.into(),
                            functions: std::mem::take(inventory),
                            seen_at: now,
                        },
                    )?;
                }
                n += write_batch(
                    tx,
                    &Batch::Metrics {
                        account: TRACE_ACCOUNT.into(),
                        region: TRACE_REGION.into(),
                        series: std::mem::take(points),
                        cursors: Vec::new(),
                    },
                )?;
                Ok(n)
            };
            let mut written = 0u64;
            let mut failure: Option<crate::store::StoreError> = None;
            let rows = azure2019::read(f, &mut |row| {
                match row {
                    Row::Invocations(r) => {
                        let name = &plan.names[&r.key];
                        let app = (r.key.owner.clone(), r.key.app.clone());
                        let mem = memory_mb(plan.app_memory_mb.get(&app).copied());
                        apps.entry(app).or_default().insert(name.clone());
                        inventory.push(record(&r.key, name, &r.trigger, mem));
                        // Each minute is at most MAX_INVOCATIONS_PER_MINUTE (checked by the
                        // reader), so a row cannot overflow; totals over many files are checked.
                        let total: u64 = r.counts.iter().sum();
                        let function_total = per_function.entry(name.clone()).or_default();
                        let overflow = || {
                            InputError::at(
                                &f.name,
                                r.line,
                                5,
                                "the trace's total of invocations does not fit 64 bits",
                            )
                        };
                        *function_total = function_total.checked_add(total).ok_or_else(overflow)?;
                        report.invocations = report.invocations.checked_add(total).ok_or_else(overflow)?;
                        let minutes = r
                            .counts
                            .iter()
                            .enumerate()
                            .filter(|(_, n)| **n > 0)
                            .map(|(m, n)| (ts + 60 * m as i64, *n as f64))
                            .collect();
                        points.push(series(name, "Invocations", "Sum", 60, minutes));
                        points.push(series(
                            name,
                            "Invocations",
                            "Sum",
                            86_400,
                            vec![(ts, total as f64)],
                        ));
                    }
                    Row::Durations(r) => {
                        let Some(name) = plan.names.get(&r.key) else {
                            report.durations_skipped += 1;
                            return Ok(());
                        };
                        let mut stats = vec![
                            ("Average".to_string(), r.average_ms),
                            ("Minimum".to_string(), r.minimum_ms),
                            ("Maximum".to_string(), r.maximum_ms),
                            ("SampleCount".to_string(), r.count),
                        ];
                        stats.extend(r.percentiles_ms.iter().map(|(p, v)| (format!("p{p}"), *v)));
                        for (stat, v) in stats {
                            points.push(series(name, "Duration", &stat, 86_400, vec![(ts, v)]));
                        }
                    }
                    Row::Memory(r) => {
                        let names = apps
                            .get(&(r.owner.clone(), r.app.clone()))
                            .cloned()
                            .unwrap_or_default();
                        // Memory is per application: every function of the app gets it.
                        let mut stats = vec![
                            ("Average".to_string(), r.average_mb),
                            ("SampleCount".to_string(), r.sample_count),
                        ];
                        stats.extend(r.percentiles_mb.iter().map(|(p, v)| (format!("p{p}"), *v)));
                        for name in &names {
                            for (stat, v) in &stats {
                                points.push(series(name, "AllocatedMemoryMB", stat, 86_400, vec![(ts, *v)]));
                            }
                        }
                    }
                }
                if inventory.len() + points.len() / 8 >= BATCH {
                    match flush(&mut inventory, &mut points) {
                        Ok(n) => written += n,
                        Err(e) => {
                            failure = Some(e);
                            return Err(InputError::at(&f.name, 0, 0, "the database refused a write"));
                        }
                    }
                }
                Ok(())
            });
            if let Some(e) = failure {
                return Err(AppError::from(e));
            }
            let rows = rows.map_err(trace_error)?;
            written += flush(&mut inventory, &mut points)?;
            report.rows_written += written;
            report.files.push(TraceFileOutcome {
                file: f.name.clone(),
                kind: f.kind,
                day: f.day,
                rows,
                found_alongside: index >= plan.given,
            });
        }
        Ok::<(), AppError>(())
    })?;
    let mut busiest: Vec<(String, u64)> = per_function.into_iter().collect();
    busiest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    busiest.truncate(5);
    report.busiest = busiest;
    Ok(report)
}

/// Parse `--start`, the date day 1 of the trace is stored on.
pub fn parse_start(s: Option<&str>) -> Result<Day> {
    crate::app::dates::parse_day("--start", s.unwrap_or(DEFAULT_START))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_rounds_up_to_the_billing_granularity() {
        assert_eq!(memory_mb(None), 128);
        assert_eq!(memory_mb(Some(0.0)), 128);
        assert_eq!(memory_mb(Some(128.0)), 128);
        assert_eq!(memory_mb(Some(129.5)), 256);
        assert_eq!(memory_mb(Some(600.0)), 640);
    }
}

//! What the REPORT records measured, per function over a range: cold starts, INIT time and
//! memory used. The one place these figures are computed; `analyse`, the Functions table, the
//! function detail, right-sizing and calibration all read them from here.
//!
//! A function appears only if its records were read (a logs cursor exists): one without log data
//! has no entry, which callers show as "no log data" (null), never as zero cold starts.

use crate::analytics::Result;
use crate::model::{Day, LogHour, ValueCounts};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

/// One function's REPORT-record figures of one day (UTC).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogDay {
    pub day: Option<Day>,
    /// REPORT records (invocations that finished).
    pub invocations: u64,
    pub cold_starts: u64,
    /// Σ INIT duration rounded up to whole ms per cold start (what Lambda bills), ms.
    pub init_billed_ms: u64,
    /// Σ INIT duration as printed, ms.
    pub init_ms_sum: f64,
}

/// One function's REPORT-record figures over a range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionLogs {
    pub function: String,
    pub invocations: u64,
    pub cold_starts: u64,
    /// Σ INIT rounded up per cold start, ms (Lambda bills INIT per ms since 2025-08-01).
    pub init_billed_ms: u64,
    pub init_ms_sum: f64,
    /// Σ billed duration, ms.
    pub billed_ms_sum: f64,
    /// INIT durations (whole ms, rounded up) → count.
    pub init_ms: ValueCounts,
    /// Configured memory the records state, MB (the largest over the range; 0 if no record).
    pub memory_size_mb: u32,
    /// Max memory used per invocation, MB → count.
    pub memory_used_mb: ValueCounts,
    /// Per day with records, oldest first.
    pub days: Vec<LogDay>,
    /// Unix seconds up to which the records are stored.
    pub stored_until: i64,
}

impl FunctionLogs {
    /// Cold starts per invocation; `None` without invocations.
    pub fn cold_start_rate(&self) -> Option<f64> {
        (self.invocations > 0).then(|| self.cold_starts as f64 / self.invocations as f64)
    }

    /// Median INIT duration, ms (whole, rounded up); `None` without cold starts.
    pub fn init_p50_ms(&self) -> Option<u32> {
        self.init_ms.quantile(0.50)
    }

    pub fn init_p99_ms(&self) -> Option<u32> {
        self.init_ms.quantile(0.99)
    }

    /// The most memory any invocation used, MB.
    pub fn max_memory_used_mb(&self) -> Option<u32> {
        self.memory_used_mb.max()
    }

    /// 99th percentile of max memory used per invocation, MB.
    pub fn memory_used_p99_mb(&self) -> Option<u32> {
        self.memory_used_mb.quantile(0.99)
    }

    fn add(&mut self, h: &LogHour) {
        self.invocations += h.invocations;
        self.cold_starts += h.cold_starts;
        self.init_billed_ms += h.init_ms.weighted_sum();
        self.init_ms_sum += h.init_ms_sum;
        self.billed_ms_sum += h.billed_ms_sum;
        self.init_ms.merge(&h.init_ms);
        self.memory_size_mb = self.memory_size_mb.max(h.memory_size_mb);
        self.memory_used_mb.merge(&h.memory_used_mb);
        let day = Day::from_unix(h.hour);
        if self.days.last().and_then(|d| d.day) != Some(day) {
            self.days.push(LogDay {
                day: Some(day),
                ..LogDay::default()
            });
        }
        let d = self.days.last_mut().expect("pushed above");
        d.invocations += h.invocations;
        d.cold_starts += h.cold_starts;
        d.init_billed_ms += h.init_ms.weighted_sum();
        d.init_ms_sum += h.init_ms_sum;
    }
}

/// What a function's REPORT records say over a range, as the analysis, the Functions table and
/// the function detail show it; every field null when the function has no log data (never zero).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MeasuredStats {
    /// Cold starts (REPORT records with an INIT duration).
    pub cold_starts: Option<u64>,
    /// Cold starts per invocation recorded (a fraction; null without invocations).
    pub cold_start_rate: Option<f64>,
    /// Median INIT, whole ms rounded up (null without cold starts).
    pub init_p50_ms: Option<u32>,
    pub init_p99_ms: Option<u32>,
    /// The most memory any invocation used, MB.
    pub max_memory_used_mb: Option<u32>,
    /// 99th percentile of memory used per invocation, MB.
    pub memory_used_p99_mb: Option<u32>,
}

impl MeasuredStats {
    /// `None`: the function has no log data.
    pub fn of(f: Option<&FunctionLogs>) -> MeasuredStats {
        let Some(f) = f else {
            return MeasuredStats::default();
        };
        MeasuredStats {
            cold_starts: Some(f.cold_starts),
            cold_start_rate: f.cold_start_rate(),
            init_p50_ms: f.init_p50_ms(),
            init_p99_ms: f.init_p99_ms(),
            max_memory_used_mb: f.max_memory_used_mb(),
            memory_used_p99_mb: f.memory_used_p99_mb(),
        }
    }
}

/// Measured cold starts and billed INIT per function-day, to join on a usage days frame:
/// `function_id`, `day` (i64), `cold_starts`, `init_billed_ms` (i64). `ids`: the inventory's
/// (function id, name); a function without log data has no rows.
pub fn init_days(
    measured: &BTreeMap<String, FunctionLogs>,
    ids: &[(i64, String)],
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use polars::prelude::{Column, DataFrame};
    let (mut fid, mut day, mut cold, mut init) = (vec![], vec![], vec![], vec![]);
    for (id, name) in ids {
        let Some(f) = measured.get(name) else { continue };
        for d in &f.days {
            let Some(dd) = d.day else { continue };
            fid.push(*id);
            day.push(dd.0);
            cold.push(d.cold_starts as i64);
            init.push(d.init_billed_ms as i64);
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new("function_id".into(), fid),
        Column::new("day".into(), day),
        Column::new("cold_starts".into(), cold),
        Column::new("init_billed_ms".into(), init),
    ])
}

/// The measured figures of an account's functions over the days `from..=to`, by function name;
/// only functions whose records were read.
pub fn measured(
    c: &Connection,
    account_id: i64,
    from: Day,
    to: Day,
) -> Result<BTreeMap<String, FunctionLogs>> {
    let covered = crate::store::logs::covered(c, account_id)?;
    let mut out: BTreeMap<String, FunctionLogs> = covered
        .into_iter()
        .map(|(function, stored_until)| {
            let f = FunctionLogs {
                function: function.clone(),
                stored_until,
                ..FunctionLogs::default()
            };
            (function, f)
        })
        .collect();
    let hours = crate::store::logs::hours(c, account_id, from.start_unix(), to.plus(1).start_unix())?;
    for h in &hours {
        if let Some(f) = out.get_mut(&h.function) {
            f.add(h);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::records::{AccountRecord, AccountSource, FunctionRecord};
    use crate::model::{Batch, LogsCursor};
    use crate::store::Store;

    fn hour(function: &str, hour: i64, invocations: u64, inits: &[u32], memory: &[(u32, u64)]) -> LogHour {
        let mut init_ms = ValueCounts::default();
        for &i in inits {
            init_ms.add(i, 1);
        }
        let mut memory_used_mb = ValueCounts::default();
        for &(m, n) in memory {
            memory_used_mb.add(m, n);
        }
        LogHour {
            function: function.into(),
            hour,
            invocations,
            cold_starts: inits.len() as u64,
            init_ms_sum: inits.iter().map(|&i| f64::from(i) - 0.5).sum(),
            init_ms,
            duration_ms_sum: 0.0,
            billed_ms_sum: 0.0,
            memory_size_mb: 1024,
            memory_used_mb,
        }
    }

    fn store_with(functions: &[&str], covered: &[&str], hours: Vec<LogHour>) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let account = AccountRecord {
            key: "1".into(),
            name: "a".into(),
            source: AccountSource::Aws,
            profile: None,
        };
        let fns = functions
            .iter()
            .map(|n| FunctionRecord {
                name: n.to_string(),
                arn: format!("arn:{n}"),
                runtime: None,
                memory_mb: 1024,
                architecture: "x86_64".into(),
                timeout_s: 3,
                ephemeral_storage_mb: 512,
                package_type: "Zip".into(),
                provisioned_concurrency: 0,
                last_modified: None,
            })
            .collect();
        for b in [
            Batch::Account {
                account,
                regions: vec!["r".into()],
            },
            Batch::Functions {
                account: "1".into(),
                region: "r".into(),
                functions: fns,
                seen_at: 0,
            },
            Batch::Logs {
                account: "1".into(),
                region: "r".into(),
                hours,
                cursors: covered
                    .iter()
                    .map(|n| (LogsCursor::new(*n), 3 * 86_400))
                    .collect(),
            },
        ] {
            store.apply(&b).unwrap();
        }
        store
    }

    #[test]
    fn a_range_sums_its_hours_and_its_percentiles_are_exact() {
        let d0 = Day::from_unix(0);
        let store = store_with(
            &["api", "quiet", "dark"],
            &["api", "quiet"],
            vec![
                hour("api", 0, 100, &[300, 310], &[(400, 99), (700, 1)]),
                hour("api", 3600, 100, &[900], &[(410, 100)]),
                hour("api", 86_400, 50, &[], &[(420, 50)]),
                // Outside the range asked for.
                hour("api", 2 * 86_400, 10, &[5000], &[(900, 10)]),
            ],
        );
        let m = measured(store.conn(), 1, d0, d0.plus(1)).unwrap();
        let api = &m["api"];
        assert_eq!((api.invocations, api.cold_starts), (250, 3));
        assert_eq!(api.init_billed_ms, 1510);
        assert_eq!(api.cold_start_rate(), Some(3.0 / 250.0));
        assert_eq!((api.init_p50_ms(), api.init_p99_ms()), (Some(310), Some(900)));
        assert_eq!(api.max_memory_used_mb(), Some(700));
        assert_eq!(api.memory_used_p99_mb(), Some(420));
        assert_eq!(api.days.len(), 2);
        assert_eq!((api.days[0].invocations, api.days[0].cold_starts), (200, 3));
        // Read but idle: zero, not unknown.
        assert_eq!(m["quiet"].invocations, 0);
        assert_eq!(m["quiet"].cold_start_rate(), None);
        // Never read: absent.
        assert!(!m.contains_key("dark"));
    }
}

//! Lambda's REPORT records from each function's log group through CloudWatch Logs
//! `FilterLogEvents`, summed per function-hour (see [`report`](super::report)).
//!
//! The log group is the function's `LoggingConfig.LogGroup`, else `/aws/lambda/NAME`. Each
//! function is read from where its cursor stands, less [`LATE_S`] for records that arrive late,
//! rounded down to the hour: every hour read is read whole, so storing it again replaces it with
//! the same figures (and writes nothing). The range is cut into chunks at fixed
//! [`CHUNK_S`] edges; a chunk's pages are summed in memory and stored as one batch with the cursor
//! moved to the chunk's end, so a killed sync loses at most the chunk in flight.
//!
//! A log group that does not exist gives no data and sets no cursor (the function shows as having
//! no log data). A denied `logs:FilterLogEvents` is a warning (once per profile) and leaves that
//! function unread: the rest of the sync goes on, and the run ends failed with the permission
//! named, as a denied Cost Explorer does.

use crate::ingest::aws::report::Hours;
use crate::ingest::aws::{call, AwsSource, Task};
use crate::ingest::{Batch, IngestError, Pulled, StoredState, SyncStage};
use crate::model::{Day, LogsCursor};
use aws_sdk_lambda::types::{FunctionConfiguration, SystemLogLevel};
use std::collections::BTreeMap;

/// The IAM action of every request made here.
pub const ACTION: &str = "logs:FilterLogEvents";
/// Matches text REPORT records and JSON `platform.report` records (either term); what else it
/// lets through is told apart by the parser.
pub const FILTER_PATTERN: &str = "?\"REPORT RequestId\" ?\"platform.report\"";
/// How far before its cursor a function is read again, s: REPORT records can reach CloudWatch
/// Logs minutes after their timestamp.
pub const LATE_S: i64 = 900;
/// Chunk edges, s from the epoch: a week. A first 30-day sync reads 5 or 6 chunks per function,
/// a later one usually 1.
pub const CHUNK_S: i64 = 7 * DAY_S;
/// Events per page (the API's maximum).
const PAGE: i32 = 10_000;
/// Bytes one REPORT record takes in an answer (message, stream name, event id, times), for the
/// estimate printed before the run.
pub const RECORD_BYTES: u64 = 400;
/// Data transfer out to the internet, USD per GB (first 10 TB tier, us-east-1; the first 100 GB a
/// month are free across services), which is what reading log events out of AWS costs.
pub const TRANSFER_USD_PER_GB: f64 = 0.09;
const HOUR_S: i64 = 3600;
const DAY_S: i64 = 86_400;

/// Where a function's REPORT records are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogTarget {
    pub group: String,
    /// In a custom group, which several functions may share, Lambda names each stream
    /// `YYYY/MM/DD/<function>[<version>]<environment>`: only streams of this function count.
    /// `None` for the function's own default group.
    pub function: Option<String>,
    /// False when the function's system log level (JSON format) drops INFO platform records,
    /// REPORT included.
    pub reports: bool,
}

/// A listed function's log target: its `LoggingConfig`, else Lambda's default group.
pub fn log_target(f: &FunctionConfiguration) -> Option<LogTarget> {
    let name = f.function_name()?;
    let config = f.logging_config();
    let default = default_group(name);
    let group = config
        .and_then(|c| c.log_group())
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| default.clone());
    let reports = !matches!(
        config.and_then(|c| c.system_log_level()),
        Some(SystemLogLevel::Warn)
    );
    Some(LogTarget {
        function: (group != default).then(|| name.to_string()),
        group,
        reports,
    })
}

/// Lambda's log group of a function without a `LoggingConfig.LogGroup`.
pub fn default_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

/// Whether a stream of a custom group holds `function`'s records
/// (`YYYY/MM/DD/<function>[<version>]<environment>`).
pub fn stream_of(stream: &str, function: &str) -> bool {
    stream
        .splitn(4, '/')
        .nth(3)
        .and_then(|rest| rest.strip_prefix(function))
        .is_some_and(|rest| rest.starts_with('['))
}

/// One function's records in `[start, end)`, Unix seconds: all pages of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogJob {
    pub function: String,
    pub group: String,
    /// A custom group: only the function's own streams count (see [`LogTarget::function`]).
    pub shared: bool,
    pub start: i64,
    pub end: i64,
}

/// `[start, end)` cut at multiples of [`CHUNK_S`].
pub fn chunks(start: i64, end: i64) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut s = start;
    while s < end {
        let e = ((s.div_euclid(CHUNK_S) + 1) * CHUNK_S).min(end);
        out.push((s, e));
        s = e;
    }
    out
}

/// Where a function's reading starts: the window's start, or its cursor less [`LATE_S`] rounded
/// down to the hour, whichever is later.
pub fn read_from(since: i64, cursor: Option<i64>) -> i64 {
    match cursor {
        Some(c) => since.max((c - LATE_S).div_euclid(HOUR_S) * HOUR_S),
        None => since,
    }
}

impl AwsSource {
    /// Queue each function's chunks and tell the user what they will cost.
    pub(super) fn plan_logs(
        &mut self,
        state: &StoredState,
        p: usize,
        r: usize,
    ) -> Result<Pulled, IngestError> {
        let region = self.profiles[p].regions[r].clone();
        let account = self.account(p)?;
        let functions = self.inventory.get(&(p, r)).cloned().unwrap_or_default();
        let now = self.opts.now;
        let since = Day::from_unix(now).start_unix() - i64::from(self.opts.days) * DAY_S;
        let mut jobs = Vec::new();
        let mut silent = Vec::new();
        let mut records = 0.0;
        for f in &functions {
            let target = self
                .log_targets
                .get(&(p, r, f.name.clone()))
                .cloned()
                .unwrap_or(LogTarget {
                    group: default_group(&f.name),
                    function: None,
                    reports: true,
                });
            if !target.reports {
                silent.push(f.name.clone());
                continue;
            }
            let cursor = state.logs_cursor(&account, &region, &LogsCursor::new(&f.name))?;
            let start = read_from(since, cursor);
            if let Some(per_hour) = self.invocations.get(&(p, r, f.name.clone())) {
                records += per_hour
                    .range(start.div_euclid(HOUR_S) * HOUR_S..)
                    .map(|(_, n)| n)
                    .sum::<f64>();
            }
            for (s, e) in chunks(start, now) {
                jobs.push(LogJob {
                    function: f.name.clone(),
                    group: target.group.clone(),
                    shared: target.function.is_some(),
                    start: s,
                    end: e,
                });
            }
        }
        let n = jobs.len() as u64;
        let mb = records * RECORD_BYTES as f64 / 1e6;
        let usd = mb / 1e3 * TRANSFER_USD_PER_GB;
        let mut note = format!(
            "CloudWatch Logs: REPORT records of {} function(s) in {account}/{region} through FilterLogEvents, \
             {n} chunk(s), one request each per 10,000 records (no per-request charge); about {records:.0} record(s) \
             by the Invocations read in this run (~{mb:.1} MB out of AWS, ~${usd:.4} at ${TRANSFER_USD_PER_GB}/GB \
             data transfer; the first 100 GB a month are free)",
            functions.len() - silent.len()
        );
        if !silent.is_empty() {
            note.push_str(&format!(
                "; no REPORT records for {} (system log level WARN)",
                silent.join(", ")
            ));
        }
        for job in jobs.into_iter().rev() {
            self.tasks.push_front(Task::Logs {
                profile: p,
                region: r,
                job,
                token: None,
                hours: Box::default(),
            });
        }
        let step = self.step(
            SyncStage::Logs,
            n,
            0,
            format!("{n} log chunk(s) for {account}/{region}"),
        );
        Ok(Pulled {
            batch: None,
            step,
            note: Some(note),
        })
    }

    /// One page of one chunk; the chunk's batch once its last page is read.
    pub(super) fn logs(
        &mut self,
        p: usize,
        r: usize,
        job: LogJob,
        token: Option<String>,
        mut hours: Box<Hours>,
    ) -> Result<Pulled, IngestError> {
        let region = self.profiles[p].regions[r].clone();
        let account = self.account(p)?;
        let client = self.logs_client(p, &region);
        let label = self.profiles[p].label.clone();
        let req = client
            .filter_log_events()
            .log_group_name(&job.group)
            .start_time(job.start * 1000)
            // endTime is inclusive: the chunk ends just before its end.
            .end_time(job.end * 1000 - 1)
            .filter_pattern(FILTER_PATTERN)
            .limit(PAGE)
            .set_next_token(token);
        let out = match call(&self.runtime, &mut self.requests, &label, ACTION, req.send()) {
            Ok(out) => out,
            Err(IngestError::Service { code, .. }) if code == "ResourceNotFoundException" => {
                // No log group: no data, and no cursor, so the function shows as never read.
                self.drop_logs_tasks(|t| t.0 == p && t.1 == r && t.2 == job.function);
                let step = self.step(
                    SyncStage::Logs,
                    0,
                    1,
                    format!("{}: no log group {}", job.function, job.group),
                );
                return Ok(Pulled {
                    batch: None,
                    step,
                    note: None,
                });
            }
            Err(e @ IngestError::AccessDenied { .. }) => {
                // A policy may allow some log groups and not others: only this function's
                // chunks go; the warning is printed once per profile.
                let dropped = self.drop_logs_tasks(|t| t.0 == p && t.1 == r && t.2 == job.function);
                let note = self.logs_denied.insert(p).then(|| {
                    format!(
                        "warning: {e}. No REPORT records (cold starts, INIT, memory used) are read where it \
                         is denied for {label} (first: {}); the rest of the sync goes on (or pass --no-logs)",
                        job.group
                    )
                });
                self.deferred.get_or_insert(e);
                let step = self.step(
                    SyncStage::Logs,
                    0,
                    1 + dropped,
                    format!("{}: {ACTION} denied on {}", job.function, job.group),
                );
                return Ok(Pulled {
                    batch: None,
                    step,
                    note,
                });
            }
            Err(e) => return Err(e),
        };
        for e in out.events() {
            let mine = !job.shared || e.log_stream_name().is_some_and(|s| stream_of(s, &job.function));
            if let (true, Some(ts), Some(m)) = (mine, e.timestamp(), e.message()) {
                hours.add(ts, m);
            }
        }
        if let Some(t) = out.next_token().filter(|t| !t.is_empty()) {
            let step = self.step(
                SyncStage::Logs,
                0,
                0,
                format!("{}: {} records, more pages", job.function, hours.records()),
            );
            self.tasks.push_front(Task::Logs {
                profile: p,
                region: r,
                job,
                token: Some(t.to_string()),
                hours,
            });
            return Ok(Pulled {
                batch: None,
                step,
                note: None,
            });
        }
        let note = (hours.malformed > 0).then(|| {
            format!(
                "{}: {} unreadable REPORT line(s) skipped in {}",
                job.function, hours.malformed, job.group
            )
        });
        let step = self.step(
            SyncStage::Logs,
            0,
            1,
            format!("{}: {} REPORT records", job.function, hours.records()),
        );
        Ok(Pulled {
            batch: Some(Batch::Logs {
                account,
                region,
                hours: hours.into_hours(&job.function),
                cursors: vec![(LogsCursor::new(&job.function), job.end)],
            }),
            step,
            note,
        })
    }

    /// Remove queued log chunks whose (profile, region, function) `matches`; returns how many.
    fn drop_logs_tasks(&mut self, matches: impl Fn((usize, usize, &str)) -> bool) -> u64 {
        let before = self.tasks.len();
        self.tasks.retain(|t| match t {
            Task::Logs {
                profile, region, job, ..
            } => !matches((*profile, *region, job.function.as_str())),
            _ => true,
        });
        (before - self.tasks.len()) as u64
    }

    /// Record CloudWatch's Invocations per function-hour as metrics pass by, for the estimate.
    pub(super) fn tally_invocations(&mut self, p: usize, r: usize, function: &str, points: &[(i64, f64)]) {
        let per_hour: &mut BTreeMap<i64, f64> =
            self.invocations.entry((p, r, function.to_string())).or_default();
        for &(ts, n) in points {
            *per_hour.entry(ts.div_euclid(HOUR_S) * HOUR_S).or_insert(0.0) += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cut_at_fixed_week_edges() {
        let w = CHUNK_S;
        assert_eq!(chunks(10, 20), vec![(10, 20)]);
        assert_eq!(chunks(w - 5, w + 5), vec![(w - 5, w), (w, w + 5)]);
        assert_eq!(chunks(0, 2 * w), vec![(0, w), (w, 2 * w)]);
        assert!(chunks(5, 5).is_empty());
        // A 30-day window is read in 5 or 6 chunks whatever the day.
        for d in 0..7 {
            let since = 20_000 * DAY_S + d * DAY_S;
            let n = chunks(since, since + 30 * DAY_S + 3600).len();
            assert!((5..=6).contains(&n), "{n}");
        }
    }

    #[test]
    fn a_custom_group_counts_only_the_functions_own_streams() {
        assert!(stream_of("2026/11/27/api[$LATEST]0a1b", "api"));
        assert!(stream_of("2026/11/27/api[12]0a1b", "api"));
        assert!(!stream_of("2026/11/27/api-v2[$LATEST]0a1b", "api"));
        assert!(!stream_of("2026/11/27/[$LATEST]0a1b", "api"));
        assert!(!stream_of("api[$LATEST]", "api"));
    }

    #[test]
    fn reading_restarts_at_the_hour_before_the_cursor_less_the_late_margin() {
        let since = 1_000 * HOUR_S;
        assert_eq!(read_from(since, None), since);
        // Cursor at 10:20 → 10:05 → 10:00.
        assert_eq!(
            read_from(since, Some(since + 10 * HOUR_S + 1200)),
            since + 10 * HOUR_S
        );
        // Cursor at 10:10 → 09:55 → 09:00.
        assert_eq!(
            read_from(since, Some(since + 10 * HOUR_S + 600)),
            since + 9 * HOUR_S
        );
        // Never before the window.
        assert_eq!(read_from(since, Some(since - 5 * HOUR_S)), since);
    }
}

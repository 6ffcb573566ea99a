//! Metrics aggregated by CloudWatch for fleets too large to keep every minute (`--detail hour`
//! or `day`).
//!
//! Each function's statistics are stored at one period, an hour or a day, computed server-side:
//!
//! - **The last two weeks** (what Metrics Insights can read) come from Metrics Insights: one query
//!   per statistic answers for up to 500 functions of an account at once,
//!   `SELECT SUM(Invocations) FROM SCHEMA("AWS/Lambda", FunctionName)
//!   WHERE AWS.AccountId = '…' GROUP BY FunctionName`. `SCHEMA(…, FunctionName)` reads only the
//!   functions' own series (not the per-alias and per-version ones, which would count twice).
//!   A `GetMetricData` request may hold one such query, so an account costs six requests (plus
//!   pages) per sync instead of one query per function and statistic.
//! - **Older days**, an account with more than 500 functions (a query returns at most 500
//!   series), a query CloudWatch truncated, and functions with provisioned concurrency (whose
//!   per-alias metrics are read beside their own) are read with one `MetricStat` query per
//!   function and statistic at the same period, 500 to a request.
//!
//! Metrics Insights has no percentiles, so these syncs store the average and the maximum
//! duration, not p50/p99. Only complete periods are read (a sync at 14:20 stores hours up to
//! 14:00), and a re-sync reads the last stored period again for late data.
//!
//! Through a CloudWatch cross-account observability monitoring account (`--metrics-from`),
//! every account's queries are sent by the monitoring account: Metrics Insights selects the
//! source account in its `WHERE` clause and a `MetricStat` query by its `AccountId`.

use crate::ingest::aws::cloudwatch::{
    function_queries, plan_requests, result_points, MetricRequest, QuerySpec, Window, DAY_S, LATE_DATA_S,
};
use crate::ingest::aws::{call, AwsSource, Task};
use crate::ingest::{Batch, IngestError, Pulled, SeriesPoints, StoredState, SyncStage};
use crate::model::MetricsCursor;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{MetricDataQuery, ScanBy, StatusCode};
use std::collections::{BTreeMap, BTreeSet};

/// (metric, statistic stored, Metrics Insights function) of every function at hour or day detail.
pub const DETAIL_QUERIES: [(&str, &str, &str); 6] = [
    ("Invocations", "Sum", "SUM"),
    ("Errors", "Sum", "SUM"),
    ("Throttles", "Sum", "SUM"),
    ("Duration", "Average", "AVG"),
    ("Duration", "Maximum", "MAX"),
    ("ConcurrentExecutions", "Maximum", "MAX"),
];

/// Most series one Metrics Insights query returns.
pub const MAX_SERIES: usize = 500;
/// The cursors of the last two weeks' window and of the days before it.
const RECENT: &str = "recent";
const OLDER: &str = "older";
/// How far back Metrics Insights reads, s.
const MAX_AGE_S: i64 = 14 * DAY_S;
/// Room left at the two-week edge for a sync that runs a while, s.
const EDGE_S: i64 = 3_600;
/// Messages of a result CloudWatch cut short: what it holds is not the whole answer.
const TRUNCATED: [&str; 3] = [
    "MaxQueryResultsExceeded",
    "MaxMatchingResultsExceeded",
    "MaxQueryTimeRangeExceeded",
];

/// The windows of a detail sync at `period_s` over the last `days` days before `now`: the
/// recent one Metrics Insights reads, and the older one read per function. Both end on period
/// edges; the recent one ends at the last complete period.
pub fn detail_windows(now: i64, days: u32, period_s: u32) -> (Option<Window>, Option<Window>) {
    let p = i64::from(period_s);
    let end = now.div_euclid(p) * p;
    let since = (now.div_euclid(DAY_S) - i64::from(days)) * DAY_S;
    let recent = (now - MAX_AGE_S + EDGE_S).div_euclid(p) * p + p;
    let window = |start: i64, end: i64| (start < end).then_some(Window { period_s, start, end });
    (window(since.max(recent), end), window(since, recent.min(end)))
}

/// The Metrics Insights statement of statistic `query` (an index into [`DETAIL_QUERIES`]) of
/// every function of `account`. An account id is twelve digits; anything else is refused
/// rather than written into a query.
pub fn statement(query: usize, account: &str) -> Result<String, IngestError> {
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IngestError::Unexpected {
            action: "cloudwatch:GetMetricData".into(),
            detail: format!("“{account}” is not an AWS account id"),
        });
    }
    let (metric, _, function) = DETAIL_QUERIES[query];
    Ok(format!(
        "SELECT {function}({metric}) FROM SCHEMA(\"AWS/Lambda\", FunctionName) \
         WHERE AWS.AccountId = '{account}' GROUP BY FunctionName"
    ))
}

/// One Metrics Insights query and its pages: statistic `query` of `functions` of `account`.
#[derive(Debug, Clone)]
pub struct InsightsRequest {
    pub account: String,
    pub window: Window,
    /// The functions whose series are kept (others the account has are dropped), sorted.
    pub functions: Vec<String>,
    /// Index into [`DETAIL_QUERIES`]; the request moves on to the next once its pages are in.
    pub query: usize,
    /// Series of the request's functions answered so far, over its queries and pages.
    pub seen: usize,
}

impl AwsSource {
    /// Plan a detail sync of profile `p`'s account in region `r` at `period_s`.
    pub(super) fn plan_detail(
        &mut self,
        state: &StoredState,
        p: usize,
        r: usize,
        period_s: u32,
    ) -> Result<Pulled, IngestError> {
        let region = self.profiles[p].regions[r].clone();
        let account = self.account(p)?;
        let via = self.opts.metrics_from.unwrap_or(p);
        let functions = self.inventory.get(&(p, r)).cloned().unwrap_or_default();
        let owner = (via != p).then_some(account.as_str());
        let resources = self.provisioned_resources(via, &region, owner)?;
        let stats: Vec<(&'static str, &'static str)> =
            DETAIL_QUERIES.iter().map(|&(m, s, _)| (m, s)).collect();
        let (recent, older) = detail_windows(self.opts.now, self.opts.days, period_s);
        let overlap = LATE_DATA_S.max(i64::from(period_s));
        // Each window has its own cursors: the days before the two weeks are read once, and
        // reading the recent days does not mark them read.
        let mut older_per_function = Vec::new();
        let mut per_function = Vec::new();
        let mut insights: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for f in &functions {
            if let Some(w) = older {
                if let Some(start) = self.start_of(state, &account, &region, &f.name, (w, OLDER), 0)? {
                    older_per_function.push((
                        Window { start, ..w },
                        function_queries(&f.name, &stats, &resources),
                    ));
                }
            }
            let Some(w) = recent else { continue };
            let Some(start) = self.start_of(state, &account, &region, &f.name, (w, RECENT), overlap)? else {
                continue;
            };
            let qs = function_queries(&f.name, &stats, &resources);
            if qs.len() > stats.len() {
                per_function.push((Window { start, ..w }, qs));
            } else {
                insights.entry(start).or_default().push(f.name.clone());
            }
        }
        // One query per statistic covers the account from its earliest start; a function
        // stored further already reads a few periods again (upserts: stored once).
        let pending: Vec<String> = insights.values().flatten().cloned().collect();
        if let (Some(w), Some(start)) = (recent, insights.keys().next().copied()) {
            let window = Window { start, ..w };
            if pending.len() > MAX_SERIES {
                for f in &pending {
                    per_function.push((window, function_queries(f, &stats, &resources)));
                }
            } else {
                let mut functions = pending;
                functions.sort();
                self.tasks.push_front(Task::Insights {
                    profile: p,
                    region: r,
                    via,
                    request: InsightsRequest {
                        account: account.clone(),
                        window,
                        functions,
                        query: 0,
                        seen: 0,
                    },
                    token: None,
                });
                self.step(SyncStage::Metrics, 1, 0, String::new());
            }
        }
        let mut requests = plan_requests(older_per_function, OLDER);
        requests.extend(plan_requests(per_function, RECENT));
        let mut pulled = self.queue_requests(p, r, via, requests, &account, &region)?;
        if recent.is_some() && !insights.is_empty() {
            pulled.step.label = format!(
                "{}, and Metrics Insights for {} functions",
                pulled.step.label,
                insights.values().map(Vec::len).sum::<usize>()
            );
        }
        Ok(pulled)
    }

    /// One page of a Metrics Insights request.
    pub(super) fn insights(
        &mut self,
        p: usize,
        r: usize,
        via: usize,
        request: InsightsRequest,
        token: Option<String>,
    ) -> Result<Pulled, IngestError> {
        let region = self.profiles[p].regions[r].clone();
        let client = self.cloudwatch(via, &region);
        let label = self.profiles[via].label.clone();
        let w = request.window;
        let (metric, stat, _) = DETAIL_QUERIES[request.query];
        let q = MetricDataQuery::builder()
            .id("q0")
            .expression(statement(request.query, &request.account)?)
            .period(w.period_s as i32)
            .return_data(true)
            .build();
        let out = call(
            &self.runtime,
            &mut self.requests,
            &label,
            "cloudwatch:GetMetricData",
            client
                .get_metric_data()
                .metric_data_queries(q)
                .start_time(DateTime::from_secs(w.start))
                .end_time(DateTime::from_secs(w.end))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token)
                .send(),
        )?;
        let messages = out
            .messages()
            .iter()
            .chain(out.metric_data_results().iter().flat_map(|r| r.messages()))
            .filter_map(|m| m.code());
        if let Some(code) = messages.into_iter().find(|c| TRUNCATED.contains(c)) {
            return self.read_per_function(p, r, via, request, code);
        }
        for res in out.metric_data_results() {
            match res.status_code() {
                Some(StatusCode::Forbidden) | Some(StatusCode::InternalError) => {
                    let why: Vec<&str> = res.messages().iter().filter_map(|m| m.value()).collect();
                    return Err(IngestError::Service {
                        action: "cloudwatch:GetMetricData".into(),
                        code: res
                            .status_code()
                            .map(|c| c.as_str().to_string())
                            .unwrap_or_default(),
                        message: format!("Metrics Insights for {}: {}", request.account, why.join("; ")),
                    });
                }
                // A partial answer on the last page is not the whole answer.
                Some(StatusCode::PartialData) if out.next_token().is_none_or(str::is_empty) => {
                    return self.read_per_function(p, r, via, request, "PartialData");
                }
                _ => {}
            }
        }
        // As many series as a query may return: some of the account's may be missing.
        if out.metric_data_results().len() >= MAX_SERIES {
            return self.read_per_function(p, r, via, request, "MaxQueryResultsExceeded");
        }
        let wanted: BTreeSet<&str> = request.functions.iter().map(String::as_str).collect();
        let mut series = Vec::new();
        for res in out.metric_data_results() {
            let Some(function) = res.label().filter(|l| wanted.contains(l)) else {
                continue;
            };
            let points = result_points(res);
            if metric == "Invocations" && w.period_s <= 3_600 {
                self.tally_invocations(p, r, function, &points);
            }
            if !points.is_empty() {
                series.push(SeriesPoints {
                    function: function.to_string(),
                    metric: metric.to_string(),
                    stat: stat.to_string(),
                    period_s: w.period_s,
                    resource: String::new(),
                    points,
                });
            }
        }
        let n: usize = series.iter().map(|s| s.points.len()).sum();
        let request = InsightsRequest {
            seen: request.seen + series.len(),
            ..request
        };
        let mut note = None;
        let next = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        let last = request.query + 1 == DETAIL_QUERIES.len();
        let mut cursors = Vec::new();
        let step = match next {
            Some(t) => {
                self.tasks.push_front(Task::Insights {
                    profile: p,
                    region: r,
                    via,
                    request: request.clone(),
                    token: Some(t),
                });
                self.step(SyncStage::Metrics, 0, 0, format!("{n} points, more pages"))
            }
            None if !last => {
                self.tasks.push_front(Task::Insights {
                    profile: p,
                    region: r,
                    via,
                    request: InsightsRequest {
                        query: request.query + 1,
                        ..request.clone()
                    },
                    token: None,
                });
                self.step(
                    SyncStage::Metrics,
                    0,
                    0,
                    format!("{metric} {stat} of {}", request.account),
                )
            }
            None => {
                if request.seen == 0 && via != p {
                    note = Some(format!(
                        "no metrics of account {} came through {}: if its functions ran, check \
                         that the account is a source account of that monitoring account",
                        request.account, self.profiles[via].label
                    ));
                }
                cursors = request
                    .functions
                    .iter()
                    .map(|f| (MetricsCursor::of_window(f, w.period_s, RECENT), w.end))
                    .collect();
                self.step(
                    SyncStage::Metrics,
                    0,
                    1,
                    format!(
                        "Metrics Insights: {} functions of {}",
                        request.functions.len(),
                        request.account
                    ),
                )
            }
        };
        Ok(Pulled {
            batch: Some(Batch::Metrics {
                account: self.account(p)?,
                region,
                series,
                cursors,
            }),
            step,
            note,
        })
    }

    /// CloudWatch cut a Metrics Insights answer short (`code`): read the request's functions one
    /// query per function and statistic instead. Points of the cut answer are not stored.
    fn read_per_function(
        &mut self,
        p: usize,
        r: usize,
        via: usize,
        request: InsightsRequest,
        code: &str,
    ) -> Result<Pulled, IngestError> {
        let per_function: Vec<(Window, Vec<QuerySpec>)> = request
            .functions
            .iter()
            .map(|f| {
                let qs = DETAIL_QUERIES
                    .iter()
                    .map(|&(metric, stat, _)| QuerySpec {
                        function: f.clone(),
                        metric,
                        stat,
                        resource: String::new(),
                    })
                    .collect();
                (request.window, qs)
            })
            .collect();
        let requests: Vec<MetricRequest> = plan_requests(per_function, RECENT);
        let region = self.profiles[p].regions[r].clone();
        let mut pulled = self.queue_requests(p, r, via, requests, &request.account, &region)?;
        // The Insights request is done (its place taken by the per-function ones).
        pulled.step = self.step(SyncStage::Metrics, 0, 1, pulled.step.label);
        pulled.note = Some(format!(
            "Metrics Insights answered {code} for {}: reading its {} functions one query each instead",
            request.account,
            request.functions.len()
        ));
        Ok(pulled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Day;

    #[test]
    fn detail_windows_split_at_two_weeks_and_end_on_complete_periods() {
        // 2026-11-27 12:34:56 UTC
        let midnight = Day::from_ymd(2026, 11, 27).unwrap().start_unix();
        let now = midnight + 45_296;
        let (recent, older) = detail_windows(now, 30, 3_600);
        let recent = recent.unwrap();
        let older = older.unwrap();
        assert_eq!(recent.end, midnight + 12 * 3_600);
        assert_eq!(older.start, midnight - 30 * DAY_S);
        assert_eq!(older.end, recent.start);
        assert!(now - recent.start <= MAX_AGE_S - EDGE_S + 3_600);
        assert!(now - recent.start > MAX_AGE_S - 2 * EDGE_S);
        assert_eq!(recent.start % 3_600, 0);
        // Per day: the recent window ends at today's midnight; seven days are all recent.
        let (recent, older) = detail_windows(now, 7, 86_400);
        assert_eq!(
            recent,
            Some(Window {
                period_s: 86_400,
                start: midnight - 7 * DAY_S,
                end: midnight
            })
        );
        assert_eq!(older, None);
    }

    #[test]
    fn statements_select_one_account_and_the_functions_own_series() {
        assert_eq!(
            statement(0, "123456789012").unwrap(),
            "SELECT SUM(Invocations) FROM SCHEMA(\"AWS/Lambda\", FunctionName) \
             WHERE AWS.AccountId = '123456789012' GROUP BY FunctionName"
        );
        assert!(statement(3, "123456789012")
            .unwrap()
            .starts_with("SELECT AVG(Duration)"));
        assert!(statement(0, "1234' OR '1").is_err());
        assert!(statement(0, "12345678901").is_err());
    }
}

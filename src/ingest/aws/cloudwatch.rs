//! CloudWatch metrics of each function through `GetMetricData`.
//!
//! The period follows CloudWatch's retention: 60 s data is kept 15 days, 300 s data 63 days and
//! 3,600 s data 455 days, so a `--days 30` sync asks for the last 14 whole days at 60 s and the
//! rest at 300 s. Window edges are whole UTC days (the newest window ends at the current minute),
//! so a run interrupted and re-run the same day asks for the same windows. Queries are batched up
//! to 500 per request (the API's limit) and `NextToken` pages are followed; each function's cursor
//! moves only once the last page of its request is stored.

use crate::ingest::aws::{call, AwsSource, Task};
use crate::ingest::{Batch, IngestError, Pulled, SeriesPoints, StoredState, SyncStage};
use crate::model::{Day, MetricsCursor};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    Dimension, Metric, MetricDataQuery, MetricDataResult, MetricStat, ScanBy, StatusCode,
};
use std::collections::BTreeMap;

/// Queries per `GetMetricData` request (API limit).
pub const MAX_QUERIES: usize = 500;
pub(super) const NAMESPACE: &str = "AWS/Lambda";
pub(super) const DAY_S: i64 = 86_400;

/// (metric, statistic) fetched for every function.
pub const FUNCTION_QUERIES: &[(&str, &str)] = &[
    ("Invocations", "Sum"),
    ("Errors", "Sum"),
    ("Throttles", "Sum"),
    ("Duration", "Average"),
    ("Duration", "p50"),
    ("Duration", "p90"),
    ("Duration", "p99"),
    ("Duration", "Maximum"),
    ("ConcurrentExecutions", "Maximum"),
];

/// Per-alias metrics of provisioned concurrency, fetched where CloudWatch lists them.
pub const PROVISIONED_QUERIES: &[(&str, &str)] = &[
    ("ProvisionedConcurrencyUtilization", "Maximum"),
    ("ProvisionedConcurrencySpilloverInvocations", "Sum"),
];

/// One window at one period: `[start, end)`, Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    /// Seconds.
    pub period_s: u32,
    pub start: i64,
    pub end: i64,
}

/// Windows covering the last `days` days before `now` at the finest period CloudWatch retains
/// for each age.
pub fn windows(now: i64, days: u32) -> Vec<Window> {
    let midnight = Day::from_unix(now).start_unix();
    let current_minute = now - now.rem_euclid(60);
    let since = midnight - i64::from(days) * DAY_S;
    // (period, oldest start, end): 14 whole days + today at 60 s, then 62 at 300 s, then 454 at 1 h.
    let tiers = [
        (60, midnight - 14 * DAY_S, current_minute),
        (300, midnight - 62 * DAY_S, midnight - 14 * DAY_S),
        (3600, midnight - 454 * DAY_S, midnight - 62 * DAY_S),
    ];
    tiers
        .iter()
        .filter_map(|&(period_s, oldest, end)| {
            let start = since.max(oldest);
            (start < end).then_some(Window { period_s, start, end })
        })
        .collect()
}

/// How far back a re-sync re-reads 60 s data, s: Lambda metrics can land a few minutes late.
pub(super) const LATE_DATA_S: i64 = 600;

/// One query of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct QuerySpec {
    pub function: String,
    pub metric: &'static str,
    pub stat: &'static str,
    /// `function:alias` for per-alias metrics, else empty.
    pub resource: String,
}

/// One `GetMetricData` request (all its pages): queries sharing a window.
#[derive(Debug, Clone)]
pub struct MetricRequest {
    pub window: Window,
    pub queries: Vec<QuerySpec>,
    /// Cursors that move to `window.end` once the request is stored.
    pub cursor_keys: Vec<MetricsCursor>,
}

/// Group functions' queries by window and pack them into requests of at most 500 queries,
/// never splitting one function across requests (its cursor must move at once).
/// Each function's cursor follows `window` (see [`MetricsCursor::window`]).
pub fn plan_requests(
    per_function: Vec<(Window, Vec<QuerySpec>)>,
    window: &'static str,
) -> Vec<MetricRequest> {
    let mut by_window: BTreeMap<Window, Vec<Vec<QuerySpec>>> = BTreeMap::new();
    for (w, qs) in per_function {
        by_window.entry(w).or_default().push(qs);
    }
    let cursor_window = window;
    let mut out = Vec::new();
    for (window, groups) in by_window {
        let mut cur = MetricRequest {
            window,
            queries: Vec::new(),
            cursor_keys: Vec::new(),
        };
        for qs in groups {
            if !cur.queries.is_empty() && cur.queries.len() + qs.len() > MAX_QUERIES {
                out.push(std::mem::replace(
                    &mut cur,
                    MetricRequest {
                        window,
                        queries: Vec::new(),
                        cursor_keys: Vec::new(),
                    },
                ));
            }
            if let Some(f) = qs.first().map(|q| q.function.clone()) {
                cur.cursor_keys
                    .push(MetricsCursor::of_window(f, window.period_s, cursor_window));
            }
            cur.queries.extend(qs);
        }
        if !cur.queries.is_empty() {
            out.push(cur);
        }
    }
    out
}

impl AwsSource {
    /// Decide which windows each function still needs and queue the requests: per minute, or
    /// at the `--detail` period (see `insights`).
    pub(super) fn plan_metrics(
        &mut self,
        state: &StoredState,
        p: usize,
        r: usize,
    ) -> Result<Pulled, IngestError> {
        if let Some(period_s) = self.opts.detail.period_s() {
            return self.plan_detail(state, p, r, period_s);
        }
        let region = self.profiles[p].regions[r].clone();
        let account = self.account(p)?;
        let functions = self.inventory.get(&(p, r)).cloned().unwrap_or_default();
        let resources = self.provisioned_resources(p, &region, None)?;
        let mut per_function = Vec::new();
        for w in windows(self.opts.now, self.opts.days) {
            for f in &functions {
                let overlap = if w.period_s == 60 { LATE_DATA_S } else { 0 };
                let Some(start) = self.start_of(state, &account, &region, &f.name, (w, ""), overlap)? else {
                    continue;
                };
                let qs = function_queries(&f.name, FUNCTION_QUERIES, &resources);
                per_function.push((Window { start, ..w }, qs));
            }
        }
        let requests = plan_requests(per_function, "");
        self.queue_requests(p, r, p, requests, &account, &region)
    }

    /// Where a function's window `w` starts given its stored cursor of `cursor_window` (less
    /// `overlap` s, for late data); `None` when the window is stored already.
    pub(super) fn start_of(
        &self,
        state: &StoredState,
        account: &str,
        region: &str,
        function: &str,
        (w, cursor_window): (Window, &'static str),
        overlap: i64,
    ) -> Result<Option<i64>, IngestError> {
        let key = MetricsCursor::of_window(function, w.period_s, cursor_window);
        let cursor = state.metrics_cursor(account, region, &key)?;
        let start = cursor.map_or(w.start, |c| w.start.max(c - overlap));
        Ok((start < w.end).then_some(start))
    }

    /// Queue `requests` of profile `p`'s account in region `r`, sent through profile `via`.
    pub(super) fn queue_requests(
        &mut self,
        p: usize,
        r: usize,
        via: usize,
        requests: Vec<MetricRequest>,
        account: &str,
        region: &str,
    ) -> Result<Pulled, IngestError> {
        let n = requests.len() as u64;
        let queries: usize = requests.iter().map(|q| q.queries.len()).sum();
        for request in requests.into_iter().rev() {
            self.tasks.push_front(Task::Metrics {
                profile: p,
                region: r,
                via,
                request,
                token: None,
            });
        }
        let step = self.step(
            SyncStage::Metrics,
            n,
            0,
            format!("{queries} metric queries in {n} requests for {account}/{region}"),
        );
        Ok(Pulled {
            batch: None,
            step,
            note: None,
        })
    }

    /// (function, metric) → resources (`function:alias`) that have per-alias metrics listed.
    /// Through a monitoring account (`owner` another account than `p`'s), the listing is of
    /// that source account's metrics (`OwningAccount`), not the monitoring account's own.
    pub(super) fn provisioned_resources(
        &mut self,
        p: usize,
        region: &str,
        owner: Option<&str>,
    ) -> Result<BTreeMap<(String, &'static str), Vec<String>>, IngestError> {
        let client = self.cloudwatch(p, region);
        let label = self.profiles[p].label.clone();
        let mut out: BTreeMap<(String, &'static str), Vec<String>> = BTreeMap::new();
        for (metric, _) in PROVISIONED_QUERIES {
            let mut token: Option<String> = None;
            loop {
                let req = client
                    .list_metrics()
                    .namespace(NAMESPACE)
                    .metric_name(*metric)
                    .set_include_linked_accounts(owner.map(|_| true))
                    .set_owning_account(owner.map(str::to_string))
                    .set_next_token(token.take());
                let page = call(
                    &self.runtime,
                    &mut self.requests,
                    &label,
                    "cloudwatch:ListMetrics",
                    req.send(),
                )?;
                for m in page.metrics() {
                    let dim = |n: &str| {
                        m.dimensions()
                            .iter()
                            .find(|d| d.name() == Some(n))
                            .and_then(|d| d.value())
                    };
                    if let (Some(f), Some(res), 2) =
                        (dim("FunctionName"), dim("Resource"), m.dimensions().len())
                    {
                        let list = out.entry((f.to_string(), *metric)).or_default();
                        if !list.iter().any(|r| r == res) {
                            list.push(res.to_string());
                        }
                    }
                }
                match page.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
        }
        Ok(out)
    }

    /// One page of one request.
    pub(super) fn metrics(
        &mut self,
        p: usize,
        r: usize,
        via: usize,
        request: MetricRequest,
        token: Option<String>,
    ) -> Result<Pulled, IngestError> {
        let region = self.profiles[p].regions[r].clone();
        let account = self.account(p)?;
        let client = self.cloudwatch(via, &region);
        let label = self.profiles[via].label.clone();
        // Through a monitoring account, each query names the source account it reads.
        let other = (self.account(via)? != account).then_some(account.as_str());
        let w = request.window;
        let queries: Vec<MetricDataQuery> = request
            .queries
            .iter()
            .enumerate()
            .map(|(i, q)| query(i, q, w.period_s, other))
            .collect();
        let req = client
            .get_metric_data()
            .set_metric_data_queries(Some(queries))
            .start_time(DateTime::from_secs(w.start))
            .end_time(DateTime::from_secs(w.end))
            .scan_by(ScanBy::TimestampAscending)
            .set_next_token(token);
        let out = call(
            &self.runtime,
            &mut self.requests,
            &label,
            "cloudwatch:GetMetricData",
            req.send(),
        )?;
        let mut series = Vec::new();
        for res in out.metric_data_results() {
            if matches!(
                res.status_code(),
                Some(StatusCode::Forbidden) | Some(StatusCode::InternalError)
            ) {
                let why: Vec<&str> = res.messages().iter().filter_map(|m| m.value()).collect();
                if let (Some(StatusCode::Forbidden), Some(source)) = (res.status_code(), other) {
                    return Err(IngestError::Service {
                        action: "cloudwatch:GetMetricData".into(),
                        code: "Forbidden".into(),
                        message: format!(
                            "account {source} is not a source account of {} ({label}): link it to that \
                             monitoring account with CloudWatch cross-account observability, or sync \
                             without --metrics-from",
                            self.account(via)?
                        ),
                    });
                }
                return Err(IngestError::Service {
                    action: "cloudwatch:GetMetricData".into(),
                    code: res
                        .status_code()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    message: why.join("; "),
                });
            }
            let Some(q) = res
                .id()
                .and_then(|id| id.strip_prefix('q'))
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| request.queries.get(i))
            else {
                return Err(IngestError::Unexpected {
                    action: "cloudwatch:GetMetricData".into(),
                    detail: format!("result for an unknown query id {:?}", res.id()),
                });
            };
            let points = result_points(res);
            if q.metric == "Invocations" && q.resource.is_empty() && w.period_s <= 3_600 {
                self.tally_invocations(p, r, &q.function, &points);
            }
            if !points.is_empty() {
                series.push(SeriesPoints {
                    function: q.function.clone(),
                    metric: q.metric.to_string(),
                    stat: q.stat.to_string(),
                    period_s: w.period_s,
                    resource: q.resource.clone(),
                    points,
                });
            }
        }
        let next = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        let points: usize = series.iter().map(|s| s.points.len()).sum();
        let (cursors, step) = match next {
            Some(t) => {
                let step = self.step(
                    SyncStage::Metrics,
                    0,
                    0,
                    format!("{points} points ({} s), more pages", w.period_s),
                );
                self.tasks.push_front(Task::Metrics {
                    profile: p,
                    region: r,
                    via,
                    request: request.clone(),
                    token: Some(t),
                });
                (Vec::new(), step)
            }
            None => {
                let step = self.step(
                    SyncStage::Metrics,
                    0,
                    1,
                    format!("{} queries at {} s", request.queries.len(), w.period_s),
                );
                (
                    request.cursor_keys.iter().map(|k| (k.clone(), w.end)).collect(),
                    step,
                )
            }
        };
        Ok(Pulled {
            batch: Some(Batch::Metrics {
                account,
                region,
                series,
                cursors,
            }),
            step,
            note: None,
        })
    }
}

/// A result's points: (Unix seconds, value).
pub(super) fn result_points(res: &MetricDataResult) -> Vec<(i64, f64)> {
    res.timestamps()
        .iter()
        .map(DateTime::secs)
        .zip(res.values().iter().copied())
        .collect()
}

/// A function's queries: `stats` of the function itself, then the per-alias provisioned
/// concurrency metrics CloudWatch lists for it.
pub(super) fn function_queries(
    function: &str,
    stats: &[(&'static str, &'static str)],
    resources: &BTreeMap<(String, &'static str), Vec<String>>,
) -> Vec<QuerySpec> {
    let mut qs: Vec<QuerySpec> = stats
        .iter()
        .map(|&(metric, stat)| QuerySpec {
            function: function.to_string(),
            metric,
            stat,
            resource: String::new(),
        })
        .collect();
    for &(metric, stat) in PROVISIONED_QUERIES {
        for res in resources
            .get(&(function.to_string(), metric))
            .into_iter()
            .flatten()
        {
            qs.push(QuerySpec {
                function: function.to_string(),
                metric,
                stat,
                resource: res.clone(),
            });
        }
    }
    qs
}

/// The SDK form of query `i` (ids must start with a lower-case letter); `account` names the
/// source account when the request goes through a monitoring account.
fn query(i: usize, q: &QuerySpec, period_s: u32, account: Option<&str>) -> MetricDataQuery {
    let mut metric = Metric::builder()
        .namespace(NAMESPACE)
        .metric_name(q.metric)
        .dimensions(
            Dimension::builder()
                .name("FunctionName")
                .value(&q.function)
                .build(),
        );
    if !q.resource.is_empty() {
        metric = metric.dimensions(Dimension::builder().name("Resource").value(&q.resource).build());
    }
    MetricDataQuery::builder()
        .id(format!("q{i}"))
        .set_account_id(account.map(str::to_string))
        .metric_stat(
            MetricStat::builder()
                .metric(metric.build())
                .period(period_s as i32)
                .stat(q.stat)
                .build(),
        )
        .return_data(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_follow_retention() {
        // 2026-11-27 12:34:56 UTC
        let now = Day::from_ymd(2026, 11, 27).unwrap().start_unix() + 45_296;
        let midnight = now - 45_296;
        let w = windows(now, 30);
        assert_eq!(w.len(), 2);
        assert_eq!(
            w[0],
            Window {
                period_s: 60,
                start: midnight - 14 * DAY_S,
                end: now - 56
            }
        );
        assert_eq!(
            w[1],
            Window {
                period_s: 300,
                start: midnight - 30 * DAY_S,
                end: midnight - 14 * DAY_S
            }
        );
        let w = windows(now, 90);
        assert_eq!(w.len(), 3);
        assert_eq!(
            w[2],
            Window {
                period_s: 3600,
                start: midnight - 90 * DAY_S,
                end: midnight - 62 * DAY_S
            }
        );
        // Every window is within retention: 60 s ≤ 15 days old, 300 s ≤ 63 days.
        assert!(now - w[0].start <= 15 * DAY_S && now - w[1].start <= 63 * DAY_S);
        assert_eq!(
            windows(now, 7),
            vec![Window {
                period_s: 60,
                start: midnight - 7 * DAY_S,
                end: now - 56
            }]
        );
    }

    #[test]
    fn requests_hold_at_most_500_queries_and_whole_functions() {
        let w = Window {
            period_s: 60,
            start: 0,
            end: 600,
        };
        let per: Vec<(Window, Vec<QuerySpec>)> = (0..120)
            .map(|i| {
                let f = format!("f{i}");
                let qs = FUNCTION_QUERIES
                    .iter()
                    .map(|&(metric, stat)| QuerySpec {
                        function: f.clone(),
                        metric,
                        stat,
                        resource: String::new(),
                    })
                    .collect();
                (w, qs)
            })
            .collect();
        let reqs = plan_requests(per, "");
        // 120 functions × 9 queries = 1,080 queries: 55 functions (495 queries) per request.
        assert_eq!(
            reqs.iter().map(|r| r.queries.len()).collect::<Vec<_>>(),
            vec![495, 495, 90]
        );
        assert!(reqs.iter().all(|r| r.cursor_keys.len() * 9 == r.queries.len()));
    }
}

//! What a sync covers and how long each of its requests may take.

use aws_config::timeout::TimeoutConfig;
use std::time::Duration;

/// What to sync.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// Profiles to read; `None` means the default chain without a named profile.
    pub profiles: Vec<Option<String>>,
    /// Regions; empty means each profile's configured region.
    pub regions: Vec<String>,
    /// How far back to fetch metrics and costs, days.
    pub days: u32,
    /// Fetch Cost Explorer data (each request costs the account $0.01).
    pub costs: bool,
    /// Read Lambda's REPORT records from CloudWatch Logs (cold starts, INIT, memory used).
    pub logs: bool,
    /// Re-fetch estimated cost days even if fetched recently.
    pub refresh_costs: bool,
    /// Attempts per request, first try included (throttling, 5xx and timeouts are retried).
    pub max_attempts: u32,
    /// Seconds one attempt of a request may take, connecting included (see [`timeouts`]).
    pub timeout_s: u32,
    /// The sync's clock, Unix seconds: windows are computed from it once per run.
    pub now: i64,
    /// The finest period of the metrics stored: per minute (CloudWatch's finest for each age),
    /// or aggregated by CloudWatch per hour or day for fleets too large to keep every minute.
    pub detail: MetricDetail,
    /// The profile (an index into `profiles`) whose account reads every account's metrics: a
    /// CloudWatch cross-account observability monitoring account. `None`: each account reads its own.
    pub metrics_from: Option<usize>,
}

/// How finely a sync stores metrics (`--detail`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetricDetail {
    /// CloudWatch's finest for each age: 60 s for two weeks, then 300 s, then 3,600 s.
    #[default]
    Minute,
    /// One point per hour, aggregated by CloudWatch (Metrics Insights for the last two weeks).
    Hour,
    /// One point per UTC day, aggregated by CloudWatch.
    Day,
}

text_enum!(MetricDetail {
    Minute => "minute",
    Hour => "hour",
    Day => "day",
});

impl MetricDetail {
    /// The period of the points stored, seconds; `None` for `Minute` (it follows the data's age).
    pub fn period_s(self) -> Option<u32> {
        match self {
            MetricDetail::Minute => None,
            MetricDetail::Hour => Some(3_600),
            MetricDetail::Day => Some(86_400),
        }
    }
}

impl AwsOptions {
    /// The options' limits, checked before anything is loaded: the message names the flag.
    pub fn check(&self) -> Result<(), String> {
        if self.days == 0 || self.days > MAX_DAYS {
            return Err(format!(
                "--days must be between 1 and {MAX_DAYS} (CloudWatch keeps hourly data for 455 days)"
            ));
        }
        if self.timeout_s == 0 || self.timeout_s > MAX_TIMEOUT_S {
            return Err(format!(
                "--timeout must be between 1 and {MAX_TIMEOUT_S} seconds, not {}",
                self.timeout_s
            ));
        }
        if self.max_attempts == 0 || self.max_attempts > MAX_ATTEMPTS {
            return Err(format!(
                "--max-attempts must be between 1 and {MAX_ATTEMPTS}, not {}",
                self.max_attempts
            ));
        }
        if self.metrics_from.is_some_and(|i| i >= self.profiles.len()) {
            return Err("--metrics-from must name one of the --profile profiles".into());
        }
        if self.metrics_from.is_some() && self.detail == MetricDetail::Minute {
            return Err("--metrics-from reads per hour or per day: add --detail hour or --detail day".into());
        }
        Ok(())
    }
}

/// Seconds one attempt may take by default: AWS answers these calls in well under a second, and
/// the largest (a GetMetricData page of 100,800 points, a Cost Explorer query) in a few; 30 s
/// leaves room for a slow network while an endpoint that never answers fails within minutes.
pub const DEFAULT_TIMEOUT_S: u32 = 30;
/// Most seconds `--timeout` may ask for: an hour per attempt is already no timeout at all.
pub const MAX_TIMEOUT_S: u32 = 3600;
/// Most attempts per request `--max-attempts` may ask for (the SDK's backoff reaches its 20 s cap
/// after a few attempts; more only delays the failure).
pub const MAX_ATTEMPTS: u32 = 10;
/// Longest pause between two attempts, seconds: the SDK's standard retry strategy's cap.
const MAX_BACKOFF_S: u64 = 20;
/// Connecting gets at most this long, seconds (a TCP handshake with AWS takes milliseconds; the
/// SDK's own default is 3.1 s).
const CONNECT_TIMEOUT_S: u64 = 10;

/// The time limits of every request for a per-attempt budget of `timeout_s` seconds and
/// `attempts` attempts: connecting at most min(`timeout_s`, 10 s); the answer's bytes may pause at
/// most `timeout_s` (read timeout); one attempt, sent to answered, at most `timeout_s`; the whole
/// request, retries and their backoff included, at most `attempts` × (`timeout_s` + 20 s).
pub fn timeouts(timeout_s: u32, attempts: u32) -> TimeoutConfig {
    let attempt = Duration::from_secs(u64::from(timeout_s.max(1)));
    let whole = u64::from(attempts.max(1)) * (u64::from(timeout_s.max(1)) + MAX_BACKOFF_S);
    TimeoutConfig::builder()
        .connect_timeout(attempt.min(Duration::from_secs(CONNECT_TIMEOUT_S)))
        .read_timeout(attempt)
        .operation_attempt_timeout(attempt)
        .operation_timeout(Duration::from_secs(whole))
        .build()
}

/// Most days CloudWatch keeps hourly data for (455 days), less a day so the oldest window stays
/// inside retention while the run lasts.
pub const MAX_DAYS: u32 = 454;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_monitoring_account_reads_per_hour_or_day_and_is_one_of_the_profiles() {
        let mut o = AwsOptions {
            profiles: vec![Some("org".into()), Some("prod".into())],
            regions: Vec::new(),
            days: 30,
            costs: false,
            logs: false,
            refresh_costs: false,
            max_attempts: 5,
            timeout_s: DEFAULT_TIMEOUT_S,
            now: 0,
            detail: MetricDetail::Hour,
            metrics_from: Some(0),
        };
        assert!(o.check().is_ok());
        o.metrics_from = Some(2);
        assert!(o.check().unwrap_err().contains("one of the --profile profiles"));
        o.metrics_from = Some(1);
        o.detail = MetricDetail::Minute;
        assert!(o.check().unwrap_err().contains("--detail hour"));
    }

    #[test]
    fn every_request_is_bounded_in_time() {
        let t = timeouts(DEFAULT_TIMEOUT_S, 5);
        assert_eq!(t.connect_timeout(), Some(Duration::from_secs(10)));
        assert_eq!(t.read_timeout(), Some(Duration::from_secs(30)));
        assert_eq!(t.operation_attempt_timeout(), Some(Duration::from_secs(30)));
        assert_eq!(t.operation_timeout(), Some(Duration::from_secs(5 * 50)));
        let t = timeouts(1, 2);
        assert_eq!(t.connect_timeout(), Some(Duration::from_secs(1)));
        assert_eq!(t.operation_timeout(), Some(Duration::from_secs(42)));
    }
}

//! What Lambda's REPORT log records say about a function, one hour at a time.
//!
//! Every invocation writes one REPORT record (`REPORT RequestId: … Duration: 27.40 ms Billed
//! Duration: 28 ms Memory Size: 1024 MB Max Memory Used: 472 MB Init Duration: 312.55 ms`, or a
//! `platform.report` record in the JSON log format). A record with an init duration is a cold
//! start. The store keeps per function-hour counts, sums and two exact distributions (whole
//! milliseconds of INIT, whole MB of memory used), so percentiles over any range are exact.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How often each whole value occurs: value → count. Merging two is adding their counts, so a
/// range's distribution is exact whatever hours it spans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ValueCounts(pub BTreeMap<u32, u64>);

impl ValueCounts {
    /// Count one more occurrence of `value`, `n` times.
    pub fn add(&mut self, value: u32, n: u64) {
        if n > 0 {
            *self.0.entry(value).or_insert(0) += n;
        }
    }

    /// Add every count of `other`.
    pub fn merge(&mut self, other: &ValueCounts) {
        for (&v, &n) in &other.0 {
            self.add(v, n);
        }
    }

    /// Σ counts.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }

    /// Σ value × count.
    pub fn weighted_sum(&self) -> u64 {
        self.0.iter().map(|(&v, &n)| u64::from(v) * n).sum()
    }

    pub fn max(&self) -> Option<u32> {
        self.0.keys().next_back().copied()
    }

    /// The smallest value at or below which at least `q` (0–1) of the occurrences lie (the
    /// nearest-rank percentile); `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u32> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (&v, &n) in &self.0 {
            seen += n;
            if seen >= rank {
                return Some(v);
            }
        }
        self.max()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One function-hour of REPORT records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogHour {
    pub function: String,
    /// Start of the hour, Unix seconds (a multiple of 3600).
    pub hour: i64,
    /// REPORT records seen (one per invocation that finished).
    pub invocations: u64,
    /// Records with an init duration: cold starts of on-demand environments (provisioned
    /// concurrency initialises ahead of traffic and reports no init on its invocations).
    pub cold_starts: u64,
    /// Σ init duration, ms, as the records print it (two decimals).
    pub init_ms_sum: f64,
    /// Init durations rounded up to whole ms (Lambda bills INIT per ms): ms → count.
    pub init_ms: ValueCounts,
    /// Σ duration, ms.
    pub duration_ms_sum: f64,
    /// Σ billed duration, ms (for cold starts of managed runtimes since 2025-08-01 it includes
    /// the INIT phase).
    pub billed_ms_sum: f64,
    /// Configured memory the records state, MB (the largest, should it change within the hour).
    pub memory_size_mb: u32,
    /// Max memory used per invocation, whole MB: MB → count.
    pub memory_used_mb: ValueCounts,
}

/// How far a function's REPORT records are stored, per account and region (Unix seconds: the
/// end of the last window whose hours are all stored).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogsCursor {
    pub function: String,
}

impl LogsCursor {
    /// The source these cursors are recorded under.
    pub const SOURCE: &'static str = "logs";

    pub fn new(function: impl Into<String>) -> LogsCursor {
        LogsCursor {
            function: function.into(),
        }
    }

    /// The stored key: the function name.
    pub fn key(&self) -> String {
        self.function.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank_over_merged_counts() {
        let mut a = ValueCounts::default();
        a.add(100, 98);
        let mut b = ValueCounts::default();
        b.add(300, 1);
        b.add(900, 1);
        a.merge(&b);
        assert_eq!(a.total(), 100);
        assert_eq!(a.quantile(0.5), Some(100));
        assert_eq!(a.quantile(0.98), Some(100));
        assert_eq!(a.quantile(0.99), Some(300));
        assert_eq!(a.quantile(1.0), Some(900));
        assert_eq!(a.max(), Some(900));
        assert_eq!(a.weighted_sum(), 9800 + 1200);
        assert_eq!(ValueCounts::default().quantile(0.5), None);
    }

    #[test]
    fn counts_serialise_as_a_json_object() {
        let mut a = ValueCounts::default();
        a.add(472, 3);
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"472":3}"#);
        let back: ValueCounts = serde_json::from_str(r#"{"472":3}"#).unwrap();
        assert_eq!(back, a);
    }
}

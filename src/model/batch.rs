//! Batches: what a source hands over to be stored, each written whole in one transaction together
//! with the cursors that say it was fetched, and the one format of those cursors.

use crate::model::logs::{LogHour, LogsCursor};
use crate::model::records::{AccountRecord, CostRecord, DailyCost, FunctionRecord};
use crate::model::{Day, ExportPeriod};

/// One unit of fetched data, written atomically with the cursor that says it was fetched.
#[derive(Debug, Clone)]
pub enum Batch {
    /// An account and the regions being synced for it.
    Account {
        account: AccountRecord,
        regions: Vec<String>,
    },
    /// The function inventory of one account and region.
    Functions {
        account: String,
        region: String,
        functions: Vec<FunctionRecord>,
        /// Unix seconds.
        seen_at: i64,
    },
    /// Metric points of one account and region, plus cursors that become true once written.
    Metrics {
        account: String,
        region: String,
        series: Vec<SeriesPoints>,
        /// Each cursor with the position it moves to (Unix seconds: the end of the window
        /// whose points are all in `series`).
        cursors: Vec<(MetricsCursor, i64)>,
    },
    /// Per function-hour REPORT-record aggregates of one account and region, plus cursors that
    /// become true once written. An hour stored again is replaced (its records may have grown).
    Logs {
        account: String,
        region: String,
        hours: Vec<LogHour>,
        /// Each cursor with the position it moves to (Unix seconds).
        cursors: Vec<(LogsCursor, i64)>,
    },
    /// Daily costs of an account and the days they cover (a day may have no rows).
    Costs {
        account: String,
        rows: Vec<DailyCost>,
        /// The same days by record type (`None`: not asked for; the days keep no record types).
        records: Option<Vec<CostRecord>>,
        /// Each day fetched and whether the provider still calls it estimated.
        days: Vec<(Day, bool)>,
        /// Unix seconds.
        fetched_at: i64,
    },
    /// One billing period of a billing export, replacing what was stored for it.
    ExportPeriod(Box<ExportPeriod>),
}

/// Points of one series of one function.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesPoints {
    pub function: String,
    pub metric: String,
    pub stat: String,
    /// Seconds.
    pub period_s: u32,
    /// Alias or version for per-qualifier metrics, else empty.
    pub resource: String,
    /// (Unix seconds at the start of the period, value).
    pub points: Vec<(i64, f64)>,
}

/// How far a function's metrics at one period are stored, per account and region: a sync asks
/// only for what lies after it (less a late-data overlap), so an interrupted run continues where
/// its last committed batch ended.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricsCursor {
    pub function: String,
    /// Seconds.
    pub period_s: u32,
    /// Which windows it follows at that period: empty for the per-minute tiers; `recent` or
    /// `older` for a `--detail` sync's last two weeks and the days before them, so neither
    /// window's progress hides the other's.
    pub window: &'static str,
}

impl MetricsCursor {
    /// The source these cursors are recorded under.
    pub const SOURCE: &'static str = "cloudwatch";
    /// Between the function name and the period in a stored key: a function name never holds
    /// it (Lambda names are letters, digits, `-` and `_`).
    pub const SEPARATOR: char = '@';

    pub fn new(function: impl Into<String>, period_s: u32) -> MetricsCursor {
        MetricsCursor::of_window(function, period_s, "")
    }

    /// The cursor of one of a `--detail` sync's windows (see [`MetricsCursor::window`]).
    pub fn of_window(function: impl Into<String>, period_s: u32, window: &'static str) -> MetricsCursor {
        MetricsCursor {
            function: function.into(),
            period_s,
            window,
        }
    }

    /// The stored key: `function@period`, or `function@period:window`.
    pub fn key(&self) -> String {
        let mut key = format!("{}{}{}", self.function, Self::SEPARATOR, self.period_s);
        if !self.window.is_empty() {
            key.push(':');
            key.push_str(self.window);
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_key_is_function_at_period() {
        assert_eq!(MetricsCursor::new("api", 60).key(), "api@60");
        assert_eq!(
            MetricsCursor::of_window("api", 3600, "recent").key(),
            "api@3600:recent"
        );
    }
}

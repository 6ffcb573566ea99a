//! The small series table → lookup columns indexed by `series_id`, so the big points frame gets
//! its series' attributes by a gather instead of a join.
//!
//! CloudWatch stores each statistic as its own series. A *group* is one (function, period):
//! the series whose points pair up timestamp by timestamp (invocations with durations).

use super::STATISTICS;
use crate::analytics::read::{i64s, strs};
use polars::prelude::*;

/// Lookups built from the series table.
#[derive(Debug, Default)]
pub(super) struct SeriesIndex {
    /// Indexed by `series_id`: the statistic's index in [`STATISTICS`], `None` for series this
    /// module does not read.
    pub statistic: Vec<Option<i32>>,
    /// Indexed by `series_id`: the series' group.
    pub group: Vec<Option<i64>>,
    /// Indexed by group: the function's id.
    pub group_function: Vec<i64>,
    /// Indexed by group: the period, seconds.
    pub group_period_s: Vec<i64>,
}

/// The index of a series in [`STATISTICS`]: its metric and statistic, and for all but spillover
/// (reported per alias, every alias counts) only the function's own series (`resource` empty).
fn statistic(metric: &str, stat: &str, resource: &str) -> Option<usize> {
    STATISTICS.iter().position(|(m, s, column, _)| {
        *m == metric && *s == stat && (resource.is_empty() || *column == "spillover")
    })
}

impl SeriesIndex {
    /// From `series` (`series_id`, `function_id`, `metric`, `stat`, `period_s`, `resource`).
    /// Series ids are the store's row ids: the lookups are as long as the largest id.
    pub fn new(series: &DataFrame) -> PolarsResult<Self> {
        let id = i64s(series, "series_id")?;
        let function = i64s(series, "function_id")?;
        let metric = strs(series, "metric")?;
        let stat = strs(series, "stat")?;
        let period = i64s(series, "period_s")?;
        let resource = strs(series, "resource")?;
        let len = id.iter().map(|&i| i.max(0) as usize + 1).max().unwrap_or(0);
        let mut index = SeriesIndex {
            statistic: vec![None; len],
            group: vec![None; len],
            ..Self::default()
        };
        let mut groups = std::collections::HashMap::new();
        for i in 0..id.len() {
            let Some(s) = statistic(&metric[i], &stat[i], &resource[i]) else {
                continue;
            };
            if id[i] < 0 {
                continue;
            }
            let g = *groups.entry((function[i], period[i])).or_insert_with(|| {
                index.group_function.push(function[i]);
                index.group_period_s.push(period[i]);
                index.group_function.len() as i64 - 1
            });
            index.statistic[id[i] as usize] = Some(s as i32);
            index.group[id[i] as usize] = Some(g);
        }
        Ok(index)
    }

    /// `values[x]`, as an expression (null where `x` is out of range or the entry is missing).
    pub fn lookup<T>(name: &str, values: &[T], x: Expr) -> Expr
    where
        T: Clone,
        Series: NamedFrom<Vec<T>, [T]>,
    {
        lit(Series::new(name.into(), values.to_vec())).gather(x, true)
    }
}

//! What a function's stored metrics say about its traffic: per-minute invocation counts over a
//! window of whole days, the duration distribution, and the peak.
//!
//! Every figure is `analytics`' (`analytics::usage`, the usage `breakeven analyse` reports): where
//! the same hour is stored at two periods only the finest counts, so the replayed invocations are
//! the ones `analyse` counts for the same days. Only the function's own points are read.

use crate::analytics::read::{f64s, i64s};
use crate::analytics::{frames, usage, AnalyticsError};
use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::store::{metrics, Day};
use breakeven_simulator::pricing::money::group_digits;
use polars::prelude::*;
use rusqlite::Connection;

const DAY_S: i64 = 86_400;
/// Most invocations one minute of an extracted replay may hold: a million requests a second,
/// the simulator's bound on a replayed minute (its arrival rates stop there, and aggregate mode
/// sizes fleets and queues per minute from these counts: far larger ones run for hours). Stored
/// traffic above it (a corrupt import, a unit mix-up) is refused before anything is simulated.
pub const MAX_REPLAY_PER_MINUTE: u64 = breakeven_simulator::limits::MAX_REPLAY_COUNT_PER_MIN;
/// z of the 99th percentile of the standard normal distribution.
const Z99: f64 = 2.326_347_874;

/// Resolution of the extracted counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Step {
    /// One count per minute, from 60-second data where it is stored.
    #[serde(rename = "1m")]
    Minute,
    /// One count per 5 minutes (spread evenly over its minutes in the replay).
    #[serde(rename = "5m")]
    FiveMinutes,
}

impl Step {
    pub fn minutes(self) -> usize {
        match self {
            Step::Minute => 1,
            Step::FiveMinutes => 5,
        }
    }
}

/// The days of stored traffic a scenario replays: `[from, to)`, Unix seconds, whole UTC days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Window {
    pub from: i64,
    pub to: i64,
}

impl Window {
    /// The last `days` whole days ending with the day of the newest Invocations point, clipped to
    /// the first day with data. `None` when the function has no invocations stored.
    pub fn latest(c: &Connection, function_id: i64, days: u32) -> Result<Option<Window>> {
        let Some((first, end)) = metrics::extent(c, function_id, "Invocations", "Sum")? else {
            return Ok(None);
        };
        let to = Day::from_unix(end - 1).plus(1).start_unix();
        let from = (to - i64::from(days) * DAY_S).max(Day::from_unix(first).start_unix());
        Ok(Some(Window { from, to }))
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from) / DAY_S
    }

    pub fn minutes(&self) -> usize {
        ((self.to - self.from) / 60) as usize
    }
}

/// Invocations per minute over `w`, from the points `analytics` counts (the finest stored
/// period of each hour); a coarser point (300 s, 1 h) is spread evenly over its minutes. Minutes
/// without data are 0 (CloudWatch stores no point for a minute without invocations). Fractions
/// are carried from minute to minute so the total is kept.
pub fn counts_per_minute(c: &Connection, function_id: i64, w: Window, step: Step) -> Result<Vec<u64>> {
    let n = w.minutes();
    let mut value = vec![0.0f64; n];
    let points = frames::function_points(c, function_id, w.from, w.to)?;
    let series = frames::function_series(c, function_id)?;
    let e = AnalyticsError::from;
    let kept = usage::invocation_points(points.lazy(), &series)
        .and_then(|lf| lf.collect())
        .map_err(e)?;
    let ts = i64s(&kept, "ts").map_err(e)?;
    let period = i64s(&kept, "period_s").map_err(e)?;
    let v = f64s(&kept, "value").map_err(e)?;
    for i in 0..kept.height() {
        let m0 = ((ts[i] - w.from) / 60) as usize;
        let m1 = (m0 + (period[i] as usize / 60).max(1)).min(n);
        if m0 >= m1 {
            continue;
        }
        let share = v[i].unwrap_or(0.0) / (m1 - m0) as f64;
        for x in &mut value[m0..m1] {
            *x += share;
        }
    }
    let k = step.minutes();
    if k > 1 {
        for chunk in value.chunks_mut(k) {
            let mean = chunk.iter().sum::<f64>() / chunk.len() as f64;
            chunk.iter_mut().for_each(|v| *v = mean);
        }
    }
    // Round the running total, not each minute, so Σ counts = round(Σ values).
    let mut out = Vec::with_capacity(n);
    let (mut total, mut emitted) = (0.0f64, 0u64);
    for v in value {
        total += v;
        let upto = total.round().max(0.0) as u64;
        out.push(upto.saturating_sub(emitted));
        emitted = emitted.max(upto);
    }
    Ok(out)
}

/// Refuse counts a replay cannot simulate: the first minute above [`MAX_REPLAY_PER_MINUTE`] is
/// named with its time, its count and the limit.
pub fn check_replayable(function: &str, w: Window, counts: &[u64]) -> Result<()> {
    let Some((m, n)) = counts
        .iter()
        .enumerate()
        .find(|(_, n)| **n > MAX_REPLAY_PER_MINUTE)
    else {
        return Ok(());
    };
    let ts = w.from + 60 * m as i64;
    let minute = ts.rem_euclid(DAY_S) / 60;
    Err(AppError::bad_input(
        ErrorCode::TrafficTooHigh,
        format!(
            "`{function}` has {} invocations stored in the minute of {} {:02}:{:02} UTC, above the limit of {} a minute (1,000,000 requests/s) a replay can simulate: the stored traffic is not plausible for one function",
            group_digits(&n.to_string()),
            Day::from_unix(ts),
            minute / 60,
            minute % 60,
            group_digits(&MAX_REPLAY_PER_MINUTE.to_string()),
        ),
    ))
}

/// A duration distribution fitted from stored statistics, ms.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DurationFit {
    /// Invocation-weighted means of the stored statistics over the window.
    pub average_ms: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// The model, as a TOML inline table.
    pub model: String,
    /// Mean of the model, ms.
    pub model_mean_ms: f64,
    /// How the model was chosen, for the scenario's comments.
    pub how: String,
}

/// The invocation-weighted duration statistics (average, p50, p99, ms) and the highest
/// ConcurrentExecutions of one function over `w`, as `analytics` computes them for `analyse`.
fn totals(c: &Connection, function_id: i64, w: Window) -> Result<[Option<f64>; 4]> {
    let points = frames::function_points(c, function_id, w.from, w.to)?;
    let series = frames::function_series(c, function_id)?;
    let e = AnalyticsError::from;
    let t = usage::function_days(points.lazy(), &series)
        .and_then(|days| usage::function_totals(days).collect())
        .map_err(e)?;
    let first = |column: &str| -> Result<Option<f64>> {
        Ok(f64s(&t, column)
            .map_err(e)?
            .first()
            .copied()
            .flatten()
            .filter(|x| x.is_finite()))
    };
    Ok([
        first("duration_avg_ms")?,
        first("duration_p50_ms")?,
        first("duration_p99_ms")?,
        first("concurrency_max")?,
    ])
}

/// Lognormal through p50 and p99 when both are stored (and p99 > p50 > 0); else exponential
/// with the stored average; else a constant 100 ms, said so.
pub fn fit_duration(c: &Connection, function_id: i64, w: Window) -> Result<DurationFit> {
    let [average_ms, p50_ms, p99_ms, _] = totals(c, function_id, w)?;
    let (model, model_mean_ms, how) = match (p50_ms, p99_ms, average_ms) {
        (Some(p50), Some(p99), _) if p50 > 0.0 && p99 > p50 => {
            let sigma = (p99 / p50).ln() / Z99;
            (
                format!(
                    "{{ dist = \"lognormal\", p50_ms = {}, p99_ms = {} }}",
                    round3(p50),
                    round3(p99)
                ),
                p50 * (sigma * sigma / 2.0).exp(),
                "lognormal through the stored p50 and p99".to_string(),
            )
        }
        (_, _, Some(avg)) if avg > 0.0 => (
            format!("{{ dist = \"exponential\", mean_ms = {} }}", round3(avg)),
            avg,
            "exponential with the stored average (no usable p50/p99)".to_string(),
        ),
        _ => (
            "{ dist = \"constant\", ms = 100 }".to_string(),
            100.0,
            "no duration statistics stored: a constant 100 ms, edit it".to_string(),
        ),
    };
    Ok(DurationFit {
        average_ms,
        p50_ms,
        p99_ms,
        model,
        model_mean_ms,
        how,
    })
}

/// Most executions at once in the window: the stored ConcurrentExecutions maximum, else (or if
/// larger) Little's law on the busiest minute.
pub fn peak_concurrency(
    c: &Connection,
    function_id: i64,
    w: Window,
    counts: &[u64],
    mean_ms: f64,
) -> Result<f64> {
    let [_, _, _, stored] = totals(c, function_id, w)?;
    let busiest = counts.iter().copied().max().unwrap_or(0) as f64;
    let little = busiest / 60.0 * mean_ms / 1000.0;
    Ok(stored.unwrap_or(0.0).max(little).max(1.0))
}

/// Three decimals, enough for ms.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_count_of_1e12_a_minute_is_refused_before_any_simulation() {
        let w = Window {
            from: 1_546_300_800,
            to: 1_546_300_800 + DAY_S,
        };
        let mut counts = vec![1; 1440];
        counts[65] = MAX_REPLAY_PER_MINUTE;
        assert!(check_replayable("f", w, &counts).is_ok());
        counts[65] = 1_000_000_000_000;
        let e = check_replayable("f", w, &counts).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TrafficTooHigh);
        assert!(
            e.to_string().starts_with(
                "`f` has 1,000,000,000,000 invocations stored in the minute of 2019-01-01 01:05 UTC, above the limit of 60,000,000 a minute"
            ),
            "{e}"
        );
    }
}

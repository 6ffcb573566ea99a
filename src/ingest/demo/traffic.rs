//! Minute-by-minute traffic of one demo function, and the series CloudWatch would return for it.
//!
//! Each minute draws a Poisson number of invocations from the function's rate, durations from a
//! lognormal fitted to its p50 and p99, and derives errors, throttles, concurrency (Little's law
//! plus a Poisson peak), cold starts (concurrency above what was warm in the last 10 minutes)
//! and provisioned-concurrency spillover. Coarser periods aggregate the minutes the way
//! CloudWatch does (sums add, maxima take the max, averages weight by count); percentiles of a
//! coarser period are the count-weighted mean of the minutes' percentiles, an approximation that
//! is exact when the distribution does not change within the period.

use crate::ingest::aws::cloudwatch::Window;
use crate::ingest::demo::account::{DemoFunction, Traffic};
use crate::ingest::demo::rng::Rng;
use crate::ingest::SeriesPoints;
use crate::model::{Day, LogHour, ValueCounts};

/// Lambda keeps an idle environment warm for minutes; 10 is a typical observed value.
const KEEP_WARM_MIN: usize = 10;
/// Log-normal spread (σ of ln) of one function's INIT durations around its median: p99 ≈ 1.8 ×
/// the median, as REPORT records of one runtime and package show.
const INIT_SIGMA: f64 = 0.25;
/// Log-normal spread of memory used per invocation around the function's median: p99 ≈ 1.15 ×.
const MEMORY_SIGMA: f64 = 0.06;
/// Memory-used values drawn per hour; the hour's invocations are shared out between them, so an
/// hour's distribution has the function's shape without a draw per invocation.
const MEMORY_DRAWS: u64 = 12;
/// z-scores of the 50th, 90th and 99th percentiles of a standard normal.
const Z: [f64; 3] = [0.0, 1.281_551_6, 2.326_347_9];

/// One minute (or an aggregated period) of one function.
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    n: f64,
    errors: f64,
    throttles: f64,
    /// Σ of durations, ms.
    dur_sum: f64,
    /// Count-weighted Σ of p50, p90, p99, ms.
    pct_sum: [f64; 3],
    dur_max: f64,
    conc_max: f64,
    spill: f64,
    pc_util_max: f64,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.n += o.n;
        self.errors += o.errors;
        self.throttles += o.throttles;
        self.dur_sum += o.dur_sum;
        for i in 0..3 {
            self.pct_sum[i] += o.pct_sum[i];
        }
        self.dur_max = self.dur_max.max(o.dur_max);
        self.conc_max = self.conc_max.max(o.conc_max);
        self.spill += o.spill;
        self.pc_util_max = self.pc_util_max.max(o.pc_util_max);
    }
}

/// A day's metered usage of one function, for the bill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayUsage {
    pub requests: u64,
    /// Σ of per-request billed durations (each rounded up to 1 ms), ms.
    pub exec_ms: u64,
    /// Of `exec_ms`, served by provisioned concurrency, ms.
    pub provisioned_exec_ms: u64,
    /// Σ of billed init durations of on-demand cold starts, ms.
    pub init_ms: u64,
    pub cold_starts: u64,
}

/// What the generator produces for one function.
pub struct Generated {
    /// One list per window, in the order given.
    pub series: Vec<Vec<SeriesPoints>>,
    /// Usage per day, oldest first, from the first window's first day.
    pub days: Vec<(Day, DayUsage)>,
    /// What its REPORT records would sum to, per hour with invocations, oldest first: the same
    /// invocations as the Invocations metric and the same cold starts and INIT as the bill.
    pub hours: Vec<LogHour>,
}

/// Requests per minute expected at minute `m` (minutes since the epoch).
fn rate_per_min(f: &DemoFunction, m: i64, day_factor: f64) -> f64 {
    let minute_of_day = m.rem_euclid(1440);
    let day = m.div_euclid(1440);
    // 1970-01-01 was a Thursday: Monday = 0.
    let weekday = (day + 3).rem_euclid(7);
    match &f.traffic {
        Traffic::Diurnal {
            peak_rps,
            trough_rps,
            weekend,
        } => {
            let h = minute_of_day as f64 / 60.0;
            let shape = 0.5 - 0.5 * (std::f64::consts::TAU * (h - 3.0) / 24.0).cos();
            let w = if weekday >= 5 { *weekend } else { 1.0 };
            60.0 * (trough_rps + (peak_rps - trough_rps) * shape.powf(1.5)) * w * day_factor
        }
        Traffic::Steady { rps } => 60.0 * rps * day_factor,
        Traffic::Batch {
            hours,
            per_run,
            run_minutes,
        } => {
            let runs = hours
                .iter()
                .filter(|&&h| {
                    let start = i64::from(h) * 60;
                    minute_of_day >= start && minute_of_day < start + i64::from(*run_minutes)
                })
                .count();
            runs as f64 * per_run / f64::from(*run_minutes) * day_factor
        }
        Traffic::Cron { every_minutes } => {
            if m.rem_euclid(i64::from(*every_minutes)) == 0 {
                1.0
            } else {
                0.0
            }
        }
        Traffic::Rare { per_day } => {
            let busy = (13 * 60..22 * 60).contains(&minute_of_day);
            per_day / 1440.0 * if busy { 1.8 } else { 0.52 } * day_factor
        }
    }
}

/// Simulate `f` over `windows` (oldest last, as [`crate::ingest::aws::cloudwatch::windows`]
/// returns them) and return its series and daily usage.
pub fn generate(f: &DemoFunction, windows: &[Window], rng: &Rng) -> Generated {
    let mut rng = rng.fork(f.name);
    // The REPORT records draw from their own stream, so the metrics stay what they were.
    let mut report_rng = rng.fork("REPORT");
    let mut hours: Vec<LogHour> = Vec::new();
    let sigma = (f.p99_ms / f.p50_ms).ln() / Z[2];
    let mean_ms = f.p50_ms * (sigma * sigma / 2.0).exp();
    let timeout_ms = f64::from(f.timeout_s) * 1000.0;
    let pc = f64::from(f.provisioned);
    let first = windows.iter().map(|w| w.start).min().unwrap_or(0);
    let last = windows.iter().map(|w| w.end).max().unwrap_or(0);
    let mut series: Vec<Vec<SeriesPoints>> = Vec::new();
    let mut buckets: Vec<Vec<(i64, Stats)>> = windows.iter().map(|_| Vec::new()).collect();
    let mut days: Vec<(Day, DayUsage)> = Vec::new();
    let mut warm = [0f64; KEEP_WARM_MIN];
    let mut day_factor = 1.0;
    // Slow growth over the period: +15% from the oldest to the newest day.
    let span_min = ((last - first) / 60).max(1) as f64;
    let mut m = first / 60;
    while m * 60 < last {
        let ts = m * 60;
        if m.rem_euclid(1440) == 0 || days.is_empty() {
            day_factor = (0.06 * rng.normal()).exp();
            days.push((Day::from_unix(ts), DayUsage::default()));
        }
        let growth = 0.87 + 0.15 * ((m - first / 60) as f64 / span_min);
        let lambda = rate_per_min(f, m, day_factor * growth);
        let offered = match f.traffic {
            Traffic::Cron { .. } => lambda as u64,
            _ => rng.poisson(lambda),
        };
        let mut st = Stats::default();
        let mut peak_env = 0.0;
        let slot = m.rem_euclid(KEEP_WARM_MIN as i64) as usize;
        if offered > 0 {
            let (n, stats, billed_ms) = minute(f, offered, sigma, mean_ms, timeout_ms, &mut rng);
            st = stats;
            let was_warm = warm.iter().copied().fold(0.0, f64::max).max(pc);
            // Environments the minute needs: its busiest instant, not its mean (capped where the
            // function is throttled). Each new environment serves at least one invocation.
            let mut needed = minute_peak(n as f64 * mean_ms / 60_000.0, 60_000.0 / mean_ms, &mut report_rng);
            if f.reserved.is_some() {
                needed = needed.min(st.conc_max);
            }
            let cold = ((needed - was_warm).max(0.0).round() as u64).min(n);
            peak_env = needed;
            let hour = ts - ts.rem_euclid(3_600);
            if hours.last().map(|h| h.hour) != Some(hour) {
                if let Some(done) = hours.last_mut() {
                    memory_used(f, done, &mut report_rng);
                }
                hours.push(LogHour {
                    function: f.name.to_string(),
                    hour,
                    invocations: 0,
                    cold_starts: 0,
                    init_ms_sum: 0.0,
                    init_ms: ValueCounts::default(),
                    duration_ms_sum: 0.0,
                    billed_ms_sum: 0.0,
                    memory_size_mb: f.memory_mb,
                    memory_used_mb: ValueCounts::default(),
                });
            }
            let h = hours.last_mut().expect("pushed above");
            let mut init_billed = 0;
            for _ in 0..cold {
                // REPORT prints INIT with two decimals; Lambda bills it rounded up to the ms.
                let init = (f.init_ms * (INIT_SIGMA * report_rng.normal()).exp() * 100.0).round() / 100.0;
                let billed = init.ceil() as u64;
                h.init_ms_sum += init;
                h.init_ms.add(billed as u32, 1);
                init_billed += billed;
            }
            h.invocations += n;
            h.cold_starts += cold;
            h.duration_ms_sum += st.dur_sum;
            // Billed duration of a cold start includes its INIT phase.
            h.billed_ms_sum += (billed_ms + init_billed) as f64;
            if pc > 0.0 {
                st.spill = if st.conc_max > pc {
                    (st.n * (st.conc_max - pc) / st.conc_max).round()
                } else {
                    0.0
                };
                st.pc_util_max = (st.conc_max / pc).min(1.0);
            }
            if let Some((_, u)) = days.last_mut() {
                u.requests += n;
                u.exec_ms += billed_ms;
                if pc > 0.0 {
                    u.provisioned_exec_ms += ((n as f64 - st.spill) / n as f64 * billed_ms as f64) as u64;
                }
                u.cold_starts += cold;
                u.init_ms += init_billed;
            }
        }
        warm[slot] = peak_env;
        if let Some(i) = windows.iter().position(|w| ts >= w.start && ts < w.end) {
            let p = i64::from(windows[i].period_s);
            let start = ts - ts.rem_euclid(p);
            match buckets[i].last_mut() {
                Some((s, acc)) if *s == start => acc.add(&st),
                _ => buckets[i].push((start, st)),
            }
        }
        m += 1;
    }
    if let Some(last) = hours.last_mut() {
        memory_used(f, last, &mut report_rng);
    }
    for (w, b) in windows.iter().zip(buckets) {
        series.push(to_series(f, w.period_s, &b));
    }
    Generated { series, days, hours }
}

/// Share the hour's invocations out over [`MEMORY_DRAWS`] draws of memory used (whole MB,
/// log-normal around the function's median, at most its configured memory).
fn memory_used(f: &DemoFunction, h: &mut LogHour, rng: &mut Rng) {
    let k = h.invocations.min(MEMORY_DRAWS);
    for j in 0..k {
        let n = h.invocations / k + u64::from(j < h.invocations % k);
        let used = f64::from(f.memory_used_mb) * (MEMORY_SIGMA * rng.normal()).exp();
        h.memory_used_mb
            .add((used.round() as u32).clamp(1, f.memory_mb), n);
    }
}

/// The most requests in flight at once within a minute whose mean concurrency is `mean_conc`:
/// the largest of `slices` Poisson counts, one per request-length slice of the minute (what a
/// replay request by request sees), drawn by inverting P(max ≤ x) = F(x)^slices. At least one
/// when the minute has any request.
fn minute_peak(mean_conc: f64, slices: f64, rng: &mut Rng) -> f64 {
    if mean_conc <= 0.0 {
        return 0.0;
    }
    let slices = slices.clamp(1.0, 60_000.0);
    let u = rng.uniform();
    let (mut pmf, mut x) = ((-mean_conc).exp(), 0.0f64);
    let mut cdf = pmf;
    let limit = mean_conc + 20.0 * mean_conc.sqrt() + 50.0;
    while cdf.powf(slices) < u && x < limit {
        x += 1.0;
        pmf *= mean_conc / x;
        cdf += pmf;
    }
    x.max(1.0)
}

/// One minute with `offered` invocations: (served, stats, Σ billed ms).
fn minute(
    f: &DemoFunction,
    offered: u64,
    sigma: f64,
    mean_ms: f64,
    timeout_ms: f64,
    rng: &mut Rng,
) -> (u64, Stats, u64) {
    let mut st = Stats::default();
    // Little's law: mean concurrency = arrivals/ms × mean duration; peaks add Poisson noise.
    let mean_conc = offered as f64 * mean_ms / 60_000.0;
    let mut conc = (mean_conc + 2.0 * mean_conc.sqrt()).ceil().max(1.0);
    let mut n = offered;
    if let Some(limit) = f.reserved.map(f64::from) {
        if conc > limit {
            let served = (offered as f64 * limit / conc).round() as u64;
            st.throttles = (offered - served) as f64;
            n = served.max(1);
            conc = limit;
        }
    }
    st.n = n as f64;
    st.conc_max = conc;
    st.errors = rng.poisson(n as f64 * f.error_rate).min(n) as f64;
    let billed;
    if n <= 40 {
        // Few requests: draw them, so sparse minutes look as ragged as real ones.
        let mut d: Vec<f64> = (0..n)
            .map(|_| (f.p50_ms.ln() + sigma * rng.normal()).exp().min(timeout_ms))
            .collect();
        d.sort_by(|a, b| a.total_cmp(b));
        let rank = |q: f64| d[((q * n as f64).ceil() as usize).clamp(1, d.len()) - 1];
        st.dur_sum = d.iter().sum();
        st.pct_sum = [rank(0.5) * n as f64, rank(0.9) * n as f64, rank(0.99) * n as f64];
        st.dur_max = d[d.len() - 1];
        billed = d.iter().map(|x| x.ceil() as u64).sum();
    } else {
        // Many requests: sample statistics are close to the distribution's, with a little jitter.
        let j = (0.03 * rng.normal()).exp();
        let q = |z: f64| (f.p50_ms * (sigma * z).exp() * j).min(timeout_ms);
        let ln_n = (n as f64).ln();
        let z_max = (2.0 * ln_n).sqrt()
            - (ln_n.ln() + (4.0 * std::f64::consts::PI).ln()) / (2.0 * (2.0 * ln_n).sqrt());
        let mean = (mean_ms * j).min(timeout_ms);
        st.dur_sum = mean * n as f64;
        st.pct_sum = [q(Z[0]) * n as f64, q(Z[1]) * n as f64, q(Z[2]) * n as f64];
        st.dur_max = q(z_max.max(Z[2]));
        // Rounding each request up to the next ms adds half a ms on average.
        billed = (st.dur_sum + 0.5 * n as f64).round() as u64;
    }
    (n, st, billed)
}

/// The CloudWatch series of one window's buckets (periods without invocations have no points).
fn to_series(f: &DemoFunction, period_s: u32, buckets: &[(i64, Stats)]) -> Vec<SeriesPoints> {
    let live: Vec<&(i64, Stats)> = buckets.iter().filter(|(_, s)| s.n > 0.0).collect();
    let mk = |metric: &str, stat: &str, resource: String, v: &dyn Fn(&Stats) -> f64| SeriesPoints {
        function: f.name.to_string(),
        metric: metric.to_string(),
        stat: stat.to_string(),
        period_s,
        resource,
        points: live.iter().map(|(t, s)| (*t, round3(v(s)))).collect(),
    };
    let mut out = vec![
        mk("Invocations", "Sum", String::new(), &|s| s.n),
        mk("Errors", "Sum", String::new(), &|s| s.errors),
        mk("Throttles", "Sum", String::new(), &|s| s.throttles),
        mk("Duration", "Average", String::new(), &|s| s.dur_sum / s.n),
        mk("Duration", "p50", String::new(), &|s| s.pct_sum[0] / s.n),
        mk("Duration", "p90", String::new(), &|s| s.pct_sum[1] / s.n),
        mk("Duration", "p99", String::new(), &|s| s.pct_sum[2] / s.n),
        mk("Duration", "Maximum", String::new(), &|s| s.dur_max),
        mk("ConcurrentExecutions", "Maximum", String::new(), &|s| s.conc_max),
    ];
    if f.provisioned > 0 {
        let res = format!("{}:live", f.name);
        out.push(mk(
            "ProvisionedConcurrencyUtilization",
            "Maximum",
            res.clone(),
            &|s| s.pc_util_max,
        ));
        out.push(mk(
            "ProvisionedConcurrencySpilloverInvocations",
            "Sum",
            res,
            &|s| s.spill,
        ));
    }
    out
}

/// CloudWatch reports durations with millisecond-fraction precision; three decimals keep the
/// database small without changing any sum that matters.
fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

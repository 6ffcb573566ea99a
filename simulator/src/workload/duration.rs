//! Duration models: how long one request (or one init) takes, ms.

use crate::limits::{fmt_count, MAX_DURATION_MS, MAX_SAMPLE_MS, MAX_SIGMA};
use rand::Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// z-score of the 99th percentile of the standard normal distribution.
const Z99: f64 = 2.326_347_874_040_841;

/// A duration of at most [`MAX_DURATION_MS`].
fn at_most_max(name: &str, ms: f64) -> Result<(), String> {
    if ms > MAX_DURATION_MS {
        return Err(format!(
            "`{name}` of {} ms is above the limit of {} ms (1 hour, the longest request timeout of any platform)",
            fmt_count(ms),
            fmt_count(MAX_DURATION_MS)
        ));
    }
    Ok(())
}

/// A distribution of durations, ms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DurationModel {
    /// Always `ms`.
    Constant { ms: f64 },
    /// Exponential with mean `mean_ms`.
    Exponential { mean_ms: f64 },
    /// Lognormal, given either `p50_ms` + `p99_ms`, or `mean_ms` + `sigma` (σ of ln duration).
    Lognormal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean_ms: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sigma: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p50_ms: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p99_ms: Option<f64>,
    },
    /// Percentile table `[[percentile, ms], …]`, interpolated linearly between points.
    Empirical { percentiles: Vec<(f64, f64)> },
}

impl DurationModel {
    pub fn constant(ms: f64) -> Self {
        DurationModel::Constant { ms }
    }
    pub fn exponential(mean_ms: f64) -> Self {
        DurationModel::Exponential { mean_ms }
    }

    /// Check the parameters: finite, positive, at most [`MAX_DURATION_MS`], p99 not below p50 and
    /// σ at most [`MAX_SIGMA`]; the message names the offending one.
    pub fn validate(&self) -> Result<(), String> {
        let pos = |name: &str, v: f64| {
            if !(v.is_finite() && v > 0.0) {
                Err(format!("`{name}` must be a positive number of ms, not {v}"))
            } else {
                at_most_max(name, v)
            }
        };
        match self {
            DurationModel::Constant { ms } => {
                if ms.is_finite() && *ms >= 0.0 {
                    at_most_max("ms", *ms)
                } else {
                    Err(format!("`ms` must be zero or positive, not {ms}"))
                }
            }
            DurationModel::Exponential { mean_ms } => pos("mean_ms", *mean_ms),
            DurationModel::Lognormal {
                mean_ms,
                sigma,
                p50_ms,
                p99_ms,
            } => match (mean_ms, sigma, p50_ms, p99_ms) {
                (None, None, Some(p50), Some(p99)) => {
                    pos("p50_ms", *p50)?;
                    pos("p99_ms", *p99)?;
                    if p99 < p50 {
                        return Err(format!("`p99_ms` ({p99}) must not be below `p50_ms` ({p50})"));
                    }
                    let s = (p99.ln() - p50.ln()) / Z99;
                    if s > MAX_SIGMA {
                        return Err(format!(
                            "`p99_ms` ({p99}) over `p50_ms` ({p50}) is a spread above the limit: p99 / p50 may be at most {} (σ of ln duration {MAX_SIGMA})",
                            fmt_count((MAX_SIGMA * Z99).exp().floor())
                        ));
                    }
                    Ok(())
                }
                (Some(mean), Some(s), None, None) => {
                    pos("mean_ms", *mean)?;
                    if !(s.is_finite() && *s >= 0.0) {
                        Err(format!("`sigma` must be zero or positive, not {s}"))
                    } else if *s > MAX_SIGMA {
                        Err(format!("`sigma` of {s} is above the limit of {MAX_SIGMA}"))
                    } else {
                        Ok(())
                    }
                }
                _ => Err("lognormal takes either `p50_ms` and `p99_ms`, or `mean_ms` and `sigma`".into()),
            },
            DurationModel::Empirical { percentiles } => {
                if percentiles.is_empty() {
                    return Err("`percentiles` needs at least one [percentile, ms] pair".into());
                }
                let mut prev: Option<(f64, f64)> = None;
                for &(p, ms) in percentiles {
                    if !(0.0..=100.0).contains(&p) {
                        return Err(format!("percentile {p} is outside 0..100"));
                    }
                    if !(ms.is_finite() && ms >= 0.0) {
                        return Err(format!("duration {ms} at p{p} must be zero or positive"));
                    }
                    at_most_max(&format!("p{p}"), ms)?;
                    if let Some((pp, pm)) = prev {
                        if p <= pp || ms < pm {
                            return Err(format!(
                                "percentiles must increase and durations must not decrease (p{pp} = {pm} ms, then p{p} = {ms} ms)"
                            ));
                        }
                    }
                    prev = Some((p, ms));
                }
                Ok(())
            }
        }
    }

    /// The sampler of a validated model.
    pub fn sampler(&self) -> DurationSampler {
        match self {
            DurationModel::Constant { ms } => DurationSampler::Constant(*ms),
            DurationModel::Exponential { mean_ms } => DurationSampler::Exponential(*mean_ms),
            DurationModel::Lognormal {
                mean_ms,
                sigma,
                p50_ms,
                p99_ms,
            } => {
                let (mu, sigma) = match (mean_ms, sigma, p50_ms, p99_ms) {
                    (_, _, Some(p50), Some(p99)) => (p50.ln(), (p99.ln() - p50.ln()) / Z99),
                    (Some(mean), Some(s), _, _) => (mean.ln() - s * s / 2.0, *s),
                    _ => (0.0, 0.0),
                };
                DurationSampler::Lognormal { mu, sigma }
            }
            DurationModel::Empirical { percentiles } => DurationSampler::Empirical {
                p: percentiles.iter().map(|x| x.0).collect(),
                ms: percentiles.iter().map(|x| x.1).collect(),
            },
        }
    }

    /// Mean duration, ms (exact for every model).
    pub fn mean_ms(&self) -> f64 {
        self.sampler().mean_ms()
    }
}

/// A model prepared for fast sampling.
#[derive(Debug, Clone, PartialEq)]
pub enum DurationSampler {
    Constant(f64),
    Exponential(f64),
    Lognormal { mu: f64, sigma: f64 },
    Empirical { p: Vec<f64>, ms: Vec<f64> },
}

impl DurationSampler {
    /// One duration, ms; the unbounded tails are cut at [`MAX_SAMPLE_MS`].
    #[inline]
    pub fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        match self {
            DurationSampler::Constant(ms) => *ms,
            DurationSampler::Exponential(mean) => {
                let e: f64 = Exp1.sample(rng);
                (e * mean).min(MAX_SAMPLE_MS)
            }
            DurationSampler::Lognormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp().min(MAX_SAMPLE_MS)
            }
            DurationSampler::Empirical { p, ms } => {
                let u = rng.random::<f64>() * 100.0;
                inverse_cdf(p, ms, u)
            }
        }
    }

    /// The `u`-quantile (0 < u < 1), ms, cut at [`MAX_SAMPLE_MS`] like [`Self::sample`].
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            DurationSampler::Constant(ms) => *ms,
            DurationSampler::Exponential(mean) => (-(1.0 - u).ln() * mean).min(MAX_SAMPLE_MS),
            DurationSampler::Lognormal { mu, sigma } => (mu
                + sigma * crate::stats::normal::inverse_normal_cdf(u))
            .exp()
            .min(MAX_SAMPLE_MS),
            DurationSampler::Empirical { p, ms } => inverse_cdf(p, ms, u * 100.0),
        }
    }

    pub fn mean_ms(&self) -> f64 {
        match self {
            DurationSampler::Constant(ms) => *ms,
            DurationSampler::Exponential(mean) => *mean,
            DurationSampler::Lognormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            DurationSampler::Empirical { p, ms } => {
                // Flat below the first and above the last point, trapezoids in between.
                let n = p.len();
                let mut area = p[0] * ms[0] + (100.0 - p[n - 1]) * ms[n - 1];
                for i in 1..n {
                    area += (p[i] - p[i - 1]) * (ms[i] + ms[i - 1]) / 2.0;
                }
                area / 100.0
            }
        }
    }
}

/// Durations drawn ahead at a time, ms.
const AHEAD: usize = 256;

/// The durations of successive requests from one seeded stream, drawn a block at a time: the
/// same values in the same order as drawing each one when needed, several times faster.
pub struct DurationStream {
    sampler: DurationSampler,
    rng: Pcg64Mcg,
    ahead: Vec<f64>,
    pos: usize,
}

impl DurationStream {
    pub fn new(sampler: DurationSampler, rng: Pcg64Mcg) -> DurationStream {
        DurationStream {
            sampler,
            rng,
            ahead: Vec::with_capacity(AHEAD),
            pos: 0,
        }
    }

    /// The next request's duration, ms.
    #[inline]
    pub fn next_ms(&mut self) -> f64 {
        if self.pos == self.ahead.len() {
            self.draw_ahead();
        }
        let d = self.ahead[self.pos];
        self.pos += 1;
        d
    }

    #[inline(never)]
    fn draw_ahead(&mut self) {
        self.ahead.clear();
        self.pos = 0;
        match &self.sampler {
            DurationSampler::Exponential(mean) => {
                for _ in 0..AHEAD {
                    let e: f64 = Exp1.sample(&mut self.rng);
                    self.ahead.push((e * mean).min(MAX_SAMPLE_MS));
                }
            }
            s => {
                for _ in 0..AHEAD {
                    self.ahead.push(s.sample(&mut self.rng));
                }
            }
        }
    }
}

/// Piecewise-linear inverse CDF through (percentile, ms) points, flat outside them.
fn inverse_cdf(p: &[f64], ms: &[f64], u: f64) -> f64 {
    let i = p.partition_point(|&x| x <= u);
    if i == 0 {
        return ms[0];
    }
    if i == p.len() {
        return ms[p.len() - 1];
    }
    let (p0, p1, m0, m1) = (p[i - 1], p[i], ms[i - 1], ms[i]);
    m0 + (m1 - m0) * (u - p0) / (p1 - p0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn sample_mean(m: &DurationModel, n: usize) -> (f64, Vec<f64>) {
        let s = m.sampler();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let mut v: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
        let mean = v.iter().sum::<f64>() / n as f64;
        v.sort_by(f64::total_cmp);
        (mean, v)
    }

    #[test]
    fn lognormal_from_percentiles_reproduces_them() {
        let m = DurationModel::Lognormal {
            mean_ms: None,
            sigma: None,
            p50_ms: Some(120.0),
            p99_ms: Some(900.0),
        };
        m.validate().unwrap();
        let (mean, v) = sample_mean(&m, 200_000);
        let p50 = v[100_000];
        let p99 = v[198_000];
        assert!((p50 / 120.0 - 1.0).abs() < 0.02, "p50 {p50}");
        assert!((p99 / 900.0 - 1.0).abs() < 0.05, "p99 {p99}");
        assert!((mean / m.mean_ms() - 1.0).abs() < 0.02);
    }

    #[test]
    fn lognormal_from_mean_has_that_mean() {
        let m = DurationModel::Lognormal {
            mean_ms: Some(80.0),
            sigma: Some(0.8),
            p50_ms: None,
            p99_ms: None,
        };
        let (mean, _) = sample_mean(&m, 200_000);
        assert!((mean / 80.0 - 1.0).abs() < 0.02, "{mean}");
        assert!((m.mean_ms() - 80.0).abs() < 1e-9);
    }

    #[test]
    fn empirical_matches_its_table_and_mean() {
        let m = DurationModel::Empirical {
            percentiles: vec![(0.0, 10.0), (50.0, 20.0), (90.0, 60.0), (100.0, 200.0)],
        };
        m.validate().unwrap();
        let (mean, v) = sample_mean(&m, 200_000);
        assert!((v[100_000] - 20.0).abs() < 0.5);
        assert!((v[170_000] - 55.0).abs() < 0.5, "p85 {}", v[170_000]);
        // 0.5·15 + 0.4·40 + 0.1·130 = 36.5
        assert!((m.mean_ms() - 36.5).abs() < 1e-9);
        assert!((mean / 36.5 - 1.0).abs() < 0.02);
    }

    #[test]
    fn a_p99_of_1e300_ms_is_refused_not_nan_latencies() {
        let lognormal = |p50: f64, p99: f64| DurationModel::Lognormal {
            mean_ms: None,
            sigma: None,
            p50_ms: Some(p50),
            p99_ms: Some(p99),
        };
        let e = lognormal(100.0, 1e300).validate().unwrap_err();
        assert!(e.contains("`p99_ms`") && e.contains("3,600,000 ms"), "{e}");
        assert!(lognormal(100.0, 3_600_000.0).validate().is_ok());
        // Within the hour but a spread no run can average.
        let e = lognormal(1e-9, 1000.0).validate().unwrap_err();
        assert!(e.contains("p99 / p50 may be at most"), "{e}");
        assert!(DurationModel::constant(f64::NAN).validate().is_err());
        assert!(DurationModel::exponential(1e300)
            .validate()
            .unwrap_err()
            .contains("`mean_ms`"));
        let wide = DurationModel::Lognormal {
            mean_ms: Some(100.0),
            sigma: Some(50.0),
            p50_ms: None,
            p99_ms: None,
        };
        assert!(wide.validate().unwrap_err().contains("`sigma`"));
        let table = DurationModel::Empirical {
            percentiles: vec![(50.0, 10.0), (100.0, 1e300)],
        };
        assert!(table.validate().unwrap_err().contains("`p100`"));
        // The tails of valid models never sample past a day.
        let s = DurationModel::exponential(3_600_000.0).sampler();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(1);
        assert!((0..100_000).all(|_| s.sample(&mut rng) <= MAX_SAMPLE_MS));
    }

    #[test]
    fn bad_parameters_are_named() {
        assert!(DurationModel::exponential(0.0)
            .validate()
            .unwrap_err()
            .contains("mean_ms"));
        let bad = DurationModel::Empirical {
            percentiles: vec![(50.0, 20.0), (40.0, 30.0)],
        };
        assert!(bad.validate().is_err());
        let half = DurationModel::Lognormal {
            mean_ms: None,
            sigma: None,
            p50_ms: Some(1.0),
            p99_ms: None,
        };
        assert!(half.validate().unwrap_err().contains("p99_ms"));
    }
}

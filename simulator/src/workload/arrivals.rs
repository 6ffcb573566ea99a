//! Arrival processes: when requests arrive. Every process can be scaled by a traffic factor (the
//! break-even sweep) and yields arrival times in increasing order, ms from the start.

use rand::Rng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

pub(super) const MS_PER_S: f64 = 1000.0;
pub(super) const MS_PER_MIN: f64 = 60_000.0;
const MS_PER_H: f64 = 3_600_000.0;

/// A traffic spike: the base rate times `factor` from `at_s` for `duration_s`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Spike {
    pub at_s: f64,
    pub duration_s: f64,
    pub factor: f64,
}

/// How requests arrive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "process", rename_all = "snake_case", deny_unknown_fields)]
pub enum Arrivals {
    /// Homogeneous Poisson process.
    Poisson { rate_per_s: f64 },
    /// Evenly spaced requests.
    Constant { rate_per_s: f64 },
    /// Poisson with a daily cosine rate: `mean · (1 + a·cos(2π(t − peak)/period))`, where
    /// `a = (r − 1)/(r + 1)` gives a peak-to-trough ratio `r`.
    Diurnal {
        mean_rate_per_s: f64,
        peak_to_trough: f64,
        /// Hour of the peak, 0–24 (default 14:00).
        #[serde(default = "default_peak_hour")]
        peak_hour: f64,
        /// Period, hours (default 24).
        #[serde(default = "default_period_h")]
        period_h: f64,
    },
    /// Two-state Markov-modulated Poisson process (on/off bursts): exponential sojourns of mean
    /// `mean_on_s` at `on_rate_per_s` and `mean_off_s` at `off_rate_per_s`.
    Bursty {
        on_rate_per_s: f64,
        #[serde(default)]
        off_rate_per_s: f64,
        mean_on_s: f64,
        mean_off_s: f64,
    },
    /// Poisson at `base_rate_per_s`, multiplied during each spike (overlapping spikes multiply).
    Spike {
        base_rate_per_s: f64,
        spikes: Vec<Spike>,
    },
    /// Recorded per-minute request counts, spread uniformly at random within each minute. Either
    /// inline `counts_per_min`, or a `file` the application loads before the run.
    Replay {
        #[serde(default)]
        counts_per_min: Vec<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<String>,
    },
}

fn default_peak_hour() -> f64 {
    14.0
}
fn default_period_h() -> f64 {
    24.0
}

impl Arrivals {
    /// Peak arrival rate, requests/s (fixed fleets are sized for it).
    pub fn peak_rate_per_s(&self) -> f64 {
        match self {
            Arrivals::Poisson { rate_per_s } | Arrivals::Constant { rate_per_s } => *rate_per_s,
            Arrivals::Diurnal {
                mean_rate_per_s,
                peak_to_trough,
                ..
            } => mean_rate_per_s * (1.0 + amplitude(*peak_to_trough)),
            Arrivals::Bursty {
                on_rate_per_s,
                off_rate_per_s,
                ..
            } => on_rate_per_s.max(*off_rate_per_s),
            Arrivals::Spike { .. } => {
                self.pieces(f64::MAX).iter().map(|p| p.1).fold(0.0, f64::max) * MS_PER_S
            }
            Arrivals::Replay { counts_per_min, .. } => {
                counts_per_min.iter().copied().max().unwrap_or(0) as f64 / 60.0
            }
        }
    }

    /// Expected arrivals in each minute of `horizon_ms` (the last may be partial), scaled by
    /// `scale`. The MMPP draws its on/off path from `rng`; the others are deterministic.
    pub fn minute_means(&self, horizon_ms: f64, scale: f64, rng: &mut Pcg64Mcg) -> Vec<f64> {
        let n = (horizon_ms / MS_PER_MIN).ceil() as usize;
        let width = |m: usize| (horizon_ms - m as f64 * MS_PER_MIN).min(MS_PER_MIN);
        match self {
            Arrivals::Poisson { rate_per_s } | Arrivals::Constant { rate_per_s } => {
                (0..n).map(|m| rate_per_s * scale * width(m) / MS_PER_S).collect()
            }
            Arrivals::Diurnal { .. } => (0..n)
                .map(|m| {
                    let mid = m as f64 * MS_PER_MIN + width(m) / 2.0;
                    self.diurnal_rate_per_ms(mid) * scale * width(m)
                })
                .collect(),
            Arrivals::Replay { counts_per_min, .. } => (0..n)
                .map(|m| counts_per_min.get(m).copied().unwrap_or(0) as f64 * scale)
                .collect(),
            Arrivals::Spike { .. } => integrate_pieces(self.pieces(horizon_ms), n, scale),
            Arrivals::Bursty { .. } => {
                // The on/off path is integrated as it is drawn: it may change state tens of
                // millions of times over a long horizon.
                let mut state = Some(BurstState::start(self, rng));
                let path = std::iter::from_fn(|| {
                    let s = state.take()?;
                    if s.end < horizon_ms {
                        state = Some(s.flip(self, rng));
                        Some((s.end, s.rate))
                    } else {
                        Some((horizon_ms, s.rate))
                    }
                });
                integrate_pieces(path, n, scale)
            }
        }
    }

    /// Arrival rate of a diurnal process at `t_ms`, requests/ms.
    pub(super) fn diurnal_rate_per_ms(&self, t_ms: f64) -> f64 {
        if let Arrivals::Diurnal {
            mean_rate_per_s,
            peak_to_trough,
            peak_hour,
            period_h,
        } = self
        {
            let phase = 2.0 * std::f64::consts::PI * (t_ms / MS_PER_H - peak_hour) / period_h;
            mean_rate_per_s / MS_PER_S * (1.0 + amplitude(*peak_to_trough) * phase.cos())
        } else {
            0.0
        }
    }

    /// Piecewise-constant rate of a spike process up to `horizon_ms`: (end ms, requests/ms).
    pub(super) fn pieces(&self, horizon_ms: f64) -> Vec<(f64, f64)> {
        let Arrivals::Spike {
            base_rate_per_s,
            spikes,
        } = self
        else {
            return Vec::new();
        };
        let mut edges: Vec<f64> = vec![0.0, horizon_ms];
        for s in spikes {
            edges.push(s.at_s * MS_PER_S);
            edges.push((s.at_s + s.duration_s) * MS_PER_S);
        }
        edges.retain(|e| *e <= horizon_ms);
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        edges
            .windows(2)
            .map(|w| {
                let mid = (w[0] + w[1]) / 2.0;
                let factor: f64 = spikes
                    .iter()
                    .filter(|s| s.at_s * MS_PER_S <= mid && mid < (s.at_s + s.duration_s) * MS_PER_S)
                    .map(|s| s.factor)
                    .product();
                (w[1], base_rate_per_s / MS_PER_S * factor)
            })
            .collect()
    }
}

fn amplitude(peak_to_trough: f64) -> f64 {
    (peak_to_trough - 1.0) / (peak_to_trough + 1.0)
}

/// ∫ of a piecewise-constant rate over each minute.
fn integrate_pieces(pieces: impl IntoIterator<Item = (f64, f64)>, minutes: usize, scale: f64) -> Vec<f64> {
    let mut out = vec![0.0; minutes];
    let mut start = 0.0;
    for (end, rate) in pieces {
        let mut a = start;
        while a < end {
            let m = (a / MS_PER_MIN) as usize;
            if m >= minutes {
                break;
            }
            let b = end.min((m as f64 + 1.0) * MS_PER_MIN);
            out[m] += rate * scale * (b - a);
            a = b;
        }
        start = end;
    }
    out
}

/// Current state of an on/off MMPP: its rate (requests/ms) and when it ends (ms).
#[derive(Debug, Clone)]
pub(super) struct BurstState {
    on: bool,
    pub(super) rate: f64,
    pub(super) end: f64,
}

impl BurstState {
    /// Start in the stationary distribution: on with probability mean_on / (mean_on + mean_off).
    pub(super) fn start(p: &Arrivals, rng: &mut Pcg64Mcg) -> BurstState {
        let Arrivals::Bursty {
            mean_on_s,
            mean_off_s,
            ..
        } = p
        else {
            unreachable!("BurstState of a bursty process")
        };
        let on = rng.random::<f64>() < mean_on_s / (mean_on_s + mean_off_s);
        BurstState {
            on: !on,
            rate: 0.0,
            end: 0.0,
        }
        .flip(p, rng)
    }

    pub(super) fn flip(&self, p: &Arrivals, rng: &mut Pcg64Mcg) -> BurstState {
        let Arrivals::Bursty {
            on_rate_per_s,
            off_rate_per_s,
            mean_on_s,
            mean_off_s,
        } = p
        else {
            unreachable!("BurstState of a bursty process")
        };
        let on = !self.on;
        let (rate, mean) = if on {
            (on_rate_per_s, mean_on_s)
        } else {
            (off_rate_per_s, mean_off_s)
        };
        let stay: f64 = Exp1.sample(rng);
        BurstState {
            on,
            rate: rate / MS_PER_S,
            end: self.end + stay * mean * MS_PER_S,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn count(p: &Arrivals, horizon_s: f64, scale: f64) -> (usize, Vec<f64>) {
        let rng = Pcg64Mcg::seed_from_u64(5);
        let mut s = p.stream(horizon_s * 1000.0, scale, rng);
        let mut v = Vec::new();
        while let Some(t) = s.next_arrival() {
            v.push(t);
        }
        assert!(
            v.windows(2).all(|w| w[0] <= w[1]),
            "arrivals must not go back in time"
        );
        (v.len(), v)
    }

    #[test]
    fn mean_counts_match_the_rates() {
        let day = 86_400.0;
        let poisson = Arrivals::Poisson { rate_per_s: 2.0 };
        let (n, _) = count(&poisson, day, 1.0);
        assert!((n as f64 / (2.0 * day) - 1.0).abs() < 0.01, "{n}");
        let (n, _) = count(&poisson, day, 0.5);
        assert!((n as f64 / day - 1.0).abs() < 0.01, "{n}");
        let constant = Arrivals::Constant { rate_per_s: 4.0 };
        assert_eq!(count(&constant, 100.0, 1.0).0, 399);
        let diurnal = Arrivals::Diurnal {
            mean_rate_per_s: 1.0,
            peak_to_trough: 5.0,
            peak_hour: 14.0,
            period_h: 24.0,
        };
        let (n, v) = count(&diurnal, day, 1.0);
        assert!((n as f64 / day - 1.0).abs() < 0.02, "{n}");
        let hour = |h: f64| v.iter().filter(|t| (**t / MS_PER_H - h).abs() < 0.5).count() as f64;
        let ratio = hour(14.0) / hour(2.0);
        assert!((ratio / 5.0 - 1.0).abs() < 0.15, "peak/trough {ratio}");
        let bursty = Arrivals::Bursty {
            on_rate_per_s: 10.0,
            off_rate_per_s: 0.0,
            mean_on_s: 30.0,
            mean_off_s: 90.0,
        };
        let (n, _) = count(&bursty, 10.0 * day, 1.0);
        assert!((n as f64 / (2.5 * 10.0 * day) - 1.0).abs() < 0.03, "{n}");
    }

    #[test]
    fn spikes_and_replay_put_requests_where_they_belong() {
        let spike = Arrivals::Spike {
            base_rate_per_s: 1.0,
            spikes: vec![Spike {
                at_s: 600.0,
                duration_s: 60.0,
                factor: 50.0,
            }],
        };
        let (_, v) = count(&spike, 1200.0, 1.0);
        let inside = v.iter().filter(|t| (600_000.0..660_000.0).contains(*t)).count();
        assert!((inside as f64 / 3000.0 - 1.0).abs() < 0.08, "{inside}");
        assert_eq!(spike.peak_rate_per_s(), 50.0);

        let replay = Arrivals::Replay {
            counts_per_min: vec![3, 0, 7],
            file: None,
        };
        let (n, v) = count(&replay, 180.0, 1.0);
        assert_eq!(n, 10);
        assert_eq!(v.iter().filter(|t| **t >= 120_000.0).count(), 7);
        let (n2, _) = count(&replay, 180.0, 10.0);
        assert_eq!(n2, 100);
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        assert_eq!(
            replay.minute_means(180_000.0, 2.0, &mut rng),
            vec![6.0, 0.0, 14.0]
        );
    }

    #[test]
    fn minute_means_integrate_the_rate() {
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let spike = Arrivals::Spike {
            base_rate_per_s: 2.0,
            spikes: vec![Spike {
                at_s: 90.0,
                duration_s: 60.0,
                factor: 3.0,
            }],
        };
        let m = spike.minute_means(180_000.0, 1.0, &mut rng);
        let expect = [120.0, 30.0 * 2.0 + 30.0 * 6.0, 30.0 * 6.0 + 30.0 * 2.0];
        for (a, b) in m.iter().zip(expect) {
            assert!((a - b).abs() < 1e-9, "{m:?}");
        }
    }
}

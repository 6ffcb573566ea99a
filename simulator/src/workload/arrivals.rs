//! Arrival processes: when requests arrive. Every process can be scaled by a traffic factor (the
//! break-even sweep) and yields arrival times in increasing order, ms from the start.

use rand::Rng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

const MS_PER_S: f64 = 1000.0;
const MS_PER_MIN: f64 = 60_000.0;
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

fn rate_ok(name: &str, v: f64, zero_ok: bool) -> Result<(), String> {
    if v.is_finite() && (v > 0.0 || (zero_ok && v == 0.0)) {
        Ok(())
    } else {
        Err(format!(
            "`{name}` must be {} number, not {v}",
            if zero_ok { "a non-negative" } else { "a positive" }
        ))
    }
}

impl Arrivals {
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Arrivals::Poisson { rate_per_s } | Arrivals::Constant { rate_per_s } => {
                rate_ok("rate_per_s", *rate_per_s, false)
            }
            Arrivals::Diurnal {
                mean_rate_per_s,
                peak_to_trough,
                peak_hour,
                period_h,
            } => {
                rate_ok("mean_rate_per_s", *mean_rate_per_s, false)?;
                if !(peak_to_trough.is_finite() && *peak_to_trough >= 1.0) {
                    return Err(format!(
                        "`peak_to_trough` must be at least 1, not {peak_to_trough}"
                    ));
                }
                rate_ok("period_h", *period_h, false)?;
                if !(peak_hour.is_finite() && *peak_hour >= 0.0) {
                    return Err(format!(
                        "`peak_hour` must be a non-negative hour, not {peak_hour}"
                    ));
                }
                Ok(())
            }
            Arrivals::Bursty {
                on_rate_per_s,
                off_rate_per_s,
                mean_on_s,
                mean_off_s,
            } => {
                rate_ok("on_rate_per_s", *on_rate_per_s, false)?;
                rate_ok("off_rate_per_s", *off_rate_per_s, true)?;
                rate_ok("mean_on_s", *mean_on_s, false)?;
                rate_ok("mean_off_s", *mean_off_s, false)
            }
            Arrivals::Spike {
                base_rate_per_s,
                spikes,
            } => {
                rate_ok("base_rate_per_s", *base_rate_per_s, false)?;
                for s in spikes {
                    rate_ok("at_s", s.at_s, true)?;
                    rate_ok("duration_s", s.duration_s, false)?;
                    rate_ok("factor", s.factor, true)?;
                }
                Ok(())
            }
            Arrivals::Replay { counts_per_min, file } => match (counts_per_min.is_empty(), file) {
                (true, None) => Err("replay needs `counts_per_min` or a `file`".into()),
                (false, Some(_)) => Err("replay takes `counts_per_min` or `file`, not both".into()),
                _ => Ok(()),
            },
        }
    }

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
            Arrivals::Spike { .. } => integrate_pieces(&self.pieces(horizon_ms), n, scale),
            Arrivals::Bursty { .. } => {
                let mut pieces = Vec::new();
                let mut state = BurstState::start(self, rng);
                while state.end < horizon_ms {
                    pieces.push((state.end, state.rate));
                    state = state.flip(self, rng);
                }
                pieces.push((horizon_ms, state.rate));
                integrate_pieces(&pieces, n, scale)
            }
        }
    }

    /// Arrival rate of a diurnal process at `t_ms`, requests/ms.
    fn diurnal_rate_per_ms(&self, t_ms: f64) -> f64 {
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
    fn pieces(&self, horizon_ms: f64) -> Vec<(f64, f64)> {
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

    /// The arrival times of one run: `horizon_ms` long, rates multiplied by `scale`.
    pub fn stream(&self, horizon_ms: f64, scale: f64, mut rng: Pcg64Mcg) -> ArrivalStream {
        let kind = match self {
            Arrivals::Poisson { rate_per_s } => StreamKind::Poisson(rate_per_s * scale / MS_PER_S),
            Arrivals::Constant { rate_per_s } => StreamKind::Constant {
                interval_ms: MS_PER_S / (rate_per_s * scale),
                k: 0,
            },
            Arrivals::Diurnal { .. } => StreamKind::Diurnal {
                max_per_ms: self.peak_rate_per_s() * scale / MS_PER_S,
            },
            Arrivals::Spike { .. } => StreamKind::Pieces {
                pieces: self
                    .pieces(horizon_ms)
                    .into_iter()
                    .map(|(end, r)| (end, r * scale))
                    .collect(),
                idx: 0,
            },
            Arrivals::Bursty { .. } => StreamKind::Bursty(BurstState::start(self, &mut rng)),
            Arrivals::Replay { counts_per_min, .. } => StreamKind::Replay {
                counts: counts_per_min.clone(),
                minute: 0,
                buf: Vec::new(),
                pos: 0,
            },
        };
        ArrivalStream {
            process: self.clone(),
            kind,
            scale,
            t: 0.0,
            horizon_ms,
            rng,
            ahead: Vec::with_capacity(AHEAD),
            pos: 0,
            done: false,
        }
    }
}

fn amplitude(peak_to_trough: f64) -> f64 {
    (peak_to_trough - 1.0) / (peak_to_trough + 1.0)
}

/// ∫ of a piecewise-constant rate over each minute.
fn integrate_pieces(pieces: &[(f64, f64)], minutes: usize, scale: f64) -> Vec<f64> {
    let mut out = vec![0.0; minutes];
    let mut start = 0.0;
    for &(end, rate) in pieces {
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
struct BurstState {
    on: bool,
    rate: f64,
    end: f64,
}

impl BurstState {
    /// Start in the stationary distribution: on with probability mean_on / (mean_on + mean_off).
    fn start(p: &Arrivals, rng: &mut Pcg64Mcg) -> BurstState {
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

    fn flip(&self, p: &Arrivals, rng: &mut Pcg64Mcg) -> BurstState {
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

enum StreamKind {
    /// Requests/ms.
    Poisson(f64),
    Constant {
        interval_ms: f64,
        k: u64,
    },
    /// Thinning against the peak rate, requests/ms.
    Diurnal {
        max_per_ms: f64,
    },
    /// (end ms, requests/ms) pieces and the current one.
    Pieces {
        pieces: Vec<(f64, f64)>,
        idx: usize,
    },
    Bursty(BurstState),
    Replay {
        counts: Vec<u64>,
        minute: usize,
        buf: Vec<f64>,
        pos: usize,
    },
}

/// Arrivals drawn ahead at a time: a tight loop of draws runs several times faster than one draw
/// per engine event, and the times are the same.
const AHEAD: usize = 256;

/// Arrival times of one run, generated lazily, a block of [`AHEAD`] at a time.
pub struct ArrivalStream {
    process: Arrivals,
    kind: StreamKind,
    scale: f64,
    t: f64,
    horizon_ms: f64,
    rng: Pcg64Mcg,
    /// Drawn and not yet handed out, and the next one's index.
    ahead: Vec<f64>,
    pos: usize,
    /// True once the horizon was reached.
    done: bool,
}

impl ArrivalStream {
    /// The next arrival time, ms, or `None` past the horizon.
    #[inline]
    pub fn next_arrival(&mut self) -> Option<f64> {
        if self.pos == self.ahead.len() {
            self.draw_ahead();
        }
        let t = self.ahead.get(self.pos).copied();
        self.pos += 1;
        t
    }

    /// Refill `ahead` with the next arrivals (empty past the horizon).
    #[inline(never)]
    fn draw_ahead(&mut self) {
        self.ahead.clear();
        self.pos = 0;
        if self.done {
            return;
        }
        if let StreamKind::Poisson(rate) = self.kind {
            for _ in 0..AHEAD {
                let e: f64 = Exp1.sample(&mut self.rng);
                let t = self.t + e / rate;
                if t >= self.horizon_ms {
                    self.done = true;
                    return;
                }
                self.t = t;
                self.ahead.push(t);
            }
            return;
        }
        for _ in 0..AHEAD {
            match self.draw() {
                Some(t) => self.ahead.push(t),
                None => {
                    self.done = true;
                    return;
                }
            }
        }
    }

    /// Draw the next arrival time, ms, or `None` past the horizon.
    fn draw(&mut self) -> Option<f64> {
        let t = match &mut self.kind {
            StreamKind::Poisson(rate) => {
                let e: f64 = Exp1.sample(&mut self.rng);
                self.t + e / *rate
            }
            StreamKind::Constant { interval_ms, k } => {
                *k += 1;
                *k as f64 * *interval_ms
            }
            StreamKind::Diurnal { max_per_ms } => {
                let max = *max_per_ms;
                let mut t = self.t;
                loop {
                    let e: f64 = Exp1.sample(&mut self.rng);
                    t += e / max;
                    if t >= self.horizon_ms {
                        break t;
                    }
                    let accept = self.process.diurnal_rate_per_ms(t) * self.scale / max;
                    if self.rng.random::<f64>() < accept {
                        break t;
                    }
                }
            }
            StreamKind::Pieces { pieces, idx } => {
                let mut t = self.t;
                loop {
                    let Some(&(end, rate)) = pieces.get(*idx) else {
                        break f64::INFINITY;
                    };
                    if rate > 0.0 {
                        let e: f64 = Exp1.sample(&mut self.rng);
                        let cand = t + e / rate;
                        if cand < end {
                            break cand;
                        }
                    }
                    // Memoryless: restarting at the edge with the next rate is exact.
                    t = end;
                    *idx += 1;
                }
            }
            StreamKind::Bursty(state) => {
                let mut t = self.t;
                loop {
                    if state.rate > 0.0 {
                        let e: f64 = Exp1.sample(&mut self.rng);
                        let cand = t + e / (state.rate * self.scale);
                        if cand < state.end {
                            break cand;
                        }
                    }
                    if state.end >= self.horizon_ms {
                        break f64::INFINITY;
                    }
                    t = state.end;
                    *state = state.flip(&self.process, &mut self.rng);
                }
            }
            StreamKind::Replay {
                counts,
                minute,
                buf,
                pos,
            } => loop {
                if *pos < buf.len() {
                    *pos += 1;
                    break buf[*pos - 1];
                }
                let Some(&c) = counts.get(*minute) else {
                    break f64::INFINITY;
                };
                let n = scaled_count(c, self.scale, &mut self.rng);
                fill_uniform_sorted(buf, n, *minute as f64 * MS_PER_MIN, MS_PER_MIN, &mut self.rng);
                *pos = 0;
                *minute += 1;
            },
        };
        if t < self.horizon_ms {
            self.t = t;
            Some(t)
        } else {
            None
        }
    }
}

/// `c × scale` rounded stochastically, so the expected count is exact.
fn scaled_count(c: u64, scale: f64, rng: &mut Pcg64Mcg) -> u64 {
    let x = c as f64 * scale;
    let whole = x.floor();
    whole as u64 + u64::from(rng.random::<f64>() < x - whole)
}

/// `n` sorted uniform points in `[start, start + width)` without sorting: normalised cumulative
/// sums of n + 1 exponential spacings have the distribution of uniform order statistics.
fn fill_uniform_sorted(buf: &mut Vec<f64>, n: u64, start: f64, width: f64, rng: &mut Pcg64Mcg) {
    buf.clear();
    let mut sum = 0.0;
    for _ in 0..n {
        let e: f64 = Exp1.sample(rng);
        sum += e;
        buf.push(sum);
    }
    let e: f64 = Exp1.sample(rng);
    let total = sum + e;
    for x in buf.iter_mut() {
        *x = start + *x / total * width;
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

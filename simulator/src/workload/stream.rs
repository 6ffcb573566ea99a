//! Arrival times of one run, drawn lazily in increasing order: a block at a time, with memory
//! that does not grow with the traffic.

use super::arrivals::{Arrivals, BurstState, MS_PER_MIN, MS_PER_S};
use rand::Rng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

impl Arrivals {
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
                times: UniformSorted::default(),
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
        /// The current minute's arrival times.
        times: UniformSorted,
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
                times,
            } => loop {
                if let Some(t) = times.next() {
                    break t;
                }
                let Some(&c) = counts.get(*minute) else {
                    break f64::INFINITY;
                };
                let n = scaled_count(c, self.scale, &mut self.rng);
                *times = UniformSorted::new(n, *minute as f64 * MS_PER_MIN, MS_PER_MIN, &mut self.rng);
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
    (whole as u64).saturating_add(u64::from(rng.random::<f64>() < x - whole))
}

/// `n` sorted uniform points in `[start, start + width)` without sorting, one at a time:
/// normalised cumulative sums of n + 1 exponential spacings have the distribution of uniform
/// order statistics. The normaliser needs all n + 1 spacings, so they are drawn twice: once from
/// the run's generator to sum them, and again from a copy of its earlier state as the points are
/// handed out. Memory stays constant however many requests a minute holds, and the points and
/// the generator's state afterwards are exactly those of drawing into a buffer.
#[derive(Default)]
struct UniformSorted {
    /// The generator as it was before the spacings were summed; `None` when empty.
    rng: Option<Pcg64Mcg>,
    left: u64,
    sum: f64,
    total: f64,
    start: f64,
    width: f64,
}

impl UniformSorted {
    fn new(n: u64, start: f64, width: f64, rng: &mut Pcg64Mcg) -> UniformSorted {
        let replay = rng.clone();
        let mut sum = 0.0;
        for _ in 0..n {
            let e: f64 = Exp1.sample(rng);
            sum += e;
        }
        let e: f64 = Exp1.sample(rng);
        UniformSorted {
            rng: Some(replay),
            left: n,
            sum: 0.0,
            total: sum + e,
            start,
            width,
        }
    }

    #[inline]
    fn next(&mut self) -> Option<f64> {
        if self.left == 0 {
            return None;
        }
        let rng = self.rng.as_mut()?;
        self.left -= 1;
        let e: f64 = Exp1.sample(rng);
        self.sum += e;
        Some(self.start + self.sum / self.total * self.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn sorted_uniforms_drawn_one_at_a_time_are_those_of_a_buffer() {
        // The buffered reference the lazy draw replaces.
        fn buffered(n: u64, start: f64, width: f64, rng: &mut Pcg64Mcg) -> Vec<f64> {
            let mut buf = Vec::new();
            let mut sum = 0.0;
            for _ in 0..n {
                let e: f64 = Exp1.sample(rng);
                sum += e;
                buf.push(sum);
            }
            let e: f64 = Exp1.sample(rng);
            let total = sum + e;
            buf.iter().map(|x| start + x / total * width).collect()
        }
        let (mut a, mut b) = (Pcg64Mcg::seed_from_u64(9), Pcg64Mcg::seed_from_u64(9));
        for n in [0, 1, 5, 1000] {
            let want = buffered(n, 60_000.0, 60_000.0, &mut a);
            let mut lazy = UniformSorted::new(n, 60_000.0, 60_000.0, &mut b);
            let got: Vec<f64> = std::iter::from_fn(|| lazy.next()).collect();
            assert_eq!(got, want);
        }
        assert_eq!(
            a.random::<u64>(),
            b.random::<u64>(),
            "the generators must end in step"
        );
    }
}

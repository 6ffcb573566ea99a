//! Where cost lines cross: sign changes of each two platforms' monthly cost difference between
//! consecutive traffic levels, interpolated in log traffic, and how each break-even moves with
//! the scenario's commitments.

use super::{usd_f64, Crossing, CrossingMethod, SweepCell, SweepPoint, MONTH_S};
use crate::pricing::Usd;
use crate::results::round6;
use crate::scenario::Mode;
use serde::{Deserialize, Serialize};

/// One break-even of two platforms at list price and with the commitments: a crossing that
/// moved, appeared (`from` absent) or left the range (`to` absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CrossingShift {
    pub a: String,
    pub b: String,
    /// Mean rate of the list-price break-even, requests/s.
    pub from_rate_per_s: Option<f64>,
    /// Mean rate of the break-even with the commitments, requests/s.
    pub to_rate_per_s: Option<f64>,
}

/// Pair the crossings of each two platforms at list price with those with commitments, in
/// traffic order.
pub fn shifts(list: &[Crossing], committed: &[Crossing]) -> Vec<CrossingShift> {
    let key = |c: &Crossing| {
        let (x, y) = (c.cheaper_below.clone(), c.cheaper_above.clone());
        if x <= y {
            (x, y)
        } else {
            (y, x)
        }
    };
    let mut pairs: Vec<(String, String)> = list.iter().chain(committed).map(key).collect();
    pairs.sort();
    pairs.dedup();
    let mut out = Vec::new();
    for (a, b) in pairs {
        let of = |cs: &[Crossing]| -> Vec<f64> {
            cs.iter()
                .filter(|c| key(c) == (a.clone(), b.clone()))
                .map(|c| c.mean_rate_per_s)
                .collect()
        };
        let (l, c) = (of(list), of(committed));
        for i in 0..l.len().max(c.len()) {
            out.push(CrossingShift {
                a: a.clone(),
                b: b.clone(),
                from_rate_per_s: l.get(i).copied(),
                to_rate_per_s: c.get(i).copied(),
            });
        }
    }
    out
}

/// Sign changes of the cost difference of every pair of platforms between consecutive points,
/// interpolated linearly in log traffic. Points where either platform is overloaded are left out:
/// the cost of a configuration that cannot carry the traffic is no break-even.
pub fn crossings(points: &[SweepPoint], labels: &[String], base_rate: f64) -> Vec<Crossing> {
    crossings_by(points, labels, base_rate, |c| c.monthly_usd)
}

/// [`crossings`] of the monthly cost `cost` picks from each cell (list or with commitments).
pub fn crossings_by(
    points: &[SweepPoint],
    labels: &[String],
    base_rate: f64,
    cost: impl Fn(&SweepCell) -> Usd,
) -> Vec<Crossing> {
    brackets_by(points, labels, base_rate, cost)
        .into_iter()
        .map(|b| b.crossing)
        .collect()
}

/// A crossing with where it was found: platforms `i` and `j` change order between points
/// `k` and `k + 1`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bracket {
    pub i: usize,
    pub j: usize,
    pub k: usize,
    pub crossing: Crossing,
}

pub(crate) fn brackets_by(
    points: &[SweepPoint],
    labels: &[String],
    base_rate: f64,
    cost: impl Fn(&SweepCell) -> Usd,
) -> Vec<Bracket> {
    let mut out = Vec::new();
    for i in 0..labels.len() {
        for j in i + 1..labels.len() {
            let diff = |p: &SweepPoint| usd_f64(&cost(&p.platforms[i])) - usd_f64(&cost(&p.platforms[j]));
            for (k, w) in points.windows(2).enumerate() {
                let overloaded = |p: &SweepPoint| p.platforms[i].overloaded || p.platforms[j].overloaded;
                if overloaded(&w[0]) || overloaded(&w[1]) {
                    continue;
                }
                let (d0, d1) = (diff(&w[0]), diff(&w[1]));
                if d0 == 0.0 || d1 == 0.0 || (d0 < 0.0) == (d1 < 0.0) {
                    continue;
                }
                let (x0, x1) = (w[0].traffic_factor.ln(), w[1].traffic_factor.ln());
                let f = (x0 + (x1 - x0) * d0 / (d0 - d1)).exp();
                let (below, above) = if d0 < 0.0 { (i, j) } else { (j, i) };
                let exact = w[0].mode == Mode::Exact && w[1].mode == Mode::Exact;
                out.push(Bracket {
                    i,
                    j,
                    k,
                    crossing: Crossing {
                        cheaper_below: labels[below].clone(),
                        cheaper_above: labels[above].clone(),
                        traffic_factor: round6(f),
                        mean_rate_per_s: round6(base_rate * f),
                        requests_per_month: (base_rate * f * MONTH_S).round(),
                        method: if exact {
                            CrossingMethod::Exact
                        } else {
                            CrossingMethod::Estimate
                        },
                        exact_runs: 0,
                    },
                });
            }
        }
    }
    out.sort_by(|a, b| a.crossing.traffic_factor.total_cmp(&b.crossing.traffic_factor));
    out
}

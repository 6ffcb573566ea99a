//! Refining break-evens: a crossing found between per-minute estimates (aggregate mode, cost
//! within about 2.5 % of exact mode) is located again by exact runs of its two platforms — a
//! secant search on their exact monthly cost difference in log traffic, starting at the
//! estimate with the estimates' slope. Exact runs cost seconds each, so the sweep spends at
//! most [`BUDGET`] requests on them, on the crossings nearest the scenario's own traffic first;
//! the rest stay estimates, and say so.

use super::{
    usd_f64, Bracket, Crossing, CrossingMethod, Refinement, SweepCell, SweepPoint, EXACT_LIMIT, MONTH_S,
};
use crate::pricing::{PriceCatalog, Usd};
use crate::results::round6;
use crate::run::{check_run, simulate_platform_on, RunOptions, SimError};
use crate::scenario::{Mode, Scenario};
use rayon::prelude::*;

/// Requests the exact runs of one sweep may simulate in all: about four seconds on two cores.
pub const BUDGET: f64 = 64_000_000.0;
/// Exact evaluations (two platform runs each) one crossing may take.
const MAX_EVALS: u32 = 2;
/// The search stops when a step moves the crossing by less than this, in ln(traffic): 0.5 %.
const TOLERANCE: f64 = 0.005;

/// Which cost a crossing compares.
#[derive(Clone, Copy, PartialEq)]
enum Cost {
    List,
    Committed,
}

impl Cost {
    fn of(self, c: &SweepCell) -> Usd {
        match self {
            Cost::List => c.monthly_usd,
            Cost::Committed => c.committed_monthly_usd.unwrap_or(c.monthly_usd),
        }
    }
}

/// The crossings at list price and with commitments, refined when `refine` (the sweep's `Auto`
/// mode) and within the budget, with what the refinement did.
pub(crate) fn crossings(
    catalog: &PriceCatalog,
    scenario: &Scenario,
    base: f64,
    points: &[SweepPoint],
    list: Vec<Bracket>,
    committed: Option<Vec<Bracket>>,
    refine: bool,
) -> Result<(Vec<Crossing>, Option<Vec<Crossing>>, Option<Refinement>), SimError> {
    let plain = |b: Vec<Bracket>| b.into_iter().map(|b| b.crossing).collect::<Vec<_>>();
    let estimates = list
        .iter()
        .chain(committed.iter().flatten())
        .filter(|b| b.crossing.method == CrossingMethod::Estimate)
        .count();
    if !refine || estimates == 0 {
        return Ok((plain(list), committed.map(plain), None));
    }
    let horizon_s = scenario.workload.horizon_ms / 1000.0;
    let expected = |f: f64| base * f * horizon_s;
    // The candidates, nearest the scenario's traffic first, while the worst case fits.
    let mut order: Vec<(Cost, usize)> = (0..list.len())
        .map(|k| (Cost::List, k))
        .chain((0..committed.as_ref().map_or(0, Vec::len)).map(|k| (Cost::Committed, k)))
        .collect();
    let bracket = |(c, k): (Cost, usize)| match c {
        Cost::List => &list[k],
        Cost::Committed => &committed.as_ref().expect("committed brackets")[k],
    };
    order.retain(|&ck| bracket(ck).crossing.method == CrossingMethod::Estimate);
    order.sort_by(|&a, &b| {
        let d = |ck| bracket(ck).crossing.traffic_factor.ln().abs();
        d(a).total_cmp(&d(b))
    });
    // Phase 1: one exact evaluation of each crossing, nearest first, while the budget lasts.
    let mut left = BUDGET;
    let mut searches: Vec<((Cost, usize), SearchState)> = Vec::new();
    for ck in order {
        let b = bracket(ck);
        let x = b.crossing.traffic_factor.ln();
        let need = 2.0 * expected(points[b.k + 1].traffic_factor);
        let exact = RunOptions {
            scale: points[b.k + 1].traffic_factor,
            mode: Some(Mode::Exact),
            timeline: false,
            ..RunOptions::default()
        };
        if expected(points[b.k + 1].traffic_factor) <= EXACT_LIMIT
            && need <= left
            && check_run(scenario, &exact).is_ok()
        {
            left -= need;
            searches.push((ck, SearchState::new(points, b, ck.0, x)));
        }
    }
    // Then further steps of the crossings that have not settled, in the same order, while the
    // budget lasts: which steps run depends only on the figures, never on timing.
    for round in 0..MAX_EVALS {
        let step: Vec<usize> = if round == 0 {
            (0..searches.len()).collect()
        } else {
            let mut chosen = Vec::new();
            for (n, (_, st)) in searches.iter().enumerate() {
                let need = 2.0 * expected(st.x.exp());
                if st.open() && need <= left {
                    left -= need;
                    chosen.push(n);
                }
            }
            chosen
        };
        if step.is_empty() {
            break;
        }
        let results: Vec<(usize, SearchState)> = step
            .par_iter()
            .map(|&n| {
                let (ck, st) = &searches[n];
                let mut st = st.clone();
                st.evaluate(catalog, scenario, bracket(*ck), ck.0)
                    .map(|()| (n, st))
            })
            .collect::<Result<_, _>>()?;
        for (n, st) in results {
            searches[n].1 = st;
        }
    }
    let found: Vec<((Cost, usize), Option<Search>)> =
        searches.into_iter().map(|(ck, st)| (ck, st.result())).collect();
    let mut summary = Refinement {
        refined: 0,
        estimated: 0,
        exact_runs: 0,
        exact_requests: 0,
        budget_requests: BUDGET as u64,
    };
    let (mut list, mut committed) = (list, committed);
    for ((c, k), s) in found {
        let Some(s) = s else { continue };
        summary.exact_runs += s.runs;
        summary.exact_requests += s.requests;
        let b = match c {
            Cost::List => &mut list[k],
            Cost::Committed => &mut committed.as_mut().expect("committed brackets")[k],
        };
        let f = s.factor;
        let (i_name, j_name) = (
            points[0].platforms[b.i].label.clone(),
            points[0].platforms[b.j].label.clone(),
        );
        (b.crossing.cheaper_below, b.crossing.cheaper_above) = if s.rising {
            (i_name, j_name)
        } else {
            (j_name, i_name)
        };
        b.crossing.traffic_factor = round6(f);
        b.crossing.mean_rate_per_s = round6(base * f);
        b.crossing.requests_per_month = (base * f * MONTH_S).round();
        b.crossing.method = CrossingMethod::Refined;
        b.crossing.exact_runs = s.runs;
    }
    let mut count = |bs: &mut Vec<Bracket>| {
        for b in bs.iter() {
            match b.crossing.method {
                CrossingMethod::Refined => summary.refined += 1,
                CrossingMethod::Estimate => summary.estimated += 1,
                CrossingMethod::Exact => {}
            }
        }
        bs.sort_by(|a, b| a.crossing.traffic_factor.total_cmp(&b.crossing.traffic_factor));
    };
    count(&mut list);
    if let Some(c) = committed.as_mut() {
        count(c);
    }
    Ok((plain(list), committed.map(plain), Some(summary)))
}

/// Where a search ended: the traffic factor, and the exact runs and requests it took.
struct Search {
    factor: f64,
    /// The exact difference (platform i − platform j) grows with traffic: i is cheaper below.
    rising: bool,
    runs: u32,
    requests: u64,
}

/// A secant search on one bracket's exact cost difference, in ln(traffic), bounded by the
/// bracket's levels. It starts at the estimate with the estimates' slope.
#[derive(Debug, Clone)]
struct SearchState {
    /// Next point to evaluate, ln(traffic factor).
    x: f64,
    slope: f64,
    /// The last evaluated point and its exact difference.
    last: Option<(f64, f64)>,
    lo: f64,
    hi: f64,
    runs: u32,
    requests: u64,
    settled: bool,
    /// Exact runs cannot decide it: a platform overloaded, a flat difference, or the crossing
    /// outside the bracket.
    failed: bool,
}

impl SearchState {
    fn new(points: &[SweepPoint], b: &Bracket, cost: Cost, x: f64) -> SearchState {
        let diff =
            |p: &SweepPoint| usd_f64(&cost.of(&p.platforms[b.i])) - usd_f64(&cost.of(&p.platforms[b.j]));
        let (p0, p1) = (&points[b.k], &points[b.k + 1]);
        let (lo, hi) = (p0.traffic_factor.ln(), p1.traffic_factor.ln());
        SearchState {
            x,
            slope: (diff(p1) - diff(p0)) / (hi - lo),
            last: None,
            lo,
            hi,
            runs: 0,
            requests: 0,
            settled: false,
            failed: false,
        }
    }

    fn open(&self) -> bool {
        !self.settled && !self.failed
    }

    /// Run both platforms exactly at `x` and take a secant step.
    fn evaluate(
        &mut self,
        catalog: &PriceCatalog,
        scenario: &Scenario,
        b: &Bracket,
        cost: Cost,
    ) -> Result<(), SimError> {
        let opts = RunOptions {
            scale: self.x.exp(),
            mode: Some(Mode::Exact),
            timeline: false,
            ..RunOptions::default()
        };
        let (a, c) = rayon::join(
            || simulate_platform_on(catalog, scenario, b.i, &opts, None),
            || simulate_platform_on(catalog, scenario, b.j, &opts, None),
        );
        let (a, c) = (a?, c?);
        self.runs += 2;
        self.requests += a.arrivals + c.arrivals;
        let (ca, cc) = (super::cell(&a), super::cell(&c));
        if ca.overloaded || cc.overloaded {
            self.failed = true;
            return Ok(());
        }
        let d = usd_f64(&cost.of(&ca)) - usd_f64(&cost.of(&cc));
        if let Some((xl, dl)) = self.last {
            if self.x != xl && d != dl {
                self.slope = (d - dl) / (self.x - xl);
            }
        }
        if !(self.slope.is_finite() && self.slope != 0.0) {
            self.failed = true;
            return Ok(());
        }
        self.last = Some((self.x, d));
        let next = self.x - d / self.slope;
        if !(self.lo..=self.hi).contains(&next) {
            self.failed = true;
            return Ok(());
        }
        self.settled = (next - self.x).abs() < TOLERANCE || d == 0.0;
        self.x = next;
        Ok(())
    }

    fn result(self) -> Option<Search> {
        (!self.failed && self.runs > 0).then(|| Search {
            factor: self.x.exp(),
            rising: self.slope > 0.0,
            runs: self.runs,
            requests: self.requests,
        })
    }
}

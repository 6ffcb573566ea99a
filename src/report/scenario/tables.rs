//! The tables of a scenario report, as text cells: the HTML and Markdown exporters lay out the
//! same rows.

use crate::report::charts;
use crate::report::format::{header, horizon_text, TextTable};
use crate::report::Report;
use breakeven_simulator::sweep::CrossingMethod;

/// Cost and performance per platform.
pub fn platforms(r: &Report) -> TextTable {
    let mut head = header(&["Platform", "Monthly"]);
    head.push(format!("Simulated {}", horizon_text(r.scenario.horizon_s)));
    head.extend(header(&[
        "p50",
        "p99",
        "Cold starts",
        "Throttled",
        "Instances avg / peak",
    ]));
    TextTable {
        header: head,
        rows: r
            .simulation
            .platforms
            .iter()
            .map(|p| {
                vec![
                    p.label.clone(),
                    p.cost.monthly_usd.to_string(),
                    p.cost.total_usd.to_string(),
                    format!("{:.0} ms", p.latency_ms.p50),
                    format!("{:.0} ms", p.latency_ms.p99),
                    format!("{:.2} %", p.cold_start_probability * 100.0),
                    format!("{:.2} %", p.throttle_probability * 100.0),
                    format!("{:.2} / {}", p.avg_instances, p.peak_instances),
                ]
            })
            .collect(),
    }
}

/// Where the break-even curves cross, numbered as in the chart; `None` without a sweep.
pub fn crossings(r: &Report) -> Option<TextTable> {
    let s = r.sweep.as_ref()?;
    Some(TextTable {
        header: header(&[
            "#",
            "Cheaper below",
            "Cheaper above",
            "Traffic vs today",
            "Requests per month",
            "Requests/s",
            "Found by",
        ]),
        rows: s
            .crossings
            .iter()
            .enumerate()
            .map(|(k, c)| {
                vec![
                    (k + 1).to_string(),
                    c.cheaper_below.clone(),
                    c.cheaper_above.clone(),
                    format!("{:.2}×", c.traffic_factor),
                    charts::count_tick(c.requests_per_month),
                    format!("{:.3}", c.mean_rate_per_s),
                    match c.method {
                        CrossingMethod::Exact => "exact levels".to_string(),
                        CrossingMethod::Refined => format!("{} exact runs", c.exact_runs),
                        CrossingMethod::Estimate => "estimate (±2.5 % cost)".to_string(),
                    },
                ]
            })
            .collect(),
    })
}

/// Every price the simulation used, with its unit and as-of date.
pub fn prices(r: &Report) -> TextTable {
    TextTable {
        header: header(&["Platform", "Region", "Dimension", "USD per unit", "As of"]),
        rows: r
            .assumptions
            .prices
            .iter()
            .map(|p| {
                vec![
                    p.platform.clone(),
                    p.region.clone(),
                    p.dimension.clone(),
                    format!("{} per {}", p.usd_per_unit, p.unit),
                    p.as_of.clone(),
                ]
            })
            .collect(),
    }
}

/// What each commitment did on each platform over the simulated period; `None` without
/// commitments.
pub fn commitments(r: &Report) -> Option<TextTable> {
    let rows: Vec<Vec<String>> = r
        .simulation
        .platforms
        .iter()
        .flat_map(|p| {
            p.committed.iter().flat_map(move |c| {
                c.commitments.iter().map(move |k| {
                    vec![
                        p.label.clone(),
                        format!("{} ${}/h", k.plan, k.spec.usd_per_hour.exact()),
                        format!("{:.1} %", k.utilisation * 100.0),
                        format!("{:.1} %", k.coverage * 100.0),
                        k.cost_usd.to_string(),
                        k.wasted_usd.to_string(),
                        k.saving_usd.to_string(),
                        c.monthly_usd.to_string(),
                    ]
                })
            })
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let mut head = header(&["Platform", "Commitment", "Utilisation", "Coverage"]);
    let period = horizon_text(r.scenario.horizon_s);
    head.push(format!("Cost ({period})"));
    head.push(format!("Wasted ({period})"));
    head.push(format!("Saving ({period})"));
    head.push("Monthly with commitments".into());
    Some(TextTable { header: head, rows })
}

/// The best hourly commitment per plan and platform (`commit recommend`); `None` when not
/// computed.
pub fn recommendation(r: &Report) -> Option<TextTable> {
    let rec = r.commit_recommendation.as_ref()?;
    Some(TextTable {
        header: header(&[
            "Platform",
            "Plan",
            "Best per hour",
            "Utilisation",
            "Coverage",
            "Saving per month",
            "Saving",
        ]),
        // Plans without a published rate for what a platform bills are left out (the JSON and CSV
        // keep them, with the reason).
        rows: rec
            .plans
            .iter()
            .filter(|p| p.usd_per_hour.is_some())
            .map(|p| {
                vec![
                    p.label.clone(),
                    p.plan.clone(),
                    match p.usd_per_hour {
                        Some(u) if !u.is_zero() => format!("${}/h", u.exact()),
                        _ => "none: on-demand is cheapest".into(),
                    },
                    format!("{:.1} %", p.utilisation * 100.0),
                    format!("{:.1} %", p.coverage * 100.0),
                    p.monthly_saving_usd.to_string(),
                    format!("{:.1} %", p.saving_fraction * 100.0),
                ]
            })
            .collect(),
    })
}

/// How each break-even moves with the scenario's commitments; `None` without commitments or a
/// sweep.
pub fn shifts(r: &Report) -> Option<TextTable> {
    let shifts = r.sweep.as_ref()?.committed_shifts.as_ref()?;
    let rate = |r: Option<f64>| r.map_or_else(|| "out of range".to_string(), |r| format!("{r:.3}"));
    Some(TextTable {
        header: header(&[
            "Platforms",
            "Break-even at list, req/s",
            "With commitments, req/s",
            "Moves by",
        ]),
        rows: shifts
            .iter()
            .map(|c| {
                let by = match (c.from_rate_per_s, c.to_rate_per_s) {
                    (Some(a), Some(b)) if a > 0.0 => format!("{:+.0} %", (b - a) / a * 100.0),
                    (None, Some(_)) => "appears".into(),
                    (Some(_), None) => "leaves the range".into(),
                    _ => String::new(),
                };
                vec![
                    format!("{} / {}", c.a, c.b),
                    rate(c.from_rate_per_s),
                    rate(c.to_rate_per_s),
                    by,
                ]
            })
            .collect(),
    })
}

//! The tables of a scenario report, as text cells: the HTML and Markdown exporters lay out the
//! same rows.

use crate::report::charts;
use crate::report::format::{header, horizon_text, TextTable};
use crate::report::Report;

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

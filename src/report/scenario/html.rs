//! The scenario report in HTML: one self-contained file (inline SVG and CSS, no scripts, nothing
//! fetched) that a manager can read on screen, in light or dark mode, and print to A4.

use crate::report::charts::{self, Theme};
use crate::report::format::horizon_text;
use crate::report::format::html::{
    both, closing, escape, figure, page_start, section, table, tile, Colophon, Figure,
};
use crate::report::scenario::tables;
use crate::report::{Report, ReportError};
use std::fmt::Write;

/// The HTML document.
pub fn render(r: &Report) -> Result<String, ReportError> {
    let sim = &r.simulation;
    let labels = &r.scenario.platforms;
    let mut out = String::with_capacity(256 * 1024);
    let title = format!("Cost report: {}", r.scenario.name);
    page_start(&mut out, &title);
    let _ = write!(
        out,
        "<header><h1>{}</h1><p class=\"meta\">{} simulated · {} platforms · seed {} · catalog {} · {}</p></header>\n",
        escape(&title),
        horizon_text(r.scenario.horizon_s),
        sim.platforms.len(),
        r.scenario.seed,
        escape(&r.catalog_version),
        escape(&r.generator)
    );

    section(&mut out, "summary", "Summary");
    let _ = write!(
        out,
        "<p class=\"recommendation\">{}</p>\n",
        escape(&r.summary.recommendation)
    );
    out.push_str("<div class=\"kpis\">");
    let mut kpi = |label: &str, value: String| tile(&mut out, label, &value);
    kpi(
        &format!("{} per month", r.summary.cheapest),
        r.summary.cheapest_monthly_usd.to_string(),
    );
    if let (Some(o), Some(c)) = (&r.summary.compared_with, &r.summary.compared_monthly_usd) {
        kpi(&format!("{o} per month"), c.to_string());
    }
    if let Some(s) = &r.summary.monthly_saving_usd {
        let pct = r
            .summary
            .saving_percent
            .map(|p| format!(" ({p} %)"))
            .unwrap_or_default();
        kpi("Saving per month", format!("{s}{pct}"));
    }
    out.push_str("</div>\n");
    if !r.summary.caveats.is_empty() {
        out.push_str("<ul class=\"caveats\">");
        for c in &r.summary.caveats {
            let _ = write!(out, "<li>{}</li>", escape(c));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");

    section(&mut out, "cost", "Cost and performance");
    figure(
        &mut out,
        &both(|t| charts::cost::monthly_cost(sim, t))?,
        "Each bar is a platform's monthly bill, split by what it pays for.",
    );
    let t = tables::platforms(r);
    table(&mut out, "num", &t.header, &t.rows);
    figure(
        &mut out,
        &both(|t| charts::latency::percentiles(sim, labels, t))?,
        "Longer bars are slower. Cold starts land in the tail (p99).",
    );
    out.push_str("</section>\n");

    if let Some(s) = &r.sweep {
        section(&mut out, "breakeven", "Break-even");
        figure(
            &mut out,
            &both(|t| charts::breakeven::curves(s, labels, t))?,
            if s.committed_crossings.is_some() {
                "Where two lines cross, the cheaper platform changes. Rings mark the crossings; dashed lines are \
                 the costs with the scenario's commitments, squares their crossings."
            } else {
                "Where two lines cross, the cheaper platform changes. Rings mark the crossings."
            },
        );
        if let Some(t) = tables::crossings(r).filter(|t| !t.rows.is_empty()) {
            table(&mut out, "num", &t.header, &t.rows);
        }
        if let Some(t) = tables::shifts(r).filter(|t| !t.rows.is_empty()) {
            out.push_str("<h3>With the scenario's commitments</h3>\n");
            table(&mut out, "num", &t.header, &t.rows);
        }
        out.push_str("</section>\n");
    }

    let held = tables::commitments(r);
    let best = tables::recommendation(r);
    if held.is_some() || best.is_some() {
        section(&mut out, "commitments", "Commitments");
        if let Some(t) = held {
            out.push_str(
                "<p>What each Savings Plan or reservation did on each platform: paid every hour, it covers \
                 eligible usage at the plan's rates; the rest is billed on-demand, and unused commitment is lost.</p>\n",
            );
            table(&mut out, "num", &t.header, &t.rows);
        }
        if let Some(t) = best {
            out.push_str(
                "<h3>Best commitment per plan</h3><p>The hourly commitment that minimises each platform's cost \
                 for the simulated usage, starting from on-demand; plans with no published rate for what a platform bills are left out.</p>\n",
            );
            table(&mut out, "num", &t.header, &t.rows);
        }
        out.push_str("</section>\n");
    }

    if let Some(tl) = charts::timeline::instances_and_cost(sim, labels, Theme::Light)? {
        let dark = charts::timeline::instances_and_cost(sim, labels, Theme::Dark)?.unwrap_or_default();
        section(&mut out, "timeline", "Over time");
        figure(
            &mut out,
            &Figure { light: tl, dark },
            "Fleets pay for instances whether busy or idle; functions pay per request.",
        );
        out.push_str("</section>\n");
    }

    if let Some(t) = r.tune.as_ref().filter(|t| !t.platforms.is_empty()) {
        section(&mut out, "memory", "Memory size");
        figure(
            &mut out,
            &both(|th| charts::tune::curves(t, labels, th))?,
            "Rings: the cheapest size (left) and the fastest size within 10 % of the cheapest cost (right).",
        );
        out.push_str("</section>\n");
    }

    assumptions_and_limits(&mut out, r);
    out.push_str("</main></body></html>\n");
    Ok(out)
}

/// What the figures rest on, the bill lines, and what the model leaves out.
fn assumptions_and_limits(out: &mut String, r: &Report) {
    section(out, "assumptions", "Assumptions");
    out.push_str("<h3>Workload</h3><dl>");
    for f in &r.assumptions.workload {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(&f.name), escape(&f.value));
    }
    out.push_str("</dl>\n<h3>Platforms</h3><dl>");
    for f in &r.assumptions.platforms {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(&f.name), escape(&f.value));
    }
    if !r.assumptions.commitments.is_empty() {
        out.push_str("</dl>\n<h3>Commitments</h3><dl>");
        for f in &r.assumptions.commitments {
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(&f.name), escape(&f.value));
        }
    }
    if !r.assumptions.discounts.is_empty() {
        out.push_str("</dl>\n<h3>Negotiated discounts</h3><dl>");
        for f in &r.assumptions.discounts {
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(&f.name), escape(&f.value));
        }
    }
    if !r.assumptions.methods.is_empty() {
        out.push_str("</dl>\n<h3>How it was simulated</h3><dl>");
        for f in &r.assumptions.methods {
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(&f.name), escape(&f.value));
        }
    }
    let _ = write!(
        out,
        "</dl>\n<h3>Prices</h3><p>From price catalog <strong>{}</strong>; each price with the date its \
         source shows.</p>\n",
        escape(&r.catalog_version)
    );
    let t = tables::prices(r);
    table(out, "prices", &t.header, &t.rows);
    out.push_str("</section>\n");

    section(out, "bill", "Bill lines of the simulated period");
    let rows: Vec<Vec<String>> = r
        .simulation
        .platforms
        .iter()
        .flat_map(|p| {
            p.cost.lines.iter().map(|l| {
                vec![
                    p.label.clone(),
                    l.item.clone(),
                    format!("{} {}", l.quantity.normalize(), l.unit),
                    l.amount.to_string(),
                ]
            })
        })
        .collect();
    table(out, "bill", &["Platform", "Line", "Quantity", "Amount"], &rows);
    out.push_str("</section>\n");

    let by = Colophon {
        generator: &r.generator,
        schema_version: r.schema_version,
        anonymised: r.anonymised,
    };
    closing(out, "limits", "Limits of the model", &r.limits, by);
}

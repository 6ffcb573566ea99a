//! The scenario report in Markdown: its text and tables, for pasting into a pull request or a wiki
//! page. (Charts are in the HTML report; a pasted Markdown file cannot carry them.)

use crate::report::format::horizon_text;
use crate::report::format::md::table;
use crate::report::scenario::tables;
use crate::report::Report;
use std::fmt::Write;

/// The Markdown document.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let sim = &r.simulation;
    let _ = writeln!(out, "# Cost report: {}\n", r.scenario.name);
    let _ = writeln!(out, "**{}**\n", r.summary.recommendation);
    for c in &r.summary.caveats {
        let _ = writeln!(out, "- {c}");
    }
    if !r.summary.caveats.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} simulated ({} requests per platform on average), seed {}, {} mode; prices from catalog {}.\n",
        horizon_text(r.scenario.horizon_s),
        sim.simulated_requests / sim.platforms.len().max(1) as u64,
        r.scenario.seed,
        serde_json::to_value(r.scenario.mode)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        r.catalog_version
    );
    let _ = writeln!(out, "## Cost and performance\n");
    let t = tables::platforms(r);
    table(&mut out, &t.header, &t.rows);
    if let Some(s) = &r.sweep {
        let _ = writeln!(out, "## Break-even\n");
        if s.crossings.is_empty() {
            let _ = writeln!(
                out,
                "The cost lines do not cross between {} and {} times this traffic.\n",
                s.points.first().map(|p| p.traffic_factor).unwrap_or(1.0),
                s.points.last().map(|p| p.traffic_factor).unwrap_or(1.0)
            );
        } else if let Some(t) = tables::crossings(r) {
            table(&mut out, &t.header, &t.rows);
        }
        if let Some(t) = tables::shifts(r).filter(|t| !t.rows.is_empty()) {
            let _ = writeln!(out, "With the scenario's commitments:\n");
            table(&mut out, &t.header, &t.rows);
        }
    }
    if let Some(t) = tables::commitments(r) {
        let _ = writeln!(out, "## Commitments\n");
        table(&mut out, &t.header, &t.rows);
    }
    if let Some(t) = tables::recommendation(r) {
        let _ = writeln!(
            out,
            "## Best commitment per plan\n\nThe hourly commitment that minimises each platform's cost for the simulated usage, starting from on-demand (`breakeven commit recommend`); plans with no published rate for what a platform bills are left out.\n"
        );
        table(&mut out, &t.header, &t.rows);
    }
    if let Some(t) = &r.tune {
        let _ = writeln!(out, "## Memory\n");
        let rows: Vec<Vec<String>> = t
            .platforms
            .iter()
            .map(|p| {
                let cost = |mb: u32| {
                    p.rows
                        .iter()
                        .find(|r| r.memory_mb == mb)
                        .map(|r| r.monthly_usd.to_string())
                        .unwrap_or_default()
                };
                vec![
                    p.label.clone(),
                    format!("{} MB ({}/mo)", p.cheapest_mb, cost(p.cheapest_mb)),
                    format!(
                        "{} MB ({}/mo)",
                        p.fastest_within_10pct_mb,
                        cost(p.fastest_within_10pct_mb)
                    ),
                ]
            })
            .collect();
        table(
            &mut out,
            &["Platform", "Cheapest", "Fastest within 10 % of cheapest"],
            &rows,
        );
    }
    let _ = writeln!(out, "## Assumptions\n");
    for f in r.assumptions.workload.iter().chain(&r.assumptions.platforms) {
        let _ = writeln!(out, "- **{}**: {}", f.name, f.value);
    }
    for f in &r.assumptions.commitments {
        let _ = writeln!(out, "- **commitment {}**: {}", f.name, f.value);
    }
    for f in &r.assumptions.discounts {
        let _ = writeln!(out, "- **discount {}**: {}", f.name, f.value);
    }
    for f in &r.assumptions.methods {
        let _ = writeln!(out, "- **how: {}**: {}", f.name, f.value);
    }
    out.push('\n');
    let t = tables::prices(r);
    table(&mut out, &t.header, &t.rows);
    let _ = writeln!(out, "## Limits of the model\n");
    for l in &r.limits {
        let _ = writeln!(out, "- {l}");
    }
    let _ = writeln!(out, "\n_{}; report schema {}._", r.generator, r.schema_version);
    out
}

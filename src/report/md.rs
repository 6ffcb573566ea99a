//! Markdown: the report's text and tables, for pasting into a pull request or a wiki page.
//! (Charts are in the HTML report; a pasted Markdown file cannot carry them.)

use crate::report::{tables, Exporter, Format, Rendered, Report, ReportError};
use std::fmt::Write;

pub struct MarkdownExporter;

/// The document with `&`, `<` and `>` as entities. Names come from scenario files, catalogs and
/// cloud accounts; Markdown viewers render raw HTML, so a name like `<img src=x onerror=…>` must
/// reach the reader as text. Breakeven's own Markdown uses none of the three characters.
fn inert(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for ch in md.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A table cell: pipes escaped, line breaks flattened.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub(crate) fn table<H: AsRef<str>>(out: &mut String, header: &[H], rows: &[Vec<String>]) {
    let header: Vec<&str> = header.iter().map(AsRef::as_ref).collect();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}", header.iter().map(|_| "---|").collect::<String>());
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// Human duration of a horizon in seconds: `30 days`, `6 hours`.
pub fn horizon_text(s: f64) -> String {
    let h = s / 3600.0;
    if h >= 48.0 {
        format!("{} days", (h / 24.0 * 10.0).round() / 10.0)
    } else if h >= 2.0 {
        format!("{} hours", (h * 10.0).round() / 10.0)
    } else {
        format!("{} minutes", (s / 60.0 * 10.0).round() / 10.0)
    }
}

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

impl Exporter for MarkdownExporter {
    fn format(&self) -> Format {
        Format::Md
    }

    fn export(&self, report: &Report) -> Result<Rendered, ReportError> {
        Ok(Rendered::File(inert(&render(report))))
    }

    fn export_account(&self, report: &crate::report::AccountReport) -> Result<Rendered, ReportError> {
        Ok(Rendered::File(inert(&crate::report::account::text::markdown(
            report,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn markdown_report_names_with_raw_html_are_inert() {
        let md = inert("# Cost report: <img src=x onerror=alert(1)>\n| R&D <b>x</b> |");
        assert!(!md.contains('<') && !md.contains('>'));
        assert_eq!(
            md,
            "# Cost report: &lt;img src=x onerror=alert(1)&gt;\n| R&amp;D &lt;b&gt;x&lt;/b&gt; |"
        );
    }
}

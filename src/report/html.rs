//! HTML: one self-contained file (inline SVG and CSS, no scripts, nothing fetched) that a manager
//! can read on screen, in light or dark mode, and print to A4.

use crate::report::charts::{self, Theme};
use crate::report::md::horizon_text;
use crate::report::{tables, Exporter, Format, Rendered, Report, ReportError};
use std::fmt::Write;

pub struct HtmlExporter;

pub(crate) const CSS: &str = include_str!("report.css");

/// Text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A chart in both themes; the stylesheet shows the one matching the reader's colour scheme, and
/// the light one on paper.
pub(crate) struct Figure {
    pub light: String,
    pub dark: String,
}

pub(crate) fn figure(out: &mut String, fig: &Figure, caption: &str) {
    let _ = write!(
        out,
        "<figure><div class=\"chart light\">{}</div><div class=\"chart dark\">{}</div>\
         <figcaption>{}</figcaption></figure>\n",
        strip_xml_decl(&fig.light),
        strip_xml_decl(&fig.dark),
        escape(caption)
    );
}

/// Inline SVG must not carry an XML declaration.
fn strip_xml_decl(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

pub(crate) fn both(
    draw: impl Fn(Theme) -> Result<String, charts::ChartError>,
) -> Result<Figure, ReportError> {
    Ok(Figure {
        light: draw(Theme::Light)?,
        dark: draw(Theme::Dark)?,
    })
}

pub(crate) fn table<H: AsRef<str>>(out: &mut String, class: &str, header: &[H], rows: &[Vec<String>]) {
    let _ = write!(out, "<table class=\"{class}\"><thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", escape(h.as_ref()));
    }
    out.push_str("</tr></thead><tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

pub(crate) fn section(out: &mut String, id: &str, title: &str) {
    let _ = write!(out, "<section id=\"{id}\"><h2>{}</h2>\n", escape(title));
}

/// The document's head (title, inline stylesheet) and the opening of its body.
pub(crate) fn page_start(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body><main>\n",
        escape(title)
    );
}

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
    let mut kpi = |label: &str, value: String| {
        let _ = write!(
            out,
            "<div><span>{}</span><strong>{}</strong></div>",
            escape(label),
            escape(&value)
        );
    };
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
            "Where two lines cross, the cheaper platform changes. Rings mark the crossings.",
        );
        if let Some(t) = tables::crossings(r).filter(|t| !t.rows.is_empty()) {
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

    section(out, "limits", "Limits of the model");
    out.push_str("<ul>");
    for l in &r.limits {
        let _ = write!(out, "<li>{}</li>", escape(l));
    }
    let _ = write!(
        out,
        "</ul></section>\n<footer>{} · report schema {}{}</footer>\n",
        escape(&r.generator),
        r.schema_version,
        if r.anonymised {
            " · names and account ids anonymised"
        } else {
            ""
        }
    );
}

impl Exporter for HtmlExporter {
    fn format(&self) -> Format {
        Format::Html
    }

    fn export(&self, report: &Report) -> Result<Rendered, ReportError> {
        Ok(Rendered::File(render(report)?))
    }

    fn export_account(&self, report: &crate::report::AccountReport) -> Result<Rendered, ReportError> {
        Ok(Rendered::File(crate::report::account::html::render(report)?))
    }
}

//! HTML of an account or function report: the same page frame, stylesheet and chart figures as
//! the scenario report.

use super::{tables, AccountReport};
use crate::report::charts;
use crate::report::format::html::{
    both, closing, escape, figure, page_start, section, table, tile, Colophon,
};
use crate::report::ReportError;
use std::fmt::Write;

/// The HTML document.
pub fn render(r: &AccountReport) -> Result<String, ReportError> {
    let mut out = String::with_capacity(128 * 1024);
    let title = r.title();
    page_start(&mut out, &title);
    let _ = write!(
        out,
        "<header><h1>{}</h1><p class=\"meta\">account {} · {} to {} (UTC) · {}</p></header>\n",
        escape(&title),
        escape(&r.account),
        escape(&r.from),
        escape(&r.to),
        escape(&r.generator)
    );
    section(&mut out, "summary", "Summary");
    let _ = write!(out, "<p class=\"recommendation\">{}</p>\n", escape(&r.headline()));
    out.push_str("<div class=\"kpis\">");
    let mut kpi = |label: &str, value: String| tile(&mut out, label, &value);
    kpi("Usage-derived cost", r.usage_cost.total_usd.to_string());
    if r.function.is_none() {
        kpi("Billed, all services", r.billed_total_usd.to_string());
        if !r.reconciliation.days.is_empty() {
            kpi(
                "Gap: billed − usage-derived",
                r.reconciliation.gap_usd.to_string(),
            );
        }
    }
    if let Some(f) = r.functions.first().filter(|_| r.function.is_some()) {
        kpi("Share of the account's Lambda cost", format!("{} %", f.share_pct));
    }
    if let Some(w) = r.what_if.iter().find(|w| w.current) {
        kpi(
            &format!("Today on {}, per month", w.platform),
            w.monthly_usd.to_string(),
        );
    }
    if let Some(w) = r.what_if.first().filter(|w| !w.current) {
        kpi(&format!("On {} per month", w.platform), w.monthly_usd.to_string());
    }
    out.push_str("</div></section>\n");

    if r.function.is_some() {
        function_sections(&mut out, r)?;
    } else {
        account_sections(&mut out, r)?;
    }

    let by = Colophon {
        generator: &r.generator,
        schema_version: r.schema_version,
        anonymised: r.anonymised,
    };
    closing(&mut out, "methods", "How the figures are derived", &r.methods, by);
    out.push_str("</main></body></html>\n");
    Ok(out)
}

fn account_sections(out: &mut String, r: &AccountReport) -> Result<(), ReportError> {
    section(out, "billed", "Billed cost by service");
    let days = r.service_days();
    if days.is_empty() {
        out.push_str("<p>No billed cost is stored for this range: run a sync or import a bill.</p>\n");
    } else {
        figure(
            out,
            &both(|t| charts::billed::daily_by_service(&days, t))?,
            "Each bar is a day's bill, split by service (largest services on their own).",
        );
    }
    let t = tables::services(r);
    if !t.rows.is_empty() {
        table(out, "num", &t.header, &t.rows);
    }
    out.push_str("</section>\n");
    reconciliation_section(out, r)?;
    section(out, "functions", "Top functions by usage-derived cost");
    let t = tables::functions(r, 20);
    table(out, "num", &t.header, &t.rows);
    out.push_str("</section>\n");
    Ok(())
}

fn reconciliation_section(out: &mut String, r: &AccountReport) -> Result<(), ReportError> {
    section(
        out,
        "reconciliation",
        "Reconciliation: usage-derived vs billed Lambda cost",
    );
    if let Some(words) = r.billing_scope_words() {
        let _ = write!(out, "<p>{}</p>\n", escape(&words));
    }
    let rec = r.reconcile_days();
    if !rec.is_empty() {
        figure(
            out,
            &both(|t| charts::reconcile::usage_vs_billed(&rec, t))?,
            "Wide blue line: cost derived from the metrics; orange: the bill (inside the blue where they agree). Bars: the daily gap; a gap above zero means the bill is higher than the metrics explain.",
        );
    }
    let _ = write!(
        out,
        "<p>{}</p>\n",
        escape(&tables::sentence(&r.reconciliation.tolerance))
    );
    let t = tables::days_outside_tolerance(r);
    if !t.rows.is_empty() {
        out.push_str("<h3>Days outside the tolerance</h3>");
        table(out, "bill", &t.header, &t.rows);
    }
    if let Some(words) = r.replay_words() {
        let _ = write!(out, "<p>{}</p>\n", escape(&words));
    }
    out.push_str("</section>\n");
    Ok(())
}

fn function_sections(out: &mut String, r: &AccountReport) -> Result<(), ReportError> {
    section(out, "cost", "Cost split");
    let t = tables::functions(r, 1);
    table(out, "num", &t.header, &t.rows);
    out.push_str("</section>\n");
    if let Some(words) = r.measured_words() {
        section(out, "measured", "Cold starts, memory and right-sizing");
        let t = tables::measured(r);
        if !t.rows.is_empty() {
            table(out, "num", &t.header, &t.rows);
        }
        let _ = write!(out, "<p>{}</p>\n", escape(&words));
        out.push_str("</section>\n");
    }
    if !r.what_if.is_empty() {
        section(out, "what-if", "The same traffic on other platforms");
        let t = tables::what_if(r);
        table(out, "num", &t.header, &t.rows);
        out.push_str("</section>\n");
    }
    if !r.function_days.is_empty() {
        section(out, "metrics", "Metrics per day");
        figure(
            out,
            &both(|t| charts::metrics::function_days(&r.function_days, t))?,
            "Invocations, p99 duration and usage-derived cost per day.",
        );
        let t = tables::function_days(r);
        table(out, "num", &t.header, &t.rows);
        out.push_str("</section>\n");
    }
    reconciliation_section(out, r)
}

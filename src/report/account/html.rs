//! HTML of an account or function report: the same page frame, stylesheet and chart figures as
//! the scenario report.

use super::AccountReport;
use crate::report::charts;
use crate::report::html::{both, escape, figure, page_start, section, table};
use crate::report::ReportError;
use std::fmt::Write;

fn opt_ms(v: Option<f64>) -> String {
    v.map(|ms| format!("{ms:.0} ms")).unwrap_or_else(|| "–".into())
}

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
    let mut kpi = |label: &str, value: String| {
        let _ = write!(
            out,
            "<div><span>{}</span><strong>{}</strong></div>",
            escape(label),
            escape(&value)
        );
    };
    kpi("Usage-derived Lambda cost", r.usage_cost.total_usd.to_string());
    if r.function.is_none() {
        kpi("Billed, all services", r.billed_total_usd.to_string());
        kpi(
            "Gap: billed − usage-derived",
            r.reconciliation.gap_usd.to_string(),
        );
    }
    if let Some(w) = r.what_if.first() {
        kpi(&format!("On {} per month", w.platform), w.monthly_usd.to_string());
    }
    out.push_str("</div></section>\n");

    if r.function.is_some() {
        function_sections(&mut out, r)?;
    } else {
        account_sections(&mut out, r)?;
    }

    section(&mut out, "methods", "How the figures are derived");
    out.push_str("<ul>");
    for m in &r.methods {
        let _ = write!(out, "<li>{}</li>", escape(m));
    }
    let _ = write!(
        out,
        "</ul></section>\n<footer>{} · report schema {}{}</footer>\n</main></body></html>\n",
        escape(&r.generator),
        r.schema_version,
        if r.anonymised {
            " · names and account ids anonymised"
        } else {
            ""
        }
    );
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
    let rows: Vec<Vec<String>> = r
        .services
        .iter()
        .map(|s| {
            vec![
                s.service.clone(),
                s.cost_usd.to_string(),
                format!("{} %", s.share_pct),
            ]
        })
        .collect();
    table(out, "num", &["Service", "Billed", "Share"], &rows);
    out.push_str("</section>\n");

    section(
        out,
        "reconciliation",
        "Reconciliation: usage-derived vs billed Lambda cost",
    );
    let rec = r.reconcile_days();
    if !rec.is_empty() {
        figure(
            out,
            &both(|t| charts::reconcile::usage_vs_billed(&rec, t))?,
            "Bars: the daily gap. A gap above zero means the bill is higher than the metrics explain.",
        );
    }
    let _ = write!(out, "<p>{}</p>\n", escape(&r.reconciliation.tolerance));
    let rows: Vec<Vec<String>> = r
        .reconciliation
        .days
        .iter()
        .filter(|d| d.status != "ok")
        .map(|d| {
            vec![
                d.day.clone(),
                d.usage_derived_usd.to_string(),
                d.billed_usd.map(|b| b.to_string()).unwrap_or_else(|| "–".into()),
                d.gap_usd.map(|g| g.to_string()).unwrap_or_else(|| "–".into()),
                d.status.clone(),
                d.causes.join("; "),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push_str("<h3>Days outside the tolerance</h3>");
        table(
            out,
            "bill",
            &["Day", "Usage-derived", "Billed", "Gap", "Status", "Likely causes"],
            &rows,
        );
    }
    out.push_str("</section>\n");

    section(out, "functions", "Top functions by usage-derived cost");
    functions_table(out, r, 20);
    out.push_str("</section>\n");
    Ok(())
}

fn functions_table(out: &mut String, r: &AccountReport, limit: usize) {
    let rows: Vec<Vec<String>> = r
        .functions
        .iter()
        .take(limit)
        .map(|f| {
            vec![
                f.name.clone(),
                format!("{} MB {}", f.memory_mb, f.architecture),
                charts::count_tick(f.invocations as f64),
                opt_ms(f.duration_p50_ms),
                opt_ms(f.duration_p99_ms),
                f.cost.requests_usd.to_string(),
                f.cost.compute_usd.to_string(),
                f.cost.provisioned_usd.to_string(),
                f.cost.total_usd.to_string(),
                format!("{} %", f.share_pct),
            ]
        })
        .collect();
    table(
        out,
        "num",
        &[
            "Function",
            "Memory",
            "Invocations",
            "p50",
            "p99",
            "Requests",
            "Compute",
            "Provisioned",
            "Total",
            "Share",
        ],
        &rows,
    );
}

fn function_sections(out: &mut String, r: &AccountReport) -> Result<(), ReportError> {
    section(out, "cost", "Cost split");
    functions_table(out, r, 1);
    out.push_str("</section>\n");
    if !r.function_days.is_empty() {
        section(out, "metrics", "Metrics per day");
        figure(
            out,
            &both(|t| charts::metrics::function_days(&r.function_days, t))?,
            "Invocations, p99 duration and usage-derived cost per day.",
        );
        out.push_str("</section>\n");
    }
    if !r.what_if.is_empty() {
        section(out, "what-if", "The same traffic on other platforms");
        let rows: Vec<Vec<String>> = r
            .what_if
            .iter()
            .map(|w| {
                vec![
                    w.platform.clone(),
                    w.monthly_usd.to_string(),
                    format!("{:.0} ms", w.p99_ms),
                    format!("{:.2} %", w.cold_start_probability * 100.0),
                ]
            })
            .collect();
        table(out, "num", &["Platform", "Monthly", "p99", "Cold starts"], &rows);
        out.push_str("</section>\n");
    }
    Ok(())
}

//! Markdown and CSV of an account or function report.

use super::AccountReport;
use crate::report::csv::Table;
use crate::report::md::table;
use std::fmt::Write;

fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The Markdown document.
pub fn markdown(r: &AccountReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", r.title());
    let _ = writeln!(out, "**{}**\n", r.headline());
    if r.function.is_none() {
        let _ = writeln!(out, "## Billed cost by service\n");
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
        table(&mut out, &["Service", "Billed", "Share"], &rows);
        let _ = writeln!(out, "## Reconciliation\n");
        let rc = &r.reconciliation;
        let _ = writeln!(
            out,
            "Usage-derived {}, billed {}, gap {} (billed − usage-derived). {}\n",
            rc.usage_derived_usd, rc.billed_usd, rc.gap_usd, rc.tolerance
        );
        let rows: Vec<Vec<String>> = rc
            .days
            .iter()
            .filter(|d| d.status != "ok")
            .map(|d| {
                vec![
                    d.day.clone(),
                    d.usage_derived_usd.to_string(),
                    d.billed_usd.map(|b| b.to_string()).unwrap_or_default(),
                    d.gap_usd.map(|g| g.to_string()).unwrap_or_default(),
                    d.status.clone(),
                    d.causes.join("; "),
                ]
            })
            .collect();
        if !rows.is_empty() {
            table(
                &mut out,
                &["Day", "Usage-derived", "Billed", "Gap", "Status", "Likely causes"],
                &rows,
            );
        }
    }
    let _ = writeln!(
        out,
        "## {}\n",
        if r.function.is_some() {
            "Cost split"
        } else {
            "Top functions"
        }
    );
    let rows: Vec<Vec<String>> = r
        .functions
        .iter()
        .take(20)
        .map(|f| {
            vec![
                f.name.clone(),
                f.invocations.to_string(),
                f.cost.requests_usd.to_string(),
                f.cost.compute_usd.to_string(),
                f.cost.provisioned_usd.to_string(),
                f.cost.total_usd.to_string(),
                format!("{} %", f.share_pct),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "Function",
            "Invocations",
            "Requests",
            "Compute",
            "Provisioned",
            "Total",
            "Share",
        ],
        &rows,
    );
    if !r.what_if.is_empty() {
        let _ = writeln!(out, "## The same traffic on other platforms\n");
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
        table(&mut out, &["Platform", "Monthly", "p99", "Cold starts"], &rows);
    }
    let _ = writeln!(out, "## How the figures are derived\n");
    for m in &r.methods {
        let _ = writeln!(out, "- {m}");
    }
    let _ = writeln!(out, "\n_{}; report schema {}._", r.generator, r.schema_version);
    out
}

/// One CSV table per file; column names carry their unit.
pub fn tables(r: &AccountReport) -> Vec<Table> {
    vec![
        Table {
            file: "billed_by_day.csv",
            header: &["day", "service", "cost_usd"],
            rows: r
                .daily
                .iter()
                .map(|d| vec![d.day.clone(), d.service.clone(), d.cost_usd.exact()])
                .collect(),
        },
        Table {
            file: "reconciliation.csv",
            header: &[
                "day",
                "usage_derived_usd",
                "billed_usd",
                "gap_usd",
                "status",
                "causes",
            ],
            rows: r
                .reconciliation
                .days
                .iter()
                .map(|d| {
                    vec![
                        d.day.clone(),
                        d.usage_derived_usd.exact(),
                        d.billed_usd.map(|b| b.exact()).unwrap_or_default(),
                        d.gap_usd.map(|g| g.exact()).unwrap_or_default(),
                        d.status.clone(),
                        d.causes.join("; "),
                    ]
                })
                .collect(),
        },
        Table {
            file: "functions.csv",
            header: &[
                "function",
                "memory_mb",
                "architecture",
                "invocations",
                "duration_p50_ms",
                "duration_p99_ms",
                "error_rate",
                "requests_usd",
                "compute_usd",
                "provisioned_usd",
                "storage_usd",
                "total_usd",
                "share_pct",
            ],
            rows: r
                .functions
                .iter()
                .map(|f| {
                    vec![
                        f.name.clone(),
                        f.memory_mb.to_string(),
                        f.architecture.clone(),
                        f.invocations.to_string(),
                        opt(f.duration_p50_ms),
                        opt(f.duration_p99_ms),
                        f.error_rate.to_string(),
                        f.cost.requests_usd.exact(),
                        f.cost.compute_usd.exact(),
                        f.cost.provisioned_usd.exact(),
                        f.cost.storage_usd.exact(),
                        f.cost.total_usd.exact(),
                        f.share_pct.to_string(),
                    ]
                })
                .collect(),
        },
        Table {
            file: "function_days.csv",
            header: &[
                "function",
                "day",
                "invocations",
                "duration_avg_ms",
                "duration_p99_ms",
                "error_rate",
                "peak_concurrency",
                "cost_usd",
            ],
            rows: r
                .function_days
                .iter()
                .map(|d| {
                    vec![
                        d.name.clone(),
                        d.day.clone(),
                        d.invocations.to_string(),
                        opt(d.duration_avg_ms),
                        opt(d.duration_p99_ms),
                        d.error_rate.to_string(),
                        opt(d.peak_concurrency),
                        d.cost_usd.exact(),
                    ]
                })
                .collect(),
        },
    ]
}

//! Markdown and CSV of an account or function report.

use super::{tables, AccountReport};
use crate::report::format::csv::Table;
use crate::report::format::md::table;
use std::fmt::Write;

fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The Markdown document.
pub fn markdown(r: &AccountReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", r.title());
    let _ = writeln!(out, "**{}**\n", r.headline());
    if r.function.is_some() {
        let _ = writeln!(out, "## Cost split\n");
        let t = tables::functions(r, 1);
        table(&mut out, &t.header, &t.rows);
        if let Some(words) = r.measured_words() {
            let _ = writeln!(out, "## Cold starts, memory and right-sizing\n");
            let t = tables::measured(r);
            if !t.rows.is_empty() {
                table(&mut out, &t.header, &t.rows);
            }
            let _ = writeln!(out, "{words}\n");
        }
        if !r.what_if.is_empty() {
            let _ = writeln!(out, "## The same traffic on other platforms\n");
            let t = tables::what_if(r);
            table(&mut out, &t.header, &t.rows);
        }
        if !r.function_days.is_empty() {
            let _ = writeln!(out, "## Metrics per day\n");
            let t = tables::function_days(r);
            table(&mut out, &t.header, &t.rows);
        }
        reconciliation(&mut out, r);
    } else {
        let _ = writeln!(out, "## Billed cost by service\n");
        let t = tables::services(r);
        if t.rows.is_empty() {
            let _ = writeln!(
                out,
                "No billed cost is stored for this range: run a sync or import a bill.\n"
            );
        } else {
            table(&mut out, &t.header, &t.rows);
        }
        reconciliation(&mut out, r);
        let _ = writeln!(out, "## Top functions\n");
        let t = tables::functions(r, 20);
        table(&mut out, &t.header, &t.rows);
    }
    let _ = writeln!(out, "## How the figures are derived\n");
    for m in &r.methods {
        let _ = writeln!(out, "- {m}");
    }
    let _ = writeln!(
        out,
        "\n_{}; report schema {}{}._",
        r.generator,
        r.schema_version,
        if r.anonymised {
            "; names and account ids anonymised"
        } else {
            ""
        }
    );
    out
}

fn reconciliation(out: &mut String, r: &AccountReport) {
    let _ = writeln!(out, "## Reconciliation\n");
    if let Some(words) = r.billing_scope_words() {
        let _ = writeln!(out, "{words}\n");
    }
    let rc = &r.reconciliation;
    if rc.days.is_empty() {
        let _ = writeln!(out, "{}\n", tables::sentence(&rc.tolerance));
    } else {
        let _ = writeln!(
            out,
            "Usage-derived {}, billed {}, gap {} (billed − usage-derived). {}\n",
            rc.usage_derived_usd,
            rc.billed_usd,
            rc.gap_usd,
            tables::sentence(&rc.tolerance)
        );
    }
    let t = tables::days_outside_tolerance(r);
    if !t.rows.is_empty() {
        table(out, &t.header, &t.rows);
    }
    if let Some(words) = r.replay_words() {
        let _ = writeln!(out, "{words}\n");
    }
}

/// One CSV table per file; column names carry their unit. A function report adds
/// `what_if.csv`.
pub fn tables(r: &AccountReport) -> Vec<Table> {
    let mut out = vec![
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
                        d.status.to_string(),
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
                "init_usd",
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
                        f.cost.init_usd.exact(),
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
    ];
    if r.function.is_some() {
        out.push(Table {
            file: "what_if.csv",
            header: &[
                "platform",
                "current",
                "monthly_usd",
                "p99_ms",
                "cold_start_probability",
            ],
            rows: r
                .what_if
                .iter()
                .map(|w| {
                    vec![
                        w.platform.clone(),
                        w.current.to_string(),
                        w.monthly_usd.exact(),
                        w.p99_ms.to_string(),
                        w.cold_start_probability.to_string(),
                    ]
                })
                .collect(),
        });
    }
    out
}

//! The scenario report in CSV: one table per file, written into a directory. Column names are
//! stable and carry their unit (`monthly_usd`, `p99_ms`); amounts are exact decimals, never
//! rounded for display.

use crate::report::format::csv::{quote, write_exact, Table};
use crate::report::Report;
use std::fmt::Write;

fn f(x: f64) -> String {
    x.to_string()
}

/// Every table of the report but the timeline ([`timeline_csv`]).
pub fn tables(r: &Report) -> Vec<Table> {
    let sim = &r.simulation;
    let mut out = vec![
        Table {
            file: "platforms.csv",
            header: &[
                "platform",
                "platform_id",
                "kind",
                "region",
                "memory_mb",
                "arrivals",
                "requests",
                "cold_starts",
                "cold_start_probability",
                "throttled",
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "max_ms",
                "mean_ms",
                "avg_instances",
                "peak_instances",
                "utilisation",
                "period_hours",
                "period_usd",
                "monthly_usd",
                "free_tier_usd",
            ],
            rows: sim
                .platforms
                .iter()
                .map(|p| {
                    let kind = serde_json::to_value(p.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from));
                    vec![
                        p.label.clone(),
                        p.id.clone(),
                        kind.unwrap_or_default(),
                        p.region.clone(),
                        p.memory_mb.to_string(),
                        p.arrivals.to_string(),
                        p.requests.to_string(),
                        p.cold_starts.to_string(),
                        f(p.cold_start_probability),
                        p.throttled.to_string(),
                        f(p.latency_ms.p50),
                        f(p.latency_ms.p95),
                        f(p.latency_ms.p99),
                        f(p.latency_ms.max),
                        f(p.latency_ms.mean),
                        f(p.avg_instances),
                        p.peak_instances.to_string(),
                        f(p.utilisation),
                        f(p.cost.period_hours),
                        p.cost.total_usd.exact(),
                        p.cost.monthly_usd.exact(),
                        p.cost.free_tier_usd.exact(),
                    ]
                })
                .collect(),
        },
        Table {
            file: "cost_lines.csv",
            header: &[
                "platform",
                "category",
                "item",
                "dimension",
                "quantity",
                "unit",
                "unit_price_usd",
                "amount_usd",
                "credit",
            ],
            rows: sim
                .platforms
                .iter()
                .flat_map(|p| {
                    p.cost.lines.iter().map(|l| {
                        vec![
                            p.label.clone(),
                            l.category.label().to_string(),
                            l.item.clone(),
                            l.dimension.clone(),
                            l.quantity.normalize().to_string(),
                            l.unit.clone(),
                            l.unit_price.normalize().to_string(),
                            l.amount.exact(),
                            l.credit.to_string(),
                        ]
                    })
                })
                .collect(),
        },
        Table {
            file: "prices.csv",
            header: &[
                "platform",
                "platform_id",
                "region",
                "dimension",
                "unit",
                "usd_per_unit",
                "as_of",
                "source",
            ],
            rows: r
                .assumptions
                .prices
                .iter()
                .map(|p| {
                    vec![
                        p.platform.clone(),
                        p.platform_id.clone(),
                        p.region.clone(),
                        p.dimension.clone(),
                        p.unit.clone(),
                        p.usd_per_unit.clone(),
                        p.as_of.clone(),
                        p.source.clone(),
                    ]
                })
                .collect(),
        },
    ];
    if let Some(s) = &r.sweep {
        out.push(Table {
            file: "breakeven.csv",
            header: &[
                "traffic_factor",
                "requests_per_month",
                "mean_rate_per_s",
                "platform",
                "monthly_usd",
                "p99_ms",
                "cold_start_probability",
                "throttle_probability",
                "avg_instances",
                "committed_monthly_usd",
            ],
            rows: s
                .points
                .iter()
                .flat_map(|pt| {
                    pt.platforms.iter().map(move |c| {
                        vec![
                            f(pt.traffic_factor),
                            f(pt.requests_per_month),
                            f(pt.mean_rate_per_s),
                            c.label.clone(),
                            c.monthly_usd.exact(),
                            f(c.p99_ms),
                            f(c.cold_start_probability),
                            f(c.throttle_probability),
                            f(c.avg_instances),
                            c.committed_monthly_usd.map(|u| u.exact()).unwrap_or_default(),
                        ]
                    })
                })
                .collect(),
        });
        out.push(Table {
            file: "crossings.csv",
            header: &[
                "cheaper_below",
                "cheaper_above",
                "traffic_factor",
                "requests_per_month",
                "mean_rate_per_s",
                "method",
                "exact_runs",
            ],
            rows: s
                .crossings
                .iter()
                .map(|c| {
                    vec![
                        c.cheaper_below.clone(),
                        c.cheaper_above.clone(),
                        f(c.traffic_factor),
                        f(c.requests_per_month),
                        f(c.mean_rate_per_s),
                        serde_json::to_value(c.method)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        c.exact_runs.to_string(),
                    ]
                })
                .collect(),
        });
    }
    if let Some(shifts) = r.sweep.as_ref().and_then(|s| s.committed_shifts.as_ref()) {
        let rate = |r: Option<f64>| r.map(f).unwrap_or_default();
        out.push(Table {
            file: "crossing_shifts.csv",
            header: &["a", "b", "list_rate_per_s", "committed_rate_per_s"],
            rows: shifts
                .iter()
                .map(|c| {
                    vec![
                        c.a.clone(),
                        c.b.clone(),
                        rate(c.from_rate_per_s),
                        rate(c.to_rate_per_s),
                    ]
                })
                .collect(),
        });
    }
    let held: Vec<Vec<String>> = sim
        .platforms
        .iter()
        .flat_map(|p| {
            p.committed.iter().flat_map(move |c| {
                c.commitments.iter().map(move |k| {
                    vec![
                        p.label.clone(),
                        k.plan.clone(),
                        k.spec.usd_per_hour.exact(),
                        f(k.utilisation),
                        f(k.coverage),
                        k.cost_usd.exact(),
                        k.used_usd.exact(),
                        k.wasted_usd.exact(),
                        k.covered_on_demand_usd.exact(),
                        k.eligible_on_demand_usd.exact(),
                        k.saving_usd.exact(),
                        c.total_usd.exact(),
                        c.monthly_usd.exact(),
                    ]
                })
            })
        })
        .collect();
    if !held.is_empty() {
        out.push(Table {
            file: "commitments.csv",
            header: &[
                "platform",
                "plan",
                "usd_per_hour",
                "utilisation",
                "coverage",
                "period_cost_usd",
                "period_used_usd",
                "period_wasted_usd",
                "period_covered_on_demand_usd",
                "period_eligible_on_demand_usd",
                "period_saving_usd",
                "period_committed_total_usd",
                "monthly_committed_usd",
            ],
            rows: held,
        });
    }
    if let Some(rec) = &r.commit_recommendation {
        out.push(Table {
            file: "commit_recommendation.csv",
            header: &[
                "platform",
                "platform_id",
                "plan",
                "best_usd_per_hour",
                "on_demand_usd",
                "total_usd",
                "saving_usd",
                "monthly_saving_usd",
                "saving_fraction",
                "utilisation",
                "coverage",
            ],
            rows: rec
                .plans
                .iter()
                .map(|p| {
                    vec![
                        p.label.clone(),
                        p.platform.clone(),
                        p.plan.clone(),
                        p.usd_per_hour.map(|u| u.exact()).unwrap_or_default(),
                        p.on_demand_usd.exact(),
                        p.total_usd.exact(),
                        p.saving_usd.exact(),
                        p.monthly_saving_usd.exact(),
                        f(p.saving_fraction),
                        f(p.utilisation),
                        f(p.coverage),
                    ]
                })
                .collect(),
        });
    }
    if let Some(t) = &r.tune {
        out.push(Table {
            file: "memory_tuning.csv",
            header: &[
                "platform",
                "memory_mb",
                "monthly_usd",
                "duration_factor",
                "mean_ms",
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "cold_start_probability",
                "cheapest",
                "fastest_within_10pct",
            ],
            rows: t
                .platforms
                .iter()
                .flat_map(|p| {
                    p.rows.iter().map(move |row| {
                        vec![
                            p.label.clone(),
                            row.memory_mb.to_string(),
                            row.monthly_usd.exact(),
                            f(row.duration_factor),
                            f(row.mean_ms),
                            f(row.p50_ms),
                            f(row.p95_ms),
                            f(row.p99_ms),
                            f(row.cold_start_probability),
                            (row.memory_mb == p.cheapest_mb).to_string(),
                            (row.memory_mb == p.fastest_within_10pct_mb).to_string(),
                        ]
                    })
                })
                .collect(),
        });
    }
    out
}

/// Columns of `timeline.csv`.
const TIMELINE_HEADER: &str =
    "platform,start_s,bucket_s,requests,cold_starts,throttled,avg_instances,peak_instances,cost_usd\n";

/// Per-bucket timeline of every platform, long format (a 30-day, 3-platform scenario has
/// 129,600 rows): written straight into one buffer, without a `String` per cell.
pub fn timeline_csv(r: &Report) -> String {
    let rows: usize = r
        .simulation
        .platforms
        .iter()
        .filter_map(|p| p.timeline.as_ref())
        .map(|t| t.requests.len())
        .sum();
    let mut out = String::with_capacity(TIMELINE_HEADER.len() + rows * 64);
    out.push_str(TIMELINE_HEADER);
    for p in &r.simulation.platforms {
        let Some(t) = &p.timeline else { continue };
        let label = quote(&p.label);
        for i in 0..t.requests.len() {
            let _ = write!(
                out,
                "{label},{},{},{},{},{},",
                i as f64 * t.bucket_s,
                t.bucket_s,
                t.requests[i],
                t.cold_starts.get(i).copied().unwrap_or(0),
                t.throttled.get(i).copied().unwrap_or(0),
            );
            if let Some(x) = t.avg_instances.get(i) {
                let _ = write!(out, "{x}");
            }
            let _ = write!(out, ",{},", t.peak_instances.get(i).copied().unwrap_or(0));
            if let Some(u) = t.cost_usd.get(i) {
                write_exact(&mut out, u);
            }
            out.push('\n');
        }
    }
    out
}

//! The tables of an account or function report, as text cells: the HTML and Markdown exporters
//! lay out the same rows.

use super::{AccountReport, ReconciledStatus};
use crate::report::charts;
use crate::report::format::{header, TextTable};
use breakeven_simulator::pricing::money::group_digits;

fn opt_ms(v: Option<f64>) -> String {
    v.map(|ms| format!("{ms:.0} ms")).unwrap_or_else(|| "–".into())
}

/// A probability as a percentage a reader can tell from zero: two decimals, or two significant
/// digits below 0.01 %.
pub fn percent(p: f64) -> String {
    let pct = p * 100.0;
    if pct == 0.0 || pct >= 0.01 {
        format!("{pct:.2} %")
    } else {
        let digits = (1 - pct.log10().floor() as i32).clamp(2, 8) as usize;
        format!("{pct:.digits$} %")
    }
}

/// `s` as a sentence: a capital first letter and a full stop.
pub fn sentence(s: &str) -> String {
    let mut chars = s.trim().chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// Billed cost per service over the range.
pub fn services(r: &AccountReport) -> TextTable {
    TextTable {
        header: header(&["Service", "Billed", "Share"]),
        rows: r
            .services
            .iter()
            .map(|s| {
                vec![
                    s.service.clone(),
                    s.cost_usd.to_string(),
                    format!("{} %", s.share_pct),
                ]
            })
            .collect(),
    }
}

/// Reconciled days whose gap is outside the tolerance, with their likely causes.
pub fn days_outside_tolerance(r: &AccountReport) -> TextTable {
    let dash = |v: Option<String>| v.unwrap_or_else(|| "–".into());
    TextTable {
        header: header(&["Day", "Usage-derived", "Billed", "Gap", "Status", "Likely causes"]),
        rows: r
            .reconciliation
            .days
            .iter()
            .filter(|d| d.status != ReconciledStatus::Ok)
            .map(|d| {
                vec![
                    d.day.clone(),
                    d.usage_derived_usd.to_string(),
                    dash(d.billed_usd.map(|b| b.to_string())),
                    dash(d.gap_usd.map(|g| g.to_string())),
                    d.status.to_string(),
                    d.causes.join("; "),
                ]
            })
            .collect(),
    }
}

/// The first `limit` functions by usage-derived cost, with their cost split.
pub fn functions(r: &AccountReport, limit: usize) -> TextTable {
    TextTable {
        header: header(&[
            "Function",
            "Memory",
            "Invocations",
            "p50",
            "p99",
            "Requests",
            "Compute",
            "Provisioned",
            "Init",
            "Total",
            "Share",
        ]),
        rows: r
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
                    f.cost.init_usd.to_string(),
                    f.cost.total_usd.to_string(),
                    format!("{} %", f.share_pct),
                ]
            })
            .collect(),
    }
}

/// A function's metrics and usage-derived cost per day.
pub fn function_days(r: &AccountReport) -> TextTable {
    TextTable {
        header: header(&[
            "Day",
            "Invocations",
            "Avg",
            "p99",
            "Errors",
            "Peak concurrency",
            "Cost",
        ]),
        rows: r
            .function_days
            .iter()
            .map(|d| {
                vec![
                    d.day.clone(),
                    charts::count_tick(d.invocations as f64),
                    opt_ms(d.duration_avg_ms),
                    opt_ms(d.duration_p99_ms),
                    percent(d.error_rate),
                    d.peak_concurrency
                        .map(|c| format!("{c:.0}"))
                        .unwrap_or_else(|| "–".into()),
                    d.cost_usd.to_string(),
                ]
            })
            .collect(),
    }
}

/// The function's traffic on other platforms, cheapest first.
pub fn what_if(r: &AccountReport) -> TextTable {
    TextTable {
        header: header(&["Platform", "Monthly", "p99", "Cold starts"]),
        rows: r
            .what_if
            .iter()
            .map(|w| {
                let platform = if w.current {
                    format!("{} (today)", w.platform)
                } else {
                    w.platform.clone()
                };
                vec![
                    platform,
                    w.monthly_usd.to_string(),
                    format!("{:.0} ms", w.p99_ms),
                    percent(w.cold_start_probability),
                ]
            })
            .collect(),
    }
}

/// A function's cold starts, INIT and memory used (empty without log data).
pub fn measured(r: &AccountReport) -> TextTable {
    let mut rows = Vec::new();
    if let Some(m) = &r.measured {
        let mb = |v: Option<u32>| {
            v.map(|x| format!("{} MB", group_digits(&x.to_string())))
                .unwrap_or_else(|| "–".into())
        };
        let ms = |v: Option<u32>| {
            v.map(|x| format!("{} ms", group_digits(&x.to_string())))
                .unwrap_or_else(|| "–".into())
        };
        rows.push(vec![
            "Cold starts".into(),
            group_digits(&m.cold_starts.to_string()),
        ]);
        rows.push(vec![
            "Cold-start rate".into(),
            m.cold_start_rate.map(percent).unwrap_or_else(|| "–".into()),
        ]);
        rows.push(vec!["INIT p50".into(), ms(m.init_p50_ms)]);
        rows.push(vec!["INIT p99".into(), ms(m.init_p99_ms)]);
        rows.push(vec!["INIT cost".into(), m.init_usd.to_string()]);
        rows.push(vec!["Memory configured".into(), mb(Some(m.memory_mb))]);
        rows.push(vec!["Memory used, max".into(), mb(m.max_memory_used_mb)]);
        rows.push(vec!["Memory used, p99".into(), mb(m.memory_used_p99_mb)]);
        if let Some(z) = &m.rightsizing {
            rows.push(vec!["Suggested memory".into(), mb(Some(z.suggested_mb))]);
            rows.push(vec![
                "Mean duration there".into(),
                format!(
                    "{} (now {}; {} if all CPU-bound)",
                    opt_ms(z.predicted_duration_ms),
                    opt_ms(z.duration_ms),
                    opt_ms(z.cpu_bound_duration_ms)
                ),
            ]);
            rows.push(vec![
                "Cost of the range there".into(),
                format!("{} (now {})", z.predicted_cost_usd, z.cost_usd),
            ]);
            rows.push(vec![
                "Saving".into(),
                format!("{} ({} if all CPU-bound)", z.saving_usd, z.cpu_bound_saving_usd),
            ]);
        }
    }
    TextTable {
        header: header(&["Measured (REPORT records)", "Value"]),
        rows,
    }
}

impl AccountReport {
    /// A function report's words on its REPORT records: what the right-sizing rests on, or that
    /// there is no log data (`None` in an account report).
    pub fn measured_words(&self) -> Option<String> {
        match (&self.measured, self.log_data) {
            (Some(m), _) => Some(match &m.rightsizing {
                Some(z) => sentence(&format!("right-sizing: {}", z.note)),
                None => "No memory use recorded: no right-sizing.".into(),
            }),
            (None, Some(false)) => Some(
                "No log data: the function's REPORT records were not read, so its cold starts, INIT \
                 and memory use are unknown (its INIT is not in the usage-derived cost)."
                    .into(),
            ),
            _ => None,
        }
    }

    /// A function report's note on the bill: Lambda bills an account, not a function.
    pub fn billing_scope_words(&self) -> Option<String> {
        let (f, share) = (self.function.as_ref()?, self.functions.first()?.share_pct);
        Some(format!(
            "Lambda bills the account, not each function: this compares the account's usage-derived \
             Lambda cost ({}) with its Lambda bill ({}); {f} is {share} % of the usage-derived cost.",
            self.reconciliation.usage_derived_usd, self.reconciliation.billed_usd
        ))
    }

    /// The replay behind the what-if table against the usage-derived cost, in one sentence.
    pub fn replay_words(&self) -> Option<String> {
        let c = self.replay.as_ref()?;
        Some(format!(
            "Replayed in the simulator on {} ({} mode), the function's {} invocations of {} to {} cost {} \
             against {} derived from its metrics for the same days ({}{} %).",
            c.platform,
            c.mode,
            group_digits(&c.invocations.to_string()),
            c.from,
            c.to,
            c.simulated_usd,
            c.usage_derived_usd,
            if c.difference_pct.is_sign_negative() {
                ""
            } else {
                "+"
            },
            c.difference_pct
        ))
    }
}

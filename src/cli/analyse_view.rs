//! The measured (REPORT records), right-sizing, billed, reconciliation, commitments and trends
//! parts of `breakeven analyse`'s readable report.

use crate::cli::table::{Align, Table};
use breakeven::analytics::reconcile::ReconciledDay;
use breakeven::app::analyse::model::Analysis;
use breakeven_simulator::pricing::money::group_digits;

const R: Align = Align::Right;
const L: Align = Align::Left;

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_else(|| "–".into())
}

fn mb(v: Option<u32>) -> String {
    v.map(|x| format!("{} MB", group_digits(&x.to_string())))
        .unwrap_or_else(|| "–".into())
}

fn ms0(v: Option<u32>) -> String {
    v.map(|x| group_digits(&x.to_string()))
        .unwrap_or_else(|| "–".into())
}

fn ms1(v: Option<f64>) -> String {
    v.map(|x| group_digits(&format!("{x:.0}")))
        .unwrap_or_else(|| "–".into())
}

/// A rate as a percentage a reader can tell from zero: two decimals, or two significant digits
/// below 0.01%.
pub fn rate(p: f64) -> String {
    let pct = p * 100.0;
    if pct == 0.0 || pct >= 0.01 {
        format!("{pct:.2}%")
    } else {
        let digits = (1 - pct.log10().floor() as i32).clamp(2, 8) as usize;
        format!("{pct:.digits$}%")
    }
}

/// Cold starts, INIT and memory used per function (REPORT records), then right-sizing.
pub fn measured(an: &Analysis) -> String {
    let mut o = String::from("Cold starts and memory used (REPORT records)\n");
    let mut t = Table::new(&[
        ("Function", L),
        ("Cold starts", R),
        ("Rate", R),
        ("Init p50 ms", R),
        ("Init p99 ms", R),
        ("Mem used max", R),
        ("Mem used p99", R),
        ("Configured", R),
    ]);
    for f in &an.functions {
        let m = &f.measured;
        if m.cold_starts.is_none() {
            t.row(vec![
                f.name.clone(),
                "no log data".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                format!("{} MB", group_digits(&f.memory_mb.to_string())),
            ]);
            continue;
        }
        t.row(vec![
            f.name.clone(),
            opt(&m.cold_starts.map(|c| group_digits(&c.to_string()))),
            m.cold_start_rate.map(rate).unwrap_or_else(|| "–".into()),
            ms0(m.init_p50_ms),
            ms0(m.init_p99_ms),
            mb(m.max_memory_used_mb),
            mb(m.memory_used_p99_mb),
            format!("{} MB", group_digits(&f.memory_mb.to_string())),
        ]);
    }
    o += &t.render();
    o += "\n";

    let sized: Vec<_> = an
        .functions
        .iter()
        .filter_map(|f| f.rightsizing.as_ref().map(|r| (f, r)))
        .collect();
    let Some((_, first)) = sized.first() else {
        return o;
    };
    o += "Right-sizing: the smallest memory holding the p99 of memory used\n";
    let mut t = Table::new(&[
        ("Function", L),
        ("Memory", R),
        ("Used p99", R),
        ("Suggested", R),
        ("Avg ms", R),
        ("At suggested", R),
        ("Cost", R),
        ("At suggested", R),
        ("Saving", R),
        ("If CPU-bound", R),
        ("Data", L),
    ]);
    for (f, r) in &sized {
        t.row(vec![
            f.name.clone(),
            mb(Some(r.memory_mb)),
            mb(Some(r.memory_used_p99_mb)),
            mb(Some(r.suggested_mb)),
            ms1(r.duration_ms),
            ms1(r.predicted_duration_ms),
            r.cost_usd.to_string(),
            r.predicted_cost_usd.to_string(),
            r.saving_usd.to_string(),
            r.cpu_bound_saving_usd.to_string(),
            if r.enough_data {
                "ok".into()
            } else {
                format!("thin: {} days, {} inv.", r.days_with_logs, r.invocations)
            },
        ]);
    }
    o += &t.render();
    o += &format!(
        "Suggested = p99 of memory used + {}% headroom, rounded up to {} MB. Duration: the simulator's memory model \
         with cpu_fraction {} (the share of duration that scales with memory's CPU; \"If CPU-bound\" is the saving \
         at cpu_fraction 1). Cost and saving over the analysed days. \"thin\": less than AWS Compute Optimizer \
         needs ({} days and {} invocations; {}).\n\n",
        first.headroom_pct,
        first.step_mb,
        first.cpu_fraction,
        breakeven::app::rightsize::MIN_DAYS,
        breakeven::app::rightsize::MIN_INVOCATIONS,
        breakeven::app::rightsize::COMPUTE_OPTIMIZER_REQUIREMENTS,
    );
    o
}

pub fn billed(an: &Analysis) -> String {
    let mut o = String::from("Billed cost by service\n");
    if an.billed.by_service.is_empty() {
        o += "No billed cost stored for this range (sync Cost Explorer or import a FOCUS export).\n\n";
        return o;
    }
    let mut t = Table::new(&[("Service", L), ("Source", L), ("Days", R), ("Cost", R)]);
    for s in &an.billed.by_service {
        t.row(vec![
            s.service.clone(),
            s.source.to_string(),
            s.days.to_string(),
            s.cost_usd.to_string(),
        ]);
    }
    t.rule();
    t.row(vec![
        "Total".into(),
        String::new(),
        String::new(),
        an.billed.total_usd.to_string(),
    ]);
    o += &t.render();
    // Usage types of the range's last billed day, to show what a day is made of.
    if let Some(last) = an.billed.by_day.iter().map(|r| r.day).max() {
        o += &format!("\nBilled on {last}, by usage type\n");
        let mut t = Table::new(&[
            ("Service", L),
            ("Usage type", L),
            ("Quantity", R),
            ("Unit", L),
            ("Cost", R),
        ]);
        for r in an.billed.by_day.iter().filter(|r| r.day == last) {
            t.row(vec![
                r.service.clone(),
                format!(
                    "{}{}",
                    r.usage_type,
                    if r.estimated { " (estimated)" } else { "" }
                ),
                breakeven_simulator::pricing::money::group_digits(&format!("{:.1}", r.quantity)),
                r.unit.clone(),
                r.cost_usd.to_string(),
            ]);
        }
        o += &t.render();
    }
    o += "\n";
    o
}

/// Effective rates per service, and Savings Plans utilisation and coverage per day (the last
/// `days_shown` days with a commitment).
pub fn commitments(an: &Analysis, days_shown: usize) -> String {
    use breakeven::app::analyse::commitments::pct;
    let c = &an.commitments;
    let mut o = String::from(
        "Commitments
",
    );
    o += &format!(
        "{}.
",
        c.summary
    );
    let discounted: Vec<_> = c
        .effective_rates
        .iter()
        .filter(|r| !r.saving_usd.is_zero())
        .collect();
    if !discounted.is_empty() {
        o += "
Effective rates by service
";
        let mut t = Table::new(&[
            ("Service", L),
            ("Source", L),
            ("On-demand", R),
            ("Effective", R),
            ("Saving", R),
            ("Discount", R),
        ]);
        for r in discounted {
            t.row(vec![
                r.service.clone(),
                r.source.to_string(),
                r.on_demand_usd.to_string(),
                r.effective_usd.to_string(),
                r.saving_usd.to_string(),
                pct(Some(r.discount)),
            ]);
        }
        o += &t.render();
    }
    if !c.days.is_empty() {
        let skip = c.days.len().saturating_sub(days_shown);
        o += &format!(
            "
Commitment by day (last {} of {})
",
            c.days.len() - skip,
            c.days.len()
        );
        let mut t = Table::new(&[
            ("Day", L),
            ("Source", L),
            ("Commitment", R),
            ("Used", R),
            ("Unused", R),
            ("Utilisation", R),
            ("Covered (on-demand)", R),
            ("Coverage", R),
        ]);
        for d in c.days.iter().skip(skip) {
            let f = &d.figures;
            t.row(vec![
                d.day.to_string(),
                d.source.to_string(),
                f.commitment_usd.to_string(),
                f.used_usd.to_string(),
                f.unused_usd.to_string(),
                pct(f.utilisation),
                f.covered_on_demand_usd.to_string(),
                pct(f.coverage),
            ]);
        }
        o += &t.render();
    }
    o += "
";
    o
}

fn causes(d: &ReconciledDay) -> String {
    d.causes
        .iter()
        .map(|c| {
            let name = match c.kind {
                breakeven::analytics::reconcile::CauseKind::InitBilling => "INIT billing",
                breakeven::analytics::reconcile::CauseKind::FreeTier => "free tier",
                breakeven::analytics::reconcile::CauseKind::UntrackedFunctions => "untracked functions",
                breakeven::analytics::reconcile::CauseKind::NotFinal => "not final",
                breakeven::analytics::reconcile::CauseKind::NoBill => "no bill stored",
            };
            match c.estimate_usd {
                Some(u) => format!("{name} ≈ {u}"),
                None => name.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn reconciliation(an: &Analysis, days_shown: usize) -> String {
    let r = &an.reconciliation;
    if an.platform != breakeven::analytics::cost::PLATFORM {
        return format!("Reconciliation: {}.\n\n", r.tolerance);
    }
    let mut o = String::from("Reconciliation: usage-derived vs billed Lambda cost per day\n");
    let mut t = Table::new(&[
        ("Day", L),
        ("Usage-derived", R),
        ("Billed", R),
        ("Gap", R),
        ("Gap %", R),
        ("Status", L),
        ("Likely causes", L),
    ]);
    let skip = r.days.len().saturating_sub(days_shown);
    for d in r.days.iter().skip(skip) {
        t.row(vec![
            d.day.to_string(),
            d.usage_derived_usd.to_string(),
            opt(&d.billed_usd),
            opt(&d.gap_usd),
            d.gap_pct.map(|p| format!("{p}%")).unwrap_or_else(|| "–".into()),
            d.status.label().to_string(),
            causes(d),
        ]);
    }
    t.rule();
    t.row(vec![
        format!("{} days", r.days.len()),
        r.usage_derived_usd.to_string(),
        r.billed_usd.to_string(),
        r.gap_usd.to_string(),
        String::new(),
        format!(
            "{} ok, {} explained, {} unexplained",
            r.days_ok, r.days_explained, r.days_unexplained
        ),
    ]);
    o += &t.render();
    if skip > 0 {
        o += &format!(
            "(the last {days_shown} of {} days; --days-shown N for more, --json for all)\n",
            r.days.len()
        );
    }
    o += &format!("Gap = billed − usage-derived. Status: {}.\n\n", r.tolerance);
    o
}

pub fn trends(an: &Analysis) -> String {
    let tr = &an.trends;
    let mut o = format!(
        "Top movers, week over week ({}..{} vs {}..{})\n",
        tr.this_week.0, tr.this_week.1, tr.previous_week.0, tr.previous_week.1
    );
    let mut t = Table::new(&[
        ("Kind", L),
        ("Name", L),
        ("This week", R),
        ("Previous", R),
        ("Change", R),
        ("%", R),
    ]);
    for m in &tr.top_movers {
        t.row(vec![
            m.kind.to_string(),
            m.name.clone(),
            m.this_week_usd.to_string(),
            m.previous_week_usd.to_string(),
            m.change_usd.to_string(),
            m.change_pct
                .map(|p| format!("{p:+.1}%"))
                .unwrap_or_else(|| "new".into()),
        ]);
    }
    o += &t.render();
    o += &format!("\nAnomalies: {}\n", tr.anomaly_rule);
    if tr.anomalies.is_empty() {
        o += "none in this range.\n";
    } else {
        let mut t = Table::new(&[
            ("Day", L),
            ("Kind", L),
            ("Name", L),
            ("Cost", R),
            ("Expected", R),
            ("z", R),
        ]);
        for a in &tr.anomalies {
            t.row(vec![
                a.day.to_string(),
                a.kind.to_string(),
                a.name.clone(),
                format!("${:.2}", a.cost),
                format!("${:.2}", a.expected),
                format!("{:.1}", a.z),
            ]);
        }
        o += &t.render();
    }
    let f = &tr.forecast;
    o += &format!(
        "\nForecast, next 30 days ({}): {} — {}.\n",
        f.basis, f.total_usd, f.method
    );
    o
}

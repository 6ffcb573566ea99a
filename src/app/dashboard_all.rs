//! The dashboard of every AWS account together (an organisation): each account's dashboard over
//! one common range — the 30 days up to the newest day any account has data for — added up. Every
//! figure is a sum of the per-account figures `analyse --account KEY --from … --to …` prints, so
//! the organisation and its accounts cannot disagree. Only synced AWS accounts count: the demo
//! account, an imported trace (priced on another platform) and the benchmark's account stay out.

use crate::analytics::frames;
use crate::app::analyse::model::{AccountCost, CostSplit, ServiceCost};
use crate::app::analyse::DEFAULT_DAYS;
use crate::app::dashboard::{
    dashboard, dashboard_in, Dashboard, DayTotals, ForecastSummary, FunctionCost, ReconciliationState,
    ReconciliationStatus,
};
use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::model::records::AccountSource;
use crate::store::{accounts, Day, Store};
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The dashboard key of every account together (no account key starts with `:`).
pub const ALL_ACCOUNTS: &str = ":all";

/// The dashboard of the account `key`, or of every account for [`ALL_ACCOUNTS`].
pub fn dashboard_of(store: &Store, catalog: &PriceCatalog, key: &str) -> Result<Dashboard> {
    if key == ALL_ACCOUNTS {
        dashboard_all(store, catalog)
    } else {
        dashboard(store, catalog, key)
    }
}

/// Movers and anomalies kept over the organisation (the largest first).
const TOP: usize = 10;

/// The dashboard of every stored account with data, over their common latest 30 days.
pub fn dashboard_all(store: &Store, catalog: &PriceCatalog) -> Result<Dashboard> {
    let c = store.conn();
    let mut with_data = Vec::new();
    for a in accounts::list(c)? {
        // Synced AWS accounts only: the demo, an imported trace and the benchmark's account
        // are not the organisation's.
        if a.source != AccountSource::Aws {
            continue;
        }
        if let Some((_, hi)) = frames::data_days(c, a.id)? {
            with_data.push((a, hi));
        }
    }
    let Some(to) = with_data.iter().map(|(_, hi)| *hi).max() else {
        return Err(AppError::bad_input(
            ErrorCode::AnalyseNoData,
            "no synced AWS account has metrics or costs stored yet",
        ));
    };
    let from = to.plus(1 - DEFAULT_DAYS);
    let parts = with_data
        .into_iter()
        .map(|(a, _)| {
            let name = a.name.clone();
            dashboard_in(store, catalog, a, Some((from, to))).map(|d| (name, d))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(merge(parts, from, to))
}

/// Add up the accounts' dashboards (each with its account's name).
fn merge(parts: Vec<(String, Dashboard)>, from: Day, to: Day) -> Dashboard {
    let n = parts.len();
    let mut usage = AccountCost {
        split: CostSplit::default(),
        free_tier_credit_usd: Usd::ZERO,
        total_with_free_tier_usd: Usd::ZERO,
    };
    let mut services: BTreeMap<(String, String), ServiceCost> = BTreeMap::new();
    let mut days: BTreeMap<Day, DayTotals> = BTreeMap::new();
    let mut functions = Vec::new();
    let mut movers = Vec::new();
    let mut anomalies = Vec::new();
    let (mut billed, mut billed_mtd, mut usage_mtd, mut forecast) =
        (Usd::ZERO, Usd::ZERO, Usd::ZERO, Usd::ZERO);
    let mut recs = Vec::new();
    let mut first: Option<Dashboard> = None;
    for (name, d) in parts {
        usage.split += d.usage.split;
        usage.free_tier_credit_usd += d.usage.free_tier_credit_usd;
        usage.total_with_free_tier_usd += d.usage.total_with_free_tier_usd;
        billed += d.billed_usd;
        billed_mtd += d.billed_mtd_usd;
        usage_mtd += d.usage_mtd_usd;
        forecast += d.forecast.total_usd;
        for s in &d.by_service {
            let e = services
                .entry((s.source.as_str().to_string(), s.service.clone()))
                .or_insert_with(|| ServiceCost {
                    cost_usd: Usd::ZERO,
                    days: 0,
                    ..s.clone()
                });
            e.cost_usd += s.cost_usd;
            e.days = e.days.max(s.days);
        }
        for x in &d.days {
            let e = days.entry(x.day).or_insert(DayTotals {
                day: x.day,
                billed_usd: Usd::ZERO,
                usage_usd: Usd::ZERO,
            });
            e.billed_usd += x.billed_usd;
            e.usage_usd += x.usage_usd;
        }
        let named = |f: &str| format!("{f} · {name}");
        functions.extend(d.functions.iter().map(|f| FunctionCost {
            name: named(&f.name),
            ..f.clone()
        }));
        movers.extend(d.top_movers.iter().cloned().map(|mut m| {
            m.mover.name = named(&m.mover.name);
            m
        }));
        anomalies.extend(d.anomalies.iter().cloned().map(|mut a| {
            a.anomaly.name = named(&a.anomaly.name);
            a
        }));
        recs.push(d.reconciliation.clone());
        first.get_or_insert(d);
    }
    let first = first.expect("at least one account has data");
    let total = usage.split.total_usd;
    for f in &mut functions {
        f.share_pct = if total.is_zero() {
            Decimal::ZERO
        } else {
            (f.cost.total_usd.0 / total.0 * Decimal::ONE_HUNDRED).round_dp(1)
        };
    }
    functions.sort_by(|a, b| b.cost.total_usd.cmp(&a.cost.total_usd).then(a.name.cmp(&b.name)));
    movers.sort_by(|a, b| b.mover.change_usd.0.abs().cmp(&a.mover.change_usd.0.abs()));
    movers.truncate(TOP);
    anomalies.sort_by(|a, b| {
        b.anomaly
            .day
            .cmp(&a.anomaly.day)
            .then(a.anomaly.name.cmp(&b.anomaly.name))
    });
    anomalies.truncate(TOP);
    let mut by_service: Vec<ServiceCost> = services.into_values().collect();
    by_service.sort_by(|a, b| b.cost_usd.cmp(&a.cost_usd));
    let (y, m, _) = to.ymd();
    Dashboard {
        account: ALL_ACCOUNTS.to_string(),
        account_name: format!("All accounts ({n})"),
        from,
        to,
        billed_usd: billed,
        mtd_from: Day::from_ymd(y, m, 1).unwrap_or(to).max(from),
        billed_mtd_usd: billed_mtd,
        usage,
        usage_mtd_usd: usage_mtd,
        reconciliation: reconciliation(&recs),
        by_service,
        functions,
        top_movers: movers,
        anomaly_rule: first.anomaly_rule,
        anomalies,
        forecast: ForecastSummary {
            method: first.forecast.method,
            basis: format!(
                "{}, summed over {n} account{}",
                first.forecast.basis,
                if n == 1 { "" } else { "s" }
            ),
            total_usd: forecast,
        },
        days: days.into_values().collect(),
        last_sync: first.last_sync,
    }
}

/// The organisation's reconciliation: the accounts' amounts added up, their days counted as
/// account-days, and the worst account's word (an unexplained account makes it unexplained).
fn reconciliation(recs: &[ReconciliationStatus]) -> ReconciliationStatus {
    let sum = |pick: fn(&ReconciliationStatus) -> Usd| recs.iter().map(pick).sum::<Usd>();
    let count = |pick: fn(&ReconciliationStatus) -> u32| recs.iter().map(pick).sum::<u32>();
    let has = |s: ReconciliationState| recs.iter().any(|r| r.status == s);
    let status = if has(ReconciliationState::Unexplained) {
        ReconciliationState::Unexplained
    } else if has(ReconciliationState::Explained) {
        ReconciliationState::Explained
    } else if has(ReconciliationState::Ok) {
        ReconciliationState::Ok
    } else {
        ReconciliationState::NoBill
    };
    let billed = sum(|r| r.billed_usd);
    let gap = sum(|r| r.gap_usd);
    ReconciliationStatus {
        status,
        tolerance: recs.first().map(|r| r.tolerance.clone()).unwrap_or_default(),
        usage_derived_usd: sum(|r| r.usage_derived_usd),
        billed_usd: billed,
        gap_usd: gap,
        gap_pct: (!billed.is_zero()).then(|| (gap.0 / billed.0 * Decimal::ONE_HUNDRED).round_dp(2)),
        days_ok: count(|r| r.days_ok),
        days_explained: count(|r| r.days_explained),
        days_unexplained: count(|r| r.days_unexplained),
        days_without_bill: count(|r| r.days_without_bill),
    }
}

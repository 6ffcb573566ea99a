//! The desktop dashboard of one account over the latest 30 days of data: billed cost (month to
//! date and 30 days, by service), the Lambda cost its metrics imply (by function, split into
//! requests / compute / provisioned / init), the week-over-week movers, how the bill reconciles
//! with the metrics, and the latest sync.

use crate::app::error::{AppError, Result};
use crate::app::inventory::{self, Window};
use crate::store::sync_runs::{self, RunRow};
use crate::store::{accounts, costs, Day, Store};
use breakeven_simulator::pricing::{CostCategory, PriceCatalog, Usd};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Days the dashboard covers.
pub const DAYS: u32 = 30;

/// Billed cost of one service over the range.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceCost {
    pub service: String,
    pub cost_usd: Usd,
    /// Days with a cost row.
    pub days: u32,
}

/// One function's Lambda cost over the range, from its metrics.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionCost {
    pub id: i64,
    pub name: String,
    pub requests_usd: Usd,
    pub compute_usd: Usd,
    pub provisioned_usd: Usd,
    pub init_usd: Usd,
    pub total_usd: Usd,
    /// The last 7 days and the 7 before them.
    pub this_week_usd: Usd,
    pub previous_week_usd: Usd,
    /// this week − previous week.
    pub change_usd: Usd,
}

/// One day of the trend.
#[derive(Debug, Clone, Serialize)]
pub struct DayTotals {
    pub day: Day,
    /// Σ of the day's cost rows, every service.
    pub billed_usd: Usd,
    /// Σ of the functions' Lambda cost from metrics.
    pub usage_usd: Usd,
}

/// What the dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub account: String,
    pub account_name: String,
    /// First and last day covered.
    pub from: Day,
    pub to: Day,
    pub billed_usd: Usd,
    pub usage_usd: Usd,
    /// First day of the month of `to`.
    pub mtd_from: Day,
    pub billed_mtd_usd: Usd,
    pub usage_mtd_usd: Usd,
    /// Billed AWS Lambda cost of the days with a Lambda bill, and the cost the metrics imply
    /// for the same days: the difference is init time (not a metric) and rounding.
    pub lambda_billed_usd: Usd,
    pub lambda_usage_usd: Usd,
    /// (billed − from metrics) / billed, percent, 2 decimals; `None` without a Lambda bill.
    pub lambda_gap_pct: Option<Decimal>,
    /// Most expensive first.
    pub by_service: Vec<ServiceCost>,
    /// Most expensive first.
    pub functions: Vec<FunctionCost>,
    /// The functions whose cost changed most week over week (by absolute change), at most 5.
    pub top_movers: Vec<FunctionCost>,
    pub days: Vec<DayTotals>,
    /// The most recent sync run of any source.
    pub last_sync: Option<RunRow>,
}

/// The dashboard of the account `key`.
pub fn dashboard(store: &Store, catalog: &PriceCatalog, key: &str) -> Result<Dashboard> {
    let c = store.conn();
    let account = accounts::list(c)?
        .into_iter()
        .find(|a| a.key == key)
        .ok_or_else(|| AppError::bad_input("E_NO_ACCOUNT", format!("no account `{key}` in the database")))?;
    let w = Window::latest(store, DAYS)?.ok_or_else(|| {
        AppError::bad_input(
            "E_NO_METRICS",
            "no metrics are stored yet: sync an account or load the demo",
        )
    })?;
    let (from, to) = (Day::from_unix(w.from), Day::from_unix(w.to - 1));
    let (y, m, _) = to.ymd();
    let mtd_from = Day::from_ymd(y, m, 1).unwrap_or(to).max(from);
    let week = to.plus(-6);
    let mut days: BTreeMap<Day, (Usd, Usd)> = BTreeMap::new();
    let mut services: BTreeMap<String, (Usd, u32)> = BTreeMap::new();
    let mut lambda_billed = Usd::ZERO;
    let mut lambda_days: BTreeSet<Day> = BTreeSet::new();
    for r in costs::rows(c, account.id, from, to)? {
        let amount = Usd(r.unblended);
        days.entry(r.day).or_insert((Usd::ZERO, Usd::ZERO)).0 += amount;
        let s = services.entry(r.service.clone()).or_insert((Usd::ZERO, 0));
        s.0 += amount;
        s.1 += 1;
        if r.service == "AWS Lambda" {
            lambda_billed += amount;
            lambda_days.insert(r.day);
        }
    }
    let mut functions = Vec::new();
    for u in inventory::usage(store, catalog, w)?
        .into_iter()
        .filter(|u| u.function.account_key == account.key)
    {
        let daily = inventory::daily_cost(store, catalog, &u, w)?;
        let mut f = FunctionCost {
            id: u.function.id,
            name: u.function.config.name.clone(),
            requests_usd: Usd::ZERO,
            compute_usd: Usd::ZERO,
            provisioned_usd: Usd::ZERO,
            init_usd: Usd::ZERO,
            total_usd: Usd::ZERO,
            this_week_usd: Usd::ZERO,
            previous_week_usd: Usd::ZERO,
            change_usd: Usd::ZERO,
        };
        for d in &daily {
            let day = Day::from_unix(d.day);
            days.entry(day).or_insert((Usd::ZERO, Usd::ZERO)).1 += d.cost_usd;
            f.requests_usd += d.breakdown.category_total(CostCategory::Requests);
            f.compute_usd += d.breakdown.category_total(CostCategory::Compute);
            f.provisioned_usd += d.breakdown.category_total(CostCategory::Provisioned);
            f.init_usd += d.breakdown.category_total(CostCategory::Init);
            f.total_usd += d.cost_usd;
            if day >= week {
                f.this_week_usd += d.cost_usd;
            } else if day >= week.plus(-7) {
                f.previous_week_usd += d.cost_usd;
            }
        }
        f.change_usd = f.this_week_usd - f.previous_week_usd;
        functions.push(f);
    }
    functions.sort_by(|a, b| b.total_usd.cmp(&a.total_usd).then_with(|| a.name.cmp(&b.name)));
    let mut top_movers: Vec<FunctionCost> = functions
        .iter()
        .filter(|f| !f.change_usd.is_zero())
        .cloned()
        .collect();
    top_movers.sort_by(|a, b| b.change_usd.0.abs().cmp(&a.change_usd.0.abs()));
    top_movers.truncate(5);
    let mut by_service: Vec<ServiceCost> = services
        .into_iter()
        .map(|(service, (cost_usd, days))| ServiceCost {
            service,
            cost_usd,
            days,
        })
        .collect();
    by_service.sort_by(|a, b| b.cost_usd.cmp(&a.cost_usd));
    let sum = |pick: fn(&(Usd, Usd)) -> Usd, since: Day| -> Usd {
        days.iter()
            .filter(|(d, _)| **d >= since)
            .map(|(_, v)| pick(v))
            .sum()
    };
    let lambda_usage: Usd = days
        .iter()
        .filter(|(d, _)| lambda_days.contains(*d))
        .map(|(_, v)| v.1)
        .sum();
    let lambda_gap_pct = (!lambda_billed.is_zero())
        .then(|| ((lambda_billed.0 - lambda_usage.0) / lambda_billed.0 * Decimal::ONE_HUNDRED).round_dp(2));
    let last_sync = sync_runs::last_per_source(c)?
        .into_iter()
        .max_by_key(|r| r.started_at);
    Ok(Dashboard {
        billed_usd: sum(|v| v.0, from),
        usage_usd: sum(|v| v.1, from),
        billed_mtd_usd: sum(|v| v.0, mtd_from),
        usage_mtd_usd: sum(|v| v.1, mtd_from),
        account: account.key,
        account_name: account.name,
        from,
        to,
        mtd_from,
        lambda_billed_usd: lambda_billed,
        lambda_usage_usd: lambda_usage,
        lambda_gap_pct,
        by_service,
        functions,
        top_movers,
        days: days
            .into_iter()
            .map(|(day, (billed_usd, usage_usd))| DayTotals {
                day,
                billed_usd,
                usage_usd,
            })
            .collect(),
        last_sync,
    })
}

//! The desktop dashboard of one account: the figures of `analyse` over its default range (the
//! latest 30 days of data), arranged for the view — billed cost (30 days, month to date, by
//! service), the usage-derived Lambda cost split into requests / compute / provisioned / init,
//! each function's share, the week-over-week movers, anomalies, the 30-day forecast, how the bill
//! reconciles with the metrics, and the latest sync. Every figure is the one
//! `breakeven analyse --account KEY --json` prints: the GUI and the CLI cannot disagree.

use crate::analytics::reconcile::DayStatus;
use crate::app::analyse::model::{AccountCost, Analysis, Anomaly, CostSplit, Mover, ServiceCost, TrendKind};
use crate::app::analyse::{self, AnalyseRequest};
use crate::app::charts::ChartSpec;
use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::report::charts::metric::{self, Line};
use crate::report::charts::{usd_f64, usd_tick, Theme};
use crate::store::accounts::AccountRow;
use crate::store::sync_runs::{self, RunRow};
use crate::store::{accounts, functions, Day, Store};
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One function's usage-derived cost over the range.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FunctionCost {
    /// The stored function (for opening its detail).
    pub id: Option<i64>,
    pub name: String,
    pub invocations: u64,
    #[serde(flatten)]
    pub cost: CostSplit,
    /// Share of the account's usage-derived total, percent, 1 decimal.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub share_pct: Decimal,
}

/// A mover, with the stored function it names (services have none).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MoverRow {
    #[serde(flatten)]
    pub mover: Mover,
    pub function_id: Option<i64>,
}

/// An anomaly, with the stored function it names (services have none).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AnomalyRow {
    #[serde(flatten)]
    pub anomaly: Anomaly,
    pub function_id: Option<i64>,
}

/// One day of the trend.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayTotals {
    pub day: Day,
    /// Σ of the day's billed rows, every service.
    pub billed_usd: Usd,
    /// Σ of the functions' usage-derived Lambda cost.
    pub usage_usd: Usd,
}

/// The one word of a reconciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReconciliationState {
    /// Every billed day within tolerance.
    Ok,
    /// The days outside tolerance have a known cause.
    Explained,
    /// Some billed day is outside tolerance without a known cause.
    Unexplained,
    /// No billed Lambda day in the range.
    NoBill,
}

text_enum!(ReconciliationState {
    Ok => "ok",
    Explained => "explained",
    Unexplained => "unexplained",
    NoBill => "no_bill",
});

/// How the bill compares with the usage-derived cost, in one word and its figures.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReconciliationStatus {
    pub status: ReconciliationState,
    pub tolerance: String,
    pub usage_derived_usd: Usd,
    pub billed_usd: Usd,
    pub gap_usd: Usd,
    /// gap / billed, percent, 2 decimals; `None` without a bill.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub gap_pct: Option<Decimal>,
    pub days_ok: u32,
    pub days_explained: u32,
    pub days_unexplained: u32,
    /// Days without a billed Lambda cost (not counted above as a mismatch of amounts).
    pub days_without_bill: u32,
}

/// The 30-day forecast, without its days.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ForecastSummary {
    pub method: String,
    pub basis: String,
    pub total_usd: Usd,
}

/// What the dashboard shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dashboard {
    pub account: String,
    pub account_name: String,
    /// First and last day covered.
    pub from: Day,
    pub to: Day,
    /// Billed cost of the range, every service (`analyse`: `billed.total_usd`).
    pub billed_usd: Usd,
    /// First day of the month of `to` (or `from`, if later).
    pub mtd_from: Day,
    pub billed_mtd_usd: Usd,
    /// Usage-derived Lambda cost of the range (`analyse`: `usage_cost`).
    pub usage: AccountCost,
    pub usage_mtd_usd: Usd,
    pub reconciliation: ReconciliationStatus,
    /// Most expensive first.
    pub by_service: Vec<ServiceCost>,
    /// Most expensive first.
    pub functions: Vec<FunctionCost>,
    /// The largest week-over-week changes (functions and services).
    pub top_movers: Vec<MoverRow>,
    pub anomaly_rule: String,
    pub anomalies: Vec<AnomalyRow>,
    pub forecast: ForecastSummary,
    pub days: Vec<DayTotals>,
    /// The most recent sync run of any source.
    pub last_sync: Option<RunRow>,
}

/// The dashboard of the account `key` (`app::dashboard_all::dashboard_of` also answers for
/// every account together).
pub fn dashboard(store: &Store, catalog: &PriceCatalog, key: &str) -> Result<Dashboard> {
    let account = accounts::list(store.conn())?
        .into_iter()
        .find(|a| a.key == key)
        .ok_or_else(|| {
            AppError::bad_input(
                ErrorCode::NoAccount,
                format!("no account `{key}` in the database"),
            )
        })?;
    dashboard_in(store, catalog, account, None)
}

/// The dashboard of `account` over `range` (default: its latest 30 days of data).
pub(crate) fn dashboard_in(
    store: &Store,
    catalog: &PriceCatalog,
    account: AccountRow,
    range: Option<(Day, Day)>,
) -> Result<Dashboard> {
    let c = store.conn();
    let a = analyse::analyse(
        store,
        catalog,
        &AnalyseRequest {
            account: Some(account.key.clone()),
            from: range.map(|r| r.0),
            to: range.map(|r| r.1),
            ..AnalyseRequest::default()
        },
    )?;
    let ids: HashMap<String, i64> = functions::list(c)?
        .into_iter()
        .filter(|f| f.account_key == account.key)
        .map(|f| (f.config.name, f.id))
        .collect();
    let function_id = |kind: TrendKind, name: &str| {
        (kind == TrendKind::Function)
            .then(|| ids.get(name).copied())
            .flatten()
    };
    let (y, m, _) = a.to.ymd();
    let mtd_from = Day::from_ymd(y, m, 1).unwrap_or(a.to).max(a.from);
    let days = day_totals(&a);
    let since =
        |pick: fn(&DayTotals) -> Usd| -> Usd { days.iter().filter(|d| d.day >= mtd_from).map(pick).sum() };
    Ok(Dashboard {
        account: account.key,
        account_name: account.name,
        from: a.from,
        to: a.to,
        billed_usd: a.billed.total_usd,
        mtd_from,
        billed_mtd_usd: since(|d| d.billed_usd),
        usage_mtd_usd: since(|d| d.usage_usd),
        usage: a.usage_cost.clone(),
        reconciliation: reconciliation(&a),
        by_service: a.billed.by_service.clone(),
        functions: a
            .functions
            .iter()
            .map(|f| FunctionCost {
                id: ids.get(&f.name).copied(),
                name: f.name.clone(),
                invocations: f.usage.invocations,
                cost: f.cost,
                share_pct: f.share_pct,
            })
            .collect(),
        top_movers: a
            .trends
            .top_movers
            .iter()
            .map(|m| MoverRow {
                function_id: function_id(m.kind, &m.name),
                mover: m.clone(),
            })
            .collect(),
        anomaly_rule: a.trends.anomaly_rule.clone(),
        anomalies: a
            .trends
            .anomalies
            .iter()
            .map(|x| AnomalyRow {
                function_id: function_id(x.kind, &x.name),
                anomaly: x.clone(),
            })
            .collect(),
        forecast: ForecastSummary {
            method: a.trends.forecast.method.clone(),
            basis: a.trends.forecast.basis.clone(),
            total_usd: a.trends.forecast.total_usd,
        },
        days,
        last_sync: sync_runs::last_per_source(c)?
            .into_iter()
            .max_by_key(|r| r.started_at),
    })
}

/// The dashboard's trend chart in `theme`: billed cost (every service) and the usage-derived
/// cost per day.
pub fn trend_chart(d: &Dashboard, theme: Theme) -> ChartSpec {
    let billed: Vec<(i64, f64)> = d
        .days
        .iter()
        .map(|x| (x.day.start_unix(), usd_f64(&x.billed_usd)))
        .collect();
    let usage: Vec<(i64, f64)> = d
        .days
        .iter()
        .map(|x| (x.day.start_unix(), usd_f64(&x.usage_usd)))
        .collect();
    let lines = [
        Line {
            label: "Billed, all services",
            colour: metric::PRIMARY,
            points: &billed,
        },
        Line {
            label: "Lambda, usage-derived",
            colour: metric::SECONDARY,
            points: &usage,
        },
    ];
    let range = (d.from.start_unix(), d.to.plus(1).start_unix());
    let title = "Cost per day";
    ChartSpec {
        id: "trend",
        title: title.to_string(),
        svg: metric::over_time(metric::FULL, title, &lines, range, &usd_tick, None, theme),
    }
}

/// Billed and usage-derived cost per day of the range (days without either are left out).
fn day_totals(a: &Analysis) -> Vec<DayTotals> {
    let mut days: BTreeMap<Day, (Usd, Usd)> = BTreeMap::new();
    for r in &a.billed.by_day {
        days.entry(r.day).or_default().0 += r.cost_usd;
    }
    for f in &a.function_days {
        days.entry(f.day).or_default().1 += f.cost.total_usd;
    }
    days.into_iter()
        .map(|(day, (billed_usd, usage_usd))| DayTotals {
            day,
            billed_usd,
            usage_usd,
        })
        .collect()
}

pub(crate) fn reconciliation(a: &Analysis) -> ReconciliationStatus {
    let r = &a.reconciliation;
    let days_without_bill = r.days.iter().filter(|d| d.billed_usd.is_none()).count() as u32;
    let billed_days = r.days.len() as u32 - days_without_bill;
    let unexplained_with_bill = r
        .days
        .iter()
        .filter(|d| d.billed_usd.is_some() && d.status == DayStatus::Unexplained)
        .count();
    let status = if billed_days == 0 {
        ReconciliationState::NoBill
    } else if unexplained_with_bill > 0 {
        ReconciliationState::Unexplained
    } else if r.days_explained > 0 {
        ReconciliationState::Explained
    } else {
        ReconciliationState::Ok
    };
    ReconciliationStatus {
        status,
        tolerance: r.tolerance.clone(),
        usage_derived_usd: r.usage_derived_usd,
        billed_usd: r.billed_usd,
        gap_usd: r.gap_usd,
        gap_pct: (!r.billed_usd.is_zero())
            .then(|| (r.gap_usd.0 / r.billed_usd.0 * Decimal::ONE_HUNDRED).round_dp(2)),
        days_ok: r.days_ok,
        days_explained: r.days_explained,
        days_unexplained: r.days_unexplained,
        days_without_bill,
    }
}

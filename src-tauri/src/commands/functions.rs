//! The Functions table and a function's detail: thin adapters over `breakeven::app::functions`
//! (usage over the latest days of data, the month on the own platform and on another one, the
//! metrics over time and their charts).

use crate::commands::account::blocking;
use crate::commands::charts::{drawn, Chart};
use crate::commands::estimate::EstimateView;
use crate::error::{CommandError, CommandResult};
use crate::forms;
use crate::state::DesktopState;
use breakeven::app::functions::{
    self, ColdStartDay, DailyCost, FunctionTable, FunctionUsage, MetricSeries, Window,
};
use breakeven::report::charts::Theme;
use breakeven_simulator::pricing::{UsageProfile, Usd};
use serde::Serialize;
use tauri::State;

/// Every function with its usage over the latest `days` days of its account's data.
#[tauri::command]
pub async fn functions_list(state: State<'_, DesktopState>, days: String) -> CommandResult<FunctionTable> {
    let d = forms::window_days(&days)?;
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || Ok(functions::every_account(&store, &catalog, Some(d), &[])?)).await
}

/// One function's monthly cost on another platform, or why it cannot be priced there.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct CostOn {
    pub id: i64,
    pub total_usd: Option<Usd>,
    pub error: Option<CommandError>,
}

/// What each function's month of usage would cost on `platform`.
#[tauri::command]
pub async fn functions_cost_on(
    state: State<'_, DesktopState>,
    platform: String,
    days: String,
) -> CommandResult<Vec<CostOn>> {
    let platform = forms::platform_id(&platform)?;
    let d = forms::window_days(&days)?;
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || {
        let t = functions::every_account(&store, &catalog, Some(d), std::slice::from_ref(&platform))?;
        Ok(t.rows
            .into_iter()
            .map(|u| {
                let priced = u.cost_on.get(&platform).cloned();
                CostOn {
                    id: u.function.id,
                    total_usd: priced.clone().and_then(Result::ok),
                    error: priced.and_then(Result::err).map(CommandError::from),
                }
            })
            .collect())
    })
    .await
}

/// One function in detail.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct FunctionDetail {
    pub window: Window,
    pub usage: FunctionUsage,
    /// Its month on its own platform, line by line and by category.
    pub cost: EstimateView,
    /// The usage profile that month is priced from (what `breakeven estimate` takes).
    pub profile: UsageProfile,
    /// Bucket width of the series, seconds.
    pub bucket_s: i64,
    pub series: Vec<MetricSeries>,
    /// Its cost per day.
    pub daily_cost: Vec<DailyCost>,
    /// The charts of the series and the daily cost, as SVG.
    pub charts: Vec<Chart>,
    /// Its REPORT records per day (null without log data); the window's INIT p50/p99, memory
    /// used and right-sizing are in `usage`.
    pub cold_starts_per_day: Option<Vec<ColdStartDay>>,
}

/// One function's usage, cost breakdown and metric series.
#[tauri::command]
pub async fn function_detail(
    state: State<'_, DesktopState>,
    id: i64,
    days: String,
    theme: Theme,
) -> CommandResult<FunctionDetail> {
    let d = forms::window_days(&days)?;
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || {
        let x = functions::detail(&store, &catalog, id, Some(d), theme)?;
        Ok(FunctionDetail {
            charts: x.charts.into_iter().map(drawn).collect::<CommandResult<_>>()?,
            cost: EstimateView::from(x.cost),
            window: x.window,
            usage: x.usage,
            profile: x.profile,
            bucket_s: x.bucket_s,
            series: x.series,
            daily_cost: x.daily_cost,
            cold_starts_per_day: x.cold_starts_per_day,
        })
    })
    .await
}

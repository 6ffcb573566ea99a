//! The dashboard of one account (`app::dashboard`: the figures of `analyse`) and its trend chart.

use crate::commands::account::blocking;
use crate::commands::charts::{chart, Chart};
use crate::error::CommandResult;
use crate::input::{ident, Field};
use crate::state::DesktopState;
use breakeven::app::dashboard::{self, Dashboard};
use breakeven::report::charts::metric::{self, Line};
use breakeven::report::charts::{usd_f64, usd_tick, Theme};
use serde::Serialize;
use tauri::State;

const ACCOUNT: Field = Field {
    name: "account",
    label: "Account",
};

/// The dashboard and its charts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct DashboardView {
    #[serde(flatten)]
    pub dashboard: Dashboard,
    pub charts: Vec<Chart>,
}

/// The dashboard of `account` (its key) with its trend chart in `theme`.
#[tauri::command]
pub async fn dashboard(
    state: State<'_, DesktopState>,
    account: String,
    theme: Theme,
) -> CommandResult<DashboardView> {
    let account = ident(ACCOUNT, &account, 128)?.ok_or_else(|| ACCOUNT.reject_empty())?;
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || {
        let d = dashboard::dashboard(&store, &catalog, &account)?;
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
        let svg = metric::over_time(metric::FULL, title, &lines, range, &usd_tick, None, theme);
        Ok(DashboardView {
            charts: vec![chart("trend", title, svg)?],
            dashboard: d,
        })
    })
    .await
}

//! The dashboard of one account (`app::dashboard`: the figures of `analyse`) and its trend chart.

use crate::commands::account::blocking;
use crate::commands::charts::{drawn, Chart};
use crate::error::CommandResult;
use crate::input::{ident, Field};
use crate::prewarm::Prewarm;
use crate::state::DesktopState;
use breakeven::app::dashboard::{self, Dashboard};
use breakeven::report::charts::Theme;
use serde::Serialize;
use std::sync::Arc;
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
    prewarm: State<'_, Arc<Prewarm>>,
    account: String,
    theme: Theme,
) -> CommandResult<DashboardView> {
    let account = ident(ACCOUNT, &account, 128)?.ok_or_else(|| ACCOUNT.reject_empty())?;
    let (store, catalog, db_path) = (state.store()?, state.catalog()?, state.db_path()?);
    let prewarm = Arc::clone(&prewarm);
    blocking(move || {
        let d = match prewarm.take_dashboard(&db_path, &account) {
            Some(d) => d,
            None => dashboard::dashboard(&store, &catalog, &account)?,
        };
        Ok(DashboardView {
            charts: vec![drawn(dashboard::trend_chart(&d, theme))?],
            dashboard: d,
        })
    })
    .await
}

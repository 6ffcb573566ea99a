//! The dashboard of one account (`app::dashboard`: the figures of `analyse`) and its trend chart.

use crate::commands::account::blocking;
use crate::commands::charts::{drawn, Chart};
use crate::error::CommandResult;
use crate::input::{ident, Field};
use crate::prewarm::Prewarm;
use crate::state::DesktopState;
use crate::views;
use breakeven::app::dashboard::{self, Dashboard};
use breakeven::app::view_cache::Stamp;
use breakeven::report::charts::Theme;
use serde::Serialize;
use std::sync::Arc;
use tauri::ipc::Response;
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

/// The dashboard of `account` (its key) with its trend chart in `theme`: the copy kept from an
/// earlier run when the data and the catalog are unchanged, else computed (at start, while the
/// window was created, or now) and kept.
#[tauri::command]
pub async fn dashboard(
    state: State<'_, DesktopState>,
    prewarm: State<'_, Arc<Prewarm>>,
    account: String,
    theme: Theme,
) -> CommandResult<Response> {
    let account = ident(ACCOUNT, &account, 128)?.ok_or_else(|| ACCOUNT.reject_empty())?;
    let (store, catalog, db_path) = (state.store()?, state.catalog()?, state.db_path()?);
    let kept = state.views.clone();
    let prewarm = Arc::clone(&prewarm);
    blocking(move || {
        let stamp = Stamp::of(&store, &catalog).ok();
        let key = |s: Stamp| views::dashboard_key(&db_path, &account, theme, s);
        if let Some(json) = stamp.clone().and_then(|s| kept.get(&key(s))) {
            return Ok(views::respond(json));
        }
        let (stamp, d) = match prewarm.take_dashboard(&db_path, &account) {
            Some(first) => (first.stamp, first.dashboard),
            None => {
                let d = breakeven::app::dashboard_all::dashboard_of(&store, &catalog, &account);
                crate::memory::give_back_free_heap();
                (stamp, d?)
            }
        };
        let json = views::json_of(DashboardView {
            charts: vec![drawn(dashboard::trend_chart(&d, theme))?],
            dashboard: d,
        })?;
        if let Some(s) = stamp {
            kept.put(&key(s), &json);
        }
        Ok(views::respond(json))
    })
    .await
}

//! A function's measured traffic as a what-if scenario (`app::scenario::from_function`, what
//! `breakeven scenario from-function NAME` prints): the function detail's "Open as what-if".

use crate::commands::account::blocking;
use crate::error::CommandResult;
use crate::state::DesktopState;
use breakeven::app::scenario::{self, ExtractRequest, Step};
use breakeven::app::AppError;
use breakeven::store::functions;
use serde::Serialize;
use tauri::State;

/// Days of traffic a what-if opened from a function replays (a week shows its weekly pattern).
const DAYS: u32 = 7;

/// A function's traffic as a scenario.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FunctionScenario {
    /// The scenario file's text (the CLI's TOML format).
    pub toml: String,
    /// Days of traffic it replays.
    pub days: i64,
}

/// The scenario of the stored function `id`: its last week of per-minute traffic replayed on its
/// own platform and the default alternatives.
#[tauri::command]
pub async fn function_scenario(state: State<'_, DesktopState>, id: i64) -> CommandResult<FunctionScenario> {
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || {
        let f = functions::list(store.conn())
            .map_err(AppError::from)?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| {
                AppError::bad_input("E_NO_FUNCTION", "This function is no longer in the database.")
            })?;
        let x = scenario::from_function(
            &store,
            &catalog,
            &ExtractRequest {
                function: f.config.name,
                account: Some(f.account_key),
                days: DAYS,
                platforms: Vec::new(),
                step: Step::Minute,
                check: false,
            },
        )?;
        Ok(FunctionScenario {
            toml: x.toml,
            days: x.days,
        })
    })
    .await
}

//! A function's measured traffic as a what-if scenario (`app::scenario::from_function`, what
//! `breakeven scenario from-function NAME` prints): the function detail's "Open as what-if".

use crate::commands::account::blocking;
use crate::commands::charts::{self, Chart};
use crate::error::CommandResult;
use crate::state::DesktopState;
use breakeven::app::scenario::{self, ExtractRequest, Step};
use breakeven::app::simulate;
use breakeven::app::AppError;
use breakeven::error_code::ErrorCode;
use breakeven::report::charts::{self as report_charts, Theme};
use breakeven::store::functions;
use breakeven::store::Store;
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::sweep::tune::TuneResult;
use serde::Serialize;
use std::path::Path;
use tauri::State;

/// Days of traffic a what-if opened from a function replays (a week shows its weekly pattern).
const DAYS: u32 = 7;

/// A function's traffic as a scenario.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct FunctionScenario {
    /// The scenario file's text (the CLI's TOML format).
    pub toml: String,
    /// Days of traffic it replays.
    pub days: i64,
}

/// The stored function `id`'s last week of traffic as a scenario (see `function_scenario`).
fn extract(store: &Store, catalog: &PriceCatalog, id: i64) -> Result<scenario::Extraction, AppError> {
    let f = functions::list(store.conn())?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| {
            AppError::bad_input(
                ErrorCode::NoFunction,
                "This function is no longer in the database.",
            )
        })?;
    scenario::from_function(
        store,
        catalog,
        &ExtractRequest {
            function: f.config.name,
            account: Some(f.account_key),
            days: DAYS,
            platforms: Vec::new(),
            step: Step::Minute,
            check: false,
        },
    )
}

/// The scenario of the stored function `id`: its last week of per-minute traffic replayed on its
/// own platform and the default alternatives.
#[tauri::command]
pub async fn function_scenario(state: State<'_, DesktopState>, id: i64) -> CommandResult<FunctionScenario> {
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || {
        let x = extract(&store, &catalog, id)?;
        Ok(FunctionScenario {
            toml: x.toml,
            days: x.days,
        })
    })
    .await
}

/// Memory sizes the tuning curve spans, MB (what `breakeven report` tunes over).
const TUNE_MB: (u32, u32) = (128, 3008);

/// A function's memory tuning curve: cost and latency per memory size.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct FunctionTuning {
    pub tune: TuneResult,
    pub chart: Chart,
    /// Time the simulations took, ms.
    pub engine_ms: u64,
}

/// The memory tuning curve of the stored function `id`: its last week of traffic replayed at each
/// memory size from 128 MB to 3008 MB on its function platforms, drawn in `theme`.
#[tauri::command]
pub async fn function_tuning(
    state: State<'_, DesktopState>,
    id: i64,
    theme: Theme,
) -> CommandResult<FunctionTuning> {
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || {
        let x = extract(&store, &catalog, id)?;
        let s = simulate::parse_scenario(&catalog, "function", &x.toml, Path::new("."))?;
        let t = simulate::tune(
            &catalog,
            &s,
            &simulate::Overrides::default(),
            TUNE_MB.0,
            TUNE_MB.1,
        )?;
        let labels: Vec<String> = t.result.platforms.iter().map(|p| p.label.clone()).collect();
        let chart = charts::chart(
            "memory-tuning",
            "memory tuning",
            report_charts::tune::curves(&t.result, &labels, theme),
        )?;
        Ok(FunctionTuning {
            tune: t.result,
            chart,
            engine_ms: t.wall_ms,
        })
    })
    .await
}

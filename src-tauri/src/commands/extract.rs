//! A function's measured traffic as a what-if scenario (`app::scenario::from_function`, what
//! `breakeven scenario from-function NAME` prints): the function detail's "Open as what-if" and
//! its memory tuning curve and its simulated-vs-measured cold starts.

use crate::commands::charts::{self, Chart};
use crate::error::CommandResult;
use crate::state::DesktopState;
use crate::work::blocking;
use breakeven::app::scenario::{self, Calibration};
use breakeven::app::whatif::ScenarioFile;
use breakeven::report::charts::{self as report_charts, Theme};
use breakeven_simulator::sweep::tune::TuneResult;
use serde::Serialize;
use tauri::State;

/// Days of traffic the desktop replays (a week shows its weekly pattern).
const DAYS: u32 = 7;
/// Memory sizes the tuning curve spans, MB (what `breakeven report` tunes over).
const TUNE_MB: (u32, u32) = (128, 3008);

/// The scenario of the stored function `id`, parsed, with its file text: its last week of
/// per-minute traffic replayed on its own platform and the default alternatives.
#[tauri::command]
pub async fn function_scenario(state: State<'_, DesktopState>, id: i64) -> CommandResult<ScenarioFile> {
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || {
        let x = scenario::from_function_id(&store, &catalog, id, DAYS)?;
        Ok(ScenarioFile {
            path: String::new(),
            scenario: x.scenario,
            toml: x.toml,
        })
    })
    .await
}

/// A function's memory tuning curve: cost and latency per memory size.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct FunctionTuning {
    pub tune: TuneResult,
    pub chart: Chart,
    /// Time the simulations took, ms.
    pub engine_ms: u64,
}

/// The memory tuning curve of the stored function `id`, drawn in `theme`.
#[tauri::command]
pub async fn function_tuning(
    state: State<'_, DesktopState>,
    id: i64,
    theme: Theme,
) -> CommandResult<FunctionTuning> {
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || {
        let t = scenario::tune_function(&store, &catalog, id, DAYS, TUNE_MB)?;
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

/// Simulated against measured cold starts of the stored function `id` over the week the
/// desktop replays, day by day, with the keep-alive fitted to them; `None` without REPORT
/// records for those days.
#[tauri::command]
pub async fn function_calibration(
    state: State<'_, DesktopState>,
    id: i64,
) -> CommandResult<Option<Calibration>> {
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || Ok(scenario::calibration(&store, &catalog, id, DAYS)?)).await
}

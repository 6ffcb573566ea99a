//! The what-if editor: run an edited scenario live, sweep it for break-even, compare saved
//! scenarios, and open/save scenario files through native dialogs. The simulation runs on the
//! blocking pool, never on the webview's thread; a run that a newer edit has superseded before it
//! started is skipped.

use crate::commands::account::blocking;
use crate::commands::charts::{self, Chart};
use crate::error::{CommandError, CommandResult};
use crate::files;
use crate::input;
use crate::state::DesktopState;
use breakeven::app::output::OutPath;
use breakeven::app::whatif::{self, ScenarioFile, WhatIfRun};
use breakeven::error_code::ErrorCode;
use breakeven::report::charts::Theme;
use breakeven_simulator::scenario::Scenario;
use breakeven_simulator::sweep::SweepResult;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, State};

/// Serialises live runs (two cores: runs side by side only slow each other down) and lets a
/// queued run see that a newer one was asked for. Break-even sweeps run on their own single
/// thread: the simulator's sweep would otherwise take every core, and the webview (and the
/// live run of the next edit) would stall until it finished.
pub struct PreviewGate {
    latest: AtomicU64,
    running: Mutex<()>,
    sweeps: Option<rayon::ThreadPool>,
}

impl Default for PreviewGate {
    fn default() -> Self {
        PreviewGate {
            latest: AtomicU64::new(0),
            running: Mutex::new(()),
            // Without a pool of its own (the OS refused a thread), a sweep uses the global one.
            sweeps: rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "break-even sweep".into())
                .build()
                .ok(),
        }
    }
}

/// Break-even curves and the chart drawn from them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct BreakevenView {
    pub sweep: SweepResult,
    /// The report's break-even chart, checked inert.
    pub chart: Chart,
    /// Engine time, ms.
    pub engine_ms: f64,
}

fn catalog(state: &DesktopState) -> CommandResult<Arc<breakeven_simulator::pricing::PriceCatalog>> {
    state.catalog()
}

/// The scenario the view opens with.
#[tauri::command]
pub async fn whatif_demo(state: State<'_, DesktopState>) -> CommandResult<ScenarioFile> {
    Ok(whatif::from_text(
        &*state.catalog()?,
        "checkout-api.toml",
        whatif::DEMO_SCENARIO,
    )?)
}

/// Scenario TOML handed over by another view (a function opened as a what-if).
#[tauri::command]
pub async fn scenario_parse(state: State<'_, DesktopState>, toml: String) -> CommandResult<ScenarioFile> {
    input::scenario_text(&toml)?;
    Ok(whatif::from_text(&*state.catalog()?, "what-if.toml", &toml)?)
}

/// One live (or, with `exact`, full) run of the edited scenario.
#[tauri::command]
pub async fn whatif_run(
    state: State<'_, DesktopState>,
    gate: State<'_, Arc<PreviewGate>>,
    scenario: Scenario,
    exact: bool,
) -> CommandResult<WhatIfRun> {
    input::scenario(&scenario)?;
    let catalog = catalog(&state)?;
    let gate = Arc::clone(&gate);
    let ticket = gate.latest.fetch_add(1, Ordering::SeqCst) + 1;
    blocking(move || {
        let _turn = gate.running.lock().unwrap_or_else(|p| p.into_inner());
        if !exact && gate.latest.load(Ordering::SeqCst) != ticket {
            return Err(CommandError {
                code: ErrorCode::Superseded,
                message: "A newer edit replaced this run.".into(),
                field: None,
            });
        }
        Ok(whatif::run(&catalog, &scenario, exact)?)
    })
    .await
}

/// Cost of each platform as traffic scales from a tenth to ten times the scenario's, with the
/// chart drawn in `theme` (`light` or `dark`).
#[tauri::command]
pub async fn whatif_breakeven(
    state: State<'_, DesktopState>,
    gate: State<'_, Arc<PreviewGate>>,
    scenario: Scenario,
    theme: Theme,
) -> CommandResult<BreakevenView> {
    input::scenario(&scenario)?;
    let catalog = catalog(&state)?;
    let gate = Arc::clone(&gate);
    blocking(move || {
        let start = std::time::Instant::now();
        let sweep = || whatif::breakeven(&catalog, &scenario, 0.1, 10.0, 9);
        let sweep = match &gate.sweeps {
            Some(pool) => pool.install(sweep),
            None => sweep(),
        }?;
        let chart = charts::breakeven(&sweep, theme)?;
        Ok(BreakevenView {
            sweep,
            chart,
            engine_ms: start.elapsed().as_secs_f64() * 1000.0,
        })
    })
    .await
}

/// Live runs of 2–4 scenarios side by side, each previewed the same way.
#[tauri::command]
pub async fn scenario_compare(
    state: State<'_, DesktopState>,
    scenarios: Vec<Scenario>,
) -> CommandResult<Vec<WhatIfRun>> {
    if !(2..=4).contains(&scenarios.len()) {
        return Err(CommandError::field(
            "scenarios",
            "Compare: choose two to four scenarios.",
        ));
    }
    for s in &scenarios {
        input::scenario(s)?;
    }
    let catalog = catalog(&state)?;
    blocking(move || {
        scenarios
            .iter()
            .map(|s| whatif::run(&catalog, s, false).map_err(CommandError::from))
            .collect()
    })
    .await
}

/// Pick a scenario file in the native open dialog and read it; `None` when cancelled.
#[tauri::command]
pub async fn scenario_open(
    app: AppHandle,
    state: State<'_, DesktopState>,
) -> CommandResult<Option<ScenarioFile>> {
    let catalog = catalog(&state)?;
    let Some(path) = files::pick_open(&app, "Open scenario", "Scenario", &["toml"]).await? else {
        return Ok(None);
    };
    blocking(move || Ok(Some(whatif::open(&catalog, &path)?))).await
}

/// Save the scenario as a TOML file chosen in the native save dialog; returns the path, or
/// `None` when cancelled.
#[tauri::command]
pub async fn scenario_save(
    app: AppHandle,
    state: State<'_, DesktopState>,
    scenario: Scenario,
) -> CommandResult<Option<ScenarioFile>> {
    input::scenario(&scenario)?;
    let catalog = catalog(&state)?;
    let name = format!("{}.toml", files::file_stem(&scenario.name));
    let Some(path) = files::pick_save(&app, "Save scenario", &name, "Scenario", &["toml"]).await? else {
        return Ok(None);
    };
    let mut out = OutPath::new(&path);
    if let Ok(db) = state.db_path() {
        out = out.protect_database(&db);
    }
    blocking(move || {
        let toml = whatif::save(&catalog, &scenario, &out)?;
        Ok(Some(ScenarioFile {
            path: path.display().to_string(),
            scenario,
            toml,
        }))
    })
    .await
}

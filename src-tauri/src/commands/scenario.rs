//! Scenarios as files and side by side: open and save through native dialogs, compare 2–4.

use crate::error::CommandResult;
use crate::files;
use crate::input;
use crate::state::DesktopState;
use crate::work::blocking;
use breakeven::app::output::OutPath;
use breakeven::app::whatif::{self, ScenarioFile, WhatIfRun};
use breakeven_simulator::scenario::Scenario;
use tauri::{AppHandle, State};

/// Live runs of 2–4 scenarios side by side, each previewed the same way.
#[tauri::command]
pub async fn scenario_compare(
    state: State<'_, DesktopState>,
    scenarios: Vec<Scenario>,
) -> CommandResult<Vec<WhatIfRun>> {
    input::scenarios(&scenarios)?;
    let catalog = state.catalog()?;
    blocking(move || Ok(whatif::compare(&catalog, &scenarios)?)).await
}

/// Pick a scenario file in the native open dialog and read it; `None` when cancelled.
#[tauri::command]
pub async fn scenario_open(
    app: AppHandle,
    state: State<'_, DesktopState>,
) -> CommandResult<Option<ScenarioFile>> {
    let catalog = state.catalog()?;
    let Some(path) = files::pick_open(&app, "Open scenario", "Scenario", &["toml"]).await? else {
        return Ok(None);
    };
    blocking(move || Ok(Some(whatif::open(&catalog, &path)?))).await
}

/// Save the scenario as a TOML file chosen in the native save dialog (never over the database
/// in use); `None` when cancelled.
#[tauri::command]
pub async fn scenario_save(
    app: AppHandle,
    state: State<'_, DesktopState>,
    scenario: Scenario,
) -> CommandResult<Option<ScenarioFile>> {
    input::scenario(&scenario)?;
    let catalog = state.catalog()?;
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
        let path = path.display().to_string();
        Ok(Some(ScenarioFile { path, scenario, toml }))
    })
    .await
}

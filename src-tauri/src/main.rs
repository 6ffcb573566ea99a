//! Breakeven desktop: a Tauri window over the same application layer as the `breakeven` CLI.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod commands;
mod error;
mod files;
mod forms;
mod input;
mod memory;
mod prewarm;
mod state;
mod views;
mod work;

use anyhow::Context;
use state::DesktopState;

fn main() -> anyhow::Result<()> {
    commands::startup::mark_main_started();
    let state = DesktopState::load();
    // The first dashboard is computed while the window and its webview are created.
    let prewarm = match (state.db_path(), state.catalog()) {
        (Ok(db), Ok(catalog)) => prewarm::Prewarm::start(db, catalog, state.views.clone()),
        _ => std::sync::Arc::new(prewarm::Prewarm::default()),
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(prewarm)
        .manage(std::sync::Arc::new(work::WhatIfEngine::default()))
        .invoke_handler(tauri::generate_handler![
            commands::account::account_open,
            commands::account::aws_profiles,
            commands::account::sync_start,
            commands::account::sync_cancel,
            commands::catalog::catalog_info,
            commands::catalog::catalog_platforms,
            commands::dashboard::dashboard,
            commands::estimate::estimate,
            commands::export::report_export,
            commands::functions::functions_list,
            commands::functions::functions_cost_on,
            commands::functions::function_detail,
            commands::extract::function_scenario,
            commands::extract::function_tuning,
            commands::extract::function_calibration,
            commands::settings::settings_locations,
            commands::settings::catalog_reload,
            commands::settings::db_choose,
            commands::whatif::whatif_demo,
            commands::whatif::whatif_run,
            commands::whatif::whatif_breakeven,
            commands::whatif::whatif_bill_rates,
            commands::whatif::whatif_recommend,
            commands::scenario::scenario_open,
            commands::scenario::scenario_save,
            commands::scenario::scenario_compare,
            commands::startup::startup_ready,
        ])
        .run(tauri::generate_context!())
        .context("running the Breakeven desktop app")
}

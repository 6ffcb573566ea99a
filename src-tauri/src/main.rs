//! Breakeven desktop: a Tauri window over the same application layer as the `breakeven` CLI.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
mod input;
mod state;

use anyhow::Context;
use state::DesktopState;

fn main() -> anyhow::Result<()> {
    tauri::Builder::default()
        .manage(DesktopState::load())
        .invoke_handler(tauri::generate_handler![
            commands::account::account_open,
            commands::account::aws_profiles,
            commands::account::sync_start,
            commands::account::sync_cancel,
            commands::catalog::catalog_info,
            commands::catalog::catalog_platforms,
            commands::dashboard::dashboard,
            commands::estimate::estimate,
            commands::functions::functions_list,
            commands::functions::functions_cost_on,
            commands::functions::function_detail,
            commands::settings::settings_locations,
            commands::settings::catalog_reload,
            commands::settings::db_choose,
        ])
        .run(tauri::generate_context!())
        .context("running the Breakeven desktop app")
}

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
            commands::catalog::catalog_info,
            commands::catalog::catalog_platforms,
            commands::estimate::estimate,
        ])
        .run(tauri::generate_context!())
        .context("running the Breakeven desktop app")
}

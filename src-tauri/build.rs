//! Tauri's build step. Declaring the app's commands here makes the ACL generate an
//! `allow-<command>` permission for each, so a command is callable from the webview only when a
//! capability in `capabilities/` grants it (without a manifest every command would be open).

/// Every `#[tauri::command]` registered in `src/main.rs`.
const COMMANDS: &[&str] = &[
    "account_open",
    "aws_profiles",
    "sync_start",
    "sync_cancel",
    "catalog_info",
    "catalog_platforms",
    "dashboard",
    "estimate",
    "functions_list",
    "functions_cost_on",
    "function_detail",
    "function_scenario",
    "function_tuning",
    "function_calibration",
    "settings_locations",
    "catalog_reload",
    "db_choose",
    "whatif_demo",
    "whatif_run",
    "whatif_breakeven",
    "whatif_bill_rates",
    "whatif_recommend",
    "scenario_open",
    "scenario_save",
    "scenario_compare",
    "report_export",
    "startup_ready",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        // A build script reports failure by panicking; the message names the bad config file.
        panic!("tauri build step failed: {e:#}");
    }
}

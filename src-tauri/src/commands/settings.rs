//! Settings: where the database and the catalog override file are, reloading the catalog after
//! the user edited the override, and switching to another database file.

use crate::commands::account::overview;
use crate::error::{CommandError, CommandResult};
use crate::forms;
use crate::state::DesktopState;
use breakeven::app::catalog::{self, CatalogInfo};
use breakeven::app::db::{self, AccountOverview};
use serde::Serialize;
use tauri::State;

/// The files behind the app.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct Locations {
    pub db_path: String,
    /// The user's catalog override file (it need not exist).
    pub override_path: Option<String>,
    pub override_exists: bool,
}

#[tauri::command]
pub async fn settings_locations(state: State<'_, DesktopState>) -> CommandResult<Locations> {
    Ok(Locations {
        db_path: state.db_path()?.display().to_string(),
        override_path: state.override_path.as_ref().map(|p| p.display().to_string()),
        override_exists: state.override_path.as_ref().is_some_and(|p| p.exists()),
    })
}

/// Load the bundled catalog and the override file again; a broken override is reported with
/// its file, line and column and the previous catalog stays in use.
#[tauri::command]
pub async fn catalog_reload(state: State<'_, DesktopState>) -> CommandResult<CatalogInfo> {
    Ok(catalog::info(&*state.reload_catalog()?))
}

/// Open (creating and migrating if needed) another database file and use it from now on.
#[tauri::command]
pub async fn db_choose(state: State<'_, DesktopState>, path: String) -> CommandResult<AccountOverview> {
    let p = forms::db_file(&path)?;
    // Open before switching: a file that is not a Breakeven database leaves the current one in use.
    db::open(Some(&p)).map_err(CommandError::from)?;
    state.set_db_path(p);
    overview(&state, false)
}

//! Settings: where the database and the catalog override file are, reloading the catalog after
//! the user edited the override, and switching to another database file.

use crate::commands::account::{overview, AccountOverview};
use crate::error::{CommandError, CommandResult};
use crate::state::DesktopState;
use breakeven::app::catalog::{self, CatalogInfo};
use breakeven::app::db;
use serde::Serialize;
use std::path::PathBuf;
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

/// Which database file to use instead, as typed.
pub fn db_file(raw: &str) -> CommandResult<PathBuf> {
    let field = crate::input::Field {
        name: "db_path",
        label: "Database file",
    };
    let s = raw.trim();
    if s.is_empty() {
        return Err(field.reject_empty());
    }
    let p = PathBuf::from(s);
    if !p.is_absolute() {
        return Err(field.reject("give the full path, starting at the root folder"));
    }
    if p.is_dir() {
        return Err(field.reject("this is a folder: name a file inside it"));
    }
    match p.parent() {
        Some(dir) if dir.is_dir() => Ok(p),
        _ => Err(field.reject("its folder does not exist")),
    }
}

/// Open (creating and migrating if needed) another database file and use it from now on.
#[tauri::command]
pub async fn db_choose(state: State<'_, DesktopState>, path: String) -> CommandResult<AccountOverview> {
    let p = db_file(&path)?;
    // Open before switching: a file that is not a Breakeven database leaves the current one in use.
    db::open(Some(&p)).map_err(CommandError::from)?;
    state.set_db_path(p);
    overview(&state, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_paths_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("other.sqlite");
        assert_eq!(db_file(&format!(" {} ", ok.display())).unwrap(), ok);
        assert_eq!(db_file("").unwrap_err().field, Some("db_path"));
        assert!(db_file("relative.sqlite").is_err());
        assert!(db_file(&dir.path().display().to_string()).is_err());
        assert!(db_file(&dir.path().join("missing/x.sqlite").display().to_string()).is_err());
    }
}

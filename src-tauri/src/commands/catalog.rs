//! The price catalog as the UI lists it: platforms for the picker, identity for the footer and
//! the settings view.

use crate::error::CommandResult;
use crate::state::DesktopState;
use breakeven::app::catalog::{self, CatalogInfo, PlatformSummary};
use tauri::State;

/// Every platform, ordered by kind then id.
#[tauri::command]
pub async fn catalog_platforms(state: State<'_, DesktopState>) -> CommandResult<Vec<PlatformSummary>> {
    Ok(catalog::list(&*state.catalog()?))
}

/// Catalog version, files, counts and as-of range.
#[tauri::command]
pub async fn catalog_info(state: State<'_, DesktopState>) -> CommandResult<CatalogInfo> {
    Ok(catalog::info(&*state.catalog()?))
}

//! The account behind the views: first-run demo data, the local AWS profiles (names only) and
//! syncing chosen profiles with progress events and a cancel button.

use crate::error::CommandResult;
use crate::forms::SyncInput;
use crate::prewarm::Prewarm;
use crate::state::{lock, DesktopState};
use crate::views;
/// Re-exported for the other command modules.
pub use crate::work::blocking;
use crate::work::EventProgress;
use breakeven::app::db::{self, AccountOverview};
use breakeven::app::profiles::{self, ProfileName};
use breakeven::app::sync::{self, Cancel, SyncReport};
use breakeven::app::{demo, AppError};
use breakeven::error_code::ErrorCode;
use breakeven::ingest::demo::DemoOptions;
use std::sync::Arc;
use tauri::ipc::Response;
use tauri::{AppHandle, State};

/// The overview of the database in use.
pub fn overview(state: &DesktopState, demo_loaded: bool) -> CommandResult<AccountOverview> {
    Ok(db::overview(&state.store()?, &state.db_path()?, demo_loaded)?)
}

/// Open the database; when it holds no account yet, load the demo account into it first.
/// At start-up the overview was usually computed already, while the window was created.
#[tauri::command]
pub async fn account_open(
    app: AppHandle,
    state: State<'_, DesktopState>,
    prewarm: State<'_, Arc<Prewarm>>,
) -> CommandResult<Response> {
    if let Some(ready) = prewarm.take_overview(&state.db_path()?) {
        return Ok(views::respond(ready));
    }
    let catalog = state.catalog()?;
    let mut store = state.store()?;
    let progress = EventProgress(app);
    let loaded = blocking(move || {
        let r = demo::load_if_empty(
            &mut store,
            &catalog,
            DemoOptions::default(),
            &progress,
            &Cancel::new(),
        )?;
        Ok(r.is_some())
    })
    .await?;
    if loaded {
        // The demo was (re)loaded: a first dashboard computed before is stale.
        prewarm.discard();
    }
    Ok(views::respond(views::json_of(overview(&state, loaded)?)?))
}

/// Profiles of the AWS config and credentials files: names only, never a key or token.
#[tauri::command]
pub async fn aws_profiles() -> CommandResult<Vec<ProfileName>> {
    let (config, credentials) = profiles::default_files();
    Ok(profiles::list(config.as_deref(), credentials.as_deref())?)
}

/// Sync the chosen profiles; progress arrives as `sync-progress` events. One sync at a time.
#[tauri::command]
pub async fn sync_start(
    app: AppHandle,
    state: State<'_, DesktopState>,
    prewarm: State<'_, Arc<Prewarm>>,
    input: SyncInput,
) -> CommandResult<SyncReport> {
    // New data is coming: never show a first dashboard computed before it.
    prewarm.discard();
    let opts = input.to_options(breakeven::store::now_s())?;
    let mut store = state.store()?;
    let cancel = Cancel::new();
    {
        let mut running = lock(&state.sync);
        if running.is_some() {
            return Err(AppError::bad_input(
                ErrorCode::SyncRunning,
                "A sync is already running: wait for it or cancel it.",
            )
            .into());
        }
        *running = Some(cancel.clone());
    }
    let progress = EventProgress(app);
    let result = blocking(move || Ok(sync::sync_aws(&mut store, opts, &progress, &cancel)?)).await;
    *lock(&state.sync) = None;
    result
}

/// Ask the running sync to stop after the request in flight (committed batches stay).
#[tauri::command]
pub async fn sync_cancel(state: State<'_, DesktopState>) -> CommandResult<bool> {
    Ok(match &*lock(&state.sync) {
        Some(c) => {
            c.cancel();
            true
        }
        None => false,
    })
}

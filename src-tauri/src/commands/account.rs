//! The account behind the views: first-run demo data, the local AWS profiles (names only) and
//! syncing chosen profiles with progress events and a cancel button.

use crate::error::{CommandError, CommandResult};
use crate::input::{count_u32, Field};
use crate::state::{lock, DesktopState};
use breakeven::app::db::{self, DbStatus};
use breakeven::app::profiles::{self, ProfileName};
use breakeven::app::sync::{self, Cancel, Progress, ProgressEvent, SyncReport};
use breakeven::app::{demo, AppError};
use breakeven::error_code::ErrorCode;
use breakeven::ingest::aws::{AwsOptions, MAX_DAYS};
use breakeven::ingest::demo::DemoOptions;
use breakeven::store::accounts::AccountSource;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};

/// Event carrying each [`ProgressEvent`] of a running sync or demo load.
pub const PROGRESS_EVENT: &str = "sync-progress";

/// Forwards progress to the webview as events.
struct EventProgress(AppHandle);

impl Progress for EventProgress {
    fn report(&self, event: ProgressEvent) {
        // A closed window cannot show progress: nothing to do about a failed emit.
        let _ = self.0.emit(PROGRESS_EVENT, &event);
    }
}

/// What the shell shows about the data: where it is, what it holds, whether it is the demo.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct AccountOverview {
    pub db_path: String,
    pub status: DbStatus,
    /// Only the synthetic demo account is stored.
    pub demo_only: bool,
    /// The demo account was loaded by this call (the database was empty).
    pub demo_loaded: bool,
}

pub fn overview(state: &DesktopState, demo_loaded: bool) -> CommandResult<AccountOverview> {
    let store = state.store()?;
    let status = db::status(&store)?;
    Ok(AccountOverview {
        db_path: state.db_path()?.display().to_string(),
        demo_only: !status.accounts.is_empty()
            && status.accounts.iter().all(|a| a.source == AccountSource::Demo),
        demo_loaded,
        status,
    })
}

/// Run blocking work on the blocking pool so the webview's event loop never waits on it.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|_| CommandError {
            code: ErrorCode::Task,
            message: "The background work stopped unexpectedly. Try again.".into(),
            field: None,
        })?
}

/// Open the database; when it holds no account yet, load the demo account into it first.
#[tauri::command]
pub async fn account_open(app: AppHandle, state: State<'_, DesktopState>) -> CommandResult<AccountOverview> {
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
    overview(&state, loaded)
}

/// Profiles of the AWS config and credentials files: names only, never a key or token.
#[tauri::command]
pub async fn aws_profiles() -> CommandResult<Vec<ProfileName>> {
    let (config, credentials) = profiles::default_files();
    Ok(profiles::list(config.as_deref(), credentials.as_deref())?)
}

/// A sync as the dialog sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct SyncInput {
    pub profiles: Vec<String>,
    /// Days of metrics and costs, as typed.
    pub days: String,
    /// Fetch Cost Explorer costs ($0.01 a request).
    pub costs: bool,
}

const PROFILE: Field = Field {
    name: "profiles",
    label: "Profiles",
};
const DAYS: Field = Field {
    name: "days",
    label: "Days",
};

impl SyncInput {
    pub fn to_options(&self, now: i64) -> CommandResult<AwsOptions> {
        if self.profiles.is_empty() {
            return Err(PROFILE.reject("choose at least one profile"));
        }
        if self.profiles.len() > 50 {
            return Err(PROFILE.reject("choose at most 50 profiles"));
        }
        for p in &self.profiles {
            let ok = !p.is_empty()
                && p.len() <= 128
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@' | b'+'));
            if !ok {
                return Err(PROFILE.reject(format_args!("“{p}” is not a profile name")));
            }
        }
        let days = count_u32(DAYS, &self.days, MAX_DAYS)?.unwrap_or(30);
        if days == 0 {
            return Err(DAYS.reject("must be at least 1"));
        }
        Ok(AwsOptions {
            profiles: self.profiles.iter().cloned().map(Some).collect(),
            regions: Vec::new(),
            days,
            costs: self.costs,
            refresh_costs: false,
            max_attempts: 5,
            timeout_s: breakeven::ingest::aws::DEFAULT_TIMEOUT_S,
            now,
        })
    }
}

/// Sync the chosen profiles; progress arrives as `sync-progress` events. One sync at a time.
#[tauri::command]
pub async fn sync_start(
    app: AppHandle,
    state: State<'_, DesktopState>,
    input: SyncInput,
) -> CommandResult<SyncReport> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn input(profiles: &[&str], days: &str) -> SyncInput {
        SyncInput {
            profiles: profiles.iter().map(|s| s.to_string()).collect(),
            days: days.into(),
            costs: true,
        }
    }

    #[test]
    fn sync_input_is_checked() {
        let o = input(&["prod", "dev-eu"], "").to_options(1_700_000_000).unwrap();
        assert_eq!(
            o.profiles,
            vec![Some("prod".to_string()), Some("dev-eu".to_string())]
        );
        assert_eq!((o.days, o.costs, o.now), (30, true, 1_700_000_000));
        assert_eq!(
            input(&[], "30").to_options(0).unwrap_err().field,
            Some("profiles")
        );
        assert_eq!(
            input(&["a b"], "30").to_options(0).unwrap_err().field,
            Some("profiles")
        );
        assert_eq!(
            input(&["p"], "455").to_options(0).unwrap_err().field,
            Some("days")
        );
        assert_eq!(input(&["p"], "0").to_options(0).unwrap_err().field, Some("days"));
    }
}

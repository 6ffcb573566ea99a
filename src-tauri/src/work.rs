//! Where the commands' work runs: the blocking pool, one what-if simulation at a time, sweeps on
//! a thread of their own, and progress forwarded to the webview as events.

use crate::error::{CommandError, CommandResult};
use breakeven::app::sync::{Progress, ProgressEvent};
use breakeven::error_code::ErrorCode;
use std::sync::{Mutex, MutexGuard};
use tauri::{AppHandle, Emitter};

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

/// Event carrying each [`ProgressEvent`] of a running sync or demo load.
pub const PROGRESS_EVENT: &str = "sync-progress";

/// Forwards progress to the webview as events.
pub struct EventProgress(pub AppHandle);

impl Progress for EventProgress {
    fn report(&self, event: ProgressEvent) {
        // A closed window cannot show progress: nothing to do about a failed emit.
        let _ = self.0.emit(PROGRESS_EVENT, &event);
    }
}

/// Where what-if work runs: one simulation at a time (two cores: runs side by side only slow
/// each other down), and break-even sweeps on a single thread of their own, so a sweep never
/// takes every core from the webview and the next edit's run.
pub struct WhatIfEngine {
    running: Mutex<()>,
    sweeps: Option<rayon::ThreadPool>,
}

impl Default for WhatIfEngine {
    fn default() -> Self {
        WhatIfEngine {
            running: Mutex::new(()),
            // Without a pool of its own (the OS refused a thread), a sweep uses the global one.
            sweeps: rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "break-even sweep".into())
                .build()
                .ok(),
        }
    }
}

impl WhatIfEngine {
    /// Wait for the simulation before this one to finish.
    pub fn turn(&self) -> MutexGuard<'_, ()> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Run a break-even sweep on the sweep thread.
    pub fn sweep<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.sweeps {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}

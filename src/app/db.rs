//! `breakeven db`: where the database is, what it holds and whether it is sound (its insert
//! benchmark is [`crate::bench::db`]).

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::model::records::AccountSource;
use crate::store::check::Finding;
use crate::store::status::{self, AccountStatus};
use crate::store::sync_runs::{self, RunRow};
use crate::store::{Access, Store, StoreError};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The database at `path`, or at the default location in the OS data dir, for writing.
pub fn open(path: Option<&Path>) -> Result<Store> {
    open_as(path, Access::Write)
}

/// The database for `access`: a file that is not writable still serves [`Access::Read`].
/// A path that is not a Breakeven database at all (a directory, a device, another program's
/// file) is bad input (exit code 2); a Breakeven database that cannot be used now (newer,
/// damaged, locked, read-only for a write) is a failure (exit code 1).
pub fn open_as(path: Option<&Path>, access: Access) -> Result<Store> {
    let p = resolve(path)?;
    Store::open_with(&p, access).map_err(open_error)
}

fn open_error(e: StoreError) -> AppError {
    if e.is_bad_input() {
        AppError::bad_input(e.code(), e.to_string())
    } else {
        AppError::Store(e)
    }
}

/// The path `open` would use.
pub fn resolve(path: Option<&Path>) -> Result<PathBuf> {
    match path {
        Some(p) => Ok(p.to_path_buf()),
        None => crate::store::default_path().ok_or_else(|| {
            AppError::bad_input(
                ErrorCode::NoDataDir,
                "no data directory on this system: pass --db PATH",
            )
        }),
    }
}

/// What `db status` shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DbStatus {
    pub path: Option<String>,
    pub schema_version: i64,
    /// Bytes of the database file (without the WAL).
    pub file_bytes: Option<u64>,
    pub accounts: Vec<AccountStatus>,
    /// The latest run of each source.
    pub last_sync: Vec<RunRow>,
    /// Imported FOCUS charges (every provider; not tied to an account).
    pub focus_charges: u64,
    /// Billing exports read through a query engine (`sync --athena`).
    pub exports: Vec<crate::store::exports::ExportStatus>,
}

pub fn status(store: &Store) -> Result<DbStatus> {
    let c = store.conn();
    Ok(DbStatus {
        path: store.path().map(|p| p.display().to_string()),
        schema_version: store.schema_version()?,
        file_bytes: store
            .path()
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| m.len()),
        accounts: status::accounts(c)?,
        last_sync: sync_runs::last_per_source(c)?,
        focus_charges: crate::store::focus::count(c)?,
        exports: crate::store::exports::status(c)?,
    })
}

/// What the desktop shell shows about the data: where it is, what it holds, whether it is the
/// demo.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountOverview {
    pub db_path: String,
    pub status: DbStatus,
    /// Only the synthetic demo account is stored.
    pub demo_only: bool,
    /// The demo account was loaded by this call (the database was empty).
    pub demo_loaded: bool,
}

/// The overview of `store` (the file at `db_path`); `demo_loaded` says the caller just loaded
/// the demo account into it.
pub fn overview(store: &Store, db_path: &Path, demo_loaded: bool) -> Result<AccountOverview> {
    let status = status(store)?;
    let demo_only =
        !status.accounts.is_empty() && status.accounts.iter().all(|a| a.source == AccountSource::Demo);
    Ok(AccountOverview {
        db_path: db_path.display().to_string(),
        status,
        demo_only,
        demo_loaded,
    })
}

/// What `db check` found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub path: Option<String>,
    pub schema_version: i64,
    /// Empty when SQLite's integrity check and every invariant pass.
    pub findings: Vec<Finding>,
}

/// Run SQLite's integrity check and the store's invariants (see [`crate::store::check`]) on the
/// file at `path`, opened for reading. A file too damaged to open is checked by SQLite alone.
pub fn check_file(path: &Path) -> Result<CheckReport> {
    let shown = Some(path.display().to_string());
    match Store::open_with(path, Access::Read) {
        Ok(store) => Ok(CheckReport {
            path: shown,
            schema_version: store.schema_version()?,
            findings: crate::store::check::check(store.conn()).map_err(|e| e.with_path(path))?,
        }),
        Err(StoreError::Damaged { .. }) => Ok(CheckReport {
            path: shown,
            schema_version: 0,
            findings: crate::store::check::damaged_file(path),
        }),
        Err(e) => Err(open_error(e)),
    }
}

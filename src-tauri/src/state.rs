//! What the desktop app holds for its lifetime: the price catalog (loaded once at start-up the
//! same way the CLI loads it: bundled catalog plus the user's override file), the database path,
//! and the cancel flag of the sync in progress.

use crate::error::{CommandError, CommandResult};
use breakeven::app::catalog;
use breakeven::app::sync::Cancel;
use breakeven::app::view_cache::ViewCache;
use breakeven::app::{db, ErrorPayload};
use breakeven::store::Store;
use breakeven_simulator::pricing::PriceCatalog;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

pub struct DesktopState {
    /// The catalog, or why it could not be loaded (a broken override file): the window still
    /// opens and every command reports the coded error instead of the app refusing to start.
    catalog: Mutex<Result<Arc<PriceCatalog>, ErrorPayload>>,
    /// The override file the catalog was merged with (it need not exist).
    pub override_path: Option<PathBuf>,
    /// The database file; `BREAKEVEN_DB` overrides the OS data dir default, as `--db` does for
    /// the CLI.
    db_path: Mutex<Result<PathBuf, ErrorPayload>>,
    /// Set while a sync runs: the cancel button flips it.
    pub sync: Mutex<Option<Cancel>>,
    /// Views kept between runs (the overview, the dashboard).
    pub views: ViewCache,
}

/// A poisoned lock only means another command panicked mid-update of a plain value: keep going.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl DesktopState {
    /// Bundled catalog merged with `catalog.toml` in the OS config dir, if that file exists.
    pub fn load() -> Self {
        let override_path = catalog::default_override_path();
        let db_path = std::env::var_os("BREAKEVEN_DB")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        DesktopState {
            catalog: Mutex::new(load_catalog(override_path.as_deref())),
            override_path,
            db_path: Mutex::new(db::resolve(db_path.as_deref()).map_err(|e| e.to_payload())),
            sync: Mutex::new(None),
            views: ViewCache::user(),
        }
    }

    #[cfg(test)]
    pub fn with_catalog(catalog: Result<PriceCatalog, ErrorPayload>) -> Self {
        DesktopState {
            catalog: Mutex::new(catalog.map(Arc::new)),
            override_path: None,
            db_path: Mutex::new(Err(ErrorPayload {
                code: breakeven::error_code::ErrorCode::NoDataDir,
                message: "no database in unit tests".into(),
            })),
            sync: Mutex::new(None),
            views: ViewCache::off(),
        }
    }

    /// The catalog in use (shared: long work keeps its copy while a reload swaps in another).
    pub fn catalog(&self) -> CommandResult<Arc<PriceCatalog>> {
        lock(&self.catalog).clone().map_err(CommandError::from)
    }

    /// Load the catalog again (after the user edited the override file).
    pub fn reload_catalog(&self) -> CommandResult<Arc<PriceCatalog>> {
        let fresh = load_catalog(self.override_path.as_deref());
        *lock(&self.catalog) = fresh.clone();
        fresh.map_err(CommandError::from)
    }

    pub fn db_path(&self) -> CommandResult<PathBuf> {
        lock(&self.db_path).clone().map_err(CommandError::from)
    }

    pub fn set_db_path(&self, path: PathBuf) {
        *lock(&self.db_path) = Ok(path);
    }

    /// Open the database (each command opens its own connection: SQLite in WAL mode lets the
    /// views read while a sync writes).
    pub fn store(&self) -> CommandResult<Store> {
        Ok(db::open(Some(&self.db_path()?))?)
    }
}

fn load_catalog(override_path: Option<&std::path::Path>) -> Result<Arc<PriceCatalog>, ErrorPayload> {
    catalog::load(override_path)
        .map(Arc::new)
        .map_err(|e| e.to_payload())
}

//! The local store: one SQLite file holding accounts, the Lambda inventory, metric points, daily
//! costs, sync runs and saved scenarios.
//!
//! The schema is created by numbered migrations embedded in the binary ([`migrations`]); the file
//! records how far it is migrated in `PRAGMA user_version`. Writes go through [`Store::with_tx`], so
//! a batch either lands whole or not at all: that is what makes an interrupted sync safe to re-run.

pub mod accounts;
pub mod costs;
pub mod day;
pub mod focus;
pub mod functions;
pub mod metrics;
mod migrations;
pub mod rollups;
pub mod scenarios;
pub mod status;
pub mod sync_runs;

pub use day::Day;

use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};

/// Errors of the store. Each maps to a stable code through [`StoreError::code`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database error while {context}: {source}")]
    Sql {
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the database is at schema version {found}, newer than this program supports ({supported}): upgrade breakeven")]
    TooNew { found: i64, supported: i64 },
    #[error("creating the database folder {path}: {source}")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("stored value {value:?} in {column} is not valid: {reason}")]
    Corrupt {
        column: &'static str,
        value: String,
        reason: String,
    },
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Open { .. } | StoreError::Folder { .. } => "E_DB_OPEN",
            StoreError::Sql { .. } => "E_DB",
            StoreError::TooNew { .. } => "E_DB_TOO_NEW",
            StoreError::Corrupt { .. } => "E_DB_CORRUPT",
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Attach what the store was doing to a SQLite error.
pub(crate) trait SqlContext<T> {
    fn ctx(self, context: &'static str) -> Result<T>;
}

impl<T> SqlContext<T> for std::result::Result<T, rusqlite::Error> {
    fn ctx(self, context: &'static str) -> Result<T> {
        self.map_err(|source| StoreError::Sql { context, source })
    }
}

/// An open database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

/// File name of the database inside the OS data dir.
pub const DB_FILE: &str = "breakeven.sqlite";

/// The default database path: `breakeven.sqlite` in the OS data dir
/// (`~/.local/share/breakeven` on Linux).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("dev", "breakeven", "breakeven").map(|d| d.data_dir().join(DB_FILE))
}

impl Store {
    /// Open (creating if needed) the database at `path` and migrate it to the current schema.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// A private in-memory database (tests, benchmarks).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: ":memory:".into(),
            source,
        })?;
        Self::init(conn, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        // WAL lets the desktop app read while a sync writes; NORMAL sync is durable at each
        // checkpoint and loses at most the last transactions on power loss, never consistency.
        conn.pragma_update(None, "journal_mode", "WAL")
            .ctx("enabling WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .ctx("setting synchronous mode")?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .ctx("enabling foreign keys")?;
        // A second process (desktop + CLI) waits for the writer instead of failing at once.
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .ctx("setting the busy timeout")?;
        migrations::migrate(&mut conn)?;
        Ok(Store { conn, path })
    }

    /// Where the database lives (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Read-only access for queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Run `f` in one transaction: commit when it returns `Ok`, roll back when it returns `Err`
    /// (or panics: the transaction is dropped uncommitted).
    pub fn with_tx<T, E>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        let tx = self.conn.transaction().ctx("starting a transaction")?;
        let out = f(&tx)?;
        tx.commit().ctx("committing")?;
        Ok(out)
    }

    /// The schema version this file is at.
    pub fn schema_version(&self) -> Result<i64> {
        migrations::user_version(&self.conn)
    }
}

/// Seconds since the Unix epoch, now.
pub fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

//! The local store: one SQLite file holding accounts, the Lambda inventory, metric points, daily
//! costs, sync runs and saved scenarios.
//!
//! The schema is created by numbered migrations embedded in the binary ([`migrations`]); the file
//! records how far it is migrated in `PRAGMA user_version`. Writes go through [`Store::with_tx`], so
//! a batch either lands whole or not at all: that is what makes an interrupted sync safe to re-run.

pub mod accounts;
pub mod check;
pub mod costs;
pub mod exports;
pub mod focus;
pub mod functions;
pub mod generation;
pub mod logs;
pub mod metrics;
mod migrations;
mod open;
pub mod scenarios;
pub mod scratch;
pub mod status;
pub mod sync;
pub mod sync_runs;

pub use crate::model::day;
pub use crate::model::day::now_s;
pub use crate::model::Day;
pub use open::Access;

use crate::error_code::ErrorCode;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::cell::Cell;
use std::path::{Path, PathBuf};

/// Errors of the store. Each maps to a stable code through [`StoreError::code`].
///
/// `path` is `None` when the error arose in a query that does not know which file it ran on;
/// [`StoreError::with_path`] fills it in where the file is known.
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
    #[error("{} is at schema version {found}, newer than this program supports ({supported}): upgrade breakeven; the file was left untouched", file(.path))]
    TooNew {
        path: Option<String>,
        found: i64,
        supported: i64,
    },
    #[error("reading database file {path}: {source}")]
    File {
        path: String,
        #[source]
        source: std::io::Error,
    },
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
    /// The path names a directory, a device, a FIFO…: SQLite would write beside it.
    #[error(
        "database path {path} is {kind}, not a database file: choose a regular file (a new path creates one)"
    )]
    NotAFile { path: String, kind: &'static str },
    /// Not SQLite, or another application's SQLite file. Nothing was written to it.
    #[error("{path} is not a Breakeven database ({what}); it was left untouched: choose a Breakeven database file, or a new path to create one")]
    Foreign { path: String, what: String },
    /// SQLite's own structures are broken (truncated file, malformed pages).
    #[error("{} is damaged ({detail}): run `breakeven db check` for details, then restore a backup or start a new database", file(.path))]
    Damaged { path: Option<String>, detail: String },
    /// Another process held the write lock for longer than [`BUSY_TIMEOUT`].
    #[error("another Breakeven process is writing to {}; try again when it finishes (waited {} s)", file(.path), BUSY_TIMEOUT.as_secs())]
    Busy { path: Option<String> },
    /// The file cannot be written and the command needs to.
    #[error("{path} is read-only: {why}")]
    ReadOnly { path: String, why: String },
}

/// How an error names its file.
fn file(path: &Option<String>) -> String {
    match path {
        Some(p) => format!("database {p}"),
        None => "the database".into(),
    }
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Open { .. } | StoreError::File { .. } | StoreError::Folder { .. } => {
                ErrorCode::DbOpen
            }
            StoreError::Sql { .. } => ErrorCode::Db,
            StoreError::TooNew { .. } => ErrorCode::DbTooNew,
            StoreError::Corrupt { .. } => ErrorCode::DbCorrupt,
            StoreError::NotAFile { .. } => ErrorCode::DbNotAFile,
            StoreError::Foreign { .. } => ErrorCode::DbForeign,
            StoreError::Damaged { .. } => ErrorCode::DbDamaged,
            StoreError::Busy { .. } => ErrorCode::DbBusy,
            StoreError::ReadOnly { .. } => ErrorCode::DbReadOnly,
        }
    }

    /// True when the path given is not a Breakeven database at all (the user pointed at the
    /// wrong file: exit code 2); false for a Breakeven database that cannot be used right now
    /// (newer, damaged, locked, read-only: exit code 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, StoreError::NotAFile { .. } | StoreError::Foreign { .. })
    }

    /// Name the file in an error that arose without knowing it.
    pub fn with_path(self, at: &Path) -> StoreError {
        let known = Some(at.display().to_string());
        match self {
            StoreError::Busy { path: None } => StoreError::Busy { path: known },
            StoreError::Damaged { path: None, detail } => StoreError::Damaged { path: known, detail },
            StoreError::TooNew {
                path: None,
                found,
                supported,
            } => StoreError::TooNew {
                path: known,
                found,
                supported,
            },
            other => other,
        }
    }

    /// A SQLite error: a lock still held after the busy timeout and a damaged file get their
    /// own variants (with the remedy), anything else is reported with what the store was doing.
    fn from_sql(context: &'static str, source: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        match source.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) => StoreError::Busy { path: None },
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Damaged {
                path: None,
                detail: format!("SQLite: {source}, while {context}"),
            },
            _ => StoreError::Sql { context, source },
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
        self.map_err(|source| StoreError::from_sql(context, source))
    }
}

/// `PRAGMA application_id` of a Breakeven database: `BRKE` in ASCII. Written when a file is
/// created, and on the first write to a file created before it was, so that another
/// application's SQLite file is recognised before anything is written to it.
pub const APPLICATION_ID: i32 = 0x4252_4B45;

/// How long a writer waits for another process's write transaction before giving up with
/// [`StoreError::Busy`]: 30 s. A sync commits every batch and an import every set of files in
/// about a second; the longest transaction is a demo load, which is atomic (7 days: a few
/// seconds; 90 days: 44 s in a debug build, where the generator and the point writer run
/// unoptimised), so a writer beside a long demo load may still be told to try again. Readers
/// never wait: WAL lets them read while a writer writes.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// An open database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Opened read-only (the file is not writable): writes are refused with
    /// [`StoreError::ReadOnly`] before they start.
    read_only: bool,
    /// A Breakeven file from before [`APPLICATION_ID`]: the next write transaction sets it.
    stamp_pending: Cell<bool>,
}

/// File name of the database inside the OS data dir.
pub const DB_FILE: &str = "breakeven.sqlite";

/// The default database path: `breakeven.sqlite` in the OS data dir
/// (`~/.local/share/breakeven` on Linux).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("dev", "breakeven", "breakeven").map(|d| d.data_dir().join(DB_FILE))
}

impl Store {
    /// Open (creating if needed) the database at `path` for writing and migrate it to the
    /// current schema. See [`Store::open_with`] for what is checked first.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, Access::Write)
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
        // First, so that every statement below waits for another writer instead of failing.
        conn.busy_timeout(BUSY_TIMEOUT).ctx("setting the busy timeout")?;
        // WAL lets the desktop app read while a sync writes; NORMAL sync is durable at each
        // checkpoint and loses at most the last transactions on power loss, never consistency.
        conn.pragma_update(None, "journal_mode", "WAL")
            .ctx("enabling WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .ctx("setting synchronous mode")?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .ctx("enabling foreign keys")?;
        migrations::migrate(&mut conn)?;
        let stamped = migrations::application_id(&conn)? == APPLICATION_ID;
        Ok(Store {
            conn,
            path,
            read_only: false,
            stamp_pending: Cell::new(!stamped),
        })
    }

    /// Where the database lives (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// True when the file was opened read-only (it is not writable): writes are refused.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Read-only access for queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Wait at most `timeout` for another writer (default [`BUSY_TIMEOUT`]).
    pub fn set_busy_timeout(&self, timeout: std::time::Duration) -> Result<()> {
        self.conn.busy_timeout(timeout).ctx("setting the busy timeout")
    }

    /// Run `f` in one transaction: commit when it returns `Ok`, roll back when it returns `Err`
    /// (or panics: the transaction is dropped uncommitted).
    ///
    /// The transaction takes the write lock when it starts (`BEGIN IMMEDIATE`), waiting up to
    /// [`BUSY_TIMEOUT`] for another writer. A transaction that read first and asked for the
    /// lock at its first write would fail at once, without waiting, whenever another process
    /// had committed in between (SQLite cannot let it write on a stale snapshot).
    pub fn with_tx<T, E>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        self.with_shared_tx(f)
    }

    /// As [`Store::with_tx`], for a caller that keeps reading through `&Store` while the
    /// transaction is open (a source pulling batches that are all written in one transaction).
    /// The reads see the transaction's own writes. Do not nest: a second `BEGIN` fails.
    pub fn with_shared_tx<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        self.writable()?;
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.located(StoreError::from_sql("starting a transaction", e)))?;
        if self.stamp_pending.get() {
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .ctx("recording the application id")?;
        }
        let changes_before = tx.total_changes();
        let out = f(&tx)?;
        if tx.total_changes() != changes_before {
            generation::bump(&tx)?;
        }
        tx.commit()
            .map_err(|e| self.located(StoreError::from_sql("committing", e)))?;
        self.stamp_pending.set(false);
        Ok(out)
    }

    /// `Err(ReadOnly)` when the store was opened read-only.
    pub fn writable(&self) -> Result<()> {
        if !self.read_only {
            return Ok(());
        }
        Err(StoreError::ReadOnly {
            path: self
                .path
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            why: open::WRITE_NEEDS_ACCESS.into(),
        })
    }

    /// Name this store's file in `e`.
    fn located(&self, e: StoreError) -> StoreError {
        match &self.path {
            Some(p) => e.with_path(p),
            None => e,
        }
    }

    /// The state of the data: moves at every committed write (see [`generation`]).
    pub fn generation(&self) -> Result<generation::Generation> {
        generation::read(&self.conn).map_err(|e| self.located(e))
    }

    /// The schema version this file is at.
    pub fn schema_version(&self) -> Result<i64> {
        migrations::user_version(&self.conn)
    }
}

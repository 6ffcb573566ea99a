//! Opening a database file without harming what is not ours.
//!
//! Before SQLite writes anything (WAL mode, migrations, a `-journal` beside the file), the path is
//! checked: it must be a regular file or not exist; a file that exists must start with SQLite's
//! header and be a Breakeven database — [`APPLICATION_ID`], or for files created before it was
//! set, the tables of the first migration — at a schema version this program knows. That look is
//! taken through a read-only connection, so a file that fails it is left byte-identical. A file
//! that is not writable is opened read-only for commands that only read.

use crate::store::migrations::{FIRST_TABLES, SCHEMA_VERSION};
use crate::store::{Result, Store, StoreError, APPLICATION_ID, BUSY_TIMEOUT};
use rusqlite::{Connection, OpenFlags};
use std::cell::Cell;
use std::io::Read;
use std::path::Path;

/// What a command will do with the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// It writes: the file must be writable (it is created when missing).
    Write,
    /// It only reads: a file that is not writable is opened read-only.
    Read,
}

/// Why a write to a read-only file is refused.
pub(super) const WRITE_NEEDS_ACCESS: &str = "this command writes to it: make the file and its \
     folder writable (SQLite keeps its -wal and -shm files beside it), or choose another database";

/// What is at the path, from the file system and the first bytes, before SQLite opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileState {
    Missing,
    /// Zero bytes: a new database may be created in it.
    Empty,
    /// Starts with a valid SQLite header.
    Sqlite,
}

/// What an existing SQLite file holds.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// No tables, no version: a new database may be created in it.
    Fresh,
    Breakeven {
        version: i64,
    },
    Foreign(String),
}

impl Store {
    /// Open the database at `path` for `access`, after checking that it is a Breakeven database
    /// (or a missing or empty file, which becomes one) and that it is not newer than this program.
    /// A file that is not writable is opened read-only for [`Access::Read`] and refused for
    /// [`Access::Write`].
    pub fn open_with(path: &Path, access: Access) -> Result<Store> {
        let shown = || path.display().to_string();
        let state = inspect(path)?;
        if state != FileState::Missing && !is_writable(path)? {
            return match (access, state) {
                (Access::Read, FileState::Sqlite) => open_read_only(path),
                _ => Err(StoreError::ReadOnly {
                    path: shown(),
                    why: WRITE_NEEDS_ACCESS.into(),
                }),
            };
        }
        if state == FileState::Sqlite {
            // A read-only look first: it never checkpoints or recovers another program's file.
            let (look, kind) = inspect_connection(path)?;
            drop(look);
            accept(path, kind)?;
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let conn = Connection::open_with_flags(path, read_write()).map_err(|source| StoreError::Open {
            path: shown(),
            source,
        })?;
        Self::init(conn, Some(path.to_path_buf())).map_err(|e| e.with_path(path))
    }
}

/// Read, write, create; no URI parsing (a path is a path, even when it starts with `file:`).
fn read_write() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// The store on a file this process cannot write: no pragma changes, no migration.
fn open_read_only(path: &Path) -> Result<Store> {
    let (conn, kind) = inspect_connection(path)?;
    let version = accept(path, kind)?;
    let refuse = |why: String| StoreError::ReadOnly {
        path: path.display().to_string(),
        why,
    };
    match version {
        None => Err(refuse(
            "it holds no Breakeven data yet and cannot be initialised".into(),
        )),
        Some(v) if v < SCHEMA_VERSION => Err(refuse(format!(
            "it is at schema version {v} and must be upgraded to {SCHEMA_VERSION} once, by a \
             command run with write access to it"
        ))),
        Some(_) => Ok(Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only: true,
            stamp_pending: Cell::new(false),
        }),
    }
}

/// `Ok(Some(version))` for a Breakeven file this program can use, `Ok(None)` for a fresh one.
fn accept(path: &Path, kind: Kind) -> Result<Option<i64>> {
    match kind {
        Kind::Fresh => Ok(None),
        Kind::Foreign(what) => Err(StoreError::Foreign {
            path: path.display().to_string(),
            what,
        }),
        Kind::Breakeven { version } if version > SCHEMA_VERSION => Err(StoreError::TooNew {
            path: Some(path.display().to_string()),
            found: version,
            supported: SCHEMA_VERSION,
        }),
        Kind::Breakeven { version } => Ok(Some(version)),
    }
}

/// A read-only connection and what the file holds. A WAL file whose `-shm` cannot be created
/// (a folder this process cannot write) is read as immutable when no `-wal` holds pending data.
fn inspect_connection(path: &Path) -> Result<(Connection, Kind)> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let open = |target: &Path, flags: OpenFlags| -> Result<(Connection, Kind)> {
        let c = Connection::open_with_flags(target, flags).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        c.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::from_sql("setting the busy timeout", e).with_path(path))?;
        let kind = classify(&c).map_err(|e| located(path, e))?;
        Ok((c, kind))
    };
    match open(path, flags) {
        Err(StoreError::Sql { source, .. })
            if matches!(
                source.sqlite_error_code(),
                Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen)
            ) && !has_data(&sibling(path, "-wal")) =>
        {
            open(
                Path::new(&immutable_uri(path)),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )
        }
        other => other,
    }
}

/// A SQLite error met while looking at `path`, naming it.
fn located(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        // The header was valid, so a file SQLite cannot read is a damaged one.
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            StoreError::Damaged {
                path: Some(path.display().to_string()),
                detail: format!("SQLite: {e}"),
            }
        }
        _ => StoreError::from_sql("reading what the file holds", e).with_path(path),
    }
}

fn classify(c: &Connection) -> rusqlite::Result<Kind> {
    let app: i32 = c.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let mut st = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let tables = st
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(if app == APPLICATION_ID {
        Kind::Breakeven { version }
    } else if app != 0 {
        Kind::Foreign(format!(
            "another application's SQLite file, application id {app:#010x}"
        ))
    } else if tables.is_empty() && version == 0 {
        Kind::Fresh
    } else if version >= 1 && FIRST_TABLES.iter().all(|t| tables.iter().any(|n| n == t)) {
        Kind::Breakeven { version }
    } else {
        let n = tables.len();
        Kind::Foreign(format!(
            "a SQLite file with {n} table{}, not Breakeven's",
            if n == 1 { "" } else { "s" }
        ))
    })
}

/// Check the path and the first 100 bytes (SQLite's header) without opening it as a database.
fn inspect(path: &Path) -> Result<FileState> {
    let shown = || path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(source) => {
            return Err(StoreError::File {
                path: shown(),
                source,
            })
        }
    };
    if !meta.is_file() {
        return Err(StoreError::NotAFile {
            path: shown(),
            kind: kind_of(&meta.file_type()),
        });
    }
    if meta.len() == 0 {
        return Ok(FileState::Empty);
    }
    let mut head = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|f| f.take(100).read_to_end(&mut head))
        .map_err(|source| StoreError::File {
            path: shown(),
            source,
        })?;
    header_problem(&head, meta.len(), path).map_or(Ok(FileState::Sqlite), Err)
}

/// What is wrong with a SQLite header, if anything.
fn header_problem(head: &[u8], len: u64, path: &Path) -> Option<StoreError> {
    let damaged = |detail: String| StoreError::Damaged {
        path: Some(path.display().to_string()),
        detail,
    };
    if !head.starts_with(b"SQLite format 3\0") {
        return Some(StoreError::Foreign {
            path: path.display().to_string(),
            what: "not a SQLite file".into(),
        });
    }
    if head.len() < 100 {
        return Some(damaged(format!("{len} bytes, shorter than a SQLite header")));
    }
    let be32 = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let page = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536u64,
        p if p >= 512 && p.is_power_of_two() => u64::from(p),
        p => return Some(damaged(format!("invalid page size {p} in the header"))),
    };
    // The page count in the header is valid when written with the change counter it carries.
    // Until a pending -wal or -journal is applied, the file may legitimately be shorter.
    let pages = u64::from(be32(28));
    let pending = has_data(&sibling(path, "-wal")) || has_data(&sibling(path, "-journal"));
    if be32(24) == be32(92) && pages > 0 && pages * page > len && !pending {
        return Some(damaged(format!(
            "truncated: the header counts {pages} pages of {page} bytes, the file holds {len} bytes"
        )));
    }
    None
}

/// Whether this process may write the file (opening it for writing changes nothing).
fn is_writable(path: &Path) -> Result<bool> {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Ok(false)
        }
        Err(source) => Err(StoreError::File {
            path: path.display().to_string(),
            source,
        }),
    }
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// `path` with `suffix` appended (SQLite's `-wal`, `-shm`, `-journal`).
fn sibling(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    p.into()
}

fn has_data(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
}

/// `file:` URI of `path`, read as immutable (no locks, no -shm).
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error_code::ErrorCode;

    #[test]
    fn a_uri_escapes_what_sqlite_would_parse() {
        assert_eq!(
            immutable_uri(Path::new("/tmp/a b?c#d%.sqlite")),
            "file:/tmp/a%20b%3Fc%23d%25.sqlite?immutable=1"
        );
    }

    #[test]
    fn a_header_with_a_bad_page_size_or_too_few_pages_is_damaged() {
        let mut head = b"SQLite format 3\0".to_vec();
        head.resize(100, 0);
        head[16..18].copy_from_slice(&4096u16.to_be_bytes());
        head[28..32].copy_from_slice(&10u32.to_be_bytes());
        let p = Path::new("/nonexistent/x.sqlite");
        assert!(header_problem(&head, 40_960, p).is_none());
        let e = header_problem(&head, 8192, p).unwrap();
        assert!(e.to_string().contains("truncated"), "{e}");
        head[16..18].copy_from_slice(&1000u16.to_be_bytes());
        assert_eq!(
            header_problem(&head, 40_960, p).unwrap().code(),
            ErrorCode::DbDamaged
        );
        assert_eq!(
            header_problem(b"hello", 5, p).unwrap().code(),
            ErrorCode::DbForeign
        );
    }
}

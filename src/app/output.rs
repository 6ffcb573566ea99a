//! Where an export (a report, a saved scenario) goes, and the rules that keep it from destroying anything else.
//!
//! A report is written only at the path the user named: never through a symbolic link (that would
//! write to wherever the link points), never over a read-only file, never over a file the command
//! reads (the database and its journals, the scenario, the catalog), and atomically — the text goes
//! to a temporary file beside the target, is flushed, and is renamed over it, so an interrupted
//! export leaves the old file or the new one, never half of either.

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// An output path and the files it must never replace.
#[derive(Debug, Clone)]
pub struct OutPath {
    path: PathBuf,
    /// Files this command reads, each with what it is ("the database").
    protected: Vec<(PathBuf, &'static str)>,
}

impl OutPath {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        OutPath {
            path: path.into(),
            protected: Vec::new(),
        }
    }

    /// Refuse to write over `input`, a file this command reads: `what` names it ("the scenario").
    pub fn protect(mut self, input: &Path, what: &'static str) -> Self {
        self.protected.push((input.to_path_buf(), what));
        self
    }

    /// Refuse to write over the SQLite database at `db` or any of its journal files.
    pub fn protect_database(mut self, db: &Path) -> Self {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            self.protected.push((PathBuf::from(p), "the database"));
        }
        self
    }

    /// Everything that can be known before any work starts: the target is not a link, not
    /// read-only, not an input, and its folder exists.
    pub fn check(&self) -> Result<()> {
        self.check_file(&self.path)?;
        let parent = parent_of(&self.path);
        if !parent.is_dir() {
            return Err(AppError::bad_input(
                ErrorCode::OutNoDir,
                format!(
                    "cannot write {}: the folder {} does not exist",
                    self.path.display(),
                    parent.display()
                ),
            ));
        }
        Ok(())
    }

    /// The rules for one file about to be (re)written: `file` is `path` itself or a file inside it.
    fn check_file(&self, file: &Path) -> Result<()> {
        let Ok(meta) = fs::symlink_metadata(file) else {
            return Ok(()); // Does not exist yet: nothing to protect.
        };
        if meta.file_type().is_symlink() {
            return Err(AppError::bad_input(
                ErrorCode::OutSymlink,
                format!(
                    "{} is a symbolic link; an export is written only at the path named, give a regular file or a new name",
                    file.display()
                ),
            ));
        }
        if let Some((_, what)) = self.protected.iter().find(|(p, _)| same_file(file, p)) {
            return Err(AppError::bad_input(
                ErrorCode::OutIsInput,
                format!(
                    "{} is {what}, which this command reads: writing there would destroy it; give another path",
                    file.display(),
                ),
            ));
        }
        if meta.is_file() && meta.permissions().readonly() {
            return Err(AppError::bad_input(
                ErrorCode::OutReadOnly,
                format!(
                    "{} is read-only; give another path or make it writable",
                    file.display()
                ),
            ));
        }
        Ok(())
    }

    /// Write `text` to the single file at `path`.
    pub fn write_file(&self, text: &str) -> Result<PathBuf> {
        if self.path.is_dir() {
            return Err(AppError::bad_input(
                ErrorCode::ReportOutIsDir,
                format!(
                    "{} is a directory; give a file name for this format",
                    self.path.display()
                ),
            ));
        }
        self.check()?;
        write_atomically(&self.path, text)?;
        Ok(self.path.clone())
    }

    /// Write one file per `(name, text)` into the directory at `path`, creating it if needed.
    pub fn write_files(&self, files: &[(String, String)]) -> Result<Vec<PathBuf>> {
        self.check_file(&self.path)?;
        if self.path.is_file() {
            return Err(AppError::bad_input(
                ErrorCode::ReportOutIsFile,
                format!(
                    "{} is a file; CSV tables are written into a directory",
                    self.path.display()
                ),
            ));
        }
        fs::create_dir_all(&self.path).map_err(|e| {
            write_failed(
                format!("creating the report directory {}", self.path.display()),
                e,
            )
        })?;
        let paths: Vec<PathBuf> = files.iter().map(|(name, _)| self.path.join(name)).collect();
        // Every file is checked before the first is written: a refusal writes nothing.
        for p in &paths {
            self.check_file(p)?;
        }
        for (p, (_, text)) in paths.iter().zip(files) {
            write_atomically(p, text)?;
        }
        Ok(paths)
    }
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Whether `a` and `b` name the same existing file (hard links and `..` included).
fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(ma), Ok(mb)) => same_inode(&ma, &mb),
        _ => false,
    }
}

#[cfg(unix)]
fn same_inode(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_inode(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

fn write_failed(context: String, e: std::io::Error) -> AppError {
    AppError::Report {
        code: ErrorCode::ReportWrite,
        context,
        cause: Box::new(e),
    }
}

/// Write `text` to a temporary file beside `path`, flush it to disk and rename it over `path`.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent_of(path).join(format!(".{name}.{}.partial", std::process::id()));
    let written = (|| {
        let mut f = fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    written.map_err(|e| {
        // Best effort: the temporary file holds nothing the user asked for.
        let _ = fs::remove_file(&tmp);
        write_failed(format!("writing {}", path.display()), e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<PathBuf>) -> ErrorCode {
        match r {
            Err(AppError::BadInput { code, .. }) => code,
            other => panic!("expected a bad-input error, got {other:?}"),
        }
    }

    #[test]
    fn report_out_over_the_database_is_refused_and_the_database_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.sqlite");
        fs::write(&db, "SQLite format 3\0").unwrap();
        let out = OutPath::new(&db).protect_database(&db);
        assert_eq!(code(out.write_file("<html>")), ErrorCode::OutIsInput);
        assert_eq!(fs::read(&db).unwrap(), b"SQLite format 3\0");
        // Through another spelling of the same path too.
        let other = dir.path().join(".").join("d.sqlite");
        assert_eq!(
            code(OutPath::new(other).protect_database(&db).write_file("x")),
            ErrorCode::OutIsInput
        );
        let wal = dir.path().join("d.sqlite-wal");
        fs::write(&wal, "wal").unwrap();
        assert_eq!(
            code(OutPath::new(&wal).protect_database(&db).write_file("x")),
            ErrorCode::OutIsInput
        );
    }

    #[cfg(unix)]
    #[test]
    fn report_out_through_a_symlink_is_refused_and_its_target_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious.txt");
        fs::write(&target, "keep me").unwrap();
        let link = dir.path().join("link.html");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(
            code(OutPath::new(&link).write_file("<html>")),
            ErrorCode::OutSymlink
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
        // A link inside a CSV folder is refused before any table is written.
        let folder = dir.path().join("tables");
        fs::create_dir(&folder).unwrap();
        std::os::unix::fs::symlink(&target, folder.join("b.csv")).unwrap();
        let files = [
            ("a.csv".to_string(), "a".to_string()),
            ("b.csv".to_string(), "b".to_string()),
        ];
        let r = OutPath::new(&folder).write_files(&files);
        assert!(matches!(
            r,
            Err(AppError::BadInput {
                code: ErrorCode::OutSymlink,
                ..
            })
        ));
        assert!(!folder.join("a.csv").exists());
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
    }

    #[test]
    fn report_out_over_a_read_only_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.html");
        fs::write(&out, "old").unwrap();
        let mut perms = fs::metadata(&out).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&out, perms).unwrap();
        assert_eq!(code(OutPath::new(&out).write_file("new")), ErrorCode::OutReadOnly);
        assert_eq!(fs::read_to_string(&out).unwrap(), "old");
    }

    #[test]
    fn report_out_replaces_a_file_atomically_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.html");
        fs::write(&out, "old").unwrap();
        OutPath::new(&out).write_file("new").unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("r.html")]);
    }

    #[test]
    fn report_out_in_a_missing_folder_is_refused_before_work() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutPath::new(dir.path().join("nope").join("r.html"));
        assert!(matches!(
            out.check(),
            Err(AppError::BadInput {
                code: ErrorCode::OutNoDir,
                ..
            })
        ));
    }
}

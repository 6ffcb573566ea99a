//! The temporary databases of the benchmarks (`db bench`, `analyse --bench`): a private folder
//! removed with everything in it (database, `-wal`, `-shm`) when dropped — after a run, after an
//! error, and while a panic unwinds. A run killed by a signal cannot clean up after itself, so
//! creating a folder first removes those left by benchmark processes that no longer run.

use crate::store::{Result, StoreError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Folder names start with this, then the owning process id: `breakeven-bench-<pid>-<n>`.
/// (Earlier versions wrote `breakeven-bench-<pid>.sqlite` files directly in the temp dir; they
/// are swept too.)
const PREFIX: &str = "breakeven-bench-";

/// A folder under a parent dir, removed on drop.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Create a new folder in `parent` (after removing leftovers of dead benchmark processes).
    pub fn new(parent: &Path) -> Result<ScratchDir> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        sweep(parent);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = parent.join(format!("{PREFIX}{}-{n}", std::process::id()));
        std::fs::create_dir_all(parent)
            .and_then(|()| std::fs::create_dir(&path))
            .map_err(|source| StoreError::Folder {
                path: path.display().to_string(),
                source,
            })?;
        Ok(ScratchDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // Nothing to report to: a folder that cannot be removed is swept by the next run.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Remove `breakeven-bench-<pid>…` entries of `parent` whose process is gone.
fn sweep(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(pid) = digits.parse::<u32>() else {
            continue;
        };
        if process_is_gone(pid) {
            let p = entry.path();
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
}

/// True only when the process is known not to run (Linux's `/proc`); elsewhere nothing is
/// swept, since a live benchmark's folder must never be removed.
fn process_is_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    pid != std::process::id() && proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails_after_writing(parent: &Path) -> Result<PathBuf> {
        let scratch = ScratchDir::new(parent)?;
        std::fs::write(scratch.path().join("bench.sqlite-wal"), b"pending").unwrap();
        Err(StoreError::Corrupt {
            column: "test",
            value: scratch.path().display().to_string(),
            reason: "an error path".into(),
        })
    }

    #[test]
    fn the_scratch_dir_is_removed_on_drop_also_on_an_error_path() {
        let parent = tempfile::tempdir().unwrap();
        let err = fails_after_writing(parent.path()).unwrap_err();
        let StoreError::Corrupt { value, .. } = err else {
            panic!("{err}")
        };
        assert!(!Path::new(&value).exists(), "{value} left behind");
        assert!(std::fs::read_dir(parent.path()).unwrap().next().is_none());
    }

    #[test]
    fn leftovers_of_a_killed_benchmark_are_swept_and_a_live_ones_kept() {
        let parent = tempfile::tempdir().unwrap();
        // No process has this id (above Linux's pid_max).
        let dead = parent.path().join(format!("{PREFIX}4194305-0"));
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join("bench.sqlite-wal"), vec![0u8; 1024]).unwrap();
        let old_file = parent.path().join(format!("{PREFIX}4194306.sqlite-wal"));
        std::fs::write(&old_file, b"x").unwrap();
        let live = parent.path().join(format!("{PREFIX}{}-99", std::process::id()));
        std::fs::create_dir(&live).unwrap();
        let other = parent.path().join("unrelated-4194305");
        std::fs::write(&other, b"x").unwrap();
        let scratch = ScratchDir::new(parent.path()).unwrap();
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists() && !old_file.exists());
        }
        assert!(live.exists() && other.exists() && scratch.path().is_dir());
    }
}

//! Views derived from the store (the dashboard, the overview), kept as the JSON the app sends
//! its window, so that opening the app on unchanged data shows them without computing them
//! again.
//!
//! A kept view is only ever a copy of what the one computation produced: it is used while
//! everything it was computed from is unchanged, and recomputed otherwise. Its [`Stamp`] names
//! that input: the store file's state ([`crate::store::generation`]: a random id per file and a
//! count of the committed transactions that changed a row, so a sync, an import or a demo load
//! all invalidate it), the schema, the program (its version, and its file: a rebuilt program
//! recomputes) and the price catalog in use (a reloaded override changes it).
//! The file holds the stamp on its first line; a view is returned only when the stamp matches
//! exactly. Nothing else is stored: no credentials exist in a view, and the files live in the
//! user's cache directory, where deleting them loses nothing.

use crate::store::Store;
use breakeven_simulator::pricing::PriceCatalog;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a view was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp(String);

impl Stamp {
    /// The stamp of `store`'s current data priced with `catalog`. Fails on a store that has no
    /// generation (opened read-only before migrating): such a store is never cached.
    pub fn of(store: &Store, catalog: &PriceCatalog) -> crate::store::Result<Stamp> {
        let g = store.generation()?;
        Ok(Stamp(format!(
            "v{} build {} schema {} store {g} catalog {:016x}",
            env!("CARGO_PKG_VERSION"),
            build_id(),
            store.schema_version()?,
            catalog_fingerprint(catalog)
        )))
    }
}

/// The running program's file (its size and modification time): a rebuilt program, even of the
/// same version, computes its views anew.
fn build_id() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}-{modified}", m.len())
        })
        .unwrap_or_else(|_| "unknown".into())
}

/// A hash of everything the catalog holds (its prices, platforms, where each came from, and
/// the files merged), stable across runs of one build.
fn catalog_fingerprint(catalog: &PriceCatalog) -> u64 {
    fnv1a(format!("{catalog:?}").as_bytes())
}

/// FNV-1a, 64-bit: stable across runs and platforms (unlike the std hasher's seeds).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// One view of one database: its kind (`dashboard`), its parameters (the account, the theme)
/// and the stamp of the data it shows.
#[derive(Debug, Clone)]
pub struct ViewKey {
    pub db: PathBuf,
    pub view: &'static str,
    pub params: String,
    pub stamp: Stamp,
}

impl ViewKey {
    /// The file name: one file per database, view and parameters (a newer stamp replaces it).
    fn file_name(&self) -> String {
        let db = std::fs::canonicalize(&self.db).unwrap_or_else(|_| self.db.clone());
        let id = format!("{}\n{}\n{}", db.display(), self.view, self.params);
        format!("{}-{:016x}.json", self.view, fnv1a(id.as_bytes()))
    }
}

/// A directory of kept views. Failing to read or write one is never an error: the view is
/// computed instead.
#[derive(Debug, Clone)]
pub struct ViewCache {
    dir: Option<PathBuf>,
}

impl ViewCache {
    /// The user's cache directory (`~/.cache/breakeven/views` on Linux); none when the system
    /// has no cache directory, or when `BREAKEVEN_VIEW_CACHE=0`.
    pub fn user() -> ViewCache {
        let off = std::env::var_os("BREAKEVEN_VIEW_CACHE").is_some_and(|v| v == "0");
        let dir = directories::ProjectDirs::from("dev", "breakeven", "breakeven")
            .map(|d| d.cache_dir().join("views"))
            .filter(|_| !off);
        ViewCache { dir }
    }

    /// Views kept in `dir` (tests).
    pub fn at(dir: &Path) -> ViewCache {
        ViewCache {
            dir: Some(dir.to_path_buf()),
        }
    }

    /// Keeps nothing.
    pub fn off() -> ViewCache {
        ViewCache { dir: None }
    }

    /// The kept JSON of `key`, when it was computed from exactly the same input.
    pub fn get(&self, key: &ViewKey) -> Option<String> {
        let text = std::fs::read_to_string(self.dir.as_ref()?.join(key.file_name())).ok()?;
        let (stamp, json) = text.split_once('\n')?;
        (stamp == key.stamp.0).then(|| json.to_string())
    }

    /// Keep `json` as the view of `key` (written whole, then renamed into place, so a reader
    /// never sees half a view). Returns whether it was kept.
    pub fn put(&self, key: &ViewKey, json: &str) -> bool {
        let Some(dir) = &self.dir else {
            return false;
        };
        let path = dir.join(key.file_name());
        // Unique per write: two threads keeping the same view must not share a file.
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
        let written = std::fs::create_dir_all(dir).and_then(|()| {
            let mut f = std::fs::File::create(&tmp)?;
            writeln!(f, "{}", key.stamp.0)?;
            f.write_all(json.as_bytes())?;
            f.sync_all()
        });
        let kept = written.and_then(|()| std::fs::rename(&tmp, &path)).is_ok();
        if !kept {
            let _ = std::fs::remove_file(&tmp);
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(db: &Path, stamp: &str) -> ViewKey {
        ViewKey {
            db: db.to_path_buf(),
            view: "dashboard",
            params: "demo light".into(),
            stamp: Stamp(stamp.into()),
        }
    }

    #[test]
    fn a_view_is_returned_only_for_the_exact_stamp_it_was_computed_from() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ViewCache::at(&dir.path().join("views"));
        let db = dir.path().join("a.db");
        assert_eq!(cache.get(&key(&db, "s1")), None);
        assert!(cache.put(&key(&db, "s1"), "{\"x\":1}\n{\"y\":2}"));
        assert_eq!(
            cache.get(&key(&db, "s1")).as_deref(),
            Some("{\"x\":1}\n{\"y\":2}")
        );
        assert_eq!(cache.get(&key(&db, "s2")), None);
        // Another database, or other parameters, never see it.
        assert_eq!(cache.get(&key(&dir.path().join("b.db"), "s1")), None);
        let mut dark = key(&db, "s1");
        dark.params = "demo dark".into();
        assert_eq!(cache.get(&dark), None);
        // A newer stamp replaces the file.
        assert!(cache.put(&key(&db, "s2"), "{}"));
        assert_eq!(cache.get(&key(&db, "s1")), None);
        assert_eq!(std::fs::read_dir(dir.path().join("views")).unwrap().count(), 1);
        assert!(!ViewCache::off().put(&key(&db, "s1"), "{}"));
    }

    #[test]
    fn the_stamp_moves_with_every_write_and_with_the_catalog() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("a.db")).unwrap();
        let catalog = PriceCatalog::bundled().unwrap();
        let s0 = Stamp::of(&store, &catalog).unwrap();
        assert_eq!(Stamp::of(&store, &catalog).unwrap(), s0);
        store
            .with_tx(|tx| {
                crate::store::accounts::upsert(
                    tx,
                    &crate::store::accounts::AccountRecord {
                        key: "demo".into(),
                        name: "Demo".into(),
                        source: crate::store::accounts::AccountSource::Demo,
                        profile: None,
                    },
                )
            })
            .unwrap();
        assert_ne!(Stamp::of(&store, &catalog).unwrap(), s0);
        assert_ne!(
            Stamp::of(&store, &PriceCatalog::default()).unwrap(),
            Stamp::of(&store, &catalog).unwrap()
        );
    }
}

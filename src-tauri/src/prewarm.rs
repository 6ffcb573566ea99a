//! The first answers, computed while the window is still being created. Creating the webview
//! and loading the page takes a few hundred milliseconds, and the account's overview and the
//! dashboard's figures take about as long again: started in `main`, they are ready (or nearly)
//! when the page asks for them, so the dashboard is on screen in roughly the larger of the two
//! instead of their sum.
//!
//! When the data has not changed since the last run, both are read instead of computed: the
//! overview and the dashboard are kept as JSON between runs (`crate::views`), stamped with the
//! store's generation and the catalog, and the page's first requests find them in a few
//! milliseconds.
//!
//! Each result is used at most once, by the first `account_open` or `dashboard` call for the same
//! database (and account), and dropped as soon as anything could make it stale (a demo load or a
//! sync).

use crate::state::lock;
use crate::views;
use breakeven::app::dashboard::{self, Dashboard};
use breakeven::app::db;
use breakeven::app::view_cache::{Stamp, ViewCache, ViewKey};
use breakeven::model::records::AccountSource;
use breakeven::report::charts::Theme;
use breakeven::store::accounts;
use breakeven::store::sync_runs::{self, RunStatus};
use breakeven_simulator::pricing::PriceCatalog;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

/// One result computed ahead: still running, done (possibly with nothing), or gone (used, or
/// dropped as stale).
enum State<T> {
    Running,
    Done(Option<T>),
    Gone,
}

struct Slot<T> {
    state: Mutex<State<T>>,
    done: Condvar,
}

impl<T> Slot<T> {
    fn new(state: State<T>) -> Self {
        Slot {
            state: Mutex::new(state),
            done: Condvar::new(),
        }
    }

    fn finish(&self, value: Option<T>) {
        let mut state = lock(&self.state);
        if matches!(*state, State::Running) {
            *state = State::Done(value);
        }
        self.done.notify_all();
    }

    fn discard(&self) {
        *lock(&self.state) = State::Gone;
        self.done.notify_all();
    }

    /// The value, waiting for it while it is computed (doing the same work twice at once only
    /// slows both down); once only.
    fn take(&self) -> Option<T> {
        let mut state = lock(&self.state);
        while matches!(*state, State::Running) {
            state = self.done.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        match std::mem::replace(&mut *state, State::Gone) {
            State::Done(value) => value,
            _ => None,
        }
    }
}

pub struct Prewarm {
    db_path: PathBuf,
    views: ViewCache,
    /// The overview's JSON, as `account_open` returns it when it loads nothing.
    overview: Slot<String>,
    /// The dashboard of the account the Dashboard view opens on, when no kept copy of it
    /// matched the data.
    dashboard: Slot<FirstDashboard>,
}

/// A dashboard computed ahead, with what it was computed from.
pub struct FirstDashboard {
    pub account: String,
    /// `None` when the store has no generation to stamp it with (it is then not kept).
    pub stamp: Option<Stamp>,
    pub dashboard: Dashboard,
}

impl Default for Prewarm {
    /// Nothing computed ahead.
    fn default() -> Self {
        Prewarm {
            db_path: PathBuf::new(),
            views: ViewCache::off(),
            overview: Slot::new(State::Gone),
            dashboard: Slot::new(State::Gone),
        }
    }
}

impl Prewarm {
    /// Start computing the overview and the first dashboard of the database at `db_path` on a
    /// thread of its own, or reading them from `views` where the data has not changed since
    /// they were kept.
    pub fn start(db_path: PathBuf, catalog: Arc<PriceCatalog>, views: ViewCache) -> Arc<Prewarm> {
        let p = Arc::new(Prewarm {
            db_path,
            views,
            overview: Slot::new(State::Running),
            dashboard: Slot::new(State::Running),
        });
        let worker = Arc::clone(&p);
        let spawned = std::thread::Builder::new()
            .name("first-dashboard".into())
            .spawn(move || {
                // Finish even if the computation panics, so no caller waits forever.
                let _finish = Finish(&worker);
                worker.compute(&catalog);
            });
        if spawned.is_err() {
            p.finish();
        }
        p
    }

    fn compute(&self, catalog: &PriceCatalog) {
        // A first run has no file yet: creating it is left to the account's opening (and the
        // demo load).
        if !self.db_path.is_file() {
            return;
        }
        let Ok(store) = db::open(Some(&self.db_path)) else {
            return;
        };
        // A sync or demo load that did not finish (the demo is then loaded again): leave the
        // database to `account_open`.
        let Ok(runs) = sync_runs::last_per_source(store.conn()) else {
            return;
        };
        if runs.iter().any(|r| r.status == RunStatus::Running) {
            return;
        }
        let Ok(accounts) = accounts::list(store.conn()) else {
            return;
        };
        if accounts.is_empty() {
            return;
        }
        let stamp = Stamp::of(&store, catalog).ok();
        let kept = |key: Option<ViewKey>| key.and_then(|k| self.views.get(&k));
        let overview = kept(stamp.clone().map(|s| views::overview_key(&self.db_path, s))).or_else(|| {
            let json = views::json_of(db::overview(&store, &self.db_path, false).ok()?).ok()?;
            if let Some(s) = &stamp {
                self.views
                    .put(&views::overview_key(&self.db_path, s.clone()), &json);
            }
            Some(json)
        });
        self.overview.finish(overview);
        // The account the Dashboard view opens on: the first that is not the demo, else the demo.
        let first = accounts
            .iter()
            .find(|a| a.source != AccountSource::Demo)
            .or(accounts.first())
            .map(|a| a.key.clone());
        let Some(account) = first else {
            return;
        };
        // A kept dashboard of this data, in either theme: the command reads it itself.
        let is_kept = stamp.as_ref().is_some_and(|s| {
            [Theme::Light, Theme::Dark].into_iter().any(|theme| {
                kept(Some(views::dashboard_key(
                    &self.db_path,
                    &account,
                    theme,
                    s.clone(),
                )))
                .is_some()
            })
        });
        if is_kept {
            self.dashboard.finish(None);
            return;
        }
        let d = dashboard::dashboard(&store, catalog, &account).ok();
        crate::memory::give_back_free_heap();
        self.dashboard.finish(d.map(|dashboard| FirstDashboard {
            account,
            stamp,
            dashboard,
        }));
    }

    fn finish(&self) {
        self.overview.finish(None);
        self.dashboard.finish(None);
    }

    /// Drop whatever was computed or is being computed: the data may have changed.
    pub fn discard(&self) {
        self.overview.discard();
        self.dashboard.discard();
    }

    /// The overview (JSON) of the database at `db_path` as it was at start, when it held an
    /// account.
    pub fn take_overview(&self, db_path: &Path) -> Option<String> {
        self.overview.take().filter(|_| db_path == self.db_path)
    }

    /// The dashboard of `account` in the database at `db_path`, computed at start.
    pub fn take_dashboard(&self, db_path: &Path, account: &str) -> Option<FirstDashboard> {
        self.dashboard
            .take()
            .filter(|f| db_path == self.db_path && f.account == account)
    }
}

struct Finish<'a>(&'a Prewarm);

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Arc<PriceCatalog> {
        Arc::new(breakeven::app::catalog::load(None).expect("bundled catalog"))
    }

    #[test]
    fn a_failed_start_is_done_with_nothing_and_never_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-database.db");
        std::fs::write(&path, "not SQLite").unwrap();
        // The computation fails: callers get None at once, and every later call too.
        let p = Prewarm::start(path.clone(), catalog(), ViewCache::off());
        assert!(p.take_overview(&path).is_none());
        assert!(p.take_dashboard(&path, "demo").is_none());
        assert!(p.take_dashboard(&path, "demo").is_none());
    }

    #[test]
    fn a_missing_database_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("first-run.db");
        let p = Prewarm::start(path.clone(), catalog(), ViewCache::off());
        assert!(p.take_overview(&path).is_none());
        assert!(p.take_dashboard(&path, "demo").is_none());
        assert!(!path.exists());
    }

    #[test]
    fn an_empty_database_has_nothing_ahead() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.db");
        db::open(Some(&path)).unwrap();
        let p = Prewarm::start(path.clone(), catalog(), ViewCache::off());
        assert!(p.take_overview(&path).is_none());
        assert!(p.take_dashboard(&path, "demo").is_none());
    }

    fn add_account(store: &mut breakeven::store::Store, key: &str) {
        store
            .with_tx(|tx| {
                accounts::upsert(
                    tx,
                    &accounts::AccountRecord {
                        key: key.into(),
                        name: format!("account {key}"),
                        source: AccountSource::Aws,
                        profile: None,
                    },
                )
            })
            .unwrap();
    }

    #[test]
    fn the_overview_is_kept_between_starts_until_the_data_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kept.db");
        let views = ViewCache::at(&dir.path().join("views"));
        let mut store = db::open(Some(&path)).unwrap();
        add_account(&mut store, "111111111111");
        let computed = Prewarm::start(path.clone(), catalog(), views.clone())
            .take_overview(&path)
            .expect("an overview");
        assert!(computed.contains("111111111111"));
        // Kept: the next start reads exactly what the first computed.
        let stamp = Stamp::of(&store, &catalog()).unwrap();
        assert_eq!(
            views.get(&views::overview_key(&path, stamp)).as_deref(),
            Some(computed.as_str())
        );
        let again = Prewarm::start(path.clone(), catalog(), views.clone()).take_overview(&path);
        assert_eq!(again.as_deref(), Some(computed.as_str()));
        // A write (here another account) makes the kept copy stale: it is computed again.
        add_account(&mut store, "222222222222");
        let fresh = Prewarm::start(path.clone(), catalog(), views.clone())
            .take_overview(&path)
            .unwrap();
        assert!(fresh.contains("222222222222"));
    }

    #[test]
    fn discarded_results_are_not_used() {
        let slot = Slot::new(State::Running);
        slot.discard();
        slot.finish(Some(1));
        assert!(slot.take().is_none());
        let slot = Slot::new(State::Running);
        slot.finish(Some(2));
        assert_eq!(slot.take(), Some(2));
        assert_eq!(slot.take(), None);
    }
}

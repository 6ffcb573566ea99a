//! The first answers, computed while the window is still being created. Creating the webview
//! and loading the page takes a few hundred milliseconds, and the account's overview and the
//! dashboard's figures take about as long again: started in `main`, they are ready (or nearly)
//! when the page asks for them, so the dashboard is on screen in roughly the larger of the two
//! instead of their sum.
//!
//! Each result is used at most once, by the first `account_open` or `dashboard` call for the same
//! database (and account), and dropped as soon as anything could make it stale (a demo load or a
//! sync).

use crate::state::lock;
use breakeven::app::dashboard::{self, Dashboard};
use breakeven::app::db::{self, AccountOverview};
use breakeven::model::records::AccountSource;
use breakeven::store::sync_runs::RunStatus;
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
    overview: Slot<AccountOverview>,
    /// The dashboard of the account the Dashboard view opens on, with that account's key.
    dashboard: Slot<(String, Dashboard)>,
}

impl Default for Prewarm {
    /// Nothing computed ahead.
    fn default() -> Self {
        Prewarm {
            db_path: PathBuf::new(),
            overview: Slot::new(State::Gone),
            dashboard: Slot::new(State::Gone),
        }
    }
}

impl Prewarm {
    /// Start computing the overview and the first dashboard of the database at `db_path` on a
    /// thread of its own.
    pub fn start(db_path: PathBuf, catalog: Arc<PriceCatalog>) -> Arc<Prewarm> {
        let p = Arc::new(Prewarm {
            db_path,
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
        let Ok(overview) = db::overview(&store, &self.db_path, false) else {
            return;
        };
        // A sync or demo load that did not finish (the demo is then loaded again): leave the
        // database to `account_open`.
        if overview
            .status
            .last_sync
            .iter()
            .any(|r| r.status == RunStatus::Running)
        {
            return;
        }
        // The account the Dashboard view opens on: the first that is not the demo, else the demo.
        let accounts = &overview.status.accounts;
        let first = accounts
            .iter()
            .find(|a| a.source != AccountSource::Demo)
            .or(accounts.first())
            .map(|a| a.key.clone());
        self.overview.finish((!accounts.is_empty()).then_some(overview));
        if let Some(key) = first {
            let d = dashboard::dashboard(&store, catalog, &key).ok();
            self.dashboard.finish(d.map(|d| (key, d)));
        }
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

    /// The overview of the database at `db_path` as it was at start, when it held an account.
    pub fn take_overview(&self, db_path: &Path) -> Option<AccountOverview> {
        self.overview.take().filter(|_| db_path == self.db_path)
    }

    /// The dashboard of `account` in the database at `db_path`, computed at start.
    pub fn take_dashboard(&self, db_path: &Path, account: &str) -> Option<Dashboard> {
        self.dashboard
            .take()
            .filter(|(key, _)| db_path == self.db_path && key == account)
            .map(|(_, d)| d)
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
        let p = Prewarm::start(path.clone(), catalog());
        assert!(p.take_overview(&path).is_none());
        assert!(p.take_dashboard(&path, "demo").is_none());
        assert!(p.take_dashboard(&path, "demo").is_none());
    }

    #[test]
    fn a_missing_database_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("first-run.db");
        let p = Prewarm::start(path.clone(), catalog());
        assert!(p.take_overview(&path).is_none());
        assert!(p.take_dashboard(&path, "demo").is_none());
        assert!(!path.exists());
    }

    #[test]
    fn an_empty_database_has_nothing_ahead() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.db");
        db::open(Some(&path)).unwrap();
        let p = Prewarm::start(path.clone(), catalog());
        assert!(p.take_overview(&path).is_none());
        assert!(p.take_dashboard(&path, "demo").is_none());
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

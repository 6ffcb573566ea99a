//! The store's generation: a number that every committed transaction that changed a row
//! increases, with a
//! random id made once per file. Together they name one state of the data, so a view derived
//! from the data (the dashboard, the overview) can be kept outside the file and reused for as
//! long as they are unchanged ([`crate::app::view_cache`]).
//!
//! Data is written through [`crate::store::Store::with_tx`], which bumps the generation in the
//! same transaction as the write (the two commit or roll back together); the run records, which
//! are written on their own, bump it through triggers on `sync_runs`.

use crate::store::{Result, SqlContext};
use rusqlite::Connection;
use serde::Serialize;

/// One state of one store file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Generation {
    /// Random hex made when the file was created (or first migrated to schema 5).
    pub store_uid: String,
    /// Committed transactions that changed a row since then.
    pub generation: i64,
    /// Random, made anew with each change: a restored backup of the file that reaches the same
    /// count through other changes still has another state.
    pub change_id: String,
}

impl std::fmt::Display for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.store_uid, self.generation, self.change_id)
    }
}

/// The store's current generation.
pub fn read(c: &Connection) -> Result<Generation> {
    c.query_row(
        "SELECT store_uid, generation, change_id FROM store_generation WHERE id = 1",
        [],
        |r| {
            Ok(Generation {
                store_uid: r.get(0)?,
                generation: r.get(1)?,
                change_id: r.get(2)?,
            })
        },
    )
    .ctx("reading the store's generation")
}

/// Count one more change of the data, inside the transaction that made it.
pub(crate) fn bump(c: &Connection) -> Result<()> {
    c.execute(
        "UPDATE store_generation SET generation = generation + 1, change_id = lower(hex(randomblob(8)))
         WHERE id = 1",
        [],
    )
    .ctx("counting the write")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[test]
    fn every_committed_change_moves_the_generation_and_a_rolled_back_or_empty_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("g.db")).unwrap();
        let g0 = store.generation().unwrap();
        store
            .with_tx(|tx| -> crate::store::Result<()> {
                tx.execute("INSERT INTO accounts (account_key, name, source, created_at) VALUES ('1', 'a', 'demo', 0)", [])
                    .map(|_| ())
                    .map_err(|e| crate::store::StoreError::from_sql("test", e))
            })
            .unwrap();
        let g1 = store.generation().unwrap();
        assert_eq!(g1.store_uid, g0.store_uid);
        assert_eq!(g1.generation, g0.generation + 1);
        let failed: crate::store::Result<()> = store.with_tx(|_| {
            Err(crate::store::StoreError::ReadOnly {
                path: String::new(),
                why: String::new(),
            })
        });
        assert!(failed.is_err());
        assert_eq!(store.generation().unwrap(), g1);
        // A transaction that changed nothing (an import of rows already stored) leaves it.
        store
            .with_tx(|tx| crate::store::accounts::delete(tx, "nobody"))
            .unwrap();
        assert_eq!(store.generation().unwrap(), g1);

        // A run record (written outside any transaction of the data) moves it too.
        let run =
            crate::store::sync_runs::start(store.conn(), crate::model::records::AccountSource::Demo, "test")
                .unwrap();
        let g2 = store.generation().unwrap();
        assert!(g2.generation > g1.generation);
        crate::store::sync_runs::finish(
            store.conn(),
            run,
            crate::store::sync_runs::RunStatus::Ok,
            &Default::default(),
            0,
            None,
        )
        .unwrap();
        assert!(store.generation().unwrap().generation > g2.generation);

        // A copy of the file (a backup restored later) that reaches the same count through other
        // changes is still another state.
        let copy_path = dir.path().join("copy.db");
        drop(store);
        std::fs::copy(dir.path().join("g.db"), &copy_path).unwrap();
        let mut store = Store::open(&dir.path().join("g.db")).unwrap();
        let mut copy = Store::open(&copy_path).unwrap();
        for s in [&mut store, &mut copy] {
            assert!(s.with_tx(|tx| crate::store::accounts::delete(tx, "1")).unwrap());
        }
        let (a, b) = (store.generation().unwrap(), copy.generation().unwrap());
        assert_eq!((&a.store_uid, a.generation), (&b.store_uid, b.generation));
        assert_ne!(a, b);

        // Another file has another id, whatever its count.
        let other = Store::open(&dir.path().join("h.db")).unwrap();
        assert_ne!(other.generation().unwrap().store_uid, g0.store_uid);
    }
}

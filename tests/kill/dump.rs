//! A canonical digest of every row a database holds, for "the same rows as an uninterrupted run".
//!
//! Every table in `sqlite_master` is read, with every column, except what legitimately differs
//! between two runs that stored the same data:
//!
//! - `sync_runs` as a whole: one row per run, and a killed-and-resumed load makes more runs than
//!   an uninterrupted one; their ids, times, request counts and rows written differ by design.
//!   [`runs_ended_well`] checks them instead.
//! - `store_generation`: a random id per file and a count of the transactions that changed a
//!   row, which a killed-and-resumed load commits more of.
//! - every `id` column (an `INTEGER PRIMARY KEY`): a surrogate key whose values depend on the order
//!   of inserts and on rows deleted on the way (`demo` replaces its account). Columns referring to
//!   one (`account_id`, `function_id`, `series_id`, `import_id`: every foreign key SQLite knows)
//!   are replaced by the referenced row's own canonical text, so what they point to is compared.
//! - [`WALL_CLOCK`] columns: the time a run happened (Unix seconds of the wall clock), not data.
//! - `sync_cursors.cursor` values at or after the test's start: the newest CloudWatch window ends
//!   at the minute the run ran (`ingest::aws::cloudwatch::windows`), so its cursor is that minute;
//!   cursors at whole-day edges are compared exactly.
//!
//! Each table's rows are compared as a multiset: the row count and the wrapping sum of a 128-bit
//! SHA-256 prefix of each row's canonical text. That is the comparison of the sorted dumps
//! (order-free, duplicates counted) without holding millions of metric points in memory.

use rusqlite::types::Value;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// (table, column, why it differs between runs of the same data).
pub const WALL_CLOCK: &[(&str, &str, &str)] = &[
    (
        "accounts",
        "created_at",
        "when the first run that saw the account wrote it",
    ),
    (
        "functions",
        "seen_at",
        "the start time of the run that listed the configuration",
    ),
    (
        "cost_days",
        "fetched_at",
        "the start time of the run that fetched the day",
    ),
    ("sync_cursors", "updated_at", "when the cursor last moved"),
    ("focus_imports", "imported_at", "when the file was imported"),
    ("scenarios", "created_at", "when the scenario was saved"),
    ("scenarios", "updated_at", "when the scenario was saved"),
];

/// Tables not compared row by row (see the module doc).
const RUN_RECORDS: &[&str] = &["sync_runs", "store_generation"];

/// Per table: (rows, Σ row digests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dump(pub BTreeMap<String, (u64, u128)>);

/// `PRAGMA integrity_check` of `db` ("ok" when sound). A file that does not exist yet is sound.
pub fn integrity(db: &Path) -> String {
    if !db.exists() {
        return "ok".into();
    }
    let c = Connection::open(db).expect("open the database");
    let rows: Vec<String> = match c.prepare("PRAGMA integrity_check") {
        Ok(mut st) => {
            let rows = st
                .query_map([], |r| r.get::<_, String>(0))
                .and_then(|m| m.collect::<Result<Vec<_>, _>>());
            rows.unwrap_or_else(|e| vec![format!("integrity_check failed to run: {e}")])
        }
        Err(e) => vec![format!("integrity_check failed to run: {e}")],
    };
    let fk: i64 = c
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .unwrap_or(-1);
    if rows == ["ok"] && fk == 0 {
        "ok".into()
    } else {
        format!("{} (foreign key violations: {fk})", rows.join("; "))
    }
}

/// The canonical digest of every table of `db`. `clock_from`: Unix seconds before the first run.
pub fn dump(db: &Path, clock_from: i64) -> Dump {
    let c = Connection::open(db).expect("open the database");
    let mut keys = Keys::default();
    let mut out = BTreeMap::new();
    for table in tables(&c) {
        if RUN_RECORDS.contains(&table.as_str()) {
            continue;
        }
        let mut n = 0u64;
        let mut sum = 0u128;
        canonical_rows(
            &c,
            &table,
            clock_from,
            &mut keys,
            &mut |_: Option<String>, row: String| {
                n += 1;
                let d = Sha256::digest(row.as_bytes());
                let mut prefix = [0u8; 16];
                prefix.copy_from_slice(&d[..16]);
                sum = sum.wrapping_add(u128::from_le_bytes(prefix));
            },
        );
        out.insert(table, (n, sum));
    }
    Dump(out)
}

/// Which tables differ, with their row counts.
pub fn describe_difference(want: &Dump, got: &Dump) -> String {
    let mut names: Vec<&String> = want.0.keys().chain(got.0.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|t| want.0.get(*t) != got.0.get(*t))
        .map(|t| {
            let rows = |d: &Dump| {
                d.0.get(t.as_str())
                    .map_or("no table".to_string(), |(n, _)| format!("{n} rows"))
            };
            format!("{t}: {} instead of {}", rows(got), rows(want))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The last run of `source` ended `ok`, and no run failed or was cancelled (a SIGKILL cannot
/// record either: killed runs stay `running`).
pub fn runs_ended_well(db: &Path, source: &str) -> Result<(), String> {
    let c = Connection::open(db).expect("open the database");
    let last: String = c
        .query_row(
            "SELECT status FROM sync_runs WHERE source = ?1 ORDER BY id DESC LIMIT 1",
            [source],
            |r| r.get(0),
        )
        .map_err(|e| format!("no {source} run recorded: {e}"))?;
    let bad: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM sync_runs WHERE status IN ('failed', 'cancelled')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    if last != "ok" || bad != 0 {
        return Err(format!(
            "last {source} run: {last}; failed or cancelled runs: {bad}"
        ));
    }
    Ok(())
}

fn tables(c: &Connection) -> Vec<String> {
    let mut st = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .expect("list tables");
    let names = st.query_map([], |r| r.get(0)).expect("list tables");
    names.collect::<Result<_, _>>().expect("list tables")
}

/// Canonical text of the rows a foreign key points to: table → (referenced value → text).
#[derive(Default)]
struct Keys(HashMap<String, HashMap<String, String>>);

/// Call `f(row's id, canonical text)` for every row of `table`.
fn canonical_rows(
    c: &Connection,
    table: &str,
    clock_from: i64,
    keys: &mut Keys,
    f: &mut dyn FnMut(Option<String>, String),
) {
    let columns: Vec<String> = {
        let mut st = c
            .prepare(&format!(
                "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
            ))
            .expect("table columns");
        let names = st.query_map([], |r| r.get(0)).expect("table columns");
        names.collect::<Result<_, _>>().expect("table columns")
    };
    // column → referenced table (its `to` column is read as the row's id there).
    let foreign: HashMap<String, String> = {
        let mut st = c
            .prepare(&format!(
                "SELECT \"from\", \"table\" FROM pragma_foreign_key_list('{table}')"
            ))
            .expect("foreign keys");
        let pairs = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("foreign keys");
        pairs.collect::<Result<_, _>>().expect("foreign keys")
    };
    for referenced in foreign.values() {
        if !keys.0.contains_key(referenced) {
            let mut map = HashMap::new();
            canonical_rows(
                c,
                referenced,
                clock_from,
                keys,
                &mut |id: Option<String>, text: String| {
                    if let Some(id) = id {
                        map.insert(id, text);
                    }
                },
            );
            keys.0.insert(referenced.clone(), map);
        }
    }
    let select = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut st = c
        .prepare(&format!("SELECT {select} FROM \"{table}\""))
        .expect("read table");
    let mut rows = st.query([]).expect("read table");
    while let Some(r) = rows.next().expect("read row") {
        let mut id = None;
        let mut text = String::new();
        for (i, column) in columns.iter().enumerate() {
            let v: Value = r.get(i).expect("cell");
            let cell = encode(&v);
            if column == "id" {
                id = Some(cell);
                continue;
            }
            if WALL_CLOCK.iter().any(|(t, col, _)| *t == table && col == column) {
                continue;
            }
            let cell = match foreign.get(column) {
                Some(to) => format!(
                    "{to}({})",
                    keys.0[to].get(&cell).map_or("dangling", String::as_str)
                ),
                None if table == "sync_cursors"
                    && column == "cursor"
                    && matches!(&v, Value::Integer(t) if *t >= clock_from) =>
                {
                    "<minute of the run>".into()
                }
                None => cell,
            };
            text.push_str(column);
            text.push('=');
            text.push_str(&cell);
            text.push('\u{1f}');
        }
        f(id, text);
    }
}

/// A cell as typed text; a REAL in full (Rust's shortest round-trip form).
fn encode(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(x) => format!("{x:?}"),
        Value::Text(s) => format!("{s:?}"),
        Value::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

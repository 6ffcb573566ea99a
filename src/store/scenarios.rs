//! Saved scenarios: named scenario files kept in the database so the desktop app can list them.

use crate::store::{now_s, Result, SqlContext};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedScenario {
    pub name: String,
    /// The scenario file's text (TOML).
    pub body: String,
    /// Unix seconds.
    pub updated_at: i64,
}

/// Save (or replace) a scenario under `name`.
pub fn save(c: &Connection, name: &str, body: &str) -> Result<()> {
    let now = now_s();
    c.execute(
        "INSERT INTO scenarios (name, body, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        params![name, body, now],
    )
    .ctx("saving a scenario")?;
    Ok(())
}

pub fn get(c: &Connection, name: &str) -> Result<Option<SavedScenario>> {
    c.query_row(
        "SELECT name, body, updated_at FROM scenarios WHERE name = ?1",
        [name],
        |r| {
            Ok(SavedScenario {
                name: r.get(0)?,
                body: r.get(1)?,
                updated_at: r.get(2)?,
            })
        },
    )
    .optional()
    .ctx("reading a scenario")
}

/// Names of saved scenarios, alphabetically.
pub fn names(c: &Connection) -> Result<Vec<String>> {
    let mut st = c
        .prepare("SELECT name FROM scenarios ORDER BY name")
        .ctx("listing scenarios")?;
    let rows = st.query_map([], |r| r.get(0)).ctx("listing scenarios")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("listing scenarios")
}

/// Delete a scenario; returns whether it existed.
pub fn delete(c: &Connection, name: &str) -> Result<bool> {
    Ok(c.execute("DELETE FROM scenarios WHERE name = ?1", [name])
        .ctx("deleting a scenario")?
        > 0)
}

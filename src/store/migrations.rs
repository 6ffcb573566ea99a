//! Numbered schema migrations, embedded in the binary. Migration `i` (1-based) brings a file from
//! `user_version = i - 1` to `i`; each runs in its own transaction with the version bump, so a
//! crash mid-migration leaves the previous version intact. Never edit a released migration: add one.

use crate::store::{Result, SqlContext, StoreError, APPLICATION_ID};
use rusqlite::{Connection, TransactionBehavior};

/// Timestamps are Unix seconds (INTEGER); days are `YYYY-MM-DD` (TEXT); money is an exact decimal
/// string (TEXT), never REAL.
const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    r#"
    CREATE TABLE accounts (
        id          INTEGER PRIMARY KEY,
        -- AWS account id, or `demo` for the demo account.
        account_key TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        -- `aws` or `demo`.
        source      TEXT NOT NULL,
        -- Profile names used to reach it (labels only: credentials are never stored).
        profile     TEXT,
        created_at  INTEGER NOT NULL
    );
    CREATE TABLE regions (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        region     TEXT NOT NULL,
        PRIMARY KEY (account_id, region)
    ) WITHOUT ROWID;
    CREATE TABLE functions (
        id                      INTEGER PRIMARY KEY,
        account_id              INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        region                  TEXT NOT NULL,
        name                    TEXT NOT NULL,
        arn                     TEXT NOT NULL,
        runtime                 TEXT,
        memory_mb               INTEGER NOT NULL,
        architecture            TEXT NOT NULL,
        timeout_s               INTEGER NOT NULL,
        ephemeral_storage_mb    INTEGER NOT NULL,
        package_type            TEXT NOT NULL,
        -- Σ of allocated provisioned concurrency over all aliases and versions.
        provisioned_concurrency INTEGER NOT NULL DEFAULT 0,
        last_modified           TEXT,
        -- When the inventory first listed this configuration (a re-sync of an unchanged
        -- function writes nothing).
        seen_at                 INTEGER NOT NULL,
        UNIQUE (account_id, region, name)
    );
    -- One time series: a function's metric under one statistic at one period.
    CREATE TABLE metric_series (
        id          INTEGER PRIMARY KEY,
        function_id INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
        metric      TEXT NOT NULL,
        stat        TEXT NOT NULL,
        -- Seconds.
        period_s    INTEGER NOT NULL,
        -- Alias or version for per-qualifier metrics (provisioned concurrency), else ''.
        resource    TEXT NOT NULL DEFAULT '',
        UNIQUE (function_id, metric, stat, period_s, resource)
    );
    -- The bulk of the data. The key makes re-sync idempotent; WITHOUT ROWID keeps it one B-tree.
    CREATE TABLE metric_points (
        series_id INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
        -- Start of the period, Unix seconds.
        ts        INTEGER NOT NULL,
        value     REAL NOT NULL,
        PRIMARY KEY (series_id, ts)
    ) WITHOUT ROWID;
    CREATE TABLE daily_costs (
        account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        day            TEXT NOT NULL,
        service        TEXT NOT NULL,
        usage_type     TEXT NOT NULL,
        -- Exact decimal strings in `currency`.
        unblended      TEXT NOT NULL,
        amortized      TEXT NOT NULL,
        currency       TEXT NOT NULL,
        -- Exact decimal string in `usage_unit`.
        usage_quantity TEXT NOT NULL,
        usage_unit     TEXT NOT NULL,
        estimated      INTEGER NOT NULL,
        PRIMARY KEY (account_id, day, service, usage_type)
    ) WITHOUT ROWID;
    -- Days whose costs were fetched, even when the day had none: the Cost Explorer cursor.
    CREATE TABLE cost_days (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        day        TEXT NOT NULL,
        estimated  INTEGER NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, day)
    ) WITHOUT ROWID;
    CREATE TABLE sync_runs (
        id           INTEGER PRIMARY KEY,
        -- `aws` or `demo`.
        source       TEXT NOT NULL,
        -- Profiles and regions asked for, as given (no credentials).
        scope        TEXT NOT NULL,
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER,
        -- running, ok, failed, cancelled. A `running` row whose process died stays `running`.
        status       TEXT NOT NULL,
        -- JSON object: requests made per API (`{"cloudwatch:GetMetricData": 12, …}`).
        requests     TEXT NOT NULL DEFAULT '{}',
        rows_written INTEGER NOT NULL DEFAULT 0,
        error        TEXT
    );
    -- How far each source has fetched: (account, region, source, key) -> cursor.
    CREATE TABLE sync_cursors (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        region     TEXT NOT NULL,
        -- lambda, cloudwatch, costexplorer.
        source     TEXT NOT NULL,
        -- e.g. `my-function@60` for a function's metrics at one period.
        key        TEXT NOT NULL,
        -- Source-specific position, e.g. the end (Unix seconds) of the last window fetched.
        cursor     INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, source, key)
    ) WITHOUT ROWID;
    CREATE TABLE scenarios (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        -- The scenario file's text (TOML), as saved.
        body       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    "#,
    // 2: FOCUS billing imports (any provider).
    r#"
    -- One imported file, by content: the same bytes imported again find this row.
    CREATE TABLE focus_imports (
        id            INTEGER PRIMARY KEY,
        -- SHA-256 of the file's bytes, hex.
        file_sha256   TEXT NOT NULL UNIQUE,
        -- The name given on import (a label: the file may move).
        file_name     TEXT NOT NULL,
        -- `1.0` or `1.1+`, from the columns present.
        focus_version TEXT NOT NULL,
        rows_read     INTEGER NOT NULL,
        rows_added    INTEGER NOT NULL,
        imported_at   INTEGER NOT NULL
    );
    -- One FOCUS charge row. `charge_key` names the charge: see ingest::focus for what it hashes.
    CREATE TABLE focus_charges (
        charge_key           TEXT PRIMARY KEY,
        import_id            INTEGER NOT NULL REFERENCES focus_imports(id) ON DELETE CASCADE,
        provider             TEXT NOT NULL,
        billing_account_id   TEXT NOT NULL,
        sub_account_id       TEXT,
        service_name         TEXT NOT NULL,
        service_category     TEXT NOT NULL,
        charge_category      TEXT NOT NULL,
        resource_id          TEXT,
        region_id            TEXT,
        -- Unix seconds, [start, end).
        charge_period_start  INTEGER NOT NULL,
        charge_period_end    INTEGER NOT NULL,
        billing_period_start INTEGER NOT NULL,
        billing_period_end   INTEGER NOT NULL,
        -- Exact decimal strings in `currency` (list and contracted cost may be NULL).
        billed_cost          TEXT NOT NULL,
        effective_cost       TEXT NOT NULL,
        list_cost            TEXT,
        contracted_cost      TEXT,
        currency             TEXT NOT NULL,
        -- JSON object text, or NULL.
        tags                 TEXT
    ) WITHOUT ROWID;
    CREATE INDEX focus_charges_by_provider ON focus_charges (provider, service_category);
    "#,
    // 3: what Lambda's REPORT log records say, per function-hour (see model::logs).
    r#"
    CREATE TABLE log_hours (
        function_id     INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
        -- Start of the hour, Unix seconds.
        hour            INTEGER NOT NULL,
        -- REPORT records seen, and those with an init duration (cold starts).
        invocations     INTEGER NOT NULL,
        cold_starts     INTEGER NOT NULL,
        -- Milliseconds.
        init_ms_sum     REAL NOT NULL,
        duration_ms_sum REAL NOT NULL,
        billed_ms_sum   REAL NOT NULL,
        memory_size_mb  INTEGER NOT NULL,
        -- JSON objects value -> count: init ms rounded up; max memory used, MB.
        init_ms         TEXT NOT NULL,
        memory_used_mb  TEXT NOT NULL,
        PRIMARY KEY (function_id, hour)
    ) WITHOUT ROWID;
    "#,
    // 4: commitments in the bill. Cost Explorer rows by record type (Savings Plans covered usage,
    // negation, fees, credits…), whether a fetched day has them, and FOCUS's commitment columns.
    // Days fetched before this version have no record types: their flag is 0, so the next sync
    // asks for them once more.
    r#"
    -- One day's cost of one record type (RECORD_TYPE) and usage type, as Cost Explorer groups it.
    CREATE TABLE daily_cost_records (
        account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        day            TEXT NOT NULL,
        -- e.g. Usage, SavingsPlanCoveredUsage, SavingsPlanNegation, SavingsPlanRecurringFee.
        record_type    TEXT NOT NULL,
        usage_type     TEXT NOT NULL,
        -- The service the day's SERVICE × USAGE_TYPE rows give the usage type ('' if none).
        service        TEXT NOT NULL,
        -- Exact decimal strings, USD.
        unblended      TEXT NOT NULL,
        amortized      TEXT NOT NULL,
        usage_quantity TEXT NOT NULL,
        usage_unit     TEXT NOT NULL,
        PRIMARY KEY (account_id, day, record_type, usage_type)
    ) WITHOUT ROWID;
    ALTER TABLE cost_days ADD COLUMN record_types INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE focus_charges ADD COLUMN commitment_discount_id TEXT;
    ALTER TABLE focus_charges ADD COLUMN commitment_discount_type TEXT;
    ALTER TABLE focus_charges ADD COLUMN commitment_discount_status TEXT;
    ALTER TABLE focus_charges ADD COLUMN commitment_discount_category TEXT;
    "#,
    // 5: the store's generation, for caches of views derived from it (see `store::generation`).
    r#"
    CREATE TABLE store_generation (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        -- Random, made once per file: a different file at the same path has another.
        store_uid  TEXT NOT NULL,
        -- +1 at every committed transaction that changed a row.
        generation INTEGER NOT NULL,
        -- Random, made anew with each change: a restored copy of the file that reaches the same
        -- count through other changes is told apart.
        change_id  TEXT NOT NULL
    );
    INSERT INTO store_generation (id, store_uid, generation, change_id)
        VALUES (1, lower(hex(randomblob(16))), 0, lower(hex(randomblob(8))));
    -- Run records are written outside the data's transactions (a run starts before its first
    -- batch and ends after its last, however it ends): each of their writes counts too.
    CREATE TRIGGER sync_run_started AFTER INSERT ON sync_runs BEGIN
        UPDATE store_generation
        SET generation = generation + 1, change_id = lower(hex(randomblob(8))) WHERE id = 1;
    END;
    CREATE TRIGGER sync_run_updated AFTER UPDATE ON sync_runs BEGIN
        UPDATE store_generation
        SET generation = generation + 1, change_id = lower(hex(randomblob(8))) WHERE id = 1;
    END;
    "#,
    // 6: billing exports read through a query engine (Athena): daily aggregates only, and what
    // each billing period read was.
    r#"
    -- One billing period of one export, as it was read.
    CREATE TABLE export_periods (
        -- `database.table`.
        export        TEXT NOT NULL,
        -- `YYYY-MM`.
        period        TEXT NOT NULL,
        -- `cur2` or `focus`.
        format        TEXT NOT NULL,
        -- The catalog's description of the period's data when read.
        fingerprint   TEXT NOT NULL,
        -- Aggregate rows stored, and the line items they sum.
        rows          INTEGER NOT NULL,
        line_items    INTEGER NOT NULL,
        -- The query that read it and the bytes the engine scanned.
        query_id      TEXT NOT NULL,
        scanned_bytes INTEGER NOT NULL,
        fetched_at    INTEGER NOT NULL,
        PRIMARY KEY (export, period)
    ) WITHOUT ROWID;
    -- Daily aggregates of an export's line items.
    CREATE TABLE export_days (
        export       TEXT NOT NULL,
        period       TEXT NOT NULL,
        -- The usage account id.
        account_key  TEXT NOT NULL,
        day          TEXT NOT NULL,
        service      TEXT NOT NULL,
        usage_type   TEXT NOT NULL,
        -- A Lambda function ARN, ECS task ARN or EC2 instance id; '' for the rest.
        resource_id  TEXT NOT NULL,
        currency     TEXT NOT NULL,
        -- Exact decimal strings in `currency`.
        billed       TEXT NOT NULL,
        effective    TEXT NOT NULL,
        list         TEXT NOT NULL,
        usage_amount TEXT NOT NULL,
        line_items   INTEGER NOT NULL,
        PRIMARY KEY (export, period, account_key, day, service, usage_type, resource_id, currency),
        FOREIGN KEY (export, period) REFERENCES export_periods(export, period) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX export_days_by_account ON export_days (account_key, day);
    "#,
    // 7: each series' summary, kept by the point writer in the transaction of its points, so
    // counts and date ranges are read from the series (one row each), never from the points.
    r#"
    ALTER TABLE metric_series ADD COLUMN points INTEGER NOT NULL DEFAULT 0;
    -- Oldest and newest point, Unix seconds (NULL without points).
    ALTER TABLE metric_series ADD COLUMN first_ts INTEGER;
    ALTER TABLE metric_series ADD COLUMN last_ts INTEGER;
    UPDATE metric_series SET
        points   = (SELECT COUNT(*) FROM metric_points p WHERE p.series_id = metric_series.id),
        first_ts = (SELECT MIN(ts) FROM metric_points p WHERE p.series_id = metric_series.id),
        last_ts  = (SELECT MAX(ts) FROM metric_points p WHERE p.series_id = metric_series.id);
    "#,
];

/// The schema version this program writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Tables of the first migration: a file at `user_version >= 1` holding all of them was created
/// by Breakeven before it set [`APPLICATION_ID`].
pub const FIRST_TABLES: &[&str] = &[
    "accounts",
    "regions",
    "functions",
    "metric_series",
    "metric_points",
    "daily_costs",
    "cost_days",
    "sync_runs",
    "sync_cursors",
    "scenarios",
];

pub fn application_id(conn: &Connection) -> Result<i32> {
    conn.pragma_query_value(None, "application_id", |r| r.get(0))
        .ctx("reading the application id")
}

pub fn user_version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .ctx("reading the schema version")
}

/// Apply every migration the file has not seen yet. Each step takes the write lock first and
/// re-reads the version under it, so two processes opening a new file at once (the desktop app
/// and the CLI) do not both apply the same migration.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    // Up to date: no need for the write lock (a reader must not wait for a running sync).
    if user_version(conn)? == SCHEMA_VERSION {
        return Ok(());
    }
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting a migration")?;
        let found = user_version(&tx)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: None,
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let Some(sql) = MIGRATIONS.get(found as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql).ctx("applying a migration")?;
        tx.pragma_update(None, "user_version", found + 1)
            .ctx("recording the schema version")?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .ctx("recording the application id")?;
        tx.commit().ctx("committing a migration")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_to_the_latest_version_once() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap();
        assert_eq!(user_version(&c).unwrap(), SCHEMA_VERSION);
        assert_eq!(application_id(&c).unwrap(), APPLICATION_ID);
        // Running again is a no-op, not a "table exists" error.
        migrate(&mut c).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        assert!(matches!(migrate(&mut c), Err(StoreError::TooNew { .. })));
    }
}

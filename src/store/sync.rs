//! The store's side of a sync: the read-only [`SyncState`] a source plans from, and applying a
//! [`Batch`] with its cursors in one transaction.
//!
//! A batch and the cursors that say it was fetched land together or not at all, so a run killed at
//! any point loses at most the batch in flight, and the next run asks for exactly what is missing.
//! Applying the same batch twice changes nothing the second time (every write is an upsert).

use crate::model::records::{CostRecord, FetchedDay};
use crate::model::StoredPeriod;
use crate::model::{Batch, LogsCursor, MetricsCursor, SyncState};
use crate::store::{
    accounts, costs, exports, functions, logs, metrics, sync_runs, Result, Store, StoreError,
};
use rusqlite::{Connection, Transaction};
use std::collections::HashMap;

impl SyncState for Store {
    type Error = StoreError;

    fn metrics_cursor(&self, account: &str, region: &str, cursor: &MetricsCursor) -> Result<Option<i64>> {
        metrics_cursor(self.conn(), account, region, cursor)
    }

    fn logs_cursor(&self, account: &str, region: &str, cursor: &LogsCursor) -> Result<Option<i64>> {
        match accounts::id_of(self.conn(), account)? {
            Some(id) => sync_runs::cursor(self.conn(), id, region, LogsCursor::SOURCE, &cursor.key()),
            None => Ok(None),
        }
    }

    fn fetched_cost_days(&self, account: &str) -> Result<Vec<FetchedDay>> {
        match accounts::id_of(self.conn(), account)? {
            Some(id) => costs::fetched_days(self.conn(), id),
            None => Ok(Vec::new()),
        }
    }

    fn export_period(&self, export: &str, period: &str) -> Result<Option<StoredPeriod>> {
        exports::period(self.conn(), export, period)
    }
}

/// Where a metrics cursor stands: see [`SyncState::metrics_cursor`].
pub fn metrics_cursor(
    c: &Connection,
    account: &str,
    region: &str,
    cursor: &MetricsCursor,
) -> Result<Option<i64>> {
    match accounts::id_of(c, account)? {
        Some(id) => sync_runs::cursor(c, id, region, MetricsCursor::SOURCE, &cursor.key()),
        None => Ok(None),
    }
}

impl Store {
    /// Apply one batch with its cursors in one transaction; returns rows inserted or changed.
    pub fn apply(&mut self, batch: &Batch) -> Result<u64> {
        self.with_tx(|tx| apply_in(tx, batch))
    }
}

/// Apply one batch inside a transaction the caller holds (a load that must land whole, such as
/// the demo account or a trace, applies all its batches in one); returns rows inserted or changed.
pub fn apply_in(tx: &Transaction<'_>, batch: &Batch) -> Result<u64> {
    let account_id = |key: &str| -> Result<i64> {
        accounts::id_of(tx, key)?.ok_or_else(|| StoreError::Corrupt {
            column: "accounts.account_key",
            value: key.to_string(),
            reason: "data for an account that was not recorded first".into(),
        })
    };
    let mut rows = 0u64;
    match batch {
        Batch::Account { account, regions } => {
            let before = accounts::id_of(tx, &account.key)?;
            let id = accounts::upsert(tx, account)?;
            rows += u64::from(before.is_none());
            for r in regions {
                rows += accounts::add_region(tx, id, r)? as u64;
            }
        }
        Batch::Functions {
            account,
            region,
            functions: list,
            seen_at,
        } => {
            let id = account_id(account)?;
            rows += functions::upsert_all(tx, id, region, list, *seen_at)? as u64;
        }
        Batch::Metrics {
            account,
            region,
            series,
            cursors,
        } => {
            let id = account_id(account)?;
            let ids = functions::ids(tx, id, region)?;
            let mut series_ids: HashMap<(&str, &str, &str, u32, &str), i64> = HashMap::new();
            let mut writer = metrics::PointWriter::new(tx)?;
            for s in series {
                // Metrics of a function the inventory no longer lists are dropped.
                let Some(&function_id) = ids.get(&s.function) else {
                    continue;
                };
                let key = (
                    s.function.as_str(),
                    s.metric.as_str(),
                    s.stat.as_str(),
                    s.period_s,
                    s.resource.as_str(),
                );
                let sid = match series_ids.get(&key) {
                    Some(&sid) => sid,
                    None => {
                        let sid = metrics::series_id(
                            tx,
                            &metrics::SeriesKey {
                                function_id,
                                metric: s.metric.clone(),
                                stat: s.stat.clone(),
                                period_s: s.period_s,
                                resource: s.resource.clone(),
                            },
                        )?;
                        series_ids.insert(key, sid);
                        sid
                    }
                };
                rows += writer.write(sid, &s.points)? as u64;
            }
            writer.finish()?;
            for (cursor, pos) in cursors {
                sync_runs::set_cursor(tx, id, region, MetricsCursor::SOURCE, &cursor.key(), *pos)?;
            }
        }
        Batch::Logs {
            account,
            region,
            hours,
            cursors,
        } => {
            let id = account_id(account)?;
            let ids = functions::ids(tx, id, region)?;
            rows += logs::upsert_all(tx, &ids, hours)? as u64;
            for (cursor, pos) in cursors {
                sync_runs::set_cursor(tx, id, region, LogsCursor::SOURCE, &cursor.key(), *pos)?;
            }
        }
        Batch::Costs {
            account,
            rows: list,
            records,
            days,
            fetched_at,
        } => {
            let id = account_id(account)?;
            for (day, _) in days {
                let keep: Vec<(&str, &str)> = list
                    .iter()
                    .filter(|r| r.day == *day)
                    .map(|r| (r.service.as_str(), r.usage_type.as_str()))
                    .collect();
                rows += costs::remove_other_rows(tx, id, *day, &keep)? as u64;
            }
            rows += costs::upsert_all(tx, id, list)? as u64;
            if let Some(records) = records {
                for (day, _) in days {
                    let keep: Vec<&CostRecord> = records.iter().filter(|r| r.day == *day).collect();
                    rows += costs::replace_records(tx, id, *day, &keep)? as u64;
                }
            }
            for (day, estimated) in days {
                costs::mark_fetched(tx, id, *day, *estimated, *fetched_at, records.is_some())?;
            }
        }
        Batch::ExportPeriod(period) => {
            rows += exports::replace_period(tx, period)?;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::records::{AccountRecord, DailyCost, FunctionRecord};
    use crate::model::{Day, SeriesPoints};
    use rust_decimal::Decimal;

    fn log_hour() -> crate::model::LogHour {
        let mut init_ms = crate::model::ValueCounts::default();
        init_ms.add(313, 1);
        let mut memory_used_mb = crate::model::ValueCounts::default();
        memory_used_mb.add(472, 6);
        memory_used_mb.add(480, 1);
        crate::model::LogHour {
            function: "api".into(),
            hour: 1_767_225_600,
            invocations: 7,
            cold_starts: 1,
            init_ms_sum: 312.55,
            init_ms,
            duration_ms_sum: 191.8,
            billed_ms_sum: 509.0,
            memory_size_mb: 512,
            memory_used_mb,
        }
    }

    fn batches() -> Vec<Batch> {
        let function = FunctionRecord {
            name: "api".into(),
            arn: "arn:aws:lambda:us-east-1:123456789012:function:api".into(),
            runtime: Some("python3.12".into()),
            memory_mb: 512,
            architecture: "arm64".into(),
            timeout_s: 30,
            ephemeral_storage_mb: 512,
            package_type: "Zip".into(),
            provisioned_concurrency: 0,
            last_modified: None,
        };
        let day = Day::from_unix(1_767_225_600);
        vec![
            Batch::Account {
                account: AccountRecord {
                    key: "123456789012".into(),
                    name: "prod".into(),
                    source: crate::model::records::AccountSource::Aws,
                    profile: Some("prod".into()),
                },
                regions: vec!["us-east-1".into()],
            },
            Batch::Functions {
                account: "123456789012".into(),
                region: "us-east-1".into(),
                functions: vec![function],
                seen_at: 1_767_225_600,
            },
            Batch::Metrics {
                account: "123456789012".into(),
                region: "us-east-1".into(),
                series: vec![SeriesPoints {
                    function: "api".into(),
                    metric: "Invocations".into(),
                    stat: "Sum".into(),
                    period_s: 60,
                    resource: String::new(),
                    points: vec![(1_767_225_600, 3.0), (1_767_225_660, 4.0)],
                }],
                cursors: vec![(MetricsCursor::new("api", 60), 1_767_225_720)],
            },
            Batch::Logs {
                account: "123456789012".into(),
                region: "us-east-1".into(),
                hours: vec![log_hour()],
                cursors: vec![(LogsCursor::new("api"), 1_767_229_200)],
            },
            Batch::Costs {
                account: "123456789012".into(),
                rows: vec![DailyCost {
                    day,
                    service: "AWS Lambda".into(),
                    usage_type: "USE1-Lambda-GB-Second".into(),
                    unblended: Decimal::new(125, 2),
                    amortized: Decimal::new(125, 2),
                    currency: "USD".into(),
                    usage_quantity: Decimal::new(75, 0),
                    usage_unit: "Lambda-GB-Second".into(),
                    estimated: true,
                }],
                records: None,
                days: vec![(day, true)],
                fetched_at: 1_767_312_000,
            },
        ]
    }

    #[test]
    fn a_batch_lands_with_its_cursor_and_applying_it_again_changes_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let api60 = MetricsCursor::new("api", 60);
        assert_eq!(
            store.metrics_cursor("123456789012", "us-east-1", &api60).unwrap(),
            None
        );
        assert!(store.fetched_cost_days("123456789012").unwrap().is_empty());

        let first: Vec<u64> = batches().iter().map(|b| store.apply(b).unwrap()).collect();
        assert_eq!(first, [2, 1, 2, 1, 1]);
        assert_eq!(
            store.metrics_cursor("123456789012", "us-east-1", &api60).unwrap(),
            Some(1_767_225_720)
        );
        assert_eq!(
            store.metrics_cursor("123456789012", "eu-west-1", &api60).unwrap(),
            None
        );
        assert_eq!(
            store
                .metrics_cursor("123456789012", "us-east-1", &MetricsCursor::new("api", 300))
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .logs_cursor("123456789012", "us-east-1", &LogsCursor::new("api"))
                .unwrap(),
            Some(1_767_229_200)
        );
        let id = accounts::id_of(store.conn(), "123456789012").unwrap().unwrap();
        assert_eq!(
            logs::hours(store.conn(), id, 1_767_225_600, 1_767_229_200).unwrap(),
            vec![log_hour()]
        );
        assert_eq!(
            logs::covered(store.conn(), id).unwrap().get("api"),
            Some(&1_767_229_200)
        );
        let days = store.fetched_cost_days("123456789012").unwrap();
        assert_eq!(days.len(), 1);
        assert!(days[0].estimated);

        let again: Vec<u64> = batches().iter().map(|b| store.apply(b).unwrap()).collect();
        assert_eq!(again, [0, 0, 0, 0, 0]);
    }

    #[test]
    fn data_for_an_account_not_recorded_first_is_refused_whole() {
        let mut store = Store::open_in_memory().unwrap();
        let metrics = batches().swap_remove(2);
        let e = store.apply(&metrics).unwrap_err();
        assert_eq!(e.code(), crate::error_code::ErrorCode::DbCorrupt);
        assert_eq!(
            store
                .metrics_cursor("123456789012", "us-east-1", &MetricsCursor::new("api", 60))
                .unwrap(),
            None
        );
    }
}

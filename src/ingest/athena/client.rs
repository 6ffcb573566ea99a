//! The Athena and Glue calls a billing-export sync makes, each counted under its IAM action and
//! mapped to an [`IngestError`] like every other AWS call.

use crate::ingest::aws::call;
use crate::ingest::{Cancel, IngestError};
use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState, ResultConfiguration};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// The catalog's description of an export table.
#[derive(Debug, Clone)]
pub struct TableInfo {
    /// Column names, lower-case (Glue's own spelling).
    pub columns: BTreeSet<String>,
    /// The partition column holding the billing period (`billing_period`).
    pub partition_column: String,
    /// Its position among the partition keys (a partition's values are in that order).
    pub partition_index: usize,
    /// Bytes of the table's data, when the catalog records it (`sizeKey`).
    pub size_bytes: Option<u64>,
}

/// One partition (billing period) of the table.
#[derive(Debug, Clone)]
pub struct PartitionInfo {
    /// `YYYY-MM`.
    pub period: String,
    /// Bytes, when the catalog records it (`sizeKey`).
    pub size_bytes: Option<u64>,
    /// Location and parameters, as one string: changes when the export is delivered again and
    /// the catalog is updated.
    pub fingerprint: String,
}

/// A finished query.
#[derive(Debug, Clone)]
pub struct QueryOutcome {
    pub id: String,
    pub scanned_bytes: u64,
    pub engine_ms: u64,
}

/// The result rows of a query: column names (from its metadata) and values (`None` for NULL).
#[derive(Debug, Clone, Default)]
pub struct ResultRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
    pub pages: u64,
}

pub struct Clients<'a> {
    pub rt: &'a tokio::runtime::Runtime,
    pub athena: aws_sdk_athena::Client,
    pub glue: aws_sdk_glue::Client,
    pub requests: &'a mut BTreeMap<String, u64>,
    pub label: &'a str,
}

/// The partition column of a billing-period-partitioned export.
const PERIOD_COLUMNS: &[&str] = &["billing_period"];

impl Clients<'_> {
    /// The table's columns and partitioning.
    pub fn table(&mut self, database: &str, table: &str) -> Result<TableInfo, IngestError> {
        let out = call(
            self.rt,
            self.requests,
            self.label,
            "glue:GetTable",
            self.glue.get_table().database_name(database).name(table).send(),
        )?;
        let name = format!("{database}.{table}");
        let t = out.table().ok_or_else(|| IngestError::ExportTable {
            table: name.clone(),
            reason: "the Glue catalog has no such table".into(),
        })?;
        let columns: BTreeSet<String> = t
            .storage_descriptor()
            .map(|sd| {
                sd.columns()
                    .iter()
                    .map(|c| c.name().to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        let (partition_index, partition_column) = t
            .partition_keys()
            .iter()
            .map(|k| k.name().to_ascii_lowercase())
            .enumerate()
            .find(|(_, k)| PERIOD_COLUMNS.contains(&k.as_str()))
            .ok_or_else(|| IngestError::ExportTable {
                table: name.clone(),
                reason: "it is not partitioned by billing_period, so every query would scan all of it".into(),
            })?;
        Ok(TableInfo {
            columns,
            partition_column,
            partition_index,
            size_bytes: t.parameters().and_then(size_key),
        })
    }

    /// Every partition of the table, each with its billing period.
    pub fn partitions(
        &mut self,
        database: &str,
        table: &str,
        period_index: usize,
    ) -> Result<Vec<PartitionInfo>, IngestError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = call(
                self.rt,
                self.requests,
                self.label,
                "glue:GetPartitions",
                self.glue
                    .get_partitions()
                    .database_name(database)
                    .table_name(table)
                    .set_next_token(token.take())
                    .send(),
            )?;
            for p in page.partitions() {
                let Some(period) = p.values().get(period_index) else {
                    continue;
                };
                let location = p.storage_descriptor().and_then(|sd| sd.location()).unwrap_or("");
                let params: BTreeMap<&String, &String> =
                    p.parameters().map(|m| m.iter().collect()).unwrap_or_default();
                out.push(PartitionInfo {
                    period: period.clone(),
                    size_bytes: p.parameters().and_then(size_key),
                    fingerprint: format!("{location} {params:?}"),
                });
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        out.sort_by(|a, b| a.period.cmp(&b.period));
        Ok(out)
    }

    /// Run `sql` to completion: start it, poll until it is final (asking Athena to stop it when
    /// `cancel` is set), and return its statistics; a failed or cancelled query is an error
    /// carrying Athena's reason.
    pub fn run(
        &mut self,
        sql: &str,
        database: &str,
        workgroup: &str,
        output: Option<&str>,
        cancel: &Cancel,
    ) -> Result<QueryOutcome, IngestError> {
        let mut start = self
            .athena
            .start_query_execution()
            .query_string(sql)
            .query_execution_context(QueryExecutionContext::builder().database(database).build())
            .work_group(workgroup);
        if let Some(o) = output {
            start = start.result_configuration(ResultConfiguration::builder().output_location(o).build());
        }
        let started = call(
            self.rt,
            self.requests,
            self.label,
            "athena:StartQueryExecution",
            start.send(),
        )?;
        let id = started.query_execution_id().unwrap_or_default().to_string();
        let mut wait = Duration::from_millis(100);
        loop {
            if cancel.is_cancelled() {
                // Stop it on Athena's side too (it would otherwise run, and bill, to the end).
                self.stop(&id);
                return Err(IngestError::Cancelled);
            }
            let polled = match call(
                self.rt,
                self.requests,
                self.label,
                "athena:GetQueryExecution",
                self.athena.get_query_execution().query_execution_id(&id).send(),
            ) {
                Ok(p) => p,
                Err(e) => {
                    // Left running, the query would go on scanning (and billing) unwatched.
                    self.stop(&id);
                    return Err(e);
                }
            };
            let q = polled.query_execution();
            let status = q.and_then(|q| q.status());
            let stats = q.and_then(|q| q.statistics());
            let reason = || {
                status
                    .and_then(|s| s.state_change_reason())
                    .unwrap_or("no reason given")
                    .to_string()
            };
            match status.and_then(|s| s.state()) {
                Some(QueryExecutionState::Succeeded) => {
                    return Ok(QueryOutcome {
                        id,
                        scanned_bytes: stats.and_then(|s| s.data_scanned_in_bytes()).unwrap_or(0).max(0)
                            as u64,
                        engine_ms: stats
                            .and_then(|s| s.engine_execution_time_in_millis())
                            .unwrap_or(0)
                            .max(0) as u64,
                    })
                }
                Some(QueryExecutionState::Failed) => {
                    return Err(IngestError::ExportQuery {
                        engine: "Athena",
                        query_id: id,
                        state: "failed",
                        reason: reason(),
                    })
                }
                Some(QueryExecutionState::Cancelled) => {
                    return Err(IngestError::ExportQuery {
                        engine: "Athena",
                        query_id: id,
                        state: "was cancelled",
                        reason: reason(),
                    })
                }
                _ => {}
            }
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_secs(2));
        }
    }

    /// Ask Athena to stop a query (best effort: the sync is ending anyway).
    fn stop(&mut self, id: &str) {
        let _ = call(
            self.rt,
            self.requests,
            self.label,
            "athena:StopQueryExecution",
            self.athena.stop_query_execution().query_execution_id(id).send(),
        );
    }

    /// Every result row of a succeeded query, page by page (Athena's first row of the first
    /// page repeats the column names: it is dropped).
    pub fn results(&mut self, id: &str, cancel: &Cancel) -> Result<ResultRows, IngestError> {
        let mut out = ResultRows::default();
        let mut token: Option<String> = None;
        loop {
            cancel.check()?;
            let page = call(
                self.rt,
                self.requests,
                self.label,
                "athena:GetQueryResults",
                self.athena
                    .get_query_results()
                    .query_execution_id(id)
                    .max_results(1000)
                    .set_next_token(token.take())
                    .send(),
            )?;
            out.pages += 1;
            if let Some(set) = page.result_set() {
                if out.columns.is_empty() {
                    out.columns = set
                        .result_set_metadata()
                        .map(|m| {
                            m.column_info()
                                .iter()
                                .map(|c| c.name().to_ascii_lowercase())
                                .collect()
                        })
                        .unwrap_or_default();
                }
                let skip = usize::from(out.pages == 1);
                for row in set.rows().iter().skip(skip) {
                    out.rows.push(
                        row.data()
                            .iter()
                            .map(|d| d.var_char_value().map(str::to_string))
                            .collect(),
                    );
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}

/// Glue's `sizeKey` parameter (bytes of the data), when present and numeric.
fn size_key(params: &std::collections::HashMap<String, String>) -> Option<u64> {
    params.get("sizeKey").and_then(|v| v.trim().parse().ok())
}

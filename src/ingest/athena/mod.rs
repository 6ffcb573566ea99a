//! Billing at organisation scale: an AWS Data Export (CUR 2.0 or FOCUS 1.0) queried where it
//! lives, through Amazon Athena, keeping only daily aggregates locally.
//!
//! A sync reads the table's description from the Glue catalog (its columns say which export it
//! is; its partitions are the billing periods), then runs one query per billing period that is not
//! stored yet or has changed since it was read ([`plan`]), each reading only its own partition
//! ([`sql::period_query`]). A period is one batch: stored whole in one transaction, so an
//! interrupted sync re-reads at most the period in flight, and a second sync of unchanged data
//! runs no query at all. Before the first query the sync says what it expects to scan (from the
//! catalog's sizes) and, after each, what Athena reports it scanned and what that costs
//! ([`scan_cost`]).

mod client;
mod options;
pub mod results;
pub mod scan_cost;
pub mod sql;

pub use options::AthenaOptions;

use crate::ingest::aws::timeouts;
use crate::ingest::{Batch, Cancel, IngestError, Pulled, Source, Step, StoredState, SyncStage};
use crate::model::records::AccountSource;
use crate::model::{Day, ExportPeriod};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use breakeven_simulator::pricing::money::group_digits;
use client::{Clients, PartitionInfo, TableInfo};
use sql::ExportFormat;
use std::collections::{BTreeMap, VecDeque};

/// Days after its end when a billing period counts as final: AWS closes the month's bill in the
/// first days of the next. A period read before then is read again by the next sync.
pub const FINAL_AFTER_DAYS: i64 = 5;

/// A billing export read through Athena.
pub struct AthenaSource {
    opts: AthenaOptions,
    runtime: tokio::runtime::Runtime,
    config: SdkConfig,
    label: String,
    table: Option<(TableInfo, ExportFormat)>,
    todo: VecDeque<PartitionInfo>,
    planned: bool,
    done: u64,
    requests: BTreeMap<String, u64>,
}

impl AthenaSource {
    /// Resolve the profile's configuration (no request is made yet).
    pub fn new(opts: AthenaOptions) -> Result<AthenaSource, IngestError> {
        opts.check().map_err(IngestError::Config)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| IngestError::Config(format!("starting the async runtime: {e}")))?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(opts.max_attempts))
            .timeout_config(timeouts(opts.timeout_s, opts.max_attempts));
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(Region::new(r.clone()));
        }
        let config = runtime.block_on(loader.load());
        let label = opts
            .profile
            .as_ref()
            .map(|p| format!("profile {p}"))
            .unwrap_or_else(|| "the default credentials".into());
        if config.region().is_none() {
            return Err(IngestError::Config(format!(
                "no region for {label}: pass --region (the export's Athena region) or set AWS_REGION"
            )));
        }
        Ok(AthenaSource {
            opts,
            runtime,
            config,
            label,
            table: None,
            todo: VecDeque::new(),
            planned: false,
            done: 0,
            requests: BTreeMap::new(),
        })
    }

    fn clients(&mut self) -> Clients<'_> {
        Clients {
            rt: &self.runtime,
            athena: aws_sdk_athena::Client::new(&self.config),
            glue: aws_sdk_glue::Client::new(&self.config),
            requests: &mut self.requests,
            label: &self.label,
        }
    }

    fn step(&self, label: String) -> Step {
        Step {
            stage: SyncStage::Export,
            label,
            done: self.done,
            total: self.done + self.todo.len() as u64,
        }
    }

    /// Describe the table, choose the periods to read, and say what reading them will scan.
    fn plan(&mut self, state: &StoredState) -> Result<Pulled, IngestError> {
        let (database, table) = self.opts.database_table();
        let (database, table) = (database.to_string(), table.to_string());
        let name = self.opts.table.clone();
        let mut c = self.clients();
        let info = c.table(&database, &table)?;
        let format = ExportFormat::of_columns(info.columns.iter().map(String::as_str)).ok_or_else(|| {
            IngestError::ExportTable {
                table: name,
                reason: "its columns are neither a CUR 2.0 nor a FOCUS 1.0 export's".into(),
            }
        })?;
        let partitions = c.partitions(&database, &table, info.partition_index)?;
        let mut unchanged = 0u64;
        let seen: std::collections::BTreeSet<String> = partitions.iter().map(|p| p.period.clone()).collect();
        for p in partitions {
            if !self.opts.periods.is_empty() && !self.opts.periods.contains(&p.period) {
                continue;
            }
            let stored = state.export_period(&self.opts.export_name(), &p.period)?;
            if !self.opts.refresh
                && stored
                    .is_some_and(|s| s.fingerprint == p.fingerprint && read_final(&p.period, s.fetched_at))
            {
                unchanged += 1;
                continue;
            }
            self.todo.push_back(p);
        }
        let missing: Vec<&String> = self
            .opts
            .periods
            .iter()
            .filter(|p| !seen.contains(p.as_str()))
            .collect();
        if !missing.is_empty() || seen.is_empty() {
            return Err(IngestError::ExportTable {
                table: self.opts.table.clone(),
                reason: if seen.is_empty() {
                    "the Glue catalog lists no billing-period partition: run the export's crawler \
                     (or MSCK REPAIR TABLE) first"
                        .into()
                } else {
                    format!("no partition for billing period {missing:?} in the Glue catalog")
                },
            });
        }
        let note = plan_note(&self.opts.table, format, &info, &self.todo, unchanged);
        self.table = Some((info, format));
        self.planned = true;
        Ok(Pulled {
            batch: None,
            step: self.step(format!("{} periods to read", self.todo.len())),
            note: Some(note),
        })
    }

    /// Read one period whole.
    fn read(&mut self, p: PartitionInfo, cancel: &Cancel) -> Result<Pulled, IngestError> {
        let (info, format) = self.table.clone().expect("planned before reading");
        let (database, table) = self.opts.database_table();
        let sql = sql::period_query(
            format,
            &sql::table_ref(database, table),
            &info.partition_column,
            &p.period,
            &info.columns,
        );
        let (database, workgroup, output) = (
            database.to_string(),
            self.opts.workgroup.clone(),
            self.opts.output.clone(),
        );
        let mut c = self.clients();
        let q = c.run(&sql, &database, &workgroup, output.as_deref(), cancel)?;
        let result = c.results(&q.id, cancel)?;
        let rows = results::export_days(&result, &q.id)?;
        self.done += 1;
        let line_items: u64 = rows.iter().map(|r| r.line_items).sum();
        let note = format!(
            "Athena {}: scanned {} ({} bytes; billed as {}: {}), {} rows from {} line items, {:.1} s in the engine, {} result pages",
            p.period,
            scan_cost::human_bytes(q.scanned_bytes),
            group_digits(&q.scanned_bytes.to_string()),
            scan_cost::human_bytes(scan_cost::billed_bytes(q.scanned_bytes)),
            scan_cost::human_usd(scan_cost::query_usd(q.scanned_bytes)),
            group_digits(&rows.len().to_string()),
            group_digits(&line_items.to_string()),
            q.engine_ms as f64 / 1000.0,
            result.pages
        );
        let batch = Batch::ExportPeriod(Box::new(ExportPeriod {
            export: self.opts.export_name(),
            format: format.as_str().to_string(),
            period: p.period.clone(),
            fingerprint: p.fingerprint,
            rows,
            query_id: q.id,
            scanned_bytes: q.scanned_bytes,
            fetched_at: self.opts.now,
        }));
        Ok(Pulled {
            batch: Some(batch),
            step: self.step(format!("billing period {}", p.period)),
            note: Some(note),
        })
    }
}

/// Whether a period read at `fetched_at` (Unix seconds) was final then: read at least
/// [`FINAL_AFTER_DAYS`] days after its last day.
fn read_final(period: &str, fetched_at: i64) -> bool {
    let Ok(first) = format!("{period}-01").parse::<Day>() else {
        return false;
    };
    let (y, m, _) = first.plus(32).ymd();
    let Some(end) = Day::from_ymd(y, m, 1) else {
        return false;
    };
    fetched_at >= end.plus(FINAL_AFTER_DAYS).start_unix()
}

fn plan_note(
    table: &str,
    format: ExportFormat,
    info: &TableInfo,
    todo: &VecDeque<PartitionInfo>,
    unchanged: u64,
) -> String {
    let known: Option<u64> = todo.iter().map(|p| p.size_bytes).sum();
    let estimate = match known {
        Some(bytes) if !todo.is_empty() => format!(
            "estimated scan {} (from the catalog's sizes): {} at ${} per TB, 10 MB minimum per query",
            scan_cost::human_bytes(bytes),
            scan_cost::human_usd(
                todo.iter()
                    .map(|p| scan_cost::query_usd(p.size_bytes.unwrap_or(0)))
                    .sum::<rust_decimal::Decimal>()
            ),
            scan_cost::USD_PER_TB
        ),
        _ if todo.is_empty() => "nothing to scan".into(),
        _ => match info.size_bytes {
            Some(t) => format!(
                "at most {} to scan (the whole table; the catalog gives no size per period)",
                scan_cost::human_bytes(t)
            ),
            None => "the catalog records no sizes to estimate the scan from".into(),
        },
    };
    let periods: Vec<&str> = todo.iter().map(|p| p.period.as_str()).collect();
    format!(
        "Athena: {table} ({} export): {} billing periods to read{}; {unchanged} unchanged since read; {estimate}",
        match format {
            ExportFormat::Cur2 => "CUR 2.0",
            ExportFormat::Focus => "FOCUS 1.0",
        },
        todo.len(),
        if periods.is_empty() {
            String::new()
        } else {
            format!(" ({})", periods.join(", "))
        },
    )
}

impl Source for AthenaSource {
    fn kind(&self) -> AccountSource {
        AccountSource::Aws
    }

    fn scope(&self) -> String {
        let mut s = format!("athena {} workgroup {}", self.opts.table, self.opts.workgroup);
        if !self.opts.periods.is_empty() {
            s.push_str(&format!(" periods {}", self.opts.periods.join(",")));
        }
        s
    }

    fn pull(&mut self, state: &StoredState, cancel: &Cancel) -> Result<Option<Pulled>, IngestError> {
        cancel.check()?;
        if !self.planned {
            return self.plan(state).map(Some);
        }
        match self.todo.pop_front() {
            Some(p) => self.read(p, cancel).map(Some),
            None => Ok(None),
        }
    }

    fn requests(&self) -> BTreeMap<String, u64> {
        self.requests.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_final_five_days_after_its_end() {
        let at = |d: &str| d.parse::<Day>().unwrap().start_unix();
        assert!(!read_final("2026-11", at("2026-12-05")));
        assert!(read_final("2026-11", at("2026-12-06")));
        assert!(read_final("2026-12", at("2027-01-06")));
        assert!(!read_final("not-a-period", at("2030-01-01")));
    }
}

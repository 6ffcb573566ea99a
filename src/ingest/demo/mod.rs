//! The demo account: a synthetic but realistic AWS account generated from a seed, loaded through
//! the same [`Source`] path as a real sync. Documented in `fixtures/demo/README.md`.
//!
//! It spans the `days` whole UTC days before `until` (default: yesterday), with metrics at the
//! periods CloudWatch would return for their age (60 s for the last 14 days, 300 s up to 62 days,
//! 1 h beyond), the REPORT records of the same invocations summed per hour (cold starts, INIT,
//! memory used; all but [`account::WITHOUT_LOGS`]), and a daily bill priced from the same usage
//! with the simulator's catalog, INIT included.

pub mod account;
pub mod bill;
pub mod rng;
pub mod traffic;

use crate::ingest::aws::cloudwatch::windows;
use crate::ingest::{Batch, Cancel, IngestError, Pulled, Source, Step, StoredState, SyncStage};
use crate::model::records::{AccountRecord, AccountSource, FunctionRecord};
use crate::model::{Day, LogsCursor, MetricsCursor};
use breakeven_simulator::pricing::PriceCatalog;
use std::collections::{BTreeMap, VecDeque};

/// Account key of the demo account.
pub const ACCOUNT: &str = "demo";
/// The source name its sync runs are recorded under.
pub const SOURCE_KIND: AccountSource = AccountSource::Demo;
/// The demo account's fake AWS account id, used in ARNs.
pub const ACCOUNT_ID: &str = "123456789012";
/// Default seed: the documented demo account.
pub const DEFAULT_SEED: u64 = 20_261_127;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    /// Days of data.
    pub days: u32,
    /// Data ends at the start of this day (UTC).
    pub until: Day,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            seed: DEFAULT_SEED,
            days: 90,
            until: Day::today(),
        }
    }
}

/// Generates the demo account one function at a time.
pub struct DemoSource {
    opts: DemoOptions,
    catalog: PriceCatalog,
    pending: VecDeque<account::DemoFunction>,
    queue: VecDeque<Pulled>,
    ledger: bill::Ledger,
    total: u64,
    done: u64,
    started: bool,
}

impl DemoSource {
    pub fn new(opts: DemoOptions, catalog: PriceCatalog) -> DemoSource {
        let pending: VecDeque<_> = account::functions().into();
        let total = pending.len() as u64;
        DemoSource {
            opts,
            catalog,
            pending,
            queue: VecDeque::new(),
            ledger: bill::Ledger::default(),
            total,
            done: 0,
            started: false,
        }
    }

    fn step(&self, label: String) -> Step {
        Step {
            stage: SyncStage::Demo,
            label,
            done: self.done,
            total: self.total,
        }
    }

    fn record(f: &account::DemoFunction) -> FunctionRecord {
        FunctionRecord {
            name: f.name.to_string(),
            arn: format!("arn:aws:lambda:{}:{ACCOUNT_ID}:function:{}", bill::REGION, f.name),
            runtime: Some(f.runtime.to_string()),
            memory_mb: f.memory_mb,
            architecture: f.arch.to_string(),
            timeout_s: f.timeout_s,
            ephemeral_storage_mb: f.ephemeral_mb,
            package_type: "Zip".into(),
            provisioned_concurrency: f.provisioned,
            last_modified: None,
        }
    }

    fn start(&mut self) {
        self.started = true;
        let functions: Vec<FunctionRecord> = self.pending.iter().map(Self::record).collect();
        let now = self.opts.until.start_unix();
        self.queue.push_back(Pulled {
            batch: Some(Batch::Account {
                account: AccountRecord {
                    key: ACCOUNT.into(),
                    name: "Demo account (synthetic)".into(),
                    source: AccountSource::Demo,
                    profile: None,
                },
                regions: vec![bill::REGION.into()],
            }),
            step: self.step("demo account".into()),
            note: None,
        });
        self.queue.push_back(Pulled {
            batch: Some(Batch::Functions {
                account: ACCOUNT.into(),
                region: bill::REGION.into(),
                functions,
                seen_at: now,
            }),
            step: self.step(format!("{} functions", self.total)),
            note: None,
        });
    }

    /// Simulate one function: one metrics batch per window, its usage into the ledger.
    fn function(&mut self, f: &account::DemoFunction) -> Result<(), IngestError> {
        let now = self.opts.until.start_unix();
        let ws = windows(now, self.opts.days);
        let generated = traffic::generate(f, &ws, &rng::Rng::new(self.opts.seed));
        for (day, usage) in &generated.days {
            self.ledger
                .add(&self.catalog, f, *day, usage)
                .map_err(|e| IngestError::Unexpected {
                    action: "pricing the demo account".into(),
                    detail: e.to_string(),
                })?;
        }
        self.done += 1;
        for (w, series) in ws.iter().zip(generated.series) {
            let points: usize = series.iter().map(|s| s.points.len()).sum();
            self.queue.push_back(Pulled {
                batch: Some(Batch::Metrics {
                    account: ACCOUNT.into(),
                    region: bill::REGION.into(),
                    series,
                    cursors: vec![(MetricsCursor::new(f.name, w.period_s), w.end)],
                }),
                step: self.step(format!("{}: {points} points at {} s", f.name, w.period_s)),
                note: None,
            });
        }
        if f.logs {
            let n = generated.hours.len();
            self.queue.push_back(Pulled {
                batch: Some(Batch::Logs {
                    account: ACCOUNT.into(),
                    region: bill::REGION.into(),
                    hours: generated.hours,
                    cursors: vec![(LogsCursor::new(f.name), now)],
                }),
                step: self.step(format!("{}: REPORT records of {n} hours", f.name)),
                note: None,
            });
        }
        Ok(())
    }
}

impl Source for DemoSource {
    fn kind(&self) -> AccountSource {
        SOURCE_KIND
    }

    fn scope(&self) -> String {
        format!(
            "demo seed {}; {} days until {}",
            self.opts.seed, self.opts.days, self.opts.until
        )
    }

    fn pull(&mut self, _state: &StoredState, cancel: &Cancel) -> Result<Option<Pulled>, IngestError> {
        cancel.check()?;
        if !self.started {
            self.start();
        }
        if self.queue.is_empty() {
            if let Some(f) = self.pending.pop_front() {
                self.function(&f)?;
            } else if self.done == self.total {
                // Every function is priced: the bill goes last.
                self.done += 1;
                let first = self.opts.until.plus(-i64::from(self.opts.days));
                let (rows, records) = self.ledger.rows(Some(&bill::SAVINGS_PLAN));
                let days = (first.0..self.opts.until.0).map(|d| (Day(d), false)).collect();
                let n = rows.len();
                self.queue.push_back(Pulled {
                    batch: Some(Batch::Costs {
                        account: ACCOUNT.into(),
                        rows,
                        records: Some(records),
                        days,
                        fetched_at: self.opts.until.start_unix(),
                    }),
                    step: Step {
                        stage: SyncStage::Demo,
                        label: format!("{n} daily cost rows"),
                        done: self.total,
                        total: self.total,
                    },
                    note: None,
                });
            }
        }
        Ok(self.queue.pop_front())
    }

    fn requests(&self) -> BTreeMap<String, u64> {
        BTreeMap::new()
    }
}

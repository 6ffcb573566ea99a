//! A real AWS account through the AWS SDK for Rust: Lambda inventory, CloudWatch metrics, Lambda's
//! REPORT records from CloudWatch Logs and Cost Explorer daily costs.
//!
//! Credentials come from `aws-config`'s default chain (environment, profiles including SSO,
//! container and instance roles), and `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` override
//! endpoints. Nothing here stores or prints a credential: only profile names and account ids.
//! Throttling and 5xx answers are retried by the SDK's standard retry strategy (exponential
//! backoff with jitter); what still fails is mapped to an [`IngestError`] naming the IAM action.
//!
//! Every request is bounded in time ([`AwsOptions::timeout_s`], see [`timeouts`]): an endpoint that
//! accepts the connection and never answers fails the attempt, and after
//! [`AwsOptions::max_attempts`] attempts the sync, instead of waiting forever.
//!
//! With `--region` given, the region is not looked up (the SDK would otherwise ask the EC2
//! instance metadata service, 169.254.169.254, when no region is in the environment or profile);
//! credentials from the environment or a profile come before the instance role in the chain, so
//! with both no request goes to the metadata service. `AWS_EC2_METADATA_DISABLED=true` turns
//! it off altogether.

mod call;
pub mod cloudwatch;
pub mod costexplorer;
pub mod insights;
pub mod lambda;
pub mod logs;
mod options;
pub mod report;

pub(crate) use call::{call, map_error};
pub use options::{
    timeouts, AwsOptions, MetricDetail, DEFAULT_TIMEOUT_S, MAX_ATTEMPTS, MAX_DAYS, MAX_TIMEOUT_S,
};

use crate::ingest::{Batch, Cancel, IngestError, Pulled, Source, Step, StoredState, SyncStage};
use crate::model::records::{AccountRecord, AccountSource, FunctionRecord};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sts::error::BoxError;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

struct Profile {
    label: String,
    config: SdkConfig,
    /// AWS account id, known after the identity step.
    account: Option<String>,
    regions: Vec<String>,
}

enum Task {
    Identity {
        profile: usize,
    },
    Inventory {
        profile: usize,
        region: usize,
    },
    PlanMetrics {
        profile: usize,
        region: usize,
    },
    Metrics {
        profile: usize,
        region: usize,
        /// The profile whose client sends the request: `profile`, or a monitoring account's.
        via: usize,
        request: cloudwatch::MetricRequest,
        token: Option<String>,
    },
    Insights {
        profile: usize,
        region: usize,
        via: usize,
        request: insights::InsightsRequest,
        token: Option<String>,
    },
    PlanLogs {
        profile: usize,
        region: usize,
    },
    Logs {
        profile: usize,
        region: usize,
        job: logs::LogJob,
        token: Option<String>,
        /// The chunk's pages read so far.
        hours: Box<report::Hours>,
    },
    PlanCosts {
        profile: usize,
    },
    Costs {
        profile: usize,
        range: costexplorer::DayRange,
    },
}

/// The AWS source: a queue of tasks, each pulled as one or more requests.
pub struct AwsSource {
    opts: AwsOptions,
    runtime: tokio::runtime::Runtime,
    profiles: Vec<Profile>,
    tasks: VecDeque<Task>,
    inventory: HashMap<(usize, usize), Vec<FunctionRecord>>,
    /// (profile, region, function) → where its REPORT records are.
    log_targets: HashMap<(usize, usize, String), logs::LogTarget>,
    /// (profile, region, function) → CloudWatch's Invocations per hour seen this run.
    invocations: HashMap<(usize, usize, String), BTreeMap<i64, f64>>,
    /// Profiles whose CloudWatch Logs reads were denied (warned about once).
    logs_denied: HashSet<usize>,
    /// An error that did not stop the sync (a denied log read), returned once all else is done.
    deferred: Option<IngestError>,
    /// Accounts whose costs are planned already (two profiles may reach one account).
    costed: HashSet<String>,
    requests: BTreeMap<String, u64>,
    attempts: Attempts,
    progress: HashMap<SyncStage, (u64, u64)>,
}

impl AwsSource {
    /// Resolve each profile's configuration (no request is made yet).
    pub fn new(opts: AwsOptions) -> Result<AwsSource, IngestError> {
        opts.check().map_err(IngestError::Config)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| IngestError::Config(format!("starting the async runtime: {e}")))?;
        let mut profiles = Vec::new();
        let mut tasks = VecDeque::new();
        let list = if opts.profiles.is_empty() {
            vec![None]
        } else {
            opts.profiles.clone()
        };
        for (i, name) in list.iter().enumerate() {
            let mut loader = aws_config::defaults(BehaviorVersion::latest())
                .retry_config(RetryConfig::standard().with_max_attempts(opts.max_attempts))
                .timeout_config(timeouts(opts.timeout_s, opts.max_attempts));
            if let Some(n) = name {
                loader = loader.profile_name(n);
            }
            // A region given needs no lookup: without this the SDK's region chain would ask the
            // instance metadata service whenever the environment and profile name none.
            if let Some(first) = opts.regions.first() {
                loader = loader.region(Region::new(first.clone()));
            }
            let config = runtime.block_on(loader.load());
            let label = name
                .clone()
                .map(|n| format!("profile {n}"))
                .unwrap_or_else(|| "the default credentials".into());
            let regions = if opts.regions.is_empty() {
                match config.region() {
                    Some(r) => vec![r.to_string()],
                    None => {
                        return Err(IngestError::Config(format!(
                        "no region for {label}: pass --region or set AWS_REGION or a region in the profile"
                    )))
                    }
                }
            } else {
                opts.regions.clone()
            };
            profiles.push(Profile {
                label,
                config,
                account: None,
                regions,
            });
            tasks.push_back(Task::Identity { profile: i });
        }
        Ok(AwsSource {
            opts,
            runtime,
            profiles,
            tasks,
            inventory: HashMap::new(),
            log_targets: HashMap::new(),
            invocations: HashMap::new(),
            logs_denied: HashSet::new(),
            deferred: None,
            costed: HashSet::new(),
            requests: BTreeMap::new(),
            attempts: Attempts::default(),
            progress: HashMap::new(),
        })
    }

    /// SDK configuration of one profile pinned to `region`.
    fn config(&self, profile: usize, region: &str) -> SdkConfig {
        self.profiles[profile]
            .config
            .to_builder()
            .region(Region::new(region.to_string()))
            .build()
    }

    fn sts(&self, p: usize, region: &str) -> aws_sdk_sts::Client {
        let conf = aws_sdk_sts::config::Builder::from(&self.config(p, region))
            .interceptor(self.attempts.of("sts"))
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    pub(super) fn lambda(&self, p: usize, region: &str) -> aws_sdk_lambda::Client {
        let conf = aws_sdk_lambda::config::Builder::from(&self.config(p, region))
            .interceptor(self.attempts.of("lambda"))
            .build();
        aws_sdk_lambda::Client::from_conf(conf)
    }

    pub(super) fn cloudwatch(&self, p: usize, region: &str) -> aws_sdk_cloudwatch::Client {
        let conf = aws_sdk_cloudwatch::config::Builder::from(&self.config(p, region))
            .interceptor(self.attempts.of("cloudwatch"))
            .build();
        aws_sdk_cloudwatch::Client::from_conf(conf)
    }

    pub(super) fn logs_client(&self, p: usize, region: &str) -> aws_sdk_cloudwatchlogs::Client {
        let conf = aws_sdk_cloudwatchlogs::config::Builder::from(&self.config(p, region))
            .interceptor(self.attempts.of("logs"))
            .build();
        aws_sdk_cloudwatchlogs::Client::from_conf(conf)
    }

    /// Cost Explorer is a global service answered in us-east-1.
    pub(super) fn costexplorer(&self, p: usize) -> aws_sdk_costexplorer::Client {
        let conf = aws_sdk_costexplorer::config::Builder::from(&self.config(p, "us-east-1"))
            .interceptor(self.attempts.of("ce"))
            .build();
        aws_sdk_costexplorer::Client::from_conf(conf)
    }

    fn account(&self, profile: usize) -> Result<String, IngestError> {
        self.profiles[profile]
            .account
            .clone()
            .ok_or_else(|| IngestError::Unexpected {
                action: "sts:GetCallerIdentity".into(),
                detail: "account id not resolved".into(),
            })
    }

    /// Count a stage's units: `add` more known, `done` more finished.
    fn step(&mut self, stage: SyncStage, add: u64, done: u64, label: String) -> Step {
        let e = self.progress.entry(stage).or_insert((0, 0));
        e.1 += add;
        e.0 += done;
        Step {
            stage,
            label,
            done: e.0,
            total: e.1,
        }
    }

    fn identity(&mut self, p: usize) -> Result<Pulled, IngestError> {
        let region = self.profiles[p].regions[0].clone();
        let client = self.sts(p, &region);
        let label = self.profiles[p].label.clone();
        let out = call(
            &self.runtime,
            &mut self.requests,
            &label,
            "sts:GetCallerIdentity",
            client.get_caller_identity().send(),
        )?;
        let account = out
            .account()
            .map(str::to_string)
            .ok_or_else(|| IngestError::Unexpected {
                action: "sts:GetCallerIdentity".into(),
                detail: "no account id in the answer".into(),
            })?;
        // Two profiles acting as one account are usually the environment's keys taking over.
        let twin = self
            .profiles
            .iter()
            .find(|q| q.account.as_deref() == Some(account.as_str()))
            .map(|q| q.label.clone());
        self.profiles[p].account = Some(account.clone());
        let note = twin.map(|other| {
            let env = if std::env::var_os("AWS_ACCESS_KEY_ID").is_some() {
                ": AWS_ACCESS_KEY_ID is set in the environment, and the AWS SDK's credential chain \
                 takes it before any profile; unset it to sync with each profile's own credentials"
            } else {
                ""
            };
            format!("{label} acts as account {account}, as {other} does{env}")
        });
        let regions = self.profiles[p].regions.clone();
        for r in 0..regions.len() {
            self.tasks.push_back(Task::Inventory {
                profile: p,
                region: r,
            });
        }
        if self.opts.costs && self.costed.insert(account.clone()) {
            // Plan costs first so the user sees what Cost Explorer will charge before any other
            // work; the requests themselves go last.
            self.tasks.push_front(Task::PlanCosts { profile: p });
        }
        let step = self.step(SyncStage::Identity, 1, 1, format!("account {account} ({label})"));
        let profile = self.opts.profiles.get(p).cloned().flatten();
        Ok(Pulled {
            batch: Some(Batch::Account {
                account: AccountRecord {
                    key: account.clone(),
                    name: format!("AWS {account}"),
                    source: AccountSource::Aws,
                    profile,
                },
                regions,
            }),
            step,
            note,
        })
    }
}

impl Source for AwsSource {
    fn kind(&self) -> AccountSource {
        AccountSource::Aws
    }

    fn scope(&self) -> String {
        let profiles: Vec<&str> = self.profiles.iter().map(|p| p.label.as_str()).collect();
        let mut regions: Vec<&str> = self
            .profiles
            .iter()
            .flat_map(|p| p.regions.iter().map(String::as_str))
            .collect();
        regions.dedup();
        format!(
            "{}; regions {}; {} days{}{}{}",
            profiles.join(", "),
            regions.join(", "),
            self.opts.days,
            if self.opts.detail == MetricDetail::Minute {
                String::new()
            } else {
                format!("; metrics per {}", self.opts.detail)
            },
            if self.opts.costs { "" } else { "; no costs" },
            if self.opts.logs { "" } else { "; no logs" }
        )
    }

    fn pull(&mut self, state: &StoredState, cancel: &Cancel) -> Result<Option<Pulled>, IngestError> {
        cancel.check()?;
        let Some(task) = self.tasks.pop_front() else {
            // Everything else is stored: now say what was skipped.
            return match self.deferred.take() {
                Some(e) => Err(e),
                None => Ok(None),
            };
        };
        let pulled = match task {
            Task::Identity { profile } => self.identity(profile)?,
            Task::Inventory { profile, region } => self.inventory(profile, region, cancel)?,
            Task::PlanMetrics { profile, region } => self.plan_metrics(state, profile, region)?,
            Task::Metrics {
                profile,
                region,
                via,
                request,
                token,
            } => self.metrics(profile, region, via, request, token)?,
            Task::Insights {
                profile,
                region,
                via,
                request,
                token,
            } => self.insights(profile, region, via, request, token)?,
            Task::PlanLogs { profile, region } => self.plan_logs(state, profile, region)?,
            Task::Logs {
                profile,
                region,
                job,
                token,
                hours,
            } => self.logs(profile, region, job, token, hours)?,
            Task::PlanCosts { profile } => self.plan_costs(state, profile)?,
            Task::Costs { profile, range } => self.costs(profile, range, cancel)?,
        };
        Ok(Some(pulled))
    }

    fn requests(&self) -> BTreeMap<String, u64> {
        self.requests.clone()
    }

    fn attempts(&self) -> BTreeMap<String, u64> {
        self.attempts.counts.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// Counts HTTP attempts as they are sent, retries included, per service (the SDK retries inside
/// one call, so counting calls alone would hide them).
#[derive(Debug, Clone, Default)]
struct Attempts {
    service: &'static str,
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl Attempts {
    /// A counter for one service's client, sharing this one's tally.
    fn of(&self, service: &'static str) -> Attempts {
        Attempts {
            service,
            counts: self.counts.clone(),
        }
    }
}

impl Intercept for Attempts {
    fn name(&self) -> &'static str {
        "breakeven-attempts"
    }

    fn read_before_transmit(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Ok(mut m) = self.counts.lock() {
            *m.entry(self.service.to_string()).or_insert(0) += 1;
        }
        Ok(())
    }
}

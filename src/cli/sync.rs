//! `breakeven sync`: pull Lambda inventory, CloudWatch metrics, REPORT records from CloudWatch Logs
//! and Cost Explorer costs; or, with `--athena`, a billing export's daily aggregates.

use crate::cli::interrupt::cancel_on_ctrl_c;
use crate::cli::progress::Bar;
use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::sync::{sync_athena, sync_aws, SyncReport};
use breakeven::app::AppError;
use breakeven::error_code::ErrorCode;
use breakeven::ingest::athena::AthenaOptions;
use breakeven::ingest::aws::{AwsOptions, MetricDetail, DEFAULT_TIMEOUT_S};
use clap::Args;

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// AWS profile (repeat for several accounts); default: the standard credential chain.
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,
    /// Region (repeat for several); default: the profile's region.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Days of metrics and costs to fetch (at most 454).
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    /// Skip Cost Explorer (each of its requests costs $0.01).
    #[arg(long)]
    pub no_costs: bool,
    /// Skip reading Lambda's REPORT records from CloudWatch Logs (cold starts, INIT, memory used).
    #[arg(long)]
    pub no_logs: bool,
    /// Re-fetch estimated cost days even if fetched in the last 8 hours.
    #[arg(long)]
    pub refresh_costs: bool,
    /// Attempts per request (at most 10); throttling, 5xx answers and timeouts are retried with backoff.
    #[arg(long, default_value_t = 5)]
    pub max_attempts: u32,
    /// Seconds one attempt of a request may take, connecting included (1–3600); a request fails
    /// after --max-attempts attempts without an answer.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TIMEOUT_S)]
    pub timeout: u32,
    /// How finely metrics are stored: `minute` (CloudWatch's finest for each age), or `hour` /
    /// `day`, aggregated by CloudWatch (Metrics Insights for the last two weeks: a few requests
    /// per account) for fleets too large to keep every minute.
    #[arg(long, value_name = "minute|hour|day", default_value = "minute")]
    pub detail: String,
    /// Read every account's metrics through this profile: a CloudWatch cross-account
    /// observability monitoring account (one of the --profile profiles).
    #[arg(long, value_name = "PROFILE")]
    pub metrics_from: Option<String>,
    /// Read billing from an AWS Data Export (CUR 2.0 or FOCUS 1.0) through Athena instead:
    /// its Glue DATABASE.TABLE. Only daily aggregates are stored (see docs/athena.md).
    #[arg(long, value_name = "DATABASE.TABLE")]
    pub athena: Option<String>,
    /// The Athena work group the export's queries run in (with --athena).
    #[arg(long, value_name = "NAME", default_value = "primary", requires = "athena")]
    pub workgroup: String,
    /// Where Athena writes query results, s3://BUCKET/PREFIX/ (with --athena; default: the work
    /// group's setting).
    #[arg(long, value_name = "S3_URI", requires = "athena")]
    pub output: Option<String>,
    /// Only this billing period, YYYY-MM (repeat for several; with --athena).
    #[arg(long = "period", value_name = "YYYY-MM", requires = "athena")]
    pub periods: Vec<String>,
    /// Read the chosen billing periods again even when unchanged (with --athena).
    #[arg(long, requires = "athena")]
    pub refresh: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, a: SyncArgs) -> anyhow::Result<()> {
    // Ctrl-C stops the sync between two requests and records the run as cancelled; what was
    // committed stays, and the next sync fetches the rest.
    let cancel = cancel_on_ctrl_c()?;
    if a.athena.is_some() {
        return athena(g, a, &cancel);
    }
    let detail: MetricDetail = a.detail.parse().map_err(|_| {
        AppError::bad_input(
            ErrorCode::BadInput,
            format!("--detail {}: choose minute, hour or day", a.detail),
        )
    })?;
    let metrics_from = match &a.metrics_from {
        None => None,
        Some(name) => Some(a.profiles.iter().position(|p| p == name).ok_or_else(|| {
            AppError::bad_input(
                ErrorCode::BadInput,
                format!("--metrics-from {name}: give it as one of the --profile profiles too"),
            )
        })?),
    };
    let opts = AwsOptions {
        profiles: if a.profiles.is_empty() {
            vec![None]
        } else {
            a.profiles.into_iter().map(Some).collect()
        },
        regions: a.regions,
        days: a.days,
        costs: !a.no_costs,
        logs: !a.no_logs,
        refresh_costs: a.refresh_costs,
        max_attempts: a.max_attempts,
        timeout_s: a.timeout,
        now: breakeven::store::now_s(),
        detail,
        metrics_from,
    };
    let checked = opts.check();
    let Some(report) = synced(g, a.json, checked, |store, bar| {
        sync_aws(store, opts, bar, &cancel)
    })?
    else {
        return Ok(());
    };
    print_requests(&report.requests);
    let ce = report.requests_to("ce:GetCostAndUsage");
    let calls: u64 = report.requests.values().sum();
    let attempts: u64 = report.http_attempts.values().sum();
    println!(
        "Sync {} finished: {} rows written; {calls} requests ({} retried), {ce} to Cost Explorer (${}.{:02}).",
        report.run_id,
        report.rows_written,
        attempts.saturating_sub(calls),
        ce / 100,
        ce % 100
    );
    Ok(())
}

/// `sync --athena`: one billing export, through Athena.
fn athena(g: &Globals, a: SyncArgs, cancel: &breakeven::app::sync::Cancel) -> anyhow::Result<()> {
    if a.profiles.len() > 1 || a.regions.len() > 1 {
        return Err(AppError::bad_input(
            ErrorCode::SyncFlag,
            "--athena reads one export: give at most one --profile and one --region (the export's)",
        )
        .into());
    }
    let opts = AthenaOptions {
        profile: a.profiles.into_iter().next(),
        region: a.regions.into_iter().next(),
        table: a.athena.unwrap_or_default(),
        workgroup: a.workgroup,
        output: a.output,
        periods: a.periods,
        refresh: a.refresh,
        max_attempts: a.max_attempts,
        timeout_s: a.timeout,
        now: breakeven::store::now_s(),
    };
    let checked = opts.check();
    let Some(report) = synced(g, a.json, checked, |store, bar| {
        sync_athena(store, opts, bar, cancel)
    })?
    else {
        return Ok(());
    };
    // The plan and each query's bytes and cost were printed as they happened (stderr).
    print_requests(&report.requests);
    let calls: u64 = report.requests.values().sum();
    println!(
        "Sync {} finished: {} rows written; {calls} requests, {} Athena queries.",
        report.run_id,
        report.rows_written,
        report.requests_to("athena:StartQueryExecution"),
    );
    Ok(())
}

/// The requests a sync made, per AWS action.
fn print_requests(requests: &std::collections::BTreeMap<String, u64>) {
    let mut t = Table::new(&[("AWS action", Align::Left), ("Requests", Align::Right)]);
    for (action, n) in requests {
        t.row(vec![action.clone(), n.to_string()]);
    }
    print!("{}", t.render());
}

/// Run a sync whose options passed `checked` with a progress bar; with `json`, print its
/// report and return `None`.
fn synced(
    g: &Globals,
    json: bool,
    checked: Result<(), String>,
    run: impl FnOnce(&mut breakeven::store::Store, &Bar) -> breakeven::app::Result<SyncReport>,
) -> anyhow::Result<Option<SyncReport>> {
    checked.map_err(|m| AppError::bad_input(ErrorCode::SyncFlag, m))?;
    let mut store = g.open_store()?;
    let bar = Bar::new(json);
    let report = run(&mut store, &bar);
    bar.finish();
    let report = report?;
    if json {
        print_json(&report)?;
        return Ok(None);
    }
    Ok(Some(report))
}

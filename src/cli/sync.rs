//! `breakeven sync`: pull Lambda inventory, CloudWatch metrics, REPORT records from CloudWatch Logs
//! and Cost Explorer costs.

use crate::cli::interrupt::cancel_on_ctrl_c;
use crate::cli::progress::Bar;
use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::sync::sync_aws;
use breakeven::app::AppError;
use breakeven::error_code::ErrorCode;
use breakeven::ingest::aws::{AwsOptions, DEFAULT_TIMEOUT_S};
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
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, a: SyncArgs) -> anyhow::Result<()> {
    // Ctrl-C stops the sync between two requests and records the run as cancelled; what was
    // committed stays, and the next sync fetches the rest.
    let cancel = cancel_on_ctrl_c()?;
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
    };
    opts.check()
        .map_err(|m| AppError::bad_input(ErrorCode::SyncFlag, m))?;
    let mut store = g.open_store()?;
    let bar = Bar::new(a.json);
    let report = sync_aws(&mut store, opts, &bar, &cancel);
    bar.finish();
    let report = report?;
    if a.json {
        return print_json(&report);
    }
    let mut t = Table::new(&[("AWS action", Align::Left), ("Requests", Align::Right)]);
    for (action, n) in &report.requests {
        t.row(vec![action.clone(), n.to_string()]);
    }
    print!("{}", t.render());
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

//! `breakeven estimate`: the closed-form monthly bill of a usage profile on one platform.

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::estimate::{estimate, EstimateReport, EstimateRequest};
pub use breakeven::app::parse::{parse_count, parse_count_u32, parse_decimal};
use breakeven::app::AppError;
use breakeven::error_code::ErrorCode;
use breakeven_simulator::pricing::limits::ProfileError;
use breakeven_simulator::pricing::money::group_digits;
use breakeven_simulator::pricing::{Arch, Commitment, UsageProfile};
use clap::Args;
use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(Debug, Args)]
pub struct EstimateArgs {
    /// Platform id (see `breakeven catalog list`), e.g. aws-lambda, vm:aws/m7g.large.
    #[arg(long)]
    platform: String,
    /// Region (default: the platform's first priced region).
    #[arg(long)]
    region: Option<String>,
    /// Requests per month; accepts 2500000, 2.5M, 1e6, 3B (at most 10^15).
    #[arg(long, default_value = "0", value_parser = parse_count)]
    requests: u64,
    /// Average duration of one request, ms (at most 86,400,000: one day).
    #[arg(long, default_value = "0", value_parser = parse_decimal)]
    duration_ms: Decimal,
    /// Function memory, MB (1 to 1,048,576; the platform's own range applies too).
    #[arg(long, value_parser = parse_count_u32)]
    memory_mb: Option<u32>,
    /// CPU architecture: x86_64 or arm64.
    #[arg(long, default_value = "x86_64", value_parser = Arch::from_str)]
    arch: Arch,
    /// Average CPU time of one request, ms (Cloudflare Workers bills CPU time; at most one day).
    #[arg(long, value_parser = parse_decimal)]
    cpu_ms: Option<Decimal>,
    /// Always-warm instances: provisioned concurrency, always-ready, min instances (at most 100,000).
    #[arg(long, default_value = "0", value_parser = parse_count_u32)]
    provisioned_concurrency: u32,
    /// Hours instances or provisioned capacity run in the month (default 730, at most 744).
    #[arg(long, value_parser = parse_decimal)]
    hours: Option<Decimal>,
    /// Instances / tasks / VMs kept running (at most 100,000).
    #[arg(long, value_parser = parse_count_u32)]
    instances: Option<u32>,
    /// vCPUs per instance or task (0.001 to 1,024).
    #[arg(long, value_parser = parse_decimal)]
    vcpu: Option<Decimal>,
    /// Memory per instance or task, GB (0.001 to 32,768).
    #[arg(long, value_parser = parse_decimal)]
    memory_gb: Option<Decimal>,
    /// Named instance size (Azure Premium: EP1, EP2, EP3).
    #[arg(long)]
    size: Option<String>,
    /// Requests one instance serves at once (instance-billed platforms; default 1, at most 100,000).
    #[arg(long, value_parser = parse_count_u32)]
    concurrency: Option<u32>,
    /// Cold starts in the month (at most --requests).
    #[arg(long, default_value = "0", value_parser = parse_count)]
    cold_starts: u64,
    /// Init time of one cold start, ms (at most one day).
    #[arg(long, default_value = "0", value_parser = parse_decimal)]
    init_ms: Decimal,
    /// Ephemeral storage, MB (AWS Lambda: 512, included, to 10,240).
    #[arg(long, default_value = "512", value_parser = parse_count_u32)]
    ephemeral_storage_mb: u32,
    /// Instance pricing: on-demand, 1yr, 3yr or spot (where the catalog has the rate).
    #[arg(long, default_value = "on-demand", value_parser = Commitment::from_str)]
    pricing: Commitment,
    /// Ignore the provider's free tier (a plan's included allowances still apply).
    #[arg(long)]
    no_free_tier: bool,
    /// A negotiated discount off list: PROVIDER=PCT (`aws=7%`) or PROVIDER:PLATFORM=PCT;
    /// repeatable; over the config file's `[discounts]`.
    #[arg(long = "discount", value_name = "PROVIDER=PCT", value_parser = crate::cli::parse_discount)]
    discounts: Vec<breakeven_simulator::pricing::Discount>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(g: &Globals, a: EstimateArgs) -> anyhow::Result<()> {
    let req = EstimateRequest {
        platform: a.platform.clone(),
        region: a.region.clone(),
        profile: UsageProfile {
            requests: a.requests,
            duration_ms: a.duration_ms,
            memory_mb: a.memory_mb,
            arch: a.arch,
            cpu_ms: a.cpu_ms,
            provisioned_concurrency: a.provisioned_concurrency,
            hours: a.hours,
            instances: a.instances,
            vcpu: a.vcpu,
            memory_gb: a.memory_gb,
            size: a.size.clone(),
            concurrency: a.concurrency,
            cold_starts: a.cold_starts,
            init_ms: a.init_ms,
            ephemeral_storage_mb: a.ephemeral_storage_mb,
            free_tier: !a.no_free_tier,
            commitment: a.pricing,
        },
    };
    // The limits first, named by flag (the application layer checks them again, by field).
    req.profile
        .validate()
        .map_err(|e| AppError::bad_input(ErrorCode::BadUsage, e.describe(ProfileError::flag)))?;
    let catalog = g.load_catalog()?;
    let mut report = estimate(&catalog, &req)?;
    let discounts = g.discounts(&a.discounts)?;
    let platform = catalog.platform(&req.platform).map_err(AppError::from)?;
    if let Some(d) = breakeven_simulator::pricing::discount::for_platform(&discounts, platform) {
        breakeven_simulator::pricing::discount::apply(&mut report.cost, d);
    }
    if a.json {
        print_json(&report)
    } else {
        print!("{}", render(&report));
        Ok(())
    }
}

fn render(r: &EstimateReport) -> String {
    let c = &r.cost;
    let mut out = format!("{} ({}) · {}\n", r.platform_name, c.platform, c.region);
    if let Some((lo, hi)) = &r.prices_as_of {
        let when = if lo == hi {
            lo.clone()
        } else {
            format!("{lo} … {hi}")
        };
        out.push_str(&format!("catalog {} · prices as of {when}\n", r.catalog_version));
    }
    out.push('\n');
    let mut t = Table::new(&[
        ("Item", Align::Left),
        ("Quantity", Align::Right),
        ("Unit", Align::Left),
        ("Unit price", Align::Right),
        ("Amount", Align::Right),
    ]);
    for l in &c.lines {
        t.row(vec![
            l.item.clone(),
            group_decimal(l.quantity),
            l.unit.clone(),
            format!("${}", l.unit_price.normalize()),
            l.amount.to_string(),
        ]);
    }
    t.rule();
    t.row(vec![
        "Total per month".into(),
        String::new(),
        String::new(),
        String::new(),
        c.total.to_string(),
    ]);
    out.push_str(&t.render());
    if !c.free_tier.is_zero() {
        out.push_str(&format!(
            "free tier and included allowances: {} (already deducted)\n",
            c.free_tier
        ));
    }
    out.push_str(&format!("exact total: ${}\n", c.total.exact()));
    for n in &c.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

/// A decimal with thousands separators and at most 6 decimals, for quantities.
fn group_decimal(d: Decimal) -> String {
    group_digits(&d.round_dp(6).normalize().to_string())
}

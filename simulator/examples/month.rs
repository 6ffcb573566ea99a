//! Wall time of long exact runs, for `BENCHMARKS.md`:
//! `cargo run --release -p breakeven-simulator --example month -- [RATE_PER_S] [DAYS] [MODE]`
//! (defaults: 100 req/s, 30 days, exact). The SimFaaS service times (1.991 s warm, 2.244 s cold)
//! keep about 200 instances busy at 100 req/s.

use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::scenario::{Mode, PlatformSpec, Scenario};
use breakeven_simulator::workload::{Arrivals, DurationModel, Workload};
use breakeven_simulator::{simulate, RunOptions};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rate: f64 = args.first().map(|s| s.parse()).transpose()?.unwrap_or(100.0);
    let days: f64 = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(30.0);
    let mode = match args.get(2).map(String::as_str) {
        Some("aggregate") => Mode::Aggregate,
        _ => Mode::Exact,
    };
    let mut w = Workload::new(
        days * 86_400_000.0,
        Arrivals::Poisson { rate_per_s: rate },
        DurationModel::exponential(1991.0),
    );
    w.cold_duration = Some(DurationModel::exponential(2244.0));
    let mut lambda = PlatformSpec::new("aws-lambda");
    lambda.keep_alive_s = Some(600.0);
    lambda.concurrency_limit = Some(1_000_000);
    let scenario = Scenario::new("month", 1, w, vec![lambda]);
    let catalog = PriceCatalog::bundled()?;
    let opts = RunOptions {
        mode: Some(mode),
        ..RunOptions::default()
    };
    let start = Instant::now();
    let r = simulate(&catalog, &scenario, &opts)?;
    let secs = start.elapsed().as_secs_f64();
    let p = &r.platforms[0];
    println!(
        "{rate} req/s × {days} d, {mode:?}: {} requests in {secs:.2} s = {:.1} M req/s; \
         avg instances {:.1}, peak {}, cold {:.6}, cost ${}",
        r.simulated_requests,
        r.simulated_requests as f64 / secs / 1e6,
        p.avg_instances,
        p.peak_instances,
        p.cold_start_probability,
        p.cost.total_usd.exact()
    );
    Ok(())
}

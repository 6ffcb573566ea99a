//! Engine throughput: simulated requests per second of wall time.
//!
//! `cargo bench -p breakeven-simulator` — the `instances` group keeps the request count fixed
//! while the busy instance count grows a thousandfold; per-request cost must stay flat.

use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::scenario::{PlatformSpec, Scenario};
use breakeven_simulator::workload::{Arrivals, DurationModel, Workload};
use breakeven_simulator::{simulate, RunOptions};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// The published SimFaaS case: warm 1.991 s, cold 2.244 s exponential, 600 s expiry.
fn simfaas_case(rate_per_s: f64, horizon_s: f64) -> Scenario {
    let mut w = Workload::new(
        horizon_s * 1000.0,
        Arrivals::Poisson { rate_per_s },
        DurationModel::exponential(1991.0),
    );
    w.cold_duration = Some(DurationModel::exponential(2244.0));
    let mut lambda = PlatformSpec::new("aws-lambda");
    lambda.keep_alive_s = Some(600.0);
    lambda.concurrency_limit = Some(1_000_000);
    lambda.scale_instances = Some(1_000_000);
    Scenario::new("bench", 1, w, vec![lambda])
}

fn bench(c: &mut Criterion) {
    let catalog = PriceCatalog::bundled().expect("bundled catalog");
    let opts = RunOptions {
        timeline: false,
        ..RunOptions::default()
    };

    let mut g = c.benchmark_group("instances");
    g.sample_size(10);
    const REQUESTS: f64 = 1_000_000.0;
    for rate in [1.0, 10.0, 100.0, 1000.0] {
        let s = simfaas_case(rate, REQUESTS / rate);
        g.throughput(Throughput::Elements(REQUESTS as u64));
        g.bench_with_input(BenchmarkId::new("serverless_req_per_s", rate), &s, |b, s| {
            b.iter(|| simulate(&catalog, s, &opts).expect("runs"))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("fleet");
    g.sample_size(10);
    let mut w = Workload::new(
        10_000_000.0,
        Arrivals::Poisson { rate_per_s: 100.0 },
        DurationModel::exponential(200.0),
    );
    w.cpu_fraction = 0.0;
    let mut vm = PlatformSpec::new("vm:aws/m7g.large");
    vm.concurrency = Some(8);
    let s = Scenario::new("bench", 1, w, vec![vm]);
    g.throughput(Throughput::Elements(1_000_000));
    g.bench_function("autoscaled_vm_100_req_per_s", |b| {
        b.iter(|| simulate(&catalog, &s, &opts).expect("runs"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

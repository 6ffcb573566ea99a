//! Break-even and memory sweeps.

mod common;

use breakeven_simulator::sweep::tune::tune;
use breakeven_simulator::sweep::{traffic, SweepMode, TrafficSweep};
use common::{catalog, scenario};

#[test]
fn a_function_is_cheaper_than_a_vm_at_low_traffic_and_dearer_at_high_traffic() {
    let s = scenario(
        r#"
        version = 1
        seed = 4
        [workload]
        horizon = "1d"
        memory_mb = 1024
        arrivals = { process = "poisson", rate_per_s = 1 }
        duration = { dist = "exponential", mean_ms = 300 }
        [[platforms]]
        id = "aws-lambda"
        free_tier = false
        [[platforms]]
        id = "vm:aws/m7g.large"
        concurrency = 16
        "#,
    );
    let sweep = TrafficSweep {
        from: 0.1,
        to: 100.0,
        steps: 7,
        mode: SweepMode::Auto,
    };
    let r = traffic(&catalog(), &s, &sweep).unwrap();
    assert_eq!(r.points.len(), 7);
    assert_eq!(r.points[0].cheapest, "aws-lambda");
    assert_eq!(r.points[6].cheapest, "vm:aws/m7g.large");
    let c = r
        .crossings
        .iter()
        .find(|c| c.cheaper_below == "aws-lambda")
        .expect("the cost lines cross");
    assert_eq!(c.cheaper_above, "vm:aws/m7g.large");
    // 1 GB × 0.3 s × $0.0000166667 + $0.0000002 ≈ $5.2 per million requests against one
    // m7g.large (≈ $60/month): they meet in the low single-digit requests per second.
    assert!(c.mean_rate_per_s > 1.0 && c.mean_rate_per_s < 20.0, "{c:?}");
    // Costs grow with traffic for the function.
    let lambda: Vec<_> = r.points.iter().map(|p| p.platforms[0].monthly_usd).collect();
    assert!(lambda.windows(2).all(|w| w[0] < w[1]), "{lambda:?}");
}

#[test]
fn tuning_a_cpu_bound_function_trades_cost_for_speed() {
    let s = scenario(
        r#"
        version = 1
        [workload]
        horizon = "6h"
        memory_mb = 1769
        cpu_fraction = 0.9
        arrivals = { process = "poisson", rate_per_s = 5 }
        duration = { dist = "lognormal", p50_ms = 400, p99_ms = 1500 }
        [[platforms]]
        id = "aws-lambda"
        free_tier = false
        [[platforms]]
        id = "cloudflare-workers"
        "#,
    );
    let r = tune(&catalog(), &s, 128, 3008).unwrap();
    assert_eq!(r.skipped, vec!["cloudflare-workers".to_string()]);
    let p = &r.platforms[0];
    let mems: Vec<u32> = p.rows.iter().map(|r| r.memory_mb).collect();
    assert_eq!(mems, vec![128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008]);
    // Below one vCPU the work speeds up with memory at nearly constant GB-s cost; above it,
    // single-threaded work stops getting faster and memory only costs more.
    let mean = |m: u32| p.rows.iter().find(|r| r.memory_mb == m).unwrap().mean_ms;
    assert!(mean(128) > 5.0 * mean(1769));
    assert!((mean(3008) / mean(1769) - 1.0).abs() < 0.05);
    assert!(p.cheapest_mb < 1769, "cheapest {}", p.cheapest_mb);
    assert!(p.fastest_within_10pct_mb >= p.cheapest_mb);
    let cost = |m: u32| p.rows.iter().find(|r| r.memory_mb == m).unwrap().monthly_usd;
    assert!(cost(3008) > cost(1769));
}

/// The SimFaaS case: 0.9 req/s of 2 s requests on one Lambda function.
const SIMFAAS: &str = r#"
    version = 1
    seed = 7
    [workload]
    horizon = "30d"
    arrivals = { process = "poisson", rate_per_s = 0.9 }
    duration = { dist = "exponential", mean_ms = 1991 }
    [[platforms]]
    id = "aws-lambda"
    keep_alive_s = 600
    concurrency_limit = 5000000
"#;

#[test]
fn a_sweep_to_the_largest_factor_runs_and_one_past_the_rate_limit_is_refused_up_front() {
    let s = scenario(SIMFAAS);
    let sweep = |to: f64, mode: SweepMode| TrafficSweep {
        from: 1.0,
        to,
        steps: 2,
        mode,
    };
    // ×1e6 of 0.9 req/s: 900,000 req/s, inside the rate limit; aggregate mode above 20 M requests.
    let r = traffic(&catalog(), &s, &sweep(1e6, SweepMode::Auto)).unwrap();
    let top = &r.points[1];
    assert!(top.platforms[0].avg_instances > 1e6, "{top:?}");
    assert!(top.platforms[0].avg_instances.is_finite());
    // ×1e20 was a panic in the warm pool; now the range is bad input before anything runs.
    let e = traffic(&catalog(), &s, &sweep(1e20, SweepMode::Aggregate)).unwrap_err();
    assert!(e.to_string().contains("outside the limits"), "{e}");
    // Exact mode at ×1000 of a month is 2.3 billion requests: refused before the first level runs.
    let e = traffic(&catalog(), &s, &sweep(1000.0, SweepMode::Exact)).unwrap_err();
    assert!(e.to_string().contains("exact mode would simulate about"), "{e}");
}

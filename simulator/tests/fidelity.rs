//! The engines against closed forms nobody here wrote: Erlang-B for throttling at a concurrency
//! limit, Erlang-C (M/M/c) for a fixed fleet's queueing delay, and the closed-form estimate for
//! the bill of a steady workload.

mod common;

use breakeven_simulator::pricing::{estimate, UsageProfile};
use breakeven_simulator::stats::erlang::{erlang_b, mmc_mean_wait};
use common::{catalog, only, rel};
use rust_decimal::Decimal;

#[test]
fn throttling_at_a_concurrency_limit_matches_erlang_b() {
    // λ = 8/s, S = 1 s exponential, no init, limit m: a loss system M/M/m/m.
    for (limit, seed) in [(6u32, 1u64), (10, 2), (14, 3)] {
        let p = only(&format!(
            r#"
            version = 1
            seed = {seed}
            [workload]
            horizon = "2d"
            arrivals = {{ process = "poisson", rate_per_s = 8 }}
            duration = {{ dist = "exponential", mean_ms = 1000 }}
            init = {{ dist = "constant", ms = 0 }}
            [[platforms]]
            id = "aws-lambda"
            concurrency_limit = {limit}
            keep_alive_s = 100000
            "#
        ));
        let expected = erlang_b(limit, 8.0);
        assert!(
            (p.throttle_probability - expected).abs() < 0.01 + 0.03 * expected,
            "limit {limit}: simulated {} vs Erlang-B {expected}",
            p.throttle_probability
        );
        assert!(p.peak_instances <= limit);
    }
}

#[test]
fn a_fixed_fleet_queues_like_mmc() {
    // c single-slot VMs, λ = 3/s, S = 1 s exponential: M/M/c.
    for (c, seed) in [(4u32, 5u64), (6, 6)] {
        let p = only(&format!(
            r#"
            version = 1
            seed = {seed}
            [workload]
            horizon = "3d"
            arrivals = {{ process = "poisson", rate_per_s = 3 }}
            duration = {{ dist = "exponential", mean_ms = 1000 }}
            [[platforms]]
            id = "vm:aws/m6i.large"
            concurrency = 1
            instances = {c}
            "#
        ));
        let expected_ms = mmc_mean_wait(c, 3.0, 1.0) * 1000.0;
        let got = p.queue_wait_ms.expect("fleets report queueing").mean;
        assert!(
            rel(got, expected_ms) < 0.05,
            "c = {c}: simulated {got} ms vs Erlang-C {expected_ms} ms"
        );
        assert!(
            rel(p.utilisation, 3.0 / f64::from(c)) < 0.02,
            "utilisation {}",
            p.utilisation
        );
        assert_eq!(p.peak_instances, c);
    }
}

#[test]
fn a_steady_simulated_workload_costs_what_estimate_says() {
    // Constant arrivals and durations make the usage exact; a 730-hour horizon is one month.
    let p = only(
        r#"
        version = 1
        seed = 1
        [workload]
        horizon = "730h"
        memory_mb = 512
        arrivals = { process = "constant", rate_per_s = 2 }
        duration = { dist = "constant", ms = 120.4 }
        init = { dist = "constant", ms = 250 }
        [[platforms]]
        id = "aws-lambda"
        keep_alive_s = 600
        "#,
    );
    assert_eq!(
        p.cold_starts, 1,
        "one instance keeps up with one request per 500 ms"
    );
    let profile = UsageProfile {
        requests: p.requests,
        duration_ms: Decimal::new(1204, 1),
        memory_mb: Some(512),
        cold_starts: p.cold_starts,
        init_ms: Decimal::from(250),
        ..UsageProfile::default()
    };
    let closed = estimate(&catalog(), "aws-lambda", None, &profile).unwrap();
    assert_eq!(p.cost.total_usd, closed.total);
    assert_eq!(p.cost.monthly_usd, closed.total);
    assert_eq!(p.cost.lines, closed.lines);

    // A one-VM fixed fleet over the month bills its 730 hours like `estimate --instances 1`.
    let vm = only(
        r#"
        version = 1
        [workload]
        horizon = "730h"
        arrivals = { process = "constant", rate_per_s = 2 }
        duration = { dist = "constant", ms = 50 }
        [[platforms]]
        id = "vm:aws/m7g.large"
        instances = 1
        "#,
    );
    let closed = estimate(
        &catalog(),
        "vm:aws/m7g.large",
        None,
        &UsageProfile {
            requests: vm.requests,
            duration_ms: Decimal::from(50),
            instances: Some(1),
            ..UsageProfile::default()
        },
    )
    .unwrap();
    assert_eq!(vm.cost.total_usd, closed.total);
}

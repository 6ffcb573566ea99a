//! Commitments applied hour by hour: exact bills of a constant workload, waste, the catalog's plan
//! rates, and the break-even they move.

mod common;

use breakeven_simulator::pricing::commitments::split_dimension;
use breakeven_simulator::pricing::{CostCategory, PriceCatalog, Usd};
use breakeven_simulator::sweep::{traffic, SweepMode, TrafficSweep};
use common::{catalog, only, scenario};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// One Fargate task (0.5 vCPU, 1 GB) alive for a whole day: $0.024685 of eligible on-demand
/// usage every hour (0.5 × $0.04048 + 1 × $0.004445).
fn fargate_day(usd_per_hour: &str) -> String {
    format!(
        r#"
        version = 1
        [workload]
        horizon = "1d"
        arrivals = {{ process = "constant", rate_per_s = 1 }}
        duration = {{ dist = "constant", ms = 50 }}
        [[commitments]]
        kind = "compute-savings-plan"
        term = "3yr"
        payment = "all-upfront"
        usd_per_hour = "{usd_per_hour}"
        [[platforms]]
        id = "aws-fargate"
        vcpu = 0.5
        memory_gb = 1
        instances = 1
        "#
    )
}

#[test]
fn a_commitment_smaller_than_the_hourly_spend_bills_the_commitment_plus_uncovered_on_demand() {
    let p = only(&fargate_day("0.01"));
    assert_eq!(p.cost.total_usd, Usd(d("0.59244")), "24 h × $0.024685");
    let c = p.committed.expect("a bill with commitments");
    // Each hour $0.01 at 48 % of list covers $0.0208333… of on-demand usage; the rest,
    // $0.0038517…, is billed on-demand: 24 × ($0.01 + $0.024685 − $0.01 / 0.48).
    let hourly_uncovered = d("0.024685") - d("0.01") / d("0.48");
    let expected = Decimal::from(24) * (d("0.01") + hourly_uncovered);
    assert_eq!(c.total_usd.cents(), expected.round_dp(2));
    assert!(
        (c.total_usd.0 - expected).abs() < d("0.000001"),
        "{} vs {expected}",
        c.total_usd
    );
    let k = &c.commitments[0];
    assert_eq!(k.cost_usd, Usd(d("0.24")));
    assert_eq!(k.wasted_usd.cents(), Decimal::ZERO);
    assert!((k.utilisation - 1.0).abs() < 1e-6);
    assert!((k.coverage - 0.5 / 0.59244).abs() < 1e-5, "{}", k.coverage);
    // The lines add up to the total: on-demand, the covered part taken off, the commitment.
    let sum: Decimal = c.lines.iter().map(|l| l.amount.0).sum();
    assert!((sum - c.total_usd.0).abs() < d("0.0000001"));
    assert_eq!(
        c.lines
            .iter()
            .filter(|l| l.category == CostCategory::Commitment)
            .count(),
        1
    );
    let uncovered: Decimal = c.coverage.iter().map(|x| x.uncovered_usd.0).sum();
    assert!((uncovered - Decimal::from(24) * hourly_uncovered).abs() < d("0.000001"));
}

#[test]
fn a_commitment_larger_than_the_hourly_spend_shows_its_waste() {
    let p = only(&fargate_day("0.05"));
    let c = p.committed.expect("a bill with commitments");
    // Everything is covered at 48 % of list ($0.0118488 an hour); the rest of $0.05 is lost.
    assert_eq!(c.total_usd, Usd(d("1.2")));
    let k = &c.commitments[0];
    let used = Decimal::from(24) * d("0.024685") * d("0.48");
    assert!((k.used_usd.0 - used).abs() < d("0.000001"));
    assert!((k.wasted_usd.0 - (d("1.2") - used)).abs() < d("0.000001"));
    assert!((k.coverage - 1.0).abs() < 1e-6);
    assert!((k.utilisation - 0.236976).abs() < 1e-5, "{}", k.utilisation);
    assert!(
        k.saving_usd.0 < Decimal::ZERO,
        "it costs more than the usage it covers"
    );
}

#[test]
fn a_platform_without_a_published_plan_rate_stays_on_demand_and_says_so() {
    let text = fargate_day("0.01").replace(
        "id = \"aws-fargate\"\n        vcpu = 0.5\n        memory_gb = 1",
        "id = \"vm:aws/m7g.large\"",
    );
    let p = only(&text);
    let c = p.committed.unwrap();
    assert!(c
        .notes
        .iter()
        .any(|n| n.contains("no published compute-sp-3yr-all-upfront rate")));
    assert_eq!(c.total_usd, p.cost.total_usd + Usd(d("0.24")));
    // Other providers' platforms are not charged an AWS commitment.
    let gcp = only(&fargate_day("0.01").replace(
        "id = \"aws-fargate\"\n        vcpu = 0.5\n        memory_gb = 1",
        "id = \"gcp-cloud-run\"",
    ));
    assert_eq!(gcp.committed.unwrap().total_usd, gcp.cost.total_usd);
}

#[test]
fn every_plan_rate_is_below_its_on_demand_rate_with_a_source_and_a_date() {
    let c: PriceCatalog = catalog();
    let mut n = 0;
    for (e, _) in c.all_prices() {
        let (base, Some(plan)) = split_dimension(&e.dimension) else {
            continue;
        };
        n += 1;
        assert!(
            breakeven_simulator::pricing::commitments::parse_plan(plan).is_some(),
            "{}",
            e.dimension
        );
        let od = c.price(&e.platform, &e.region, base).expect("an on-demand price");
        assert!(
            e.usd.unwrap() < od.bands()[0].1,
            "{} of {}",
            e.dimension,
            e.platform
        );
        assert!(
            !e.source.trim().is_empty() && e.as_of.len() == 10,
            "{}",
            e.dimension
        );
    }
    assert!(n >= 10, "the catalog has its plan rates ({n})");
}

#[test]
fn a_commitment_needs_what_its_kind_needs() {
    let text = fargate_day("0.01").replace("compute-savings-plan", "ec2-instance-savings-plan");
    let e = breakeven_simulator::scenario::parse("t.toml", &text, &catalog(), &mut |_| Err(String::new()))
        .unwrap_err();
    assert!(e.message.contains("instance_type"), "{e}");
    let text = fargate_day("0");
    let e = breakeven_simulator::scenario::parse("t.toml", &text, &catalog(), &mut |_| Err(String::new()))
        .unwrap_err();
    assert!(e.message.contains("usd_per_hour"), "{e}");
}

#[test]
fn sweeping_checkout_api_with_a_savings_plan_moves_the_break_even_against_fargate() {
    let s = scenario(include_str!("../../fixtures/scenarios/checkout-api-sp.toml"));
    let sweep = TrafficSweep {
        from: 0.1,
        to: 10.0,
        steps: 5,
        mode: SweepMode::Aggregate,
    };
    let r = traffic(&catalog(), &s, &sweep).unwrap();
    let shifts = r.committed_shifts.expect("shifts with commitments");
    let fargate = shifts
        .iter()
        .find(|x| {
            (x.a == "aws-fargate" && x.b == "aws-lambda") || (x.a == "aws-lambda" && x.b == "aws-fargate")
        })
        .unwrap_or_else(|| panic!("a Lambda/Fargate break-even: {shifts:?}"));
    match (fargate.from_rate_per_s, fargate.to_rate_per_s) {
        (Some(a), Some(b)) => assert!((a - b).abs() > 1e-6, "moved: {a} → {b}"),
        other => panic!("the break-even moves within the range: {other:?}"),
    }
}

#[test]
fn commit_recommend_returns_the_argmin_of_the_simulated_cost_curve() {
    use breakeven_simulator::sweep::commit::recommend;
    use breakeven_simulator::{simulate, RunOptions};
    let text = r#"
        version = 1
        seed = 3
        mode = "aggregate"
        [workload]
        horizon = "2d"
        arrivals = { process = "diurnal", mean_rate_per_s = 40, peak_to_trough = 5, peak_hour = 15 }
        duration = { dist = "lognormal", p50_ms = 80, p99_ms = 400 }
        [[platforms]]
        id = "aws-fargate"
        vcpu = 0.5
        memory_gb = 1
        concurrency = 10
        "#;
    let s = scenario(text);
    let r = recommend(&catalog(), &s, &RunOptions::default()).unwrap();
    let rec = r
        .plans
        .iter()
        .find(|p| p.plan == "compute-sp-3yr-all-upfront")
        .expect("the plan with published rates");
    let c = rec.usd_per_hour.expect("a commitment").0;
    assert!(c > Decimal::ZERO, "a steady base load is worth committing to");
    // The recommendation is the lowest point of its own curve…
    let min = rec.curve.iter().map(|p| p.total_usd).min().unwrap();
    assert_eq!(rec.total_usd, min);
    assert!(rec.curve.iter().any(|p| p.usd_per_hour.0 == c));
    assert!(rec.saving_usd.0 > Decimal::ZERO && rec.utilisation > 0.0 && rec.coverage > 0.0);
    // …and of the simulated bills with the commitment a step below and above it.
    let with = |usd: Decimal| -> Usd {
        let t = format!(
            "{text}\n[[commitments]]\nkind = \"compute-savings-plan\"\nterm = \"3yr\"\npayment = \"all-upfront\"\nusd_per_hour = \"{usd}\"\n"
        );
        let opts = RunOptions {
            timeline: false,
            ..RunOptions::default()
        };
        let r = simulate(&catalog(), &scenario(&t), &opts).unwrap();
        r.platforms[0].committed.as_ref().unwrap().total_usd
    };
    let at = with(c);
    assert!(
        (at.0 - rec.total_usd.0).abs() < d("0.000001"),
        "{at} vs {}",
        rec.total_usd
    );
    for step in ["0.001", "0.01"] {
        assert!(with(c + d(step)) >= at, "+{step}");
        if c > d(step) {
            assert!(with(c - d(step)) >= at, "-{step}");
        }
    }
    // Plans without published rates say so.
    assert!(r
        .plans
        .iter()
        .any(|p| p.usd_per_hour.is_none() && p.notes.iter().any(|n| n.contains("no published"))));
}

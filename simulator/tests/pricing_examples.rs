//! The providers' published worked examples and third-party priced fixtures, recomputed exactly.

use breakeven_simulator::pricing::{estimate, CostCategory, PriceCatalog, UsageProfile};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn total(id: &str, p: UsageProfile) -> Decimal {
    let c = PriceCatalog::bundled().unwrap();
    estimate(&c, id, None, &p).unwrap().total.0.normalize()
}

fn profile(requests: u64, duration_ms: &str, memory_mb: u32) -> UsageProfile {
    UsageProfile {
        requests,
        duration_ms: d(duration_ms),
        memory_mb: Some(memory_mb),
        ..Default::default()
    }
}

fn no_free(mut p: UsageProfile) -> UsageProfile {
    p.free_tier = false;
    p
}

/// aws.amazon.com/lambda/pricing example: 512 MB, 3M invocations of 1 s. AWS shows $18.74 using a
/// rounded rate of $0.00001667; the Price List rate $0.0000166667 gives $18.73337.
#[test]
fn aws_lambda_pricing_page_example() {
    assert_eq!(
        total("aws-lambda", profile(3_000_000, "1000", 512)),
        d("18.73337")
    );
}

/// infracost lambda_function_test golden: 6e9 GB-s = $100,000.20; next 9e9 = $135,000.00; over
/// 15e9 (15e9 more) = $200,001.00. Here 1e9 requests of 30 s at 1 GB = 3e10 GB-s, plus $200 requests.
#[test]
fn aws_lambda_x86_tiers() {
    let c = PriceCatalog::bundled().unwrap();
    let b = estimate(
        &c,
        "aws-lambda",
        None,
        &no_free(profile(1_000_000_000, "30000", 1024)),
    )
    .unwrap();
    let amounts: Vec<Decimal> = b.lines.iter().map(|l| l.amount.0.normalize()).collect();
    assert_eq!(amounts, vec![d("200"), d("100000.2"), d("135000"), d("200001")]);
    assert_eq!(b.total.0.normalize(), d("435201.2"));
}

/// Arm tiers break at 7.5e9 and 18.75e9 GB-s (infracost: $100,000.50, $135,001.13, $200,000.63).
#[test]
fn aws_lambda_arm64_tiers_differ_from_x86() {
    let mut p = no_free(profile(1_000_000_000, "37500", 1024)); // 3.75e10 GB-s
    p.arch = breakeven_simulator::pricing::Arch::Arm64;
    let c = PriceCatalog::bundled().unwrap();
    let b = estimate(&c, "aws-lambda", None, &p).unwrap();
    let amounts: Vec<Decimal> = b.lines.iter().map(|l| l.amount.0.normalize()).collect();
    assert_eq!(
        amounts,
        vec![d("200"), d("100000.5"), d("135001.125"), d("200000.625")]
    );
}

/// Provisioned concurrency (infracost, arm64): 9,000,000 GB-s configured = $30.0006; 1,750,000 GB-s
/// of duration on PC = $13.61115. Here: 5 instances × 1 GB for 500 h; 1,750,000 s of work.
#[test]
fn aws_lambda_provisioned_concurrency() {
    let mut p = profile(1_750_000, "1000", 1024);
    p.arch = breakeven_simulator::pricing::Arch::Arm64;
    p.provisioned_concurrency = 5;
    p.hours = Some(d("500"));
    p.free_tier = false;
    let c = PriceCatalog::bundled().unwrap();
    let b = estimate(&c, "aws-lambda", None, &p).unwrap();
    assert_eq!(
        b.category_total(CostCategory::Provisioned).0.normalize(),
        d("30.0006")
    );
    let on_pc = b
        .lines
        .iter()
        .find(|l| l.dimension == "provisioned-duration-arm64")
        .unwrap();
    assert_eq!(on_pc.amount.0.normalize(), d("13.61115"));
    // No on-demand duration: all work fitted on provisioned capacity.
    assert!(b.lines.iter().all(|l| l.dimension != "duration-arm64"));
}

/// Provisioned concurrency is billed in 5-minute blocks: 61 minutes bill as 65.
#[test]
fn aws_lambda_provisioned_rounds_up_to_five_minutes() {
    let mut p = profile(0, "0", 1024);
    p.provisioned_concurrency = 1;
    p.hours = Some(d("61") / d("60"));
    let c = PriceCatalog::bundled().unwrap();
    let b = estimate(&c, "aws-lambda", None, &p).unwrap();
    // 65 min × 60 s × 1 GB × $0.0000041667
    assert_eq!(b.total.0.normalize(), d("0.01625013"));
}

/// INIT is billed as duration since 2025-08-01 and shows as its own line.
#[test]
fn aws_lambda_init_is_billed() {
    let mut p = no_free(profile(1000, "100", 1024));
    p.cold_starts = 10;
    p.init_ms = d("250.4");
    let c = PriceCatalog::bundled().unwrap();
    let b = estimate(&c, "aws-lambda", None, &p).unwrap();
    // 10 × 251 ms (1 ms rounding) × 1 GB = 2.51 GB-s
    let init = b.category_total(CostCategory::Init).0.normalize();
    assert_eq!(init, d("2.51") * d("0.0000166667"));
}

/// Duration is rounded up to 1 ms per invocation on Lambda, 100 ms on GCF 1st gen.
#[test]
fn per_invocation_rounding() {
    // 1M × 1.2 ms → 2 ms billed × 0.125 GB = 250 GB-s
    let c = PriceCatalog::bundled().unwrap();
    let b = estimate(&c, "aws-lambda", None, &no_free(profile(1_000_000, "1.2", 128))).unwrap();
    let q: Decimal = b
        .lines
        .iter()
        .filter(|l| l.dimension == "duration-x86_64")
        .map(|l| l.quantity)
        .sum();
    assert_eq!(q.normalize(), d("250"));
    let g = estimate(
        &c,
        "gcp-functions-gen1",
        None,
        &no_free(profile(1_000_000, "260", 128)),
    )
    .unwrap();
    let q: Decimal = g
        .lines
        .iter()
        .filter(|l| l.dimension == "memory")
        .map(|l| l.quantity)
        .sum();
    assert_eq!(q.normalize(), d("37500")); // 300 ms × 1M × 0.125 GB
}

/// cloud.google.com/functions pricing example: 128 MB / 200 MHz, 10M invocations of 300 ms:
/// invocations $3.20 + GB-s $0 (375,000 within the free 400,000) + GHz-s $4.00 = $7.20.
#[test]
fn gcf_gen1_pricing_page_example() {
    assert_eq!(
        total("gcp-functions-gen1", profile(10_000_000, "300", 128)),
        d("7.2")
    );
}

/// infracost cloudfunctions golden: 10M invocations $4.00, 750,000 GB-s $1.875, 1.2M GHz-s $12.00.
#[test]
fn gcf_gen1_infracost_fixture() {
    assert_eq!(
        total("gcp-functions-gen1", no_free(profile(10_000_000, "300", 256))),
        d("17.875")
    );
}

/// azure.microsoft.com/pricing/details/functions example: 3M executions of 1 s at 512 MB:
/// 1,100,000 GB-s × $0.000016 = $17.60 + 2M executions × $0.20/M = $0.40 → $18.00.
#[test]
fn azure_consumption_pricing_page_example() {
    assert_eq!(
        total("azure-functions-consumption", profile(3_000_000, "1000", 512)),
        d("18")
    );
}

/// Azure Consumption: 100 ms minimum per execution and memory rounded up to 128 MB.
#[test]
fn azure_consumption_minimums() {
    // 1M × 10 ms → 100 ms; 200 MB → 256 MB: 1M × 0.1 s × 0.25 GB = 25,000 GB-s
    let c = PriceCatalog::bundled().unwrap();
    let b = estimate(
        &c,
        "azure-functions-consumption",
        None,
        &no_free(profile(1_000_000, "10", 200)),
    )
    .unwrap();
    let q: Decimal = b
        .lines
        .iter()
        .filter(|l| l.dimension == "execution-time")
        .map(|l| l.quantity)
        .sum();
    assert_eq!(q.normalize(), d("25000"));
}

/// infracost function_app golden: EP1 = 1 vCPU × 730 h ($126.29) + 3.5 GB × 730 h ($31.4265); EP2
/// = $252.58 + $62.853.
#[test]
fn azure_premium_plan_sizes() {
    let mut p = UsageProfile {
        size: Some("EP1".into()),
        ..Default::default()
    };
    assert_eq!(total("azure-functions-premium", p.clone()), d("157.7165"));
    p.size = Some("EP2".into());
    assert_eq!(total("azure-functions-premium", p), d("315.433"));
}

/// Flex Consumption: always-ready instances remove the free grant.
#[test]
fn azure_flex_always_ready_voids_free_grant() {
    let c = PriceCatalog::bundled().unwrap();
    let on_demand = estimate(&c, "azure-functions-flex", None, &profile(100_000, "100", 2048)).unwrap();
    assert_eq!(on_demand.total.0, Decimal::ZERO, "within the free grant");
    let mut p = profile(100_000, "100", 2048);
    p.provisioned_concurrency = 1;
    let b = estimate(&c, "azure-functions-flex", None, &p).unwrap();
    assert!(b.free_tier.is_zero());
    // baseline: 730 h × 2 GB × $0.000004/GB-s; execution on always-ready: 10,000 s × 2 GB × $0.000016;
    // executions 100,000 × $0.0000004
    let expected = d("2628000") * d("2") * d("0.000004") + d("10000") * d("2") * d("0.000016") + d("0.04");
    assert_eq!(b.total.0.normalize(), expected.normalize());
}

/// developers.cloudflare.com/workers/platform/pricing example: 15M requests, 7 ms CPU each:
/// $5 + $1.50 requests + $1.50 CPU = $8.00.
#[test]
fn cloudflare_workers_pricing_page_example() {
    let mut p = profile(15_000_000, "40", 128);
    p.cpu_ms = Some(d("7"));
    assert_eq!(total("cloudflare-workers", p.clone()), d("8"));
    // Included allowances are part of the plan: --no-free-tier does not remove them.
    assert_eq!(total("cloudflare-workers", no_free(p)), d("8"));
}

/// infracost ecs_service golden: Fargate 1 vCPU × 730 h = $29.5504, 2 GB × 730 h = $6.4897.
#[test]
fn fargate_task_month() {
    let p = UsageProfile {
        vcpu: Some(d("1")),
        memory_gb: Some(d("2")),
        ..Default::default()
    };
    assert_eq!(total("aws-fargate", p), d("36.0401"));
}

#[test]
fn vm_months_and_commitments() {
    assert_eq!(total("vm:aws/t3.micro", UsageProfile::default()), d("7.592"));
    assert_eq!(total("vm:aws/m6i.large", UsageProfile::default()), d("70.08"));
    assert_eq!(
        total("vm:gcp/e2-medium", UsageProfile::default()),
        d("24.4591683")
    );
    let three_year = UsageProfile {
        commitment: breakeven_simulator::pricing::Commitment::ThreeYear,
        instances: Some(2),
        ..Default::default()
    };
    assert_eq!(total("vm:gcp/e2-standard-2", three_year), d("44.02650294"));
    // No published 1-year rate for this AWS type: a clear error, not a guess.
    let c = PriceCatalog::bundled().unwrap();
    let one_year = UsageProfile {
        commitment: breakeven_simulator::pricing::Commitment::OneYear,
        ..Default::default()
    };
    let err = estimate(&c, "vm:aws/m7g.large", None, &one_year)
        .unwrap_err()
        .to_string();
    assert!(err.contains("instance-hour-1yr"), "{err}");
}

#[test]
fn kubernetes_control_planes() {
    assert_eq!(total("aws-eks", UsageProfile::default()), d("73"));
    assert_eq!(total("azure-aks", UsageProfile::default()), d("73"));
    // GKE's $74.40 monthly credit covers one zonal cluster.
    assert_eq!(total("gcp-gke", UsageProfile::default()), d("0"));
    assert_eq!(total("gcp-gke", no_free(UsageProfile::default())), d("73"));
}

/// infracost apigatewayv2 golden: 1,000M HTTP API requests = 300 × $1.00 + 700 × $0.90.
#[test]
fn api_gateway_http_tiers() {
    assert_eq!(
        total("aws-api-gateway-http", profile(1_000_000_000, "0", 128)),
        d("930")
    );
}

#[test]
fn free_tier_boundaries_are_exact() {
    // exactly 1M requests and 400,000 GB-s: free
    assert_eq!(total("aws-lambda", profile(1_000_000, "3200", 128)), d("0"));
    // one more request of the same size
    assert_eq!(
        total("aws-lambda", profile(1_000_001, "3200", 128)),
        d("0.0000002") + d("0.4") * d("0.0000166667")
    );
}

#[test]
fn retired_platform_is_flagged() {
    let c = PriceCatalog::bundled().unwrap();
    let b = estimate(
        &c,
        "ibm-cloud-functions",
        None,
        &no_free(profile(1_000_000, "150", 256)),
    )
    .unwrap();
    // 150 ms → 200 ms (100 ms rounding) × 1M × 0.25 GB = 50,000 GB-s × $0.000017
    assert_eq!(b.total.0.normalize(), d("0.85"));
    assert!(b.notes.iter().any(|n| n.contains("retired")), "{:?}", b.notes);
}

#[test]
fn every_platform_answers() {
    let c = PriceCatalog::bundled().unwrap();
    for p in c.platforms() {
        let prof = UsageProfile {
            requests: 5_000_000,
            duration_ms: d("120"),
            ..Default::default()
        };
        let b = estimate(&c, &p.id, None, &prof).unwrap_or_else(|e| panic!("{}: {e}", p.id));
        let sum: Decimal = b.lines.iter().map(|l| l.amount.0).sum();
        assert_eq!(sum, b.total.0, "{}", p.id);
        assert!(b.total.0 >= Decimal::ZERO, "{}", p.id);
    }
}

/// An explicit memory size sizes instance-billed platforms (Cloud Run: 2,048 MB = 2 GiB).
#[test]
fn memory_mb_sizes_instance_billed_platforms() {
    let c = PriceCatalog::bundled().unwrap();
    let b = estimate(
        &c,
        "gcp-cloud-run",
        None,
        &no_free(profile(1_000_000, "1000", 2048)),
    )
    .unwrap();
    let mem: Decimal = b
        .lines
        .iter()
        .filter(|l| l.dimension == "memory")
        .map(|l| l.quantity)
        .sum();
    assert_eq!(mem.normalize(), d("2000000"));
}

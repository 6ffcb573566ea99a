//! `breakeven estimate` through the real binary.

use crate::support::{run, stderr, stdout};

fn json(args: &[&str]) -> serde_json::Value {
    let o = run(args);
    assert!(o.status.success(), "{:?}: {}", args, stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("valid JSON")
}

#[test]
fn lambda_estimate_as_json_is_exact() {
    let v = json(&[
        "estimate",
        "--platform",
        "aws-lambda",
        "--requests",
        "10M",
        "--duration-ms",
        "120",
        "--memory-mb",
        "512",
        "--json",
    ]);
    assert_eq!(v["platform"], "aws-lambda");
    // 10M × 120 ms × 0.5 GB = 600,000 GB-s; minus 400,000 free = 200,000 × 0.0000166667 = 3.33334
    // requests: 9M × 0.0000002 = 1.80
    assert_eq!(v["total_usd"], "5.13334");
    assert_eq!(v["free_tier_usd"], "6.86668");
    let lines = v["lines"].as_array().unwrap();
    for key in ["item", "quantity", "unit", "unit_price_usd", "amount_usd"] {
        assert!(lines.iter().all(|l| l[key].is_string()), "{key}");
    }
}

#[test]
fn no_free_tier_flag() {
    let v = json(&[
        "estimate",
        "--platform",
        "aws-lambda",
        "--requests",
        "3000000",
        "--duration-ms",
        "1000",
        "--memory-mb",
        "512",
        "--no-free-tier",
        "--json",
    ]);
    // 3M × $0.0000002 + 1,500,000 GB-s × $0.0000166667
    assert_eq!(v["total_usd"], "25.60005");
    assert_eq!(v["free_tier_usd"], "0");
}

/// Every platform id of `catalog list` answers `estimate`, as a table and as JSON.
#[test]
fn every_platform_answers_as_table_and_json() {
    let list = json(&["catalog", "list", "--json"]);
    let ids: Vec<String> = list["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    for required in [
        "aws-lambda",
        "gcp-functions-gen1",
        "gcp-cloud-run",
        "azure-functions-consumption",
        "azure-functions-flex",
        "azure-functions-premium",
        "ibm-cloud-functions",
        "ibm-code-engine",
        "cloudflare-workers",
        "aws-fargate",
        "azure-container-apps",
        "vm:aws/t3.micro",
        "vm:aws/t3.medium",
        "vm:aws/m6i.large",
        "vm:aws/m7g.large",
        "vm:aws/c7g.large",
        "vm:gcp/e2-medium",
        "vm:gcp/e2-standard-2",
        "vm:gcp/n2-standard-2",
        "vm:azure/B2s",
        "vm:azure/D2s_v5",
    ] {
        assert!(ids.iter().any(|i| i == required), "missing {required}");
    }
    for id in &ids {
        let args = [
            "estimate",
            "--platform",
            id,
            "--requests",
            "20M",
            "--duration-ms",
            "80",
        ];
        let table = run(&args);
        assert!(table.status.success(), "{id}: {}", stderr(&table));
        assert!(stdout(&table).contains("Total per month"), "{id}");
        let mut with_json = args.to_vec();
        with_json.push("--json");
        let v = json(&with_json);
        assert_eq!(v["platform"], id.as_str());
        let total: rust_decimal::Decimal = v["total_usd"].as_str().unwrap().parse().unwrap();
        let sum: rust_decimal::Decimal = v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                l["amount_usd"]
                    .as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
            })
            .sum();
        assert_eq!(sum, total, "{id}: lines add up to the total");
    }
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let o = run(&["estimate", "--platform", "aws-lambda-typo"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown platform `aws-lambda-typo`"),
        "{}",
        stderr(&o)
    );

    let o = run(&["estimate", "--platform", "aws-lambda", "--memory-mb", "20000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("128 MB to 10240 MB"), "{}", stderr(&o));

    let o = run(&["estimate", "--platform", "aws-lambda", "--requests", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a count"), "{}", stderr(&o));

    let o = run(&["estimate", "--platform", "vm:aws/m7g.large", "--pricing", "1yr"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("instance-hour-1yr"), "{}", stderr(&o));
}

//! `breakeven estimate` through the real binary.

use crate::support::{run, stdout};

#[test]
fn lambda_estimate_as_json_is_exact() {
    let o = run(&[
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
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["platform"], "aws-lambda");
    // 10M × 120 ms × 0.5 GB = 600,000 GB-s; minus 400,000 free = 200,000 × 0.0000166667 = 3.33334
    // requests: 9M × 0.0000002 = 1.80
    assert_eq!(v["total_usd"], "5.13334");
    assert_eq!(v["free_tier_usd"], "6.86666");
}

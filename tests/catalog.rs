//! `breakeven catalog list|show|check` and user override files.

use crate::support::{bin, run, stderr, stdout};
use std::process::Command;

#[test]
fn show_prints_prices_with_sources() {
    let o = run(&["catalog", "show", "aws-lambda"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("duration-arm64"), "{out}");
    assert!(out.contains("0.0000133334"), "{out}");
    assert!(out.contains("source:"), "{out}");
    assert!(out.contains("as of 2026-08-31"), "{out}");
}

#[test]
fn check_accepts_the_bundled_catalog() {
    let o = run(&["catalog", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("OK"));
}

#[test]
fn check_reports_file_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mine.toml");
    std::fs::write(
        &f,
        "schema = 1\nprovider = \"acme\"\n\n[[prices]]\nplatform = \"aws-lambda\"\nregion = \"us-east-1\"\ndimension = \"requests\"\nunit = \"request\"\ntiers = [{ to = \"5\", usd = \"1\" }, { to = \"3\", usd = \"1\" }, { usd = \"1\" }]\nsource = \"\"\nas_of = \"2026-11-01\"\n",
    )
    .unwrap();
    let path = f.display().to_string();
    let o = run(&["catalog", "check", &path]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!("{path}:4:")), "{err}");
    assert!(err.contains("contiguous"), "{err}");
    assert!(err.contains("`source` is empty"), "{err}");

    std::fs::write(
        &f,
        "schema = 1\nprovider = \"acme\"\n[[prices]]\nplatform = \"x\"\nunknown_key = 1\n",
    )
    .unwrap();
    let o = run(&["catalog", "check", &path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{path}:")), "{}", stderr(&o));
}

/// A month of 10M Lambda requests, as JSON.
const LAMBDA_10M: [&str; 6] = [
    "estimate",
    "--platform",
    "aws-lambda",
    "--requests",
    "10M",
    "--json",
];

/// A catalog.toml in the OS config dir replaces bundled prices and adds platforms.
#[test]
fn user_override_file_replaces_and_adds() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config").join("breakeven");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("catalog.toml"),
        r#"schema = 1
provider = "acme"

[[platforms]]
id = "vm:acme/box"
name = "Acme box"
kind = "vm"
billing = "vm"
regions = ["acme-1"]
instance = { vcpu = "4", memory_gib = "16", arch = "x86_64" }

[[prices]]
platform = "vm:acme/box"
region = "acme-1"
dimension = "instance-hour"
unit = "hour"
usd = "0.5"
source = "our contract"
as_of = "2026-11-01"

[[prices]]
platform = "aws-lambda"
region = "us-east-1"
dimension = "requests"
unit = "request"
usd = "0.0000001"
source = "negotiated rate"
as_of = "2026-11-01"
"#,
    )
    .unwrap();
    let cli = |args: &[&str]| {
        Command::new(bin())
            .args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .output()
            .unwrap()
    };
    let o = cli(&["estimate", "--platform", "vm:acme/box", "--hours", "10", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["total_usd"], "5");
    let o = cli(&LAMBDA_10M);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["total_usd"], "1",
        "10M requests at the negotiated rate, no free tier in override"
    );
}

/// A `[[prices]]` override of Lambda's requests in us-east-1 with `extra` lines (line 4 is its
/// header).
fn lambda_requests_override(extra: &str) -> String {
    format!(
        "schema = 1\nprovider = \"acme\"\n\n[[prices]]\nplatform = \"aws-lambda\"\nregion = \"us-east-1\"\ndimension = \"requests\"\nunit = \"request\"\n{extra}\nsource = \"negotiated\"\nas_of = \"2026-11-01\"\n"
    )
}

/// `estimate` with the override given by `--catalog FILE` and as the config dir's `catalog.toml`,
/// and `catalog check FILE`: all three must refuse it with exit 2 and `want` at `file:line`.
fn refused_by_every_path(text: &str, want: &str, line: usize) {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config").join("breakeven");
    std::fs::create_dir_all(&cfg).unwrap();
    let in_config = cfg.join("catalog.toml");
    std::fs::write(&in_config, text).unwrap();
    let explicit = home.path().join("mine.toml");
    std::fs::write(&explicit, text).unwrap();
    let explicit_s = explicit.display().to_string();
    let estimate = LAMBDA_10M;
    let cli = |args: &[&str], config_home: &std::path::Path| {
        Command::new(bin())
            .args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", config_home)
            .output()
            .unwrap()
    };
    let elsewhere = home.path().join("no-config");
    let mut with_flag = vec!["--catalog", explicit_s.as_str()];
    with_flag.extend(estimate);
    let cases = [
        (
            cli(&["catalog", "check", &explicit_s], &elsewhere),
            explicit_s.clone(),
        ),
        (cli(&with_flag, &elsewhere), explicit_s.clone()),
        (
            cli(&estimate, &home.path().join("config")),
            in_config.display().to_string(),
        ),
        (
            cli(&["catalog", "check"], &home.path().join("config")),
            in_config.display().to_string(),
        ),
    ];
    for (o, file) in cases {
        assert_eq!(o.status.code(), Some(2), "{file}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(err.contains(&format!("{file}:{line}:")), "{err}");
        assert!(err.contains(want), "{err}");
        assert!(stdout(&o).is_empty(), "nothing priced: {}", stdout(&o));
    }
}

#[test]
fn negative_usd_override_is_refused_by_catalog_flag_and_config_dir() {
    refused_by_every_path(
        &lambda_requests_override("usd = \"-0.0000002\""),
        "price `requests` of `aws-lambda`: `usd` must not be negative, not -0.0000002",
        4,
    );
}

#[test]
fn non_contiguous_tiers_override_is_refused_naming_the_tier() {
    refused_by_every_path(
        &lambda_requests_override(
            "tiers = [{ to = \"10\", usd = \"2\" }, { to = \"5\", usd = \"1\" }, { usd = \"1\" }]",
        ),
        "tiers must be contiguous and increasing: tier 2 ends at 5, not above 10",
        4,
    );
}

#[test]
fn negative_free_tier_override_is_refused_not_dropped() {
    refused_by_every_path(
        &lambda_requests_override("usd = \"0.0000002\"\nfree = \"-1000000\""),
        "`free` must not be negative, not -1000000",
        4,
    );
}

#[test]
fn price_below_1e_28_override_is_refused_not_rounded_to_zero() {
    // Too fine for a decimal at all: refused where it is written (line 9, the `usd` value).
    refused_by_every_path(
        &lambda_requests_override("usd = \"0.00000000000000000000000000001\""),
        "`usd`: `0.00000000000000000000000000001` cannot be held exactly",
        9,
    );
    // Representable but finer than a bill can multiply exactly.
    refused_by_every_path(
        &lambda_requests_override("usd = \"0.0000000000000001\""),
        "has 16 decimal places; prices have at most 15",
        4,
    );
}

/// 20,000 entries took over 20 s when each entry's line was found by counting newlines; the
/// bound is generous for a debug build (the release figure for 200,000 is in BENCHMARKS.md).
#[test]
fn check_of_20k_entries_is_not_quadratic() {
    let mut text = String::from("schema = 1\nprovider = \"acme\"\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "\n[[prices]]\nplatform = \"aws-lambda\"\nregion = \"us-east-1\"\ndimension = \"d{i}\"\nunit = \"request\"\nusd = \"0.1\"\nsource = \"s\"\nas_of = \"2026-11-01\"\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big.toml");
    std::fs::write(&f, text).unwrap();
    let started = std::time::Instant::now();
    let o = run(&["catalog", "check", &f.display().to_string()]);
    let took = started.elapsed();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(took.as_secs() < 15, "20,000 entries took {took:?}");
}

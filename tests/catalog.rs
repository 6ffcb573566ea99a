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
    let o = cli(&[
        "estimate",
        "--platform",
        "aws-lambda",
        "--requests",
        "10M",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["total_usd"], "1",
        "10M requests at the negotiated rate, no free tier in override"
    );
}

//! `report --function` and `report --account`: reports of stored data, filled from the demo
//! account through `app::analyse`, in every format; credentials and names kept out.

use crate::support;
use breakeven::app::account_report::{self, StoredScope};
use breakeven::app::demo;
use breakeven::app::sync::{Cancel, Silent};
use breakeven::ingest::demo::DemoOptions;
use breakeven::report::account::ReportKind;
use breakeven::report::{AccountReport, Format, Rendered};
use breakeven::store::Store;
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use rust_decimal::Decimal;
use std::path::Path;

const FUNCTION: &str = "api-orders";

/// 10 days of the demo account ending 2026-06-14, in a temp file.
fn demo_db() -> (tempfile::TempDir, String, Store, PriceCatalog) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("demo.sqlite");
    let catalog = PriceCatalog::bundled().expect("catalog");
    let mut store = Store::open(&path).expect("store");
    let opts = DemoOptions {
        seed: breakeven::ingest::demo::DEFAULT_SEED,
        days: 10,
        until: "2026-06-15".parse().expect("day"),
    };
    demo::load(&mut store, &catalog, opts, &Silent, &Cancel::new()).expect("demo");
    let db = path.to_str().expect("utf-8").to_string();
    (dir, db, store, catalog)
}

fn scope(function: Option<&str>) -> StoredScope {
    StoredScope {
        function: function.map(String::from),
        ..StoredScope::default()
    }
}

fn file(r: &AccountReport, f: Format, anonymise: bool) -> String {
    match account_report::render(r, f, anonymise).expect("renders") {
        Rendered::File(s) => s,
        Rendered::Files(_) => panic!("{f} is one file"),
    }
}

fn tables(r: &AccountReport, anonymise: bool) -> Vec<(String, String)> {
    match account_report::render(r, Format::Csv, anonymise).expect("renders") {
        Rendered::Files(f) => f,
        Rendered::File(_) => panic!("csv is a set of tables"),
    }
}

/// Every text a report wrote: the file, or each file of a directory.
fn written(out: &Path) -> Vec<String> {
    if out.is_dir() {
        let mut texts = Vec::new();
        for f in std::fs::read_dir(out).expect("tables") {
            texts.push(std::fs::read_to_string(f.expect("entry").path()).expect("read table"));
        }
        texts
    } else {
        vec![std::fs::read_to_string(out).expect("read report")]
    }
}

#[test]
fn function_report_has_cost_split_metrics_reconciliation_and_what_if_in_every_format() {
    let (_dir, _db, store, catalog) = demo_db();
    let r = account_report::compute(&store, &catalog, &scope(Some(FUNCTION))).expect("report");
    assert_eq!(r.kind, ReportKind::Function);
    assert_eq!(
        (r.from.as_str(), r.to.as_str(), r.days),
        ("2026-06-05", "2026-06-14", 10)
    );
    // The cost split adds up, and is the function's share of the account's usage-derived cost.
    let c = &r.usage_cost;
    assert_eq!(
        c.requests_usd + c.compute_usd + c.provisioned_usd + c.init_usd + c.storage_usd,
        c.total_usd
    );
    let f = &r.functions[0];
    assert_eq!((f.name.as_str(), r.functions.len()), (FUNCTION, 1));
    let share = f.cost.total_usd.0 / r.reconciliation.usage_derived_usd.0 * Decimal::ONE_HUNDRED;
    assert!(
        (share - f.share_pct).abs() <= Decimal::new(5, 2),
        "{share} vs {}",
        f.share_pct
    );
    assert!(f.share_pct > Decimal::ZERO && f.share_pct < Decimal::ONE_HUNDRED);
    assert_eq!(r.function_days.len(), 10);
    let days: Usd = r.function_days.iter().map(|d| d.cost_usd).sum();
    assert_eq!(days, c.total_usd, "the days add up to the range");
    assert_eq!(r.reconciliation.days.len(), 10, "the account's bill, reconciled");

    // What-if: the function's own platform and two others, cheapest first; the replay on its
    // own platform lands near the cost its metrics imply.
    let ids: Vec<&str> = r.what_if.iter().map(|w| w.platform.as_str()).collect();
    assert_eq!(r.what_if.len(), 3, "{ids:?}");
    assert!(
        ids.contains(&"aws-lambda") && ids.contains(&"aws-fargate"),
        "{ids:?}"
    );
    assert_eq!(r.what_if.iter().filter(|w| w.current).count(), 1);
    assert!(r.what_if.windows(2).all(|w| w[0].monthly_usd <= w[1].monthly_usd));
    let check = r.replay.as_ref().expect("replay check");
    assert_eq!(check.platform, "aws-lambda");
    // Same days, same cost (the analysis keeps whole nano-dollars).
    let derived_gap = (check.usage_derived_usd.0 - c.total_usd.0).abs();
    assert!(derived_gap < Decimal::new(1, 6), "{check:?} vs {c:?}");
    assert!(check.difference_pct.abs() < Decimal::from(5), "{check:?}");

    let html = file(&r, Format::Html, false);
    for section in [
        "Function report: api-orders",
        "id=\"cost\"",
        "id=\"what-if\"",
        "id=\"metrics\"",
        "id=\"reconciliation\"",
        "Lambda bills the account, not each function",
        "aws-lambda (today)",
    ] {
        assert!(html.contains(section), "html lacks {section}");
    }
    assert_eq!(
        html.matches("<svg").count(),
        4,
        "metrics and reconciliation, light and dark"
    );
    let md = file(&r, Format::Md, false);
    assert!(md.contains("## The same traffic on other platforms") && md.contains("## Metrics per day"));
    assert!(
        md.contains(&check.simulated_usd.to_string()),
        "the replay sentence"
    );
    let back: AccountReport = serde_json::from_str(&file(&r, Format::Json, false)).expect("reads back");
    assert_eq!(back, r);
    let csv = tables(&r, false);
    let what_if = &csv
        .iter()
        .find(|(n, _)| n == "what_if.csv")
        .expect("what_if.csv")
        .1;
    assert!(what_if.starts_with("platform,current,monthly_usd,p99_ms,cold_start_probability\n"));
    assert_eq!(what_if.lines().count(), 4);
    let days_csv = &csv
        .iter()
        .find(|(n, _)| n == "function_days.csv")
        .expect("days")
        .1;
    assert_eq!(days_csv.lines().count(), 11);
}

#[test]
fn account_report_snapshots_and_anonymised_reports_hide_function_names() {
    let (_dir, _db, store, catalog) = demo_db();
    let r = account_report::compute(&store, &catalog, &scope(None)).expect("report");
    assert_eq!((r.kind.as_str(), r.account.as_str()), ("account", "demo"));
    assert!(r.what_if.is_empty() && r.replay.is_none());
    assert_eq!(r.functions.len(), 26);
    insta::assert_snapshot!("account_report_md", file(&r, Format::Md, false));

    let names: Vec<String> = r.functions.iter().map(|f| f.name.clone()).collect();
    let mut texts = vec![
        file(&r, Format::Html, true),
        file(&r, Format::Md, true),
        file(&r, Format::Json, true),
    ];
    texts.extend(tables(&r, true).into_iter().map(|(_, t)| t));
    for t in &texts {
        for n in &names {
            assert!(!t.contains(n.as_str()), "{n} left in an anonymised report");
        }
    }
    for t in &texts[..3] {
        assert!(t.contains("function-"), "pseudonyms instead");
    }
    let json: AccountReport = serde_json::from_str(&texts[2]).expect("reads back");
    assert!(
        json.anonymised && json.account.starts_with("account-"),
        "{}",
        json.account
    );
    // Amounts are untouched.
    assert_eq!(json.billed_total_usd, r.billed_total_usd);
}

#[test]
fn function_report_snapshot_is_stable() {
    let (_dir, _db, store, catalog) = demo_db();
    let r = account_report::compute(&store, &catalog, &scope(Some("api-search"))).expect("report");
    insta::assert_snapshot!("function_report_md", file(&r, Format::Md, false));
}

#[test]
fn cli_reports_of_stored_data_keep_credentials_and_names_out() {
    let (dir, db, _store, _catalog) = demo_db();
    let secrets = [
        ("AWS_ACCESS_KEY_ID", "AKIAZZTESTKEY0000001"),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-test-secret-do-not-leak"),
        ("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEtest-session-token"),
    ];
    for (what, format, name) in [
        (["--function", FUNCTION], "html", "f.html"),
        (["--function", FUNCTION], "csv", "f-tables"),
        (["--account", "demo"], "json", "a.json"),
        (["--account", "demo"], "md", "a.md"),
    ] {
        let out = dir.path().join(name);
        let o = std::process::Command::new(support::bin())
            .args(["--db", &db, "report"])
            .args(what)
            .args(["--format", format, "--anonymise", "--out"])
            .arg(&out)
            .env("HOME", dir.path())
            .envs(secrets)
            .output()
            .expect("run breakeven");
        assert!(o.status.success(), "{format}: {}", support::stderr(&o));
        assert!(
            support::stdout(&o).starts_with("wrote "),
            "{}",
            support::stdout(&o)
        );
        let mut texts = written(&out);
        texts.push(support::stdout(&o));
        texts.push(support::stderr(&o));
        for t in &texts {
            for (_, secret) in secrets {
                assert!(!t.contains(secret), "{format} leaks {secret}");
            }
            assert!(!t.contains(FUNCTION), "{format} names the function");
            assert!(!t.contains("account demo"), "{format} names the account");
        }
    }
    // A function that is not stored is the user's mistake: exit code 2, with the code.
    let o = support::run(&["--db", &db, "report", "--function", "nope", "--out", "x.html"]);
    assert_eq!(o.status.code(), Some(2), "{}", support::stderr(&o));
    assert!(support::stderr(&o).contains("nope"));
    // --scenario and --function are two reports, not one.
    let o = support::run(&["report", "--scenario", "s.toml", "--function", "f", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2));
}

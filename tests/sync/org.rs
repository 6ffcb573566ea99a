//! An organisation as a new user would set it up: every account's inventory through its own
//! profile, per-hour metrics through the monitoring account (Metrics Insights), and the billing
//! export through Athena; `analyse` then shows, per function, its usage-derived cost beside what
//! the export billed, equal to the export's own sum of its line items.

use super::athena::{athena_server, sync as sync_athena};
use super::insights::{seed_org, sync_org};
use crate::support::{run, stderr, stdout};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;
use std::str::FromStr;

#[test]
fn analyse_shows_each_functions_bill_from_the_export() {
    let Some(aws) = athena_server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let org = seed_org(&aws, dir.path());
    let summary = dir.path().join("export-summary.json");
    let org_file = dir.path().join("org.json");
    std::fs::write(&org_file, org.to_string()).unwrap();
    // The export bills the organisation's own accounts and functions, this month and the last.
    let end = org["end"].as_i64().unwrap();
    let month = |t: i64| {
        let d = breakeven::model::Day::from_unix(t).to_string();
        d[..7].to_string()
    };
    let months = format!("{},{}", month(end - 32 * 86_400), month(end - 3_600));
    let o = Command::new(&aws.py)
        .arg(super::moto_dir().join("exports.py"))
        .args(["--endpoint", &aws.url, "--access-key", super::KEY])
        .args(["--org", org_file.to_str().unwrap(), "--months", &months])
        .args([
            "--line-items",
            "6000",
            "--summary-file",
            summary.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let export: Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();

    let db = dir.path().join("org.sqlite");
    let r = sync_org(&aws, &db, &["--detail", "hour", "--metrics-from", "org-0"]);
    assert_eq!(r["status"], "ok", "{r}");
    let table = format!(
        "{}.{}",
        export["database"].as_str().unwrap(),
        export["table"].as_str().unwrap()
    );
    let a = sync_athena(&aws, &db, &table);
    assert!(a.status.success(), "{}", stderr(&a));

    let account = org["accounts"][1].as_str().unwrap();
    let o = run(&[
        "--db",
        db.to_str().unwrap(),
        "analyse",
        "--account",
        account,
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let an: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let (from, to) = (an["from"].as_str().unwrap(), an["to"].as_str().unwrap());
    // The export's own sums per function over the analysed days, in exact decimals.
    let mut want: BTreeMap<String, Decimal> = BTreeMap::new();
    for row in export["by_function_day"].as_array().unwrap() {
        let arn = row["resource_id"].as_str().unwrap();
        let day = row["day"].as_str().unwrap();
        if arn.split(':').nth(4) == Some(account) && (from..=to).contains(&day) {
            let name = arn.rsplit(':').next().unwrap().to_string();
            *want.entry(name).or_default() += Decimal::from_str(row["billed"].as_str().unwrap()).unwrap();
        }
    }
    assert!(!want.is_empty());
    let functions = an["functions"].as_array().unwrap();
    assert_eq!(functions.len(), 12);
    let mut billed_total = Decimal::ZERO;
    for f in functions {
        let name = f["name"].as_str().unwrap();
        let got = Decimal::from_str(f["billed_usd"].as_str().unwrap()).unwrap();
        let expected = want.get(name).copied().unwrap_or_default();
        // Stored to the nano-dollar per function-day row: equal to the cent, and far closer.
        assert!(
            (got - expected).abs() < Decimal::from_str("0.000001").unwrap(),
            "{name}: {got} ≠ {expected}"
        );
        assert_eq!(got.round_dp(2), expected.round_dp(2), "{name}");
        billed_total += got;
    }
    assert!(billed_total > Decimal::ZERO);
    // The organisation's dashboard adds up its accounts' analyses over the same days.
    let store = breakeven::store::Store::open(&db).unwrap();
    let catalog = breakeven_simulator::pricing::PriceCatalog::bundled().unwrap();
    let all = breakeven::app::dashboard_all::dashboard_of(
        &store,
        &catalog,
        breakeven::app::dashboard_all::ALL_ACCOUNTS,
    )
    .unwrap();
    assert_eq!(all.account_name, "All accounts (3)");
    let (mut usage, mut billed, mut functions) = (Decimal::ZERO, Decimal::ZERO, 0);
    for key in org["accounts"].as_array().unwrap() {
        let req = breakeven::app::analyse::AnalyseRequest {
            account: Some(key.as_str().unwrap().to_string()),
            from: Some(all.from),
            to: Some(all.to),
            ..Default::default()
        };
        let a = breakeven::app::analyse::analyse(&store, &catalog, &req).unwrap();
        usage += a.usage_cost.split.total_usd.0;
        billed += a.billed.total_usd.0;
        functions += a.functions.len();
    }
    assert_eq!(all.usage.split.total_usd.0, usage);
    assert_eq!(all.billed_usd.0, billed);
    assert!(billed > Decimal::ZERO);
    assert_eq!(all.functions.len(), functions);
    let by_day: Decimal = all.days.iter().map(|d| d.billed_usd.0).sum();
    assert_eq!(by_day, billed);
    // The CLI prints the same dashboard.
    let o = run(&["--db", db.to_str().unwrap(), "dashboard", "--all", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cli: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        Decimal::from_str(cli["billed_usd"].as_str().unwrap()).unwrap(),
        billed
    );
    assert_eq!(cli["account_name"], "All accounts (3)");
    // The table shows the bill beside the usage-derived cost.
    let o = run(&["--db", db.to_str().unwrap(), "analyse", "--account", account]);
    assert!(stdout(&o).contains("Billed (export)"), "{}", stdout(&o));
}

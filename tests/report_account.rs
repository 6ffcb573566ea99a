//! Account and function reports: every exporter on a small account, its charts, anonymisation.

use breakeven::report::account::{
    AccountReport, CostSplitUsd, DailyServiceCost, FunctionCost, FunctionDay, ReconciledDay,
    ReconciledStatus, ServiceTotal,
};
use breakeven::report::{anonymise, exporter, Format, Rendered};
use breakeven_simulator::pricing::Usd;
use rust_decimal::Decimal;

fn usd(cents: i64) -> Usd {
    Usd(Decimal::new(cents, 2))
}

/// Three days of a two-service account with one function.
fn account(function: Option<&str>) -> AccountReport {
    let mut r = AccountReport::new("123456789012", function, "2026-11-01", "2026-11-03", 3);
    r.billed_total_usd = usd(4_650);
    r.services = vec![
        ServiceTotal {
            service: "AWS Lambda".into(),
            cost_usd: usd(3_150),
            share_pct: Decimal::new(677, 1),
        },
        ServiceTotal {
            service: "Amazon DynamoDB".into(),
            cost_usd: usd(1_500),
            share_pct: Decimal::new(323, 1),
        },
    ];
    for (k, day) in ["2026-11-01", "2026-11-02", "2026-11-03"].iter().enumerate() {
        r.daily.push(DailyServiceCost {
            day: day.to_string(),
            service: "AWS Lambda".into(),
            cost_usd: usd(1_000 + 50 * k as i64),
        });
        r.daily.push(DailyServiceCost {
            day: day.to_string(),
            service: "Amazon DynamoDB".into(),
            cost_usd: usd(500),
        });
        r.reconciliation.days.push(ReconciledDay {
            day: day.to_string(),
            usage_derived_usd: usd(1_000),
            billed_usd: Some(usd(1_000 + 50 * k as i64)),
            gap_usd: Some(usd(50 * k as i64)),
            status: if k == 2 {
                ReconciledStatus::Unexplained
            } else {
                ReconciledStatus::Ok
            },
            causes: Vec::new(),
        });
        r.function_days.push(FunctionDay {
            name: "checkout-handler".into(),
            day: day.to_string(),
            invocations: 100_000 + k as u64,
            duration_avg_ms: Some(80.0),
            duration_p99_ms: Some(420.0),
            error_rate: 0.001,
            peak_concurrency: Some(12.0),
            cost_usd: usd(1_000),
        });
    }
    r.reconciliation.usage_derived_usd = usd(3_000);
    r.reconciliation.billed_usd = usd(3_150);
    r.reconciliation.gap_usd = usd(150);
    let cost = CostSplitUsd {
        requests_usd: usd(6),
        compute_usd: usd(2_994),
        total_usd: usd(3_000),
        ..CostSplitUsd::default()
    };
    r.usage_cost = cost;
    r.functions.push(FunctionCost {
        name: "checkout-handler".into(),
        memory_mb: 512,
        architecture: "arm64".into(),
        invocations: 300_003,
        duration_p50_ms: Some(60.0),
        duration_p99_ms: Some(420.0),
        error_rate: 0.001,
        cost,
        share_pct: Decimal::ONE_HUNDRED,
    });
    r
}

fn one(r: &AccountReport, f: Format) -> String {
    match exporter(f).export_account(r).expect("renders") {
        Rendered::File(s) => s,
        Rendered::Files(_) => panic!("{f} is one file"),
    }
}

#[test]
fn account_html_has_the_billed_and_reconciliation_charts_in_both_themes() {
    let html = one(&account(None), Format::Html);
    assert_eq!(html.matches("<svg").count(), 4, "two charts, light and dark");
    assert!(html.contains("Billed cost per day, by service"));
    assert!(html.contains("Reconciliation: Lambda cost from usage vs the bill"));
    assert!(
        html.contains("Billed $46.50 over 2026-11-01 to 2026-11-03 (3 days)"),
        "headline"
    );
    // Only the day outside the tolerance is listed.
    assert!(html.contains("unexplained") && !html.contains("<td>ok</td>"));
    for banned in ["<script", "src=", "href=", "url("] {
        assert!(!html.contains(banned), "self-contained: {banned}");
    }
}

#[test]
fn function_html_has_the_metrics_chart() {
    let html = one(&account(Some("checkout-handler")), Format::Html);
    assert!(html.contains("Function report: checkout-handler"));
    assert_eq!(
        html.matches("<svg").count(),
        4,
        "the metrics and reconciliation charts, light and dark"
    );
    assert!(html.contains("Lambda bills the account, not each function"));
    assert!(html.contains("Invocations per day") && html.contains("p99 duration"));
}

#[test]
fn account_csv_tables_carry_units_and_exact_amounts() {
    let Rendered::Files(files) = exporter(Format::Csv)
        .export_account(&account(None))
        .expect("renders")
    else {
        panic!("csv is a set of tables");
    };
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "billed_by_day.csv",
            "reconciliation.csv",
            "functions.csv",
            "function_days.csv"
        ]
    );
    assert!(files[0].1.starts_with("day,service,cost_usd\n"));
    assert!(
        files[0].1.contains("2026-11-02,AWS Lambda,10.5\n"),
        "{}",
        files[0].1
    );
    assert!(files[1].1.contains("2026-11-01,10,10,0,ok,"), "{}", files[1].1);
}

#[test]
fn account_json_reads_back_and_markdown_lists_services() {
    let r = account(None);
    let back: AccountReport = serde_json::from_str(&one(&r, Format::Json)).expect("reads back");
    assert_eq!(back, r);
    let md = one(&r, Format::Md);
    assert!(md.contains("| AWS Lambda | $31.50 | 67.7 % |"), "{md}");
}

#[test]
fn anonymised_account_reports_hide_function_names_and_the_account() {
    let a = anonymise::anonymise_account(&account(Some("checkout-handler"))).expect("anonymises");
    for f in [Format::Html, Format::Json, Format::Md] {
        let text = one(&a, f);
        for secret in ["checkout-handler", "123456789012"] {
            assert!(!text.contains(secret), "{f} shows {secret}");
        }
        assert!(text.contains("function-"), "{f}: pseudonyms");
    }
}

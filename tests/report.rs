//! Reports: every exporter against snapshots, the HTML's self-containment, credentials and
//! anonymisation, and the `report` command.

use crate::support;
use breakeven::app::report::{compute, render, ReportOptions, ReportTimings};
use breakeven::app::simulate::RunOptions;
use breakeven::report::{Format, Rendered, Report};
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::sweep::{SweepMode, TrafficSweep};

/// Three platforms over 20 minutes: small enough for readable snapshots, and the function's cost
/// line crosses the VM's inside the sweep.
const SCENARIO: &str = r#"
version = 1
name = "orders-api"
seed = 11

[workload]
horizon = "20m"
memory_mb = 512
arrivals = { process = "poisson", rate_per_s = 2 }
duration = { dist = "lognormal", p50_ms = 80, p99_ms = 600 }
init = { dist = "lognormal", p50_ms = 300, p99_ms = 900 }
cpu_fraction = 0.5

[[platforms]]
id = "aws-lambda"

[[platforms]]
id = "aws-fargate"
vcpu = 0.25
memory_gb = 0.5
concurrency = 10

[[platforms]]
id = "vm:aws/m7g.large"
concurrency = 32
min_instances = 1
"#;

fn options(sweep: bool) -> ReportOptions {
    ReportOptions {
        overrides: RunOptions::default(),
        sweep: sweep.then_some(TrafficSweep {
            from: 0.1,
            to: 1000.0,
            steps: 5,
            mode: SweepMode::Aggregate,
        }),
        memory_mb: Some((128, 1024)),
        anonymise: false,
    }
}

fn report_of(toml: &str) -> Report {
    report_with(toml, true)
}

fn report_with(toml: &str, sweep: bool) -> Report {
    let catalog = PriceCatalog::bundled().expect("bundled catalog");
    let mut no_replay = |f: &str| Err(format!("no replay file {f} in this test"));
    let s = breakeven_simulator::scenario::parse("orders-api.toml", toml, &catalog, &mut no_replay)
        .expect("scenario parses");
    compute(&catalog, &s, &options(sweep), &mut ReportTimings::default()).expect("report computes")
}

fn one_file(r: &Report, f: Format, anonymise: bool) -> String {
    match render(r, f, anonymise).expect("renders") {
        Rendered::File(s) => s,
        Rendered::Files(_) => panic!("{f} should be one file"),
    }
}

/// The HTML with each inline SVG replaced by its size, so the snapshot shows the document.
fn without_svg(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</svg>")
            .map(|e| start + e + 6)
            .expect("closed svg");
        out.push_str("<svg/>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("><", ">\n<")
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(one_file(&report_of(SCENARIO), Format::Md, false));
}

/// The snapshot scenario with a Compute Savings Plan and a negotiated discount on Fargate.
fn committed_scenario() -> String {
    format!(
        "{SCENARIO}\n[[commitments]]\nkind = \"compute-savings-plan\"\nterm = \"3yr\"\npayment = \"all-upfront\"\nusd_per_hour = \"0.01\"\n\n[[discounts]]\nprovider = \"aws\"\nplatform = \"aws-fargate\"\npercent = \"7\"\n"
    )
}

#[test]
fn markdown_with_commitments_snapshot() {
    let r = report_of(&committed_scenario());
    let md = one_file(&r, Format::Md, false);
    assert!(md.contains("## Commitments"), "{md}");
    assert!(md.contains("## Best commitment per plan"), "{md}");
    assert!(md.contains("- **commitment compute-sp-3yr-all-upfront**"), "{md}");
    assert!(
        md.contains("- **discount aws aws-fargate**: 7 % off list"),
        "{md}"
    );
    insta::assert_snapshot!(md);
}

#[test]
fn every_format_carries_the_commitments() {
    let r = report_of(&committed_scenario());
    let rec = r
        .commit_recommendation
        .as_ref()
        .expect("a recommendation for a scenario with commitments");
    assert!(!rec.plans.is_empty());
    let html = one_file(&r, Format::Html, false);
    assert!(
        html.contains("<h2>Commitments</h2>") || html.contains(">Commitments<"),
        "no commitments section"
    );
    assert!(html.contains("Best commitment per plan"));
    let json: serde_json::Value = serde_json::from_str(&one_file(&r, Format::Json, false)).unwrap();
    assert!(json["commit_recommendation"]["plans"]
        .as_array()
        .is_some_and(|p| !p.is_empty()));
    assert_eq!(json["assumptions"]["discounts"][0]["value"], "7 % off list");
    let Rendered::Files(files) = render(&r, Format::Csv, false).unwrap() else {
        panic!("CSV is a set of files")
    };
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "commitments.csv",
        "commit_recommendation.csv",
        "crossing_shifts.csv",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    // Without commitments, none of it.
    let plain = report_of(SCENARIO);
    assert!(plain.commit_recommendation.is_none() && plain.assumptions.commitments.is_empty());
    assert!(!one_file(&plain, Format::Md, false).contains("## Commitments"));
}

#[test]
fn json_snapshot_is_the_versioned_full_result() {
    // Without the sweep: its per-point fields belong to the simulator and change with it.
    let text = one_file(&report_with(SCENARIO, false), Format::Json, false);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["simulation"]["platforms"].as_array().map(Vec::len), Some(3));
    let back: Report = serde_json::from_str(&text).expect("reads back as a report");
    assert_eq!(back.simulation.platforms.len(), 3);
    insta::assert_snapshot!(text);
}

#[test]
fn csv_snapshot_has_one_table_per_file_with_units_in_the_columns() {
    let Rendered::Files(files) = render(&report_of(SCENARIO), Format::Csv, false).expect("renders") else {
        panic!("csv is a set of tables");
    };
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "platforms.csv",
            "cost_lines.csv",
            "prices.csv",
            "breakeven.csv",
            "crossings.csv",
            "memory_tuning.csv",
            "timeline.csv"
        ]
    );
    let timeline = &files[6].1;
    assert_eq!(
        timeline.lines().count(),
        1 + 3 * 20,
        "a row per platform and minute"
    );
    let all: String = files[..6].iter().map(|(n, t)| format!("== {n}\n{t}")).collect();
    insta::assert_snapshot!(all);
}

#[test]
fn html_snapshot_is_one_self_contained_page() {
    let html = one_file(&report_of(SCENARIO), Format::Html, false);
    for banned in ["<script", "src=", "href=", "url(", "@import", "<link"] {
        assert!(
            !html.contains(banned),
            "the page must not load anything: found {banned}"
        );
    }
    // Five charts, each in a light and a dark variant.
    assert_eq!(html.matches("<svg").count(), 10);
    assert!(html.contains("@media print"));
    assert!(html.contains("As of"));
    insta::assert_snapshot!(without_svg(&html));
}

#[test]
fn cost_chart_snapshot() {
    let r = report_of(SCENARIO);
    let svg =
        breakeven::report::charts::cost::monthly_cost(&r.simulation, breakeven::report::charts::Theme::Light)
            .expect("draws");
    assert!(svg.contains("aws-lambda") && svg.contains("USD per month"));
    insta::assert_snapshot!(svg);
}

#[test]
fn breakeven_chart_marks_every_crossing() {
    let r = report_of(SCENARIO);
    let sweep = r.sweep.as_ref().expect("swept");
    assert!(
        !sweep.crossings.is_empty(),
        "the VM's flat cost meets the functions' rising cost"
    );
    let svg = breakeven::report::charts::breakeven::curves(
        sweep,
        &r.scenario.platforms,
        breakeven::report::charts::Theme::Dark,
    )
    .expect("draws");
    // The SVG backend writes each text on its own line.
    let svg = svg.replace('\n', "");
    for k in 1..=sweep.crossings.len() {
        assert!(svg.contains(&format!(">{k}</text>")), "crossing {k} is numbered");
    }
    assert!(!svg.contains(&format!(">{}</text>", sweep.crossings.len() + 1)));
    // The desktop's panel size: drawn at that size, with a title that fits it.
    let panel = breakeven::report::charts::breakeven::curves_sized(
        breakeven::report::charts::breakeven::PANEL,
        sweep,
        &r.scenario.platforms,
        breakeven::report::charts::Theme::Light,
    )
    .expect("draws");
    assert!(panel.contains(r#"width="640" height="460""#), "{}", &panel[..120]);
    assert!(panel.contains("Monthly cost as traffic scales"));
    assert!(!panel.contains("see the table"));
}

#[test]
fn credentials_never_reach_a_report() {
    let toml = SCENARIO.replace(
        "id = \"aws-fargate\"",
        "id = \"aws-fargate\"\nlabel = \"run AKIAIOSFODNN7EXAMPLE\"",
    );
    let r = report_of(&toml);
    for f in [Format::Html, Format::Json, Format::Md] {
        let text = one_file(&r, f, false);
        assert!(!text.contains("AKIAIOSFODNN7EXAMPLE"), "{f} leaks a key");
        assert!(text.contains("run [redacted]"), "{f} keeps the rest of the label");
    }
}

#[test]
fn anonymise_replaces_names_and_account_ids_with_stable_pseudonyms() {
    let toml = SCENARIO
        .replace("orders-api", "acme-payments-123456789012")
        .replace(
            "id = \"aws-fargate\"",
            "id = \"aws-fargate\"\nlabel = \"team-falcon run\"",
        );
    let r = report_of(&toml);
    for f in [Format::Html, Format::Json, Format::Md] {
        let a = one_file(&r, f, true);
        for secret in ["acme-payments", "123456789012", "team-falcon"] {
            assert!(!a.contains(secret), "{f} still shows {secret}");
        }
        assert!(
            a.contains("aws-fargate (config-"),
            "{f}: catalog ids stay readable"
        );
        assert_eq!(a, one_file(&r, f, true), "{f}: pseudonyms are stable");
    }
    let Rendered::Files(files) = render(&r, Format::Csv, true).expect("renders") else {
        panic!("csv is a set of tables");
    };
    assert!(files.iter().all(|(_, t)| !t.contains("team-falcon")));
}

#[test]
fn report_command_writes_each_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("orders.toml");
    std::fs::write(&scenario, SCENARIO).expect("write scenario");
    let s = scenario.to_str().expect("utf-8 path");
    for (format, name) in [
        ("html", "r.html"),
        ("json", "r.json"),
        ("md", "r.md"),
        ("csv", "tables"),
    ] {
        let out = dir.path().join(name);
        let o = support::run(&[
            "report",
            "--scenario",
            s,
            "--format",
            format,
            "--out",
            out.to_str().expect("utf-8"),
            "--steps",
            "3",
            "--memory",
            "128..512",
            "--bench",
        ]);
        assert!(o.status.success(), "{format}: {}", support::stderr(&o));
        let stdout = support::stdout(&o);
        assert!(stdout.contains("baseline: one run of the scenario"), "{stdout}");
        for f in ["json", "csv", "md", "html"] {
            assert!(
                stdout.lines().any(|l| l.starts_with(f) && l.contains("within")),
                "{f} timed: {stdout}"
            );
        }
        assert!(out.exists(), "{format} written");
    }
    assert!(dir.path().join("tables/platforms.csv").is_file());
    let bad = support::run(&["report", "--scenario", s, "--format", "pdf", "--out", "x"]);
    assert_eq!(bad.status.code(), Some(2));
    let missing = support::run(&["report", "--scenario", "nope.toml", "--out", "x.html"]);
    assert_ne!(missing.status.code(), Some(0));
}

#[test]
fn an_unwritable_output_path_is_a_report_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("orders.toml");
    std::fs::write(&scenario, SCENARIO).expect("write scenario");
    let out = dir.path().join("no-such-dir").join("r.md");
    let o = support::run(&[
        "report",
        "--scenario",
        scenario.to_str().expect("utf-8"),
        "--format",
        "md",
        "--out",
        out.to_str().expect("utf-8"),
        "--no-sweep",
        "--no-tune",
    ]);
    // Refused before the simulation runs: a path that cannot be written is bad input.
    assert_eq!(o.status.code(), Some(2), "{}", support::stderr(&o));
    let err = support::stderr(&o);
    assert!(
        err.contains("does not exist") && err.contains("no-such-dir"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn reports_never_contain_the_credentials_of_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("orders.toml");
    std::fs::write(&scenario, SCENARIO).expect("write scenario");
    let secrets = [
        ("AWS_ACCESS_KEY_ID", "AKIAZZTESTKEY0000001"),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-test-secret-do-not-leak"),
        ("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEtest-session-token"),
    ];
    for (format, name) in [
        ("html", "r.html"),
        ("json", "r.json"),
        ("md", "r.md"),
        ("csv", "tables"),
    ] {
        let out = dir.path().join(name);
        let o = std::process::Command::new(support::bin())
            .args([
                "report",
                "--scenario",
                scenario.to_str().expect("utf-8"),
                "--format",
                format,
            ])
            .args([
                "--out",
                out.to_str().expect("utf-8"),
                "--steps",
                "3",
                "--memory",
                "128..512",
            ])
            .env("HOME", dir.path())
            .envs(secrets)
            .output()
            .expect("run breakeven");
        assert!(o.status.success(), "{format}: {}", support::stderr(&o));
        let mut texts = vec![support::stdout(&o), support::stderr(&o)];
        if out.is_dir() {
            for f in std::fs::read_dir(&out).expect("tables") {
                texts.push(std::fs::read_to_string(f.expect("entry").path()).expect("read table"));
            }
        } else {
            texts.push(std::fs::read_to_string(&out).expect("read report"));
        }
        for text in &texts {
            for (var, value) in secrets {
                assert!(!text.contains(value), "{format} report contains {var}");
            }
        }
    }
}

/// `timeline.csv` is written by hand into one buffer; it must say exactly what the generic table
/// writer says, quoting included.
#[test]
fn timeline_csv_matches_the_generic_table_writer() {
    let toml = SCENARIO.replace(
        "id = \"aws-fargate\"",
        "id = \"aws-fargate\"\nlabel = \"fargate, \\\"half\\\" vCPU\"",
    );
    let r = report_of(&toml);
    let mut rows = Vec::new();
    for p in &r.simulation.platforms {
        let t = p.timeline.as_ref().expect("timeline");
        for i in 0..t.requests.len() {
            rows.push(vec![
                p.label.clone(),
                (i as f64 * t.bucket_s).to_string(),
                t.bucket_s.to_string(),
                t.requests[i].to_string(),
                t.cold_starts[i].to_string(),
                t.throttled[i].to_string(),
                t.avg_instances[i].to_string(),
                t.peak_instances[i].to_string(),
                t.cost_usd[i].exact(),
            ]);
        }
    }
    assert!(rows.len() >= 60, "{} rows", rows.len());
    let reference = breakeven::report::format::csv::Table {
        file: "timeline.csv",
        header: &[
            "platform",
            "start_s",
            "bucket_s",
            "requests",
            "cold_starts",
            "throttled",
            "avg_instances",
            "peak_instances",
            "cost_usd",
        ],
        rows,
    };
    let text = breakeven::report::scenario::csv::timeline_csv(&r);
    assert!(text.contains("\"fargate, \"\"half\"\" vCPU\","), "quoted label");
    assert_eq!(text, reference.to_csv());
}

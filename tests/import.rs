//! `breakeven import focus`: exact totals, idempotence, atomicity and positioned errors.

use crate::support::{run, stderr, stdout};
use breakeven::app::import::{read_focus_files, Platform};
use breakeven::ingest::focus::FocusVersion;
use breakeven::store::Store;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/focus")
        .join(name)
        .display()
        .to_string()
}

fn import(db: &Path, files: &[&str]) -> std::process::Output {
    let db = db.display().to_string();
    let mut args = vec!["--db", db.as_str(), "import", "focus", "--json"];
    args.extend_from_slice(files);
    run(&args)
}

/// (rows, provider -> (billed, effective)) from the `--json` output.
fn totals(out: &std::process::Output) -> (u64, BTreeMap<String, (String, String)>) {
    assert!(out.status.success(), "{}", stderr(out));
    let v: serde_json::Value = serde_json::from_str(&stdout(out)).expect("JSON output");
    let providers = v["providers"]
        .as_object()
        .expect("providers")
        .iter()
        .map(|(p, t)| {
            let s = |k: &str| t[k].as_str().expect("decimal string").to_string();
            (p.clone(), (s("billed_usd"), s("effective_usd")))
        })
        .collect();
    (v["rows"].as_u64().expect("rows"), providers)
}

fn pair(b: &str, e: &str) -> (String, String) {
    (b.to_string(), e.to_string())
}

fn charge_count(db: &Path) -> u64 {
    breakeven::store::focus::count(Store::open(db).expect("open").conn()).expect("count")
}

#[test]
fn a_focus_1_0_file_imports_with_exact_totals_per_provider() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");
    let (rows, providers) = totals(&import(&db, &[&fixture("multi-cloud-1.0.csv")]));
    assert_eq!(rows, 7);
    // By hand: AWS 1.25 + 2 × 10.40 (two identical rows, both billed) − 1.00 credit = 21.05;
    // effective 1.25 + 2 × 8.32 − 1.00 = 16.89.
    let want = BTreeMap::from([
        ("AWS".to_string(), pair("21.0500", "16.8900")),
        ("Google Cloud".to_string(), pair("2.1000", "2.1000")),
        ("Microsoft".to_string(), pair("0.4000", "0.4000")),
        ("Oracle".to_string(), pair("3.3333", "3.3333")),
    ]);
    assert_eq!(providers, want);
    let store = Store::open(&db).unwrap();
    let tags: String = store
        .conn()
        .query_row(
            "SELECT tags FROM focus_charges WHERE service_name = 'AWS Lambda' AND tags IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let tags: serde_json::Value = serde_json::from_str(&tags).unwrap();
    assert_eq!(tags["team"], "payments");
}

#[test]
fn a_focus_1_1_file_is_recognised_and_keeps_ten_decimal_places() {
    let files = read_focus_files(&[fixture("multi-cloud-1.1.csv")]).unwrap();
    assert_eq!(files[0].version, FocusVersion::V1_1);
    let v10 = read_focus_files(&[fixture("multi-cloud-1.0.csv")]).unwrap();
    assert_eq!(v10[0].version, FocusVersion::V1_0);
    let dir = tempfile::tempdir().unwrap();
    let (rows, providers) = totals(&import(
        &dir.path().join("b.sqlite"),
        &[&fixture("multi-cloud-1.1.csv")],
    ));
    assert_eq!(rows, 5);
    assert_eq!(providers["AWS"], pair("5.0000166667", "4.1000166667"));
    assert_eq!(providers["Oracle"], pair("1.5000000000", "1.5000000000"));
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");
    let f = fixture("multi-cloud-1.0.csv");
    assert_eq!(totals(&import(&db, &[&f])).0, 7);
    assert_eq!(totals(&import(&db, &[&f])), (0, BTreeMap::new()));
    // A copy under another name is the same charges too.
    let copy = dir.path().join("copy.csv");
    std::fs::write(&copy, std::fs::read(&f).unwrap()).unwrap();
    assert_eq!(totals(&import(&db, &[&copy.display().to_string()])).0, 0);
    assert_eq!(charge_count(&db), 7);
}

#[test]
fn a_malformed_file_names_file_line_and_column_and_leaves_the_database_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");
    assert_eq!(totals(&import(&db, &[&fixture("multi-cloud-1.1.csv")])).0, 5);
    let before = std::fs::read(&db).unwrap();
    let cases = [
        ("bad-decimal.csv", ":3:1: BilledCost"),
        ("bad-tags.csv", ":4:19: Tags"),
        (
            "missing-column.csv",
            ":1:19: missing required FOCUS column BilledCost",
        ),
        ("short-row.csv", ":3:5: the row has 4 cells"),
        ("bad-category.csv", ":4:6: ChargeCategory"),
    ];
    for (name, want) in cases {
        // The good 1.0 file first: it must not land either (all files or none).
        let out = import(&db, &[&fixture("multi-cloud-1.0.csv"), &fixture(name)]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("{name}{want}")), "{name}: {err}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{name} changed the database");
    }
    assert_eq!(charge_count(&db), 5);
}

#[test]
fn a_missing_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = import(&dir.path().join("b.sqlite"), &["no-such-export.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no-such-export.csv does not exist"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_views_split_serverless_vms_and_containers_across_providers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");
    let out = import(
        &db,
        &[&fixture("multi-cloud-1.0.csv"), &fixture("multi-cloud-1.1.csv")],
    );
    assert_eq!(totals(&out).0, 12);
    let views = breakeven::app::import::cost_views(&Store::open(&db).unwrap()).unwrap();
    let line = |group: &str| {
        let l = views.by_platform.iter().find(|l| l.group == group).expect(group);
        (l.rows, l.totals.billed_usd.to_string())
    };
    // Lambda 1.25 − 1.00 credit + 0.0000166667, Azure Functions 0.40, Cloud Functions tax 0.12.
    assert_eq!(
        line(Platform::Serverless.label()),
        (5, "0.7700166667".to_string())
    );
    // EC2 2 × 10.40, OCI COMPUTE 3.3333, Azure Virtual Machines 0.75.
    assert_eq!(line(Platform::Vms.label()), (4, "24.8833000000".to_string()));
    // Cloud Run 2.10, Fargate 5.00, OKE 1.50.
    assert_eq!(
        line(Platform::Containers.label()),
        (3, "8.6000000000".to_string())
    );
    let providers: Vec<&str> = views.by_provider.iter().map(|l| l.group.as_str()).collect();
    assert_eq!(providers, ["AWS", "Google Cloud", "Microsoft", "Oracle"]);
}

#[test]
fn analyse_shows_imported_charges_when_no_account_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let db_arg = db.to_str().unwrap();
    assert_eq!(totals(&import(&db, &[&fixture("multi-cloud-1.0.csv")])).0, 7);
    let out = run(&["--db", db_arg, "analyse", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["focus_charges"], 7);
    let views = breakeven::app::import::cost_views(&Store::open(&db).unwrap()).unwrap();
    assert_eq!(v["views"], serde_json::to_value(&views).unwrap());
    let text = stdout(&run(&["--db", db_arg, "analyse"]));
    assert!(text.contains("The 7 imported FOCUS charges"), "{text}");
    assert!(text.contains("serverless functions"), "{text}");
    let status = stdout(&run(&["--db", db_arg, "db", "status"]));
    assert!(status.contains("FOCUS charges: 7 imported"), "{status}");
    // With an account stored, `analyse` analyses it; with nothing at all it says what to do.
    let empty = dir.path().join("empty.sqlite");
    let out = run(&["--db", empty.to_str().unwrap(), "analyse"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no account yet"), "{}", stderr(&out));
}

/// The FinOps Foundation's FOCUS 1.0 sample (CC BY 4.0), read from beside the repository.
fn public_sample() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/external/focus-1.0/focus_sample.csv");
    p.exists().then_some(p)
}

/// Split one CSV line into cells: quotes delimit, `""` is a quote. The sample has no line breaks
/// inside cells. Independent of the `csv` crate the import uses.
fn split_line(line: &str) -> Vec<String> {
    let (mut cells, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    cells.push(cur);
    cells
}

#[test]
fn the_public_focus_sample_imports_and_its_totals_match_the_file() {
    let Some(path) = public_sample() else {
        println!("note: skipped: the FOCUS 1.0 public sample is not beside the repository");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header = split_line(lines.next().unwrap());
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (pi, bi, ei) = (col("ProviderName"), col("BilledCost"), col("EffectiveCost"));
    let mut want: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    let mut rows = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        let cells = split_line(line);
        let t = want.entry(cells[pi].clone()).or_default();
        t.0 += Decimal::from_str(&cells[bi]).unwrap();
        t.1 += Decimal::from_str(&cells[ei]).unwrap();
        rows += 1;
    }
    let dir = tempfile::tempdir().unwrap();
    let (got_rows, got) = totals(&import(
        &dir.path().join("b.sqlite"),
        &[&path.display().to_string()],
    ));
    assert_eq!(got_rows, rows);
    assert_eq!(rows, 1000);
    let want: BTreeMap<String, (String, String)> = want
        .into_iter()
        .map(|(p, (b, e))| (p, (b.to_string(), e.to_string())))
        .collect();
    assert_eq!(got, want);
    // Also checked by hand with Python's decimal module on the same file.
    assert_eq!(got["AWS"], pair("18.00663861840", "13.00000000000"));
}

/// `multi-cloud-1.0.csv` with its line `line` (1-based) passed through `edit`, written to `dir`.
fn edited_export(dir: &Path, name: &str, line: usize, edit: impl Fn(&[u8]) -> Vec<u8>) -> PathBuf {
    let text = std::fs::read(fixture("multi-cloud-1.0.csv")).unwrap();
    let mut lines: Vec<Vec<u8>> = text.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    let edited = edit(&lines[line - 1]);
    assert_ne!(edited, lines[line - 1], "the edit changed nothing");
    lines[line - 1] = edited;
    let path = dir.join(name);
    std::fs::write(&path, lines.join(&b'\n')).unwrap();
    path
}

/// `haystack` with the first `from` replaced by `to`.
fn replace_bytes(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    match haystack.windows(from.len()).position(|w| w == from) {
        Some(i) => [&haystack[..i], to, &haystack[i + from.len()..]].concat(),
        None => haystack.to_vec(),
    }
}

#[test]
fn a_focus_timestamp_with_offset_plus_25_hours_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");
    assert_eq!(totals(&import(&db, &[&fixture("multi-cloud-1.1.csv")])).0, 5);
    let before = std::fs::read(&db).unwrap();
    // Line 3's ChargePeriodStart (column 9).
    let bad = edited_export(dir.path(), "offset.csv", 3, |l| {
        replace_bytes(
            l,
            b"\"2025-01-02 00:00:00\",\"2025-01-01 00:00:00\"",
            b"\"2025-01-02 00:00:00\",\"2025-01-01T00:00:00+25:00\"",
        )
    });
    let out = import(&db, &[bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "offset.csv:3:9: ChargePeriodStart: \"2025-01-01T00:00:00+25:00\" has the UTC offset +25:00: offsets must be within ±18:00"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // ±18:00 itself is a valid offset.
    let ok = edited_export(dir.path(), "offset-ok.csv", 3, |l| {
        replace_bytes(
            l,
            b"\"2025-01-02 00:00:00\",\"2025-01-01 00:00:00\"",
            b"\"2025-01-02 00:00:00\",\"2025-01-01T18:00:00+18:00\"",
        )
    });
    assert!(import(&db, &[ok.to_str().unwrap()]).status.success());
}

#[test]
fn a_focus_export_with_invalid_utf8_exits_2_with_one_positioned_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");
    assert_eq!(totals(&import(&db, &[&fixture("multi-cloud-1.1.csv")])).0, 5);
    let before = std::fs::read(&db).unwrap();
    // Latin-1 "é" (0xE9) in line 3's ChargeDescription (column 7), and in the header's first name.
    for (name, line, want) in [
        ("latin1-row.csv", 3, "latin1-row.csv:3:7: not valid UTF-8 text"),
        (
            "latin1-header.csv",
            1,
            "latin1-header.csv:1:1: not valid UTF-8 text",
        ),
    ] {
        let bad = edited_export(dir.path(), name, line, |l| {
            if line == 1 {
                [&b"\xe9"[..], l].concat()
            } else {
                replace_bytes(l, b"on-demand", b"on-d\xe9mand")
            }
        });
        let out = import(&db, &[bad.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "{err}");
        assert_eq!(err.lines().count(), 1, "one message: {err}");
        assert_eq!(err.matches(name).count(), 1, "the file is named once: {err}");
        assert_eq!(std::fs::read(&db).unwrap(), before);
    }
}

#[test]
fn focus_commitment_columns_give_utilisation_coverage_and_effective_rates() {
    use breakeven::analytics::frames::commitment_rows;
    use breakeven::app::analyse::commitments::build;
    use breakeven::store::Day;
    use polars::prelude::IntoLazy;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.sqlite");
    assert_eq!(totals(&import(&db, &[&fixture("commitments-1.1.csv")])).0, 6);
    let store = Store::open(&db).unwrap();
    let status: Vec<Option<String>> = store
        .conn()
        .prepare("SELECT commitment_discount_status FROM focus_charges ORDER BY billed_cost, effective_cost")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(status.iter().filter(|s| s.as_deref() == Some("Used")).count(), 2);
    assert_eq!(
        status.iter().filter(|s| s.as_deref() == Some("Unused")).count(),
        1
    );

    let day: Day = "2025-02-01".parse().unwrap();
    let rows = commitment_rows(store.conn(), 0, "111122223333", day, day).unwrap();
    let c = build(rows.lazy()).unwrap();
    assert!(c.found);
    let t = &c.totals[0].figures;
    // $16.00 of commitment: $8.30 + $4.80 used, $2.90 unused.
    assert_eq!(t.commitment_usd.exact(), "16");
    assert_eq!(t.used_usd.exact(), "13.1");
    assert_eq!(t.utilisation, Some(Decimal::from_str("0.8188").unwrap()));
    // $20 list covered of $25 eligible (Lambda and Fargate; S3 was never covered).
    assert_eq!(t.covered_on_demand_usd.exact(), "20");
    assert_eq!(t.eligible_on_demand_usd.exact(), "25");
    assert_eq!(t.coverage, Some(Decimal::from_str("0.8").unwrap()));
    assert_eq!(t.saving_usd.exact(), "6.9");
    assert_eq!(t.net_saving_usd.exact(), "4");
    let rate = |s: &str| c.effective_rates.iter().find(|r| r.service == s).unwrap();
    assert_eq!(rate("AWS Fargate").discount, Decimal::from_str("0.52").unwrap());
    assert_eq!(rate("AWS Lambda").saving_usd.exact(), "1.7");
    assert_eq!(rate("AWS Lambda").discount, Decimal::from_str("0.1133").unwrap());
    assert_eq!(rate("Amazon Simple Storage Service").discount, Decimal::ZERO);
}

//! `breakeven import focus FILE.parquet`: exact decimals, float money through its shortest text,
//! every timestamp unit, nulls, positioned errors, atomicity and idempotence, and the same totals
//! as the CSV import of the same rows. The Parquet files are written here with the `parquet`
//! crate's writer, so each test states exactly what its file holds.

use crate::support::{run, stderr, stdout};
use breakeven::app::import::read_focus_files;
use breakeven::ingest::focus::FocusVersion;
use breakeven::store::Day;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

/// How a test file stores its money columns.
#[derive(Clone, Copy, PartialEq)]
enum Money {
    /// INT64 with DECIMAL(18, 10), as exports that keep money exact write it.
    Decimal,
    /// DOUBLE.
    Double,
}

/// One charge; money as decimal text, `None` for null; periods as days after 2024-09-01.
struct Charge {
    billed: Option<&'static str>,
    effective: &'static str,
    list: Option<&'static str>,
    account: &'static str,
    provider: &'static str,
    service: &'static str,
    category: &'static str,
    subcategory: &'static str,
    charge_day: i64,
    tags: Option<&'static str>,
}

fn charges() -> Vec<Charge> {
    let c = |billed, effective, list, account, provider, service, subcategory, charge_day, tags| Charge {
        billed,
        effective,
        list,
        account,
        provider,
        service,
        category: "Compute",
        subcategory,
        charge_day,
        tags,
    };
    vec![
        c(
            Some("1.25"),
            "1",
            Some("1.3"),
            "123456789012",
            "AWS",
            "AWS Lambda",
            "Functions",
            0,
            Some(r#"{"team":"payments"}"#),
        ),
        c(
            Some("0.0000166667"),
            "0.0000166667",
            None,
            "123456789012",
            "AWS",
            "AWS Lambda",
            "Functions",
            1,
            None,
        ),
        c(
            Some("10.4"),
            "8.32",
            Some("10.4"),
            "123456789012",
            "AWS",
            "Amazon Elastic Compute Cloud",
            "Virtual Machines",
            2,
            None,
        ),
        c(
            Some("0.4"),
            "0.4",
            Some("0.4"),
            "sub-1",
            "Microsoft",
            "Azure Functions",
            "Functions",
            3,
            Some("{}"),
        ),
        c(
            Some("2.1"),
            "2.1",
            Some("2.1"),
            "billing-9",
            "Google Cloud",
            "Cloud Run",
            "Containers",
            4,
            None,
        ),
    ]
}

/// 2024-09-01T00:00:00Z + `days`, in Unix seconds.
fn at(days: i64) -> i64 {
    1_725_148_800 + days * 86_400
}

fn utc(secs: i64) -> String {
    let day = Day::from_unix(secs);
    let s = secs - day.start_unix();
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// The money text a file of this kind holds: ten decimal places, or a float's shortest text.
fn money_text(v: &str, money: Money) -> String {
    match money {
        Money::Decimal => {
            let mut d = Decimal::from_str(v).unwrap();
            d.rescale(10);
            d.to_string()
        }
        Money::Double => v.parse::<f64>().unwrap().to_string(),
    }
}

const COLUMNS: [&str; 16] = [
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "BillingCurrency",
    "BillingAccountId",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ProviderName",
    "ServiceName",
    "ServiceCategory",
    "Tags",
    "ServiceSubcategory",
];

/// The rows as a FOCUS CSV export would write them (null as `NULL`), with `v11`: ServiceSubcategory.
fn write_csv(path: &Path, rows: &[Charge], money: Money, v11: bool) {
    let n = if v11 { 16 } else { 15 };
    let mut out = COLUMNS[..n].join(",") + "\n";
    for r in rows {
        let m = |v: Option<&str>| v.map_or("NULL".to_string(), |v| money_text(v, money));
        let mut cells = vec![
            m(r.billed),
            m(Some(r.effective)),
            m(r.list),
            "NULL".into(),
            "USD".into(),
            r.account.into(),
            utc(at(0)),
            utc(at(30)),
            utc(at(r.charge_day)),
            utc(at(r.charge_day + 1)),
            "Usage".into(),
            r.provider.into(),
            r.service.into(),
            r.category.into(),
            r.tags
                .map_or("NULL".to_string(), |t| format!("\"{}\"", t.replace('"', "\"\""))),
            r.subcategory.into(),
        ];
        cells.truncate(n);
        out += &(cells.join(",") + "\n");
    }
    std::fs::write(path, out).unwrap();
}

/// Column values of a Parquet file, all columns nullable.
enum Cells {
    Text(Vec<Option<String>>),
    Int64(Vec<Option<i64>>),
    Double(Vec<Option<f64>>),
}

/// Split nullable values into the present values and definition levels (1 present, 0 null).
fn levels<T: Clone>(v: &[Option<T>]) -> (Vec<T>, Vec<i16>) {
    (
        v.iter().flatten().cloned().collect(),
        v.iter().map(|x| i16::from(x.is_some())).collect(),
    )
}

/// Write `columns` under `schema`, `per_group` rows to a row group.
fn write_parquet(path: &Path, schema: &str, columns: &[Cells], per_group: usize, compression: Compression) {
    let schema = Arc::new(parse_message_type(schema).unwrap());
    let props = Arc::new(WriterProperties::builder().set_compression(compression).build());
    let mut w = SerializedFileWriter::new(std::fs::File::create(path).unwrap(), schema, props).unwrap();
    let rows = match &columns[0] {
        Cells::Text(v) => v.len(),
        Cells::Int64(v) => v.len(),
        Cells::Double(v) => v.len(),
    };
    for start in (0..rows).step_by(per_group) {
        let end = (start + per_group).min(rows);
        let mut group = w.next_row_group().unwrap();
        for column in columns {
            let mut c = group.next_column().unwrap().expect("a column per schema field");
            match column {
                Cells::Text(v) => {
                    let (values, defs) = levels(&v[start..end]);
                    let values: Vec<ByteArray> = values.iter().map(|s| ByteArray::from(s.as_str())).collect();
                    c.typed::<ByteArrayType>()
                        .write_batch(&values, Some(&defs), None)
                        .unwrap();
                }
                Cells::Int64(v) => {
                    let (values, defs) = levels(&v[start..end]);
                    c.typed::<Int64Type>()
                        .write_batch(&values, Some(&defs), None)
                        .unwrap();
                }
                Cells::Double(v) => {
                    let (values, defs) = levels(&v[start..end]);
                    c.typed::<DoubleType>()
                        .write_batch(&values, Some(&defs), None)
                        .unwrap();
                }
            }
            c.close().unwrap();
        }
        group.close().unwrap();
    }
    w.close().unwrap();
}

/// The rows as a FOCUS Parquet export: billing periods in milliseconds, charge periods starting
/// in microseconds and ending in nanoseconds; two rows to a row group.
fn write_focus_parquet(path: &Path, rows: &[Charge], money: Money, v11: bool, compression: Compression) {
    let money_type = match money {
        Money::Decimal => "INT64",
        Money::Double => "DOUBLE",
    };
    let money_logical = if money == Money::Decimal {
        " (DECIMAL(18,10))"
    } else {
        ""
    };
    let mut fields = Vec::new();
    for name in ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"] {
        fields.push(format!("OPTIONAL {money_type} {name}{money_logical};"));
    }
    for name in ["BillingCurrency", "BillingAccountId"] {
        fields.push(format!("OPTIONAL BYTE_ARRAY {name} (UTF8);"));
    }
    fields.push("OPTIONAL INT64 BillingPeriodStart (TIMESTAMP(MILLIS,true));".into());
    fields.push("OPTIONAL INT64 BillingPeriodEnd (TIMESTAMP(MILLIS,true));".into());
    fields.push("OPTIONAL INT64 ChargePeriodStart (TIMESTAMP(MICROS,true));".into());
    fields.push("OPTIONAL INT64 ChargePeriodEnd (TIMESTAMP(NANOS,true));".into());
    let text_columns: &[&str] = if v11 { &COLUMNS[10..16] } else { &COLUMNS[10..15] };
    for name in text_columns {
        fields.push(format!("OPTIONAL BYTE_ARRAY {name} (UTF8);"));
    }
    let schema = format!("message focus {{ {} }}", fields.join(" "));

    let money_cells = |f: &dyn Fn(&Charge) -> Option<&'static str>| match money {
        Money::Decimal => Cells::Int64(
            rows.iter()
                .map(|r| f(r).map(|v| Decimal::from_str(&money_text(v, money)).unwrap().mantissa() as i64))
                .collect(),
        ),
        Money::Double => Cells::Double(rows.iter().map(|r| f(r).map(|v| v.parse().unwrap())).collect()),
    };
    let text = |f: &dyn Fn(&Charge) -> Option<String>| Cells::Text(rows.iter().map(f).collect());
    let times = |f: &dyn Fn(&Charge) -> i64, per_s: i64| {
        Cells::Int64(rows.iter().map(|r| Some(f(r) * per_s)).collect())
    };
    let mut columns = vec![
        money_cells(&|r| r.billed),
        money_cells(&|r| Some(r.effective)),
        money_cells(&|r| r.list),
        money_cells(&|_| None),
        text(&|_| Some("USD".into())),
        text(&|r| Some(r.account.into())),
        times(&|_| at(0), 1_000),
        times(&|_| at(30), 1_000),
        times(&|r| at(r.charge_day), 1_000_000),
        times(&|r| at(r.charge_day + 1), 1_000_000_000),
        text(&|_| Some("Usage".into())),
        text(&|r| Some(r.provider.into())),
        text(&|r| Some(r.service.into())),
        text(&|r| Some(r.category.into())),
        text(&|r| r.tags.map(str::to_string)),
    ];
    if v11 {
        columns.push(text(&|r| Some(r.subcategory.into())));
    }
    write_parquet(path, &schema, &columns, 2, compression);
}

fn import(db: &Path, files: &[&Path]) -> std::process::Output {
    let db = db.display().to_string();
    let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mut args = vec!["--db", db.as_str(), "import", "focus", "--json"];
    args.extend(files.iter().map(String::as_str));
    run(&args)
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).expect("JSON output")
}

#[test]
fn a_decimal_parquet_export_imports_exactly_with_the_totals_of_its_csv_form() {
    let dir = tempfile::tempdir().unwrap();
    let (parquet_file, csv_file) = (dir.path().join("export.parquet"), dir.path().join("export.csv"));
    write_focus_parquet(
        &parquet_file,
        &charges(),
        Money::Decimal,
        true,
        Compression::SNAPPY,
    );
    write_csv(&csv_file, &charges(), Money::Decimal, true);
    let db = dir.path().join("p.sqlite");
    let from_parquet = json(&import(&db, &[&parquet_file]));
    let from_csv = json(&import(&dir.path().join("c.sqlite"), &[&csv_file]));
    assert_eq!(from_parquet, from_csv);
    assert_eq!(from_parquet["rows"], 5);
    // By hand: AWS 1.25 + 0.0000166667 + 10.40; effective 1.00 + 0.0000166667 + 8.32.
    assert_eq!(from_parquet["providers"]["AWS"]["billed_usd"], "11.6500166667");
    assert_eq!(from_parquet["providers"]["AWS"]["effective_usd"], "9.3200166667");
    assert_eq!(
        from_parquet["providers"]["Microsoft"]["billed_usd"],
        "0.4000000000"
    );
    assert_eq!(
        from_parquet["providers"]["Google Cloud"]["effective_usd"],
        "2.1000000000"
    );

    let files = read_focus_files(&[&parquet_file]).unwrap();
    assert_eq!(files[0].version, FocusVersion::V1_1);
    assert!(files[0].notes.is_empty(), "{:?}", files[0].notes);
    let first = &files[0].charges[0];
    assert_eq!(first.charge_period, (at(0), at(1)));
    assert_eq!(first.billing_period, (at(0), at(30)));
    assert_eq!(first.tags.as_deref(), Some(r#"{"team":"payments"}"#));
    assert_eq!(
        first.list_cost.map(|d| d.to_string()).as_deref(),
        Some("1.3000000000")
    );
    assert_eq!(files[0].charges[1].list_cost, None, "a null cell stays null");
    assert_eq!(files[0].charges[1].tags, None);
    // The same charges as the CSV form, key for key: the cells hold the same text.
    let csv = read_focus_files(&[&csv_file]).unwrap();
    let keys =
        |f: &breakeven::ingest::focus::FocusFile| f.charges.iter().map(|c| c.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&files[0]), keys(&csv[0]));

    // Importing again adds nothing; so does the CSV form of the same rows.
    assert_eq!(json(&import(&db, &[&parquet_file]))["rows"], 0);
    assert_eq!(json(&import(&db, &[&csv_file]))["rows"], 0);
}

#[test]
fn float_money_goes_through_its_shortest_text_and_the_import_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = charges();
    // 0.1 + 0.2 in floats is 0.30000000000000004; as decimals it is 0.3.
    rows[0].billed = Some("0.1");
    rows[1].billed = Some("0.2");
    let (parquet_file, csv_file) = (dir.path().join("floats.parquet"), dir.path().join("floats.csv"));
    write_focus_parquet(
        &parquet_file,
        &rows,
        Money::Double,
        false,
        Compression::ZSTD(Default::default()),
    );
    write_csv(&csv_file, &rows, Money::Double, false);
    let out = import(&dir.path().join("p.sqlite"), &[&parquet_file]);
    let v = json(&out);
    assert_eq!(v["providers"]["AWS"]["billed_usd"], "10.7");
    assert_eq!(v["providers"]["AWS"]["effective_usd"], "9.3200166667");
    assert_eq!(v, json(&import(&dir.path().join("c.sqlite"), &[&csv_file])));
    let err = stderr(&out);
    assert!(
        err.contains("BilledCost, EffectiveCost, ListCost, ContractedCost stored as floating point"),
        "{err}"
    );
    let files = read_focus_files(&[&parquet_file]).unwrap();
    assert_eq!(files[0].version, FocusVersion::V1_0);
    assert_eq!(files[0].notes.len(), 1);
}

#[test]
fn a_bad_parquet_row_is_named_by_file_row_and_column_and_nothing_lands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");
    let good = dir.path().join("good.parquet");
    write_focus_parquet(&good, &charges(), Money::Decimal, true, Compression::UNCOMPRESSED);
    let other = dir.path().join("other.csv");
    let mut rows = charges();
    rows.truncate(1);
    rows[0].account = "999999999999";
    write_csv(&other, &rows, Money::Decimal, false);
    json(&import(&db, &[&other]));
    let before = std::fs::read(&db).unwrap();

    let mut rows = charges();
    rows[2].billed = None;
    let bad = dir.path().join("bad.parquet");
    write_focus_parquet(&bad, &rows, Money::Decimal, true, Compression::SNAPPY);
    // The good file first: it must not land either (all files or none).
    let out = import(&db, &[&good, &bad]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("bad.parquet:3:1: BilledCost: must not be null (row 1 of row group 2)"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database changed");

    // A Parquet file without FOCUS's columns: line 0 is the schema.
    let not_focus = dir.path().join("not-focus.parquet");
    write_parquet(
        &not_focus,
        "message m { OPTIONAL BYTE_ARRAY ProviderName (UTF8); }",
        &[Cells::Text(vec![Some("AWS".into())])],
        1,
        Compression::UNCOMPRESSED,
    );
    let out = import(&db, &[&not_focus]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not-focus.parquet:0:2: missing required FOCUS column BilledCost"),
        "{}",
        stderr(&out)
    );
    // A file that starts like Parquet but is cut short.
    let cut = dir.path().join("cut.parquet");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = import(&db, &[&cut]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cut.parquet:0:1: not a readable Parquet file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database changed");
}

#[test]
fn a_map_tags_column_becomes_the_json_object_of_the_csv_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map-tags.parquet");
    // Every required column as text (money too: the CSV rules read it), Tags as a MAP.
    let required = &COLUMNS[..14];
    let fields: Vec<String> = required
        .iter()
        .map(|c| format!("OPTIONAL BYTE_ARRAY {c} (UTF8);"))
        .collect();
    let schema = format!(
        "message focus {{ {} OPTIONAL group Tags (MAP) {{ REPEATED group key_value {{ \
         REQUIRED BYTE_ARRAY key (UTF8); OPTIONAL BYTE_ARRAY value (UTF8); }} }} }}",
        fields.join(" ")
    );
    let row = [
        "0.5",
        "0.5",
        "0.5",
        "0.5",
        "USD",
        "123456789012",
        "2024-09-01T00:00:00Z",
        "2024-10-01T00:00:00Z",
        "2024-09-01T00:00:00Z",
        "2024-09-02T00:00:00Z",
        "Usage",
        "AWS",
        "AWS Lambda",
        "Compute",
    ];
    let mut w = SerializedFileWriter::new(
        std::fs::File::create(&path).unwrap(),
        Arc::new(parse_message_type(&schema).unwrap()),
        Arc::new(WriterProperties::builder().build()),
    )
    .unwrap();
    let mut group = w.next_row_group().unwrap();
    // Three rows: each text column holds the same cell in every row.
    for cell in row {
        let mut c = group.next_column().unwrap().unwrap();
        let values = vec![ByteArray::from(cell); 3];
        c.typed::<ByteArrayType>()
            .write_batch(&values, Some(&[1, 1, 1]), None)
            .unwrap();
        c.close().unwrap();
    }
    // Tags: row 1 {team: payments, env: prod}, row 2 null, row 3 {} (definition levels: 0 null
    // map, 1 empty map, 2 an entry; 3 a non-null value; repetition 1 continues the row's map).
    let mut keys = group.next_column().unwrap().unwrap();
    let k: Vec<ByteArray> = ["team", "env"].iter().map(|s| ByteArray::from(*s)).collect();
    keys.typed::<ByteArrayType>()
        .write_batch(&k, Some(&[2, 2, 0, 1]), Some(&[0, 1, 0, 0]))
        .unwrap();
    keys.close().unwrap();
    let mut values = group.next_column().unwrap().unwrap();
    let v: Vec<ByteArray> = ["payments", "prod"].iter().map(|s| ByteArray::from(*s)).collect();
    values
        .typed::<ByteArrayType>()
        .write_batch(&v, Some(&[3, 3, 0, 1]), Some(&[0, 1, 0, 0]))
        .unwrap();
    values.close().unwrap();
    group.close().unwrap();
    w.close().unwrap();

    let files = read_focus_files(&[&path]).unwrap();
    let tags: Vec<Option<&str>> = files[0].charges.iter().map(|c| c.tags.as_deref()).collect();
    assert_eq!(
        tags,
        [Some(r#"{"team":"payments","env":"prod"}"#), None, Some("{}")]
    );
    let v = json(&import(&dir.path().join("b.sqlite"), &[&path]));
    assert_eq!(v["rows"], 3);
    assert_eq!(v["providers"]["AWS"]["billed_usd"], "1.5");
}

//! FOCUS Parquet inputs, written with the `parquet` crate's writer: seeds of each physical
//! layout real exports use (exact decimals, doubles, strings; timestamps in milli-, micro- and
//! nanoseconds; dates), and a strategy that picks each column's type and its values from the
//! edges (extreme timestamps and scales, NaN money, nulls in required columns).

use crate::fuzz::gen::FOCUS_COLUMNS;
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use proptest::prelude::*;
use proptest::sample::select;
use std::sync::Arc;

/// One nullable column.
#[derive(Debug, Clone)]
pub enum Column {
    Text(Vec<Option<String>>),
    /// INT64 DECIMAL(18, scale).
    Decimal(u8, Vec<Option<i64>>),
    Double(Vec<Option<f64>>),
    /// INT64 TIMESTAMP in `MILLIS`, `MICROS` or `NANOS`.
    Timestamp(&'static str, Vec<Option<i64>>),
    /// INT32 DATE, days since 1970-01-01.
    Date(Vec<Option<i32>>),
    Int32(Vec<Option<i32>>),
    Bool(Vec<Option<bool>>),
}

impl Column {
    fn schema(&self, name: &str) -> String {
        match self {
            Column::Text(_) => format!("OPTIONAL BYTE_ARRAY {name} (UTF8);"),
            Column::Decimal(s, _) => format!("OPTIONAL INT64 {name} (DECIMAL(18,{s}));"),
            Column::Double(_) => format!("OPTIONAL DOUBLE {name};"),
            Column::Timestamp(u, _) => format!("OPTIONAL INT64 {name} (TIMESTAMP({u},true));"),
            Column::Date(_) => format!("OPTIONAL INT32 {name} (DATE);"),
            Column::Int32(_) => format!("OPTIONAL INT32 {name};"),
            Column::Bool(_) => format!("OPTIONAL BOOLEAN {name};"),
        }
    }
}

fn levels<T: Clone>(v: &[Option<T>]) -> (Vec<T>, Vec<i16>) {
    (
        v.iter().flatten().cloned().collect(),
        v.iter().map(|x| i16::from(x.is_some())).collect(),
    )
}

/// A Parquet file of `columns` in one row group; empty when the writer refuses them.
pub fn write(columns: &[(String, Column)], compression: Compression) -> Vec<u8> {
    let fields: Vec<String> = columns.iter().map(|(n, c)| c.schema(n)).collect();
    let Ok(schema) = parse_message_type(&format!("message focus {{ {} }}", fields.join(" "))) else {
        return Vec::new();
    };
    let props = Arc::new(WriterProperties::builder().set_compression(compression).build());
    let mut out = Vec::new();
    let written = (|| -> parquet::errors::Result<()> {
        let mut w = SerializedFileWriter::new(&mut out, Arc::new(schema), props)?;
        let mut group = w.next_row_group()?;
        for (_, column) in columns {
            let Some(mut c) = group.next_column()? else { break };
            match column {
                Column::Text(v) => {
                    let (vals, defs) = levels(v);
                    let vals: Vec<ByteArray> = vals.iter().map(|s| ByteArray::from(s.as_str())).collect();
                    c.typed::<ByteArrayType>().write_batch(&vals, Some(&defs), None)?;
                }
                Column::Decimal(_, v) | Column::Timestamp(_, v) => {
                    let (vals, defs) = levels(v);
                    c.typed::<Int64Type>().write_batch(&vals, Some(&defs), None)?;
                }
                Column::Double(v) => {
                    let (vals, defs) = levels(v);
                    c.typed::<DoubleType>().write_batch(&vals, Some(&defs), None)?;
                }
                Column::Date(v) | Column::Int32(v) => {
                    let (vals, defs) = levels(v);
                    c.typed::<Int32Type>().write_batch(&vals, Some(&defs), None)?;
                }
                Column::Bool(v) => {
                    let (vals, defs) = levels(v);
                    c.typed::<BoolType>().write_batch(&vals, Some(&defs), None)?;
                }
            }
            c.close()?;
        }
        group.close()?;
        w.close()?;
        Ok(())
    })();
    if written.is_err() {
        return Vec::new();
    }
    out
}

/// 2024-09-01T00:00:00Z, Unix seconds.
const SEPT_2024: i64 = 1_725_148_800;

/// The charges of the CSV fixture, in the Parquet layouts real exports use.
pub fn parquet_seeds() -> Vec<Vec<u8>> {
    let text = |v: &[&str]| Column::Text(v.iter().map(|s| Some(s.to_string())).collect());
    let mut seeds = Vec::new();
    for (unit, per_s, money_as_double) in [
        ("MILLIS", 1_000, false),
        ("MICROS", 1_000_000, true),
        ("NANOS", 1_000_000_000, false),
    ] {
        let t = |day: i64| Some((SEPT_2024 + day * 86_400) * per_s);
        let money = |v: &[i64]| {
            if money_as_double {
                Column::Double(v.iter().map(|x| Some(*x as f64 / 1e10)).collect())
            } else {
                Column::Decimal(10, v.iter().map(|x| Some(*x)).collect())
            }
        };
        let cols = vec![
            (
                "BilledCost".to_string(),
                money(&[12_500_000_000, 166_667, 104_000_000_000]),
            ),
            (
                "EffectiveCost".into(),
                money(&[10_000_000_000, 166_667, 104_000_000_000]),
            ),
            (
                "ListCost".into(),
                Column::Decimal(10, vec![Some(13_000_000_000), None, Some(1)]),
            ),
            (
                "ContractedCost".into(),
                Column::Decimal(10, vec![None, None, None]),
            ),
            ("BillingCurrency".into(), text(&["USD", "USD", "USD"])),
            (
                "BillingAccountId".into(),
                text(&["123456789012", "123456789012", "billing-9"]),
            ),
            (
                "BillingPeriodStart".into(),
                Column::Timestamp(unit, vec![t(0), t(0), t(0)]),
            ),
            (
                "BillingPeriodEnd".into(),
                Column::Timestamp(unit, vec![t(30), t(30), t(30)]),
            ),
            (
                "ChargePeriodStart".into(),
                Column::Timestamp(unit, vec![t(0), t(1), t(4)]),
            ),
            (
                "ChargePeriodEnd".into(),
                Column::Date(vec![Some(19_968), Some(19_969), Some(19_972)]),
            ),
            ("ChargeCategory".into(), text(&["Usage", "Usage", "Purchase"])),
            ("ProviderName".into(), text(&["AWS", "AWS", "Google Cloud"])),
            (
                "ServiceName".into(),
                text(&["AWS Lambda", "AWS Lambda", "Cloud Run"]),
            ),
            ("ServiceCategory".into(), text(&["Compute", "Compute", "Compute"])),
            (
                "Tags".into(),
                Column::Text(vec![Some(r#"{"team":"payments"}"#.into()), None, None]),
            ),
        ];
        seeds.push(write(&cols, Compression::UNCOMPRESSED));
        seeds.push(write(&cols, Compression::SNAPPY));
    }
    seeds.retain(|s| !s.is_empty());
    seeds
}

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    prop_oneof![6 => s.prop_map(Some), 1 => Just(None)].boxed()
}

fn column(name: &'static str, rows: usize) -> BoxedStrategy<Column> {
    let edge_i64 = || {
        prop_oneof![
            select(vec![
                i64::MIN,
                i64::MAX,
                0,
                -1,
                1,
                SEPT_2024,
                SEPT_2024 * 1_000_000_000,
                -62_135_596_800_000
            ])
            .boxed(),
            any::<i64>().boxed(),
        ]
    };
    let v = |s: BoxedStrategy<Option<i64>>| prop::collection::vec(s, rows);
    let money = prop_oneof![
        (0u8..19, v(opt(edge_i64()))).prop_map(|(s, v)| Column::Decimal(s, v)),
        prop::collection::vec(
            opt(prop_oneof![
                Just(f64::NAN),
                Just(f64::INFINITY),
                Just(-0.0),
                Just(1e300),
                any::<f64>()
            ]),
            rows
        )
        .prop_map(Column::Double),
        prop::collection::vec(
            opt(select(vec!["1.5", "NaN", "1e20", ""]).prop_map(String::from)),
            rows
        )
        .prop_map(Column::Text),
    ];
    let time = prop_oneof![
        (select(vec!["MILLIS", "MICROS", "NANOS"]), v(opt(edge_i64())))
            .prop_map(|(u, v)| Column::Timestamp(u, v)),
        prop::collection::vec(
            opt(prop_oneof![
                Just(i32::MIN),
                Just(i32::MAX),
                any::<i32>(),
                19_900..20_000i32
            ]),
            rows
        )
        .prop_map(Column::Date),
        prop::collection::vec(
            opt(select(vec!["2024-09-01T00:00:00Z", "2026-02-30", "x"]).prop_map(String::from)),
            rows
        )
        .prop_map(Column::Text),
        prop::collection::vec(opt(any::<bool>()), rows).prop_map(Column::Bool),
    ];
    let text = |values: Vec<&'static str>| {
        prop_oneof![
            4 => prop::collection::vec(opt(select(values).prop_map(String::from)), rows).prop_map(Column::Text),
            1 => prop::collection::vec(opt(any::<i32>()), rows).prop_map(Column::Int32),
        ]
        .boxed()
    };
    match name {
        "BilledCost" | "EffectiveCost" | "ListCost" | "ContractedCost" => money.boxed(),
        "BillingPeriodStart" | "BillingPeriodEnd" | "ChargePeriodStart" | "ChargePeriodEnd" => time.boxed(),
        "BillingCurrency" => text(vec!["USD", "EUR", ""]),
        "ChargeCategory" => text(vec!["Usage", "Credit", "Refund"]),
        "Tags" => text(vec![r#"{"a":"b"}"#, "{", "[]", "NULL"]),
        _ => text(vec!["AWS", "Compute", "123", "\u{FFFD}", ""]),
    }
}

/// The columns of the Parquet inputs: FOCUS's required ones and `Tags`.
const COLUMNS: &[&str] = FOCUS_COLUMNS.split_at(15).0;

pub fn focus_parquet() -> BoxedStrategy<Vec<u8>> {
    (1usize..4, 0usize..2, any::<bool>())
        .prop_flat_map(|(rows, drop, snappy)| {
            let cols: Vec<BoxedStrategy<(String, Column)>> = COLUMNS[..COLUMNS.len() - drop]
                .iter()
                .map(|n| column(n, rows).prop_map(move |c| (n.to_string(), c)).boxed())
                .collect();
            (cols, Just(snappy))
        })
        .prop_map(|(cols, snappy)| {
            let compression = if snappy {
                Compression::SNAPPY
            } else {
                Compression::UNCOMPRESSED
            };
            write(&cols, compression)
        })
        .boxed()
}

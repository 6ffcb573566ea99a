//! The Parquet form of a FOCUS export, streamed row by row with the `parquet` crate's record API
//! and validated by the same rules as CSV ([`super::parse`]).
//!
//! Each cell becomes the text a CSV export would hold, so validation and charge keys work
//! unchanged: `Decimal` cells from their unscaled integer and scale, digit for digit; strings as
//! they are; timestamps (milli-, micro- or nanoseconds) as UTC `YYYY-MM-DDTHH:MM:SSZ`; dates as
//! midnight UTC; nulls as null. A money column stored as a float cannot be exact: its values go
//! through their shortest round-trip decimal text (`0.1`, not `0.1000000000000000055…`) and the
//! file carries a note saying so ([`FocusFile::notes`]).
//!
//! Positions: the "line" of an error is the row of the file (1-based; line 0 is the schema), the
//! column the 1-based index of the top-level column; the message names the row group too.

use crate::ingest::error::InputError;
use crate::ingest::focus::{hex, parse, FocusFile, RawRow, RowReader};
use crate::model::Day;
use parquet::basic::{LogicalType, TimeUnit};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::record::Field;
use parquet::schema::types::Type;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Parquet files start (and end) with these bytes.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// Read and validate a FOCUS Parquet file.
pub fn read_file(path: &Path) -> Result<FocusFile, InputError> {
    let name = path.display().to_string();
    let read_err = |source: std::io::Error| InputError::Read {
        file: name.clone(),
        source,
    };
    let mut digest = Sha256::new();
    std::io::copy(&mut File::open(path).map_err(read_err)?, &mut digest).map_err(read_err)?;
    let sha256 = hex(&digest.finalize());
    let reader = SerializedFileReader::new(File::open(path).map_err(read_err)?).map_err(|e| {
        InputError::Malformed {
            file: name.clone(),
            line: 0,
            column: 1,
            message: format!("not a readable Parquet file: {e}"),
        }
    })?;
    let mut rows = ParquetRows::new(&name, &reader)?;
    let (version, charges) = parse(&name, &mut rows).map_err(|e| rows.with_row_group(e))?;
    let notes = if rows.float_money.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "{name}: {} stored as floating point: values were read through their shortest decimal \
             text, not as exact decimals",
            rows.float_money.join(", ")
        )]
    };
    Ok(FocusFile {
        name,
        sha256,
        version,
        charges,
        notes,
    })
}

/// How a top-level column's cells become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    /// A 64-bit integer holding nanoseconds since the epoch (the record API reads these as plain
    /// integers: there is no converted type for them).
    TimestampNanos,
    Other,
}

/// Streams the rows of a Parquet file, one row group at a time.
struct ParquetRows<'a> {
    file: String,
    columns: Vec<String>,
    kinds: Vec<CellKind>,
    /// Money columns (`…Cost`, `…UnitPrice`) stored as floats.
    float_money: Vec<String>,
    /// Every row group's rows in turn, streamed in batches.
    rows: RowIter<'a>,
    /// First row (1-based, in the file) of each row group.
    group_starts: Vec<u64>,
    /// Rows read so far.
    row: u64,
}

impl<'a> ParquetRows<'a> {
    fn new(file: &str, reader: &'a SerializedFileReader<File>) -> Result<ParquetRows<'a>, InputError> {
        let meta = reader.metadata();
        let root = meta.file_metadata().schema_descr().root_schema();
        let fields: &[Arc<Type>] = root.get_fields();
        let columns = fields.iter().map(|f| f.name().to_string()).collect();
        let kinds = fields.iter().map(|f| cell_kind(f)).collect();
        let float_money = fields
            .iter()
            .filter(|f| is_money(f.name()) && is_float(f))
            .map(|f| f.name().to_string())
            .collect();
        let mut group_starts = Vec::with_capacity(meta.num_row_groups());
        let mut first = 1u64;
        for g in meta.row_groups() {
            group_starts.push(first);
            first += g.num_rows().max(0) as u64;
        }
        let rows = RowIter::from_file(None, reader).map_err(|e| InputError::Malformed {
            file: file.to_string(),
            line: 0,
            column: 1,
            message: format!("the schema cannot be read: {e}"),
        })?;
        Ok(ParquetRows {
            file: file.to_string(),
            columns,
            kinds,
            float_money,
            rows,
            group_starts,
            row: 0,
        })
    }

    fn malformed(&self, line: u64, column: usize, message: String) -> InputError {
        InputError::Malformed {
            file: self.file.clone(),
            line,
            column,
            message,
        }
    }

    /// A row's error with its row group named (row groups are how Parquet tools navigate).
    fn with_row_group(&self, e: InputError) -> InputError {
        match e {
            InputError::Malformed {
                file,
                line,
                column,
                message,
            } if line > 0 => {
                let group = self.group_starts.partition_point(|&s| s <= line);
                let within = line - self.group_starts[group.max(1) - 1] + 1;
                InputError::Malformed {
                    file,
                    line,
                    column,
                    message: format!("{message} (row {within} of row group {group})"),
                }
            }
            other => other,
        }
    }
}

impl RowReader for ParquetRows<'_> {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn header_line(&self) -> u64 {
        0
    }

    fn next_row(&mut self) -> Result<Option<RawRow>, InputError> {
        // The `parquet` crate's row reader panics on some malformed files (definition levels past
        // the schema's maximum) instead of returning an error: such a row is malformed input.
        let next = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.rows.next()));
        self.row += 1;
        let line = self.row;
        let next = next.map_err(|p| {
            let why = p
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| p.downcast_ref::<&str>().copied())
                .unwrap_or("the Parquet reader failed");
            self.malformed(line, 1, format!("the row cannot be read: {why}"))
        })?;
        let Some(row) = next else {
            return Ok(None);
        };
        let row = row.map_err(|e| self.malformed(line, 1, format!("the row cannot be read: {e}")))?;
        let mut cells = Vec::with_capacity(self.columns.len());
        for (i, (_, field)) in row.get_column_iter().enumerate() {
            let text = cell_text(field, self.kinds[i])
                .map_err(|m| self.malformed(line, i + 1, format!("{}: {m}", self.columns[i])))?;
            cells.push(text);
        }
        Ok(Some(RawRow { line, cells }))
    }
}

/// FOCUS money columns: `BilledCost`, `EffectiveCost`, `ListCost`, `ContractedCost`,
/// `ListUnitPrice`, `ContractedUnitPrice`.
fn is_money(column: &str) -> bool {
    column.ends_with("Cost") || column.ends_with("UnitPrice")
}

fn is_float(t: &Type) -> bool {
    use parquet::basic::Type as Physical;
    t.is_primitive() && matches!(t.get_physical_type(), Physical::DOUBLE | Physical::FLOAT)
}

fn cell_kind(t: &Type) -> CellKind {
    match t.get_basic_info().logical_type_ref() {
        Some(LogicalType::Timestamp(ts)) if matches!(ts.unit, TimeUnit::NANOS) => CellKind::TimestampNanos,
        _ => CellKind::Other,
    }
}

/// A cell as the text a CSV export would hold; null is empty.
fn cell_text(field: &Field, kind: CellKind) -> Result<String, String> {
    Ok(match field {
        Field::Null => String::new(),
        Field::Str(s) => s.clone(),
        Field::Decimal(d) => {
            let unscaled = unscaled(d.data())?;
            let scale =
                usize::try_from(d.scale()).map_err(|_| format!("decimal scale {} is negative", d.scale()))?;
            decimal_text(unscaled, scale)
        }
        // Rust prints a float as the shortest text that reads back as the same value.
        Field::Double(f) => f.to_string(),
        Field::Float(f) => f.to_string(),
        Field::TimestampMillis(ms) => utc_text(ms.div_euclid(1_000)),
        Field::TimestampMicros(us) => utc_text(us.div_euclid(1_000_000)),
        Field::Long(ns) if kind == CellKind::TimestampNanos => utc_text(ns.div_euclid(1_000_000_000)),
        Field::Date(days) => utc_text(i64::from(*days) * 86_400),
        Field::MapInternal(map) => {
            // A map column (how some exports store `Tags`) becomes the JSON object FOCUS CSV uses.
            let mut object = serde_json::Map::new();
            for (k, v) in map.entries() {
                object.insert(
                    cell_text(k, CellKind::Other)?,
                    match v {
                        Field::Null => serde_json::Value::Null,
                        v => serde_json::Value::String(cell_text(v, CellKind::Other)?),
                    },
                );
            }
            serde_json::Value::Object(object).to_string()
        }
        Field::Bytes(b) => {
            String::from_utf8(b.data().to_vec()).map_err(|_| "binary cell is not UTF-8 text".to_string())?
        }
        other => other.to_string(),
    })
}

/// A big-endian two's-complement integer of up to 16 bytes.
fn unscaled(bytes: &[u8]) -> Result<i128, String> {
    if bytes.len() > 16 {
        return Err(format!("a {}-byte decimal is wider than 38 digits", bytes.len()));
    }
    let fill = if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        0xff
    } else {
        0
    };
    let mut wide = [fill; 16];
    wide[16 - bytes.len()..].copy_from_slice(bytes);
    Ok(i128::from_be_bytes(wide))
}

/// An exact decimal from its unscaled value and scale, as text (`-12345`, 3 → `-12.345`).
pub fn decimal_text(unscaled: i128, scale: usize) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let sign = if unscaled < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// Unix seconds as FOCUS's `YYYY-MM-DDTHH:MM:SSZ`.
fn utc_text(secs: i64) -> String {
    let day = Day::from_unix(secs);
    let s = secs - day.start_unix();
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_every_digit() {
        assert_eq!(decimal_text(125, 2), "1.25");
        assert_eq!(decimal_text(-5, 3), "-0.005");
        assert_eq!(decimal_text(166_667, 10), "0.0000166667");
        assert_eq!(decimal_text(42, 0), "42");
        assert_eq!(unscaled(&[0xff, 0x85]).unwrap(), -123);
        assert_eq!(unscaled(&[0x00, 0x85]).unwrap(), 133);
        assert!(unscaled(&[0; 17]).is_err());
    }

    #[test]
    fn times_are_utc_and_floats_take_their_shortest_form() {
        assert_eq!(utc_text(1_726_696_800), "2024-09-18T22:00:00Z");
        assert_eq!(utc_text(-1), "1969-12-31T23:59:59Z");
        let nanos = Field::Long(1_726_696_800_123_456_789);
        assert_eq!(
            cell_text(&nanos, CellKind::TimestampNanos).unwrap(),
            "2024-09-18T22:00:00Z"
        );
        assert_eq!(cell_text(&nanos, CellKind::Other).unwrap(), "1726696800123456789");
        assert_eq!(cell_text(&Field::Double(0.1), CellKind::Other).unwrap(), "0.1");
        assert_eq!(
            cell_text(&Field::Double(1.5e-7), CellKind::Other).unwrap(),
            "0.00000015"
        );
        assert_eq!(cell_text(&Field::Null, CellKind::Other).unwrap(), "");
    }
}

//! CSV building blocks: a table and its RFC 4180 text, exact amounts, one file per table.

use breakeven_simulator::pricing::Usd;
use std::fmt::Write;

/// One CSV table.
pub struct Table {
    /// File name, e.g. `platforms.csv`.
    pub file: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// RFC 4180 text: CRLF-free (`\n`) lines, fields quoted when they hold a comma, quote or newline.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
            for (k, cell) in cells.enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push_str(&quote(cell));
            }
            out.push('\n');
        };
        line(&mut self.header.iter().copied(), &mut out);
        for row in &self.rows {
            line(&mut row.iter().map(String::as_str), &mut out);
        }
        out
    }
}

pub(crate) fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// [`Usd::exact`] appended to `out`.
pub(crate) fn write_exact(out: &mut String, u: &Usd) {
    let n = u.0.normalize();
    if n.is_zero() {
        out.push('0');
    } else {
        let _ = write!(out, "{n}");
    }
}

/// Each table as (file name, CSV text).
pub fn files(tables: &[Table]) -> Vec<(String, String)> {
    tables.iter().map(|t| (t.file.to_string(), t.to_csv())).collect()
}

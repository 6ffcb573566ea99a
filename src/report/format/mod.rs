//! Format primitives: the building blocks the documents are written with (HTML, Markdown and CSV
//! pieces, text tables, durations). They know no document: `scenario` and `account` import them,
//! never the reverse.

pub mod csv;
pub mod html;
pub mod md;

/// A table as text cells, laid out alike by the HTML and Markdown documents.
#[derive(Debug, Clone, PartialEq)]
pub struct TextTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Column names of a table.
pub fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Human duration of a horizon in seconds: `30 days`, `6 hours`.
pub fn horizon_text(s: f64) -> String {
    let h = s / 3600.0;
    if h >= 48.0 {
        format!("{} days", (h / 24.0 * 10.0).round() / 10.0)
    } else if h >= 2.0 {
        format!("{} hours", (h * 10.0).round() / 10.0)
    } else {
        format!("{} minutes", (s / 60.0 * 10.0).round() / 10.0)
    }
}

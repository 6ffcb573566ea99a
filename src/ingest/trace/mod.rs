//! Public invocation traces: per-minute invocation counts and duration and memory percentiles
//! of anonymised functions, read as files and written to the store as functions with metrics, so
//! `scenario from-function` can replay them like a synced function.
//!
//! Readers stream: each calls back once per row and keeps nothing but what duplicate detection
//! needs, so a trace file of any length is read in constant memory per row.

pub mod azure2019;

/// Errors reading a trace file.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// Line and column are 1-based; the column counts cells (fields), not characters.
    #[error("{file}:{line}:{column}: {message}")]
    Malformed {
        file: String,
        line: u64,
        column: usize,
        message: String,
    },
    #[error("reading {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

impl TraceError {
    pub(crate) fn at(file: &str, line: u64, column: usize, message: impl Into<String>) -> TraceError {
        TraceError::Malformed {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    /// A CSV syntax, encoding or I/O error, positioned where the reader stopped.
    pub(crate) fn csv(file: &str, e: csv::Error) -> TraceError {
        if let csv::ErrorKind::Io(io) = e.kind() {
            return TraceError::Read {
                file: file.to_string(),
                source: std::io::Error::new(io.kind(), io.to_string()),
            };
        }
        let (line, column) = match e.kind() {
            csv::ErrorKind::Utf8 { pos, err } => (pos.as_ref().map_or(0, |p| p.line()), err.field() + 1),
            _ => (e.position().map_or(0, |p| p.line()), 1),
        };
        TraceError::at(file, line, column, format!("not valid CSV: {e}"))
    }
}

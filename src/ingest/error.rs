//! The one error of every file importer (FOCUS CSV and Parquet exports, invocation traces): where
//! the input is wrong, as `file:line:column: message`, or why a file could not be read.

/// Errors reading an input file.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Line and column are 1-based; the column counts cells (fields), not characters. A Parquet
    /// file's line is its row, line 0 its schema.
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

impl InputError {
    pub fn at(file: &str, line: u64, column: usize, message: impl Into<String>) -> InputError {
        InputError::Malformed {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn read(file: &str, source: std::io::Error) -> InputError {
        InputError::Read {
            file: file.to_string(),
            source,
        }
    }

    /// A CSV syntax, encoding or I/O error, positioned where the reader stopped.
    pub fn csv(file: &str, e: csv::Error) -> InputError {
        if let csv::ErrorKind::Io(io) = e.kind() {
            return InputError::read(file, std::io::Error::new(io.kind(), io.to_string()));
        }
        let line = e.position().map_or(0, |p| p.line());
        match e.kind() {
            // The position is said once, in `file:line:column`; csv's own text would repeat it.
            csv::ErrorKind::Utf8 { pos, err } => InputError::at(
                file,
                line,
                err.field() + 1,
                format!(
                    "not valid UTF-8 text (the row starts at byte {} of the file): save the file as UTF-8",
                    pos.as_ref().map_or(0, |p| p.byte())
                ),
            ),
            csv::ErrorKind::UnequalLengths { len, .. } => {
                InputError::at(file, line, *len as usize + 1, format!("not valid CSV: {e}"))
            }
            _ => InputError::at(file, line, 1, format!("not valid CSV: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_errors_are_positioned_at_the_bad_cell() {
        let mut r = csv::ReaderBuilder::new().from_reader(&b"a,b\n1,2\n3,\xff\n"[..]);
        let mut rec = csv::StringRecord::new();
        assert!(r.read_record(&mut rec).unwrap());
        let e = r.read_record(&mut rec).unwrap_err();
        let text = InputError::csv("f.csv", e).to_string();
        assert_eq!(
            text,
            "f.csv:3:2: not valid UTF-8 text (the row starts at byte 8 of the file): save the file as UTF-8"
        );
    }
}

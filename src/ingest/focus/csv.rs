//! The CSV form of a FOCUS export, read one record at a time (the file is never held whole).

use crate::ingest::error::InputError;
use crate::ingest::focus::{hex, parse, FocusFile, RawRow, RowReader};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Read and validate a FOCUS CSV file in one pass, hashing its bytes on the way.
pub fn read_file(path: &Path) -> Result<FocusFile, InputError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| InputError::Read {
        file: name.clone(),
        source,
    })?;
    let mut rows = CsvRows::new(
        &name,
        Digesting {
            inner: std::io::BufReader::new(file),
            digest: Sha256::new(),
        },
    )?;
    let (version, charges) = parse(&name, &mut rows)?;
    let sha256 = hex(&rows.inner.into_inner().digest.finalize());
    Ok(FocusFile {
        name,
        sha256,
        version,
        charges,
        notes: Vec::new(),
    })
}

/// Hashes what passes through it. The CSV reader reads to the end of the file before it reports
/// the last row, so the digest covers every byte.
struct Digesting<R> {
    inner: R,
    digest: Sha256,
}

impl<R: Read> Read for Digesting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        Ok(n)
    }
}

/// Streams the rows of a CSV file with a header line.
pub struct CsvRows<R: Read> {
    file: String,
    inner: csv::Reader<R>,
    columns: Vec<String>,
    record: csv::StringRecord,
}

impl<R: Read> CsvRows<R> {
    /// Read the header line of `input`; `file` names it in errors.
    pub fn new(file: &str, input: R) -> Result<CsvRows<R>, InputError> {
        // Rows of the wrong width are reported by `next_row` with the column where they go wrong.
        let mut inner = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let header = inner.headers().map_err(|e| InputError::csv(file, e))?;
        let columns = header
            .iter()
            .enumerate()
            // Exports written by spreadsheet tools start with a byte-order mark.
            .map(|(i, c)| {
                if i == 0 {
                    c.trim_start_matches('\u{feff}')
                } else {
                    c
                }
            })
            .map(|c| c.trim().to_string())
            .collect();
        Ok(CsvRows {
            file: file.to_string(),
            inner,
            columns,
            record: csv::StringRecord::new(),
        })
    }
}

impl<R: Read> RowReader for CsvRows<R> {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn next_row(&mut self) -> Result<Option<RawRow>, InputError> {
        let more = self
            .inner
            .read_record(&mut self.record)
            .map_err(|e| InputError::csv(&self.file, e))?;
        if !more {
            return Ok(None);
        }
        let line = self.record.position().map_or(0, |p| p.line());
        if self.record.len() != self.columns.len() {
            return Err(InputError::Malformed {
                file: self.file.clone(),
                line,
                column: self.record.len().min(self.columns.len()) + 1,
                message: format!(
                    "the row has {} cells but the header names {} columns",
                    self.record.len(),
                    self.columns.len()
                ),
            });
        }
        Ok(Some(RawRow {
            line,
            cells: self.record.iter().map(str::to_string).collect(),
        }))
    }
}

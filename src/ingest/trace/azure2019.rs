//! The Azure Functions 2019 public trace (Shahrad et al., "Serverless in the Wild", USENIX ATC
//! 2020; Azure Public Dataset, CC BY 4.0). One day per file, three kinds of file:
//!
//! - invocations (`invocations_per_function_md.anon.dNN.csv`): `HashOwner, HashApp, HashFunction,
//!   Trigger`, then columns `1` … `1440`: invocations in each minute of the day;
//! - durations (`function_durations_percentiles.anon.dNN.csv`): `HashOwner, HashApp,
//!   HashFunction, Average, Count, Minimum, Maximum, percentile_Average_0 … _100` (ms);
//! - memory (`app_memory_percentiles.anon.dNN.csv`): `HashOwner, HashApp, SampleCount,
//!   AverageAllocatedMb, AverageAllocatedMb_pct1 … _pct100` (MB, per application).
//!
//! A file's kind is told by its header, not its name; its day by `dNN` in the name (day 1 when
//! the name has none).

use crate::ingest::error::InputError;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// The `--format` name of this layout.
pub const FORMAT: &str = "azure-functions-2019";
pub const MINUTES_PER_DAY: usize = 1440;
/// Most invocations one function may have in one minute of a trace: 10⁹ a minute is 16.7
/// million a second, hundreds of times the busiest functions of the public trace and beyond
/// any single function's rate (a Lambda function at 1 ms per request would need 280,000
/// concurrent executions to reach it). It keeps a day's sum (≤ 1.44 × 10¹²) exact in the
/// store's 64-bit floats and every total far from `u64` overflow; a larger cell is a corrupt
/// file, refused rather than wrapped.
pub const MAX_INVOCATIONS_PER_MINUTE: u64 = 1_000_000_000;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Invocations,
    Durations,
    Memory,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Invocations => "invocations",
            FileKind::Durations => "durations",
            FileKind::Memory => "memory",
        }
    }
}

/// A trace file, identified.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceFile {
    pub path: PathBuf,
    /// As given (or found), for messages.
    pub name: String,
    pub kind: FileKind,
    /// Day of the trace, 1-based.
    pub day: u32,
}

/// A function's identity in the trace: the three anonymised hashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionKey {
    pub owner: String,
    pub app: String,
    pub function: String,
}

/// One row of an invocations file.
#[derive(Debug, Clone, PartialEq)]
pub struct InvocationRow {
    pub line: u64,
    pub key: FunctionKey,
    /// `http`, `queue`, `event`, `timer`, `orchestration`, `storage`, `others`.
    pub trigger: String,
    /// Invocations in each minute of the day (1,440 entries).
    pub counts: Vec<u64>,
}

/// One row of a durations file (ms).
#[derive(Debug, Clone, PartialEq)]
pub struct DurationRow {
    pub line: u64,
    pub key: FunctionKey,
    pub average_ms: f64,
    /// Executions the percentiles describe.
    pub count: f64,
    pub minimum_ms: f64,
    pub maximum_ms: f64,
    /// (percentile 0–100, ms).
    pub percentiles_ms: Vec<(u32, f64)>,
}

/// One row of a memory file: an application's allocated memory (MB).
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryRow {
    pub line: u64,
    pub owner: String,
    pub app: String,
    pub sample_count: f64,
    pub average_mb: f64,
    /// (percentile 0–100, MB).
    pub percentiles_mb: Vec<(u32, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Invocations(InvocationRow),
    Durations(DurationRow),
    Memory(MemoryRow),
}

const INVOCATION_HEAD: [&str; 4] = ["HashOwner", "HashApp", "HashFunction", "Trigger"];
const DURATION_HEAD: [&str; 7] = [
    "HashOwner",
    "HashApp",
    "HashFunction",
    "Average",
    "Count",
    "Minimum",
    "Maximum",
];
const MEMORY_HEAD: [&str; 4] = ["HashOwner", "HashApp", "SampleCount", "AverageAllocatedMb"];

fn open(path: &Path, name: &str) -> Result<csv::Reader<BufReader<File>>, InputError> {
    let file = File::open(path).map_err(|source| InputError::Read {
        file: name.to_string(),
        source,
    })?;
    // Rows of the wrong width are reported with the column where they go wrong.
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(BufReader::new(file)))
}

fn header(r: &mut csv::Reader<BufReader<File>>, name: &str) -> Result<Vec<String>, InputError> {
    let h = r.headers().map_err(|e| InputError::csv(name, e))?;
    Ok(h.iter()
        .map(|c| c.trim_start_matches('\u{feff}').trim().to_string())
        .collect())
}

fn starts_with(columns: &[String], head: &[&str]) -> bool {
    columns.len() >= head.len() && head.iter().zip(columns).all(|(a, b)| a == b)
}

/// The day number in a file name: `dNN` before the extension (`….anon.d03.csv` → 3), else 1.
pub fn day_of(name: &str) -> u32 {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem.strip_suffix(".csv").unwrap_or(stem);
    stem.rsplit('.')
        .next()
        .and_then(|last| last.strip_prefix('d'))
        .and_then(|n| n.parse().ok())
        .filter(|&d| d >= 1)
        .unwrap_or(1)
}

/// Read a file's header and tell what it holds.
pub fn identify(path: &Path) -> Result<TraceFile, InputError> {
    let name = path.display().to_string();
    let columns = header(&mut open(path, &name)?, &name)?;
    let kind = if starts_with(&columns, &INVOCATION_HEAD) {
        FileKind::Invocations
    } else if starts_with(&columns, &DURATION_HEAD) {
        FileKind::Durations
    } else if starts_with(&columns, &MEMORY_HEAD) {
        FileKind::Memory
    } else {
        return Err(InputError::at(
            &name,
            1,
            1,
            format!(
                "not an {FORMAT} trace file: the header must start with {} (invocations), {} (durations) or {} (memory)",
                INVOCATION_HEAD.join(","),
                DURATION_HEAD.join(","),
                MEMORY_HEAD.join(",")
            ),
        ));
    };
    Ok(TraceFile {
        day: day_of(&name),
        path: path.to_path_buf(),
        name,
        kind,
    })
}

/// The durations and memory files that sit beside each invocations file, under the dataset's
/// names (`function_durations_percentiles…`, `app_memory_percentiles…`) or the short ones
/// (`durations…`, `memory…`), when they exist and were not given.
pub fn companions(files: &[TraceFile]) -> Result<Vec<TraceFile>, InputError> {
    let mut found: Vec<TraceFile> = Vec::new();
    for f in files.iter().filter(|f| f.kind == FileKind::Invocations) {
        let Some(file_name) = f.path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let candidates = [
            ("invocations_per_function_md", "function_durations_percentiles"),
            ("invocations_per_function_md", "app_memory_percentiles"),
            ("invocations", "durations"),
            ("invocations", "memory"),
        ];
        for (from, to) in candidates {
            if !file_name.contains(from) {
                continue;
            }
            let path = f.path.with_file_name(file_name.replacen(from, to, 1));
            let known = |p: &Path| files.iter().chain(&found).any(|g| g.path == p);
            if path.exists() && !known(&path) {
                let g = identify(&path)?;
                if g.kind != FileKind::Invocations {
                    found.push(g);
                }
            }
        }
    }
    Ok(found)
}

fn number(file: &str, line: u64, column: usize, name: &str, cell: &str) -> Result<f64, InputError> {
    match cell.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(InputError::at(
            file,
            line,
            column,
            format!("{name}: {cell:?} is not a non-negative number"),
        )),
    }
}

fn hash(file: &str, line: u64, column: usize, name: &str, cell: &str) -> Result<String, InputError> {
    let cell = cell.trim();
    if cell.is_empty() || !cell.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(InputError::at(
            file,
            line,
            column,
            format!("{name}: {cell:?} is not an anonymised hash"),
        ));
    }
    Ok(cell.to_string())
}

/// One minute's invocations: a whole number from 0 to [`MAX_INVOCATIONS_PER_MINUTE`].
fn minute_count(file: &str, line: u64, column: usize, minute: &str, cell: &str) -> Result<u64, InputError> {
    let digits = cell.trim();
    let too_many = || {
        InputError::at(
            file,
            line,
            column,
            format!(
                "minute {minute}: {digits} invocations is above the limit of {MAX_INVOCATIONS_PER_MINUTE} a minute for one function"
            ),
        )
    };
    match digits.parse::<u64>() {
        Ok(n) if n <= MAX_INVOCATIONS_PER_MINUTE => Ok(n),
        Ok(_) => Err(too_many()),
        // All digits but too long for 64 bits: a count, just an absurd one.
        Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => Err(too_many()),
        Err(_) => Err(InputError::at(
            file,
            line,
            column,
            format!("minute {minute}: {cell:?} is not a count of invocations"),
        )),
    }
}

/// Percentile columns named `{prefix}{N}`: (column index, N).
fn percentile_columns(columns: &[String], prefix: &str) -> Vec<(usize, u32)> {
    columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c.strip_prefix(prefix)?.parse().ok().filter(|p| *p <= 100)?)))
        .collect()
}

/// Stream the rows of `file`, validated, to `each`; returns the number of rows.
pub fn read(
    file: &TraceFile,
    each: &mut dyn FnMut(Row) -> Result<(), InputError>,
) -> Result<u64, InputError> {
    let name = file.name.as_str();
    let mut reader = open(&file.path, name)?;
    let columns = header(&mut reader, name)?;
    if file.kind == FileKind::Invocations {
        if columns.len() != INVOCATION_HEAD.len() + MINUTES_PER_DAY {
            return Err(InputError::at(
                name,
                1,
                columns.len().min(INVOCATION_HEAD.len() + MINUTES_PER_DAY) + 1,
                format!(
                    "an invocations file has 4 + 1440 columns (minutes 1..1440), not {}",
                    columns.len()
                ),
            ));
        }
        for (m, c) in columns[INVOCATION_HEAD.len()..].iter().enumerate() {
            if c != &(m + 1).to_string() {
                return Err(InputError::at(
                    name,
                    1,
                    m + INVOCATION_HEAD.len() + 1,
                    format!("minute column {} is named {c:?}", m + 1),
                ));
            }
        }
    }
    let pct = match file.kind {
        FileKind::Invocations => Vec::new(),
        FileKind::Durations => percentile_columns(&columns, "percentile_Average_"),
        FileKind::Memory => percentile_columns(&columns, "AverageAllocatedMb_pct"),
    };
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    while reader
        .read_record(&mut record)
        .map_err(|e| InputError::csv(name, e))?
    {
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != columns.len() {
            return Err(InputError::at(
                name,
                line,
                record.len().min(columns.len()) + 1,
                format!(
                    "the row has {} cells but the header names {} columns",
                    record.len(),
                    columns.len()
                ),
            ));
        }
        let cell = |i: usize| &record[i];
        let key = |i: usize| hash(name, line, i + 1, &columns[i], cell(i));
        let num = |i: usize| number(name, line, i + 1, &columns[i], cell(i));
        let percentiles = || -> Result<Vec<(u32, f64)>, InputError> {
            pct.iter().map(|&(i, p)| Ok((p, num(i)?))).collect()
        };
        let row = match file.kind {
            FileKind::Invocations => {
                let mut counts = Vec::with_capacity(MINUTES_PER_DAY);
                for i in INVOCATION_HEAD.len()..columns.len() {
                    counts.push(minute_count(name, line, i + 1, &columns[i], cell(i))?);
                }
                let trigger = cell(3).trim();
                if trigger.is_empty() {
                    return Err(InputError::at(name, line, 4, "Trigger: must not be empty"));
                }
                Row::Invocations(InvocationRow {
                    line,
                    key: FunctionKey {
                        owner: key(0)?,
                        app: key(1)?,
                        function: key(2)?,
                    },
                    trigger: trigger.to_string(),
                    counts,
                })
            }
            FileKind::Durations => Row::Durations(DurationRow {
                line,
                key: FunctionKey {
                    owner: key(0)?,
                    app: key(1)?,
                    function: key(2)?,
                },
                average_ms: num(3)?,
                count: num(4)?,
                minimum_ms: num(5)?,
                maximum_ms: num(6)?,
                percentiles_ms: percentiles()?,
            }),
            FileKind::Memory => Row::Memory(MemoryRow {
                line,
                owner: key(0)?,
                app: key(1)?,
                sample_count: num(2)?,
                average_mb: num(3)?,
                percentiles_mb: percentiles()?,
            }),
        };
        each(row)?;
        rows += 1;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_comes_from_the_dataset_file_name() {
        assert_eq!(day_of("data/invocations_per_function_md.anon.d03.csv"), 3);
        assert_eq!(day_of("function_durations_percentiles.anon.d14.csv"), 14);
        assert_eq!(day_of("invocations.csv"), 1);
        assert_eq!(day_of("d0.csv"), 1);
    }

    #[test]
    fn a_minute_count_of_u64_max_is_refused_not_wrapped() {
        let at = |cell: &str| minute_count("f.csv", 2, 7, "3", cell);
        assert_eq!(at("1000000000").unwrap(), MAX_INVOCATIONS_PER_MINUTE);
        for cell in ["1000000001", "18446744073709551615", "18446744073709551616"] {
            let text = at(cell).unwrap_err().to_string();
            assert!(
                text.starts_with(&format!(
                    "f.csv:2:7: minute 3: {cell} invocations is above the limit of 1000000000"
                )),
                "{text}"
            );
        }
        assert!(at("-3").unwrap_err().to_string().contains("is not a count"));
    }
}

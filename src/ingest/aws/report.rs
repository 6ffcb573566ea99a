//! Lambda's REPORT records, parsed and summed per function-hour.
//!
//! Two formats carry the same figures: the text one (`REPORT RequestId: … Duration: 27.40 ms
//! Billed Duration: 28 ms Memory Size: 1024 MB Max Memory Used: 472 MB Init Duration: 312.55 ms`,
//! fields separated by tabs or spaces, optionally followed by X-Ray or status fields) and the JSON
//! one (`{"type":"platform.report","record":{"metrics":{"durationMs":…,"billedDurationMs":…,
//! "memorySizeMB":…,"maxMemoryUsedMB":…,"initDurationMs":…}}}`). Only cold starts have an init
//! duration. A line that is neither is not a REPORT record and is ignored; one that claims to be
//! but lacks a figure is malformed: skipped and counted.
//!
//! Sums are kept in hundredths of a millisecond (the records print two decimals), so they do not
//! depend on the order the records arrive in: the same records always give the same hour, and a
//! hour read again writes nothing.

use crate::model::{LogHour, ValueCounts};
use std::collections::BTreeMap;

const HOUR_S: i64 = 3600;

/// The figures of one REPORT record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    /// Hundredths of a millisecond.
    pub duration_cms: i64,
    /// Hundredths of a millisecond.
    pub billed_cms: i64,
    pub memory_size_mb: u32,
    pub max_memory_used_mb: u32,
    /// Init duration, ms, as printed; `Some` only on a cold start.
    pub init_ms: Option<f64>,
}

/// What a log line is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Line {
    Report(Report),
    /// Not a REPORT record (a function's own output, another platform record).
    Other,
    /// Starts like a REPORT record but a figure is missing or unreadable.
    Malformed,
}

/// Read one log event's message.
pub fn parse(message: &str) -> Line {
    let m = message.trim_start();
    if let Some(rest) = m.strip_prefix("REPORT RequestId:") {
        return text(rest).map_or(Line::Malformed, Line::Report);
    }
    if m.starts_with('{') && m.contains("platform.report") {
        return json(m);
    }
    Line::Other
}

/// The fields after `REPORT RequestId:` as `label: value [unit]` pairs.
fn text(rest: &str) -> Option<Report> {
    let mut fields: BTreeMap<String, &str> = BTreeMap::new();
    let mut label: Vec<&str> = Vec::new();
    let mut words = rest.split_whitespace().peekable();
    // The request id comes first, without its label (stripped with the prefix).
    words.next()?;
    while let Some(w) = words.next() {
        match w.strip_suffix(':') {
            Some(last) => {
                label.push(last);
                let value = words.next()?;
                if matches!(words.peek(), Some(&"ms") | Some(&"MB")) {
                    words.next();
                }
                fields.insert(label.join(" "), value);
                label.clear();
            }
            None => label.push(w),
        }
    }
    let num = |k: &str| -> Option<f64> {
        fields
            .get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    let init_ms = match fields.get("Init Duration") {
        Some(_) => Some(num("Init Duration")?),
        None => None,
    };
    Some(Report {
        duration_cms: centi(num("Duration")?),
        billed_cms: centi(num("Billed Duration")?),
        memory_size_mb: whole(num("Memory Size")?),
        max_memory_used_mb: whole(num("Max Memory Used")?),
        init_ms,
    })
}

fn json(m: &str) -> Line {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(m) else {
        return Line::Malformed;
    };
    if v.get("type").and_then(|t| t.as_str()) != Some("platform.report") {
        return Line::Other;
    }
    let metrics = &v["record"]["metrics"];
    let num = |k: &str| {
        metrics
            .get(k)
            .and_then(serde_json::Value::as_f64)
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    let init_ms = match metrics.get("initDurationMs") {
        Some(serde_json::Value::Null) | None => None,
        Some(_) => match num("initDurationMs") {
            Some(x) => Some(x),
            None => return Line::Malformed,
        },
    };
    let report = (|| {
        Some(Report {
            duration_cms: centi(num("durationMs")?),
            billed_cms: centi(num("billedDurationMs")?),
            memory_size_mb: whole(num("memorySizeMB")?),
            max_memory_used_mb: whole(num("maxMemoryUsedMB")?),
            init_ms,
        })
    })();
    report.map_or(Line::Malformed, Line::Report)
}

/// Milliseconds → hundredths, to the nearest.
fn centi(ms: f64) -> i64 {
    (ms * 100.0).round() as i64
}

/// Whole MB (the records print integers).
fn whole(mb: f64) -> u32 {
    mb.round().min(f64::from(u32::MAX)) as u32
}

/// Init ms rounded up to the whole millisecond Lambda bills ("312.55" → 313, "312.00" → 312).
pub fn init_billed_ms(init_ms: f64) -> u32 {
    // The parsed decimal may sit a hair above an integer it was printed as; two decimals are
    // all the records carry.
    let c = centi(init_ms);
    ((c + 99) / 100).clamp(0, i64::from(u32::MAX)) as u32
}

#[derive(Debug, Clone, Default)]
struct Acc {
    invocations: u64,
    cold_starts: u64,
    init_cms: i64,
    init_ms: ValueCounts,
    duration_cms: i64,
    billed_cms: i64,
    memory_size_mb: u32,
    memory_used_mb: ValueCounts,
}

/// REPORT records of one function summed per hour, with the lines skipped.
#[derive(Debug, Clone, Default)]
pub struct Hours {
    by_hour: BTreeMap<i64, Acc>,
    /// REPORT-like lines that could not be read.
    pub malformed: u64,
    /// Lines that were not REPORT records.
    pub other: u64,
}

impl Hours {
    /// Count one log event (`ts_ms`: its timestamp, Unix milliseconds).
    pub fn add(&mut self, ts_ms: i64, message: &str) {
        let r = match parse(message) {
            Line::Report(r) => r,
            Line::Other => {
                self.other += 1;
                return;
            }
            Line::Malformed => {
                self.malformed += 1;
                return;
            }
        };
        let hour = ts_ms.div_euclid(1000).div_euclid(HOUR_S) * HOUR_S;
        let a = self.by_hour.entry(hour).or_default();
        a.invocations += 1;
        if let Some(init) = r.init_ms {
            a.cold_starts += 1;
            a.init_cms += centi(init);
            a.init_ms.add(init_billed_ms(init), 1);
        }
        a.duration_cms += r.duration_cms;
        a.billed_cms += r.billed_cms;
        a.memory_size_mb = a.memory_size_mb.max(r.memory_size_mb);
        a.memory_used_mb.add(r.max_memory_used_mb, 1);
    }

    /// REPORT records counted so far.
    pub fn records(&self) -> u64 {
        self.by_hour.values().map(|a| a.invocations).sum()
    }

    /// The stored form: one [`LogHour`] per hour with at least one record.
    pub fn into_hours(self, function: &str) -> Vec<LogHour> {
        self.by_hour
            .into_iter()
            .map(|(hour, a)| LogHour {
                function: function.to_string(),
                hour,
                invocations: a.invocations,
                cold_starts: a.cold_starts,
                init_ms_sum: a.init_cms as f64 / 100.0,
                init_ms: a.init_ms,
                duration_ms_sum: a.duration_cms as f64 / 100.0,
                billed_ms_sum: a.billed_cms as f64 / 100.0,
                memory_size_mb: a.memory_size_mb,
                memory_used_mb: a.memory_used_mb,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLD: &str = "REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 27.40 ms\tBilled Duration: 28 ms\tMemory Size: 1024 MB\tMax Memory Used: 472 MB\tInit Duration: 312.55 ms\t\n";

    #[test]
    fn text_records_with_and_without_init() {
        assert_eq!(
            parse(COLD),
            Line::Report(Report {
                duration_cms: 2740,
                billed_cms: 2800,
                memory_size_mb: 1024,
                max_memory_used_mb: 472,
                init_ms: Some(312.55),
            })
        );
        // Spaces instead of tabs, X-Ray and status fields after the figures.
        let warm = "REPORT RequestId: abc Duration: 3.01 ms Billed Duration: 4 ms Memory Size: 128 MB Max Memory Used: 71 MB XRAY TraceId: 1-5e-abc SegmentId: 12ab Sampled: true Status: timeout";
        assert_eq!(
            parse(warm),
            Line::Report(Report {
                duration_cms: 301,
                billed_cms: 400,
                memory_size_mb: 128,
                max_memory_used_mb: 71,
                init_ms: None,
            })
        );
        // SnapStart restores are not INIT.
        let snap = "REPORT RequestId: x\tDuration: 9.00 ms\tBilled Duration: 240 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 474.16 ms\tBilled Restore Duration: 232 ms";
        assert!(matches!(parse(snap), Line::Report(Report { init_ms: None, .. })));
    }

    #[test]
    fn json_records() {
        let cold = r#"{"time":"2026-11-27T10:00:00.000Z","type":"platform.report","record":{"requestId":"r1","metrics":{"durationMs":27.4,"billedDurationMs":28,"memorySizeMB":1024,"maxMemoryUsedMB":472,"initDurationMs":312.55},"status":"success"}}"#;
        assert_eq!(
            parse(cold),
            Line::Report(Report {
                duration_cms: 2740,
                billed_cms: 2800,
                memory_size_mb: 1024,
                max_memory_used_mb: 472,
                init_ms: Some(312.55),
            })
        );
        let warm = r#"{"type":"platform.report","record":{"requestId":"r2","metrics":{"durationMs":1.5,"billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":60}}}"#;
        assert!(matches!(parse(warm), Line::Report(Report { init_ms: None, .. })));
        let start = r#"{"type":"platform.start","record":{"requestId":"r2"}}"#;
        assert_eq!(parse(start), Line::Other);
    }

    #[test]
    fn other_lines_are_ignored_and_broken_reports_counted() {
        assert_eq!(parse("START RequestId: abc Version: $LATEST"), Line::Other);
        assert_eq!(
            parse("user log mentioning REPORT RequestId: in the middle"),
            Line::Other
        );
        assert_eq!(parse(r#"{"level":"info","msg":"hello"}"#), Line::Other);
        assert_eq!(parse("REPORT RequestId: abc\tDuration: 2.00 ms"), Line::Malformed);
        assert_eq!(
            parse("REPORT RequestId: abc Duration: x ms Billed Duration: 4 ms Memory Size: 128 MB Max Memory Used: 71 MB"),
            Line::Malformed
        );
        assert_eq!(
            parse(r#"{"type":"platform.report","record":{"metrics":{"durationMs":1}}}"#),
            Line::Malformed
        );
        assert_eq!(parse(r#"{"type":"platform.report","record":"#), Line::Malformed);
    }

    #[test]
    fn init_is_billed_in_whole_ms_rounded_up() {
        assert_eq!(init_billed_ms(312.55), 313);
        assert_eq!(init_billed_ms(312.0), 312);
        assert_eq!(init_billed_ms(0.01), 1);
        assert_eq!(init_billed_ms(1.1), 2);
    }

    #[test]
    fn hours_sum_exactly_whatever_the_order() {
        let lines = [
            (3_600_500, COLD.to_string()),
            (3_700_000, "REPORT RequestId: b\tDuration: 0.10 ms\tBilled Duration: 1 ms\tMemory Size: 1024 MB\tMax Memory Used: 480 MB\t".to_string()),
            (3_800_000, r#"{"type":"platform.report","record":{"metrics":{"durationMs":0.2,"billedDurationMs":1,"memorySizeMB":1024,"maxMemoryUsedMB":472,"initDurationMs":100.01}}}"#.to_string()),
            (7_200_000, "REPORT RequestId: c\tDuration: 0.30 ms".to_string()),
            (7_300_000, "START RequestId: d".to_string()),
        ];
        let mut a = Hours::default();
        let mut b = Hours::default();
        for (t, l) in &lines {
            a.add(*t, l);
        }
        for (t, l) in lines.iter().rev() {
            b.add(*t, l);
        }
        assert_eq!((a.malformed, a.other, a.records()), (1, 1, 3));
        let ha = a.into_hours("api");
        assert_eq!(ha, b.into_hours("api"));
        assert_eq!(ha.len(), 1);
        let h = &ha[0];
        assert_eq!((h.hour, h.invocations, h.cold_starts), (3600, 3, 2));
        assert_eq!(h.init_ms_sum, 412.56);
        assert_eq!(h.init_ms.0, BTreeMap::from([(101, 1), (313, 1)]));
        assert_eq!(h.duration_ms_sum, 27.7);
        assert_eq!(h.billed_ms_sum, 30.0);
        assert_eq!(h.memory_size_mb, 1024);
        assert_eq!(h.memory_used_mb.0, BTreeMap::from([(472, 2), (480, 1)]));
    }
}

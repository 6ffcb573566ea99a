//! Start-up probe: the UI reports once that the first dashboard is painted, and with
//! `BREAKEVEN_STARTUP_PROBE=1` set the app prints how long that took since the process started
//! (`ready_ms=NNN` on stderr), so `scripts/bench-startup.sh` can measure launch to dashboard.
//! The UI also sends the moments (its `performance.now()`) of its own steps, printed on one
//! `startup_marks` line in the same process-relative milliseconds, to show where the time goes.
//! Without the variable the command does nothing.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// The environment variable that turns the probe on.
pub const PROBE_VAR: &str = "BREAKEVEN_STARTUP_PROBE";

static REPORTED: AtomicBool = AtomicBool::new(false);
static MAIN_STARTED: OnceLock<Instant> = OnceLock::new();

/// Called first thing in `main`: the fallback origin where `/proc` cannot say when the process
/// started.
pub fn mark_main_started() {
    MAIN_STARTED.get_or_init(Instant::now);
}

/// `marks`: the UI's steps by name, in its `performance.now()` milliseconds; `now` is its clock
/// when it called, which is this moment in the back end's time.
#[tauri::command]
pub fn startup_ready(marks: Option<BTreeMap<String, f64>>, now: Option<f64>) {
    if std::env::var_os(PROBE_VAR).is_none_or(|v| v != "1") || REPORTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let ms = since_process_start_ms()
        .unwrap_or_else(|| MAIN_STARTED.get().map_or(0, |t| t.elapsed().as_millis() as u64));
    eprintln!("ready_ms={ms}");
    if let (Some(marks), Some(now)) = (marks, now) {
        eprintln!("startup_marks {}", marks_line(ms, now, &marks));
    }
}

/// The UI's marks in process-relative milliseconds: the page started loading at `ready - now`.
fn marks_line(ready_ms: u64, now: f64, marks: &BTreeMap<String, f64>) -> String {
    let page = ready_ms as f64 - now;
    let mut steps: Vec<(&str, f64)> = marks.iter().map(|(k, v)| (k.as_str(), page + v)).collect();
    steps.push(("page", page));
    steps.sort_by(|a, b| a.1.total_cmp(&b.1));
    let fields: Vec<String> = steps
        .iter()
        .map(|(k, v)| format!("{k}_ms={}", v.round() as i64))
        .collect();
    fields.join(" ")
}

/// Milliseconds since the kernel started this process (so it includes loading the binary and
/// creating the webview), from `/proc/self/stat` and `/proc/uptime` (10 ms resolution).
fn since_process_start_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let start_ticks = start_ticks(&stat)?;
    let now_s: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    // /proc reports start times in USER_HZ, which Linux fixes at 100 per second.
    let started_s = start_ticks as f64 / 100.0;
    Some(((now_s - started_s).max(0.0) * 1000.0).round() as u64)
}

/// Field 22 of `/proc/<pid>/stat` (start time in clock ticks after boot). The command name
/// (field 2) is in parentheses and may contain spaces, so fields are counted after its `)`.
fn start_ticks(stat: &str) -> Option<u64> {
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_ticks_is_field_22_even_with_spaces_in_the_name() {
        let stat = "4242 (web kit) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 7 0 123456 1000 50";
        assert_eq!(start_ticks(stat), Some(123456));
        assert_eq!(start_ticks("garbage"), None);
    }

    #[test]
    fn marks_are_placed_on_the_process_clock_in_order() {
        let marks = BTreeMap::from([("script".to_string(), 50.0), ("account".to_string(), 300.4)]);
        assert_eq!(
            marks_line(900, 400.0, &marks),
            "page_ms=500 script_ms=550 account_ms=800"
        );
    }

    #[test]
    fn this_process_started_in_the_past() {
        if std::path::Path::new("/proc/self/stat").exists() {
            let ms = since_process_start_ms().expect("readable /proc");
            assert!(ms < 24 * 3600 * 1000, "{ms}");
        }
    }
}

//! The scenario file's text: comments that say where each number came from, then the
//! workload with its per-minute counts one hour to a line, then the platforms.

use crate::app::scenario::platforms::PlatformTable;
use crate::app::scenario::traffic::round3;
use crate::app::scenario::{Extraction, RoundTrip};
use crate::store::functions::FunctionRow;
use crate::store::Day;
use breakeven_simulator::pricing::money::group_digits;
use std::fmt::Write;

/// Thousands separators for counts in comments.
fn count(n: u64) -> String {
    group_digits(&n.to_string())
}

fn ms(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |x| format!("{} ms", round3(x)))
}

/// The scenario without the round-trip comment.
pub fn scenario(x: &Extraction, f: &FunctionRow, counts: &[u64], tables: &[PlatformTable]) -> String {
    let mut s = String::new();
    let q = |v: &str| toml::Value::String(v.to_string()).to_string();
    let _ = writeln!(
        s,
        "# `{}` of account `{}` ({}), extracted from stored metrics.",
        x.function, x.account, f.region
    );
    let _ = writeln!(
        s,
        "# Replays {} to {} ({} days, {}-minute counts): {} invocations, busiest minute {}.",
        x.window_from,
        x.window_to,
        x.days,
        x.step.minutes(),
        count(x.invocations),
        count(x.peak_per_min)
    );
    let d = &x.duration;
    let _ = writeln!(
        s,
        "# Duration: {} (stored average {}, p50 {}, p99 {}; the model's mean is {} ms).",
        d.how,
        ms(d.average_ms),
        ms(d.p50_ms),
        ms(d.p99_ms),
        round3(d.model_mean_ms)
    );
    let _ = writeln!(
        s,
        "# Memory {} MB, {}, provisioned concurrency {}.",
        f.config.memory_mb, f.config.architecture, f.config.provisioned_concurrency
    );
    cold_starts(&mut s, x);
    if x.step.minutes() > 1 {
        let _ = writeln!(
            s,
            "# Counts are per {} minutes, spread evenly over their minutes (replays are per minute).",
            x.step.minutes()
        );
    }
    let _ = writeln!(s, "version = 1");
    let _ = writeln!(s, "name = {}", q(&x.function));
    let _ = writeln!(s, "seed = 1");
    let _ = writeln!(s);
    let _ = writeln!(s, "[workload]");
    let _ = writeln!(
        s,
        "# horizon: the length of the replay ({} minutes)",
        counts.len()
    );
    let _ = writeln!(s, "memory_mb = {}", f.config.memory_mb);
    let _ = writeln!(s, "arch = {}", q(&f.config.architecture));
    let _ = writeln!(s, "duration = {}", d.model);
    if let Some(i) = &x.init {
        let _ = writeln!(s, "init = {}", i.toml());
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "[workload.arrivals]");
    let _ = writeln!(s, "process = \"replay\"");
    let _ = writeln!(s, "# Invocations per minute, one UTC hour per line.");
    let _ = writeln!(s, "counts_per_min = [");
    let start = x.window_from.start_unix();
    for (h, hour) in counts.chunks(60).enumerate() {
        let ts = start + h as i64 * 3600;
        let day = Day::from_unix(ts);
        let line: Vec<String> = hour.iter().map(u64::to_string).collect();
        let _ = writeln!(s, "  # {day} {:02}:00", (ts - day.start_unix()) / 3600);
        let _ = writeln!(s, "  {},", line.join(", "));
    }
    let _ = writeln!(s, "]");
    for t in tables {
        let _ = writeln!(s);
        let _ = writeln!(s, "# {}", t.comment);
        let _ = writeln!(s, "[[platforms]]");
        for (k, v) in &t.keys {
            let _ = writeln!(s, "{k} = {v}");
        }
    }
    s
}

/// Where init and keep-alive come from, and the measured against the simulated cold starts.
fn cold_starts(s: &mut String, x: &Extraction) {
    match &x.init {
        Some(i) => {
            let _ = writeln!(
                s,
                "# Cold-start init: the {} INIT durations REPORT records measured in these days (p50 {} ms, p99 {} ms, mean {} ms), as an empirical percentile table.",
                count(i.cold_starts),
                i.p50_ms,
                i.p99_ms,
                round3(i.mean_ms)
            );
        }
        None if x.calibration.is_some() => {
            let _ = writeln!(
                s,
                "# Cold-start init is the platform's typical one (no REPORT record of these days has an init duration)."
            );
        }
        None => {}
    }
    let Some(c) = &x.calibration else {
        let _ = writeln!(s, "# Cold starts: {}.", x.cold_start_basis);
        return;
    };
    let _ = writeln!(
        s,
        "# Cold starts on {}, {} to {} ({} days with REPORT records): {}.",
        c.platform,
        c.from,
        c.to,
        c.days,
        c.summary()
    );
    let _ = writeln!(
        s,
        "# keep_alive_s = {} fitted to them (the catalog assumes {} s) in {} {}-mode runs with seed 1.",
        c.keep_alive_s, c.catalog_keep_alive_s, c.iterations, c.mode
    );
    if let Some(l) = &c.limit {
        let _ = writeln!(s, "# The fit is at its limit: {l}.");
    }
}

/// Put the round-trip result at the top of the file.
pub fn with_round_trip(body: &str, r: Option<&RoundTrip>) -> String {
    let Some(r) = r else {
        return body.to_string();
    };
    format!(
        "# Round trip on {}: {}\n# ({} requests, {} cold starts simulated ({} mode); usage-derived = {}).\n{body}",
        r.platform,
        r.summary(),
        count(r.simulated_requests),
        count(r.cold_starts),
        r.mode,
        r.method
    )
}

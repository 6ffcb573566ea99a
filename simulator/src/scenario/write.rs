//! Writing a scenario back as the TOML that [`super::parse`] reads: what the desktop app saves
//! and the CLI runs. `parse(to_toml(s)) == s` for every valid scenario (inline replay counts
//! included), so a saved what-if reproduces the app's results byte for byte.

use super::Scenario;
use serde::Serialize;
use std::fmt::Write;
use toml::Value;

const MS_PER: [(f64, &str); 4] = [
    (604_800_000.0, "w"),
    (86_400_000.0, "d"),
    (3_600_000.0, "h"),
    (60_000.0, "m"),
];

/// A horizon in the largest whole unit (`"30d"`), else in seconds: parsing it gives back the
/// same milliseconds exactly.
fn horizon(ms: f64) -> (&'static str, Value) {
    for (unit_ms, unit) in MS_PER {
        let n = ms / unit_ms;
        if n >= 1.0 && n.fract() == 0.0 && n * unit_ms == ms {
            return ("horizon", Value::String(format!("{n}{unit}")));
        }
    }
    ("horizon_s", Value::Float(ms / 1000.0))
}

fn value<T: Serialize>(v: &T) -> Result<Value, String> {
    Value::try_from(v).map_err(|e| e.to_string())
}

/// `key = value` with tables written inline, as the documented examples do.
fn line(out: &mut String, key: &str, v: &Value) {
    let _ = writeln!(out, "{key} = {v}");
}

/// The scenario as a version-1 scenario file.
pub fn to_toml(s: &Scenario) -> Result<String, String> {
    let mut out = String::new();
    line(&mut out, "version", &Value::Integer(i64::from(s.version)));
    line(&mut out, "name", &Value::String(s.name.clone()));
    let seed = i64::try_from(s.seed).map_err(|_| format!("seed {} is too large for TOML", s.seed))?;
    line(&mut out, "seed", &Value::Integer(seed));
    line(&mut out, "mode", &value(&s.mode)?);
    line(&mut out, "timeline_bucket_s", &Value::Float(s.timeline_bucket_s));

    let w = &s.workload;
    out.push_str("\n[workload]\n");
    let (key, h) = horizon(w.horizon_ms);
    line(&mut out, key, &h);
    line(&mut out, "memory_mb", &Value::Integer(i64::from(w.memory_mb)));
    line(&mut out, "arch", &value(&w.arch)?);
    line(&mut out, "arrivals", &value(&w.arrivals)?);
    line(&mut out, "duration", &value(&w.duration)?);
    if let Some(c) = &w.cold_duration {
        line(&mut out, "cold_duration", &value(c)?);
    }
    if let Some(i) = &w.init {
        line(&mut out, "init", &value(i)?);
    }
    line(&mut out, "cpu_fraction", &Value::Float(w.cpu_fraction));
    line(&mut out, "parallelism", &Value::Float(w.parallelism));
    if let Some(r) = w.reference_vcpu {
        line(&mut out, "reference_vcpu", &Value::Float(r));
    }

    for p in &s.platforms {
        out.push_str("\n[[platforms]]\n");
        let Value::Table(t) = value(p)? else {
            return Err("a platform did not serialise to a table".into());
        };
        line(&mut out, "id", &Value::String(p.id.clone()));
        for (k, v) in t.iter().filter(|(k, _)| k.as_str() != "id") {
            line(&mut out, k, v);
        }
    }
    for c in &s.commitments {
        out.push_str("\n[[commitments]]\n");
        let Value::Table(t) = value(c)? else {
            return Err("a commitment did not serialise to a table".into());
        };
        for (k, v) in t.iter() {
            line(&mut out, k, v);
        }
    }
    for d in &s.discounts {
        out.push_str("\n[[discounts]]\n");
        let Value::Table(t) = value(d)? else {
            return Err("a discount did not serialise to a table".into());
        };
        for (k, v) in t.iter() {
            line(&mut out, k, v);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::PriceCatalog;
    use crate::scenario::parse;

    const CHECKOUT: &str = include_str!("../../../fixtures/scenarios/checkout-api.toml");
    const SIMFAAS: &str = include_str!("../../../fixtures/scenarios/simfaas.toml");
    const CHECKOUT_SP: &str = include_str!("../../../fixtures/scenarios/checkout-api-sp.toml");

    fn parsed(name: &str, text: &str) -> Scenario {
        let catalog = PriceCatalog::bundled().unwrap();
        parse(name, text, &catalog, &mut |_| Ok(vec![3, 0, 7])).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn fixtures_round_trip_exactly() {
        let sp = format!(
            "{CHECKOUT_SP}\n[[discounts]]\nprovider = \"aws\"\nplatform = \"aws-lambda\"\npercent = \"5\"\n"
        );
        for (name, text) in [
            ("checkout.toml", CHECKOUT),
            ("simfaas.toml", SIMFAAS),
            ("checkout-sp.toml", sp.as_str()),
        ] {
            let s = parsed(name, text);
            let written = to_toml(&s).unwrap();
            assert_eq!(parsed("again.toml", &written), s, "{written}");
            // Writing is stable: the saved file of a loaded save is the same text.
            assert_eq!(to_toml(&parsed("again.toml", &written)).unwrap(), written);
        }
    }

    #[test]
    fn horizons_use_the_largest_whole_unit() {
        assert_eq!(horizon(2_592_000_000.0).1, Value::String("30d".into()));
        assert_eq!(horizon(5_400_000.0).1, Value::String("90m".into()));
        assert_eq!(horizon(1_500.0), ("horizon_s", Value::Float(1.5)));
    }

    #[test]
    fn inline_replay_counts_and_platform_options_survive() {
        let text = "version = 1\nname = \"r\"\n[workload]\nhorizon = \"3m\"\n\
            arrivals = { process = \"replay\", counts_per_min = [3, 0, 7] }\n\
            duration = { dist = \"constant\", ms = 40 }\n\
            [[platforms]]\nid = \"aws-fargate\"\nvcpu = 0.5\nmemory_gb = 1\ninstances = \"peak\"\n\
            [[platforms]]\nid = \"aws-lambda\"\nkeep_alive_s = 300\nmin_instances = 2\n\
            init = { dist = \"constant\", ms = 250 }\n";
        let s = parsed("r.toml", text);
        let written = to_toml(&s).unwrap();
        assert!(written.contains("instances = \"peak\""), "{written}");
        assert_eq!(parsed("again.toml", &written), s, "{written}");
    }
}

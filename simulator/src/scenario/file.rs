//! Reading a scenario from TOML: unknown keys and bad values are errors with file:line:column.

use super::{FleetSize, Mode, PlatformSpec, Scenario, SCENARIO_VERSION};
use crate::limits::{
    MAX_CONCURRENCY, MAX_INSTANCES, MAX_PLATFORMS, MAX_PLATFORM_SECONDS, MAX_QUEUE, MIN_EVALUATION_S,
};
use crate::platform::resolve;
use crate::pricing::catalog::line_col;
use crate::pricing::{Arch, CommitmentSpec, Discount, PriceCatalog};
use crate::workload::{check_replay_counts, Arrivals, DurationModel, Workload};
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

/// Most commitments one scenario holds.
pub const MAX_COMMITMENTS: usize = 20;

/// A scenario file that cannot be used, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ScenarioError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    version: Spanned<u32>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    mode: Option<Mode>,
    #[serde(default)]
    timeline_bucket_s: Option<Spanned<f64>>,
    workload: Spanned<WorkloadFile>,
    #[serde(default)]
    platforms: Vec<Spanned<PlatformSpec>>,
    #[serde(default)]
    commitments: Vec<Spanned<CommitmentSpec>>,
    #[serde(default)]
    discounts: Vec<Spanned<Discount>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkloadFile {
    #[serde(default)]
    horizon_s: Option<Spanned<f64>>,
    #[serde(default)]
    horizon: Option<Spanned<String>>,
    #[serde(default)]
    memory_mb: Option<Spanned<u32>>,
    #[serde(default)]
    arch: Option<Arch>,
    arrivals: Spanned<Arrivals>,
    duration: Spanned<DurationModel>,
    #[serde(default)]
    cold_duration: Option<Spanned<DurationModel>>,
    #[serde(default)]
    init: Option<Spanned<DurationModel>>,
    #[serde(default)]
    cpu_fraction: Option<Spanned<f64>>,
    #[serde(default)]
    parallelism: Option<Spanned<f64>>,
    #[serde(default)]
    reference_vcpu: Option<Spanned<f64>>,
}

struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn at(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        let (line, column) = line_col(self.text, span.start);
        ScenarioError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Parse and validate scenario `text` (named `file` in messages) against `catalog`.
/// `load_replay` turns a replay `file` reference into per-minute counts; it is the caller's I/O.
pub fn parse(
    file: &str,
    text: &str,
    catalog: &PriceCatalog,
    load_replay: &mut dyn FnMut(&str) -> Result<Vec<u64>, String>,
) -> Result<Scenario, ScenarioError> {
    let loc = Locator { file, text };
    let raw: ScenarioFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        loc.at(span, e.message().to_string())
    })?;
    if *raw.version.get_ref() != SCENARIO_VERSION {
        return Err(loc.at(
            raw.version.span(),
            format!(
                "unsupported scenario version {} (this build reads version {SCENARIO_VERSION})",
                raw.version.get_ref()
            ),
        ));
    }
    let workload = workload(&loc, raw.workload, load_replay)?;
    if raw.platforms.is_empty() {
        return Err(loc.at(
            0..0,
            "no platforms: add at least one [[platforms]] table with an `id`",
        ));
    }
    if let Some(extra) = raw.platforms.get(MAX_PLATFORMS) {
        return Err(loc.at(
            extra.span(),
            format!(
                "{} platforms are more than the limit of {MAX_PLATFORMS} per scenario",
                raw.platforms.len()
            ),
        ));
    }
    let mut platforms = Vec::new();
    for p in raw.platforms {
        let span = p.span();
        let spec = p.into_inner();
        resolve(catalog, &spec, &workload).map_err(|m| loc.at(span.clone(), m))?;
        validate_platform(&spec).map_err(|m| loc.at(span.clone(), format!("platform `{}`: {m}", spec.id)))?;
        platforms.push(spec);
    }
    let bucket_s = match raw.timeline_bucket_s {
        Some(b) if !(b.get_ref().is_finite() && *b.get_ref() >= 1.0) => {
            return Err(loc.at(b.span(), "`timeline_bucket_s` must be at least 1"));
        }
        Some(b) => *b.get_ref(),
        None => 60.0,
    };
    let mut commitments = Vec::new();
    if let Some(extra) = raw.commitments.get(MAX_COMMITMENTS) {
        return Err(loc.at(
            extra.span(),
            format!("more than {MAX_COMMITMENTS} commitments in one scenario"),
        ));
    }
    for c in raw.commitments {
        let span = c.span();
        let spec = c.into_inner();
        spec.validate()
            .map_err(|m| loc.at(span, format!("commitment: {m}")))?;
        commitments.push(spec);
    }
    let mut discounts = Vec::new();
    for d in raw.discounts {
        let span = d.span();
        let d = d.into_inner();
        d.validate().map_err(|m| loc.at(span, format!("discount: {m}")))?;
        discounts.push(d);
    }
    Ok(Scenario {
        version: SCENARIO_VERSION,
        name: raw.name.unwrap_or_else(|| file.to_string()),
        seed: raw.seed.unwrap_or(0),
        mode: raw.mode.unwrap_or_default(),
        timeline_bucket_s: bucket_s,
        workload,
        platforms,
        commitments,
        discounts,
    })
}

fn workload(
    loc: &Locator,
    raw: Spanned<WorkloadFile>,
    load_replay: &mut dyn FnMut(&str) -> Result<Vec<u64>, String>,
) -> Result<Workload, ScenarioError> {
    let span = raw.span();
    let w = raw.into_inner();
    let arrivals_span = w.arrivals.span();
    let mut arrivals = w.arrivals.into_inner();
    arrivals
        .validate()
        .map_err(|m| loc.at(arrivals_span.clone(), m))?;
    if let Arrivals::Replay { counts_per_min, file } = &mut arrivals {
        if let Some(path) = file.take() {
            *counts_per_min = load_replay(&path).map_err(|m| loc.at(arrivals_span.clone(), m))?;
            if counts_per_min.is_empty() {
                return Err(loc.at(arrivals_span, format!("{path}: no per-minute counts")));
            }
            check_replay_counts(counts_per_min)
                .map_err(|m| loc.at(arrivals_span.clone(), format!("{path}: {m}")))?;
        }
    }
    let horizon_ms = match (w.horizon_s, w.horizon) {
        (Some(_), Some(h)) => return Err(loc.at(h.span(), "give `horizon_s` or `horizon`, not both")),
        (Some(s), None) => {
            let v = *s.get_ref();
            if !(v.is_finite() && v > 0.0) {
                return Err(loc.at(s.span(), format!("`horizon_s` must be positive, not {v}")));
            }
            super::check_horizon_ms(v * 1000.0).map_err(|m| loc.at(s.span(), format!("`horizon_s`: {m}")))?;
            v * 1000.0
        }
        (None, Some(h)) => {
            super::parse_horizon_ms(h.get_ref()).map_err(|m| loc.at(h.span(), format!("`horizon`: {m}")))?
        }
        (None, None) => match &arrivals {
            Arrivals::Replay { counts_per_min, .. } if !counts_per_min.is_empty() => {
                counts_per_min.len() as f64 * 60_000.0
            }
            _ => return Err(loc.at(span, "the workload needs `horizon_s` or `horizon` (e.g. \"30d\")")),
        },
    };
    let dist = |d: Spanned<DurationModel>| -> Result<DurationModel, ScenarioError> {
        let s = d.span();
        let d = d.into_inner();
        d.validate().map_err(|m| loc.at(s, m))?;
        Ok(d)
    };
    let number = |v: &Option<Spanned<f64>>, name: &str, ok: &dyn Fn(f64) -> bool| match v {
        Some(x) if !ok(*x.get_ref()) => {
            Err(loc.at(x.span(), format!("`{name}` is out of range: {}", x.get_ref())))
        }
        Some(x) => Ok(Some(*x.get_ref())),
        None => Ok(None),
    };
    let memory_mb = match &w.memory_mb {
        Some(m) if *m.get_ref() == 0 => return Err(loc.at(m.span(), "`memory_mb` must be positive")),
        Some(m) => *m.get_ref(),
        None => 128,
    };
    let workload = Workload {
        horizon_ms,
        memory_mb,
        arch: w.arch.unwrap_or_default(),
        arrivals,
        duration: dist(w.duration)?,
        cold_duration: w.cold_duration.map(dist).transpose()?,
        init: w.init.map(dist).transpose()?,
        cpu_fraction: number(&w.cpu_fraction, "cpu_fraction (0–1)", &|x| {
            (0.0..=1.0).contains(&x)
        })?
        .unwrap_or(0.0),
        parallelism: number(&w.parallelism, "parallelism", &|x| x.is_finite() && x > 0.0)?.unwrap_or(1.0),
        reference_vcpu: number(&w.reference_vcpu, "reference_vcpu", &|x| x.is_finite() && x > 0.0)?,
    };
    workload.validate().map_err(|m| loc.at(span, m))?;
    Ok(workload)
}

/// Check a platform's options: ranges, and the limits of [`crate::limits`].
pub(crate) fn validate_platform(p: &PlatformSpec) -> Result<(), String> {
    let non_neg = |name: &str, v: Option<f64>| match v {
        Some(x) if !(x.is_finite() && x >= 0.0) => Err(format!("`{name}` must not be negative ({x})")),
        _ => Ok(()),
    };
    non_neg("keep_alive_s", p.keep_alive_s)?;
    non_neg("cooldown_s", p.cooldown_s)?;
    non_neg("boot_s", p.boot_s)?;
    for (name, v) in [
        ("scale_window_s", p.scale_window_s),
        ("evaluation_s", p.evaluation_s),
        ("vcpu", p.vcpu),
        ("memory_gb", p.memory_gb),
    ] {
        if let Some(x) = v {
            if !(x.is_finite() && x > 0.0) {
                return Err(format!("`{name}` must be positive ({x})"));
            }
        }
    }
    for (name, v) in [
        ("keep_alive_s", p.keep_alive_s),
        ("cooldown_s", p.cooldown_s),
        ("boot_s", p.boot_s),
        ("scale_window_s", p.scale_window_s),
        ("evaluation_s", p.evaluation_s),
    ] {
        if let Some(x) = v.filter(|x| *x > MAX_PLATFORM_SECONDS) {
            return Err(format!(
                "`{name}` of {x} s is above the limit of {MAX_PLATFORM_SECONDS} s (the longest horizon)"
            ));
        }
    }
    if let Some(x) = p.evaluation_s.filter(|x| *x < MIN_EVALUATION_S) {
        return Err(format!(
            "`evaluation_s` of {x} s is below the limit of {MIN_EVALUATION_S} s"
        ));
    }
    let fixed = match p.instances {
        Some(FleetSize::Fixed(n)) => Some(n),
        _ => None,
    };
    for (name, v, max) in [
        ("instances", fixed, MAX_INSTANCES),
        ("min_instances", p.min_instances, MAX_INSTANCES),
        ("max_instances", p.max_instances, MAX_INSTANCES),
        ("concurrency", p.concurrency, MAX_CONCURRENCY),
        ("max_queue", p.max_queue, MAX_QUEUE),
    ] {
        if let Some(x) = v.filter(|x| *x > max) {
            return Err(format!("`{name}` of {x} is above the limit of {max}"));
        }
    }
    if let Some(init) = &p.init {
        init.validate().map_err(|m| format!("`init`: {m}"))?;
    }
    if let Some(u) = p.target_utilisation {
        if !(u > 0.0 && u <= 1.0) {
            return Err(format!("`target_utilisation` must be in (0, 1], not {u}"));
        }
    }
    if p.concurrency == Some(0) || p.concurrency_limit == Some(0) || p.scale_instances == Some(0) {
        return Err("`concurrency`, `concurrency_limit` and `scale_instances` must be at least 1".into());
    }
    if let Some(FleetSize::Named(n)) = &p.instances {
        if n != "peak" {
            return Err(format!("`instances` is a number or \"peak\", not \"{n}\""));
        }
    }
    if let Some(k) = &p.kubernetes {
        if !(k.pod_vcpu > 0.0 && k.pod_memory_gb > 0.0) {
            return Err("kubernetes `pod_vcpu` and `pod_memory_gb` must be positive".into());
        }
    }
    Ok(())
}

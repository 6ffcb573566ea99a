//! The fuzz loop: pick an input (a mutated corpus entry, a structure-aware generated one, or a
//! generated one mutated), run the parser in-process under `catch_unwind`, time it, measure the
//! memory it allocated, keep inputs that show a new behaviour, and save every finding as a
//! reproducer file.
//!
//! Feedback without compiler coverage (stable Rust has no `-Zsanitizer-coverage`, and
//! `-Cinstrument-coverage` would rebuild every dependency): a target returns a *signature* of what
//! the parser did (accepted and what shape, or which error); an input whose signature was never
//! seen joins the corpus. Error messages name the rule that fired, so a new signature is a new
//! path through the validation code.

use crate::fuzz::alloc;
use crate::fuzz::mutate::{mutate, Rng};
use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

/// A run slower than this is a hang finding.
pub const HANG: Duration = Duration::from_secs(1);
/// A run that allocates more than this at once (bytes, above what was live before it) is a
/// memory finding: no input of these parsers should need a quarter of a gigabyte.
pub const MEMORY_FINDING: usize = 256 << 20;
/// Inputs kept for mutation; past it a new one replaces a random old one.
const CORPUS_MAX: usize = 4096;

/// A parser under test.
pub struct Target {
    pub name: &'static str,
    pub about: &'static str,
    /// Seed inputs: the real fixtures.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens the mutator inserts, on top of [`crate::fuzz::mutate::COMMON_TOKENS`].
    pub dict: &'static [&'static str],
    /// Structure-aware inputs built from proptest strategies.
    pub generator: Option<fn() -> BoxedStrategy<Vec<u8>>>,
    /// Parse one input; returns the behaviour's signature. Broken invariants panic.
    pub run: fn(&[u8]) -> String,
    /// Longest input tried, bytes.
    pub max_len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Panic,
    Hang,
    Memory,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Panic => "panic",
            Kind::Hang => "hang",
            Kind::Memory => "memory",
        }
    }
}

/// One distinct finding: the first reproducer and how often it recurred.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    pub message: String,
    pub reproducer: PathBuf,
    pub hits: u64,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub target: &'static str,
    pub execs: u64,
    pub elapsed: Duration,
    pub corpus: usize,
    pub findings: Vec<Finding>,
    /// Slowest single run.
    pub slowest: Duration,
    /// Most bytes one run allocated.
    pub max_alloc: usize,
}

impl Report {
    pub fn execs_per_s(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// What one run did.
pub struct Exec {
    pub signature: String,
    /// `message at file:line` when it panicked.
    pub panic: Option<String>,
    pub elapsed: Duration,
    pub alloc_bytes: usize,
}

thread_local! {
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics on a fuzzing thread are recorded silently; on any other thread the previous hook runs.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CAPTURING.with(Cell::get) {
                return previous(info);
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic".into());
            let mut at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            if !is_ours(&at) {
                // A panic inside a library (`Decimal`'s `*` overflowing): the site is the first
                // frame of this workspace that led there, so two callers are two findings.
                let trace = std::backtrace::Backtrace::force_capture().to_string();
                if let Some(frame) = trace
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("at "))
                    .find(|f| is_ours(f) && !f.contains("fuzz/engine.rs"))
                {
                    at = frame.trim_start_matches("./").to_string();
                }
            }
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message} at {at}")));
        }));
    });
}

/// A source location of this workspace (not the standard library or a registry crate).
fn is_ours(location: &str) -> bool {
    !(location.is_empty()
        || location.contains("/.cargo/")
        || location.starts_with("/rustc/")
        || location.contains("library/std")
        || location.contains("library/core"))
}

/// Run `target` on `input` once, in-process.
pub fn execute(target: &Target, input: &[u8]) -> Exec {
    install_panic_hook();
    alloc::set_current_input(input);
    let base = alloc::reset_peak();
    CAPTURING.with(|c| c.set(true));
    let start = Instant::now();
    alloc::running(true);
    let result = catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    alloc::running(false);
    let elapsed = start.elapsed();
    CAPTURING.with(|c| c.set(false));
    let alloc_bytes = alloc::peak().saturating_sub(base);
    match result {
        Ok(signature) => Exec {
            signature,
            panic: None,
            elapsed,
            alloc_bytes,
        },
        Err(_) => {
            let message = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
            Exec {
                signature: String::new(),
                panic: Some(message),
                elapsed,
                alloc_bytes,
            }
        }
    }
}

/// Digits and quoted text out, so `line 7` and `line 9` are one behaviour.
fn normalise(signature: &str) -> String {
    let mut out = String::new();
    let mut in_quote = false;
    for ch in signature.chars().take(160) {
        match ch {
            '`' | '"' | '“' | '”' => {
                in_quote = !in_quote;
                out.push('"');
            }
            _ if in_quote => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// FNV-1a, for stable reproducer names.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The panic's location (`file:line`), which identifies the defect across inputs.
fn panic_site(message: &str) -> &str {
    message.rsplit(" at ").next().unwrap_or(message)
}

/// Delete chunks of `input` while the same panic site still fires: a smaller reproducer.
fn minimise(target: &Target, input: &[u8], site: &str, deadline: Instant) -> Vec<u8> {
    let mut best = input.to_vec();
    let mut chunk = (best.len() / 2).max(1);
    while chunk >= 1 && Instant::now() < deadline {
        let mut i = 0;
        while i < best.len() && Instant::now() < deadline {
            let mut candidate = best.clone();
            candidate.drain(i..(i + chunk).min(best.len()));
            let e = execute(target, &candidate);
            if e.panic.as_deref().map(panic_site) == Some(site) {
                best = candidate;
            } else {
                i += chunk;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk /= 2;
    }
    best
}

/// Fuzz `target` for `budget` or `max_execs` runs, whichever ends first; reproducers go to
/// `out/<target>/`. The same seed gives the same sequence of inputs.
pub fn fuzz(target: &Target, budget: Duration, max_execs: u64, seed: u64, out: &Path) -> Report {
    let dir = out.join(target.name);
    let mut rng = Rng::new(seed ^ fnv(target.name.as_bytes()));
    let mut proptest_seed = [0u8; 32];
    proptest_seed[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &proptest_seed),
    );
    let strategy = target.generator.map(|g| g());
    let dict: Vec<&[u8]> = target.dict.iter().map(|t| t.as_bytes()).collect();
    let mut corpus: Vec<Vec<u8>> = (target.seeds)();
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    // Hashes of the signatures seen: a set of strings would grow by the million in a long run.
    let mut seen: HashSet<u64> = HashSet::new();
    let mut findings: HashMap<(Kind, String), Finding> = HashMap::new();
    let mut report = Report {
        target: target.name,
        execs: 0,
        elapsed: Duration::ZERO,
        corpus: 0,
        findings: Vec::new(),
        slowest: Duration::ZERO,
        max_alloc: 0,
    };
    let start = Instant::now();
    let seeds = corpus.len();
    let mut round = 0usize;
    while start.elapsed() < budget && report.execs < max_execs {
        let input = if round < seeds {
            corpus[round].clone()
        } else {
            match (&strategy, rng.below(10)) {
                (Some(s), 0..=2) => {
                    let mut v = s.new_tree(&mut runner).map(|t| t.current()).unwrap_or_default();
                    if rng.chance(1, 2) {
                        let other = rng.pick(&corpus).clone();
                        mutate(&mut rng, &mut v, &dict, &other, target.max_len);
                    }
                    v
                }
                _ => {
                    let mut v = rng.pick(&corpus).clone();
                    let other = rng.pick(&corpus).clone();
                    mutate(&mut rng, &mut v, &dict, &other, target.max_len);
                    v
                }
            }
        };
        round += 1;
        let e = execute(target, &input);
        report.execs += 1;
        report.slowest = report.slowest.max(e.elapsed);
        report.max_alloc = report.max_alloc.max(e.alloc_bytes);
        let mut found = Vec::new();
        if let Some(m) = &e.panic {
            found.push((Kind::Panic, panic_site(m).to_string(), m.clone()));
        }
        if e.elapsed > HANG {
            let m = format!("{} ms: {}", e.elapsed.as_millis(), e.signature);
            found.push((Kind::Hang, normalise(&e.signature), m));
        }
        if e.alloc_bytes > MEMORY_FINDING {
            let m = format!("{} MiB allocated: {}", e.alloc_bytes >> 20, e.signature);
            found.push((Kind::Memory, normalise(&e.signature), m));
        }
        for (kind, key, message) in found {
            if let Some(f) = findings.get_mut(&(kind, key.clone())) {
                f.hits += 1;
                continue;
            }
            let bytes = if kind == Kind::Panic {
                minimise(target, &input, &key, Instant::now() + Duration::from_secs(5))
            } else {
                input.clone()
            };
            let name = format!("{}-{:016x}.bin", kind.as_str(), fnv(key.as_bytes()));
            let path = dir.join(name);
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(&path, &bytes);
            findings.insert(
                (kind, key),
                Finding {
                    kind,
                    message,
                    reproducer: path,
                    hits: 1,
                },
            );
        }
        if e.panic.is_none() && seen.insert(fnv(normalise(&e.signature).as_bytes())) && round > seeds {
            if corpus.len() < CORPUS_MAX {
                corpus.push(input);
            } else {
                let i = rng.below(corpus.len());
                corpus[i] = input;
            }
        }
    }
    report.elapsed = start.elapsed();
    report.corpus = corpus.len();
    report.findings = findings.into_values().collect();
    report.findings.sort_by(|a, b| a.reproducer.cmp(&b.reproducer));
    report
}

//! Every parser of outside input, as a fuzz target: what it is fed, its seeds (the real
//! fixtures), its dictionary and the invariants checked on what it accepts.

use crate::fuzz::engine::Target;
use crate::fuzz::gen;
use breakeven::app::estimate::{estimate, EstimateRequest};
use breakeven::app::parse::{parse_count, parse_decimal};
use breakeven::app::simulate::{parse_counts, parse_range};
use breakeven::ingest::focus::csv::CsvRows;
use breakeven::ingest::trace::azure2019::{self, Row};
use breakeven::store::Day;
use breakeven_simulator::pricing::check::{check, check_file};
use breakeven_simulator::pricing::{PriceCatalog, UsageProfile};
use breakeven_simulator::scenario::{self, parse_horizon_ms};
use std::cell::RefCell;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The repository root (fixtures live under it).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(root().join(rel)).unwrap_or_default()
}

/// Every file of `dir` (relative to the root), sorted by name.
fn read_dir(rel: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(rel))
        .map(|d| {
            d.filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `ok:<shape>` or `err:<message>`: the behaviour the engine compares.
fn sig<T, E: Display>(r: &Result<T, E>, shape: impl FnOnce(&T) -> String) -> String {
    match r {
        Ok(v) => format!("ok:{}", shape(v)),
        Err(e) => format!("err:{e}"),
    }
}

pub fn catalog() -> &'static PriceCatalog {
    static C: OnceLock<PriceCatalog> = OnceLock::new();
    C.get_or_init(|| PriceCatalog::bundled().expect("the bundled catalog loads"))
}

pub fn scenario(data: &[u8]) -> String {
    let all = text(data);
    let (toml, replay) = match all.split_once(gen::REPLAY_MARK) {
        Some((t, r)) => (t.to_string(), r.to_string()),
        None => (
            all,
            String::from_utf8_lossy(&read("fixtures/scenarios/replay-counts.csv")).into_owned(),
        ),
    };
    let mut load = |_: &str| parse_counts(&replay);
    let r = scenario::parse("fuzz.toml", &toml, catalog(), &mut load);
    if let Ok(s) = &r {
        let h = s.workload.horizon_ms;
        assert!(h.is_finite() && h > 0.0, "a horizon of {h} ms was accepted");
        // What the app writes back (the what-if view does on every edit) must read back the same.
        if let Ok(written) = scenario::to_toml(s) {
            let again = scenario::parse("written.toml", &written, catalog(), &mut load);
            assert_eq!(
                again.as_ref().ok(),
                Some(s),
                "a written scenario reads back differently: {again:?}"
            );
        }
    }
    sig(&r, |s| {
        format!("{} platforms, mode {:?}", s.platforms.len(), s.mode)
    })
}

pub fn replay_counts(data: &[u8]) -> String {
    let r = parse_counts(&text(data));
    sig(&r, |c| format!("{} minutes", c.len().min(3)))
}

/// Merge an override into the bundled catalog, validate it, and price every platform it names
/// when the check passes (a validated catalog must price without panicking).
pub fn catalog_override(data: &[u8]) -> String {
    let t = text(data);
    let problems = check_file("fuzz.toml", &t);
    let mut c = catalog().clone();
    let r = c.merge_str("fuzz.toml", &t);
    if r.is_ok() && problems.is_empty() && check(&c, true).is_empty() {
        let named: Vec<String> = c
            .platforms()
            .map(|p| p.id.clone())
            .filter(|id| t.contains(id.as_str()))
            .collect();
        for id in named {
            let req = EstimateRequest {
                platform: id,
                region: None,
                profile: UsageProfile {
                    requests: 10_000_000,
                    ..UsageProfile::default()
                },
            };
            let _ = estimate(&c, &req);
        }
    }
    format!("{} problems; {}", problems.len(), sig(&r, |_| String::new()))
}

pub fn focus_csv(data: &[u8]) -> String {
    let r = CsvRows::new("fuzz.csv", data)
        .and_then(|mut rows| breakeven::ingest::focus::parse("fuzz.csv", &mut rows));
    sig(&r, |(v, c)| format!("{v:?} {}", c.len().min(3)))
}

thread_local! {
    /// A scratch directory per fuzzing thread for the parsers that read files.
    static SCRATCH: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Write `data` to `name` in this thread's scratch directory.
fn scratch_file(name: &str, data: &[u8]) -> PathBuf {
    let dir = SCRATCH.with(|s| {
        s.borrow_mut()
            .get_or_insert_with(|| {
                let d = std::env::temp_dir().join(format!(
                    "breakeven-fuzz-{}-{:?}",
                    std::process::id(),
                    std::thread::current().id()
                ));
                let _ = std::fs::create_dir_all(&d);
                d
            })
            .clone()
    });
    let path = dir.join(name);
    std::fs::write(&path, data).expect("the scratch file is written");
    path
}

pub fn focus_parquet(data: &[u8]) -> String {
    let path = scratch_file("fuzz.parquet", data);
    let r = breakeven::ingest::focus::parquet::read_file(&path);
    sig(&r, |f| {
        format!(
            "{:?} {} notes {}",
            f.version,
            f.charges.len().min(3),
            f.notes.len()
        )
    })
}

/// Identify the trace file by its header and validate every row.
pub fn trace(data: &[u8]) -> String {
    let path = scratch_file("trace.anon.d01.csv", data);
    let r = azure2019::identify(&path).and_then(|f| {
        let mut minutes = 0u64;
        let rows = azure2019::read(&f, &mut |row| {
            if let Row::Invocations(r) = row {
                assert_eq!(r.counts.len(), azure2019::MINUTES_PER_DAY);
                minutes += 1;
            }
            Ok(())
        })?;
        Ok((f.kind, rows.min(3), minutes.min(3)))
    });
    sig(&r, |(k, rows, m)| format!("{k:?} {rows} {m}"))
}

/// `import trace`: both passes, into a fresh in-memory store (day 1 on 2019-01-01).
pub fn trace_import(data: &[u8]) -> String {
    let path = scratch_file("invocations_per_function_md.anon.d01.csv", data);
    let r = breakeven::app::trace::check_trace(azure2019::FORMAT, &[&path]).and_then(|plan| {
        let mut store = breakeven::store::Store::open_in_memory()?;
        breakeven::app::trace::import_trace(&mut store, &plan, Day::from_ymd(2019, 1, 1).expect("a date"))
    });
    sig(&r, |rep| format!("{} functions", rep.functions.min(3)))
}

/// `--requests 2.5M` and the decimal flags of `estimate`.
pub fn cli_number(data: &[u8]) -> String {
    let s = text(data);
    let count = parse_count(&s);
    if let Ok(n) = count {
        assert_eq!(parse_count(&n.to_string()), Ok(n), "a count does not read back");
    }
    let dec = parse_decimal(&s);
    if let Ok(d) = dec {
        assert!(
            !d.is_sign_negative() || d.is_zero(),
            "a negative decimal was accepted: {d}"
        );
    }
    format!(
        "{} / {}",
        sig(&count, |_| String::new()),
        sig(&dec, |_| String::new())
    )
}

/// `--horizon 30d` (and the workload's `horizon`).
pub fn cli_duration(data: &[u8]) -> String {
    let r = parse_horizon_ms(&text(data));
    if let Ok(ms) = r {
        assert!(ms.is_finite() && ms > 0.0, "horizon {ms} ms was accepted");
    }
    sig(&r, |_| String::new())
}

/// `--from`, `--to`, `--start`, `--until`: YYYY-MM-DD.
pub fn cli_date(data: &[u8]) -> String {
    let s = text(data);
    let r = s.parse::<Day>();
    if let Ok(d) = r {
        assert_eq!(d.to_string().parse::<Day>(), Ok(d), "a date does not read back");
    }
    sig(&r, |_| String::new())
}

/// `--traffic 0.01..100`, `--memory 128..3008`.
pub fn cli_range(data: &[u8]) -> String {
    let r = parse_range(&text(data));
    if let Ok((lo, hi)) = r {
        assert!(
            lo.is_finite() && hi.is_finite() && lo > 0.0 && lo <= hi,
            "range {lo}..{hi}"
        );
    }
    sig(&r, |_| String::new())
}

/// One `estimate` flag, parsed as the CLI parses it.
fn flag(req: &mut EstimateRequest, k: &str, v: &str) -> Result<(), String> {
    let p = &mut req.profile;
    let int = |v: &str| v.parse::<u32>().map_err(|e| e.to_string());
    match k {
        "platform" => req.platform = v.to_string(),
        "region" => req.region = Some(v.to_string()),
        "requests" => p.requests = parse_count(v)?,
        "cold-starts" => p.cold_starts = parse_count(v)?,
        "duration-ms" => p.duration_ms = parse_decimal(v)?,
        "init-ms" => p.init_ms = parse_decimal(v)?,
        "cpu-ms" => p.cpu_ms = Some(parse_decimal(v)?),
        "hours" => p.hours = Some(parse_decimal(v)?),
        "vcpu" => p.vcpu = Some(parse_decimal(v)?),
        "memory-gb" => p.memory_gb = Some(parse_decimal(v)?),
        "memory-mb" => p.memory_mb = Some(int(v)?),
        "instances" => p.instances = Some(int(v)?),
        "concurrency" => p.concurrency = Some(int(v)?),
        "provisioned-concurrency" => p.provisioned_concurrency = int(v)?,
        "ephemeral-storage-mb" => p.ephemeral_storage_mb = int(v)?,
        "no-free-tier" => p.free_tier = false,
        "size" => p.size = Some(v.to_string()),
        "arch" => p.arch = v.parse().map_err(|e| format!("{e}"))?,
        "pricing" => p.commitment = v.parse().map_err(|e| format!("{e}"))?,
        _ => {}
    }
    Ok(())
}

/// `estimate`'s flags, one `name=value` per line, parsed as the CLI does and priced.
pub fn cli_estimate(data: &[u8]) -> String {
    let mut req = EstimateRequest {
        platform: "aws-lambda".into(),
        ..EstimateRequest::default()
    };
    for line in text(data).lines() {
        let (k, v) = line.split_once('=').unwrap_or((line, ""));
        if let Err(e) = flag(&mut req, k, v) {
            return format!("flag {k}: {e}");
        }
    }
    let r = estimate(catalog(), &req);
    sig(&r, |e| format!("{} lines", e.cost.lines.len().min(5)))
}

/// Every target, in the order the driver runs them.
pub fn all() -> Vec<Target> {
    vec![
        Target {
            name: "scenario",
            about: "scenario TOML with its replay counts",
            seeds: || {
                let mut s = read_dir("fixtures/scenarios");
                s.retain(|f| !f.starts_with(b"minute"));
                s.extend(read_dir("fixtures/fuzz/scenario"));
                s
            },
            dict: gen::SCENARIO_TOKENS,
            generator: Some(gen::scenario),
            run: scenario,
            max_len: 64 << 10,
        },
        Target {
            name: "replay-counts",
            about: "per-minute replay counts (CSV or one per line)",
            seeds: || {
                vec![
                    read("fixtures/scenarios/replay-counts.csv"),
                    b"3\n\n# gap\n0\n7\n".to_vec(),
                ]
            },
            dict: &["minute,invocations\n", "2026-11-01T00:00,", "\n#", "\t", ";"],
            generator: Some(gen::replay_counts),
            run: replay_counts,
            max_len: 64 << 10,
        },
        Target {
            name: "catalog",
            about: "price catalog override files",
            seeds: || {
                let mut s = read_dir("simulator/catalog");
                s.extend(read_dir("fixtures/fuzz/catalog"));
                s
            },
            dict: gen::CATALOG_TOKENS,
            generator: Some(gen::catalog),
            run: catalog_override,
            max_len: 64 << 10,
        },
        Target {
            name: "focus-csv",
            about: "FOCUS 1.0/1.1 CSV exports",
            seeds: || {
                let mut s = read_dir("fixtures/focus");
                s.extend(read_dir("fixtures/fuzz/focus"));
                s
            },
            dict: gen::FOCUS_TOKENS,
            generator: Some(gen::focus_csv),
            run: focus_csv,
            max_len: 64 << 10,
        },
        Target {
            name: "focus-parquet",
            about: "FOCUS Parquet exports",
            seeds: crate::fuzz::parquet_file::parquet_seeds,
            dict: &["PAR1", "\u{0}\u{0}\u{0}\u{0}", "\u{7f}\u{7f}\u{7f}\u{7f}"],
            generator: Some(crate::fuzz::parquet_file::focus_parquet),
            run: focus_parquet,
            max_len: 256 << 10,
        },
        Target {
            name: "trace",
            about: "Azure Functions 2019 trace files",
            seeds: || {
                let mut s = read_dir("fixtures/traces");
                s.retain(|f| !f.starts_with(b"#"));
                s.extend(read_dir("fixtures/traces/bad"));
                s.extend(read_dir("fixtures/fuzz/trace"));
                s
            },
            dict: gen::TRACE_TOKENS,
            generator: Some(gen::trace),
            run: trace,
            max_len: 256 << 10,
        },
        Target {
            name: "trace-import",
            about: "Azure Functions 2019 invocations, checked and imported into a store",
            seeds: || {
                let mut s = vec![read("fixtures/traces/invocations_per_function_md.anon.d01.csv")];
                s.extend(read_dir("fixtures/traces/bad"));
                s
            },
            dict: gen::TRACE_TOKENS,
            generator: Some(gen::trace),
            run: trace_import,
            max_len: 256 << 10,
        },
        Target {
            name: "cli-number",
            about: "counts (2.5M, 1e6) and decimals of the CLI flags",
            seeds: || gen::lines("2500000\n2.5M\n1e6\n10k\n3B\n1_000,000\n0.5\n120\n"),
            dict: &["k", "M", "B", "G", "e", "E", "_", ","],
            generator: Some(gen::cli_number),
            run: cli_number,
            max_len: 512,
        },
        Target {
            name: "cli-duration",
            about: "horizons: 30d, 1d12h, 0.5h",
            seeds: || gen::lines("30d\n1d12h\n90m\n0.5h\n1w\n45s\n"),
            dict: &["s", "m", "h", "d", "w", "."],
            generator: Some(gen::cli_duration),
            run: cli_duration,
            max_len: 512,
        },
        Target {
            name: "cli-date",
            about: "dates: YYYY-MM-DD",
            seeds: || gen::lines("2026-10-01\n2024-02-29\n2019-01-01\n1970-01-01\n"),
            dict: &["-", "+", "0000", "9999", "-00", "-13", "-31"],
            generator: Some(gen::cli_date),
            run: cli_date,
            max_len: 512,
        },
        Target {
            name: "cli-range",
            about: "ranges: 0.01..100, 128..3008",
            seeds: || gen::lines("0.01..100\n128..3008\n1..1\n"),
            dict: &["..", "...", ".", "e"],
            generator: Some(gen::cli_range),
            run: cli_range,
            max_len: 512,
        },
        Target {
            name: "cli-estimate",
            about: "estimate's flags, parsed and priced",
            seeds: || {
                vec![
                    b"requests=10M\nduration-ms=120\nmemory-mb=512\n".to_vec(),
                    b"platform=aws-fargate\nvcpu=0.5\nmemory-gb=1\ninstances=3\n".to_vec(),
                    b"platform=vm:gcp/e2-standard-2\ninstances=2\npricing=3yr\n".to_vec(),
                    b"platform=azure-functions-premium\nsize=EP2\n".to_vec(),
                    b"platform=cloudflare-workers\nrequests=50M\ncpu-ms=7\n".to_vec(),
                ]
            },
            dict: gen::ESTIMATE_TOKENS,
            generator: Some(gen::cli_estimate),
            run: cli_estimate,
            max_len: 2048,
        },
    ]
}

//! Fuzz driver for every parser of outside input, on stable Rust.
//!
//! ```sh
//! cargo run --example fuzz -- --target all --seconds 60 --seed 1
//! cargo run --example fuzz -- --target focus-csv --seconds 600 --out fuzz-out
//! cargo run --example fuzz -- --target cli-date --replay fuzz-out/cli-date/panic-….bin
//! cargo run --example fuzz -- --list
//! ```
//!
//! Each target runs its parser in-process on mutated fixtures and structure-aware generated
//! inputs (see `fuzz/engine.rs`); per target it prints executions, executions per second and its
//! findings (panics, runs over 1 s, runs allocating over 256 MiB) with the reproducer of each.
//! The exit code is 1 when there is a finding, 2 on bad arguments.

mod fuzz {
    pub mod alloc;
    pub mod engine;
    pub mod gen;
    pub mod mutate;
    pub mod parquet_file;
    pub mod targets;
}

use fuzz::engine::{self, Report};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[global_allocator]
static ALLOC: fuzz::alloc::Counting = fuzz::alloc::Counting;

struct Args {
    target: String,
    seconds: f64,
    seed: u64,
    out: PathBuf,
    replay: Option<PathBuf>,
    list: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        target: "all".into(),
        seconds: 10.0,
        seed: 1,
        // Next to the build, or in the temporary directory: never in the source tree.
        out: std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir)
            .join("fuzz-out"),
        replay: None,
        list: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--target" => a.target = value()?,
            "--seconds" => {
                let v = value()?;
                a.seconds = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or(format!("--seconds {v}: a positive number of seconds"))?
            }
            "--seed" => {
                let v = value()?;
                a.seed = v.parse().map_err(|_| format!("--seed {v}: a whole number"))?
            }
            "--out" => a.out = PathBuf::from(value()?),
            "--replay" => a.replay = Some(PathBuf::from(value()?)),
            "--list" => a.list = true,
            "-h" | "--help" => {
                return Err(
                    "usage: fuzz [--target NAME|all] [--seconds N] [--seed S] [--out DIR] \
                            [--replay FILE] [--list]"
                        .into(),
                )
            }
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok(a)
}

fn print_report(r: &Report, rss_growth_kb: u64) {
    let count = |k: engine::Kind| r.findings.iter().filter(|f| f.kind == k).count();
    println!(
        "{:<14} {:>11} {:>10.0} {:>7} {:>6} {:>5} {:>6} {:>9.1} {:>10} {:>9}",
        r.target,
        r.execs,
        r.execs_per_s(),
        r.corpus,
        count(engine::Kind::Panic),
        count(engine::Kind::Hang),
        count(engine::Kind::Memory),
        r.slowest.as_secs_f64() * 1e3,
        r.max_alloc >> 10,
        rss_growth_kb,
    );
    for f in &r.findings {
        println!(
            "  {} ×{}: {}\n    reproducer: {}",
            f.kind.as_str(),
            f.hits,
            f.message,
            f.reproducer.display()
        );
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let targets = fuzz::targets::all();
    if args.list {
        for t in &targets {
            println!("{:<14} {}", t.name, t.about);
        }
        return ExitCode::SUCCESS;
    }
    let chosen: Vec<_> = targets
        .iter()
        .filter(|t| args.target == "all" || t.name == args.target)
        .collect();
    if chosen.is_empty() {
        eprintln!("unknown target {} (see --list)", args.target);
        return ExitCode::from(2);
    }
    if let Some(path) = &args.replay {
        let Ok(input) = std::fs::read(path) else {
            eprintln!("cannot read {}", path.display());
            return ExitCode::from(2);
        };
        let mut failed = false;
        for t in &chosen {
            let e = engine::execute(t, &input);
            println!(
                "{}: {} ms, {} KiB allocated: {}",
                t.name,
                e.elapsed.as_millis(),
                e.alloc_bytes >> 10,
                e.panic.as_deref().unwrap_or(&e.signature)
            );
            failed |= e.panic.is_some() || e.elapsed > engine::HANG || e.alloc_bytes > engine::MEMORY_FINDING;
        }
        return if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
    fuzz::alloc::watchdog();
    println!(
        "{:<14} {:>11} {:>10} {:>7} {:>6} {:>5} {:>6} {:>9} {:>10} {:>9}",
        "target", "execs", "execs/s", "corpus", "panics", "hangs", "memory", "slowest", "max KiB", "VmHWM+kB"
    );
    let budget = Duration::from_secs_f64(args.seconds);
    let mut failed = 0;
    for t in &chosen {
        fuzz::alloc::save_to(args.out.clone(), t.name);
        let before = fuzz::alloc::peak_rss_kb();
        let r = engine::fuzz(t, budget, u64::MAX, args.seed, &args.out);
        let growth = fuzz::alloc::peak_rss_kb().saturating_sub(before);
        print_report(&r, growth);
        failed += usize::from(!r.findings.is_empty());
    }
    println!("{} passed, {failed} failed", chosen.len() - failed);
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

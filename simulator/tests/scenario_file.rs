//! The scenario format: the minimal form other tools write, and errors with file:line:column.

mod common;

use breakeven_simulator::scenario::{parse, Mode, ScenarioError};
use breakeven_simulator::workload::{Arrivals, DurationModel};
use common::catalog;

const MINIMAL: &str = r#"
version = 1
name = "checkout-api"
seed = 7

[workload]
horizon_s = 2592000            # or horizon = "30d"
memory_mb = 512
arrivals = { process = "poisson", rate_per_s = 0.9 }
duration = { dist = "exponential", mean_ms = 1991 }
cold_duration = { dist = "exponential", mean_ms = 2244 }   # optional; else init + duration
# init = { dist = "constant", ms = 250 }

[[platforms]]
id = "aws-lambda"               # any platform id of `breakeven catalog list`
keep_alive_s = 600
concurrency_limit = 1000
"#;

/// A replay of a counts file, with no horizon of its own.
const REPLAY_FROM_FILE: &str = r#"
    version = 1
    [workload]
    arrivals = { process = "replay", file = "counts.csv" }
    duration = { dist = "constant", ms = 100 }
    [[platforms]]
    id = "aws-lambda"
"#;

fn err(text: &str) -> ScenarioError {
    parse("s.toml", text, &catalog(), &mut |_| Err("no files here".into())).expect_err("must be rejected")
}

#[test]
fn the_minimal_form_parses_and_means_what_it_says() {
    let s = parse("s.toml", MINIMAL, &catalog(), &mut |_| unreachable!()).unwrap();
    assert_eq!(s.name, "checkout-api");
    assert_eq!(s.seed, 7);
    assert_eq!(s.mode, Mode::Exact);
    assert_eq!(s.workload.horizon_ms, 2_592_000_000.0);
    assert_eq!(s.workload.memory_mb, 512);
    assert_eq!(s.workload.arrivals, Arrivals::Poisson { rate_per_s: 0.9 });
    assert_eq!(s.workload.duration, DurationModel::exponential(1991.0));
    assert_eq!(s.workload.cold_duration, Some(DurationModel::exponential(2244.0)));
    assert_eq!(s.workload.init, None);
    assert_eq!(s.platforms[0].id, "aws-lambda");
    assert_eq!(s.platforms[0].keep_alive_s, Some(600.0));
    assert_eq!(s.platforms[0].concurrency_limit, Some(1000));
    let h = MINIMAL.replace("horizon_s = 2592000", "horizon = \"30d\"");
    let s2 = parse("s.toml", &h, &catalog(), &mut |_| unreachable!()).unwrap();
    assert_eq!(s2.workload.horizon_ms, s.workload.horizon_ms);
}

#[test]
fn unknown_keys_are_errors_with_their_position() {
    let e = err(&MINIMAL.replace("keep_alive_s = 600", "keep_alive = 600"));
    assert_eq!((e.file.as_str(), e.line), ("s.toml", 16), "{e}");
    assert!(e.message.contains("keep_alive"), "{e}");
    let e = err(&MINIMAL.replace("mean_ms = 1991", "mean = 1991"));
    assert_eq!(e.line, 10, "{e}");
    assert!(e.to_string().starts_with("s.toml:10:"), "{e}");
    let e = err(&MINIMAL.replace("seed = 7", "seed = 7\ncolour = \"red\""));
    assert_eq!(e.line, 5, "{e}");
}

#[test]
fn bad_values_are_errors_with_their_position() {
    let e = err(&MINIMAL.replace("rate_per_s = 0.9", "rate_per_s = -1"));
    assert_eq!((e.line, e.column), (9, 12), "{e}");
    assert!(e.message.contains("rate_per_s"), "{e}");
    let e = err(&MINIMAL.replace("horizon_s = 2592000", "horizon = \"30 days\""));
    assert_eq!(e.line, 7, "{e}");
    // Platform errors point at the platform's table.
    let e = err(&MINIMAL.replace("id = \"aws-lambda\"", "id = \"aws-lambada\""));
    assert_eq!(e.line, 14, "{e}");
    assert!(e.message.contains("aws-lambada"), "{e}");
    let e = err(&MINIMAL.replace("version = 1", "version = 2"));
    assert_eq!((e.line, e.column), (2, 11), "{e}");
    let e = err(&MINIMAL.replace("\"exponential\", mean_ms = 2244", "\"lognormal\", p50_ms = 2244"));
    assert!(e.message.contains("p99_ms"), "{e}");
    let e = err(&MINIMAL.replace("concurrency_limit = 1000", "memory_mb = 20000"));
    assert!(e.message.contains("10240"), "{e}");
}

#[test]
fn replay_counts_come_from_the_callers_loader_and_set_the_horizon() {
    let text = REPLAY_FROM_FILE;
    let mut asked = Vec::new();
    let s = parse("s.toml", text, &catalog(), &mut |f| {
        asked.push(f.to_string());
        Ok(vec![5, 0, 9])
    })
    .unwrap();
    assert_eq!(asked, vec!["counts.csv"]);
    assert_eq!(s.workload.horizon_ms, 180_000.0);
    let e = parse("s.toml", text, &catalog(), &mut |_| {
        Err("counts.csv: no such file".into())
    })
    .unwrap_err();
    assert_eq!(e.line, 4, "{e}");
    assert!(e.message.contains("no such file"));
}

#[test]
fn an_aggregate_horizon_of_99999999999999999999_days_is_refused_not_a_capacity_overflow() {
    let text = MINIMAL
        .replace("horizon_s = 2592000", "horizon = \"99999999999999999999d\"")
        .replace("seed = 7", "seed = 7\nmode = \"aggregate\"");
    let e = err(&text);
    assert_eq!((e.line, e.column), (8, 11), "{e}");
    assert!(
        e.message
            .starts_with("`horizon`: `99999999999999999999d` is longer than the limit of 1096 days"),
        "{e}"
    );
    let e = err(&MINIMAL.replace("horizon_s = 2592000", "horizon_s = 1e300"));
    assert!(
        e.message.starts_with("`horizon_s`:") && e.message.contains("1096 days"),
        "{e}"
    );
    // A replay longer than three years, with no horizon of its own.
    let text = REPLAY_FROM_FILE;
    let e = parse("s.toml", text, &catalog(), &mut |_| Ok(vec![1; 2_000_000])).unwrap_err();
    assert!(
        e.message.contains("counts.csv") && e.message.contains("more than the limit of 1,578,240"),
        "{e}"
    );
}

#[test]
fn a_p99_of_1e300_ms_is_refused_at_parse_with_the_limit() {
    let e = err(&MINIMAL.replace(
        "dist = \"exponential\", mean_ms = 1991",
        "dist = \"lognormal\", p50_ms = 100, p99_ms = 1e300",
    ));
    assert_eq!(e.line, 10, "{e}");
    assert!(
        e.message.contains("`p99_ms`") && e.message.contains("limit of 3,600,000 ms"),
        "{e}"
    );
    // A platform's own init is checked like the workload's.
    let e = err(&MINIMAL.replace(
        "concurrency_limit = 1000",
        "init = { dist = \"constant\", ms = -5 }",
    ));
    assert!(e.message.contains("`init`") && e.message.contains("`ms`"), "{e}");
}

#[test]
fn a_replay_minute_of_a_trillion_requests_is_refused_at_parse() {
    let text = r#"
        version = 1
        [workload]
        arrivals = { process = "replay", counts_per_min = [10, 1000000000000] }
        duration = { dist = "constant", ms = 100 }
        [[platforms]]
        id = "aws-lambda"
    "#;
    let e = err(text);
    assert_eq!(e.line, 4, "{e}");
    assert!(
        e.message.contains("minute 2") && e.message.contains("60,000,000 per minute"),
        "{e}"
    );
    let from_file = text.replace("counts_per_min = [10, 1000000000000]", "file = \"c.csv\"");
    let e = parse("s.toml", &from_file, &catalog(), &mut |_| {
        Ok(vec![1_000_000_000_000])
    })
    .unwrap_err();
    assert!(e.message.starts_with("c.csv: minute 1"), "{e}");
}

#[test]
fn more_platforms_than_the_limit_are_refused_at_the_first_one_past_it() {
    let mut text = MINIMAL.to_string();
    for _ in 0..32 {
        text.push_str("\n[[platforms]]\nid = \"aws-lambda\"\n");
    }
    let e = err(&text);
    assert!(
        e.message.contains("33 platforms are more than the limit of 32"),
        "{e}"
    );
    assert!(e.line > 20, "{e}");
}

#[test]
fn platform_options_past_their_limits_are_refused_not_a_huge_fleet() {
    let vm = |extra: &str| {
        MINIMAL.replace(
            "id = \"aws-lambda\"               # any platform id of `breakeven catalog list`\nkeep_alive_s = 600\nconcurrency_limit = 1000",
            &format!("id = \"vm:aws/m7g.large\"\n{extra}"),
        )
    };
    for (extra, want) in [
        (
            "instances = 4000000000",
            "`instances` of 4000000000 is above the limit of 100000",
        ),
        ("min_instances = 200000", "`min_instances`"),
        ("concurrency = 4000000000", "`concurrency`"),
        ("boot_s = 1e300", "`boot_s`"),
        (
            "max_queue = 20000000",
            "`max_queue` of 20000000 is above the limit of 10000000",
        ),
        ("evaluation_s = 1e-9", "`evaluation_s`"),
    ] {
        let e = err(&vm(extra));
        assert!(e.message.contains(want), "{extra}: {e}");
    }
    let slow = vm("vcpu = 1e-9").replace("memory_mb = 512", "memory_mb = 512\ncpu_fraction = 1");
    assert!(err(&slow).message.contains("limit of 1000×"), "{}", err(&slow));
    let e = err(&MINIMAL.replace("keep_alive_s = 600", "keep_alive_s = 1e306"));
    assert!(e.message.contains("`keep_alive_s`"), "{e}");
}

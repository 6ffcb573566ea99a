//! Regression tests of what the fuzz targets (`examples/fuzz.rs`) found, each named after it,
//! and property tests of the CLI's value parsers.

use breakeven::app::estimate::{estimate, EstimateRequest};
use breakeven::app::parse::{parse_count, parse_decimal};
use breakeven::app::simulate::parse_range;
use breakeven::store::Day;
use breakeven_simulator::pricing::{PriceCatalog, UsageProfile};
use breakeven_simulator::scenario::parse_horizon_ms;
use proptest::prelude::*;

proptest! {
    #[test]
    fn every_count_reads_back(n: u64) {
        prop_assert_eq!(parse_count(&n.to_string()), Ok(n));
    }

    #[test]
    fn thousands_suffixes_multiply(n in 0u64..18_446_744_073_709_551) {
        prop_assert_eq!(parse_count(&format!("{n}k")), Ok(n * 1000));
    }

    #[test]
    fn every_day_from_year_1_to_9999_reads_back(n in -719_162i64..2_932_897) {
        let d = Day(n);
        prop_assert_eq!(d.to_string().parse::<Day>(), Ok(d));
    }

    #[test]
    fn ordered_positive_ranges_are_accepted(a in 1e-6f64..1e9, b in 1e-6f64..1e9) {
        let r = parse_range(&format!("{a}..{b}"));
        prop_assert_eq!(r.is_ok(), a <= b);
    }

    #[test]
    fn horizons_in_seconds_are_exact(n in 1u32..10_000_000) {
        prop_assert_eq!(parse_horizon_ms(&format!("{n}s")), Ok(f64::from(n) * 1000.0));
    }
}

/// Found by the `cli-duration` target: a number past `f64::MAX` (309 digits or more) reads as
/// infinity, so `--horizon 999…9s` (and a workload's `horizon`) was accepted as an infinite horizon.
#[test]
fn horizon_of_310_digits_is_refused_not_infinite() {
    let r = parse_horizon_ms(&format!("{}s", "9".repeat(310)));
    assert!(r.is_err(), "accepted as {r:?}");
}

/// Found by the `cli-date` target: a 17-digit year overflowed the day arithmetic of
/// `Day::from_ymd` (`attempt to multiply with overflow`, store/day.rs) instead of being refused;
/// `--from 37783126866745242-2-1` crashed `analyse` and `report`.
#[test]
fn date_with_a_17_digit_year_is_refused_not_an_overflow() {
    let r = std::panic::catch_unwind(|| "37783126866745242-2-1".parse::<Day>());
    assert!(matches!(r, Ok(Err(_))), "{r:?}");
}

/// `estimate` on the bundled catalog with the CLI's own parsing of the flags `(name, value)`:
/// it must answer (a bill or an error), never panic.
fn estimate_answers(platform: &str, flags: &[(&str, &str)]) {
    let catalog = PriceCatalog::bundled().unwrap();
    let mut profile = UsageProfile::default();
    for (k, v) in flags {
        match *k {
            "requests" => profile.requests = parse_count(v).unwrap(),
            "hours" => profile.hours = Some(parse_decimal(v).unwrap()),
            "vcpu" => profile.vcpu = Some(parse_decimal(v).unwrap()),
            "memory-gb" => profile.memory_gb = Some(parse_decimal(v).unwrap()),
            "cpu-ms" => profile.cpu_ms = Some(parse_decimal(v).unwrap()),
            "memory-mb" => profile.memory_mb = Some(v.parse().unwrap()),
            "provisioned-concurrency" => profile.provisioned_concurrency = v.parse().unwrap(),
            _ => unreachable!("{k}"),
        }
    }
    let req = EstimateRequest {
        platform: platform.into(),
        region: None,
        profile,
    };
    let r = std::panic::catch_unwind(|| estimate(&catalog, &req).map(|_| ()));
    assert!(r.is_ok(), "estimate --platform {platform} {flags:?} panicked");
}

/// Found by `cli-estimate`: `--hours 1e28` overflowed `Decimal` in `hours × 3,600,000`
/// (pricing/profile.rs) and panicked.
#[test]
fn estimate_hours_1e28_is_refused_not_a_decimal_overflow() {
    estimate_answers("aws-lambda", &[("hours", "1e28")]);
}

/// Found by `cli-estimate`: `--cpu-ms 79228162514264337593543950335 --requests 3` overflowed
/// `Decimal` in `cpu_ms × requests` (pricing/profile.rs) and panicked.
#[test]
fn estimate_cpu_ms_at_the_decimal_limit_is_refused_not_a_decimal_overflow() {
    estimate_answers(
        "aws-lambda",
        &[("cpu-ms", "79228162514264337593543950335"), ("requests", "3")],
    );
}

/// Found by `cli-estimate`: `--vcpu 1e28` and `--memory-gb 1e28` on Fargate overflowed
/// `Decimal` in `hours × vcpu` / `hours × memory` (pricing/meter.rs) and panicked.
#[test]
fn estimate_fargate_shape_of_1e28_is_refused_not_a_decimal_overflow() {
    estimate_answers("aws-fargate", &[("vcpu", "1e28")]);
    estimate_answers("aws-fargate", &[("memory-gb", "1e28")]);
}

/// Found by `cli-estimate`: `--memory-gb 1e28 --provisioned-concurrency 4` on Cloud Run
/// overflowed `Decimal` in `idle × memory` (pricing/meter.rs) and panicked.
#[test]
fn estimate_cloud_run_memory_of_1e28_is_refused_not_a_decimal_overflow() {
    estimate_answers(
        "gcp-cloud-run",
        &[("memory-gb", "1e28"), ("provisioned-concurrency", "4")],
    );
}

/// Found by `cli-estimate`: `--memory-mb 4294967295` on Azure Functions Consumption overflowed
/// `u32` rounding memory up to 128 MB (`div_ceil(step) * step`, pricing/meter.rs) and panicked.
#[test]
fn estimate_azure_consumption_memory_of_u32_max_is_refused_not_an_overflow() {
    estimate_answers("azure-functions-consumption", &[("memory-mb", "4294967295")]);
}

/// Found by `focus-parquet`: a Parquet file whose definition levels pass the schema's maximum
/// made the `parquet` crate's row reader panic ("Cannot extract value, max definition level: 1,
/// current level: 4", called from ingest/focus/parquet.rs) instead of being reported malformed.
#[test]
fn parquet_with_a_definition_level_past_its_maximum_is_malformed_not_a_panic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fuzz/parquet-definition-level-past-its-maximum.parquet");
    let r = std::panic::catch_unwind(|| breakeven::ingest::focus::parquet::read_file(&path).map(|_| ()));
    assert!(matches!(r, Ok(Err(_))), "{r:?}");
}

/// Found by `trace-import`: two functions whose invocations add past `u64::MAX` overflowed the
/// import's total (`report.invocations += total`, app/trace.rs) and panicked.
#[test]
fn trace_whose_invocations_add_past_u64_max_is_refused_not_an_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let minutes: Vec<String> = (1..=1440).map(|m| m.to_string()).collect();
    let row = |f: &str, n: &str| format!("o1,a1,{f},http,{n}{}\n", ",0".repeat(1439));
    let text = format!(
        "HashOwner,HashApp,HashFunction,Trigger,{}\n{}{}",
        minutes.join(","),
        row("f1", "18446744073709551615"),
        row("f2", "1")
    );
    let path = dir.path().join("invocations_per_function_md.anon.d01.csv");
    std::fs::write(&path, text).unwrap();
    let r = std::panic::catch_unwind(|| {
        let plan = breakeven::app::trace::check_trace("azure-functions-2019", &[&path])?;
        let mut store = breakeven::store::Store::open_in_memory()?;
        breakeven::app::trace::import_trace(&mut store, &plan, Day::from_ymd(2019, 1, 1).unwrap()).map(|_| ())
    });
    assert!(matches!(r, Ok(Err(_))), "{r:?}");
}

/// Found by `trace-import`: two functions whose hashes share the stored name's prefix lost the
/// first one's name (the plan kept one key per prefix), and importing it panicked (`no entry
/// found for key`, app/trace.rs). Both are now stored, named by their full hashes.
#[test]
fn trace_with_two_functions_sharing_a_name_prefix_imports_both_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let minutes: Vec<String> = (1..=1440).map(|m| m.to_string()).collect();
    let row = |f: &str| format!("o1,a1,{f},http,5{}\n", ",0".repeat(1439));
    let text = format!(
        "HashOwner,HashApp,HashFunction,Trigger,{}\n{}{}",
        minutes.join(","),
        row("0123456789abcdef0001"),
        row("0123456789abcdef0002")
    );
    let path = dir.path().join("invocations_per_function_md.anon.d01.csv");
    std::fs::write(&path, text).unwrap();
    let plan = breakeven::app::trace::check_trace("azure-functions-2019", &[&path]).unwrap();
    let mut store = breakeven::store::Store::open_in_memory().unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        breakeven::app::trace::import_trace(&mut store, &plan, Day::from_ymd(2019, 1, 1).unwrap())
    }));
    let report = r.expect("no panic").expect("imported");
    assert_eq!(report.invocations, 10);
}

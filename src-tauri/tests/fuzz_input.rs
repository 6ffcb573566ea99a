//! Fuzzing of the desktop's IPC input validation (`src/input.rs`): every form-field parser and the
//! scenario bounds get mutated inputs from the byte-level engine of `examples/fuzz/mutate.rs`
//! (the desktop crate is a binary, so its modules are included here by path). Each must return
//! `Ok` or a field error, never panic, and what it accepts must respect the bounds it was given.
//! Deterministic: fixed seeds, a fixed number of runs.

#![allow(dead_code)]

#[path = "../src/error.rs"]
mod error;
#[path = "../src/input.rs"]
mod input;
#[path = "../../examples/fuzz/mutate.rs"]
mod mutate;

use breakeven_simulator::pricing::{Arch, Commitment, PriceCatalog};
use input::Field;
use mutate::{mutate, Rng};
use rust_decimal::Decimal;
use std::panic::{catch_unwind, AssertUnwindSafe};

const F: Field = Field {
    name: "requests",
    label: "Requests per month",
};

/// Runs per test: well under a second each in a debug build.
const RUNS: usize = 20_000;

/// What the form fields hold in real use.
const SEEDS: &[&str] = &[
    "2,500,000",
    "2 500 000",
    "2_500",
    "85.5",
    "1e3",
    "0",
    "",
    "vm:aws/m7g.large",
    "aws-lambda",
    "EP2",
    "arm64",
    "3yr",
    "us-east-1",
];

const TOKENS: &[&[u8]] = &[
    b"\xc2\xa0",
    b"1e28",
    b"-0",
    b"18446744073709551616",
    b"4294967296",
    b"e-",
    b".",
];

/// Mutated form-field strings, reproducibly.
fn inputs(seed: u64) -> impl Iterator<Item = String> {
    let mut rng = Rng::new(seed);
    (0..RUNS).map(move |_| {
        let mut v = rng.pick(SEEDS).as_bytes().to_vec();
        let other = rng.pick(SEEDS).as_bytes();
        mutate(&mut rng, &mut v, TOKENS, other, 256);
        String::from_utf8_lossy(&v).into_owned()
    })
}

/// Run `check` on `s`, turning a panic into a failure that shows the input.
fn no_panic(s: &str, check: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(check)).is_err() {
        panic!("input {s:?} made the validation panic");
    }
}

#[test]
fn form_counts_are_bounded_or_rejected_never_a_panic() {
    for (i, s) in inputs(1).enumerate() {
        let max = [0, 10, 744, 100_000, u64::from(u32::MAX), u64::MAX][i % 6];
        no_panic(&s, || {
            if let Ok(Some(n)) = input::count(F, &s, max) {
                assert!(n <= max, "{s:?} gave {n} above {max}");
            }
            if let Ok(Some(n)) = input::count_u32(F, &s, 100_000) {
                assert!(n <= 100_000, "{s:?} gave {n}");
            }
        });
    }
}

#[test]
fn form_decimals_are_bounded_or_rejected_never_a_panic() {
    let bounds = [
        (Decimal::ZERO, Decimal::from(1000)),
        (Decimal::new(1, 1), Decimal::from(744)),
        (Decimal::ZERO, Decimal::MAX),
    ];
    for (i, s) in inputs(2).enumerate() {
        let (min, max) = bounds[i % bounds.len()];
        no_panic(&s, || match input::decimal(F, &s, min, max) {
            Ok(Some(d)) => assert!(d >= min && d <= max, "{s:?} gave {d}"),
            Ok(None) => {}
            Err(e) => assert_eq!(e.field, Some("requests")),
        });
    }
}

#[test]
fn form_identifiers_and_choices_are_checked_never_a_panic() {
    for s in inputs(3) {
        no_panic(&s, || {
            if let Ok(Some(id)) = input::ident(F, &s, 100) {
                assert!(
                    id.len() <= 100
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b":/._-".contains(&b))
                );
            }
            let _ = input::choice::<Arch>(F, &s);
            let _ = input::choice::<Commitment>(F, &s);
        });
    }
}

#[test]
fn scenarios_from_the_view_are_bounded_never_a_panic() {
    let catalog = PriceCatalog::bundled().unwrap();
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/scenarios/checkout-api.toml"
    ))
    .unwrap();
    let mut rng = Rng::new(4);
    let tokens: &[&[u8]] = &[
        b"seed = 9007199254740992\n",
        b"horizon_s = 1e300\n",
        b"name = \"\\u0007\"\n",
        b"[[platforms]]\nid = \"<img>\"\n",
    ];
    let mut accepted = 0;
    for _ in 0..RUNS / 10 {
        let mut v = base.as_bytes().to_vec();
        mutate(&mut rng, &mut v, tokens, b"", 64 << 10);
        let text = String::from_utf8_lossy(&v).into_owned();
        let mut replay = |_: &str| Ok(vec![1, 2, 3]);
        let Ok(s) = breakeven_simulator::scenario::parse("view.toml", &text, &catalog, &mut replay) else {
            continue;
        };
        accepted += 1;
        no_panic(&text, || {
            if input::scenario(&s).is_ok() {
                assert!(s.workload.horizon_ms.is_finite() && s.platforms.len() <= 16 && s.seed < 1 << 53);
            }
        });
    }
    assert!(
        accepted > 0,
        "no mutated scenario parsed: the test would check nothing"
    );
}

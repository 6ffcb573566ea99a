//! Helpers shared by the simulator's integration tests.
//!
//! Each test binary compiles this module and uses only some of the helpers.
#![allow(dead_code)]

use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::scenario::{parse, Scenario};
use breakeven_simulator::{simulate, PlatformResult, RunOptions, SimulationResult};

pub fn catalog() -> PriceCatalog {
    PriceCatalog::bundled().expect("bundled catalog")
}

/// Parse a scenario written inline; replay files are not used by these tests.
pub fn scenario(text: &str) -> Scenario {
    parse("test.toml", text, &catalog(), &mut |f| {
        Err(format!("no file {f} in tests"))
    })
    .expect("scenario parses")
}

pub fn run(text: &str) -> SimulationResult {
    let opts = RunOptions {
        timeline: false,
        ..RunOptions::default()
    };
    simulate(&catalog(), &scenario(text), &opts).expect("simulation runs")
}

pub fn only(text: &str) -> PlatformResult {
    let mut r = run(text);
    assert_eq!(r.platforms.len(), 1);
    r.platforms.remove(0)
}

/// Relative difference.
pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-12)
}

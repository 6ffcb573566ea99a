//! Breakeven's pure core: the exact price catalog, each platform's billing rules, and the
//! request-level what-if simulator.
//!
//! This crate does no I/O of its own: catalogs arrive as strings (the bundled ones are embedded at
//! build time), scenarios as parsed values, and time is simulated time. That keeps every result
//! reproducible from its inputs and lets the CLI, the desktop app and the tests share it.

pub mod engine;
pub mod limits;
pub mod platform;
pub mod pricing;
pub mod results;
pub mod run;
pub mod scenario;
pub mod stats;
pub mod sweep;
pub mod workload;

pub use results::{PlatformResult, SimulationResult};
pub use run::{simulate, RunOptions, SimError};
pub use scenario::Scenario;

//! Benchmarks behind the CLI's `--bench` modes (`analyse --bench`, `db bench`, `report --bench`, `sweep-bench`, `tune-bench`).
//!
//! They sit above the application layer: each drives the same `app`, `analytics` and `store` code
//! a real run does, times it against a baseline measured in the same run (a hand-written SQL copy
//! of the usage plan, naive inserts, one plain simulation), and checks the results agree. Nothing
//! in `app` depends on them.

pub mod analyse;
pub mod db;
pub mod report;
pub mod sweep;
pub mod tune;

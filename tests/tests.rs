//! Integration tests of the `breakeven` package, built as one binary.

mod analyse;
mod architecture;
mod bad_input;
mod calibrate;
mod catalog;
mod commitments;
mod demo;
mod estimate;
mod extract;
mod focus_parquet;
mod functions;
mod fuzz;
mod fuzz_regressions;
mod import;
mod inventory;
mod kill;
mod out_path;
mod report;
mod report_account;
mod report_stored;
mod simulate;
mod store;
mod support;
mod sync;
mod trace;

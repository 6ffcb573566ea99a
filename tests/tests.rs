//! Integration tests of the `breakeven` package, built as one binary.

mod analyse;
mod catalog;
mod demo;
mod estimate;
mod import;
mod inventory;
mod report;
mod report_account;
mod simulate;
mod store;
mod support;
mod sync;

//! Integration tests of the `breakeven` package, built as one binary.

mod catalog;
mod demo;
mod estimate;
mod import;
mod simulate;
mod store;
mod support;
mod sync;
mod trace;

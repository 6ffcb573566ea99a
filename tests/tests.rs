//! Integration tests of the `breakeven` package, built as one binary.

mod catalog;
mod estimate;
mod support;

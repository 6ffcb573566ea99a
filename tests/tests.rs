//! Integration tests of the `breakeven` package, built as one binary.

mod estimate;
mod simulate;
mod support;

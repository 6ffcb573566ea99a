//! Public invocation traces: per-minute invocation counts and duration and memory percentiles
//! of anonymised functions, read as files and written to the store as functions with metrics, so
//! `scenario from-function` can replay them like a synced function.
//!
//! Readers stream: each calls back once per row and keeps nothing but what duplicate detection
//! needs, so a trace file of any length is read in constant memory per row.

pub mod azure2019;

//! Breakeven's application layer: the use cases the CLI and the desktop app share.

pub mod analytics;
pub mod app;
pub mod bench;
pub mod ingest;
pub mod model;
pub mod report;
pub mod store;

//! Breakeven's application layer: the use cases the CLI and the desktop app share.

#[macro_use]
mod text_enum;

pub mod analytics;
pub mod app;
pub mod bench;
pub mod error_code;
pub mod ingest;
pub mod model;
pub mod report;
pub mod store;

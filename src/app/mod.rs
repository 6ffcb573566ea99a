//! Use cases shared by the CLI and the desktop app. Each takes typed input and returns typed
//! output; neither shell holds business logic.

pub mod account_report;
pub mod analyse;
pub mod billing;
pub mod catalog;
pub mod charts;
pub mod commit;
pub mod dashboard;
pub mod dashboard_all;
pub mod dates;
pub mod db;
pub mod demo;
pub mod discounts;
pub mod error;
pub mod estimate;
pub mod functions;
pub mod import;
pub mod output;
pub mod parse;
pub mod profiles;
pub mod report;
pub mod rightsize;
pub mod scenario;
pub mod simulate;
pub mod sync;
pub mod trace;
pub mod view_cache;
pub mod whatif;

pub use error::{AppError, ErrorPayload, Result};

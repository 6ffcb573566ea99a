//! Tauri commands, one file per domain. Each is a few lines: validate the input, call
//! `breakeven::app`, return its typed result or a coded error.

pub mod account;
pub mod catalog;
pub mod charts;
pub mod dashboard;
pub mod estimate;
pub mod export;
pub mod extract;
pub mod functions;
pub mod scenario;
pub mod settings;
pub mod startup;
pub mod whatif;

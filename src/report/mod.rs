//! Reports of a scenario ([`Report`]) or of an account ([`AccountReport`]), exported by one
//! [`Exporter`] per format (HTML, CSV, JSON, Markdown). Charts are drawn once, in Rust, by
//! [`charts`].
//!
//! Imports point one way: [`format`] (HTML/Markdown/CSV building blocks) and [`charts`] know no
//! document; the documents ([`scenario`] for the [`model`], [`account`]) are written with them;
//! [`export`] picks a document per format. Nothing below imports what is above it.
//!
//! Everything here is pure: the model is built from results already computed, and exporters
//! return text; writing files is the caller's job (`app::report`).

pub mod account;
pub mod anonymise;
pub mod charts;
pub mod export;
pub mod format;
pub mod model;
pub mod scenario;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub use account::AccountReport;
pub use export::exporter;
pub use format::TextTable;
pub use model::{build, Assumptions, Fact, PriceUsed, Report, ReportInput, ScenarioFacts, Summary};

/// Version of the JSON report's layout; bumped when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ReportFormat"))]
pub enum Format {
    Html,
    Csv,
    Json,
    Md,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "html" => Ok(Format::Html),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "md" | "markdown" => Ok(Format::Md),
            _ => Err(format!("`{s}` is not a report format (html, csv, json, md)")),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Md => "md",
        })
    }
}

/// What an exporter produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Rendered {
    /// One document.
    File(String),
    /// Several tables: (file name, contents), written into a directory.
    Files(Vec<(String, String)>),
}

/// Errors while rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    #[error("serialising the report: {0}")]
    Json(#[from] serde_json::Error),
}

/// One output format.
pub trait Exporter {
    fn format(&self) -> Format;
    fn export(&self, report: &Report) -> Result<Rendered, ReportError>;
    /// An account or function report in this format.
    fn export_account(&self, report: &AccountReport) -> Result<Rendered, ReportError>;
}

/// A report that can be shared: scrubbed of credentials, anonymised, exported.
pub trait Document: Sized {
    /// Credentials redacted from every text field.
    fn scrubbed(&self) -> Result<Self, ReportError>;
    /// Names and account ids replaced by stable pseudonyms.
    fn anonymised(&self) -> Result<Self, ReportError>;
    fn export_to(&self, exporter: &dyn Exporter) -> Result<Rendered, ReportError>;
}

impl Document for Report {
    fn scrubbed(&self) -> Result<Self, ReportError> {
        anonymise::scrub(self)
    }
    fn anonymised(&self) -> Result<Self, ReportError> {
        anonymise::anonymise(self)
    }
    fn export_to(&self, exporter: &dyn Exporter) -> Result<Rendered, ReportError> {
        exporter.export(self)
    }
}

impl Document for AccountReport {
    fn scrubbed(&self) -> Result<Self, ReportError> {
        anonymise::scrub_account(self)
    }
    fn anonymised(&self) -> Result<Self, ReportError> {
        anonymise::anonymise_account(self)
    }
    fn export_to(&self, exporter: &dyn Exporter) -> Result<Rendered, ReportError> {
        exporter.export_account(self)
    }
}

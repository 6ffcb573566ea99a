//! JSON: the whole report, versioned by `schema_version`, amounts as exact decimal strings.

use crate::report::{AccountReport, Exporter, Format, Rendered, Report, ReportError};

pub struct JsonExporter;

fn pretty<T: serde::Serialize>(report: &T) -> Result<Rendered, ReportError> {
    let mut text = serde_json::to_string_pretty(report)?;
    text.push('\n');
    Ok(Rendered::File(text))
}

impl Exporter for JsonExporter {
    fn format(&self) -> Format {
        Format::Json
    }

    fn export(&self, report: &Report) -> Result<Rendered, ReportError> {
        pretty(report)
    }

    fn export_account(&self, report: &AccountReport) -> Result<Rendered, ReportError> {
        pretty(report)
    }
}

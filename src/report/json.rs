//! JSON: the whole report, versioned by `schema_version`, amounts as exact decimal strings.

use crate::report::{Exporter, Format, Rendered, Report, ReportError};

pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn format(&self) -> Format {
        Format::Json
    }

    fn export(&self, report: &Report) -> Result<Rendered, ReportError> {
        let mut text = serde_json::to_string_pretty(report)?;
        text.push('\n');
        Ok(Rendered::File(text))
    }
}

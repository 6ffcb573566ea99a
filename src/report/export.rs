//! One [`Exporter`] per format: each writes a scenario or an account report as its document.
//! JSON is the whole report, versioned by `schema_version`, amounts as exact decimal strings.

use crate::report::format::csv::files;
use crate::report::format::md::inert;
use crate::report::{account, scenario};
use crate::report::{AccountReport, Exporter, Format, Rendered, Report, ReportError};

pub struct HtmlExporter;
pub struct CsvExporter;
pub struct JsonExporter;
pub struct MarkdownExporter;

/// The exporter of `format`.
pub fn exporter(format: Format) -> Box<dyn Exporter> {
    match format {
        Format::Html => Box::new(HtmlExporter),
        Format::Csv => Box::new(CsvExporter),
        Format::Json => Box::new(JsonExporter),
        Format::Md => Box::new(MarkdownExporter),
    }
}

impl Exporter for HtmlExporter {
    fn format(&self) -> Format {
        Format::Html
    }

    fn export(&self, report: &Report) -> Result<Rendered, ReportError> {
        Ok(Rendered::File(scenario::html::render(report)?))
    }

    fn export_account(&self, report: &AccountReport) -> Result<Rendered, ReportError> {
        Ok(Rendered::File(account::html::render(report)?))
    }
}

impl Exporter for CsvExporter {
    fn format(&self) -> Format {
        Format::Csv
    }

    fn export(&self, report: &Report) -> Result<Rendered, ReportError> {
        let mut out = files(&scenario::csv::tables(report));
        out.push(("timeline.csv".to_string(), scenario::csv::timeline_csv(report)));
        Ok(Rendered::Files(out))
    }

    fn export_account(&self, report: &AccountReport) -> Result<Rendered, ReportError> {
        Ok(Rendered::Files(files(&account::text::tables(report))))
    }
}

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

impl Exporter for MarkdownExporter {
    fn format(&self) -> Format {
        Format::Md
    }

    fn export(&self, report: &Report) -> Result<Rendered, ReportError> {
        Ok(Rendered::File(inert(&scenario::md::render(report))))
    }

    fn export_account(&self, report: &AccountReport) -> Result<Rendered, ReportError> {
        Ok(Rendered::File(inert(&account::text::markdown(report))))
    }
}

//! HTML building blocks: escaping, the page head with its inline stylesheet, sections, tables and
//! figures holding a chart in both themes. Every HTML document is made of these.

use crate::report::charts::{self, Theme};
use crate::report::ReportError;
use std::fmt::Write;

pub(crate) const CSS: &str = include_str!("report.css");

/// Text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A chart in both themes; the stylesheet shows the one matching the reader's colour scheme, and
/// the light one on paper.
pub(crate) struct Figure {
    pub light: String,
    pub dark: String,
}

pub(crate) fn figure(out: &mut String, fig: &Figure, caption: &str) {
    let _ = write!(
        out,
        "<figure><div class=\"chart light\">{}</div><div class=\"chart dark\">{}</div>\
         <figcaption>{}</figcaption></figure>\n",
        strip_xml_decl(&fig.light),
        strip_xml_decl(&fig.dark),
        escape(caption)
    );
}

/// Inline SVG must not carry an XML declaration.
fn strip_xml_decl(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

pub(crate) fn both(
    draw: impl Fn(Theme) -> Result<String, charts::ChartError>,
) -> Result<Figure, ReportError> {
    Ok(Figure {
        light: draw(Theme::Light)?,
        dark: draw(Theme::Dark)?,
    })
}

pub(crate) fn table<H: AsRef<str>>(out: &mut String, class: &str, header: &[H], rows: &[Vec<String>]) {
    let _ = write!(out, "<table class=\"{class}\"><thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", escape(h.as_ref()));
    }
    out.push_str("</tr></thead><tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

pub(crate) fn section(out: &mut String, id: &str, title: &str) {
    let _ = write!(out, "<section id=\"{id}\"><h2>{}</h2>\n", escape(title));
}

/// One figure of a report's summary: its label over its value.
pub(crate) fn tile(out: &mut String, label: &str, value: &str) {
    let _ = write!(
        out,
        "<div><span>{}</span><strong>{}</strong></div>",
        escape(label),
        escape(value)
    );
}

/// Who wrote a report, for its footer.
pub(crate) struct Colophon<'a> {
    pub generator: &'a str,
    pub schema_version: u32,
    pub anonymised: bool,
}

/// A report's last section, a titled list (methods, limits), then its footer.
pub(crate) fn closing(out: &mut String, id: &str, title: &str, items: &[String], by: Colophon<'_>) {
    section(out, id, title);
    out.push_str("<ul>");
    for item in items {
        let _ = write!(out, "<li>{}</li>", escape(item));
    }
    let _ = write!(
        out,
        "</ul></section>\n<footer>{} · report schema {}{}</footer>\n",
        escape(by.generator),
        by.schema_version,
        if by.anonymised {
            " · names and account ids anonymised"
        } else {
            ""
        }
    );
}

/// The document's head (title, inline stylesheet) and the opening of its body.
pub(crate) fn page_start(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body><main>\n",
        escape(title)
    );
}

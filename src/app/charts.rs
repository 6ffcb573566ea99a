//! A chart a view shows, drawn by `crate::report::charts` as SVG: what the use cases return, so
//! the chart specs (which series, titles, axes) live beside the figures they draw.

use crate::report::charts::ChartError;

/// One drawn chart (or why it could not be drawn).
#[derive(Debug)]
pub struct ChartSpec {
    /// Stable id the view places it by, e.g. `invocations`.
    pub id: &'static str,
    pub title: String,
    pub svg: Result<String, ChartError>,
}

//! Charts drawn in Rust as SVG markup for the views (no scripts, no remote references), by the
//! same code as the reports' charts; each is checked inert before the webview may show it.

use crate::error::{CommandError, CommandResult};
use breakeven::error_code::ErrorCode;
use breakeven::report::charts::metric;
use breakeven::report::charts::{self as report_charts, ChartError, Theme};
use breakeven_simulator::sweep::SweepResult;
use serde::Serialize;

/// A chart drawn by `breakeven::report::charts`, as SVG markup.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub svg: String,
}

/// A drawn chart, checked inert before it may be inserted into the webview as markup.
pub fn chart(id: &'static str, title: &str, svg: Result<String, ChartError>) -> CommandResult<Chart> {
    let svg = svg.map_err(|e| CommandError {
        code: ErrorCode::Chart,
        message: format!("The {title} chart could not be drawn: {e}."),
        field: None,
    })?;
    if !metric::is_inert(&svg) {
        return Err(CommandError {
            code: ErrorCode::Chart,
            message: format!("The {title} chart held markup a chart never contains, so it is not shown."),
            field: None,
        });
    }
    Ok(Chart {
        id,
        title: title.to_string(),
        svg,
    })
}

/// A chart a use case drew ([`breakeven::app::charts::ChartSpec`]), checked as [`chart`] checks.
pub fn drawn(spec: breakeven::app::charts::ChartSpec) -> CommandResult<Chart> {
    chart(spec.id, &spec.title, spec.svg)
}

/// The break-even chart: each platform's monthly cost as traffic scales, crossings marked.
pub fn breakeven(sweep: &SweepResult, theme: Theme) -> CommandResult<Chart> {
    chart(
        "break-even",
        "break-even",
        report_charts::breakeven::curves_sized(report_charts::breakeven::PANEL, sweep, &sweep.labels, theme),
    )
}

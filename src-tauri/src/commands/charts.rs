//! Charts drawn in Rust as SVG markup for the views (no scripts, no remote references), shared
//! with the reports.

use breakeven_simulator::sweep::SweepResult;

/// The break-even chart; `None` while the report charts are not part of this build.
pub fn breakeven(_sweep: &SweepResult) -> Option<String> {
    None
}

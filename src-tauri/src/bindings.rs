//! TypeScript declarations of every type that crosses the IPC boundary, generated from the Rust
//! types so the views and the commands cannot drift apart. Regenerate with
//! `cargo test --workspace export_bindings` (or `scripts/gen-types.sh`); every test run
//! regenerates them and the test script fails when that changes a committed file.

use crate::commands::dashboard::DashboardView;
use crate::commands::extract::FunctionTuning;
use crate::commands::functions::{CostOn, FunctionDetail};
use crate::commands::settings::Locations;
use crate::commands::whatif::BreakevenView;
use crate::error::CommandError;
use crate::forms::{EstimateInput, SyncInput};
use breakeven::app::analyse::model::CostSplit;
use breakeven::app::catalog::{CatalogInfo, PlatformSummary};
use breakeven::app::db::AccountOverview;
use breakeven::app::estimate::EstimateView;
use breakeven::app::functions::FunctionTable;
use breakeven::app::profiles::ProfileName;
use breakeven::app::report::ReportOutcome;
use breakeven::app::scenario::Calibration;
use breakeven::app::sync::{ProgressEvent, SyncReport};
use breakeven::app::whatif::{BillRates, ScenarioFile, WhatIfRun};
use breakeven::error_code::ErrorCode;
use breakeven::report::charts::Theme;
use breakeven_simulator::scenario::Scenario;
use breakeven_simulator::sweep::SweepResult;
use breakeven_simulator::SimulationResult;
use std::path::{Path, PathBuf};
use ts_rs::{Config, ExportError, TS};

/// `ui/src/lib/generated/`, from this crate's directory.
fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/generated")
}

/// Every root type the commands take or return; their dependencies are written with them.
fn export_roots(cfg: &Config) -> Result<(), ExportError> {
    EstimateInput::export_all(cfg)?;
    EstimateView::export_all(cfg)?;
    CommandError::export_all(cfg)?;
    PlatformSummary::export_all(cfg)?;
    CatalogInfo::export_all(cfg)?;
    Scenario::export_all(cfg)?;
    SimulationResult::export_all(cfg)?;
    SweepResult::export_all(cfg)?;
    WhatIfRun::export_all(cfg)?;
    ScenarioFile::export_all(cfg)?;
    BreakevenView::export_all(cfg)?;
    BillRates::export_all(cfg)?;
    breakeven_simulator::sweep::commit::CommitRecommendation::export_all(cfg)?;
    AccountOverview::export_all(cfg)?;
    SyncInput::export_all(cfg)?;
    ProfileName::export_all(cfg)?;
    ProgressEvent::export_all(cfg)?;
    SyncReport::export_all(cfg)?;
    FunctionTable::export_all(cfg)?;
    FunctionDetail::export_all(cfg)?;
    Locations::export_all(cfg)?;
    DashboardView::export_all(cfg)?;
    ReportOutcome::export_all(cfg)?;
    Theme::export_all(cfg)?;
    CostOn::export_all(cfg)?;
    CostSplit::export_all(cfg)?;
    FunctionTuning::export_all(cfg)?;
    Calibration::export_all(cfg)?;
    ErrorCode::export_all(cfg)?;
    Ok(())
}

/// Rewrite the directory: stale files of removed types go, and `index.ts` re-exports the rest.
fn generate(dir: &Path) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "ts") {
            std::fs::remove_file(&path)?;
        }
    }
    // Counts and byte sizes fit a JS number (2^53) in practice: no bigint on the wire.
    let cfg = Config::new().with_large_int("number").with_out_dir(dir);
    export_roots(&cfg).map_err(std::io::Error::other)?;
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".ts").map(str::to_string)
        })
        .collect();
    names.sort();
    let mut index =
        String::from("// Generated with the types beside it: one re-export per Rust type. Do not edit.\n");
    for n in &names {
        index.push_str(&format!("export type * from \"./{n}\";\n"));
    }
    std::fs::write(dir.join("index.ts"), index)?;
    Ok(names)
}

#[test]
fn export_bindings() {
    let names = generate(&out_dir()).expect("writing the TypeScript bindings");
    for root in [
        "EstimateView",
        "CommandError",
        "Scenario",
        "WhatIfRun",
        "BreakevenView",
        "BillRates",
        "Usd",
        "ErrorCode",
        "CostOn",
        "CostSplit",
        "FunctionTuning",
        "Calibration",
        "ReportFormat",
        "Theme",
    ] {
        assert!(
            names.iter().any(|n| n == root),
            "{root}.ts was not generated: {names:?}"
        );
    }
}

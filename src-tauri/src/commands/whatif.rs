//! The what-if editor's live work: run an edited scenario and sweep it for break-even, on the
//! blocking pool, never on the webview's thread. Which answer the view shows is the view's call:
//! it keeps one run in flight and drops an answer a newer edit has overtaken (`latest()` in
//! `ui/src/lib/latest.ts`), the only place that sees both the edits and the answers.

use crate::commands::charts::{self, Chart};
use crate::error::CommandResult;
use crate::input;
use crate::state::DesktopState;
use crate::work::{blocking, WhatIfEngine};
use breakeven::app::whatif::{self, BillRates, ScenarioFile, WhatIfRun};
use breakeven::report::charts::Theme;
use breakeven_simulator::scenario::Scenario;
use breakeven_simulator::sweep::commit::CommitRecommendation;
use breakeven_simulator::sweep::SweepResult;
use serde::Serialize;
use std::sync::Arc;
use tauri::State;

/// Break-even curves and the chart drawn from them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct BreakevenView {
    pub sweep: SweepResult,
    /// The report's break-even chart, checked inert.
    pub chart: Chart,
    /// Engine time, ms.
    pub engine_ms: f64,
}

/// The scenario the view opens with.
#[tauri::command]
pub async fn whatif_demo(state: State<'_, DesktopState>) -> CommandResult<ScenarioFile> {
    Ok(whatif::demo(&*state.catalog()?)?)
}

/// One live (or, with `exact`, full) run of the edited scenario.
#[tauri::command]
pub async fn whatif_run(
    state: State<'_, DesktopState>,
    engine: State<'_, Arc<WhatIfEngine>>,
    scenario: Scenario,
    exact: bool,
) -> CommandResult<WhatIfRun> {
    input::scenario(&scenario)?;
    let (catalog, engine) = (state.catalog()?, Arc::clone(&engine));
    blocking(move || {
        let _turn = engine.turn();
        Ok(whatif::run(&catalog, &scenario, exact)?)
    })
    .await
}

/// Cost of each platform as traffic scales from a tenth to ten times the scenario's, with the
/// chart drawn in `theme` (`light` or `dark`).
#[tauri::command]
pub async fn whatif_breakeven(
    state: State<'_, DesktopState>,
    engine: State<'_, Arc<WhatIfEngine>>,
    scenario: Scenario,
    theme: Theme,
) -> CommandResult<BreakevenView> {
    input::scenario(&scenario)?;
    let (catalog, engine) = (state.catalog()?, Arc::clone(&engine));
    blocking(move || {
        let start = std::time::Instant::now();
        let sweep = || whatif::breakeven(&catalog, &scenario, 0.1, 10.0, 9);
        let sweep = engine.sweep(sweep)?;
        let chart = charts::breakeven(&sweep, theme)?;
        let engine_ms = start.elapsed().as_secs_f64() * 1000.0;
        Ok(BreakevenView {
            sweep,
            chart,
            engine_ms,
        })
    })
    .await
}

/// The effective rates of `account`'s bill (its key; the only stored account when empty) as
/// discounts for the platforms of `scenario`.
#[tauri::command]
pub async fn whatif_bill_rates(
    state: State<'_, DesktopState>,
    account: String,
    scenario: Scenario,
) -> CommandResult<BillRates> {
    input::scenario(&scenario)?;
    let account = input::ident(ACCOUNT, &account, 128)?;
    let (store, catalog) = (state.store()?, state.catalog()?);
    blocking(move || {
        Ok(whatif::bill_rates(
            &store,
            &catalog,
            account.as_deref(),
            &scenario,
        )?)
    })
    .await
}

const ACCOUNT: input::Field = input::Field {
    name: "account",
    label: "Account",
};

/// The best hourly commitment per plan for each platform of `scenario` (`commit recommend` over
/// the live preview's slice).
#[tauri::command]
pub async fn whatif_recommend(
    state: State<'_, DesktopState>,
    engine: State<'_, Arc<WhatIfEngine>>,
    scenario: Scenario,
) -> CommandResult<CommitRecommendation> {
    input::scenario(&scenario)?;
    let (catalog, engine) = (state.catalog()?, Arc::clone(&engine));
    blocking(move || {
        let _turn = engine.turn();
        Ok(whatif::recommend(&catalog, &scenario)?)
    })
    .await
}

//! The live estimate: the form's fields in, the application layer's exact report with its
//! category totals out.

use crate::error::CommandResult;
use crate::forms::EstimateInput;
use crate::state::DesktopState;
use breakeven::app::estimate;
pub use breakeven::app::estimate::EstimateView;
use tauri::State;

/// Check the form, estimate, and total the categories.
pub fn run(state: &DesktopState, input: &EstimateInput) -> CommandResult<EstimateView> {
    Ok(estimate::estimate_view(&*state.catalog()?, &input.to_request()?)?)
}

/// Async so the webview's main thread never waits on pricing.
#[tauri::command]
pub async fn estimate(state: State<'_, DesktopState>, input: EstimateInput) -> CommandResult<EstimateView> {
    run(&state, &input)
}

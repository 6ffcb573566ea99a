//! `commit recommend` of a stored function: its measured per-minute traffic replayed (the
//! scenario `scenario from-function` writes) and the best hourly commitment per plan found on it.

use crate::app::error::Result;
use crate::app::scenario::{from_function, ExtractRequest, Step};
use crate::app::simulate::{recommend_commitments, RunOptions, Timed};
use crate::store::Store;
use breakeven_simulator::pricing::PriceCatalog;
use breakeven_simulator::sweep::commit::CommitRecommendation;

/// The recommendation on the last `days` of function `name`'s stored traffic, on its own
/// platform and the default alternatives.
pub fn recommend_for_function(
    store: &Store,
    catalog: &PriceCatalog,
    name: &str,
    account: Option<String>,
    days: u32,
    opts: &RunOptions,
) -> Result<Timed<CommitRecommendation>> {
    let req = ExtractRequest {
        function: name.to_string(),
        account,
        days,
        platforms: Vec::new(),
        step: Step::Minute,
        check: false,
    };
    let x = from_function(store, catalog, &req)?;
    recommend_commitments(catalog, &x.scenario, opts)
}

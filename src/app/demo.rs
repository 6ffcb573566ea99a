//! `breakeven demo`: load the synthetic demo account, and check that its bill reconciles with
//! the usage its metrics show.

use crate::app::error::{AppError, Result};
use crate::app::sync::{run, Cancel, Progress, SyncReport};
use crate::ingest::demo::{DemoOptions, DemoSource, ACCOUNT, SOURCE_KIND};
use crate::store::sync_runs::{self, RunStatus};
use crate::store::{accounts, costs, functions, metrics, Day, Store};
use breakeven_simulator::pricing::{bill, Arch, Deployment, PriceCatalog, Usage, Usd};
use rust_decimal::Decimal;
use serde::Serialize;

/// Replace the demo account in `store` with a freshly generated one.
pub fn load(
    store: &mut Store,
    catalog: &PriceCatalog,
    opts: DemoOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<SyncReport> {
    if opts.days == 0 || opts.days > 454 {
        return Err(AppError::bad_input(
            "E_BAD_DAYS",
            "--days must be between 1 and 454",
        ));
    }
    store.with_tx(|tx| accounts::delete(tx, ACCOUNT).map_err(AppError::from))?;
    let mut source = DemoSource::new(opts, catalog.clone());
    run(store, &mut source, progress, cancel)
}

/// Load the demo account only when the database holds no account yet, so the desktop app opens
/// on data the first time. Returns `None` when an account exists.
///
/// A demo load that was killed part-way (the app closed while it ran: its run is still marked
/// `running`) left half an account behind; when that is all the database holds, it is loaded
/// again. A load the user cancelled stays as it is.
pub fn load_if_empty(
    store: &mut Store,
    catalog: &PriceCatalog,
    opts: DemoOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Option<SyncReport>> {
    let stored = accounts::list(store.conn())?;
    let interrupted = stored.iter().all(|a| a.key == ACCOUNT)
        && sync_runs::last_per_source(store.conn())?
            .iter()
            .any(|r| r.source == SOURCE_KIND && r.status == RunStatus::Running.as_str());
    if !stored.is_empty() && !interrupted {
        return Ok(None);
    }
    load(store, catalog, opts, progress, cancel).map(Some)
}

/// Usage-derived Lambda cost (metrics × catalog prices) against the billed Lambda cost.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub account: String,
    pub first_day: Option<Day>,
    pub last_day: Option<Day>,
    /// Priced from stored Invocations and Duration (plus configured provisioned concurrency).
    pub usage_derived_usd: Usd,
    /// Σ of stored daily costs of AWS Lambda.
    pub billed_usd: Usd,
    /// (billed − usage-derived) / billed, percent, rounded to 0.01.
    pub difference_pct: Decimal,
}

/// Compare what the metrics say the account used with what it was billed.
///
/// Durations are billed per request rounded up to the next millisecond; averages hide that, so
/// half a millisecond per request is added. Init (cold start) time is billed but not in the
/// metrics, so a small positive difference is expected.
pub fn reconcile(store: &Store, catalog: &PriceCatalog, account: &str) -> Result<Reconciliation> {
    let c = store.conn();
    let id = accounts::id_of(c, account)?.ok_or_else(|| {
        AppError::bad_input("E_NO_ACCOUNT", format!("no account `{account}` in the database"))
    })?;
    let fs = functions::list(c)?;
    let mut derived = Usd::ZERO;
    let mut first: Option<Day> = None;
    let mut last: Option<Day> = None;
    for t in metrics::invocation_totals(c, id)? {
        let Some(f) = fs.iter().find(|f| f.id == t.function_id) else {
            continue;
        };
        let from = Day::from_unix(t.from);
        let to = Day::from_unix(t.to);
        first = Some(first.map_or(from, |d| d.min(from)));
        last = Some(last.map_or(to, |d| d.max(to)));
        let days = (to.0 - from.0 + 1) as u64;
        let arch: Arch = f
            .config
            .architecture
            .parse()
            .map_err(|e: String| AppError::bad_input("E_BAD_ARCH", e))?;
        let deployment = Deployment {
            memory_mb: f.config.memory_mb,
            arch,
            ephemeral_storage_mb: f.config.ephemeral_storage_mb,
            provisioned_instances: f.config.provisioned_concurrency,
            free_tier: false,
            ..Deployment::default()
        };
        let requests = t.invocations.round() as u64;
        let exec_ms = (t.duration_ms + 0.5 * t.invocations).round() as u64;
        let provisioned_ms = u64::from(f.config.provisioned_concurrency) * days * 86_400_000;
        let usage = Usage {
            period_ms: days * 86_400_000,
            requests,
            exec_ms,
            provisioned_exec_ms: exec_ms.min(provisioned_ms),
            provisioned_ms,
            ..Usage::default()
        };
        derived += bill(catalog, "aws-lambda", Some(&f.region), &deployment, &usage)?.total;
    }
    let billed: Usd = match (first, last) {
        (Some(a), Some(b)) => costs::rows(c, id, a, b)?
            .iter()
            .filter(|r| r.service == crate::ingest::demo::bill::SERVICE)
            .map(|r| Usd(r.unblended))
            .sum(),
        _ => Usd::ZERO,
    };
    let difference_pct = if billed.is_zero() {
        Decimal::ZERO
    } else {
        ((billed.0 - derived.0) / billed.0 * Decimal::ONE_HUNDRED).round_dp(2)
    };
    Ok(Reconciliation {
        account: account.to_string(),
        first_day: first,
        last_day: last,
        usage_derived_usd: derived,
        billed_usd: billed,
        difference_pct,
    })
}

//! Workload extraction: a stored function's traffic becomes a simulator [`Scenario`], so its
//! own measured load can be replayed on any platform.
//!
//! The scenario file's text is written once, with comments that say where each number came
//! from; the counts go inline as a `replay` of `counts_per_min`, one line per hour, so a scenario
//! written to stdout (`> scenario.toml`) is one self-contained file that can be moved, diffed
//! and edited. That text is read once, by the reader `simulate` uses (so what is printed is a
//! valid scenario), and the extraction carries the parsed [`Scenario`]: the round-trip check,
//! the desktop's what-if and tuning views and the account report use it as it is. The function's
//! own platform is simulated to say how close the replay comes to the cost the metrics imply.
//! Where Lambda's REPORT records are stored for the window, the cold starts are calibrated on
//! them ([`calibrate`]): the measured INIT durations become the scenario's `init`, and the own
//! platform's keep-alive is the one whose simulated cold starts match the measured.

mod calibrate;
mod platforms;
mod render;
pub mod traffic;

pub use calibrate::{Calibration, CalibrationDay, ColdStarts, InitFit};
pub use platforms::FunctionShape;
pub use traffic::{Step, Window};

use crate::analytics::{cost, logs};
use crate::app::analyse::usage_cost;
use crate::app::error::{AppError, Result};
use crate::app::simulate::{parse_scenario, simulate, tune, RunOptions, Timed};
use crate::error_code::ErrorCode;
use crate::store::functions::{self, FunctionRow};
use crate::store::{accounts, Day, Store};
use breakeven_simulator::pricing::{PriceCatalog, Usd};
use breakeven_simulator::scenario::{Mode, Scenario};
use breakeven_simulator::sweep::tune::TuneResult;
use breakeven_simulator::workload::{Arrivals, DurationModel, Workload};
use rust_decimal::Decimal;
use serde::Serialize;
use std::path::Path;

/// How the usage-derived cost of the round trip is priced, as printed beside the result.
pub const USAGE_METHOD: &str = "analytics' usage-derived cost (`breakeven analyse`): each day's stored \
    invocations and Σ invocations × average duration (+0.5 ms a request for per-request rounding \
    up to 1 ms), the provisioned concurrency of the inventory, priced with the catalog day by day \
    without the free tier, plus the INIT its REPORT records measured (none for a function without \
    log data)";

/// Requests above which the round trip is simulated in aggregate mode.
const EXACT_LIMIT: u64 = 20_000_000;
/// Requests above which a calibration (and then the round trip, so the two agree) is simulated
/// in aggregate mode: the search runs up to [`calibrate::MAX_RUNS`] simulations, and an exact
/// run takes about 0.2 s per million requests.
const CALIBRATION_EXACT_LIMIT: u64 = 2_000_000;

/// What to extract.
#[derive(Debug, Clone)]
pub struct ExtractRequest {
    pub function: String,
    /// Account key, when the name is in several accounts.
    pub account: Option<String>,
    /// Whole days to replay, ending with the newest stored data.
    pub days: u32,
    /// Catalog ids to compare; empty: the defaults ([`platforms::default_ids`]).
    pub platforms: Vec<String>,
    pub step: Step,
    /// Simulate the own platform and compare with the usage-derived cost.
    pub check: bool,
}

/// The simulated cost on the function's own platform against the cost its metrics imply.
#[derive(Debug, Clone, Serialize)]
pub struct RoundTrip {
    pub platform: String,
    /// The replayed window on the own platform, no free tier.
    pub simulated_usd: Usd,
    /// Requests and metered duration of the window priced with the catalog, no free tier.
    pub usage_derived_usd: Usd,
    /// (simulated − usage-derived) / usage-derived, percent, 2 decimals.
    pub difference_pct: Decimal,
    /// Where the usage-derived cost comes from.
    pub method: String,
    pub simulated_requests: u64,
    pub cold_starts: u64,
    /// `exact` (every request) or `aggregate` (per-minute estimates, above 20 million requests).
    pub mode: Mode,
}

impl RoundTrip {
    /// `simulated $X vs usage-derived $Y for the same days: +0.41%` (dollars to 4 decimals:
    /// a few days of one function are often cents).
    pub fn summary(&self) -> String {
        format!(
            "simulated ${} vs usage-derived ${} for the same days: {}{}%",
            self.simulated_usd.0.round_dp(4),
            self.usage_derived_usd.0.round_dp(4),
            if self.difference_pct.is_sign_negative() {
                ""
            } else {
                "+"
            },
            self.difference_pct
        )
    }
}

/// An extracted scenario and what it was made from.
#[derive(Debug, Clone, Serialize)]
pub struct Extraction {
    pub function: String,
    pub account: String,
    pub window_from: Day,
    pub window_to: Day,
    pub days: i64,
    pub step: Step,
    pub invocations: u64,
    /// Busiest minute, invocations.
    pub peak_per_min: u64,
    pub peak_concurrency: f64,
    pub duration: traffic::DurationFit,
    pub platforms: Vec<String>,
    /// The measured INIT durations the scenario's `init` is made from; `None`: the platform's
    /// typical cold start (no REPORT record with an init duration in the window).
    pub init: Option<InitFit>,
    /// Simulated against measured cold starts and the fitted keep-alive; `None` without REPORT
    /// records for the window (see `cold_start_basis`).
    pub calibration: Option<Calibration>,
    /// Where the scenario's init and keep-alive come from, in a sentence.
    pub cold_start_basis: String,
    /// The scenario, parsed once from [`Extraction::toml`]: what every later step runs.
    pub scenario: Scenario,
    /// The scenario file's text with its comments: what the CLI prints and a user saves.
    pub toml: String,
    pub round_trip: Option<RoundTrip>,
}

/// The stored function, its account's source and its account's id.
fn find(
    store: &Store,
    name: &str,
    account: Option<&str>,
) -> Result<(FunctionRow, accounts::AccountSource, i64)> {
    let all = functions::list(store.conn())?;
    let matches: Vec<&FunctionRow> = all
        .iter()
        .filter(|f| f.config.name == name && account.is_none_or(|a| a == f.account_key))
        .collect();
    let f = match matches.as_slice() {
        [f] => (*f).clone(),
        [] => {
            let mut near: Vec<&str> = all
                .iter()
                .map(|f| f.config.name.as_str())
                .filter(|n| n.contains(name) || name.contains(n))
                .collect();
            near.dedup();
            let hint = if near.is_empty() {
                format!("{} functions are stored (see `breakeven db status`)", all.len())
            } else {
                format!("did you mean {}?", near.join(", "))
            };
            return Err(AppError::bad_input(
                ErrorCode::NoFunction,
                format!("no function named `{name}` in the database: {hint}"),
            ));
        }
        many => {
            let accounts: Vec<&str> = many.iter().map(|f| f.account_key.as_str()).collect();
            return Err(AppError::bad_input(
                ErrorCode::AmbiguousFunction,
                format!(
                    "`{name}` is in several accounts ({}): pick one with --account",
                    accounts.join(", ")
                ),
            ));
        }
    };
    let (source, account_id) = accounts::list(store.conn())?
        .into_iter()
        .find(|a| a.key == f.account_key)
        .map(|a| (a.source, a.id))
        .unwrap_or_default();
    Ok((f, source, account_id))
}

/// The scenario of an extraction whose text is not read yet.
fn unread() -> Scenario {
    let w = Workload::new(
        60_000.0,
        Arrivals::Replay {
            counts_per_min: Vec::new(),
            file: None,
        },
        DurationModel::constant(0.0),
    );
    Scenario::new("", 0, w, Vec::new())
}

/// Turn a stored function into a scenario.
pub fn from_function(store: &Store, catalog: &PriceCatalog, req: &ExtractRequest) -> Result<Extraction> {
    if req.days == 0 || req.days > 455 {
        return Err(AppError::bad_input(
            ErrorCode::BadDays,
            "--days must be between 1 and 455",
        ));
    }
    let (f, source, account_id) = find(store, &req.function, req.account.as_deref())?;
    let c = store.conn();
    let w = Window::latest(c, f.id, req.days)?.ok_or_else(|| {
        AppError::bad_input(
            ErrorCode::NoTraffic,
            format!("`{}` has no Invocations stored: nothing to replay", f.config.name),
        )
    })?;
    let counts = traffic::counts_per_minute(c, f.id, w, req.step)?;
    traffic::check_replayable(&f.config.name, w, &counts)?;
    let duration = traffic::fit_duration(c, f.id, w)?;
    let peak_concurrency = traffic::peak_concurrency(c, f.id, w, &counts, duration.model_mean_ms)?;
    let shape = FunctionShape {
        own_platform: cost::own_platform(source).to_string(),
        region: f.region.clone(),
        memory_mb: f.config.memory_mb,
        arch: f.config.architecture.clone(),
        ephemeral_storage_mb: f.config.ephemeral_storage_mb,
        provisioned_concurrency: f.config.provisioned_concurrency,
        peak_concurrency,
    };
    let ids = if req.platforms.is_empty() {
        platforms::default_ids(&shape)
    } else {
        req.platforms.clone()
    };
    let mut tables = ids
        .iter()
        .map(|id| platforms::table(catalog, id, &shape))
        .collect::<Result<Vec<_>>>()?;
    let own_index = ids.iter().position(|id| *id == shape.own_platform);
    let (window_from, window_to) = (Day::from_unix(w.from), Day::from_unix(w.to - 1));
    let measured = logs::measured(c, account_id, window_from, window_to)?.remove(&f.config.name);
    let mut x = Extraction {
        function: f.config.name.clone(),
        account: f.account_key.clone(),
        window_from,
        window_to,
        days: w.days(),
        step: req.step,
        invocations: counts.iter().sum(),
        peak_per_min: counts.iter().copied().max().unwrap_or(0),
        peak_concurrency,
        duration,
        platforms: ids,
        init: measured.as_ref().and_then(calibrate::init_fit),
        calibration: None,
        cold_start_basis: String::new(),
        // Replaced by the parsed text below; the text's comments are written from these fields.
        scenario: unread(),
        toml: String::new(),
        round_trip: None,
    };
    let name = format!("from-function {}", f.config.name);
    let catalog_keep_alive_s = calibrate::catalog_keep_alive_s(catalog, &shape.own_platform)?;
    let init = if x.init.is_some() {
        "init measured"
    } else {
        "init the platform's typical cold start"
    };
    x.cold_start_basis = match (&measured, own_index) {
        (None, _) => format!(
            "no REPORT records stored: keep-alive is the catalog's assumption ({catalog_keep_alive_s} s), {init}"
        ),
        (Some(_), None) => format!(
            "the function's own platform {} is not compared: nothing calibrated, {init}",
            shape.own_platform
        ),
        (Some(_), Some(_)) => format!(
            "no REPORT records for these days: keep-alive is the catalog's assumption ({catalog_keep_alive_s} s), {init}"
        ),
    };
    let mut body = render::scenario(&x, &f, &counts, &tables);
    // Read once, as `simulate` reads a file: what is printed is a valid scenario.
    x.scenario = parse_scenario(catalog, &name, &body, Path::new("."))?;
    // The own platform's run: the calibration's at the fitted keep-alive, or the round trip's.
    let mut own_run = None;
    if let (Some(m), Some(i)) = (&measured, own_index) {
        let mut own = x.scenario.clone();
        own.platforms = vec![own.platforms[i].clone()];
        let mode = if x.invocations > CALIBRATION_EXACT_LIMIT {
            Mode::Aggregate
        } else {
            Mode::Exact
        };
        if let Some(fitted) = calibrate::fit(catalog, &own, m, (window_from, window_to), mode)? {
            let cal = fitted.calibration;
            tables[i]
                .keys
                .push(("keep_alive_s".into(), cal.keep_alive_s.to_string()));
            tables[i]
                .comment
                .push_str("; keep_alive_s fitted to the measured cold starts");
            x.cold_start_basis =
                format!("keep-alive fitted to the cold starts REPORT records measured, {init}");
            x.calibration = Some(cal);
            own_run = Some((fitted.run, mode));
            body = render::scenario(&x, &f, &counts, &tables);
            x.scenario = parse_scenario(catalog, &name, &body, Path::new("."))?;
        }
    }
    if req.check {
        let mut own = x.scenario.clone();
        own.platforms.retain(|p| p.id == shape.own_platform);
        if !own.platforms.is_empty() {
            own.platforms.truncate(1);
            let (r, mode) = match own_run.take() {
                // The calibration ran this scenario already, in the mode it states.
                Some(run) => run,
                None => {
                    // Above 20 million requests, per-minute estimates as `sweep` uses them: an
                    // exact run would take minutes.
                    let mode = if x.invocations > EXACT_LIMIT {
                        Mode::Aggregate
                    } else {
                        Mode::Exact
                    };
                    let o = RunOptions {
                        mode: Some(mode),
                        timeline: false,
                        ..RunOptions::default()
                    };
                    (simulate(catalog, &own, &o)?.result.platforms.remove(0), mode)
                }
            };
            let r = &r;
            let usage = usage_cost(
                store,
                catalog,
                Some(&f.account_key),
                &f.config.name,
                x.window_from,
                x.window_to,
            )?
            .breakdown
            .total;
            let difference_pct = if usage.is_zero() {
                Decimal::ZERO
            } else {
                ((r.cost.total_usd.0 - usage.0) / usage.0 * Decimal::ONE_HUNDRED).round_dp(2)
            };
            x.round_trip = Some(RoundTrip {
                platform: shape.own_platform.clone(),
                simulated_usd: r.cost.total_usd,
                usage_derived_usd: usage,
                difference_pct,
                method: USAGE_METHOD.to_string(),
                simulated_requests: r.requests,
                mode,
                cold_starts: r.cold_starts,
            });
        }
    }
    x.toml = render::with_round_trip(&body, x.round_trip.as_ref());
    Ok(x)
}

/// The stored function `id`'s last `days` days of per-minute traffic as a scenario, on its own
/// platform and the default alternatives, without the round-trip check: the desktop's
/// "Open as what-if" and tuning curve.
pub fn from_function_id(store: &Store, catalog: &PriceCatalog, id: i64, days: u32) -> Result<Extraction> {
    let f = functions::list(store.conn())?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| {
            AppError::bad_input(
                ErrorCode::NoFunction,
                "This function is no longer in the database.",
            )
        })?;
    let req = ExtractRequest {
        function: f.config.name,
        account: Some(f.account_key),
        days,
        platforms: Vec::new(),
        step: Step::Minute,
        check: false,
    };
    from_function(store, catalog, &req)
}

/// Simulated against measured cold starts of the stored function `id` over its last `days`
/// days, per day, with the keep-alive fitted to them: the function detail's "simulated vs
/// measured cold starts". `None` without REPORT records for those days.
pub fn calibration(store: &Store, catalog: &PriceCatalog, id: i64, days: u32) -> Result<Option<Calibration>> {
    Ok(from_function_id(store, catalog, id, days)?.calibration)
}

/// Cost and latency per memory size, `from_mb..=to_mb`, of the stored function `id`'s last
/// `days` days of traffic on its function platforms.
pub fn tune_function(
    store: &Store,
    catalog: &PriceCatalog,
    id: i64,
    days: u32,
    (from_mb, to_mb): (u32, u32),
) -> Result<Timed<TuneResult>> {
    let x = from_function_id(store, catalog, id, days)?;
    tune(catalog, &x.scenario, &RunOptions::default(), from_mb, to_mb)
}

//! Reconciliation: usage-derived Lambda cost against billed Lambda cost, day by day, with the
//! gap's likely causes read from evidence in the data.
//!
//! Causes, each with an estimated amount where the data allows one:
//! - **INIT billing**: the bill's on-demand GB-seconds exceed the usage-derived ones (the
//!   metrics' durations plus the INIT the REPORT records measured, which the usage-derived cost
//!   already prices): INIT of functions without log data, which no CloudWatch metric shows;
//!   estimate = extra GB-s × price.
//! - **free tier**: the account's monthly free allowance (1 M requests, 400,000 GB-s) covers the
//!   first usage of each month; estimate = the day's share of the credit, when the bill is lower.
//! - **untracked functions**: billed requests differ from the metrics' invocations (functions
//!   billed but absent from the inventory, or listed but not billed); estimate = the request
//!   difference × request price (their durations are unknown).
//! - **not final**: the provider still marks the day `Estimated`.
//! - **no bill**: no billed Lambda cost is stored for the day.
//!
//! Status: `ok` when |gap| ≤ tolerance; `explained` when |gap − Σ estimates| ≤ tolerance, or the
//! day is not final; else `unexplained`. Tolerance: the larger of [`TOLERANCE_PCT`] % of the
//! billed amount and [`TOLERANCE_MIN_USD`].

use crate::store::Day;
use breakeven_simulator::pricing::Usd;
use polars::prelude::*;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

/// Relative tolerance of a day's gap, percent of the billed amount.
pub const TOLERANCE_PCT: Decimal = Decimal::from_parts(1, 0, 0, false, 0);
/// Absolute tolerance floor, USD (one cent: what an invoice rounds to).
pub const TOLERANCE_MIN_USD: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// Join usage-derived days (`day`, `derived_usd`, `derived_requests`, `derived_gb_seconds_x86`,
/// `derived_gb_seconds_arm`) with billed Lambda days ([`crate::analytics::billed::lambda_days`])
/// on `day` (full outer: a day on one side only is kept). Sorted by day.
pub fn join_days(derived: LazyFrame, billed: LazyFrame) -> LazyFrame {
    derived
        .join(
            billed,
            [col("day")],
            [col("day")],
            JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
        )
        .sort(["day"], SortMultipleOptions::default())
}

/// Prices the cause estimates use, USD per unit (first tier).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitPrices {
    pub request: Decimal,
    pub gb_second_x86: Decimal,
    pub gb_second_arm: Decimal,
}

/// One day's figures, read from [`join_days`] plus the day's free-tier credit.
#[derive(Debug, Clone, PartialEq)]
pub struct DayFigures {
    pub day: Day,
    pub derived_usd: Usd,
    pub derived_requests: f64,
    pub derived_gb_seconds_x86: f64,
    pub derived_gb_seconds_arm: f64,
    /// Of the derived GB-seconds, the measured INIT's (REPORT records).
    pub derived_init_gb_seconds: f64,
    /// `None`: nothing billed stored for the day.
    pub billed_usd: Option<Usd>,
    pub billed_requests: f64,
    pub billed_gb_seconds_x86: f64,
    pub billed_gb_seconds_arm: f64,
    pub estimated: bool,
    /// Value of the account's free tier the day's usage would take (month-to-date order).
    pub free_tier_usd: Usd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    Ok,
    Explained,
    Unexplained,
}

impl DayStatus {
    pub fn label(&self) -> &'static str {
        match self {
            DayStatus::Ok => "ok",
            DayStatus::Explained => "explained",
            DayStatus::Unexplained => "unexplained",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    InitBilling,
    FreeTier,
    UntrackedFunctions,
    NotFinal,
    NoBill,
}

/// A likely cause of a gap, with its evidence and (where known) its estimated amount.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cause {
    pub kind: CauseKind,
    /// Signed like the gap: positive when it makes the bill higher than the metrics.
    pub estimate_usd: Option<Usd>,
    pub evidence: String,
}

/// One reconciled day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReconciledDay {
    pub day: Day,
    pub usage_derived_usd: Usd,
    pub billed_usd: Option<Usd>,
    /// billed − usage-derived, exact.
    pub gap_usd: Option<Usd>,
    /// gap / billed, percent, 2 decimals.
    pub gap_pct: Option<Decimal>,
    /// gap − Σ cause estimates.
    pub unexplained_usd: Option<Usd>,
    pub tolerance_usd: Usd,
    pub status: DayStatus,
    pub causes: Vec<Cause>,
}

fn dec(x: f64) -> Decimal {
    Decimal::from_f64(x).unwrap_or_default().round_dp(10)
}

/// The tolerance for a day billed `billed`.
pub fn tolerance(billed: Usd) -> Usd {
    Usd((billed.0.abs() * TOLERANCE_PCT / Decimal::ONE_HUNDRED).max(TOLERANCE_MIN_USD))
}

/// Reconcile one day.
pub fn reconcile_day(f: &DayFigures, p: &UnitPrices) -> ReconciledDay {
    let Some(billed) = f.billed_usd else {
        return ReconciledDay {
            day: f.day,
            usage_derived_usd: f.derived_usd,
            billed_usd: None,
            gap_usd: None,
            gap_pct: None,
            unexplained_usd: None,
            tolerance_usd: tolerance(Usd::ZERO),
            status: DayStatus::Unexplained,
            causes: vec![Cause {
                kind: CauseKind::NoBill,
                estimate_usd: None,
                evidence: "no billed Lambda cost is stored for this day (not synced yet?)".into(),
            }],
        };
    };
    let gap = billed - f.derived_usd;
    let tol = tolerance(billed);
    let mut causes = Vec::new();
    let small = Usd(tol.0 / Decimal::TEN);
    // INIT: billed on-demand GB-seconds above the metrics' and the measured INIT's.
    let extra_x86 = f.billed_gb_seconds_x86 - f.derived_gb_seconds_x86;
    let extra_arm = f.billed_gb_seconds_arm - f.derived_gb_seconds_arm;
    let init = Usd(dec(extra_x86.max(0.0)) * p.gb_second_x86 + dec(extra_arm.max(0.0)) * p.gb_second_arm);
    if init > small {
        causes.push(Cause {
            kind: CauseKind::InitBilling,
            estimate_usd: Some(Usd(init.0.round_dp(6))),
            evidence: if f.derived_init_gb_seconds > 0.0 {
                format!(
                    "the bill has {:.1} more on-demand GB-seconds than the Duration metrics and the {:.1} GB-seconds of INIT measured from REPORT records: INIT of functions without log data (cold-start time is billed but not in CloudWatch)",
                    extra_x86.max(0.0) + extra_arm.max(0.0),
                    f.derived_init_gb_seconds
                )
            } else {
                format!(
                    "the bill has {:.1} more on-demand GB-seconds than the Duration metrics: INIT (cold-start) time is billed but not in CloudWatch (no REPORT records read)",
                    extra_x86.max(0.0) + extra_arm.max(0.0)
                )
            },
        });
    }
    // Free tier: the bill is lower and the month's allowance was still available.
    if gap.0 < Decimal::ZERO && f.free_tier_usd > small {
        causes.push(Cause {
            kind: CauseKind::FreeTier,
            estimate_usd: Some(-f.free_tier_usd),
            evidence: format!(
                "the account's monthly free tier would cover {} of this day's usage",
                f.free_tier_usd
            ),
        });
    }
    // Requests billed vs invoked.
    let req_diff = f.billed_requests - f.derived_requests;
    let req_value = Usd(dec(req_diff.round()) * p.request);
    if req_diff.abs() > (0.01 * f.billed_requests).max(100.0) && f.billed_requests > 0.0 {
        let evidence = if req_diff > 0.0 {
            format!("{req_diff:.0} more requests billed than the metrics show: functions billed but absent from the inventory (or their metrics not synced)")
        } else {
            format!("{:.0} more invocations in the metrics than billed: functions in the inventory the bill does not cover", -req_diff)
        };
        causes.push(Cause {
            kind: CauseKind::UntrackedFunctions,
            estimate_usd: Some(req_value),
            evidence,
        });
    }
    if f.estimated {
        causes.push(Cause {
            kind: CauseKind::NotFinal,
            estimate_usd: None,
            evidence: "the provider marks this day Estimated: its bill may still change".into(),
        });
    }
    let explained: Usd = causes.iter().filter_map(|c| c.estimate_usd).sum();
    let residual = gap - explained;
    let status = if gap.0.abs() <= tol.0 {
        DayStatus::Ok
    } else if residual.0.abs() <= tol.0 || f.estimated {
        DayStatus::Explained
    } else {
        DayStatus::Unexplained
    };
    let gap_pct = (!billed.is_zero()).then(|| (gap.0 / billed.0 * Decimal::ONE_HUNDRED).round_dp(2));
    ReconciledDay {
        day: f.day,
        usage_derived_usd: f.derived_usd,
        billed_usd: Some(billed),
        gap_usd: Some(gap),
        gap_pct,
        unexplained_usd: Some(Usd(residual.0.round_dp(6))),
        tolerance_usd: tol,
        status,
        causes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn usd(s: &str) -> Usd {
        Usd(Decimal::from_str(s).unwrap())
    }

    fn prices() -> UnitPrices {
        UnitPrices {
            request: Decimal::from_str("0.0000002").unwrap(),
            gb_second_x86: Decimal::from_str("0.0000166667").unwrap(),
            gb_second_arm: Decimal::from_str("0.0000133334").unwrap(),
        }
    }

    fn figures(billed: &str, extra_gb_s: f64) -> DayFigures {
        DayFigures {
            day: Day(20_000),
            derived_usd: usd("10"),
            derived_requests: 1e6,
            derived_gb_seconds_x86: 500_000.0,
            derived_gb_seconds_arm: 0.0,
            derived_init_gb_seconds: 0.0,
            billed_usd: Some(usd(billed)),
            billed_requests: 1e6,
            billed_gb_seconds_x86: 500_000.0 + extra_gb_s,
            billed_gb_seconds_arm: 0.0,
            estimated: false,
            free_tier_usd: Usd::ZERO,
        }
    }

    #[test]
    fn a_gap_inside_the_tolerance_is_ok() {
        let r = reconcile_day(&figures("10.05", 0.0), &prices());
        assert_eq!(r.status, DayStatus::Ok);
        assert_eq!(r.gap_usd, Some(usd("0.05")));
        assert_eq!(r.tolerance_usd, usd("0.1005"));
    }

    #[test]
    fn extra_billed_gb_seconds_explain_the_gap_as_init() {
        // 60,000 GB-s × 0.0000166667 = 1.000002
        let r = reconcile_day(&figures("11", 60_000.0), &prices());
        assert_eq!(r.status, DayStatus::Explained);
        assert_eq!(r.causes[0].kind, CauseKind::InitBilling);
        assert_eq!(r.causes[0].estimate_usd, Some(usd("1.000002")));
        assert_eq!(r.gap_pct, Some(Decimal::from_str("9.09").unwrap()));
    }

    #[test]
    fn a_gap_without_evidence_is_unexplained() {
        let r = reconcile_day(&figures("12", 0.0), &prices());
        assert_eq!(r.status, DayStatus::Unexplained);
        assert!(r.causes.is_empty());
    }
}

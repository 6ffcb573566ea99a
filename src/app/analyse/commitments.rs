//! The commitments section: effective discount per service, Savings Plans utilisation and
//! coverage per day and over the range (rules in [`crate::analytics::commitments`]).

use crate::analytics::commitments;
use crate::analytics::money::usd_values;
use crate::analytics::read::{i64s, strs};
use crate::analytics::AnalyticsError;
use crate::app::analyse::bill_sources;
use crate::app::analyse::model::{
    CommitmentDay, CommitmentFigures, CommitmentTotals, Commitments, EffectiveRate,
};
use crate::app::error::Result;
use crate::store::Day;
use breakeven_simulator::pricing::Usd;
use polars::prelude::*;
use rust_decimal::Decimal;

const METHOD: &str = "effective discount = 1 − effective / on-demand over a service's usage \
(Cost Explorer: amortized against unblended cost of Usage and SavingsPlanCoveredUsage records; \
FOCUS: EffectiveCost against ListCost); utilisation = used / (used + unused) commitment \
(Cost Explorer: amortized covered usage, and the amortized SavingsPlanRecurringFee as the unused \
part; FOCUS: EffectiveCost of Used and Unused commitment charges); coverage = covered on-demand \
equivalent / that plus the uncovered usage of the usage types (FOCUS: services) a commitment \
covered in the range; reserved instances are not derived from Cost Explorer (no on-demand \
equivalent there)";

/// A ratio of two exact amounts, 4 decimals (half away from zero); `None` when the denominator
/// is zero.
pub fn rate(num: Usd, den: Usd) -> Option<Decimal> {
    (!den.is_zero()).then(|| {
        (num.0 / den.0)
            .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    })
}

/// A day's or the range's figures from its exact sums.
pub fn figures(used: Usd, unused: Usd, covered: Usd, eligible: Usd) -> CommitmentFigures {
    let commitment = used + unused;
    let saving = covered - used;
    CommitmentFigures {
        commitment_usd: commitment,
        used_usd: used,
        unused_usd: unused,
        utilisation: rate(used, commitment),
        covered_on_demand_usd: covered,
        eligible_on_demand_usd: eligible,
        coverage: rate(covered, eligible),
        saving_usd: saving,
        net_saving_usd: saving - unused,
    }
}

/// Build the section from the commitment frame ([`crate::analytics::frames::commitment_rows`]).
pub fn build(rows: LazyFrame) -> Result<Commitments> {
    let e = AnalyticsError::from;
    let rates_df = commitments::effective_rates(rows.clone()).collect().map_err(e)?;
    let sources = bill_sources(&rates_df)?;
    let service = strs(&rates_df, "service").map_err(e)?;
    let od = usd_values(&rates_df, "on_demand_usd").map_err(e)?;
    let eff = usd_values(&rates_df, "effective_usd").map_err(e)?;
    let effective_rates: Vec<EffectiveRate> = (0..rates_df.height())
        .map(|i| EffectiveRate {
            source: sources[i],
            service: service[i].clone(),
            on_demand_usd: od[i],
            effective_usd: eff[i],
            saving_usd: od[i] - eff[i],
            discount: rate(od[i] - eff[i], od[i]).unwrap_or_default(),
        })
        .collect();

    let days_df = commitments::days(rows).collect().map_err(e)?;
    let sources = bill_sources(&days_df)?;
    let day = i64s(&days_df, "day").map_err(e)?;
    let used = usd_values(&days_df, "used_usd").map_err(e)?;
    let unused = usd_values(&days_df, "unused_usd").map_err(e)?;
    let covered = usd_values(&days_df, "covered_usd").map_err(e)?;
    let eligible = usd_values(&days_df, "eligible_usd").map_err(e)?;
    let days: Vec<CommitmentDay> = (0..days_df.height())
        .map(|i| CommitmentDay {
            source: sources[i],
            day: Day(day[i]),
            figures: figures(used[i], unused[i], covered[i], eligible[i]),
        })
        .collect();
    let mut totals: Vec<CommitmentTotals> = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        if totals.last().map(|t| t.source) != Some(*s) {
            let of = |v: &[Usd]| -> Usd {
                (i..days_df.height())
                    .filter(|&j| sources[j] == *s)
                    .map(|j| v[j])
                    .sum()
            };
            totals.push(CommitmentTotals {
                source: *s,
                figures: figures(of(&used), of(&unused), of(&covered), of(&eligible)),
            });
        }
    }
    let found = !totals.is_empty();
    let summary = if !found {
        "no commitment in the bill".to_string()
    } else {
        totals
            .iter()
            .map(|t| {
                let f = &t.figures;
                format!(
                    "{}: commitment {} over {} day(s), utilisation {}, coverage {}, saving {} ({} net of {} unused)",
                    t.source.as_str(),
                    f.commitment_usd,
                    days.iter().filter(|d| d.source == t.source).count(),
                    pct(f.utilisation),
                    pct(f.coverage),
                    f.saving_usd,
                    f.net_saving_usd,
                    f.unused_usd,
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    Ok(Commitments {
        found,
        summary,
        method: METHOD.to_string(),
        effective_rates,
        totals,
        days,
    })
}

/// A rate as a percentage for people, 1 decimal, or `n/a`.
pub fn pct(r: Option<Decimal>) -> String {
    match r {
        Some(r) => format!("{}%", (r * Decimal::ONE_HUNDRED).round_dp(1)),
        None => "n/a".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn usd(s: &str) -> Usd {
        Usd(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn a_partly_used_commitment_shows_its_waste_and_net_saving() {
        // $24 commitment, $18 used on usage worth $21.69 on demand; $40 eligible.
        let f = figures(usd("18"), usd("6"), usd("21.69"), usd("40"));
        assert_eq!(f.commitment_usd, usd("24"));
        assert_eq!(f.utilisation, Some(Decimal::from_str("0.75").unwrap()));
        assert_eq!(f.coverage, Some(Decimal::from_str("0.5423").unwrap()));
        assert_eq!(f.saving_usd, usd("3.69"));
        assert_eq!(f.net_saving_usd, usd("-2.31"));
        assert_eq!(pct(f.utilisation), "75.0%");
        assert_eq!(
            figures(Usd::ZERO, Usd::ZERO, Usd::ZERO, Usd::ZERO).utilisation,
            None
        );
    }

    #[test]
    fn a_bill_without_commitment_says_so() {
        let rows = crate::analytics::frames::commitment_frame(&[(
            1,
            crate::analytics::billed::BillSource::CostExplorer,
            "AWS Lambda",
            "Request",
            crate::analytics::frames::CommitmentKind::Usage,
            Decimal::ONE,
            Decimal::ONE,
        )])
        .unwrap();
        let c = build(rows.lazy()).unwrap();
        assert!(!c.found);
        assert_eq!(c.summary, "no commitment in the bill");
        assert_eq!(c.effective_rates.len(), 1);
        assert_eq!(c.effective_rates[0].discount, Decimal::ZERO);
    }
}

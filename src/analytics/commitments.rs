//! Commitments read from the bill: what each service costs against its on-demand (list)
//! equivalent, and how well Savings Plans (or any FOCUS commitment) are used and cover usage.
//!
//! Input: the commitment frame ([`crate::analytics::frames::commitment_rows`]): one row per
//! Cost Explorer record type and usage type per day, or per FOCUS charge, with its `kind`
//! ([`CommitmentKind`]), its on-demand equivalent and its effective (amortized) cost. Rules:
//!
//! - **effective discount** of a service = 1 − effective / on-demand over its usage, covered or
//!   not (Cost Explorer: `Usage` and `SavingsPlanCoveredUsage` rows, amortized against unblended;
//!   FOCUS: `Usage` charges, EffectiveCost against ListCost). Unused commitment is not in it: it
//!   shows as waste in utilisation.
//! - **utilisation** of a day = used commitment / total commitment, where used is the effective
//!   cost of covered usage and total is used + unused (Cost Explorer: the amortized
//!   `SavingsPlanRecurringFee`, which is the part of the commitment no usage took; FOCUS: charges
//!   whose CommitmentDiscountStatus is `Unused`).
//! - **coverage** of a day = covered on-demand equivalent / eligible on-demand equivalent, where
//!   eligible is covered usage plus the uncovered usage of every key a commitment covered at
//!   least once in the range (Cost Explorer: usage types; FOCUS: services). Neither source says
//!   which usage a plan could cover, so usage of a kind the plan never touched is not counted.
//!
//! Money stays exact integer nano-dollars; rates are computed from the exact sums at the edge.

use crate::analytics::billed::{BillSource, LAMBDA_SERVICE};
use crate::analytics::frames::CommitmentKind;
use polars::prelude::*;

fn kind_is(kind: CommitmentKind) -> Expr {
    col("kind").eq(lit(kind.as_str()))
}

/// On-demand equivalent and effective cost per `source` and `service`: `on_demand_usd`,
/// `effective_usd` (money), over usage rows (covered or not); services without on-demand cost
/// are left out. Sorted by saving (on-demand − effective), largest first, then service.
pub fn effective_rates(rows: LazyFrame) -> LazyFrame {
    rows.filter(kind_is(CommitmentKind::Usage).or(kind_is(CommitmentKind::Covered)))
        .group_by([col("source"), col("service")])
        .agg([col("on_demand_usd").sum(), col("effective_usd").sum()])
        .filter(col("on_demand_usd").neq(lit(0i64)))
        .with_column((col("on_demand_usd") - col("effective_usd")).alias("saving_usd"))
        .sort_by_exprs(
            [col("saving_usd"), col("source"), col("service")],
            SortMultipleOptions::default().with_order_descending_multi([true, false, false]),
        )
}

/// Commitment per `source` and `day`, on days that have any: `used_usd` (effective cost of
/// covered usage), `unused_usd`, `covered_usd` (on-demand equivalent of covered usage),
/// `eligible_usd` (covered + uncovered usage of keys a commitment covered in the range). Sorted
/// by source and day.
pub fn days(rows: LazyFrame) -> LazyFrame {
    let covered = kind_is(CommitmentKind::Covered);
    let eligible_keys = rows
        .clone()
        .group_by([col("source"), col("key")])
        .agg([covered.clone().any(true).alias("eligible")]);
    rows.join(
        eligible_keys,
        [col("source"), col("key")],
        [col("source"), col("key")],
        JoinArgs::new(JoinType::Left),
    )
    .group_by([col("source"), col("day")])
    .agg([
        col("effective_usd")
            .filter(covered.clone())
            .sum()
            .alias("used_usd"),
        col("effective_usd")
            .filter(kind_is(CommitmentKind::Unused))
            .sum()
            .alias("unused_usd"),
        col("on_demand_usd")
            .filter(covered.clone())
            .sum()
            .alias("covered_usd"),
        col("on_demand_usd")
            .filter(covered.or(kind_is(CommitmentKind::Usage).and(col("eligible").fill_null(lit(false)))))
            .sum()
            .alias("eligible_usd"),
    ])
    .filter(
        col("used_usd")
            .neq(lit(0i64))
            .or(col("unused_usd").neq(lit(0i64)))
            .or(col("covered_usd").neq(lit(0i64))),
    )
    .sort(["source", "day"], SortMultipleOptions::default())
}

/// Billed Lambda days ([`crate::analytics::billed::lambda_days`]) with Cost Explorer's
/// `billed_usd` put back to its on-demand equivalent: the Savings Plans negation of Lambda usage
/// (which takes covered usage off the unblended bill; the plan's fee is billed under its own
/// service) is added back, so the bill compares with usage priced at list. The saving shows in
/// the commitments section instead.
pub fn on_demand_lambda_days(lambda_days: LazyFrame, rows: LazyFrame) -> LazyFrame {
    let negation = rows
        .filter(
            kind_is(CommitmentKind::Negation)
                .and(col("service").eq(lit(LAMBDA_SERVICE)))
                .and(col("source").eq(lit(BillSource::CostExplorer.as_str()))),
        )
        .group_by([col("day")])
        .agg([col("on_demand_usd").sum().alias("negation_usd")]);
    lambda_days
        .join(
            negation,
            [col("day")],
            [col("day")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            when(col("source").eq(lit(BillSource::CostExplorer.as_str())))
                .then(col("billed_usd") - col("negation_usd").fill_null(lit(0i64)))
                .otherwise(col("billed_usd"))
                .alias("billed_usd"),
        )
        .drop(by_name(["negation_usd"], true, false))
        .sort(["day"], SortMultipleOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::frames::commitment_frame;
    use crate::analytics::money::usd_values;
    use crate::analytics::read::i64s;
    use rust_decimal::Decimal;
    use std::str::FromStr;
    use CommitmentKind::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn exact(df: &DataFrame, c: &str) -> Vec<String> {
        usd_values(df, c).unwrap().iter().map(|u| u.exact()).collect()
    }

    const CE: BillSource = BillSource::CostExplorer;
    const SP: &str = "Savings Plans for AWS Compute usage";

    /// Two days of a $1.00/hour ($24/day) Compute Savings Plan over Lambda, as Cost Explorer
    /// reports them (a 20% plan rate keeps the figures round).
    fn bill() -> DataFrame {
        let rows = vec![
            // Day 1: $24 commitment, all used: covers $30 on-demand of duration for $24
            // (a 20% rate keeps the cents exact); $10 more duration and $2 of requests on demand.
            (
                1,
                CE,
                LAMBDA_SERVICE,
                "Lambda-GB-Second",
                Covered,
                d("30"),
                d("24"),
            ),
            (
                1,
                CE,
                LAMBDA_SERVICE,
                "Lambda-GB-Second",
                Negation,
                d("-30"),
                d("0"),
            ),
            (1, CE, LAMBDA_SERVICE, "Lambda-GB-Second", Usage, d("10"), d("10")),
            (1, CE, LAMBDA_SERVICE, "Request", Usage, d("2"), d("2")),
            (1, CE, SP, "ComputeSP:1yrNoUpfront", Unused, d("24"), d("0")),
            // Day 2: usage of $15 on-demand takes $12 of the $24: $12 wasted.
            (
                2,
                CE,
                LAMBDA_SERVICE,
                "Lambda-GB-Second",
                Covered,
                d("15"),
                d("12"),
            ),
            (
                2,
                CE,
                LAMBDA_SERVICE,
                "Lambda-GB-Second",
                Negation,
                d("-15"),
                d("0"),
            ),
            (2, CE, LAMBDA_SERVICE, "Request", Usage, d("1.5"), d("1.5")),
            (2, CE, SP, "ComputeSP:1yrNoUpfront", Unused, d("24"), d("12")),
            // Another service, never covered.
            (
                2,
                CE,
                "Amazon S3",
                "TimedStorage-ByteHrs",
                Usage,
                d("3.33"),
                d("3.33"),
            ),
        ];
        commitment_frame(&rows).unwrap()
    }

    #[test]
    fn utilisation_and_coverage_per_day_to_the_cent() {
        let out = days(bill().lazy()).collect().unwrap();
        assert_eq!(i64s(&out, "day").unwrap(), [1, 2]);
        assert_eq!(exact(&out, "used_usd"), ["24", "12"]);
        assert_eq!(exact(&out, "unused_usd"), ["0", "12"]);
        assert_eq!(exact(&out, "covered_usd"), ["30", "15"]);
        // Requests and S3 were never covered: not eligible.
        assert_eq!(exact(&out, "eligible_usd"), ["40", "15"]);
    }

    #[test]
    fn effective_rates_compare_amortized_with_on_demand() {
        let out = effective_rates(bill().lazy()).collect().unwrap();
        let services = crate::analytics::read::strs(&out, "service").unwrap();
        assert_eq!(services, [LAMBDA_SERVICE, "Amazon S3"]);
        assert_eq!(exact(&out, "on_demand_usd"), ["58.5", "3.33"]);
        assert_eq!(exact(&out, "effective_usd"), ["49.5", "3.33"]);
        assert_eq!(exact(&out, "saving_usd"), ["9", "0"]);
    }

    #[test]
    fn the_negation_is_added_back_to_billed_lambda() {
        let lambda_days = DataFrame::new_infer_height(vec![
            Column::new("day".into(), [1i64, 2, 3]),
            Column::new("source".into(), ["cost-explorer", "cost-explorer", "focus"]),
            crate::analytics::money::usd_column("billed_usd", &[d("12"), d("1.5"), d("7")]).unwrap(),
        ])
        .unwrap();
        let out = on_demand_lambda_days(lambda_days.lazy(), bill().lazy())
            .collect()
            .unwrap();
        assert_eq!(exact(&out, "billed_usd"), ["42", "16.5", "7"]);
    }
}

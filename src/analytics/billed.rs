//! Billed cost (Cost Explorer and FOCUS rows from [`crate::analytics::frames::billed`]) by day,
//! service and usage type; and the billed Lambda figures reconciliation compares against.

use polars::prelude::*;

/// Service name of Lambda in Cost Explorer and in AWS FOCUS exports.
pub const LAMBDA_SERVICE: &str = "AWS Lambda";

/// Billed cost per `day`, `source`, `service` and `usage_type`: `cost_usd` (exact sum),
/// `quantity` (sum), `unit`, `estimated` (any row still estimated). Sorted by day, then cost
/// descending.
pub fn by_day(billed: LazyFrame) -> LazyFrame {
    billed
        .group_by([col("day"), col("source"), col("service"), col("usage_type")])
        .agg([
            col("cost_usd").sum(),
            col("quantity").sum(),
            col("unit").first(),
            col("estimated").any(true),
        ])
        .sort_by_exprs(
            [col("day"), col("cost_usd")],
            SortMultipleOptions::default().with_order_descending_multi([false, true]),
        )
}

/// Billed cost per `source`, `service` over the whole frame: `cost_usd`, `days` (with a cost
/// row). Sorted by cost, largest first.
pub fn by_service(billed: LazyFrame) -> LazyFrame {
    billed
        .group_by([col("source"), col("service")])
        .agg([col("cost_usd").sum(), col("day").n_unique().alias("days")])
        .sort_by_exprs(
            [col("cost_usd"), col("service")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
}

/// Where a billed row comes from; the `source` column of the billed frame holds its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum BillSource {
    /// Cost Explorer daily costs (`daily_costs`).
    CostExplorer,
    /// Imported FOCUS charges (`focus_charges`).
    Focus,
    /// Daily aggregates of a billing export read through Athena (`export_days`).
    Export,
}

text_enum!(BillSource {
    CostExplorer => "cost-explorer",
    Focus => "focus",
    Export => "export",
});

impl BillSource {
    /// Which source a day's bill is read from when several hold it, lowest first: Cost
    /// Explorer (usage types and quantities as the bill has them), then a billing export
    /// (per resource), then imported FOCUS charges.
    pub fn rank(self) -> i32 {
        match self {
            BillSource::CostExplorer => 0,
            BillSource::Export => 1,
            BillSource::Focus => 2,
        }
    }
}

/// The rows of `billed` from the one source each day is read from ([`BillSource::rank`]), so
/// a day that two sources hold is counted once in every figure.
pub fn one_source_per_day(billed: LazyFrame) -> LazyFrame {
    let rank = BillSource::ALL.iter().fold(lit(i32::MAX), |acc, s| {
        when(col("source").eq(lit(s.as_str())))
            .then(lit(s.rank()))
            .otherwise(acc)
    });
    billed
        .with_column(rank.alias("rank"))
        .filter(
            col("rank").eq(col("rank")
                .min()
                .over([col("day")])
                .expect("the window has a partition")),
        )
        .drop(by_name(["rank"], true, false))
}

/// What a Lambda usage type bills, classified once when the frame is loaded
/// ([`crate::analytics::frames::billed`]): the `usage_kind` column holds [`UsageKind::as_str`],
/// the `usage_arm` column whether the usage type is Arm's (`-ARM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageKind {
    /// `Request`, `Request-ARM` (with any region prefix, e.g. `USE1-Request`).
    Request,
    /// On-demand duration: `Lambda-GB-Second`, `Lambda-GB-Second-ARM` (which carry billed INIT
    /// time too).
    Duration,
    /// Provisioned concurrency: `Lambda-Provisioned-Concurrency`, `Lambda-Provisioned-GB-Second`.
    Provisioned,
    /// Everything else (ephemeral storage, FOCUS charge categories, other services).
    Other,
}

impl UsageKind {
    /// Classify a usage type, first rule that matches: `Request` anywhere, then `Provisioned`,
    /// then `Lambda-GB-Second`. Substring tests run here in Rust: polars' string search needs
    /// its regex feature, which this build leaves out.
    pub fn of(usage_type: &str) -> UsageKind {
        if usage_type.contains("Request") {
            UsageKind::Request
        } else if usage_type.contains("Provisioned") {
            UsageKind::Provisioned
        } else if usage_type.contains("Lambda-GB-Second") {
            UsageKind::Duration
        } else {
            UsageKind::Other
        }
    }

    /// Whether a usage type is billed at Arm rates.
    pub fn is_arm(usage_type: &str) -> bool {
        usage_type.contains("-ARM")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UsageKind::Request => "request",
            UsageKind::Duration => "duration",
            UsageKind::Provisioned => "provisioned",
            UsageKind::Other => "other",
        }
    }
}

fn kind_is(kind: UsageKind) -> Expr {
    col("usage_kind").eq(lit(kind.as_str()))
}

/// Billed Lambda per `day`: `billed_usd`, `billed_requests` (quantity of `Request*` usage types),
/// `billed_gb_seconds_x86` and `billed_gb_seconds_arm` (on-demand duration usage types
/// `Lambda-GB-Second[-ARM]`, which also carry billed INIT time), `estimated`, `source`.
///
/// Where a day has rows of several sources, one is used ([`BillSource::rank`]) so the day is not
/// counted twice.
pub fn lambda_days(billed: LazyFrame) -> LazyFrame {
    let on_demand = kind_is(UsageKind::Duration);
    let arm = col("usage_arm");
    let per_day_and_source = billed
        .filter(col("service").eq(lit(LAMBDA_SERVICE)))
        .group_by([col("day"), col("source")])
        .agg([
            col("cost_usd").sum().alias("billed_usd"),
            col("quantity")
                .filter(kind_is(UsageKind::Request))
                .sum()
                .alias("billed_requests"),
            col("quantity")
                .filter(on_demand.clone().and(arm.clone().not()))
                .sum()
                .alias("billed_gb_seconds_x86"),
            col("quantity")
                .filter(on_demand.and(arm))
                .sum()
                .alias("billed_gb_seconds_arm"),
            col("estimated").any(true),
        ]);
    one_source_per_day(per_day_and_source).sort(["day"], SortMultipleOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::money::{usd_column, usd_values};
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn usage_kinds(types: &[&str]) -> Column {
        Column::new(
            "usage_kind".into(),
            types
                .iter()
                .map(|t| UsageKind::of(t).as_str())
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn usage_types_are_classified_with_or_without_a_region_prefix() {
        let cases = [
            ("Request", UsageKind::Request, false),
            ("USE1-Request-ARM", UsageKind::Request, true),
            ("Lambda-GB-Second", UsageKind::Duration, false),
            ("EUW1-Lambda-GB-Second-ARM", UsageKind::Duration, true),
            ("Lambda-Provisioned-Concurrency", UsageKind::Provisioned, false),
            ("Lambda-Provisioned-GB-Second-ARM", UsageKind::Provisioned, true),
            ("Lambda-Storage-GB-Second", UsageKind::Other, false),
            ("Usage", UsageKind::Other, false),
        ];
        for (t, kind, arm) in cases {
            assert_eq!((UsageKind::of(t), UsageKind::is_arm(t)), (kind, arm), "{t}");
        }
    }

    #[test]
    fn lambda_days_prefer_cost_explorer_and_split_usage_types() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let frame = DataFrame::new_infer_height(vec![
            Column::new("day".into(), [1i64, 1, 1, 1, 2]),
            Column::new(
                "source".into(),
                [
                    "cost-explorer",
                    "cost-explorer",
                    "cost-explorer",
                    "focus",
                    "focus",
                ],
            ),
            Column::new("service".into(), [LAMBDA_SERVICE; 5]),
            Column::new(
                "usage_type".into(),
                [
                    "Request",
                    "Lambda-GB-Second-ARM",
                    "Lambda-Provisioned-GB-Second",
                    "Usage",
                    "Usage",
                ],
            ),
            usage_kinds(&[
                "Request",
                "Lambda-GB-Second-ARM",
                "Lambda-Provisioned-GB-Second",
                "Usage",
                "Usage",
            ]),
            Column::new("usage_arm".into(), [false, true, false, false, false]),
            usd_column("cost_usd", &[d("0.2"), d("0.1"), d("0.3"), d("9"), d("1.25")]).unwrap(),
            Column::new("quantity".into(), [1e6, 7500.0, 100.0, 0.0, 0.0]),
            Column::new(
                "unit".into(),
                ["Requests", "Lambda-GB-Second", "Lambda-GB-Second", "", ""],
            ),
            Column::new("estimated".into(), [false, true, false, false, false]),
        ])
        .unwrap();
        let out = lambda_days(frame.lazy()).collect().unwrap();
        assert_eq!(out.height(), 2);
        let usd: Vec<String> = usd_values(&out, "billed_usd")
            .unwrap()
            .iter()
            .map(|u| u.exact())
            .collect();
        assert_eq!(usd, ["0.6", "1.25"]);
        let g = |c: &str| out.column(c).unwrap().get(0).unwrap().extract::<f64>().unwrap();
        assert_eq!(g("billed_requests"), 1e6);
        assert_eq!(g("billed_gb_seconds_arm"), 7500.0);
        assert_eq!(g("billed_gb_seconds_x86"), 0.0);
    }
}

//! The one place Athena SQL is written: the query that turns one billing period of an AWS Data
//! Export (CUR 2.0 or FOCUS 1.0) into daily aggregates.
//!
//! The SQL stays inside the subset Athena (Trino) and the test engine (DuckDB) share: `SELECT`
//! with `CASE`, `COALESCE`, `CAST(… AS DECIMAL(38,10))`, `CAST(timestamp AS DATE)`, `LIKE`,
//! `SUM`, `COUNT(*)`, `GROUP BY` and `ORDER BY` by ordinal, double-quoted identifiers and
//! single-quoted literals. Costs are cast to `DECIMAL(38,10)` before they are summed, so the sums
//! are exact decimal arithmetic on the export's values (never a floating-point sum).
//!
//! Only the billing period's partition is read (`WHERE billing_period = '…'`): Athena bills the
//! bytes it scans, and a partition predicate is what keeps it from scanning the whole table.

use std::collections::BTreeSet;

/// Which export a table holds, from its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// AWS Data Exports "CUR 2.0" (`line_item_*`, `pricing_*`, `savings_plan_*` columns).
    Cur2,
    /// AWS Data Exports "FOCUS 1.0 with AWS columns" (`BilledCost`, `EffectiveCost`, …).
    Focus,
}

impl ExportFormat {
    /// The format of a table with these column names (case-insensitive), if it is one of ours.
    pub fn of_columns<'a>(columns: impl IntoIterator<Item = &'a str>) -> Option<ExportFormat> {
        let names: BTreeSet<String> = columns.into_iter().map(str::to_ascii_lowercase).collect();
        if CUR2_REQUIRED.iter().all(|c| names.contains(*c)) {
            Some(ExportFormat::Cur2)
        } else if FOCUS_REQUIRED
            .iter()
            .all(|c| names.contains(&c.to_ascii_lowercase()))
        {
            Some(ExportFormat::Focus)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Cur2 => "cur2",
            ExportFormat::Focus => "focus",
        }
    }
}

/// CUR 2.0 columns every query reads.
pub const CUR2_REQUIRED: &[&str] = &[
    "line_item_usage_account_id",
    "line_item_usage_start_date",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_resource_id",
    "line_item_line_item_type",
    "line_item_unblended_cost",
    "line_item_usage_amount",
    "line_item_currency_code",
    "pricing_public_on_demand_cost",
];

/// FOCUS 1.0 columns every query reads.
pub const FOCUS_REQUIRED: &[&str] = &[
    "SubAccountId",
    "ChargePeriodStart",
    "ServiceName",
    "ResourceId",
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "BillingCurrency",
    "ConsumedQuantity",
    "x_UsageType",
];

/// The result columns, in order: what [`super::results`] reads.
pub const RESULT_COLUMNS: &[&str] = &[
    "account_id",
    "usage_day",
    "service",
    "usage_type",
    "resource_id",
    "currency",
    "billed_cost",
    "effective_cost",
    "list_cost",
    "usage_amount",
    "line_items",
];

/// A table reference, quoted: `"database"."table"`.
pub fn table_ref(database: &str, table: &str) -> String {
    format!("{}.{}", ident(database), ident(table))
}

/// A double-quoted identifier (a `"` inside is doubled).
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A single-quoted literal (a `'` inside is doubled).
fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A cost column as an exact decimal (null as 0).
fn money(expr: &str) -> String {
    format!("CAST(COALESCE({expr}, 0) AS DECIMAL(38,10))")
}

/// The resource id kept for an aggregate: a Lambda function, an ECS (Fargate) task or an EC2
/// instance; every other resource (volumes, buckets, log groups) adds up under ''.
fn kept_resource(column: &str) -> String {
    let c = ident(column);
    format!(
        "CASE WHEN {c} LIKE 'arn:aws:lambda:%:function:%' OR {c} LIKE 'arn:aws:ecs:%:task/%' \
         OR {c} LIKE 'i-%' OR {c} LIKE 'arn:aws:ec2:%:instance/i-%' THEN {c} ELSE '' END"
    )
}

/// CUR 2.0's amortised (effective) cost of a line item, as AWS defines it: Savings Plans and
/// reservation usage at their effective cost, their negations and upfront fees at 0, the
/// recurring fees' unused part, everything else at its unblended cost. Amortisation columns the
/// table lacks count as 0.
fn cur2_effective(columns: &BTreeSet<String>) -> String {
    let col = |name: &str| {
        if columns.contains(name) {
            format!("COALESCE({}, 0)", ident(name))
        } else {
            "0".to_string()
        }
    };
    format!(
        "CASE \"line_item_line_item_type\" \
         WHEN 'SavingsPlanCoveredUsage' THEN {sp_effective} \
         WHEN 'SavingsPlanRecurringFee' THEN {sp_commitment} - {sp_used} \
         WHEN 'SavingsPlanNegation' THEN 0 \
         WHEN 'SavingsPlanUpfrontFee' THEN 0 \
         WHEN 'DiscountedUsage' THEN {ri_effective} \
         WHEN 'RIFee' THEN {ri_unused_upfront} + {ri_unused_recurring} \
         WHEN 'Fee' THEN {fee} \
         ELSE COALESCE(\"line_item_unblended_cost\", 0) END",
        // A reservation's upfront fee is already spread over its DiscountedUsage lines.
        fee = if columns.contains("reservation_reservation_a_r_n") {
            "CASE WHEN COALESCE(\"reservation_reservation_a_r_n\", '') <> '' THEN 0 \
             ELSE COALESCE(\"line_item_unblended_cost\", 0) END"
        } else {
            "COALESCE(\"line_item_unblended_cost\", 0)"
        },
        sp_effective = col("savings_plan_savings_plan_effective_cost"),
        sp_commitment = col("savings_plan_total_commitment_to_date"),
        sp_used = col("savings_plan_used_commitment"),
        ri_effective = col("reservation_effective_cost"),
        ri_unused_upfront = col("reservation_unused_amortized_upfront_fee_for_billing_period"),
        ri_unused_recurring = col("reservation_unused_recurring_fee"),
    )
}

/// The daily aggregates of one billing period (`YYYY-MM`) of `table` (from [`table_ref`]), whose
/// columns are `columns` (lower-case names, as Glue lists them).
pub fn period_query(
    format: ExportFormat,
    table: &str,
    partition_column: &str,
    period: &str,
    columns: &BTreeSet<String>,
) -> String {
    // (account, day, service, usage type, resource id, currency, billed, effective, list, usage)
    let c = match format {
        ExportFormat::Cur2 => [
            "\"line_item_usage_account_id\"".to_string(),
            "\"line_item_usage_start_date\"".into(),
            "\"line_item_product_code\"".into(),
            "\"line_item_usage_type\"".into(),
            kept_resource("line_item_resource_id"),
            "\"line_item_currency_code\"".into(),
            money("\"line_item_unblended_cost\""),
            format!("CAST({} AS DECIMAL(38,10))", cur2_effective(columns)),
            money("\"pricing_public_on_demand_cost\""),
            money("\"line_item_usage_amount\""),
        ],
        ExportFormat::Focus => [
            "\"SubAccountId\"".to_string(),
            "\"ChargePeriodStart\"".into(),
            "\"ServiceName\"".into(),
            "\"x_UsageType\"".into(),
            kept_resource("ResourceId"),
            "\"BillingCurrency\"".into(),
            money("\"BilledCost\""),
            money("\"EffectiveCost\""),
            money("\"ListCost\""),
            money("\"ConsumedQuantity\""),
        ],
    };
    // Text keys never NULL: a NULL and an '' group would otherwise both be stored as ''.
    let select = format!(
        "COALESCE({}, '') AS account_id, CAST({} AS DATE) AS usage_day, COALESCE({}, '') AS service, \
         COALESCE({}, '') AS usage_type, {} AS resource_id, COALESCE({}, '') AS currency, \
         SUM({}) AS billed_cost, SUM({}) AS effective_cost, SUM({}) AS list_cost, \
         SUM({}) AS usage_amount, COUNT(*) AS line_items",
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]
    );
    format!(
        "SELECT {select} FROM {table} WHERE {} = {} GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6",
        ident(partition_column),
        literal(period)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|c| c.to_ascii_lowercase()).collect()
    }

    #[test]
    fn the_format_comes_from_the_columns() {
        assert_eq!(
            ExportFormat::of_columns(CUR2_REQUIRED.iter().copied()),
            Some(ExportFormat::Cur2)
        );
        let focus: Vec<String> = FOCUS_REQUIRED.iter().map(|c| c.to_ascii_lowercase()).collect();
        assert_eq!(
            ExportFormat::of_columns(focus.iter().map(String::as_str)),
            Some(ExportFormat::Focus)
        );
        assert_eq!(ExportFormat::of_columns(["a", "b"]), None);
    }

    #[test]
    fn a_period_query_reads_one_partition_and_sums_exact_decimals() {
        let q = period_query(
            ExportFormat::Cur2,
            &table_ref("cur", "data"),
            "billing_period",
            "2026-11",
            &names(CUR2_REQUIRED),
        );
        assert!(
            q.contains("FROM \"cur\".\"data\" WHERE \"billing_period\" = '2026-11'"),
            "{q}"
        );
        assert!(q.contains("SUM(CAST(COALESCE(\"line_item_unblended_cost\", 0) AS DECIMAL(38,10)))"));
        // Amortisation columns the table lacks count as 0.
        assert!(q.contains("WHEN 'SavingsPlanCoveredUsage' THEN 0"), "{q}");
        assert!(
            q.contains("COALESCE(\"line_item_usage_account_id\", '') AS account_id"),
            "{q}"
        );
        // A reservation's upfront fee counts once, through the usage it covers.
        let mut with_ri = names(CUR2_REQUIRED);
        with_ri.insert("reservation_reservation_a_r_n".into());
        let q = period_query(ExportFormat::Cur2, "t", "billing_period", "2026-11", &with_ri);
        assert!(
            q.contains(
                "WHEN 'Fee' THEN CASE WHEN COALESCE(\"reservation_reservation_a_r_n\", '') <> '' THEN 0"
            ),
            "{q}"
        );
        assert!(!q.contains("DOUBLE") && !q.contains("REAL"));
    }

    #[test]
    fn quotes_inside_names_and_values_are_escaped() {
        assert_eq!(table_ref("a\"b", "t"), "\"a\"\"b\".\"t\"");
        assert_eq!(literal("2026-11' OR '1'='1"), "'2026-11'' OR ''1''=''1'");
    }
}

//! `breakeven billing`: what a billing export read through Athena (`sync --athena`) says an
//! account — or the whole organisation — paid, by account, service or function, billed,
//! effective (amortised) and list cost side by side. Every figure is an exact sum of the stored
//! daily aggregates, computed here with polars.
//!
//! The export's amounts have 10 decimals (the query sums them as `DECIMAL(38,10)`), one more
//! than the nano-dollar columns of [`crate::analytics::money`] hold. Each amount is split into
//! whole nano-dollars and its tenth of a nano-dollar, two integer columns summed exactly and
//! joined again at the end: a sum shown here is the export's own, to the last decimal.

use crate::analytics::read::{i64s, strs};
use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use crate::model::Day;
use crate::store::{SqlContext, Store};
use breakeven_simulator::pricing::Usd;
use polars::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;

/// How to group the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingBy {
    Account,
    Service,
    /// Lambda functions (by ARN), ECS tasks and EC2 instances the export names.
    Resource,
}

text_enum!(BillingBy {
    Account => "account",
    Service => "service",
    Resource => "resource",
});

#[derive(Debug, Clone)]
pub struct BillingRequest {
    /// The export (`database.table`); `None`: the only one stored.
    pub export: Option<String>,
    /// An account's key; `None`: every account in the export.
    pub account: Option<String>,
    pub from: Option<Day>,
    pub to: Option<Day>,
    pub by: BillingBy,
}

/// One group's costs.
#[derive(Debug, Clone, Serialize)]
pub struct BillingRow {
    /// The account key, the service, or the resource id.
    pub key: String,
    /// For resources: the function, task or instance name the id ends with.
    pub name: String,
    pub billed_usd: Usd,
    pub effective_usd: Usd,
    pub list_usd: Usd,
    pub line_items: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Billing {
    pub export: String,
    /// The one currency of every amount.
    pub currency: String,
    pub account: Option<String>,
    pub from: Day,
    pub to: Day,
    pub by: BillingBy,
    /// Σ of every row in the range (whatever the grouping).
    pub total: BillingRow,
    /// Most billed first.
    pub rows: Vec<BillingRow>,
}

/// The export's costs over the range (default: every stored day), grouped as asked.
pub fn billing(store: &Store, req: &BillingRequest) -> Result<Billing> {
    let export = choose_export(store, req.export.as_deref())?;
    let (frame, currency) = rows_frame(store, &export, req)?;
    let days = i64s(&frame, "day").map_err(poll)?;
    let (Some(&lo), Some(&hi)) = (days.iter().min(), days.iter().max()) else {
        return Err(AppError::bad_input(
            ErrorCode::AnalyseNoData,
            "no billing export rows stored for this account and range: run `breakeven sync --athena DATABASE.TABLE` first",
        ));
    };
    let key = match req.by {
        BillingBy::Account => col("account_key"),
        BillingBy::Service => col("service"),
        BillingBy::Resource => col("resource_id"),
    };
    let sums = || {
        MONEY
            .iter()
            .flat_map(|m| [col(format!("{m}_nano")).sum(), col(format!("{m}_tenth")).sum()])
            .chain([col("line_items").sum()])
            .collect::<Vec<_>>()
    };
    let mut grouped = frame.clone().lazy();
    if req.by == BillingBy::Resource {
        grouped = grouped.filter(col("resource_id").neq(lit("")));
    }
    let grouped = grouped
        .group_by([key.alias("key")])
        .agg(sums())
        .sort(
            ["billed_nano", "key"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()
        .map_err(poll)?;
    let total = frame
        .lazy()
        .select(sums())
        .with_column(lit("total").alias("key"))
        .collect()
        .map_err(poll)?;
    Ok(Billing {
        export,
        currency,
        account: req.account.clone(),
        from: Day(lo),
        to: Day(hi),
        by: req.by,
        total: rows_of(&total).map_err(poll)?.remove(0),
        rows: rows_of(&grouped).map_err(poll)?,
    })
}

fn poll(e: PolarsError) -> AppError {
    AppError::Analytics(crate::analytics::AnalyticsError::from(e))
}

/// The export to read: the one named (any case), else the only one stored.
fn choose_export(store: &Store, named: Option<&str>) -> Result<String> {
    let stored: Vec<String> = crate::store::exports::status(store.conn())?
        .into_iter()
        .map(|e| e.export)
        .collect();
    let choice = |message: String| AppError::bad_input(ErrorCode::ExportChoice, message);
    match named.map(str::to_ascii_lowercase) {
        Some(n) if stored.contains(&n) => Ok(n),
        Some(n) => Err(choice(format!(
            "no billing export `{n}` is stored (stored: {})",
            if stored.is_empty() { "none".into() } else { stored.join(", ") }
        ))),
        None => match stored.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(AppError::bad_input(
                ErrorCode::AnalyseNoData,
                "no billing export is stored: run `breakeven sync --athena DATABASE.TABLE` first",
            )),
            several => Err(choice(format!(
                "several billing exports are stored ({}): choose one with --export (adding them up would count the same costs twice)",
                several.join(", ")
            ))),
        },
    }
}

/// The stored rows of the request as a frame: `account_key`, `day` (days since 1970-01-01),
/// `service`, `resource_id`, and the money columns split as [`split_tenths`]; and their one
/// currency.
fn rows_frame(store: &Store, export: &str, req: &BillingRequest) -> Result<(DataFrame, String)> {
    let from = req
        .from
        .map(|d| d.to_string())
        .unwrap_or_else(|| "0000-00-00".into());
    let to = req
        .to
        .map(|d| d.to_string())
        .unwrap_or_else(|| "9999-99-99".into());
    let mut st = store
        .conn()
        .prepare(
            "SELECT account_key, day, service, resource_id, billed, effective, list, line_items, currency
             FROM export_days
             WHERE export = ?4 AND (?1 IS NULL OR account_key = ?1) AND day BETWEEN ?2 AND ?3",
        )
        .ctx("reading billing export rows")?;
    let mut cols: (Vec<String>, Vec<i64>, Vec<String>, Vec<String>) = Default::default();
    let mut money: [Vec<Decimal>; 3] = Default::default();
    let mut items = Vec::new();
    let mut currencies = std::collections::BTreeSet::new();
    let mut rows = st
        .query(rusqlite::params![req.account, from, to, export])
        .ctx("reading billing export rows")?;
    while let Some(r) = rows.next().ctx("reading billing export rows")? {
        let get = |i: usize| r.get::<_, String>(i).ctx("reading billing export rows");
        let day = get(1)?;
        let day = Day::from_str(&day).map_err(|reason| corrupt("export_days.day", &day, reason))?;
        cols.0.push(get(0)?);
        cols.1.push(day.0);
        cols.2.push(get(2)?);
        cols.3.push(get(3)?);
        for (k, column) in ["billed", "effective", "list"].iter().enumerate() {
            let v = get(4 + k)?;
            money[k].push(Decimal::from_str(&v).map_err(|e| corrupt(column, &v, e.to_string()))?);
        }
        items.push(r.get::<_, i64>(7).ctx("reading billing export rows")?);
        currencies.insert(get(8)?);
    }
    if currencies.len() > 1 {
        return Err(AppError::bad_input(
            ErrorCode::ExportChoice,
            format!(
                "the rows asked for are in several currencies ({}): choose --account (amounts in two currencies are never added up)",
                currencies.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let currency = currencies.into_iter().next().unwrap_or_else(|| "USD".into());
    let mut columns = vec![
        Column::new("account_key".into(), cols.0),
        Column::new("day".into(), cols.1),
        Column::new("service".into(), cols.2),
        Column::new("resource_id".into(), cols.3),
        Column::new("line_items".into(), items),
    ];
    for (name, values) in MONEY.iter().zip(money) {
        let (nano, tenth): (Vec<i64>, Vec<i64>) = values
            .iter()
            .map(|d| {
                split_tenths(*d).ok_or_else(|| {
                    corrupt(
                        "export_days",
                        &d.to_string(),
                        "more than 10 decimals or out of range".into(),
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        columns.push(Column::new(format!("{name}_nano").into(), nano));
        columns.push(Column::new(format!("{name}_tenth").into(), tenth));
    }
    Ok((DataFrame::new_infer_height(columns).map_err(poll)?, currency))
}

/// The money columns, each stored as `{name}_nano` and `{name}_tenth`.
const MONEY: [&str; 3] = ["billed", "effective", "list"];

/// `d` (at most 10 decimals) as (whole nano-dollars, tenths of a nano-dollar), both truncated
/// toward zero so that `nano × 10 + tenth` is `d` in units of 10⁻¹⁰.
fn split_tenths(d: Decimal) -> Option<(i64, i64)> {
    if d.scale() > 10 {
        return None;
    }
    let units = d.mantissa().checked_mul(10i128.pow(10 - d.scale()))?;
    Some((i64::try_from(units / 10).ok()?, (units % 10) as i64))
}

/// Σ nano-dollars and Σ tenths joined into an exact amount.
fn join_tenths(nano: i64, tenth: i64) -> Usd {
    Usd(Decimal::from_i128_with_scale(i128::from(nano) * 10 + i128::from(tenth), 10).normalize())
}

fn corrupt(column: &'static str, value: &str, reason: String) -> AppError {
    AppError::Store(crate::store::StoreError::Corrupt {
        column,
        value: value.to_string(),
        reason,
    })
}

fn rows_of(df: &DataFrame) -> PolarsResult<Vec<BillingRow>> {
    let keys = strs(df, "key")?;
    let mut money = Vec::new();
    for m in MONEY {
        let (nano, tenth) = (i64s(df, &format!("{m}_nano"))?, i64s(df, &format!("{m}_tenth"))?);
        money.push(
            nano.iter()
                .zip(&tenth)
                .map(|(n, t)| join_tenths(*n, *t))
                .collect::<Vec<_>>(),
        );
    }
    let items = i64s(df, "line_items")?;
    Ok((0..df.height())
        .map(|i| BillingRow {
            name: resource_name(&keys[i]),
            key: keys[i].clone(),
            billed_usd: money[0][i],
            effective_usd: money[1][i],
            list_usd: money[2][i],
            line_items: items[i].max(0) as u64,
        })
        .collect())
}

/// The name a resource id ends with: a function's, a task's or an instance's.
fn resource_name(id: &str) -> String {
    if let Some((_, name)) = id.split_once(":function:") {
        return name.split(':').next().unwrap_or(name).to_string();
    }
    id.rsplit(['/', ':']).next().unwrap_or(id).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_with_ten_decimals_split_and_join_exactly() {
        for text in ["5.1818887450", "-0.0000000001", "0", "922337203.6854775807"] {
            let d = Decimal::from_str(text).unwrap();
            let (n, t) = split_tenths(d).unwrap();
            assert_eq!(join_tenths(n, t).0, d.normalize(), "{text}");
        }
        // Summed separately, the parts give the exact sum (nano-dollars alone would lose it).
        let parts: Vec<(i64, i64)> = ["0.0000000005", "0.0000000005", "1.0000000009"]
            .iter()
            .map(|t| split_tenths(Decimal::from_str(t).unwrap()).unwrap())
            .collect();
        let (n, t) = parts.iter().fold((0, 0), |a, p| (a.0 + p.0, a.1 + p.1));
        assert_eq!(join_tenths(n, t).0.to_string(), "1.0000000019");
        assert!(split_tenths(Decimal::from_str("0.00000000001").unwrap()).is_none());
    }

    #[test]
    fn resources_are_named_by_what_their_id_ends_with() {
        assert_eq!(
            resource_name("arn:aws:lambda:us-east-1:1:function:api:live"),
            "api"
        );
        assert_eq!(
            resource_name("arn:aws:ecs:us-east-1:1:task/cluster/abc123"),
            "abc123"
        );
        assert_eq!(resource_name("i-0abc"), "i-0abc");
        assert_eq!(resource_name("111122223333"), "111122223333");
    }
}

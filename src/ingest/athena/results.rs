//! Athena's result rows → [`ExportDay`] records, every amount parsed as an exact decimal.

use crate::ingest::athena::client::ResultRows;
use crate::ingest::athena::sql::RESULT_COLUMNS;
use crate::ingest::IngestError;
use crate::model::{Day, ExportDay};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The rows of a period query (columns as [`RESULT_COLUMNS`]).
pub fn export_days(result: &ResultRows, query_id: &str) -> Result<Vec<ExportDay>, IngestError> {
    let bad = |detail: String| IngestError::Unexpected {
        action: "athena:GetQueryResults".into(),
        detail: format!("query {query_id}: {detail}"),
    };
    if result.columns != RESULT_COLUMNS {
        return Err(bad(format!(
            "columns {:?}, expected {:?}",
            result.columns, RESULT_COLUMNS
        )));
    }
    let mut out = Vec::with_capacity(result.rows.len());
    for (i, row) in result.rows.iter().enumerate() {
        if row.len() != RESULT_COLUMNS.len() {
            return Err(bad(format!("row {} has {} values", i + 1, row.len())));
        }
        let text = |c: usize| row[c].clone().unwrap_or_default();
        let amount = |c: usize| -> Result<Decimal, IngestError> {
            match &row[c] {
                None => Ok(Decimal::ZERO),
                Some(v) => Decimal::from_str(v).map(|d| d.normalize()).map_err(|e| {
                    bad(format!(
                        "row {}, {}: `{v}` is not a decimal ({e})",
                        i + 1,
                        RESULT_COLUMNS[c]
                    ))
                }),
            }
        };
        let day_text = text(1);
        // A DATE is `YYYY-MM-DD`; a timestamp cast by an engine that keeps the time is cut.
        let day = Day::from_str(day_text.get(..10).unwrap_or(&day_text))
            .map_err(|e| bad(format!("row {}, usage_day: {e}", i + 1)))?;
        let line_items = text(10)
            .parse::<u64>()
            .map_err(|e| bad(format!("row {}, line_items: {e}", i + 1)))?;
        out.push(ExportDay {
            account: text(0),
            day,
            service: text(2),
            usage_type: text(3),
            resource_id: text(4),
            currency: text(5),
            billed: amount(6)?,
            effective: amount(7)?,
            list: amount(8)?,
            usage_amount: amount(9)?,
            line_items,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(rows: Vec<Vec<Option<&str>>>) -> ResultRows {
        ResultRows {
            columns: RESULT_COLUMNS.iter().map(|c| c.to_string()).collect(),
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(|v| v.map(str::to_string)).collect())
                .collect(),
            pages: 1,
        }
    }

    #[test]
    fn amounts_are_exact_and_nulls_are_zero() {
        let r = result(vec![vec![
            Some("111122223333"),
            Some("2026-11-03"),
            Some("AWSLambda"),
            Some("USE1-Lambda-GB-Second"),
            Some("arn:aws:lambda:us-east-1:111122223333:function:api"),
            Some("USD"),
            Some("12.3456789012"),
            None,
            Some("0.1000000000"),
            Some("3600.0000000000"),
            Some("24"),
        ]]);
        let days = export_days(&r, "q").unwrap();
        assert_eq!(days[0].billed, Decimal::from_str("12.3456789012").unwrap());
        assert_eq!(days[0].effective, Decimal::ZERO);
        assert_eq!(days[0].list.to_string(), "0.1");
        assert_eq!(days[0].day.to_string(), "2026-11-03");
        assert_eq!(days[0].line_items, 24);
    }

    #[test]
    fn a_malformed_value_names_its_row_and_column() {
        let mut r = result(vec![vec![Some("1"); 11]]);
        r.rows[0][1] = Some("2026-11-03".into());
        r.rows[0][6] = Some("1e400".into());
        let e = export_days(&r, "q1").unwrap_err().to_string();
        assert!(e.contains("row 1, billed_cost"), "{e}");
        r.columns[0] = "account".into();
        assert!(export_days(&r, "q1").unwrap_err().to_string().contains("columns"));
    }
}

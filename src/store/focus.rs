//! FOCUS charges imported from billing exports, and the files they came from.
//!
//! Amounts are exact decimal strings (TEXT); sums are done in Rust with `rust_decimal`.

use crate::model::records::{FocusCharge, FocusFile};
use crate::store::{Result, SqlContext, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Record `file` (once per distinct content) and insert its charges not already stored.
/// Returns the charges added (none when the same file, or the same rows, were imported before).
pub fn insert_file<'f>(
    c: &Connection,
    file: &'f FocusFile,
    imported_at: i64,
) -> Result<Vec<&'f FocusCharge>> {
    let existing: Option<i64> = c
        .prepare_cached("SELECT id FROM focus_imports WHERE file_sha256 = ?1")
        .ctx("preparing the import lookup")?
        .query_row([&file.sha256], |r| r.get(0))
        .optional()
        .ctx("looking up an imported file")?;
    if existing.is_some() {
        // The same bytes: every charge key is already stored.
        return Ok(Vec::new());
    }
    c.prepare_cached(
        "INSERT INTO focus_imports (file_sha256, file_name, focus_version, rows_read, rows_added, imported_at)
         VALUES (?1, ?2, ?3, ?4, 0, ?5)",
    )
    .ctx("preparing the import record")?
    .execute(params![
        file.sha256,
        file.name,
        file.version.as_str(),
        file.charges.len() as i64,
        imported_at
    ])
    .ctx("recording an imported file")?;
    let import_id = c.last_insert_rowid();
    let mut st = c
        .prepare_cached(
            "INSERT INTO focus_charges (charge_key, import_id, provider, billing_account_id, sub_account_id,
               service_name, service_category, charge_category, resource_id, region_id,
               charge_period_start, charge_period_end, billing_period_start, billing_period_end,
               billed_cost, effective_cost, list_cost, contracted_cost, currency, tags,
               commitment_discount_id, commitment_discount_type, commitment_discount_status,
               commitment_discount_category)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                     ?21, ?22, ?23, ?24)
             ON CONFLICT (charge_key) DO NOTHING",
        )
        .ctx("preparing the charge insert")?;
    let mut added = Vec::new();
    for ch in &file.charges {
        let n = st
            .execute(params![
                ch.key,
                import_id,
                ch.provider,
                ch.billing_account_id,
                ch.sub_account_id,
                ch.service_name,
                ch.service_category,
                ch.charge_category,
                ch.resource_id,
                ch.region_id,
                ch.charge_period.0,
                ch.charge_period.1,
                ch.billing_period.0,
                ch.billing_period.1,
                ch.billed_cost.to_string(),
                ch.effective_cost.to_string(),
                ch.list_cost.map(|d| d.to_string()),
                ch.contracted_cost.map(|d| d.to_string()),
                ch.currency,
                ch.tags,
                ch.commitment.as_ref().map(|m| m.id.as_str()),
                ch.commitment.as_ref().and_then(|m| m.kind.as_deref()),
                ch.commitment.as_ref().and_then(|m| m.status.as_deref()),
                ch.commitment.as_ref().and_then(|m| m.category.as_deref()),
            ])
            .ctx("saving a FOCUS charge")?;
        if n == 1 {
            added.push(ch);
        }
    }
    c.prepare_cached("UPDATE focus_imports SET rows_added = ?1 WHERE id = ?2")
        .ctx("preparing the import update")?
        .execute(params![added.len() as i64, import_id])
        .ctx("counting an import's rows")?;
    Ok(added)
}

/// The fields of a stored charge the provider-neutral views group by, with its two costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCharge {
    pub provider: String,
    pub service_name: String,
    pub service_category: String,
    pub billed_cost: Decimal,
    pub effective_cost: Decimal,
}

/// Every stored charge's grouping fields and costs, ordered by provider and service.
pub fn charges(c: &Connection) -> Result<Vec<StoredCharge>> {
    let mut st = c
        .prepare_cached(
            "SELECT provider, service_name, service_category, billed_cost, effective_cost
             FROM focus_charges ORDER BY provider, service_name, charge_key",
        )
        .ctx("reading FOCUS charges")?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .ctx("reading FOCUS charges")?;
    let mut out = Vec::new();
    for row in rows {
        let (provider, service_name, service_category, billed, effective) =
            row.ctx("reading FOCUS charges")?;
        out.push(StoredCharge {
            provider,
            service_name,
            service_category,
            billed_cost: parse_decimal("focus_charges.billed_cost", &billed)?,
            effective_cost: parse_decimal("focus_charges.effective_cost", &effective)?,
        });
    }
    Ok(out)
}

/// Number of stored charges.
pub fn count(c: &Connection) -> Result<u64> {
    c.query_row("SELECT COUNT(*) FROM focus_charges", [], |r| r.get::<_, i64>(0))
        .ctx("counting FOCUS charges")
        .map(|n| n as u64)
}

fn parse_decimal(column: &'static str, s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|e| StoreError::Corrupt {
        column,
        value: s.to_string(),
        reason: e.to_string(),
    })
}

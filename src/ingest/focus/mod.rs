//! FOCUS billing exports (FinOps Open Cost and Usage Specification, 1.0 and 1.1+), any provider.
//!
//! A file is read row by row through [`RowReader`] (CSV today; a Parquet reader implements the
//! same trait) and every row is validated against the columns the spec makes mandatory. Nothing
//! is written here: [`parse`] returns the whole file's charges or the first error, with file, line
//! and column, so the caller can write all files in one transaction or none.
//!
//! **What "the same charge" is.** FOCUS 1.0 has no row identifier, and two rows of one export may
//! be identical yet both billed (e.g. two equal usage lines of one hour). A charge is therefore
//! keyed by the SHA-256 of its cells (column name and value, in column-name order, `NULL` and empty
//! alike) plus its occurrence number among identical rows of the same file. Importing the same
//! file again, or another export repeating the same rows, adds nothing; a corrected row (any cell
//! changed) is a new charge.

mod cells;
pub mod csv;
pub mod parquet;

use crate::ingest::error::InputError;
pub use crate::model::records::{CommitmentDiscount, FocusCharge, FocusFile, FocusVersion};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// One row as read, before validation.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// 1-based line where the row starts.
    pub line: u64,
    pub cells: Vec<String>,
}

/// A table read one row at a time.
pub trait RowReader {
    /// Column names, in file order.
    fn columns(&self) -> &[String];
    /// The next row, or `None` at the end.
    fn next_row(&mut self) -> Result<Option<RawRow>, InputError>;
    /// The line header problems are reported on: 1 for a CSV header, 0 for a Parquet schema.
    fn header_line(&self) -> u64 {
        1
    }
}

/// Columns FOCUS 1.1 added (absent from 1.0 exports).
const ADDED_IN_1_1: &[&str] = &[
    "CapacityReservationId",
    "CapacityReservationStatus",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountUnit",
    "ServiceSubcategory",
    "SkuMeter",
    "SkuPriceDetails",
];

/// Mandatory columns (1.0 and 1.1) this import reads; each must be in the header and non-null in
/// every row, except `ListCost` and `ContractedCost`: the FinOps Foundation's own 1.0 sample leaves
/// `ContractedCost` null on Oracle rows, so those two may be null. `ProviderName` may be
/// `ServiceProviderName`, its name from FOCUS 1.3 on.
const REQUIRED: &[&[&str]] = &[
    &["BilledCost"],
    &["EffectiveCost"],
    &["ListCost"],
    &["ContractedCost"],
    &["BillingCurrency"],
    &["BillingAccountId"],
    &["BillingPeriodStart"],
    &["BillingPeriodEnd"],
    &["ChargePeriodStart"],
    &["ChargePeriodEnd"],
    &["ChargeCategory"],
    &["ProviderName", "ServiceProviderName"],
    &["ServiceName"],
    &["ServiceCategory"],
];

/// Conditional columns: read when present, may be null.
const OPTIONAL: &[&str] = &[
    "SubAccountId",
    "ResourceId",
    "RegionId",
    "Tags",
    "CommitmentDiscountId",
    "CommitmentDiscountType",
    "CommitmentDiscountStatus",
    "CommitmentDiscountCategory",
];

/// Allowed `CommitmentDiscountStatus` values.
const COMMITMENT_STATUSES: &[&str] = &["Used", "Unused"];

/// Allowed `ChargeCategory` values (1.0 and 1.1).
const CHARGE_CATEGORIES: &[&str] = &["Usage", "Purchase", "Tax", "Credit", "Adjustment"];

/// Where each column this import reads sits in the file.
struct Layout {
    required: Vec<usize>,
    optional: Vec<Option<usize>>,
    /// Column names sorted, with their index: the order cells are hashed in.
    hash_order: Vec<(String, usize)>,
}

fn layout(file: &str, header_line: u64, columns: &[String]) -> Result<Layout, InputError> {
    let err = |column: usize, message: String| InputError::Malformed {
        file: file.to_string(),
        line: header_line,
        column,
        message,
    };
    let mut seen = HashMap::new();
    for (i, c) in columns.iter().enumerate() {
        if seen.insert(c.as_str(), i).is_some() {
            return Err(err(i + 1, format!("column {c} appears twice in the header")));
        }
    }
    let mut required = Vec::with_capacity(REQUIRED.len());
    for names in REQUIRED {
        let i = names.iter().find_map(|n| seen.get(n)).ok_or_else(|| {
            err(
                columns.len() + 1,
                format!(
                    "missing required FOCUS column {} (is this a FOCUS export?)",
                    names[0]
                ),
            )
        })?;
        required.push(*i);
    }
    let optional = OPTIONAL.iter().map(|n| seen.get(n).copied()).collect();
    let mut hash_order: Vec<(String, usize)> = columns.iter().cloned().zip(0..).collect();
    hash_order.sort();
    Ok(Layout {
        required,
        optional,
        hash_order,
    })
}

/// `NULL` (as real exports write it) and empty cells are null.
fn cell(raw: &str) -> Option<&str> {
    match raw {
        "" | "NULL" => None,
        s => Some(s),
    }
}

/// Read and validate every row of `rows` (`name` labels errors): the release and the charges.
pub fn parse(name: &str, rows: &mut dyn RowReader) -> Result<(FocusVersion, Vec<FocusCharge>), InputError> {
    let columns = rows.columns().to_vec();
    let at = layout(name, rows.header_line(), &columns)?;
    let version = if columns.iter().any(|c| ADDED_IN_1_1.contains(&c.as_str())) {
        FocusVersion::V1_1
    } else {
        FocusVersion::V1_0
    };
    let mut occurrences: HashMap<[u8; 32], u64> = HashMap::new();
    let mut charges = Vec::new();
    while let Some(row) = rows.next_row()? {
        let mut hasher = Sha256::new();
        for (column, i) in &at.hash_order {
            hasher.update(column.as_bytes());
            hasher.update([0]);
            match cell(&row.cells[*i]) {
                Some(v) => hasher.update(v.as_bytes()),
                None => hasher.update([0xff]),
            }
            hasher.update([0]);
        }
        let digest: [u8; 32] = hasher.finalize().into();
        let n = occurrences.entry(digest).or_insert(0);
        let key = format!("{}-{n}", hex(&digest));
        *n += 1;
        charges.push(charge(name, &columns, &at, &row, key)?);
    }
    Ok((version, charges))
}

fn charge(
    file: &str,
    columns: &[String],
    at: &Layout,
    row: &RawRow,
    key: String,
) -> Result<FocusCharge, InputError> {
    let err = |i: usize, message: String| InputError::Malformed {
        file: file.to_string(),
        line: row.line,
        column: i + 1,
        message: format!("{}: {message}", columns[i]),
    };
    // Required cells, in the order of REQUIRED.
    let req = |k: usize| -> Result<(usize, &str), InputError> {
        let i = at.required[k];
        cell(&row.cells[i])
            .map(|v| (i, v))
            .ok_or_else(|| err(i, "must not be null".into()))
    };
    let money = |k: usize| -> Result<Decimal, InputError> {
        let (i, v) = req(k)?;
        cells::decimal(v).map_err(|m| err(i, m))
    };
    let time = |k: usize| -> Result<i64, InputError> {
        let (i, v) = req(k)?;
        cells::timestamp(v).map_err(|m| err(i, m))
    };
    let money_or_null = |k: usize| -> Result<Option<Decimal>, InputError> {
        let i = at.required[k];
        cell(&row.cells[i])
            .map(|v| cells::decimal(v).map_err(|m| err(i, m)))
            .transpose()
    };
    let text = |k: usize| -> Result<String, InputError> { Ok(req(k)?.1.to_string()) };
    let opt = |k: usize| {
        at.optional[k]
            .and_then(|i| cell(&row.cells[i]))
            .map(str::to_string)
    };

    let (billed_cost, effective_cost, list_cost, contracted_cost) =
        (money(0)?, money(1)?, money_or_null(2)?, money_or_null(3)?);
    let (ci, cv) = req(4)?;
    let currency = cells::currency(cv).map_err(|m| err(ci, m))?;
    if currency != "USD" {
        return Err(err(
            ci,
            format!("{currency} billing is not supported yet: only USD exports import"),
        ));
    }
    let billing_account_id = text(5)?;
    let billing_period = (time(6)?, time(7)?);
    if billing_period.1 <= billing_period.0 {
        return Err(err(at.required[7], "must be after BillingPeriodStart".into()));
    }
    let charge_period = (time(8)?, time(9)?);
    if charge_period.1 < charge_period.0 {
        return Err(err(at.required[9], "must not be before ChargePeriodStart".into()));
    }
    let (gi, category) = req(10)?;
    if !CHARGE_CATEGORIES.contains(&category) {
        return Err(err(
            gi,
            format!("{category:?} is not one of {}", CHARGE_CATEGORIES.join(", ")),
        ));
    }
    let tags = match at.optional[3].map(|i| (i, cell(&row.cells[i]))) {
        Some((i, Some(v))) => Some(cells::tags(v).map_err(|m| err(i, m))?),
        _ => None,
    };
    // A commitment is named by its id; its type, status and category only mean something with it.
    let commitment = match opt(4) {
        None => None,
        Some(id) => {
            let status = opt(6);
            if let (Some(i), Some(st)) = (at.optional[6], status.as_deref()) {
                if !COMMITMENT_STATUSES.contains(&st) {
                    return Err(err(
                        i,
                        format!("{st:?} is not one of {}", COMMITMENT_STATUSES.join(", ")),
                    ));
                }
            }
            Some(CommitmentDiscount {
                id,
                kind: opt(5),
                status,
                category: opt(7),
            })
        }
    };
    Ok(FocusCharge {
        key,
        provider: text(11)?,
        billing_account_id,
        sub_account_id: opt(0),
        service_name: text(12)?,
        service_category: text(13)?,
        charge_category: category.to_string(),
        resource_id: opt(1),
        region_id: opt(2),
        charge_period,
        billing_period,
        billed_cost,
        effective_cost,
        list_cost,
        contracted_cost,
        currency,
        tags,
        commitment,
    })
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! The demo account's daily bill: each function-day's usage priced with the simulator's catalog
//! (`breakeven_simulator::pricing::bill`), then grouped by usage type as Cost Explorer reports it.
//!
//! The demo account is billed without the free tier (as a member of an organization whose free
//! tier is used elsewhere), so usage-derived cost and billed cost can be compared line for line.

use crate::ingest::demo::account::DemoFunction;
use crate::ingest::demo::traffic::DayUsage;
use crate::model::records::DailyCost;
use crate::model::Day;
use breakeven_simulator::pricing::{bill, Arch, CatalogError, Deployment, PriceCatalog, Usage};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub const SERVICE: &str = "AWS Lambda";
pub const REGION: &str = "us-east-1";
const DAY_MS: u64 = 86_400_000;

/// Cost Explorer's usage type and usage unit for a catalog dimension (us-east-1 usage types carry
/// no region prefix).
fn usage_type(dimension: &str) -> Option<(&'static str, &'static str)> {
    Some(match dimension {
        "requests" => ("Request", "Requests"),
        "duration-x86_64" => ("Lambda-GB-Second", "Lambda-GB-Second"),
        "duration-arm64" => ("Lambda-GB-Second-ARM", "Lambda-GB-Second"),
        "provisioned-x86_64" => ("Lambda-Provisioned-Concurrency", "Lambda-GB-Second"),
        "provisioned-arm64" => ("Lambda-Provisioned-Concurrency-ARM", "Lambda-GB-Second"),
        "provisioned-duration-x86_64" => ("Lambda-Provisioned-GB-Second", "Lambda-GB-Second"),
        "provisioned-duration-arm64" => ("Lambda-Provisioned-GB-Second-ARM", "Lambda-GB-Second"),
        "ephemeral-storage" => ("Lambda-Storage-GB-Second", "GB-Seconds"),
        _ => return None,
    })
}

/// (day, usage type) → (amount USD, quantity, unit), summed over functions.
#[derive(Debug, Default)]
pub struct Ledger(BTreeMap<(Day, String), (Decimal, Decimal, &'static str)>);

impl Ledger {
    /// Price one function-day and add it.
    pub fn add(
        &mut self,
        catalog: &PriceCatalog,
        f: &DemoFunction,
        day: Day,
        u: &DayUsage,
    ) -> Result<(), CatalogError> {
        let arch: Arch = f.arch.parse().map_err(CatalogError::Usage)?;
        let deployment = Deployment {
            memory_mb: f.memory_mb,
            arch,
            ephemeral_storage_mb: f.ephemeral_mb,
            provisioned_instances: f.provisioned,
            free_tier: false,
            ..Deployment::default()
        };
        let usage = Usage {
            period_ms: DAY_MS,
            requests: u.requests,
            exec_ms: u.exec_ms,
            provisioned_exec_ms: u.provisioned_exec_ms,
            init_ms: u.init_ms,
            cold_starts: u.cold_starts,
            provisioned_ms: u64::from(f.provisioned) * DAY_MS,
            ..Usage::default()
        };
        let b = bill(catalog, "aws-lambda", Some(REGION), &deployment, &usage)?;
        for line in b.lines {
            let (mut ut, unit) = usage_type(&line.dimension).ok_or_else(|| {
                CatalogError::Usage(format!("no usage type for dimension {}", line.dimension))
            })?;
            // Requests of arm64 functions are their own usage type too.
            if line.dimension == "requests" && arch == Arch::Arm64 {
                ut = "Request-ARM";
            }
            let e = self
                .0
                .entry((day, ut.to_string()))
                .or_insert((Decimal::ZERO, Decimal::ZERO, unit));
            e.0 += line.amount.0;
            e.1 += line.quantity;
        }
        Ok(())
    }

    /// The rows as Cost Explorer would return them (final days, not estimated).
    pub fn rows(&self) -> Vec<DailyCost> {
        self.0
            .iter()
            .map(|((day, ut), (amount, qty, unit))| DailyCost {
                day: *day,
                service: SERVICE.to_string(),
                usage_type: ut.clone(),
                unblended: *amount,
                amortized: *amount,
                currency: "USD".into(),
                usage_quantity: *qty,
                usage_unit: unit.to_string(),
                estimated: false,
            })
            .collect()
    }
}

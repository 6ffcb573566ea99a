//! The demo account's daily bill: each function-day's usage priced with the simulator's catalog
//! (`breakeven_simulator::pricing::bill`), then grouped by usage type as Cost Explorer reports it.
//!
//! The demo account is billed without the free tier (as a member of an organization whose free
//! tier is used elsewhere), so usage-derived cost and billed cost can be compared line for line.
//!
//! It holds a Compute Savings Plan ([`SAVINGS_PLAN`]): every day, the plan's commitment pays for
//! on-demand Lambda duration at the plan rate until it is spent; what it does not cover is billed
//! on demand, and what it does not use is lost. The bill carries the rows Cost Explorer shows for
//! it: by service and usage type (Lambda duration net of the covered part, the plan's fee under
//! its own service) and by record type (`Usage`, `SavingsPlanCoveredUsage`,
//! `SavingsPlanNegation`, `SavingsPlanRecurringFee`).

use crate::ingest::demo::account::DemoFunction;
use crate::ingest::demo::traffic::DayUsage;
use crate::model::records::{CostRecord, DailyCost};
use crate::model::Day;
use breakeven_simulator::pricing::{bill, Arch, CatalogError, Deployment, PriceCatalog, Usage};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub const SERVICE: &str = "AWS Lambda";
/// The service Cost Explorer bills a Compute Savings Plan's fee under.
pub const SAVINGS_PLAN_SERVICE: &str = "Savings Plans for AWS Compute usage";

/// The demo account's Compute Savings Plan.
pub struct SavingsPlan {
    /// Commitment, USD per hour.
    pub usd_per_hour: &'static str,
    /// Plan rate as a fraction of the on-demand rate.
    pub rate_of_on_demand: &'static str,
    /// Cost Explorer's usage type of the plan's fee.
    pub usage_type: &'static str,
    /// Usage types the plan covers, in the order it covers them.
    pub covers: &'static [&'static str],
}

/// $0.50 an hour covering on-demand Lambda duration at 17% off: the Lambda discount AWS
/// publishes for Compute Savings Plans ("up to 17%", aws.amazon.com/savingsplans/compute-pricing/
/// and aws.amazon.com/lambda/pricing/), i.e. the 3-year rate. The commitment is applied to each
/// day's usage as a whole (the demo's bill is daily), not hour by hour as AWS does: the demo's
/// utilisation is what an even spread of each day's usage would give. Provisioned concurrency,
/// also covered by such plans, is left on demand to keep the demo's lines apart.
pub const SAVINGS_PLAN: SavingsPlan = SavingsPlan {
    usd_per_hour: "0.50",
    rate_of_on_demand: "0.83",
    usage_type: "ComputeSP:3yrNoUpfront",
    covers: &["Lambda-GB-Second", "Lambda-GB-Second-ARM"],
};
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

    /// The rows as Cost Explorer would return them (final days, not estimated) with `plan`
    /// applied: by service and usage type, and by record type and usage type.
    pub fn rows(&self, plan: Option<&SavingsPlan>) -> (Vec<DailyCost>, Vec<CostRecord>) {
        let dec = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let days: Vec<Day> = {
            let mut d: Vec<Day> = self.0.keys().map(|(d, _)| *d).collect();
            d.dedup();
            d
        };
        let mut rows = Vec::new();
        let mut records = Vec::new();
        let record =
            |day: Day, rt: &str, ut: &str, service: &str, u: Decimal, a: Decimal, q: Decimal, unit: &str| {
                CostRecord {
                    day,
                    record_type: rt.to_string(),
                    usage_type: ut.to_string(),
                    service: service.to_string(),
                    unblended: u,
                    amortized: a,
                    usage_quantity: q,
                    usage_unit: unit.to_string(),
                }
            };
        for day in days {
            let mut budget = plan.map_or(Decimal::ZERO, |p| dec(p.usd_per_hour) * Decimal::from(24));
            let commitment = budget;
            for ((_, ut), (amount, qty, unit)) in
                self.0.range((day, String::new())..(day.plus(1), String::new()))
            {
                // The plan pays for covered usage at its rate until the day's commitment is spent.
                let (covered_od, plan_cost) = match plan {
                    Some(p) if p.covers.contains(&ut.as_str()) && budget > Decimal::ZERO => {
                        let rate = dec(p.rate_of_on_demand);
                        let full = *amount * rate;
                        if full <= budget {
                            budget -= full;
                            (*amount, full)
                        } else {
                            let take = budget;
                            budget = Decimal::ZERO;
                            ((take / rate).round_dp(10), take)
                        }
                    }
                    _ => (Decimal::ZERO, Decimal::ZERO),
                };
                let uncovered = *amount - covered_od;
                let covered_qty = if amount.is_zero() {
                    Decimal::ZERO
                } else {
                    (*qty * covered_od / *amount).round_dp(6)
                };
                rows.push(DailyCost {
                    day,
                    service: SERVICE.to_string(),
                    usage_type: ut.clone(),
                    // Covered usage and its negation cancel in the unblended cost.
                    unblended: uncovered,
                    amortized: uncovered + plan_cost,
                    currency: "USD".into(),
                    usage_quantity: *qty,
                    usage_unit: unit.to_string(),
                    estimated: false,
                });
                if !uncovered.is_zero() || covered_od.is_zero() {
                    records.push(record(
                        day,
                        "Usage",
                        ut,
                        SERVICE,
                        uncovered,
                        uncovered,
                        *qty - covered_qty,
                        unit,
                    ));
                }
                if !covered_od.is_zero() {
                    records.push(record(
                        day,
                        "SavingsPlanCoveredUsage",
                        ut,
                        SERVICE,
                        covered_od,
                        plan_cost,
                        covered_qty,
                        unit,
                    ));
                    records.push(record(
                        day,
                        "SavingsPlanNegation",
                        ut,
                        SERVICE,
                        -covered_od,
                        Decimal::ZERO,
                        Decimal::ZERO,
                        unit,
                    ));
                }
            }
            if let Some(p) = plan {
                // Unblended: the whole commitment; amortized: its unused part.
                rows.push(DailyCost {
                    day,
                    service: SAVINGS_PLAN_SERVICE.to_string(),
                    usage_type: p.usage_type.to_string(),
                    unblended: commitment,
                    amortized: budget,
                    currency: "USD".into(),
                    usage_quantity: Decimal::from(24),
                    usage_unit: "Hrs".into(),
                    estimated: false,
                });
                records.push(record(
                    day,
                    "SavingsPlanRecurringFee",
                    p.usage_type,
                    SAVINGS_PLAN_SERVICE,
                    commitment,
                    budget,
                    Decimal::from(24),
                    "Hrs",
                ));
            }
        }
        (rows, records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger() -> Ledger {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let mut l = Ledger::default();
        // Day 1: $2.00 of duration; day 2: $1.00 (less than the plan's $1.20 a day buys).
        l.0.insert(
            (Day(1), "Lambda-GB-Second".into()),
            (d("2"), d("120000"), "Lambda-GB-Second"),
        );
        l.0.insert((Day(1), "Request".into()), (d("0.4"), d("2000000"), "Requests"));
        l.0.insert(
            (Day(2), "Lambda-GB-Second".into()),
            (d("1"), d("60000"), "Lambda-GB-Second"),
        );
        l
    }

    #[test]
    fn the_plan_bills_exactly_its_commitment_plus_uncovered_on_demand() {
        // $1.20 a day.
        const PLAN: SavingsPlan = SavingsPlan {
            usd_per_hour: "0.05",
            ..SAVINGS_PLAN
        };
        let (rows, records) = ledger().rows(Some(&PLAN));
        let day = |n: i64| -> (Decimal, Decimal) {
            rows.iter()
                .filter(|r| r.day == Day(n))
                .fold((Decimal::ZERO, Decimal::ZERO), |(u, a), r| {
                    (u + r.unblended, a + r.amortized)
                })
        };
        // Day 1: $1.20 commitment buys $1.20 / 0.83 = $1.4457831325 of on-demand duration;
        // $0.5542168675 duration and $0.40 requests stay on demand.
        assert_eq!(day(1).0.round_dp(2).to_string(), "2.15");
        assert_eq!(
            day(1).0,
            "1.20".parse::<Decimal>().unwrap()
                + "0.5542168675".parse::<Decimal>().unwrap()
                + "0.4".parse::<Decimal>().unwrap()
        );
        // Day 2: $1.00 on demand costs $0.83 of plan: all covered, $0.37 of commitment lost.
        assert_eq!(day(2).0.to_string(), "1.20");
        let fee2 = records
            .iter()
            .find(|r| r.day == Day(2) && r.record_type == "SavingsPlanRecurringFee")
            .unwrap();
        assert_eq!(fee2.amortized.to_string(), "0.37");
        // Covered usage and its negation cancel; the record types sum to the service rows.
        let sum = |rs: &mut dyn Iterator<Item = Decimal>| rs.fold(Decimal::ZERO, |a, b| a + b);
        assert_eq!(
            sum(&mut records.iter().map(|r| r.unblended)),
            sum(&mut rows.iter().map(|r| r.unblended))
        );
        assert_eq!(
            sum(&mut records.iter().map(|r| r.amortized)),
            sum(&mut rows.iter().map(|r| r.amortized))
        );
    }

    #[test]
    fn without_a_plan_the_bill_is_on_demand() {
        let (rows, records) = ledger().rows(None);
        assert!(rows
            .iter()
            .all(|r| r.unblended == r.amortized && r.service == SERVICE));
        assert!(records.iter().all(|r| r.record_type == "Usage"));
    }
}

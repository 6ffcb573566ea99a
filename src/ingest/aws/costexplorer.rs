//! Daily costs through Cost Explorer `GetCostAndUsage` (DAILY, grouped by SERVICE and
//! USAGE_TYPE; UnblendedCost, AmortizedCost and UsageQuantity), and the same days again grouped
//! by RECORD_TYPE and USAGE_TYPE: Cost Explorer groups by two dimensions at most, and the record
//! types (Savings Plans covered usage, negation and fees, RI fees, credits…) are what commitments
//! are read from. Each record row takes its service from the first answer's rows of that day.
//!
//! `GetSavingsPlansUtilization` and `GetSavingsPlansCoverage` are not called: they would add two
//! paid requests per range for figures the record types already give per day (see
//! `analytics::commitments`).
//!
//! Every request costs the account $0.01, so a sync asks only for days it has not fetched, plus
//! recent days again: the last 3 days and any day AWS still marked `Estimated`, at most once per
//! [`REFRESH_AFTER_S`] (Cost Explorer refreshes its data a few times a day). Contiguous days go in
//! one request. Days end before today: today's costs are still accumulating.

use crate::ingest::aws::{call, AwsSource, Task};
use crate::ingest::{Batch, Cancel, IngestError, Pulled, StoredState, SyncStage};
use crate::model::records::{CostRecord, DailyCost, FetchedDay};
use crate::model::Day;
use aws_sdk_costexplorer::types::{
    DateInterval, Granularity, GroupDefinition, GroupDefinitionType, ResultByTime,
};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A fetched estimated or recent day is asked for again after this long, s.
pub const REFRESH_AFTER_S: i64 = 8 * 3600;
/// Recent days are re-fetched because Cost Explorer still revises them.
pub const RECENT_DAYS: i64 = 3;
/// Price of one Cost Explorer API request, USD.
pub const REQUEST_PRICE_USD: &str = "0.01";

const UNBLENDED: &str = "UnblendedCost";
const AMORTIZED: &str = "AmortizedCost";
const USAGE: &str = "UsageQuantity";
/// `GetCostAndUsage` requests per range of days (plus pages): by service, then by record type.
pub const REQUESTS_PER_RANGE: u64 = 2;

/// Days `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub start: Day,
    pub end: Day,
}

/// Days of the last `days` before `today` that need fetching, given what is stored. A day
/// stored without its record types (by an earlier version) is fetched once more.
pub fn days_to_fetch(today: Day, days: u32, fetched: &[FetchedDay], now: i64, refresh: bool) -> Vec<Day> {
    let first = today.plus(-i64::from(days));
    (first.0..today.0)
        .map(Day)
        .filter(|d| match fetched.iter().find(|f| f.day == *d) {
            None => true,
            Some(f) if !f.record_types => true,
            Some(f) => {
                let revisable = f.estimated || d.0 >= today.0 - RECENT_DAYS;
                revisable && (refresh || now - f.fetched_at >= REFRESH_AFTER_S)
            }
        })
        .collect()
}

/// Sorted days grouped into contiguous ranges: one request each (plus pages).
pub fn ranges(days: &[Day]) -> Vec<DayRange> {
    let mut out: Vec<DayRange> = Vec::new();
    for &d in days {
        match out.last_mut() {
            Some(r) if r.end == d => r.end = d.plus(1),
            _ => out.push(DayRange {
                start: d,
                end: d.plus(1),
            }),
        }
    }
    out
}

impl AwsSource {
    /// Work out the requests for one account and tell the user what they will cost.
    pub(super) fn plan_costs(&mut self, state: &StoredState, p: usize) -> Result<Pulled, IngestError> {
        let account = self.account(p)?;
        let today = Day::from_unix(self.opts.now);
        let fetched = state.fetched_cost_days(&account)?;
        let days = days_to_fetch(
            today,
            self.opts.days,
            &fetched,
            self.opts.now,
            self.opts.refresh_costs,
        );
        let rs = ranges(&days);
        let n = rs.len() as u64 * REQUESTS_PER_RANGE;
        let cost = Decimal::from_str(REQUEST_PRICE_USD).unwrap_or_default() * Decimal::from(n);
        let note = if rs.is_empty() {
            format!(
                "Cost Explorer: 0 requests for {account} (all {} days already fetched)",
                self.opts.days
            )
        } else {
            format!(
                "Cost Explorer: {n} request(s) (${cost}, more if a result spans pages) for {} day(s) of {account}, {} to {}",
                days.len(),
                days[0],
                days[days.len() - 1]
            )
        };
        for range in rs {
            self.tasks.push_back(Task::Costs { profile: p, range });
        }
        let step = self.step(
            SyncStage::Costs,
            n / REQUESTS_PER_RANGE,
            0,
            format!("{} day(s) to fetch", days.len()),
        );
        Ok(Pulled {
            batch: None,
            step,
            note: Some(note),
        })
    }

    /// All pages of one range, stored as one batch.
    pub(super) fn costs(
        &mut self,
        p: usize,
        range: DayRange,
        cancel: &Cancel,
    ) -> Result<Pulled, IngestError> {
        let account = self.account(p)?;
        let client = self.costexplorer(p);
        let label = self.profiles[p].label.clone();
        let period = DateInterval::builder()
            .start(range.start.to_string())
            .end(range.end.to_string())
            .build()
            .map_err(|e| IngestError::Config(e.to_string()))?;
        let mut rows = Vec::new();
        let mut records = Vec::new();
        let mut estimated_days = Vec::new();
        for by_record_type in [false, true] {
            let mut token: Option<String> = None;
            loop {
                cancel.check()?;
                let first_key = if by_record_type { "RECORD_TYPE" } else { "SERVICE" };
                let req = client
                    .get_cost_and_usage()
                    .time_period(period.clone())
                    .granularity(Granularity::Daily)
                    .metrics(UNBLENDED)
                    .metrics(AMORTIZED)
                    .metrics(USAGE)
                    .group_by(
                        GroupDefinition::builder()
                            .r#type(GroupDefinitionType::Dimension)
                            .key(first_key)
                            .build(),
                    )
                    .group_by(
                        GroupDefinition::builder()
                            .r#type(GroupDefinitionType::Dimension)
                            .key("USAGE_TYPE")
                            .build(),
                    )
                    .set_next_page_token(token.take());
                let out = call(
                    &self.runtime,
                    &mut self.requests,
                    &label,
                    "ce:GetCostAndUsage",
                    req.send(),
                )?;
                for r in out.results_by_time() {
                    let (day, estimated, mut day_rows) = parse_result(r)?;
                    if by_record_type {
                        records.extend(record_rows(&day_rows, &rows));
                    } else {
                        if estimated {
                            estimated_days.push(day);
                        }
                        rows.append(&mut day_rows);
                    }
                }
                match out.next_page_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
        }
        let days: Vec<(Day, bool)> = (range.start.0..range.end.0)
            .map(|d| (Day(d), estimated_days.contains(&Day(d))))
            .collect();
        let step = self.step(
            SyncStage::Costs,
            0,
            1,
            format!(
                "{} to {}: {} rows, {} by record type",
                range.start,
                range.end.plus(-1),
                rows.len(),
                records.len()
            ),
        );
        Ok(Pulled {
            batch: Some(Batch::Costs {
                account,
                rows,
                records: Some(records),
                days,
                fetched_at: self.opts.now,
            }),
            step,
            note: None,
        })
    }
}

/// One day of a `GetCostAndUsage` answer: (day, estimated, rows).
pub fn parse_result(r: &ResultByTime) -> Result<(Day, bool, Vec<DailyCost>), IngestError> {
    let bad = |detail: String| IngestError::Unexpected {
        action: "ce:GetCostAndUsage".into(),
        detail,
    };
    let start = r.time_period().map(|t| t.start()).unwrap_or_default();
    let day: Day = start.parse().map_err(bad)?;
    let estimated = r.estimated();
    let mut rows = Vec::new();
    for g in r.groups() {
        let keys = g.keys();
        let (Some(service), Some(usage_type)) = (keys.first(), keys.get(1)) else {
            return Err(bad(format!(
                "group of {day} without its two keys (SERVICE or RECORD_TYPE, then USAGE_TYPE): {keys:?}"
            )));
        };
        let metric = |name: &str| -> Result<(Decimal, String), IngestError> {
            let m = g.metrics().and_then(|m| m.get(name));
            let amount = m.and_then(|m| m.amount()).unwrap_or("0");
            let unit = m.and_then(|m| m.unit()).unwrap_or("").to_string();
            Ok((
                parse_amount(amount).map_err(|e| bad(format!("{name} of {day}: {e}")))?,
                unit,
            ))
        };
        let (unblended, currency) = metric(UNBLENDED)?;
        let (amortized, _) = metric(AMORTIZED)?;
        let (usage_quantity, usage_unit) = metric(USAGE)?;
        rows.push(DailyCost {
            day,
            service: service.clone(),
            usage_type: usage_type.clone(),
            unblended,
            amortized,
            currency: if currency.is_empty() {
                "USD".into()
            } else {
                currency
            },
            usage_quantity,
            usage_unit,
            estimated,
        });
    }
    Ok((day, estimated, rows))
}

/// Rows of the RECORD_TYPE × USAGE_TYPE answer (parsed as [`parse_result`] does, the record type
/// in `service`) as [`CostRecord`]s, each given the service that `by_service` (the SERVICE ×
/// USAGE_TYPE rows) bills the usage type under that day: the one with the largest amount when
/// several do, empty when none does.
pub fn record_rows(parsed: &[DailyCost], by_service: &[DailyCost]) -> Vec<CostRecord> {
    parsed
        .iter()
        .map(|r| {
            let service = by_service
                .iter()
                .filter(|s| s.day == r.day && s.usage_type == r.usage_type)
                .max_by(|a, b| {
                    a.unblended
                        .abs()
                        .cmp(&b.unblended.abs())
                        .then_with(|| b.service.cmp(&a.service))
                })
                .map(|s| s.service.clone())
                .unwrap_or_default();
            CostRecord {
                day: r.day,
                record_type: r.service.clone(),
                usage_type: r.usage_type.clone(),
                service,
                unblended: r.unblended,
                amortized: r.amortized,
                usage_quantity: r.usage_quantity,
                usage_unit: r.usage_unit.clone(),
            }
        })
        .collect()
}

/// Cost Explorer amounts are decimal strings, sometimes in exponent form (`1.2E-7`).
fn parse_amount(s: &str) -> Result<Decimal, String> {
    Decimal::from_str(s)
        .or_else(|_| Decimal::from_scientific(s))
        .map_err(|e| format!("`{s}` is not a number: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(day: Day, estimated: bool, fetched_at: i64) -> FetchedDay {
        FetchedDay {
            day,
            estimated,
            fetched_at,
            record_types: true,
        }
    }

    #[test]
    fn fetches_missing_days_and_stale_recent_ones_only() {
        let today = Day(20_000);
        let now = today.start_unix() + 12 * 3600;
        assert_eq!(
            ranges(&days_to_fetch(today, 30, &[], now, false)),
            vec![DayRange {
                start: Day(19_970),
                end: today
            }]
        );
        // Everything fetched an hour ago, final: nothing to do.
        let all: Vec<FetchedDay> = (19_970..20_000).map(|d| f(Day(d), false, now - 3600)).collect();
        assert!(days_to_fetch(today, 30, &all, now, false).is_empty());
        // Fetched yesterday: the last 3 days come again, older final days do not.
        let old: Vec<FetchedDay> = (19_970..20_000)
            .map(|d| f(Day(d), d >= 19_998, now - 86_400))
            .collect();
        assert_eq!(
            days_to_fetch(today, 30, &old, now, false),
            vec![Day(19_997), Day(19_998), Day(19_999)]
        );
        // A gap in the middle is its own request.
        let gap: Vec<FetchedDay> = all.iter().copied().filter(|d| d.day != Day(19_980)).collect();
        assert_eq!(
            ranges(&days_to_fetch(today, 30, &gap, now, false)),
            vec![DayRange {
                start: Day(19_980),
                end: Day(19_981)
            }]
        );
    }

    #[test]
    fn days_stored_without_record_types_are_fetched_once_more() {
        let today = Day(20_000);
        let now = today.start_unix() + 12 * 3600;
        let mut all: Vec<FetchedDay> = (19_990..20_000).map(|d| f(Day(d), false, now - 3600)).collect();
        all[2].record_types = false;
        assert_eq!(days_to_fetch(today, 10, &all, now, false), vec![Day(19_992)]);
    }

    #[test]
    fn record_rows_take_the_service_billing_their_usage_type_that_day() {
        let row = |day: i64, first: &str, ut: &str, amount: i64| DailyCost {
            day: Day(day),
            service: first.into(),
            usage_type: ut.into(),
            unblended: Decimal::new(amount, 2),
            amortized: Decimal::new(amount, 2),
            currency: "USD".into(),
            usage_quantity: Decimal::ONE,
            usage_unit: String::new(),
            estimated: false,
        };
        let by_service = [
            row(1, "AWS Lambda", "Lambda-GB-Second", 500),
            row(
                1,
                "Savings Plans for AWS Compute usage",
                "ComputeSP:1yrNoUpfront",
                240,
            ),
            row(1, "Amazon EC2", "DataTransfer-Out-Bytes", 1),
            row(1, "Amazon S3", "DataTransfer-Out-Bytes", 9),
        ];
        let parsed = [
            row(1, "SavingsPlanCoveredUsage", "Lambda-GB-Second", 300),
            row(1, "SavingsPlanRecurringFee", "ComputeSP:1yrNoUpfront", 240),
            row(1, "Usage", "DataTransfer-Out-Bytes", 10),
            row(2, "Usage", "Lambda-GB-Second", 10),
        ];
        let out = record_rows(&parsed, &by_service);
        let services: Vec<&str> = out.iter().map(|r| r.service.as_str()).collect();
        assert_eq!(
            services,
            [
                "AWS Lambda",
                "Savings Plans for AWS Compute usage",
                "Amazon S3",
                ""
            ]
        );
        assert_eq!(out[0].record_type, "SavingsPlanCoveredUsage");
    }

    #[test]
    fn amounts_are_exact() {
        assert_eq!(parse_amount("0.0000002").unwrap().to_string(), "0.0000002");
        assert_eq!(parse_amount("1.2E-7").unwrap(), Decimal::new(12, 8));
        assert!(parse_amount("abc").is_err());
    }
}

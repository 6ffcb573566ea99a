//! Daily costs through Cost Explorer `GetCostAndUsage` (DAILY, grouped by SERVICE and
//! USAGE_TYPE; UnblendedCost, AmortizedCost and UsageQuantity).
//!
//! Every request costs the account $0.01, so a sync asks only for days it has not fetched, plus
//! recent days again: the last 3 days and any day AWS still marked `Estimated`, at most once per
//! [`REFRESH_AFTER_S`] (Cost Explorer refreshes its data a few times a day). Contiguous days go in
//! one request. Days end before today: today's costs are still accumulating.

use crate::ingest::aws::{call, AwsSource, Task};
use crate::ingest::{Batch, Cancel, IngestError, Pulled, StoredState, SyncStage};
use crate::model::records::{DailyCost, FetchedDay};
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

/// Days `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub start: Day,
    pub end: Day,
}

/// Days of the last `days` before `today` that need fetching, given what is stored.
pub fn days_to_fetch(today: Day, days: u32, fetched: &[FetchedDay], now: i64, refresh: bool) -> Vec<Day> {
    let first = today.plus(-i64::from(days));
    (first.0..today.0)
        .map(Day)
        .filter(|d| match fetched.iter().find(|f| f.day == *d) {
            None => true,
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
        let n = rs.len() as u64;
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
        let step = self.step(SyncStage::Costs, n, 0, format!("{} day(s) to fetch", days.len()));
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
        let mut estimated_days = Vec::new();
        let mut token: Option<String> = None;
        loop {
            cancel.check()?;
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
                        .key("SERVICE")
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
                if estimated {
                    estimated_days.push(day);
                }
                rows.append(&mut day_rows);
            }
            match out.next_page_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let days: Vec<(Day, bool)> = (range.start.0..range.end.0)
            .map(|d| (Day(d), estimated_days.contains(&Day(d))))
            .collect();
        let step = self.step(
            SyncStage::Costs,
            0,
            1,
            format!("{} to {}: {} rows", range.start, range.end.plus(-1), rows.len()),
        );
        Ok(Pulled {
            batch: Some(Batch::Costs {
                account,
                rows,
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
                "group of {day} without SERVICE and USAGE_TYPE keys: {keys:?}"
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
    fn amounts_are_exact() {
        assert_eq!(parse_amount("0.0000002").unwrap().to_string(), "0.0000002");
        assert_eq!(parse_amount("1.2E-7").unwrap(), Decimal::new(12, 8));
        assert!(parse_amount("abc").is_err());
    }
}

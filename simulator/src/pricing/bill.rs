//! Billing: price metered quantities through tiers, free tiers and included allowances.
//!
//! Tiers count cumulative usage of a dimension over the period. A free or included allowance is
//! a credit worth the bottom of the dimension's usage, so `total = value of usage above the
//! allowance` exactly, and the credit shows as its own negative line.

use crate::pricing::breakdown::{CostBreakdown, CostLine};
use crate::pricing::catalog::{CatalogError, PriceCatalog, PriceEntry, Result};
use crate::pricing::meter::{meter, Meter};
use crate::pricing::money::{group_digits, Usd};
use crate::pricing::usage::{Deployment, Usage};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Bill `usage` of `deployment` on platform `id` in `region` (default region when `None`).
pub fn bill(
    catalog: &PriceCatalog,
    id: &str,
    region: Option<&str>,
    deployment: &Deployment,
    usage: &Usage,
) -> Result<CostBreakdown> {
    let platform = catalog.platform(id)?;
    let region = catalog.resolve_region(platform, region)?.to_string();
    let metering = meter(platform, deployment, usage)?;
    let free_tier = deployment.free_tier && metering.free_tier_allowed;

    let mut ledger = Ledger::default();
    let mut lines = Vec::new();
    for m in &metering.meters {
        let price = catalog.price(id, &region, &m.dimension)?;
        ledger.price(price, m, free_tier, &mut lines)?;
    }
    let total: Usd = lines.iter().map(|l: &CostLine| l.amount).sum();
    let free: Usd = -lines.iter().filter(|l| l.credit).map(|l| l.amount).sum::<Usd>();
    let mut notes = metering.notes;
    if platform.is_retired() {
        notes.push(format!(
            "{} is retired{}; priced at its last published rates",
            platform.name,
            platform
                .retired_on
                .as_deref()
                .map(|d| format!(" since {d}"))
                .unwrap_or_default()
        ));
    }
    Ok(CostBreakdown {
        platform: id.to_string(),
        region,
        lines,
        total,
        free_tier: free,
        notes,
    })
}

/// Running state of one bill: cumulative usage per dimension and allowances left per pool.
#[derive(Default)]
struct Ledger {
    used: HashMap<String, Decimal>,
    free_used: HashMap<String, Decimal>,
    included_used: HashMap<String, Decimal>,
}

impl Ledger {
    fn price(
        &mut self,
        price: &PriceEntry,
        m: &Meter,
        free_tier: bool,
        lines: &mut Vec<CostLine>,
    ) -> Result<()> {
        let start = *self.used.get(&m.dimension).unwrap_or(&Decimal::ZERO);
        let end = add(start, m.quantity, &m.dimension)?;
        self.used.insert(m.dimension.clone(), end);
        let bands = bands(price);
        let tiered = bands.len() > 1;

        for (i, band) in bands.iter().enumerate() {
            let a = start.max(band.lo);
            let b = end.min(band.hi);
            if b > a {
                let item = if tiered {
                    format!("{}, tier {} ({})", m.label, i + 1, band_label(band, &price.unit))
                } else {
                    m.label.clone()
                };
                lines.push(line(item, m, price, b - a, band.usd, false)?);
            }
        }

        // Allowances: included (always) first, then the free tier (when on).
        let mut pos = start;
        let allowances = [
            (price.included, m.dimension.clone(), true),
            (if free_tier { price.free } else { None }, pool_key(price), false),
        ];
        for (allowance, key, included) in allowances {
            let Some(allowance) = allowance else { continue };
            let book = if included {
                &mut self.included_used
            } else {
                &mut self.free_used
            };
            let taken = *book.get(&key).unwrap_or(&Decimal::ZERO);
            let take = (allowance - taken).max(Decimal::ZERO).min(end - pos);
            if take <= Decimal::ZERO {
                continue;
            }
            book.insert(key, taken + take);
            let value = value_between(&bands, pos, pos + take, &m.dimension)?;
            pos += take;
            let what = if included { "included in plan" } else { "free tier" };
            let unit_price = if take.is_zero() {
                Decimal::ZERO
            } else {
                value / take
            };
            lines.push(CostLine {
                item: format!("{} — {what}", m.label),
                category: m.category,
                dimension: m.dimension.clone(),
                quantity: -take,
                unit: price.unit.clone(),
                unit_price: unit_price.normalize(),
                amount: Usd(-value),
                credit: true,
            });
        }
        Ok(())
    }
}

fn pool_key(p: &PriceEntry) -> String {
    p.free_pool.clone().unwrap_or_else(|| p.dimension.clone())
}

fn line(
    item: String,
    m: &Meter,
    price: &PriceEntry,
    q: Decimal,
    usd: Decimal,
    credit: bool,
) -> Result<CostLine> {
    let amount = q
        .checked_mul(usd)
        .ok_or_else(|| CatalogError::Overflow(m.dimension.clone()))?;
    Ok(CostLine {
        item,
        category: m.category,
        dimension: m.dimension.clone(),
        quantity: q.normalize(),
        unit: price.unit.clone(),
        unit_price: usd,
        amount: Usd(amount.normalize()),
        credit,
    })
}

/// A price band as billed: usage positions `[lo, hi)` at `usd` per unit.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Band {
    lo: Decimal,
    hi: Decimal,
    usd: Decimal,
}

/// The bands of a price, contiguous and covering all usage whatever its tiers say: each band
/// starts where the previous one ended (an overlap is skipped rather than billed twice) and the
/// last is open-ended. Validation refuses such tiers; this keeps a bill from ever charging for
/// more (or less) than was used.
fn bands(price: &PriceEntry) -> Vec<Band> {
    let raw = price.bands();
    let last = raw.len().saturating_sub(1);
    let mut lo = Decimal::ZERO;
    raw.into_iter()
        .enumerate()
        .map(|(i, (to, usd))| {
            let hi = match to {
                Some(to) if i < last => to.max(lo),
                _ => Decimal::MAX,
            };
            let band = Band { lo, hi, usd };
            lo = hi;
            band
        })
        .collect()
}

/// Value of usage positions `[a, b)` under the bands.
fn value_between(bands: &[Band], a: Decimal, b: Decimal, dim: &str) -> Result<Decimal> {
    let mut v = Decimal::ZERO;
    for band in bands {
        let x = a.max(band.lo);
        let y = b.min(band.hi);
        if y > x {
            let part = (y - x)
                .checked_mul(band.usd)
                .ok_or_else(|| CatalogError::Overflow(dim.to_string()))?;
            v = add(v, part, dim)?;
        }
    }
    Ok(v.normalize())
}

fn add(a: Decimal, b: Decimal, dim: &str) -> Result<Decimal> {
    a.checked_add(b)
        .ok_or_else(|| CatalogError::Overflow(dim.to_string()))
}

fn band_label(band: &Band, unit: &str) -> String {
    let g = |d: Decimal| group_digits(&d.normalize().to_string());
    if band.hi == Decimal::MAX {
        format!("over {} {unit}", g(band.lo))
    } else if band.lo.is_zero() {
        format!("first {} {unit}", g(band.hi))
    } else {
        format!("{} – {} {unit}", g(band.lo), g(band.hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::breakdown::CostCategory;
    use crate::pricing::catalog::Tier;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn entry(tiers: Vec<Tier>) -> PriceEntry {
        PriceEntry {
            platform: "p".into(),
            region: "r".into(),
            dimension: "d".into(),
            unit: "GB-second".into(),
            usd: None,
            tiers,
            free: None,
            free_pool: None,
            included: None,
            source: "s".into(),
            as_of: "2026-01-01".into(),
            note: None,
        }
    }

    fn tier(to: Option<i64>, usd: i64) -> Tier {
        Tier {
            to: to.map(Decimal::from),
            usd: Decimal::from(usd),
        }
    }

    /// The lines of `usages` metered one after another on one dimension, free tier off.
    fn billed(e: &PriceEntry, usages: &[Decimal]) -> Vec<CostLine> {
        let mut ledger = Ledger::default();
        let mut lines = Vec::new();
        for q in usages {
            let m = Meter {
                dimension: "d".into(),
                category: CostCategory::Compute,
                quantity: *q,
                label: "Duration".into(),
            };
            ledger.price(e, &m, false, &mut lines).unwrap();
        }
        lines
    }

    #[test]
    fn overlapping_tiers_bill_exactly_the_gb_seconds_used() {
        // Tiers ending at 10 then 5 used to bill [5, 10) twice: 25 GB-s for 20 used.
        let e = entry(vec![tier(Some(10), 2), tier(Some(5), 3), tier(None, 1)]);
        let lines = billed(&e, &[Decimal::from(20)]);
        let quantity: Decimal = lines.iter().map(|l| l.quantity).sum();
        assert_eq!(quantity, Decimal::from(20));
        let amount: Usd = lines.iter().map(|l| l.amount).sum();
        assert_eq!(amount, Usd(Decimal::from(10 * 2 + 10)));
        // A closed last tier still bills everything above it, at its price.
        let e = entry(vec![tier(Some(10), 2), tier(Some(15), 1)]);
        let quantity: Decimal = billed(&e, &[Decimal::from(40)]).iter().map(|l| l.quantity).sum();
        assert_eq!(quantity, Decimal::from(40));
    }

    proptest! {
        /// Whatever the tier bounds (decreasing, repeated, missing, a closed last tier) and however
        /// usage arrives, Σ tier quantities == usage.
        #[test]
        fn tier_quantities_add_up_to_the_usage(
            tos in vec(proptest::option::of(0i64..1_000), 1..6),
            usages in vec(0i64..300_000, 1..5),
        ) {
            let tiers = tos.iter().map(|to| tier(*to, 1)).collect();
            let usages: Vec<Decimal> = usages.iter().map(|u| Decimal::new(*u, 2)).collect();
            let lines = billed(&entry(tiers), &usages);
            let billed: Decimal = lines.iter().map(|l| l.quantity).sum();
            prop_assert_eq!(billed, usages.iter().copied().sum::<Decimal>());
        }
    }
}

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
        let bands = price.bands();
        let tiered = bands.len() > 1;

        let mut lo = Decimal::ZERO;
        for (i, (to, usd)) in bands.iter().enumerate() {
            let hi = to.unwrap_or(Decimal::MAX);
            let a = start.max(lo);
            let b = end.min(hi);
            if b > a {
                let q = b - a;
                let item = if tiered {
                    format!(
                        "{}, tier {} ({})",
                        m.label,
                        i + 1,
                        band_label(lo, *to, &price.unit)
                    )
                } else {
                    m.label.clone()
                };
                lines.push(line(item, m, price, q, *usd, false)?);
            }
            lo = hi;
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

/// Value of usage positions `[a, b)` under the bands.
fn value_between(bands: &[(Option<Decimal>, Decimal)], a: Decimal, b: Decimal, dim: &str) -> Result<Decimal> {
    let mut lo = Decimal::ZERO;
    let mut v = Decimal::ZERO;
    for (to, usd) in bands {
        let hi = to.unwrap_or(Decimal::MAX);
        let x = a.max(lo);
        let y = b.min(hi);
        if y > x {
            let part = (y - x)
                .checked_mul(*usd)
                .ok_or_else(|| CatalogError::Overflow(dim.to_string()))?;
            v = add(v, part, dim)?;
        }
        lo = hi;
    }
    Ok(v.normalize())
}

fn add(a: Decimal, b: Decimal, dim: &str) -> Result<Decimal> {
    a.checked_add(b)
        .ok_or_else(|| CatalogError::Overflow(dim.to_string()))
}

fn band_label(lo: Decimal, to: Option<Decimal>, unit: &str) -> String {
    let g = |d: Decimal| group_digits(&d.normalize().to_string());
    match to {
        Some(hi) if lo.is_zero() => format!("first {} {unit}", g(hi)),
        Some(hi) => format!("{} – {} {unit}", g(lo), g(hi)),
        None => format!("over {} {unit}", g(lo)),
    }
}

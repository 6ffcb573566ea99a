//! Negotiated discounts: a percentage off list price agreed with a provider (an EDP or private
//! pricing agreement), for all of its services or for one platform. It is taken off a bill's
//! total — after free tiers, and after commitments on a bill with commitments — as its own line,
//! exactly.

use crate::pricing::breakdown::{CostBreakdown, CostCategory, CostLine};
use crate::pricing::catalog::Platform;
use crate::pricing::money::Usd;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A percentage off list price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Discount {
    /// Provider, as in the catalog (`aws`, `gcp`, `azure`, …).
    pub provider: String,
    /// One platform id only (`aws-lambda`); absent: every platform of the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub platform: Option<String>,
    /// Percent off list, more than 0 and less than 100 (`"7"` = 7 %).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub percent: Decimal,
}

impl Discount {
    pub fn validate(&self) -> Result<(), String> {
        if self.provider.trim().is_empty() {
            return Err("a discount needs a provider (e.g. aws=7%)".into());
        }
        if self.percent <= Decimal::ZERO || self.percent >= Decimal::ONE_HUNDRED {
            return Err(format!(
                "a discount is more than 0% and less than 100%, not {}%",
                self.percent.normalize()
            ));
        }
        Ok(())
    }

    fn applies_to(&self, p: &Platform) -> bool {
        self.provider.eq_ignore_ascii_case(&p.provider)
            && self.platform.as_deref().is_none_or(|id| id == p.id)
    }
}

impl FromStr for Discount {
    type Err = String;
    /// `aws=7%`, `aws=7`, `aws:aws-lambda=5%`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (who, pct) = s.split_once('=').ok_or_else(|| {
            format!("`{s}`: a discount is PROVIDER=PERCENT, e.g. aws=7% or aws:aws-lambda=5%")
        })?;
        let (provider, platform) = match who.split_once(':') {
            Some((p, id)) => (p.trim(), Some(id.trim().to_string())),
            None => (who.trim(), None),
        };
        let pct = pct.trim().trim_end_matches('%').trim();
        let percent = Decimal::from_str(pct).map_err(|_| format!("`{s}`: `{pct}` is not a percentage"))?;
        let d = Discount {
            provider: provider.to_ascii_lowercase(),
            platform,
            percent,
        };
        d.validate().map_err(|m| format!("`{s}`: {m}"))?;
        Ok(d)
    }
}

/// The discount that applies to `p`: one naming the platform wins over the provider's.
pub fn for_platform<'a>(discounts: &'a [Discount], p: &Platform) -> Option<&'a Discount> {
    discounts
        .iter()
        .filter(|d| d.applies_to(p))
        .max_by_key(|d| d.platform.is_some())
}

/// The negative line of `d` on a bill whose total (before it) is `total`.
pub fn line(d: &Discount, total: Usd) -> CostLine {
    let rate = d.percent / Decimal::ONE_HUNDRED;
    CostLine {
        item: format!("negotiated discount ({}% off list)", d.percent.normalize()),
        category: CostCategory::Discount,
        dimension: "negotiated-discount".into(),
        quantity: total.0.normalize(),
        unit: "USD".into(),
        unit_price: -rate.normalize(),
        amount: Usd((-(total.0 * rate)).normalize()),
        credit: true,
    }
}

/// Take `d` off bill `b`: one more line, and the total lowered by it.
pub fn apply(b: &mut CostBreakdown, d: &Discount) {
    let l = line(d, b.total);
    b.total = b.total + l.amount;
    b.lines.push(l);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discounts_read_from_the_flag_and_take_an_exact_line_off_the_total() {
        let d: Discount = "AWS=7%".parse().unwrap();
        assert_eq!((d.provider.as_str(), d.platform.as_deref()), ("aws", None));
        let one: Discount = "aws:aws-lambda=5".parse().unwrap();
        assert_eq!(one.platform.as_deref(), Some("aws-lambda"));
        assert!("aws=0%".parse::<Discount>().is_err());
        assert!("aws=100".parse::<Discount>().is_err());
        assert!("aws"
            .parse::<Discount>()
            .unwrap_err()
            .contains("PROVIDER=PERCENT"));
        let mut b = CostBreakdown {
            platform: "p".into(),
            region: "r".into(),
            lines: Vec::new(),
            total: Usd("10.30".parse().unwrap()),
            free_tier: Usd::ZERO,
            notes: Vec::new(),
        };
        apply(&mut b, &d);
        assert_eq!(b.total, Usd("9.579".parse().unwrap()));
        assert_eq!(b.lines[0].item, "negotiated discount (7% off list)");
        assert_eq!(b.lines[0].amount, Usd("-0.721".parse().unwrap()));
    }
}

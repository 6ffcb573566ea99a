//! Commitments — Savings Plans and reservations — applied hour by hour, as AWS applies them.
//!
//! A commitment is a spend of `usd_per_hour` at the plan's rates, paid every hour of the term
//! whether or not it is used. Each hour it covers eligible on-demand usage: the usage with the
//! largest discount first (the lowest plan rate ÷ on-demand rate); a covered dollar of on-demand
//! usage uses `rate` dollars of the commitment. What it cannot cover is billed on-demand; what it
//! does not use in the hour is lost. Several commitments apply in the order AWS applies them:
//! reservations, then EC2 Instance Savings Plans, then Compute Savings Plans, each to what the
//! earlier ones left.
//!
//! A plan's rates are catalog prices of the dimension `<on-demand dimension>@<plan>` (e.g.
//! `duration-x86_64@compute-sp-3yr-all-upfront`), so overrides replace them like any price. A
//! dimension without such a price has no published rate under the plan and is not covered.

use crate::pricing::breakdown::CostCategory;
use crate::pricing::money::Usd;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What kind of commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CommitmentKind {
    /// Standard reserved instances of one EC2 instance type (`instance_type`).
    Reserved,
    /// EC2 Instance Savings Plan: one instance family (`instance_type`) in one region.
    Ec2InstanceSavingsPlan,
    /// Compute Savings Plan: EC2, Fargate and Lambda.
    ComputeSavingsPlan,
}

impl CommitmentKind {
    /// The catalog's word for the plan family.
    pub fn plan_prefix(self) -> &'static str {
        match self {
            CommitmentKind::Reserved => "ec2-ri",
            CommitmentKind::Ec2InstanceSavingsPlan => "ec2-isp",
            CommitmentKind::ComputeSavingsPlan => "compute-sp",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            CommitmentKind::Reserved => "Reserved instances",
            CommitmentKind::Ec2InstanceSavingsPlan => "EC2 Instance Savings Plan",
            CommitmentKind::ComputeSavingsPlan => "Compute Savings Plan",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentKind::Reserved => "reserved",
            CommitmentKind::Ec2InstanceSavingsPlan => "ec2-instance-savings-plan",
            CommitmentKind::ComputeSavingsPlan => "compute-savings-plan",
        }
    }
    /// Whether the plan names an instance type or family.
    pub fn needs_instance_type(self) -> bool {
        !matches!(self, CommitmentKind::ComputeSavingsPlan)
    }
}

/// Length of the commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Term {
    #[serde(rename = "1yr")]
    OneYear,
    #[serde(rename = "3yr")]
    ThreeYear,
}

impl Term {
    pub fn as_str(self) -> &'static str {
        match self {
            Term::OneYear => "1yr",
            Term::ThreeYear => "3yr",
        }
    }
}

/// How the commitment is paid. The hourly rate already spreads any upfront part over the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Payment {
    NoUpfront,
    PartialUpfront,
    AllUpfront,
}

impl Payment {
    pub fn as_str(self) -> &'static str {
        match self {
            Payment::NoUpfront => "no-upfront",
            Payment::PartialUpfront => "partial-upfront",
            Payment::AllUpfront => "all-upfront",
        }
    }
}

/// One commitment of a scenario (`[[commitments]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CommitmentSpec {
    pub kind: CommitmentKind,
    pub term: Term,
    pub payment: Payment,
    /// Commitment per hour, USD at the plan's rates (upfront parts spread over the term).
    pub usd_per_hour: Usd,
    /// Instance type (`m7g.large`) of a reservation; instance family (`m7g`, or a type of it) of
    /// an EC2 Instance Savings Plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
}

impl CommitmentSpec {
    /// The plan's catalog name: `compute-sp-3yr-all-upfront`.
    pub fn plan(&self) -> String {
        plan_name(self.kind, self.term, self.payment)
    }

    /// Check the values a file or an edit can get wrong; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        let c = self.usd_per_hour.0;
        if c <= Decimal::ZERO || c > Decimal::from(5000) {
            return Err(format!(
                "`usd_per_hour` must be more than 0 and at most 5000 (AWS's limit), not {}",
                self.usd_per_hour.exact()
            ));
        }
        match (&self.instance_type, self.kind.needs_instance_type()) {
            (None, true) => Err(format!(
                "a `{}` commitment needs `instance_type` (e.g. \"m7g.large\")",
                self.kind.as_str()
            )),
            (Some(_), false) => Err(format!(
                "a `{}` commitment covers every instance type: leave `instance_type` out",
                self.kind.as_str()
            )),
            _ => Ok(()),
        }
    }

    /// Whether the plan may cover platform `id` at all (its rates decide what it covers).
    pub fn may_cover(&self, id: &str) -> bool {
        let Some(vm) = id.strip_prefix("vm:aws/") else {
            return self.kind == CommitmentKind::ComputeSavingsPlan && id.starts_with("aws-");
        };
        match (self.kind, self.instance_type.as_deref()) {
            (CommitmentKind::ComputeSavingsPlan, _) => true,
            (CommitmentKind::Reserved, Some(t)) => vm == t,
            (CommitmentKind::Ec2InstanceSavingsPlan, Some(t)) => family(vm) == family(t),
            _ => false,
        }
    }
}

impl fmt::Display for CommitmentSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}, {} {}, {}/h",
            self.kind.name(),
            self.instance_type
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default(),
            self.term.as_str(),
            self.payment.as_str(),
            self.usd_per_hour
        )
    }
}

/// `compute-sp-3yr-all-upfront`.
pub fn plan_name(kind: CommitmentKind, term: Term, payment: Payment) -> String {
    format!("{}-{}-{}", kind.plan_prefix(), term.as_str(), payment.as_str())
}

/// The kind, term and payment of a plan name (`compute-sp-3yr-all-upfront`), if it is one.
pub fn parse_plan(plan: &str) -> Option<(CommitmentKind, Term, Payment)> {
    use CommitmentKind::*;
    for kind in [Reserved, Ec2InstanceSavingsPlan, ComputeSavingsPlan] {
        for term in [Term::OneYear, Term::ThreeYear] {
            for payment in [Payment::NoUpfront, Payment::PartialUpfront, Payment::AllUpfront] {
                if plan_name(kind, term, payment) == plan {
                    return Some((kind, term, payment));
                }
            }
        }
    }
    None
}

/// A catalog dimension split into its on-demand dimension and plan: `("duration-x86_64",
/// Some("compute-sp-3yr-all-upfront"))`; a list price has no plan.
pub fn split_dimension(dimension: &str) -> (&str, Option<&str>) {
    match dimension.split_once('@') {
        Some((d, p)) => (d, Some(p)),
        None => (dimension, None),
    }
}

/// The catalog dimension of a plan's rate for an on-demand dimension.
pub fn plan_dimension(dimension: &str, plan: &str) -> String {
    format!("{dimension}@{plan}")
}

/// `m7g` of `m7g.large` (and of `m7g`).
fn family(t: &str) -> &str {
    t.split('.').next().unwrap_or(t)
}

/// One commitment as applied to one platform: the plan's rate ratio per eligible dimension.
#[derive(Debug, Clone)]
pub struct Applied {
    pub spec: CommitmentSpec,
    /// Plan rate ÷ on-demand rate per dimension (below 1).
    pub ratios: BTreeMap<String, Decimal>,
}

/// What one commitment did over the period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Paid: the commitment × the hours.
    pub cost: Decimal,
    /// Of it, what covered usage (at the plan's rates).
    pub used: Decimal,
    /// On-demand value of the usage covered, per dimension.
    pub covered: BTreeMap<String, Decimal>,
    /// Eligible on-demand spend before any commitment.
    pub eligible: Decimal,
}

/// Hourly on-demand spend of each dimension (`spend[dimension][hour]`), USD, and the length of
/// each hour as a fraction (1 but for a last, partial hour).
#[derive(Debug, Clone, Default)]
pub struct HourlySpend {
    pub hours: Vec<Decimal>,
    pub spend: BTreeMap<String, Vec<Decimal>>,
}

/// The commitments applied hour by hour, in the order given (see [`order`]).
pub fn apply(h: &HourlySpend, commitments: &[Applied]) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = commitments
        .iter()
        .map(|c| Outcome {
            eligible: c
                .ratios
                .keys()
                .filter_map(|d| h.spend.get(d))
                .flat_map(|v| v.iter().map(|x| (*x).max(Decimal::ZERO)))
                .sum(),
            ..Outcome::default()
        })
        .collect();
    // Per commitment, its dimensions by discount, largest first (ties by name: deterministic).
    let orders: Vec<Vec<(&String, Decimal)>> = commitments
        .iter()
        .map(|c| {
            let mut v: Vec<(&String, Decimal)> = c.ratios.iter().map(|(d, r)| (d, *r)).collect();
            v.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(b.0)));
            v
        })
        .collect();
    for (i, frac) in h.hours.iter().enumerate() {
        let mut left: BTreeMap<&str, Decimal> = h
            .spend
            .iter()
            .map(|(d, v)| {
                (
                    d.as_str(),
                    v.get(i).copied().unwrap_or_default().max(Decimal::ZERO),
                )
            })
            .collect();
        for ((c, o), dims) in commitments.iter().zip(out.iter_mut()).zip(&orders) {
            let mut budget = c.spec.usd_per_hour.0 * frac;
            o.cost += budget;
            for (d, ratio) in dims {
                if budget <= Decimal::ZERO {
                    break;
                }
                let Some(od) = left.get_mut(d.as_str()) else {
                    continue;
                };
                if od.is_zero() || ratio.is_zero() {
                    continue;
                }
                let at_rate = *od * ratio;
                let covered = if at_rate <= budget {
                    budget -= at_rate;
                    *od
                } else {
                    let c = budget / ratio;
                    budget = Decimal::ZERO;
                    c
                };
                *od -= covered;
                *o.covered.entry((*d).clone()).or_default() += covered;
            }
            o.used += c.spec.usd_per_hour.0 * frac - budget;
        }
    }
    out
}

/// Commitments in the order AWS applies them: reservations, EC2 Instance Savings Plans, then
/// Compute Savings Plans; the scenario's order within a kind.
pub fn order(specs: &[CommitmentSpec]) -> Vec<CommitmentSpec> {
    let mut v = specs.to_vec();
    v.sort_by_key(|c| c.kind);
    v
}

/// Categories a plan may cover (the rest — requests, storage, control plane — is never covered).
pub fn coverable(category: CostCategory) -> bool {
    matches!(
        category,
        CostCategory::Compute | CostCategory::Init | CostCategory::Provisioned | CostCategory::Instances
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn spec(usd: &str) -> CommitmentSpec {
        CommitmentSpec {
            kind: CommitmentKind::ComputeSavingsPlan,
            term: Term::ThreeYear,
            payment: Payment::AllUpfront,
            usd_per_hour: Usd(d(usd)),
            instance_type: None,
        }
    }

    fn spend(dims: &[(&str, &[&str])]) -> HourlySpend {
        let n = dims[0].1.len();
        HourlySpend {
            hours: vec![Decimal::ONE; n],
            spend: dims
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|x| d(x)).collect()))
                .collect(),
        }
    }

    #[test]
    fn the_largest_discount_is_covered_first_and_unused_commitment_is_lost() {
        // Two dimensions: `a` at half price, `b` at 0.8; $1 of each per hour, then an idle hour.
        let h = spend(&[("a", &["1", "0"]), ("b", &["1", "0"])]);
        let c = Applied {
            spec: spec("0.9"),
            ratios: [("a".to_string(), d("0.5")), ("b".to_string(), d("0.8"))].into(),
        };
        let o = &apply(&h, &[c])[0];
        // Hour 1: a fully (0.5 of commitment), then 0.4 / 0.8 = 0.5 of b. Hour 2: all lost.
        assert_eq!(o.covered["a"], d("1"));
        assert_eq!(o.covered["b"], d("0.5"));
        assert_eq!(o.cost, d("1.8"));
        assert_eq!(o.used, d("0.9"));
        assert_eq!(o.eligible, d("2"));
    }

    #[test]
    fn later_commitments_cover_what_earlier_ones_left() {
        let h = spend(&[("a", &["2"])]);
        let first = Applied {
            spec: spec("0.5"),
            ratios: [("a".to_string(), d("0.5"))].into(),
        };
        let second = Applied {
            spec: spec("5"),
            ratios: [("a".to_string(), d("0.5"))].into(),
        };
        let o = apply(&h, &[first, second]);
        assert_eq!(o[0].covered["a"], d("1"));
        assert_eq!(o[1].covered["a"], d("1"));
        assert_eq!(o[1].used, d("0.5"));
    }

    #[test]
    fn instance_plans_cover_their_family_or_type_only() {
        let mut s = spec("1");
        assert!(s.may_cover("aws-lambda") && s.may_cover("vm:aws/m7g.large"));
        assert!(!s.may_cover("gcp-cloud-run"));
        s.kind = CommitmentKind::Ec2InstanceSavingsPlan;
        s.instance_type = Some("m7g".into());
        assert!(s.may_cover("vm:aws/m7g.large") && !s.may_cover("vm:aws/c7g.large"));
        assert!(!s.may_cover("aws-fargate"));
        s.kind = CommitmentKind::Reserved;
        s.instance_type = Some("m7g.large".into());
        assert!(s.may_cover("vm:aws/m7g.large") && !s.may_cover("vm:aws/m7g.xlarge"));
        assert_eq!(s.plan(), "ec2-ri-3yr-all-upfront");
        assert!(s.validate().is_ok());
        s.instance_type = None;
        assert!(s.validate().unwrap_err().contains("instance_type"));
    }
}

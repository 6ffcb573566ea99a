//! Catalog validation: what `breakeven catalog check` reports, each problem at `file:line`.

use crate::pricing::catalog::{parse_for_check, CatalogError, PriceCatalog, PriceEntry};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Units a price may be quoted in.
pub const KNOWN_UNITS: &[&str] = &[
    "request",
    "GB-second",
    "GiB-second",
    "GHz-second",
    "vCPU-second",
    "CPU-ms",
    "hour",
    "vCPU-hour",
    "GB-hour",
    "month",
];

/// Validate one catalog file on its own. Returns every problem found (empty: valid); a syntax
/// error stops at the first.
pub fn check_file(file: &str, text: &str) -> Vec<CatalogError> {
    match parse_for_check(file, text) {
        Ok(c) => check(&c, false),
        Err(e) => vec![e],
    }
}

/// Validate a catalog. With `complete`, every platform must have prices in each of its regions
/// (true of the bundled catalog; an override file may carry prices for bundled platforms only).
pub fn check(c: &PriceCatalog, complete: bool) -> Vec<CatalogError> {
    let mut errs = Vec::new();
    let mut pools: HashMap<String, (Decimal, String)> = HashMap::new();
    for (e, o) in c.all_prices() {
        let mut bad = |message: String| {
            errs.push(CatalogError::Invalid {
                file: o.file.clone(),
                line: o.line,
                message,
            });
        };
        let who = format!("price `{}` of `{}`", e.dimension, e.platform);
        if complete && c.platform(&e.platform).is_err() {
            bad(format!("{who}: no platform `{}` is defined", e.platform));
        }
        if let Ok(p) = c.platform(&e.platform) {
            if !p.regions.contains(&e.region) {
                bad(format!(
                    "{who}: region `{}` is not among the platform's regions",
                    e.region
                ));
            }
        }
        if !KNOWN_UNITS.contains(&e.unit.as_str()) {
            bad(format!(
                "{who}: unknown unit `{}` (known: {})",
                e.unit,
                KNOWN_UNITS.join(", ")
            ));
        }
        if e.source.trim().is_empty() {
            bad(format!("{who}: `source` is empty"));
        }
        if !is_date(&e.as_of) {
            bad(format!(
                "{who}: `as_of` must be a date YYYY-MM-DD, not `{}`",
                e.as_of
            ));
        }
        for m in tier_problems(e) {
            bad(format!("{who}: {m}"));
        }
        for (name, v) in [("free", e.free), ("included", e.included)] {
            if v.is_some_and(|v| v < Decimal::ZERO) {
                bad(format!("{who}: `{name}` must not be negative"));
            }
        }
        if let (Some(pool), Some(free)) = (&e.free_pool, e.free) {
            match pools.get(pool) {
                Some((f, first)) if *f != free => bad(format!(
                    "{who}: free pool `{pool}` is {free} here but {f} at `{first}`"
                )),
                Some(_) => {}
                None => {
                    pools.insert(pool.clone(), (free, e.dimension.clone()));
                }
            }
        }
    }
    for p in c.platforms() {
        let o = c
            .platform_origin(&p.id)
            .cloned()
            .unwrap_or_else(|| crate::pricing::catalog::Origin {
                file: String::new(),
                line: 0,
            });
        let mut bad = |message: String| {
            errs.push(CatalogError::Invalid {
                file: o.file.clone(),
                line: o.line,
                message,
            });
        };
        if p.regions.is_empty() {
            bad(format!("platform `{}` lists no region", p.id));
        }
        if p.id.starts_with("vm:") != (p.kind == crate::pricing::PlatformKind::Vm) {
            bad(format!(
                "platform `{}`: VM ids start with `vm:` and only VMs do",
                p.id
            ));
        }
        if p.kind == crate::pricing::PlatformKind::Vm && p.instance.is_none() {
            bad(format!(
                "platform `{}`: a VM needs `instance = {{ vcpu, memory_gib, arch }}`",
                p.id
            ));
        }
        if complete {
            for r in &p.regions {
                if c.prices_of(&p.id).all(|(e, _)| &e.region != r) {
                    bad(format!("platform `{}` has no price in region `{r}`", p.id));
                }
            }
        }
    }
    errs
}

fn tier_problems(e: &PriceEntry) -> Vec<String> {
    let mut out = Vec::new();
    match (e.usd, e.tiers.is_empty()) {
        (Some(_), false) => out.push("give either `usd` or `tiers`, not both".to_string()),
        (None, true) => out.push("no price: give `usd` or `tiers`".to_string()),
        _ => {}
    }
    if e.usd.is_some_and(|u| u < Decimal::ZERO) {
        out.push("`usd` must not be negative".into());
    }
    let mut prev = Decimal::ZERO;
    for (i, t) in e.tiers.iter().enumerate() {
        let last = i + 1 == e.tiers.len();
        if t.usd < Decimal::ZERO {
            out.push(format!("tier {} has a negative price", i + 1));
        }
        match (t.to, last) {
            (Some(to), _) if to <= prev => out.push(format!(
                "tiers must be contiguous and increasing: tier {} ends at {to}, not above {prev}",
                i + 1
            )),
            (Some(to), false) => prev = to,
            (Some(_), true) => out.push("the last tier must be open-ended (no `to`)".into()),
            (None, false) => out.push(format!("only the last tier may omit `to` (tier {})", i + 1)),
            (None, true) => {}
        }
    }
    out
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::catalog::BUNDLED;

    #[test]
    fn bundled_catalog_is_valid() {
        for (name, text) in BUNDLED {
            assert_eq!(check_file(name, text), vec![], "{name}");
        }
        let c = PriceCatalog::bundled().unwrap();
        assert_eq!(check(&c, true), vec![]);
    }

    #[test]
    fn reports_file_and_line() {
        let text = "schema = 1\nprovider = \"x\"\n\n[[prices]]\nplatform = \"p\"\nregion = \"r\"\ndimension = \"d\"\nunit = \"parsec\"\nusd = \"1\"\nsource = \"\"\nas_of = \"2026-13-01\"\n";
        let errs = check_file("over.toml", text);
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("over.toml:4:") && m.contains("unknown unit `parsec`")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("`source` is empty")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("as_of")), "{msgs:?}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let text = "schema = 1\nprovider = \"x\"\n[[prices]]\nplatform = \"p\"\nbogus_key = 3\n";
        let errs = check_file("bad.toml", text);
        assert_eq!(errs.len(), 1);
        let m = errs[0].to_string();
        assert!(
            m.starts_with("bad.toml:5:1:") || m.starts_with("bad.toml:3:"),
            "{m}"
        );
    }

    #[test]
    fn gaps_in_tiers_are_errors() {
        let text = "schema = 1\nprovider = \"x\"\n[[prices]]\nplatform = \"p\"\nregion = \"r\"\ndimension = \"d\"\nunit = \"request\"\ntiers = [{ to = \"10\", usd = \"2\" }, { to = \"5\", usd = \"1\" }, { usd = \"1\" }]\nsource = \"s\"\nas_of = \"2026-01-01\"\n";
        let msgs: Vec<String> = check_file("t.toml", text).iter().map(|e| e.to_string()).collect();
        assert!(msgs.iter().any(|m| m.contains("contiguous")), "{msgs:?}");
    }
}

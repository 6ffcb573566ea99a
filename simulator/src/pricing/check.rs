//! Catalog validation: what `breakeven catalog check` reports, each problem at `file:line`.
//!
//! Every way a catalog is loaded goes through [`validate_file`]: the bundled files
//! ([`PriceCatalog::bundled`]), an override file ([`with_override`]: `--catalog FILE` and the
//! config dir's `catalog.toml`) and `breakeven catalog check`. A file with a problem is refused
//! whole, so what `check` refuses is never used to price.

use crate::pricing::catalog::{CatalogError, Origin, PriceCatalog, PriceEntry};
use crate::pricing::file;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

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

/// Most decimal places a price (`usd`, a tier's `usd`) may have: the smallest non-zero price is
/// 1e-15 USD per unit. The finest metered quantity has 13 places (GB-seconds: ms / 1,000 ×
/// MB / 1,024), and 15 + 13 = 28 is all `rust_decimal` keeps, so every line amount
/// `quantity × price` is exact instead of being rounded (towards zero for tiny prices). Real
/// prices have at most 10 (Lambda's $0.0000166667 per GB-second).
pub const MAX_PRICE_DECIMALS: u32 = 15;

/// Parse one catalog file and check it on its own (syntax, duplicates, then the rules of
/// [`check`]). The one validation every loader calls. Problems are in file order.
pub fn validate_file(file: &str, text: &str) -> Result<PriceCatalog, Vec<CatalogError>> {
    let entries = file::read(file, text).map_err(|e| vec![e])?;
    let mut errs = Vec::new();
    let mut c = PriceCatalog::default();
    let twice = |what: String, line: usize, first: &Origin| {
        invalid(
            file,
            line,
            format!("{what} is defined twice (first at line {})", first.line),
        )
    };
    for (p, o) in entries.platforms {
        let line = o.line;
        if let Some((p, first)) = c.insert_platform(p, o) {
            errs.push(twice(format!("platform `{}`", p.id), line, &first));
        }
    }
    for (e, o) in entries.prices {
        let line = o.line;
        // The replaced entry has the same key: name it from that one.
        if let Some((e, first)) = c.insert_price(e, o) {
            let what = format!("price `{}` of `{}` in `{}`", e.dimension, e.platform, e.region);
            errs.push(twice(what, line, &first));
        }
    }
    c.files.push(file.to_string());
    errs.extend(check(&c, false));
    if errs.is_empty() {
        Ok(c)
    } else {
        errs.sort_by_key(|e| match e {
            CatalogError::Invalid { line, .. } => *line,
            _ => 0,
        });
        Err(errs)
    }
}

/// Every problem of one catalog file checked on its own (empty: valid); a syntax error stops at
/// the first.
pub fn check_file(file: &str, text: &str) -> Vec<CatalogError> {
    validate_file(file, text).err().unwrap_or_default()
}

/// `base` with the file `text` merged over it, as an override file is loaded: the file must pass
/// [`validate_file`], and the merged catalog [`check`] with `complete` (every price names a
/// platform, every region of a platform is priced, free pools agree).
pub fn with_override(base: &PriceCatalog, file: &str, text: &str) -> Result<PriceCatalog, Vec<CatalogError>> {
    let own = validate_file(file, text)?;
    let mut merged = base.clone();
    merged.merge(own);
    // The base is valid (the bundled catalog is checked by tests), so whatever is wrong with the
    // merge comes from this file, even where it shows at an entry of the base.
    let errs = check(&merged, true);
    if errs.is_empty() {
        Ok(merged)
    } else {
        Err(errs)
    }
}

/// One error standing for a refused file: its first problem, saying how many more there are.
pub fn first_problem(mut problems: Vec<CatalogError>) -> CatalogError {
    if problems.is_empty() {
        return CatalogError::Usage("catalog refused without a reason".into());
    }
    let more = problems.len() - 1;
    match problems.remove(0) {
        CatalogError::Invalid { file, line, message } if more > 0 => CatalogError::Invalid {
            message: format!(
                "{message} (and {more} more problem(s): `breakeven catalog check {file}` lists them)"
            ),
            file,
            line,
        },
        first => first,
    }
}

fn invalid(file: &str, line: usize, message: String) -> CatalogError {
    CatalogError::Invalid {
        file: file.to_string(),
        line,
        message,
    }
}

/// Validate a catalog. With `complete`, every platform must have prices in each of its regions
/// (true of the bundled catalog; an override file may carry prices for bundled platforms only).
pub fn check(c: &PriceCatalog, complete: bool) -> Vec<CatalogError> {
    let mut errs = Vec::new();
    let mut pools: HashMap<String, (Decimal, String)> = HashMap::new();
    // (platform, region) pairs with at least one price, for the completeness check.
    let mut priced: HashSet<(&str, &str)> = HashSet::new();
    for (e, o) in c.all_prices() {
        let mut bad = |message: String| {
            errs.push(CatalogError::Invalid {
                file: o.file.clone(),
                line: o.line,
                message,
            });
        };
        let who = format!("price `{}` of `{}`", e.dimension, e.platform);
        priced.insert((e.platform.as_str(), e.region.as_str()));
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
        if let (base, Some(plan)) = crate::pricing::commitments::split_dimension(&e.dimension) {
            if crate::pricing::commitments::parse_plan(plan).is_none() {
                bad(format!(
                    "{who}: unknown plan `{plan}` (compute-sp, ec2-isp or ec2-ri, then 1yr or 3yr, then no-upfront, partial-upfront or all-upfront)"
                ));
            }
            if !e.tiers.is_empty() {
                bad(format!("{who}: a plan rate is one flat `usd`, not tiers"));
            }
            match c.price(&e.platform, &e.region, base) {
                Ok(od) => {
                    let list = od.bands().first().map(|b| b.1).unwrap_or_default();
                    if e.usd.unwrap_or_default() >= list {
                        bad(format!(
                            "{who}: the plan rate {} is not below the on-demand rate {list}",
                            e.usd.unwrap_or_default()
                        ));
                    }
                    if od.unit != e.unit {
                        bad(format!(
                            "{who}: unit `{}` differs from the on-demand `{}`",
                            e.unit, od.unit
                        ));
                    }
                }
                Err(_) if complete => bad(format!("{who}: no on-demand price `{base}` to discount")),
                Err(_) => {}
            }
        }
        for (name, v) in [("free", e.free), ("included", e.included)] {
            if let Some(v) = v.filter(|v| *v < Decimal::ZERO) {
                bad(format!("{who}: `{name}` must not be negative, not {v}"));
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
        let o = c.platform_origin(&p.id).cloned().unwrap_or_else(|| Origin {
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
                if !priced.contains(&(p.id.as_str(), r.as_str())) {
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
    if let Some(usd) = e.usd {
        if usd < Decimal::ZERO {
            out.push(format!("`usd` must not be negative, not {usd}"));
        }
        out.extend(too_fine("`usd`", usd));
    }
    let mut prev = Decimal::ZERO;
    for (i, t) in e.tiers.iter().enumerate() {
        let last = i + 1 == e.tiers.len();
        if t.usd < Decimal::ZERO {
            out.push(format!("tier {} has a negative price ({})", i + 1, t.usd));
        }
        out.extend(too_fine(&format!("tier {}'s `usd`", i + 1), t.usd));
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

/// A price with more than [`MAX_PRICE_DECIMALS`] places, which a bill could not multiply exactly.
fn too_fine(what: &str, usd: Decimal) -> Option<String> {
    let places = usd.normalize().scale();
    (places > MAX_PRICE_DECIMALS).then(|| {
        format!(
            "{what} {} has {places} decimal places; prices have at most {MAX_PRICE_DECIMALS} (the smallest is 1e-{MAX_PRICE_DECIMALS} USD per unit)",
            usd.normalize()
        )
    })
}

/// `YYYY-MM-DD` naming a real calendar day (`2026-02-30` and `2025-02-29` are not).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return false;
    }
    let (y, m, d) = (
        s[..4].parse::<u32>().unwrap_or(0),
        s[5..7].parse::<u32>().unwrap_or(0),
        s[8..10].parse::<u32>().unwrap_or(0),
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    y >= 1 && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::catalog::BUNDLED;

    #[test]
    fn as_of_2026_02_30_is_not_a_date() {
        assert!(!is_date("2026-02-30"));
        assert!(!is_date("2025-02-29"));
        assert!(!is_date("2026-04-31"));
        assert!(!is_date("0000-01-01"));
        assert!(is_date("2024-02-29"));
        assert!(is_date("2026-12-31"));
    }

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

#[cfg(test)]
mod loading;

//! Every loader refuses what `check` refuses.
use super::*;

const HEAD: &str = "schema = 1\nprovider = \"acme\"\n";

/// One `[[prices]]` entry of aws-lambda `requests` in us-east-1 with extra lines.
fn price(extra: &str) -> String {
    format!(
        "\n[[prices]]\nplatform = \"aws-lambda\"\nregion = \"us-east-1\"\ndimension = \"requests\"\nunit = \"request\"\n{extra}\nsource = \"s\"\nas_of = \"2026-11-01\"\n"
    )
}

/// The messages of `check_file`, of `merge_str` and of `with_override` (the paths of
/// `catalog check FILE`, the bundled catalog and `--catalog FILE` / the config dir's file).
fn every_loader(text: &str) -> [String; 3] {
    let checked = check_file("o.toml", text);
    let merged = PriceCatalog::default().merge_str("o.toml", text).unwrap_err();
    let bundled = PriceCatalog::bundled().unwrap();
    let overridden = with_override(&bundled, "o.toml", text).unwrap_err();
    assert!(!checked.is_empty(), "check accepted {text}");
    [
        checked[0].to_string(),
        merged.to_string(),
        overridden[0].to_string(),
    ]
}

#[test]
fn negative_usd_override_is_refused_by_every_loader() {
    let text = format!("{HEAD}{}", price("usd = \"-0.0000002\""));
    for m in every_loader(&text) {
        assert!(m.starts_with("o.toml:4:"), "{m}");
        assert!(m.contains("`usd` must not be negative, not -0.0000002"), "{m}");
    }
}

#[test]
fn overlapping_tiers_are_refused_naming_the_tier_and_line() {
    let text = format!(
        "{HEAD}{}",
        price("tiers = [{ to = \"10\", usd = \"2\" }, { to = \"5\", usd = \"1\" }, { usd = \"1\" }]")
    );
    for m in every_loader(&text) {
        assert!(m.starts_with("o.toml:4:"), "{m}");
        assert!(m.contains("tier 2 ends at 5, not above 10"), "{m}");
    }
}

#[test]
fn negative_free_tier_is_refused_not_dropped() {
    let text = format!("{HEAD}{}", price("usd = \"0.0000002\"\nfree = \"-1000000\""));
    for m in every_loader(&text) {
        assert!(m.contains("`free` must not be negative, not -1000000"), "{m}");
    }
}

#[test]
fn price_below_1e_28_is_refused_not_rounded_to_zero() {
    let text = format!("{HEAD}{}", price("usd = \"0.00000000000000000000000000001\""));
    for m in every_loader(&text) {
        // A syntax-level error at the value: file:line:column, the field and the value.
        assert!(m.starts_with("o.toml:9:"), "{m}");
        assert!(m.contains("`usd`") && m.contains("cannot be held exactly"), "{m}");
    }
    let text = format!("{HEAD}{}", price("usd = \"0.0000000000000001\""));
    for m in every_loader(&text) {
        assert!(m.starts_with("o.toml:4:"), "{m}");
        assert!(m.contains("price `requests` of `aws-lambda`: `usd` 0.0000000000000001 has 16 decimal places; prices have at most 15"), "{m}");
    }
    let tier = format!(
        "{HEAD}{}",
        price("tiers = [{ to = \"1\", usd = \"1e-16\" }, { usd = \"1\" }]")
    );
    for m in every_loader(&tier) {
        assert!(
            m.contains("tier 1's `usd` 0.0000000000000001 has 16 decimal places"),
            "{m}"
        );
    }
}

#[test]
fn duplicate_prices_in_one_file_are_refused() {
    let text = format!("{HEAD}{}{}", price("usd = \"1\""), price("usd = \"2\""));
    for m in every_loader(&text) {
        assert!(m.starts_with("o.toml:13:"), "{m}");
        assert!(m.contains("defined twice (first at line 4)"), "{m}");
    }
}

#[test]
fn an_override_for_an_unknown_platform_is_refused_on_load() {
    let text = format!(
        "{HEAD}{}",
        price("usd = \"1\"").replace("aws-lambda", "aws-lamda")
    );
    let bundled = PriceCatalog::bundled().unwrap();
    let problems = with_override(&bundled, "o.toml", &text).unwrap_err();
    assert!(
        problems[0]
            .to_string()
            .contains("no platform `aws-lamda` is defined"),
        "{problems:?}"
    );
}

#[test]
fn a_valid_override_replaces_the_bundled_price() {
    let text = format!("{HEAD}{}", price("usd = \"0.0000001\""));
    let bundled = PriceCatalog::bundled().unwrap();
    let c = with_override(&bundled, "o.toml", &text).unwrap();
    let usd = c.price("aws-lambda", "us-east-1", "requests").unwrap().usd;
    assert_eq!(usd, Some(Decimal::new(1, 7)));
}

#[test]
fn first_problem_counts_the_rest() {
    let text = format!("{HEAD}{}", price("usd = \"-1\"\nfree = \"-1\""));
    let m = PriceCatalog::default()
        .merge_str("o.toml", &text)
        .unwrap_err()
        .to_string();
    assert!(
        m.contains("(and 1 more problem(s): `breakeven catalog check o.toml` lists them)"),
        "{m}"
    );
}

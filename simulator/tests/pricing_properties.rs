//! Properties every platform's bill must have, over random usage.

use breakeven_simulator::pricing::{estimate, PriceCatalog, UsageProfile};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn bill(c: &PriceCatalog, id: &str, requests: u64, duration_ms: u64, free: bool) -> Decimal {
    let p = UsageProfile {
        requests,
        duration_ms: Decimal::from(duration_ms),
        free_tier: free,
        ..Default::default()
    };
    estimate(c, id, None, &p).unwrap().total.0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// More usage never costs less, on any platform, with or without free tier.
    #[test]
    fn cost_never_falls_when_usage_grows(
        requests in 0u64..5_000_000_000,
        extra in 0u64..1_000_000_000,
        duration in 0u64..20_000,
        more_ms in 0u64..5_000,
        free in any::<bool>(),
    ) {
        let c = PriceCatalog::bundled().unwrap();
        for p in c.platforms() {
            let base = bill(&c, &p.id, requests, duration, free);
            prop_assert!(bill(&c, &p.id, requests + extra, duration, free) >= base, "{} requests", p.id);
            prop_assert!(bill(&c, &p.id, requests, duration + more_ms, free) >= base, "{} duration", p.id);
        }
    }

    /// Tiered prices are continuous: crossing a tier boundary adds at most the quantity crossed
    /// times the highest band price — no jump.
    #[test]
    fn tiers_are_continuous(requests in 0u64..40_000_000_000u64, step in 1u64..10_000) {
        let c = PriceCatalog::bundled().unwrap();
        for id in ["aws-api-gateway-rest", "aws-api-gateway-http"] {
            let a = bill(&c, id, requests, 0, false);
            let b = bill(&c, id, requests + step, 0, false);
            let top = c.price(id, c.platform(id).unwrap().default_region(), "requests").unwrap()
                .bands().iter().map(|(_, p)| *p).max().unwrap();
            prop_assert!(b - a <= top * Decimal::from(step));
            prop_assert!(b >= a);
        }
    }
}

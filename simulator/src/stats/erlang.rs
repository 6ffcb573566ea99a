//! Erlang-B and Erlang-C: the closed forms the engines are validated against, and the per-minute
//! queueing estimate of the aggregate mode.

/// Offered load above which [`erlang_b`] starts its recurrence near the load instead of at zero.
const SKIP_FROM_LOAD: f64 = 1_000.0;

/// Blocking probability of an M/G/m/m loss system with offered load `a` = λ/μ (Erlang-B),
/// by the stable recurrence B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).
///
/// The work is bounded however large `m` is: once B falls below 10⁻¹⁸ past the load it is
/// reported as 0 (it only falls further), and above
/// a load of [`SKIP_FROM_LOAD`] the recurrence starts at k₀ = min(a, m) − 12√a from
/// the fixed point 1 − k₀/a. Below the load the recurrence contracts by k/a a step, so the
/// start's error shrinks by e^(−72) or more before it reaches m.
pub fn erlang_b(m: u32, a: f64) -> f64 {
    let (mut b, from) = match a.min(f64::from(m)) - 12.0 * a.sqrt() {
        k0 if a > SKIP_FROM_LOAD && k0 >= 1.0 => {
            let k0 = k0.floor();
            (1.0 - k0 / a, k0 as u32)
        }
        _ => (1.0, 0),
    };
    for k in from + 1..=m {
        b = a * b / (f64::from(k) + a * b);
        // Past the load each step multiplies B by less than a/k < 1: once it is this small
        // the rest of the way cannot bring it back above rounding noise.
        if b < NEGLIGIBLE && f64::from(k) > a {
            return 0.0;
        }
    }
    b
}

/// A blocking probability below this is reported as 0.
const NEGLIGIBLE: f64 = 1e-18;

/// Probability that an arrival waits in an M/M/c queue with offered load `a` = λ/μ (Erlang-C).
/// 1 when the system is unstable (a ≥ c).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let c_f = f64::from(c);
    if a >= c_f {
        return 1.0;
    }
    let b = erlang_b(c, a);
    let rho = a / c_f;
    b / (1.0 - rho * (1.0 - b))
}

/// Mean waiting time in queue of an M/M/c system, in the unit of `mean_service`.
/// Infinite when unstable.
pub fn mmc_mean_wait(c: u32, lambda: f64, mean_service: f64) -> f64 {
    let a = lambda * mean_service;
    let c_f = f64::from(c);
    if a >= c_f {
        return f64::INFINITY;
    }
    erlang_c(c, a) * mean_service / (c_f - a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Textbook values: B(1, 1) = 0.5; B(2, 1) = 0.2; C(2, 1) = 1/3.
        assert!((erlang_b(1, 1.0) - 0.5).abs() < 1e-12);
        assert!((erlang_b(2, 1.0) - 0.2).abs() < 1e-12);
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        // M/M/1: Wq = ρ/(μ−λ) → λ = 0.5, S = 1: 1.
        assert!((mmc_mean_wait(1, 0.5, 1.0) - 1.0).abs() < 1e-12);
        assert_eq!(erlang_c(3, 3.5), 1.0);
    }

    #[test]
    fn a_billion_servers_take_bounded_work_and_agree_with_the_full_recurrence() {
        // Far more servers than load: B underflows early and the loop stops.
        assert_eq!(erlang_b(u32::MAX, 10.0), 0.0);
        // Past the skip threshold the start near the load gives the full recurrence's value.
        let full = |m: u32, a: f64| {
            let mut b = 1.0;
            for k in 1..=m {
                b = a * b / (f64::from(k) + a * b);
            }
            b
        };
        for (m, a) in [
            (1_000_100, 1_000_000.0),
            (1_200_000, 1_300_000.0),
            (1_001, 1_000.5),
            (900, 1_200.0),
            (1_300, 1_200.0),
            (60_000, 50_000.0),
            (49_000, 50_000.0),
            (83_000, 50_000.0),
        ] {
            let (x, y) = (erlang_b(m, a), full(m, a));
            // Below 10⁻¹⁸ past the load the blocking probability is reported as 0.
            let close = if y < NEGLIGIBLE {
                x == 0.0 || (x / y - 1.0).abs() < 1e-12
            } else {
                (x / y - 1.0).abs() < 1e-12
            };
            assert!(close, "{m}, {a}: {x} vs {y}");
        }
    }
}

//! Erlang-B and Erlang-C: the closed forms the engines are validated against, and the per-minute
//! queueing estimate of the aggregate mode.

/// Blocking probability of an M/G/m/m loss system with offered load `a` = λ/μ (Erlang-B),
/// by the stable recurrence B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).
pub fn erlang_b(m: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=m {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

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
}

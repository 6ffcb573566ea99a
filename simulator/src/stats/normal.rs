//! The standard normal distribution's quantile function, for quantile-stratified estimates
//! (aggregate mode's mean billed duration) where random draws would add sampling noise.

/// Φ⁻¹(p): the standard normal quantile of `p` in (0, 1), by Acklam's rational approximation
/// (relative error below 1.2 × 10⁻⁹). Outside (0, 1) it returns ±∞.
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383577518672690e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    const LOW: f64 = 0.02425;
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_quantiles_and_symmetry() {
        assert_eq!(inverse_normal_cdf(0.5), 0.0);
        for (p, z) in [
            (0.975, 1.959_963_984_540_054),
            (0.99, 2.326_347_874_040_841),
            (0.8413447460685429, 1.0),
            (1e-6, -4.753_424_308_822_899),
        ] {
            assert!(
                (inverse_normal_cdf(p) - z).abs() < 1e-8 * z.abs().max(1.0),
                "{p}: {}",
                inverse_normal_cdf(p)
            );
            assert!((inverse_normal_cdf(1.0 - p) + z).abs() < 1e-7 * z.abs().max(1.0));
        }
        assert!(inverse_normal_cdf(0.0).is_infinite() && inverse_normal_cdf(1.0).is_infinite());
    }
}

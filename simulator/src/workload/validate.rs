//! Checking an arrival process: every parameter in its range and under the limits of
//! [`crate::limits`], before a run draws a single arrival.

use super::arrivals::{Arrivals, MS_PER_MIN};
use crate::limits::{
    fmt_count, MAX_HORIZON_MS, MAX_RATE_PER_S, MAX_REPLAY_COUNT_PER_MIN, MAX_SPIKES, MIN_BURST_S,
};

/// A positive (or, with `zero_ok`, zero) finite number.
fn positive(name: &str, v: f64, zero_ok: bool) -> Result<(), String> {
    if v.is_finite() && (v > 0.0 || (zero_ok && v == 0.0)) {
        Ok(())
    } else {
        Err(format!(
            "`{name}` must be {} number, not {v}",
            if zero_ok { "a non-negative" } else { "a positive" }
        ))
    }
}

/// A rate, requests/s: [`positive`] and at most [`MAX_RATE_PER_S`].
fn rate_ok(name: &str, v: f64, zero_ok: bool) -> Result<(), String> {
    positive(name, v, zero_ok)?;
    if v > MAX_RATE_PER_S {
        return Err(format!(
            "`{name}` of {} requests/s is above the limit of {} requests/s",
            fmt_count(v),
            fmt_count(MAX_RATE_PER_S)
        ));
    }
    Ok(())
}

impl Arrivals {
    /// Check the parameters against their ranges and the limits of [`crate::limits`]; the
    /// message names the offending key.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Arrivals::Poisson { rate_per_s } | Arrivals::Constant { rate_per_s } => {
                rate_ok("rate_per_s", *rate_per_s, false)
            }
            Arrivals::Diurnal {
                mean_rate_per_s,
                peak_to_trough,
                peak_hour,
                period_h,
            } => {
                rate_ok("mean_rate_per_s", *mean_rate_per_s, false)?;
                if !(peak_to_trough.is_finite() && *peak_to_trough >= 1.0) {
                    return Err(format!(
                        "`peak_to_trough` must be at least 1, not {peak_to_trough}"
                    ));
                }
                positive("period_h", *period_h, false)?;
                if !(peak_hour.is_finite() && *peak_hour >= 0.0) {
                    return Err(format!(
                        "`peak_hour` must be a non-negative hour, not {peak_hour}"
                    ));
                }
                rate_ok("mean_rate_per_s at the peak", self.peak_rate_per_s(), false)
            }
            Arrivals::Bursty {
                on_rate_per_s,
                off_rate_per_s,
                mean_on_s,
                mean_off_s,
            } => {
                rate_ok("on_rate_per_s", *on_rate_per_s, false)?;
                rate_ok("off_rate_per_s", *off_rate_per_s, true)?;
                for (name, v) in [("mean_on_s", *mean_on_s), ("mean_off_s", *mean_off_s)] {
                    positive(name, v, false)?;
                    if v < MIN_BURST_S {
                        return Err(format!(
                            "`{name}` of {v} s is below the limit of {MIN_BURST_S} s (use `poisson` for traffic without bursts)"
                        ));
                    }
                }
                Ok(())
            }
            Arrivals::Spike {
                base_rate_per_s,
                spikes,
            } => {
                rate_ok("base_rate_per_s", *base_rate_per_s, false)?;
                if spikes.len() > MAX_SPIKES {
                    return Err(format!(
                        "{} `spikes` are more than the limit of {MAX_SPIKES}",
                        spikes.len()
                    ));
                }
                for s in spikes {
                    positive("at_s", s.at_s, true)?;
                    positive("duration_s", s.duration_s, false)?;
                    positive("factor", s.factor, true)?;
                }
                rate_ok("base_rate_per_s × spike factors", self.peak_rate_per_s(), false)
            }
            Arrivals::Replay { counts_per_min, file } => {
                match (counts_per_min.is_empty(), file) {
                    (true, None) => return Err("replay needs `counts_per_min` or a `file`".into()),
                    (false, Some(_)) => {
                        return Err("replay takes `counts_per_min` or `file`, not both".into())
                    }
                    _ => {}
                }
                check_replay_counts(counts_per_min)
            }
        }
    }
}

/// Per-minute counts of a replay: at most [`MAX_REPLAY_COUNT_PER_MIN`] each and no more minutes
/// than the longest horizon.
pub fn check_replay_counts(counts: &[u64]) -> Result<(), String> {
    let max_minutes = (MAX_HORIZON_MS / MS_PER_MIN) as usize;
    if counts.len() > max_minutes {
        return Err(format!(
            "the replay has {} minutes, more than the limit of {} (the longest horizon, 3 years)",
            fmt_count(counts.len() as f64),
            fmt_count(max_minutes as f64)
        ));
    }
    if let Some((m, c)) = counts
        .iter()
        .enumerate()
        .find(|(_, c)| **c > MAX_REPLAY_COUNT_PER_MIN)
    {
        return Err(format!(
            "minute {} of the replay counts {} requests, above the limit of {} per minute ({} requests/s)",
            m + 1,
            fmt_count(*c as f64),
            fmt_count(MAX_REPLAY_COUNT_PER_MIN as f64),
            fmt_count(MAX_RATE_PER_S)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Spike;

    #[test]
    fn a_replay_minute_of_a_trillion_requests_is_refused_not_an_8_gb_buffer() {
        let replay = Arrivals::Replay {
            counts_per_min: vec![5, 1_000_000_000_000],
            file: None,
        };
        let e = replay.validate().unwrap_err();
        assert!(
            e.contains("minute 2") && e.contains("1,000,000,000,000") && e.contains("60,000,000 per minute"),
            "{e}"
        );
        let ok = Arrivals::Replay {
            counts_per_min: vec![60_000_000],
            file: None,
        };
        assert!(ok.validate().is_ok());
    }

    #[test]
    fn rates_above_a_million_per_second_and_sub_second_bursts_are_refused() {
        let e = Arrivals::Poisson { rate_per_s: 1e7 }.validate().unwrap_err();
        assert!(
            e.contains("`rate_per_s`") && e.contains("1,000,000 requests/s"),
            "{e}"
        );
        let bursty = Arrivals::Bursty {
            on_rate_per_s: 10.0,
            off_rate_per_s: 0.0,
            mean_on_s: 1e-9,
            mean_off_s: 60.0,
        };
        assert!(bursty.validate().unwrap_err().contains("`mean_on_s`"));
        let spikes = Arrivals::Spike {
            base_rate_per_s: 1.0,
            spikes: vec![
                Spike {
                    at_s: 0.0,
                    duration_s: 60.0,
                    factor: 1e300,
                },
                Spike {
                    at_s: 0.0,
                    duration_s: 60.0,
                    factor: 1e300,
                },
            ],
        };
        assert!(spikes.validate().unwrap_err().contains("spike factors"));
    }
}

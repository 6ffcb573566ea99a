//! Time integrals of instance counts and the per-bucket timeline for charts.
//!
//! Counts change only at events, so the integral of a count is exact when it is advanced at every
//! state change: `area += level × (t − last_t)`. Each bucket of the timeline receives the part of
//! that area that falls inside it.

/// What happened in one timeline bucket. Areas are instance·ms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimelineBucket {
    pub requests: u64,
    pub cold_starts: u64,
    pub throttled: u64,
    /// Σ billed execution time of requests that started here, ms.
    pub exec_ms: u64,
    /// Σ billed init time of cold starts that began here, ms.
    pub init_ms: u64,
    /// ∫ alive instances dt, instance·ms.
    pub instance_area: f64,
    /// ∫ busy instances dt, instance·ms.
    pub busy_area: f64,
    pub peak_instances: u32,
}

/// Alive and busy instance counts integrated over time, overall and per bucket.
#[derive(Debug, Clone)]
pub struct Timeline {
    last_t: f64,
    alive: u32,
    /// Busy instances: whole in exact mode, an expectation in aggregate mode.
    busy: f64,
    /// ∫ alive dt over the run, instance·ms.
    pub alive_area: f64,
    /// ∫ busy dt over the run, instance·ms.
    pub busy_area: f64,
    pub peak_alive: u32,
    /// Bucket width, ms.
    pub bucket_ms: f64,
    /// End of the current bucket, ms.
    next_edge: f64,
    current: usize,
    pub buckets: Vec<TimelineBucket>,
}

impl Timeline {
    /// `horizon_ms` split into buckets of `bucket_ms`; events past the horizon land in the last.
    pub fn new(horizon_ms: f64, bucket_ms: f64) -> Timeline {
        let n = ((horizon_ms / bucket_ms).ceil() as usize).max(1);
        Timeline {
            last_t: 0.0,
            alive: 0,
            busy: 0.0,
            alive_area: 0.0,
            busy_area: 0.0,
            peak_alive: 0,
            bucket_ms,
            next_edge: bucket_ms,
            current: 0,
            buckets: vec![TimelineBucket::default(); n],
        }
    }

    pub fn alive(&self) -> u32 {
        self.alive
    }

    pub fn busy(&self) -> f64 {
        self.busy
    }

    /// The bucket events at the current time belong to.
    #[inline]
    pub fn bucket(&mut self) -> &mut TimelineBucket {
        &mut self.buckets[self.current]
    }

    /// Integrate the current levels up to `t` (ms; earlier times are ignored).
    #[inline]
    pub fn advance(&mut self, t: f64) {
        if t <= self.last_t {
            return;
        }
        let (a, b) = (f64::from(self.alive), self.busy);
        self.alive_area += a * (t - self.last_t);
        self.busy_area += b * (t - self.last_t);
        if t > self.next_edge {
            self.cross_edges(t, a, b);
        }
        let dt = t - self.last_t;
        let bk = &mut self.buckets[self.current];
        bk.instance_area += a * dt;
        bk.busy_area += b * dt;
        self.last_t = t;
    }

    /// Close the buckets that end before `t` (ms) at levels `a` alive and `b` busy.
    #[inline(never)]
    fn cross_edges(&mut self, t: f64, a: f64, b: f64) {
        let last = self.buckets.len() - 1;
        while t > self.next_edge && self.current < last {
            let dt = self.next_edge - self.last_t;
            let bk = &mut self.buckets[self.current];
            bk.instance_area += a * dt;
            bk.busy_area += b * dt;
            self.last_t = self.next_edge;
            self.current += 1;
            self.next_edge += self.bucket_ms;
            self.buckets[self.current].peak_instances = self.alive;
        }
    }

    /// Change the alive and busy counts at `t` (ms), integrating first.
    #[inline]
    pub fn set(&mut self, t: f64, alive: u32, busy: u32) {
        self.set_expected(t, alive, f64::from(busy));
    }

    /// [`Self::set`] with an expected, fractional busy count (aggregate mode).
    #[inline]
    pub fn set_expected(&mut self, t: f64, alive: u32, busy: f64) {
        self.advance(t);
        self.alive = alive;
        self.busy = busy;
        if alive > self.peak_alive {
            self.peak_alive = alive;
        }
        let bk = &mut self.buckets[self.current];
        if alive > bk.peak_instances {
            bk.peak_instances = alive;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_split_across_buckets_and_sum_to_the_total() {
        let mut tl = Timeline::new(300.0, 100.0);
        tl.set(0.0, 2, 1);
        tl.set(150.0, 3, 3);
        tl.set(250.0, 0, 0);
        tl.advance(300.0);
        assert_eq!(tl.alive_area, 2.0 * 150.0 + 3.0 * 100.0);
        assert_eq!(tl.busy_area, 150.0 + 300.0);
        let per: Vec<f64> = tl.buckets.iter().map(|b| b.instance_area).collect();
        assert_eq!(per, vec![200.0, 100.0 + 150.0, 150.0]);
        assert_eq!(tl.buckets[1].peak_instances, 3);
        assert_eq!(tl.buckets[2].peak_instances, 3);
        assert_eq!(tl.peak_alive, 3);
    }

    #[test]
    fn events_past_the_horizon_land_in_the_last_bucket() {
        let mut tl = Timeline::new(100.0, 60.0);
        tl.set(0.0, 1, 1);
        tl.advance(500.0);
        assert_eq!(tl.buckets.len(), 2);
        assert_eq!(tl.buckets[0].instance_area, 60.0);
        assert_eq!(tl.buckets[1].instance_area, 440.0);
    }
}

//! A min-priority event queue ordered by (time, insertion sequence).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// When an event happens (ms of simulated time) and the order it was scheduled in. Ties in time
/// are broken by `seq`, which makes the order total and the run deterministic.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    pub t: f64,
    pub seq: u64,
}

impl Stamp {
    /// True when `self` comes before `other`.
    #[inline]
    pub fn before(&self, other: &Stamp) -> bool {
        self.cmp_key(other) == Ordering::Less
    }

    #[inline]
    fn cmp_key(&self, other: &Stamp) -> Ordering {
        self.t.total_cmp(&other.t).then(self.seq.cmp(&other.seq))
    }
}

struct Entry<E> {
    /// `(t bits << 64) | seq`: simulated time is never negative, so the IEEE-754 bits of `t`
    /// order like `t`, and one integer comparison orders by (time, seq).
    key: u128,
    at: Stamp,
    event: E,
}

#[inline]
fn key(at: &Stamp) -> u128 {
    (u128::from(at.t.to_bits()) << 64) | u128::from(at.seq)
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed: `BinaryHeap` is a max-heap and the earliest event must come out first.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events. `seq` numbers are handed out by the queue so callers cannot reuse one.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A fresh stamp at `t` for an event kept outside the queue (the next arrival), so it orders
    /// against queued events exactly as if it were queued.
    #[inline]
    pub fn stamp(&mut self, t: f64) -> Stamp {
        let seq = self.next_seq;
        self.next_seq += 1;
        Stamp { t, seq }
    }

    #[inline]
    pub fn push(&mut self, t: f64, event: E) -> Stamp {
        debug_assert!(t >= 0.0, "simulated time starts at 0");
        let at = self.stamp(t);
        self.heap.push(Entry {
            key: key(&at),
            at,
            event,
        });
        at
    }

    #[inline]
    pub fn peek(&self) -> Option<Stamp> {
        self.heap.peek().map(|e| e.at)
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(Stamp, E)> {
        self.heap.pop().map(|e| (e.at, e.event))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Fixed-seed randomized check against the simplest reference: a Vec sorted by (time, seq).
    #[test]
    fn pops_in_the_order_of_a_sorted_vec() {
        for seed in 0..20u64 {
            let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
            let mut q = EventQueue::new();
            let mut reference: Vec<(f64, u64, u32)> = Vec::new();
            let mut popped = Vec::new();
            let mut expected = Vec::new();
            for id in 0..2_000u32 {
                // Coarse times make ties common, which is what the sequence numbers are for.
                let t = f64::from(rng.random_range(0..50u32));
                let at = q.push(t, id);
                reference.push((t, at.seq, id));
                if rng.random_bool(0.3) {
                    popped.push(q.pop().map(|(_, e)| e));
                    reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    expected.push(Some(reference.remove(0).2));
                }
            }
            while let Some((_, e)) = q.pop() {
                popped.push(Some(e));
            }
            reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            expected.extend(reference.into_iter().map(|r| Some(r.2)));
            assert_eq!(popped, expected, "seed {seed}");
        }
    }

    #[test]
    fn external_stamps_order_against_queued_events() {
        let mut q = EventQueue::new();
        q.push(5.0, "completion");
        let arrival = q.stamp(5.0);
        assert!(q.peek().unwrap().before(&arrival));
        let later = q.push(5.0, "second");
        assert!(arrival.before(&later));
    }
}

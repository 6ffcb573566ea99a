//! A min-priority event queue ordered by (time, insertion sequence).
//!
//! A discrete-event run pops events in time order and only ever schedules events at or after the
//! current time. The queue exploits that with a timing wheel (a calendar queue): a ring of slots
//! of equal width in time, each holding its events sorted, and a bitmap of non-empty slots. An
//! event is pushed into the slot its time falls in, and the earliest event is the head of the
//! first non-empty slot at or after the current one, so both operations take constant time
//! however many events wait, with no comparisons along a heap path. Events past the ring's reach
//! wait in a binary heap and move into the ring as it turns. The slot width follows the mean time
//! between pops and the ring grows with the number of waiting events; they change only how fast
//! the queue is, never the order it pops in.

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

/// `(t bits << 64) | seq`: simulated time is never negative, so the IEEE-754 bits of `t` order
/// like `t`, and one integer comparison orders by (time, seq).
#[inline]
fn key(at: &Stamp) -> u128 {
    (u128::from(at.t.to_bits()) << 64) | u128::from(at.seq)
}

#[inline]
fn time_of(key: u128) -> f64 {
    f64::from_bits((key >> 64) as u64)
}

#[inline]
fn stamp_of(key: u128) -> Stamp {
    Stamp {
        t: time_of(key),
        seq: key as u64,
    }
}

/// End of a slot's list.
const NIL: u32 = u32::MAX;
/// Pops between two looks at whether the slot width and ring size still fit the traffic.
const EPOCH: u32 = 1024;
/// Slots per mean time between pops: mostly empty slots make a push rarely share a slot (a
/// mispredicted branch and a list walk) while the bitmap skips empty slots 64 at a time.
const SLOTS_PER_GAP: f64 = 2.0;
/// Ring slots per waiting event: with `SLOTS_PER_GAP` it spans about eight mean waits, so few
/// events go to the late heap.
const RING_PER_EVENT: usize = 16;
/// Ring size bounds, slots (powers of two).
const MIN_SLOTS: usize = 256;
const MAX_SLOTS: usize = 1 << 20;

/// An event in the ring: a node of its slot's sorted list.
#[derive(Clone, Copy)]
struct Node<E> {
    key: u128,
    next: u32,
    event: E,
}

/// An event beyond the ring's reach, in a min-heap by key.
struct Late<E> {
    key: u128,
    event: E,
}

impl<E> PartialEq for Late<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Late<E> {}
impl<E> PartialOrd for Late<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Late<E> {
    /// Reversed: `BinaryHeap` is a max-heap and the earliest event must come out first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events. `seq` numbers are handed out by the queue so callers cannot reuse one.
/// An event must not be pushed before the last event popped (simulated time does not go back).
pub struct EventQueue<E> {
    /// First (earliest) event of each slot, valid where `occupied` says; the rest of a slot's
    /// events follow in `nodes`, sorted. The ring has `mask + 1` slots.
    slots: Vec<Node<E>>,
    /// Bit `i` of word `i / 64` set when slot `i` is not empty.
    occupied: Vec<u64>,
    nodes: Vec<Node<E>>,
    /// Further events of slots; free nodes are linked through `next`.
    free: u32,
    mask: u64,
    /// Time of slot 0, ms, and slots per ms.
    origin: f64,
    slots_per_ms: f64,
    /// Slot of the last pop: the ring covers slots `base .. base + ring size`.
    base: u64,
    /// First non-empty slot (valid while `in_ring > 0`).
    head: u64,
    in_ring: usize,
    late: BinaryHeap<Late<E>>,
    next_seq: u64,
    /// Time of the last pop, ms, and pops and time since the last look at the geometry.
    last_t: f64,
    epoch_pops: u32,
    epoch_t0: f64,
}

impl<E: Copy + Default> Default for EventQueue<E> {
    fn default() -> Self {
        Self::with_geometry(MIN_SLOTS, 1.0, 0.0)
    }
}

impl<E: Copy + Default> EventQueue<E> {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_geometry(slots: usize, slot_ms: f64, origin: f64) -> Self {
        EventQueue {
            slots: vec![
                Node {
                    key: 0,
                    next: NIL,
                    event: E::default(),
                };
                slots
            ],
            occupied: vec![0; slots / 64],
            nodes: Vec::new(),
            free: NIL,
            mask: slots as u64 - 1,
            origin,
            slots_per_ms: 1.0 / slot_ms,
            base: 0,
            head: 0,
            in_ring: 0,
            late: BinaryHeap::new(),
            next_seq: 0,
            last_t: origin,
            epoch_pops: 0,
            epoch_t0: origin,
        }
    }

    /// A fresh stamp at `t` for an event kept outside the queue (the next arrival), so it orders
    /// against queued events exactly as if it were queued.
    #[inline]
    pub fn stamp(&mut self, t: f64) -> Stamp {
        let seq = self.next_seq;
        self.next_seq += 1;
        Stamp { t, seq }
    }

    /// Queue `event` at `t` (ms), which must not be before the last event popped.
    #[inline]
    pub fn push(&mut self, t: f64, event: E) -> Stamp {
        debug_assert!(t >= 0.0, "simulated time starts at 0");
        debug_assert!(t >= self.last_t, "an event before the last one popped");
        let at = self.stamp(t);
        self.insert(key(&at), event);
        at
    }

    /// The slot of time `t`; monotone in `t` (float → int casts saturate). Through i64: the
    /// baseline x86-64 target converts to signed integers in one instruction.
    #[inline]
    fn slot(&self, t: f64) -> u64 {
        ((t - self.origin) * self.slots_per_ms) as i64 as u64
    }

    #[inline]
    fn ring_end(&self) -> u64 {
        self.base.saturating_add(self.mask + 1)
    }

    #[inline]
    fn insert(&mut self, k: u128, event: E) {
        let s = self.slot(time_of(k));
        if s >= self.ring_end() {
            self.late.push(Late { key: k, event });
            return;
        }
        let node = Node {
            key: k,
            next: NIL,
            event,
        };
        let i = (s & self.mask) as usize;
        let bit = 1 << (i & 63);
        if self.occupied[i >> 6] & bit == 0 {
            // The common case: an empty slot takes the event in place.
            self.slots[i] = node;
            self.occupied[i >> 6] |= bit;
        } else if k < self.slots[i].key {
            let first = self.slots[i];
            let idx = self.alloc(first);
            self.slots[i] = Node { next: idx, ..node };
        } else {
            // Behind the first event: walk the slot's sorted list.
            let mut prev = NIL;
            let mut cur = self.slots[i].next;
            while cur != NIL && self.nodes[cur as usize].key < k {
                prev = cur;
                cur = self.nodes[cur as usize].next;
            }
            let idx = self.alloc(Node { next: cur, ..node });
            if prev == NIL {
                self.slots[i].next = idx;
            } else {
                self.nodes[prev as usize].next = idx;
            }
        }
        if self.in_ring == 0 || s < self.head {
            self.head = s;
        }
        self.in_ring += 1;
    }

    /// A node for `n`, from the free list if it has one.
    #[inline]
    fn alloc(&mut self, n: Node<E>) -> u32 {
        if self.free != NIL {
            let i = self.free;
            self.free = self.nodes[i as usize].next;
            self.nodes[i as usize] = n;
            i
        } else {
            self.nodes.push(n);
            (self.nodes.len() - 1) as u32
        }
    }

    #[inline]
    pub fn peek(&self) -> Option<Stamp> {
        if self.in_ring > 0 {
            Some(stamp_of(self.slots[(self.head & self.mask) as usize].key))
        } else {
            self.late.peek().map(|l| stamp_of(l.key))
        }
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(Stamp, E)> {
        let (k, event) = if self.in_ring > 0 {
            let i = (self.head & self.mask) as usize;
            let n = self.slots[i];
            self.in_ring -= 1;
            self.base = self.head;
            if n.next != NIL {
                // The slot's next event moves into place.
                self.slots[i] = self.nodes[n.next as usize];
                self.nodes[n.next as usize].next = self.free;
                self.free = n.next;
            } else {
                self.occupied[i >> 6] &= !(1 << (i & 63));
                if self.in_ring > 0 {
                    self.head = self.next_occupied(self.head);
                }
            }
            (n.key, n.event)
        } else {
            // The ring is empty: jump it to the earliest late event.
            let l = self.late.pop()?;
            self.base = self.slot(time_of(l.key));
            (l.key, l.event)
        };
        self.last_t = time_of(k);
        self.admit_late();
        self.epoch_pops += 1;
        if self.epoch_pops == EPOCH {
            self.refit();
        }
        Some((stamp_of(k), event))
    }

    /// Move late events the ring now reaches into it.
    #[inline]
    fn admit_late(&mut self) {
        while let Some(l) = self.late.peek() {
            if self.slot(time_of(l.key)) >= self.ring_end() {
                break;
            }
            let l = self.late.pop().expect("peeked");
            self.insert(l.key, l.event);
        }
    }

    /// The first non-empty slot after `from`, which must exist and lie within one turn.
    #[inline]
    fn next_occupied(&self, from: u64) -> u64 {
        let slots = self.mask + 1;
        let start = ((from + 1) & self.mask) as usize;
        let words = self.occupied.len();
        let mut w = start >> 6;
        let mut bits = self.occupied[w] & (!0u64 << (start & 63));
        loop {
            if bits != 0 {
                let pos = (w * 64 + bits.trailing_zeros() as usize) as u64;
                let dist = (pos + slots - (start as u64)) & self.mask;
                return from + 1 + dist;
            }
            w = (w + 1) % words;
            bits = self.occupied[w];
        }
    }

    /// Every `EPOCH` pops: make a slot a `SLOTS_PER_GAP`th of the mean time between pops and the
    /// ring `RING_PER_EVENT` times as long as the queue, and rebuild when either is off by more
    /// than a factor of two.
    fn refit(&mut self) {
        let gap = (self.last_t - self.epoch_t0) / f64::from(EPOCH) / SLOTS_PER_GAP;
        self.epoch_pops = 0;
        self.epoch_t0 = self.last_t;
        let slots = (self.mask + 1) as usize;
        let want_slots = (self.len() * RING_PER_EVENT)
            .next_power_of_two()
            .clamp(MIN_SLOTS, MAX_SLOTS);
        let width = 1.0 / self.slots_per_ms;
        let width_off = gap > 0.0 && gap.is_finite() && (gap > 2.0 * width || gap < 0.5 * width);
        let size_off = want_slots > slots || want_slots * 4 < slots;
        if !(width_off || size_off) {
            return;
        }
        let new_width = if gap > 0.0 && gap.is_finite() { gap } else { width };
        let mut events: Vec<(u128, E)> = self.late.drain().map(|l| (l.key, l.event)).collect();
        for i in 0..self.slots.len() {
            if self.occupied[i >> 6] & (1 << (i & 63)) == 0 {
                continue;
            }
            events.push((self.slots[i].key, self.slots[i].event));
            let mut cur = self.slots[i].next;
            while cur != NIL {
                let n = self.nodes[cur as usize];
                events.push((n.key, n.event));
                cur = n.next;
            }
        }
        let new_slots = if size_off { want_slots } else { slots };
        let mut fresh = Self::with_geometry(new_slots, new_width, self.last_t);
        fresh.next_seq = self.next_seq;
        fresh.epoch_t0 = self.epoch_t0;
        for (k, e) in events {
            fresh.insert(k, e);
        }
        *self = fresh;
    }

    pub fn len(&self) -> usize {
        self.in_ring + self.late.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Fixed-seed randomized check against a reference ordered set of (time, seq). Times are
    /// scheduled from the last pop onwards, as a simulation does, over spans from a few to
    /// millions of ms, so the ring refits, wraps and sends events to the late heap.
    #[test]
    fn pops_in_the_order_of_an_ordered_set() {
        for seed in 0..30u64 {
            let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
            let mut q = EventQueue::new();
            let mut reference = std::collections::BTreeSet::new();
            let mut now = 0.0;
            let span = [50u32, 5_000, 5_000_000][seed as usize % 3];
            for id in 0..30_000u32 {
                // Coarse times make ties common, which is what the sequence numbers are for;
                // phases of fast and slow traffic make the ring refit.
                let phase = if (id / 4000) % 2 == 0 { 1 } else { 37 };
                let t = now + f64::from(rng.random_range(0..span / phase + 1));
                let at = q.push(t, id);
                reference.insert((t.to_bits(), at.seq, id));
                if rng.random_bool(0.45) {
                    let (at, got) = q.pop().expect("not empty");
                    now = at.t;
                    let want = reference.pop_first().expect("not empty");
                    assert_eq!((at.t.to_bits(), at.seq, got), want, "seed {seed}");
                }
            }
            while let Some((at, got)) = q.pop() {
                let want = reference.pop_first().expect("not empty");
                assert_eq!((at.t.to_bits(), at.seq, got), want, "seed {seed}");
            }
            assert!(reference.is_empty() && q.is_empty());
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

    #[test]
    fn far_events_wait_outside_the_ring_and_come_back_in_order() {
        let mut q = EventQueue::new();
        for (i, t) in [1e9, 3.0, 1e12, 2e9, 7.0].into_iter().enumerate() {
            q.push(t, i);
        }
        let order: Vec<usize> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec![1, 4, 0, 3, 2]);
    }
}

//! The discrete-event core: simulated time and the event queue. Events at the same instant run in
//! the order they were scheduled, so a run depends only on its inputs and seed.

pub mod queue;

pub use queue::{EventQueue, Stamp};

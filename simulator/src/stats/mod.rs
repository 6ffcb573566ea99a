//! Statistics of a run: latency histograms, time integrals of instance counts, the per-minute
//! timeline, and the queueing formulas the engines are checked against.

pub mod erlang;
pub mod histogram;
pub mod normal;
pub mod timeline;
pub mod warm_pool;

pub use histogram::{LatencyHistogram, LatencySummary};
pub use timeline::{Timeline, TimelineBucket};

//! The shared model of synced data: the records and batches a source (`ingest`) produces and the
//! store applies, the cursor format, and the read-only sync state a source plans from.
//!
//! It sits below both: it imports neither `ingest` nor `store`, so neither has to import the
//! other.

pub mod batch;
pub mod day;
pub mod export;
pub mod logs;
pub mod records;
pub mod sync_state;

pub use batch::{Batch, MetricsCursor, SeriesPoints};
pub use day::Day;
pub use export::{ExportDay, ExportPeriod, StoredPeriod};
pub use logs::{LogHour, LogsCursor, ValueCounts};
pub use sync_state::SyncState;

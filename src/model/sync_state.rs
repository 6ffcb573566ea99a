//! What a source may know about what is already stored: the narrow, read-only view a sync plans
//! its requests from. The store implements it; a source never sees tables or SQL.

use crate::model::batch::MetricsCursor;
use crate::model::export::StoredPeriod;
use crate::model::logs::LogsCursor;
use crate::model::records::FetchedDay;

/// Read-only sync state of the accounts being synced.
pub trait SyncState {
    /// The error of a read (the store's).
    type Error;

    /// Where `cursor` stands for `account` (its key, e.g. an AWS account id) in `region`: Unix
    /// seconds up to which the points are stored, `None` if never synced.
    fn metrics_cursor(
        &self,
        account: &str,
        region: &str,
        cursor: &MetricsCursor,
    ) -> Result<Option<i64>, Self::Error>;

    /// Where a function's REPORT records stand for `account` in `region`: Unix seconds up to
    /// which its hours are stored, `None` if never synced.
    fn logs_cursor(
        &self,
        account: &str,
        region: &str,
        cursor: &LogsCursor,
    ) -> Result<Option<i64>, Self::Error>;

    /// Days whose costs were fetched for `account`, oldest first (none for an unknown account).
    fn fetched_cost_days(&self, account: &str) -> Result<Vec<FetchedDay>, Self::Error>;

    /// The billing period `period` (`YYYY-MM`) of the export `export` (`database.table`), if it
    /// was read before.
    fn export_period(&self, export: &str, period: &str) -> Result<Option<StoredPeriod>, Self::Error>;
}

//! Enums that cross the wire and the database as fixed words (`running`, `demo`, `account`…).
//! `text_enum!` gives such an enum one table of its words and, from it, `as_str`, `FromStr`,
//! `Display` and SQLite `ToSql`/`FromSql`, so a stored row keeps the text older builds wrote and
//! no code compares the words by hand. Serde derives its own names: each enum's tests check
//! that they are the same words (`assert_serde_words`).

/// Implement `as_str`, `ALL`, `FromStr`, `Display`, `ToSql` and `FromSql` for a fieldless enum
/// from its `Variant => "word"` table.
macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The word stored in the database and sent on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> std::result::Result<Self, String> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    other => Err(format!(
                        "unknown {} `{other}` (expected {})",
                        stringify!($ty),
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $ty {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                v.as_str()?
                    .parse()
                    .map_err(|e: String| rusqlite::types::FromSqlError::Other(e.into()))
            }
        }
    };
}

/// For tests: every variant serialises (serde) as its `as_str` word and parses back.
#[cfg(test)]
pub fn assert_serde_words<T>(all: &[T], word: impl Fn(&T) -> &'static str)
where
    T: serde::Serialize + std::fmt::Debug + PartialEq + std::str::FromStr,
{
    for v in all {
        assert_eq!(
            serde_json::to_value(v).unwrap(),
            serde_json::Value::String(word(v).to_string()),
            "{v:?}"
        );
        assert!(word(v).parse::<T>().ok().as_ref() == Some(v), "{v:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::assert_serde_words;
    use crate::analytics::billed::BillSource;
    use crate::app::analyse::model::TrendKind;
    use crate::app::dashboard::ReconciliationState;
    use crate::ingest::SyncStage;
    use crate::report::account::{ReconciledStatus, ReportKind};
    use crate::report::charts::Theme;
    use crate::store::accounts::AccountSource;
    use crate::store::sync_runs::RunStatus;

    #[test]
    fn serde_writes_the_stored_words() {
        assert_serde_words(RunStatus::ALL, RunStatus::as_str);
        assert_serde_words(AccountSource::ALL, AccountSource::as_str);
        assert_serde_words(ReconciliationState::ALL, ReconciliationState::as_str);
        assert_serde_words(ReconciledStatus::ALL, ReconciledStatus::as_str);
        assert_serde_words(ReportKind::ALL, ReportKind::as_str);
        assert_serde_words(TrendKind::ALL, TrendKind::as_str);
        assert_serde_words(Theme::ALL, Theme::as_str);
        assert_serde_words(BillSource::ALL, BillSource::as_str);
        assert_serde_words(SyncStage::ALL, SyncStage::as_str);
    }

    #[test]
    fn unknown_words_are_refused_by_name() {
        let e = "paused".parse::<RunStatus>().unwrap_err();
        assert!(
            e.contains("`paused`") && e.contains("running, ok, failed, cancelled"),
            "{e}"
        );
    }
}

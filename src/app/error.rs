//! Errors of the application layer. Each carries a stable machine code (shown in the desktop UI
//! and in `--json` output) and a plain sentence; the CLI maps them to exit codes.

use crate::error_code::ErrorCode;
use breakeven_simulator::pricing::CatalogError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The user's input is wrong (bad flag value, malformed file): exit code 2.
    #[error("{message}")]
    BadInput { code: ErrorCode, message: String },
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Ingest(#[from] crate::ingest::IngestError),
    #[error(transparent)]
    Analytics(#[from] crate::analytics::AnalyticsError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A report could not be drawn or written (e.g. its output path is not writable).
    /// The cause is part of the message (not a `source`), so a printed chain names it once.
    #[error("{context}: {cause}")]
    Report {
        code: ErrorCode,
        context: String,
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
}

pub type Result<T> = std::result::Result<T, AppError>;

impl AppError {
    pub fn bad_input(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::BadInput {
            code,
            message: message.into(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        AppError::Io {
            context: context.into(),
            source,
        }
    }

    /// Stable code, e.g. `E_UNKNOWN_PLATFORM`.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::BadInput { code, .. } => *code,
            AppError::Catalog(c) => match c {
                CatalogError::Syntax { .. } => ErrorCode::CatalogSyntax,
                CatalogError::Invalid { .. } => ErrorCode::CatalogInvalid,
                CatalogError::UnknownPlatform(_) => ErrorCode::UnknownPlatform,
                CatalogError::MissingPrice { .. } => ErrorCode::MissingPrice,
                CatalogError::UnknownRegion { .. } => ErrorCode::UnknownRegion,
                CatalogError::Usage(_) => ErrorCode::BadUsage,
                CatalogError::Overflow(_) => ErrorCode::Overflow,
            },
            AppError::Store(e) => e.code(),
            AppError::Ingest(e) => e.code(),
            AppError::Analytics(e) => e.code(),
            AppError::Io { .. } => ErrorCode::Io,
            AppError::Report { code, .. } => *code,
        }
    }

    /// True when the fault is in the user's input rather than the program or the machine.
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            AppError::Io { .. }
                | AppError::Store(_)
                | AppError::Ingest(_)
                | AppError::Analytics(_)
                | AppError::Report { .. }
        )
    }

    /// The form sent to the desktop UI and printed by `--json`.
    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

/// An error as the UI receives it: a code to branch on and a sentence to show.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    /// An importer's error: a malformed file is bad input under `malformed_code` with its
    /// `file:line:column`, a missing one `E_NOT_FOUND` (`what` names the kind of file), any other
    /// read failure an I/O error.
    pub fn from_input(
        e: crate::ingest::error::InputError,
        malformed_code: ErrorCode,
        what: &str,
    ) -> AppError {
        use crate::ingest::error::InputError;
        match e {
            InputError::Malformed { .. } => AppError::bad_input(malformed_code, e.to_string()),
            InputError::Read { ref file, ref source } if source.kind() == std::io::ErrorKind::NotFound => {
                AppError::bad_input(ErrorCode::NotFound, format!("{what} {file} does not exist"))
            }
            InputError::Read { file, source } => AppError::io(format!("reading {file}"), source),
        }
    }
}

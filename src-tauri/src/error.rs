//! The one error type commands return. It reaches the webview as `{code, message, field?}`:
//! a stable code to branch on, a plain sentence to show, and for input errors the form field at
//! fault, so the UI never shows (or parses) a raw Rust error string.

use breakeven::app::{AppError, ErrorPayload};
use breakeven::error_code::ErrorCode;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    /// Name of the input field that was rejected (e.g. `duration_ms`), when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(any(test, feature = "ts"), ts(optional))]
    pub field: Option<&'static str>,
}

impl CommandError {
    /// An input field the command layer rejected (`E_BAD_INPUT`).
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        CommandError {
            code: ErrorCode::BadInput,
            message: message.into(),
            field: Some(field),
        }
    }
}

impl From<ErrorPayload> for CommandError {
    fn from(p: ErrorPayload) -> Self {
        CommandError {
            code: p.code,
            message: p.message,
            field: None,
        }
    }
}

impl From<AppError> for CommandError {
    fn from(e: AppError) -> Self {
        e.to_payload().into()
    }
}

pub type CommandResult<T> = std::result::Result<T, CommandError>;

//! The views the app keeps between runs ([`breakeven::app::view_cache`]): the overview and the
//! dashboard, stored as the exact JSON the commands send, under keys built here only.

use crate::error::{CommandError, CommandResult};
use breakeven::app::view_cache::{Stamp, ViewKey};
use breakeven::error_code::ErrorCode;
use breakeven::report::charts::Theme;
use serde::Serialize;
use std::path::Path;
use tauri::ipc::{InvokeResponseBody, IpcResponse, Response};

/// The overview `account_open` returns when it loads nothing.
pub fn overview_key(db: &Path, stamp: Stamp) -> ViewKey {
    ViewKey {
        db: db.to_path_buf(),
        view: "overview",
        params: String::new(),
        stamp,
    }
}

/// The dashboard of `account` with its charts in `theme`.
pub fn dashboard_key(db: &Path, account: &str, theme: Theme, stamp: Stamp) -> ViewKey {
    ViewKey {
        db: db.to_path_buf(),
        view: "dashboard",
        params: format!("{account}\n{theme:?}"),
        stamp,
    }
}

/// `value` as the JSON a command returning it would send (Tauri's own encoding).
pub fn json_of<T: Serialize>(value: T) -> CommandResult<String> {
    match value.body() {
        Ok(InvokeResponseBody::Json(json)) => Ok(json),
        Ok(InvokeResponseBody::Raw(_)) | Err(_) => Err(CommandError::from(breakeven::app::ErrorPayload {
            code: ErrorCode::Task,
            message: "a view could not be encoded for the window".into(),
        })),
    }
}

/// A command's answer that is already JSON.
pub fn respond(json: String) -> Response {
    Response::new(InvokeResponseBody::Json(json))
}

//! Files the user picks in native dialogs. The dialogs run in Rust, so the webview never names a
//! path (it has no dialog or filesystem permission at all), and every picked path is still checked
//! here before anything is read or written.
//!
//! End-to-end tests cannot click a native dialog: a debug build started with
//! `BREAKEVEN_E2E_DIALOG_DIR` set to an existing absolute directory answers every dialog with a
//! file of that directory instead (the suggested name for a save). Release builds ignore it.

use crate::error::{CommandError, CommandResult};
use breakeven::error_code::ErrorCode;
use std::path::{Path, PathBuf};
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

fn bad_path(message: impl Into<String>) -> CommandError {
    CommandError {
        code: ErrorCode::BadPath,
        message: message.into(),
        field: None,
    }
}

/// A name safe as a file name: letters, digits, `-`, `_` and `.`; everything else becomes `-`.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .trim()
        .trim_end_matches(".toml")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    let stem = stem.trim_matches(|c| c == '.' || c == '-').to_string();
    if stem.is_empty() {
        "what-if".into()
    } else {
        stem
    }
}

/// An absolute path to a file (not a directory) in an existing directory, with one of
/// `extensions`.
pub fn checked(path: &Path, extensions: &[&str]) -> CommandResult<PathBuf> {
    let shown = path.display();
    if !path.is_absolute() {
        return Err(bad_path(format!("“{shown}” is not an absolute path.")));
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !extensions.iter().any(|x| x.eq_ignore_ascii_case(ext)) {
        return Err(bad_path(format!(
            "“{shown}” must end in .{}.",
            extensions.join(" or .")
        )));
    }
    if path.is_dir() {
        return Err(bad_path(format!("“{shown}” is a folder, not a file.")));
    }
    match path.parent() {
        Some(dir) if dir.is_dir() => Ok(path.to_path_buf()),
        _ => Err(bad_path(format!("The folder of “{shown}” does not exist."))),
    }
}

/// An absolute path for a new folder (CSV tables) in an existing directory, not an existing file.
pub fn checked_folder(path: &Path) -> CommandResult<PathBuf> {
    let shown = path.display();
    if !path.is_absolute() {
        return Err(bad_path(format!("“{shown}” is not an absolute path.")));
    }
    if path.is_file() {
        return Err(bad_path(format!(
            "“{shown}” is a file: CSV tables go into a folder."
        )));
    }
    match path.parent() {
        Some(dir) if dir.is_dir() => Ok(path.to_path_buf()),
        _ => Err(bad_path(format!("The folder of “{shown}” does not exist."))),
    }
}

/// The native save dialog for a new folder named `name` (a save dialog, as no platform has a
/// "new folder" picker); `None` when cancelled.
pub async fn pick_folder_to_create(
    app: &AppHandle,
    title: &str,
    name: &str,
) -> CommandResult<Option<PathBuf>> {
    let path = match e2e_dir() {
        Some(dir) => Some(dir.join(name)),
        None => {
            let dialog = app.dialog().file().set_title(title).set_file_name(name);
            picked(run_dialog(move || dialog.blocking_save_file()).await?)?
        }
    };
    path.map(|p| checked_folder(&p)).transpose()
}

/// The test override directory, in debug builds only, when it names an existing directory.
fn e2e_dir() -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let dir = PathBuf::from(std::env::var_os("BREAKEVEN_E2E_DIALOG_DIR")?);
    (dir.is_absolute() && dir.is_dir()).then_some(dir)
}

fn picked(p: Option<tauri_plugin_dialog::FilePath>) -> CommandResult<Option<PathBuf>> {
    match p {
        None => Ok(None),
        Some(fp) => fp
            .into_path()
            .map(Some)
            .map_err(|_| bad_path("The chosen location is not a local file.")),
    }
}

/// The native open dialog, filtered to `extensions`; `None` when cancelled.
pub async fn pick_open(
    app: &AppHandle,
    title: &str,
    filter: &str,
    extensions: &[&str],
) -> CommandResult<Option<PathBuf>> {
    let path = match e2e_dir() {
        Some(dir) => Some(dir.join(format!("open.{}", extensions[0]))),
        None => {
            let dialog = app
                .dialog()
                .file()
                .set_title(title)
                .add_filter(filter, extensions);
            picked(run_dialog(move || dialog.blocking_pick_file()).await?)?
        }
    };
    path.map(|p| checked(&p, extensions)).transpose()
}

/// The native save dialog, suggesting `file_name`; `None` when cancelled.
pub async fn pick_save(
    app: &AppHandle,
    title: &str,
    file_name: &str,
    filter: &str,
    extensions: &[&str],
) -> CommandResult<Option<PathBuf>> {
    let path = match e2e_dir() {
        Some(dir) => Some(dir.join(file_name)),
        None => {
            let dialog = app
                .dialog()
                .file()
                .set_title(title)
                .set_file_name(file_name)
                .add_filter(filter, extensions);
            picked(run_dialog(move || dialog.blocking_save_file()).await?)?
        }
    };
    path.map(|p| checked(&p, extensions)).transpose()
}

/// A blocking dialog call off the async runtime's workers.
async fn run_dialog<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|_| bad_path("The file dialog closed unexpectedly."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_files_with_the_right_extension_in_existing_folders() {
        let dir = std::env::temp_dir();
        assert!(checked(&dir.join("a.toml"), &["toml"]).is_ok());
        assert!(checked(&dir.join("a.TOML"), &["toml"]).is_ok());
        let e = checked(Path::new("a.toml"), &["toml"]).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadPath);
        assert!(checked(&dir.join("a.sh"), &["toml"])
            .unwrap_err()
            .message
            .contains(".toml"));
        assert!(checked(&dir.join("no-such-dir/a.toml"), &["toml"]).is_err());
        assert!(checked(&dir, &["tmp", ""]).is_err());
    }

    #[test]
    fn csv_folders_are_new_or_existing_folders_never_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(checked_folder(&dir.path().join("tables")).is_ok());
        assert!(checked_folder(dir.path()).is_ok());
        let file = dir.path().join("a.csv");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(checked_folder(&file).unwrap_err().code, ErrorCode::BadPath);
        assert!(checked_folder(Path::new("tables")).is_err());
        assert!(checked_folder(&dir.path().join("missing/tables")).is_err());
    }

    #[test]
    fn file_stems_are_plain() {
        assert_eq!(file_stem("checkout-api"), "checkout-api");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("  "), "what-if");
        assert_eq!(file_stem("2× e2 / 1yr.toml"), "2--e2---1yr");
    }
}

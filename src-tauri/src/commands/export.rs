//! Export: the what-if scenario's report (`app::report`: HTML with charts, CSV tables, JSON or
//! Markdown, the same files `breakeven report` writes) to a place chosen in the native save
//! dialog. It reports the run the view shows (`whatif::report_options`), with the break-even
//! sweep and the memory tuning, computed on the blocking pool.

use crate::error::CommandResult;
use crate::files;
use crate::input::{self, Field};
use crate::state::DesktopState;
use crate::work::blocking;
use breakeven::app::output::OutPath;
use breakeven::app::report::{self, ReportOutcome};
use breakeven::app::whatif;
use breakeven::report::Format;
use breakeven_simulator::scenario::Scenario;
use tauri::{AppHandle, State};

const FORMAT: Field = Field {
    name: "format",
    label: "Format",
};

/// `html`, `csv`, `json` or `md`.
pub fn format(raw: &str) -> CommandResult<Format> {
    raw.trim()
        .parse()
        .map_err(|_| FORMAT.reject(format_args!("“{raw}” is not html, csv, json or md")))
}

/// Write the report of `scenario` in `format` where the user chooses; `None` when cancelled.
#[tauri::command]
pub async fn report_export(
    app: AppHandle,
    state: State<'_, DesktopState>,
    scenario: Scenario,
    format: String,
) -> CommandResult<Option<ReportOutcome>> {
    input::scenario(&scenario)?;
    let format = self::format(&format)?;
    let catalog = state.catalog()?;
    // Checked before the dialog opens: a scenario that cannot run is not offered a file.
    whatif::check(&catalog, &scenario)?;
    let stem = files::file_stem(&scenario.name);
    let out = match format {
        Format::Csv => {
            files::pick_folder_to_create(&app, "Export report tables", &format!("{stem}-report")).await?
        }
        _ => {
            let ext = format.to_string();
            let name = format!("{stem}-report.{ext}");
            files::pick_save(&app, "Export report", &name, "Report", &[ext.as_str()]).await?
        }
    };
    let Some(out) = out else {
        return Ok(None);
    };
    // The save dialog lets the user pick any file: never the database this app is using.
    let mut out = OutPath::new(out);
    if let Ok(db) = state.db_path() {
        out = out.protect_database(&db);
    }
    blocking(move || {
        Ok(Some(report::report(
            &catalog,
            &scenario,
            format,
            &out,
            &whatif::report_options(&scenario),
        )?))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_the_cli_formats() {
        assert_eq!(format("html").unwrap(), Format::Html);
        assert_eq!(format(" md ").unwrap(), Format::Md);
        let e = format("pdf").unwrap_err();
        assert_eq!(e.field, Some("format"));
    }
}

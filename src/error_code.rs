//! Every machine code an error carries to the desktop UI, `--json` output and the CLI, in one
//! registry: the stable string, what it means and what to do about it. Codes are matched on as
//! [`ErrorCode`] values, never as strings; `docs/error-codes.md` is rendered from this table
//! ([`ErrorCode::markdown`]) and a test keeps the committed file equal to it.

use serde::{Deserialize, Serialize};

/// Declares [`ErrorCode`] and its registry from one table:
/// `Variant = "E_CODE": "meaning" => "remedy";`.
macro_rules! error_codes {
    ($($variant:ident = $code:tt : $meaning:tt => $remedy:tt;)+) => {
        /// A stable error code. Serialised as its string (`E_BAD_INPUT`…), which never changes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum ErrorCode {
            $(
                #[doc = $meaning]
                #[serde(rename = $code)]
                $variant,
            )+
        }

        impl ErrorCode {
            /// Every code, in registry order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The stable string, e.g. `E_UNKNOWN_PLATFORM`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code),+
                }
            }

            /// What the code means, in one line.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $meaning),+
                }
            }

            /// What the user can do about it.
            pub fn remedy(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $remedy),+
                }
            }
        }
    };
}

error_codes! {
    // Input to a command.
    BadInput = "E_BAD_INPUT": "A desktop form field was rejected (the error names the field)."
        => "Correct the field shown in red; the message says what it accepts.";
    BadUsage = "E_BAD_USAGE": "The usage profile of an estimate is out of range or inconsistent."
        => "Check the flags the message names (counts, durations, memory) against their limits.";
    BadArch = "E_BAD_ARCH": "A function's architecture is neither x86_64 nor arm64."
        => "Use `--arch x86_64` or `--arch arm64`; for stored data, sync the function again.";
    BadDate = "E_BAD_DATE": "A date flag is not a YYYY-MM-DD day between 2000-01-01 and 2100-12-31, or --from is after --to."
        => "Give real calendar days in order, e.g. `--from 2026-05-01 --to 2026-05-31`.";
    BadDays = "E_BAD_DAYS": "--days is outside the range the command accepts."
        => "Give a number of days within the range the message names.";
    BadRange = "E_BAD_RANGE": "A range flag (traffic, memory, report window) is malformed or empty."
        => "Write the range as `FROM..TO` with FROM below TO, in the units the flag names.";
    BadStep = "E_BAD_STEP": "--step is not one of the replay steps."
        => "Use `--step 1m` or `--step 5m`.";
    BadSort = "E_BAD_SORT": "--sort does not name a column of the Functions table."
        => "Use one of the columns the message lists, e.g. `--sort cost` or `--sort p99`.";
    SyncFlag = "E_SYNC_FLAG": "The flags of `sync` contradict each other or are out of range."
        => "Follow the message: it names the flag and the values it accepts.";
    NotFound = "E_NOT_FOUND": "A file the command reads (scenario, catalog, import) does not exist."
        => "Check the path; relative paths are read from the current directory.";
    Overflow = "E_OVERFLOW": "An amount exceeds the exact decimal range."
        => "Lower the inputs (counts, hours, instances); real bills stay far below this limit.";
    // The price catalog.
    CatalogSyntax = "E_CATALOG_SYNTAX": "A catalog file is not valid TOML."
        => "Fix the file at the `file:line:column` shown, then `breakeven catalog check FILE`.";
    CatalogInvalid = "E_CATALOG_INVALID": "A catalog file parses but breaks a catalog rule (missing unit, bad tier…)."
        => "Run `breakeven catalog check FILE` and fix each problem it lists.";
    UnknownPlatform = "E_UNKNOWN_PLATFORM": "No platform in the catalog has this id."
        => "List the ids with `breakeven catalog list`.";
    UnknownRegion = "E_UNKNOWN_REGION": "The platform is not priced in this region."
        => "See the platform's regions with `breakeven catalog show ID`, or leave the region out.";
    MissingPrice = "E_MISSING_PRICE": "The catalog has no rate for a dimension this usage bills (e.g. a commitment)."
        => "Pick another pricing option or platform, or add the rate with a catalog override.";
    // Scenarios and simulation.
    Scenario = "E_SCENARIO": "A scenario is malformed or breaks a limit."
        => "Fix the field the message names; docs/scenario-format.md lists every field and limit.";
    ScenarioPlatform = "E_SCENARIO_PLATFORM": "A scenario platform cannot be simulated as configured (wrong kind, no instance shape…)."
        => "Change the platform id or its options as the message says.";
    // Stored data and the use cases over it.
    NoAccount = "E_NO_ACCOUNT": "No account with this key is stored."
        => "See the stored accounts with `breakeven db status`; load one with `breakeven demo` or `breakeven sync`.";
    NoFunction = "E_NO_FUNCTION": "No stored function has this name or id."
        => "Check the name (the message suggests close ones) or list functions with `breakeven db status`.";
    AmbiguousFunction = "E_AMBIGUOUS_FUNCTION": "A function of this name is stored in several accounts."
        => "Name the account with `--account KEY`.";
    NoMetrics = "E_NO_METRICS": "No metrics are stored yet."
        => "Sync an account or load the demo.";
    NoTraffic = "E_NO_TRAFFIC": "The function has no invocations stored, so there is nothing to replay."
        => "Sync a window in which the function ran, or choose another function.";
    TrafficTooHigh = "E_TRAFFIC_TOO_HIGH": "A stored minute holds more invocations than a replay can simulate."
        => "Check the stored data (`breakeven db check`); a real function stays far below the limit.";
    AnalyseAccount = "E_ANALYSE_ACCOUNT": "The account to analyse is unknown, or several are stored and none was chosen."
        => "Choose one of the accounts the message lists with `--account KEY`.";
    AnalyseNoData = "E_ANALYSE_NO_DATA": "Nothing to analyse: no account, or no metrics or costs stored for it."
        => "Run `breakeven demo` or `breakeven sync` first.";
    AnalyseRange = "E_ANALYSE_RANGE": "The analysis window ends before it starts."
        => "Give `--from` on or before `--to`.";
    AnalyseFunction = "E_ANALYSE_FUNCTION": "The function is not in the analysed account's inventory."
        => "Check the name against `breakeven analyse` without `--function`.";
    Analyse = "E_ANALYSE": "The analysis query failed."
        => "Run `breakeven db check`; if the database is sound, report the message as a bug.";
    AnalysePricing = "E_ANALYSE_PRICING": "Stored usage could not be priced with the catalog."
        => "Check a catalog override with `breakeven catalog check`, or run without it.";
    AnalyseBenchRows = "E_ANALYSE_BENCH_ROWS": "`analyse --bench` was given a row count outside its range."
        => "Give `--rows` within the range the message names.";
    DbBenchRows = "E_DB_BENCH_ROWS": "`db bench` was asked to insert more rows than it allows."
        => "Lower the flag to at most the maximum the message names.";
    // Imports.
    FocusMalformed = "E_FOCUS_MALFORMED": "A FOCUS export has a malformed row or column."
        => "Fix or re-export the file at the `file:line:column` shown; nothing was imported.";
    TraceFormat = "E_TRACE_FORMAT": "The trace format is not one Breakeven reads."
        => "Use the format the message names (`azure2019`).";
    TraceMalformed = "E_TRACE_MALFORMED": "A trace file has a malformed row."
        => "Fix the file at the `file:line:column` shown; nothing was imported.";
    TraceNoInvocations = "E_TRACE_NO_INVOCATIONS": "A trace import was given no invocations file."
        => "Pass the per-minute invocation counts file; durations and memory files are optional.";
    // AWS.
    AwsCredentials = "E_AWS_CREDENTIALS": "AWS rejected the profile's credentials."
        => "Check the profile, run `aws sso login` if it uses SSO, or refresh the keys.";
    AwsNoCredentials = "E_AWS_NO_CREDENTIALS": "No AWS credentials were found for the profile."
        => "Configure the profile (`aws configure` or `aws sso login`) or choose another with `--profile`.";
    AwsAccessDenied = "E_AWS_ACCESS_DENIED": "The credentials lack an IAM permission the sync needs."
        => "Add the action the message names to the policy (see docs/aws-iam-policy.json).";
    AwsThrottled = "E_AWS_THROTTLED": "AWS kept throttling a call after every retry."
        => "Try again later, or sync fewer regions or days.";
    AwsService = "E_AWS_SERVICE": "An AWS service returned an error."
        => "Read the AWS code and message shown; retry if it is transient.";
    AwsNetwork = "E_AWS_NETWORK": "AWS could not be reached."
        => "Check the network connection, proxy and region endpoint, then try again.";
    AwsUnexpected = "E_AWS_UNEXPECTED": "AWS answered with something Breakeven does not understand."
        => "Try again; if it persists, report the message as a bug.";
    AwsConfig = "E_AWS_CONFIG": "The AWS configuration (profile, region) is unusable."
        => "Fix the AWS config file or the profile and region flags as the message says.";
    ExportQuery = "E_EXPORT_QUERY": "The query engine (Athena) ran a billing-export query and it failed or was cancelled there."
        => "Read the engine's reason in the message (a missing column, a permission on the S3 data or results location, a work group limit), fix it, and sync again: periods already read stay.";
    ExportTable = "E_EXPORT_TABLE": "The billing-export table is not one Breakeven reads (not CUR 2.0 or FOCUS 1.0, or not partitioned by billing period)."
        => "Point --athena at the DATABASE.TABLE of an AWS Data Exports CUR 2.0 or FOCUS 1.0 export (see docs/athena.md).";
    ExportChoice = "E_EXPORT_CHOICE": "Several billing exports (or currencies) are stored and the rows asked for would mix them, or the export named is not stored."
        => "Name one with --export DATABASE.TABLE (`breakeven db status` lists them); amounts in two currencies are never added up.";
    SyncRunning = "E_SYNC_RUNNING": "A sync is already running in the app."
        => "Wait for it or cancel it.";
    Cancelled = "E_CANCELLED": "The work was cancelled; what was committed before stays."
        => "Run it again to continue: a sync resumes where it stopped.";
    // The database.
    Db = "E_DB": "A database query failed."
        => "Run `breakeven db check`; restore a backup if it finds damage.";
    DbOpen = "E_DB_OPEN": "The database file or its folder could not be opened or created."
        => "Check the path and its permissions, or pass another with `--db PATH`.";
    DbTooNew = "E_DB_TOO_NEW": "The database was written by a newer Breakeven; it was left untouched."
        => "Upgrade Breakeven.";
    DbCorrupt = "E_DB_CORRUPT": "A stored value is not valid for its column."
        => "Run `breakeven db check`; re-sync the account or restore a backup.";
    DbDamaged = "E_DB_DAMAGED": "SQLite's own structures are broken (truncated file, malformed pages)."
        => "Run `breakeven db check` for details, then restore a backup or start a new database.";
    DbNotAFile = "E_DB_NOT_A_FILE": "The database path is a directory, device or other non-file."
        => "Choose a regular file; a new path creates a database.";
    DbForeign = "E_DB_FOREIGN": "The file is not a Breakeven database; it was left untouched."
        => "Choose a Breakeven database file, or a new path to create one.";
    DbBusy = "E_DB_BUSY": "Another Breakeven process kept the database locked for writing."
        => "Try again when the other command finishes.";
    DbReadOnly = "E_DB_READ_ONLY": "The database cannot be written and the command needs to."
        => "Make the file writable, or use a command that only reads.";
    NoDataDir = "E_NO_DATA_DIR": "The system has no data directory for the default database."
        => "Pass `--db PATH`.";
    // Files written and read.
    Io = "E_IO": "A file could not be read or written."
        => "Check the path and its permissions; the message names the file and the cause.";
    BadPath = "E_BAD_PATH": "A path chosen in the app cannot be used (not a file, wrong type)."
        => "Choose another file in the dialog.";
    OutNoDir = "E_OUT_NO_DIR": "The folder of an output path does not exist."
        => "Create the folder or give another path.";
    OutSymlink = "E_OUT_SYMLINK": "An output path is a symbolic link; exports write only at the path named."
        => "Give a regular file or a new name.";
    OutIsInput = "E_OUT_IS_INPUT": "An output path is a file the command reads (database, scenario, catalog)."
        => "Give another path: writing there would destroy the input.";
    OutReadOnly = "E_OUT_READ_ONLY": "An output file is read-only."
        => "Give another path or make the file writable.";
    ReportOutIsDir = "E_REPORT_OUT_IS_DIR": "A single-file report was given a directory as output."
        => "Give a file name for this format.";
    ReportOutIsFile = "E_REPORT_OUT_IS_FILE": "CSV tables were given an existing file as output."
        => "Give a directory: CSV tables are written into one.";
    ReportWrite = "E_REPORT_WRITE": "A report could not be written to its output path."
        => "Check the path, its permissions and the free space.";
    ReportRender = "E_REPORT_RENDER": "A report could not be drawn."
        => "Report the message as a bug; other formats may still work.";
    ReportBenchStored = "E_REPORT_BENCH_STORED": "`report --bench` was asked of a stored-data report."
        => "Time scenario reports with `--scenario FILE`; a stored-data report needs `--out PATH`.";
    // The desktop app.
    Chart = "E_CHART": "A chart could not be drawn, or held markup a chart never contains."
        => "The figures are still shown; report the message as a bug.";
    Task = "E_TASK": "The app's background work stopped unexpectedly."
        => "Try again; restart the app if it persists.";
    Ipc = "E_IPC": "The app's window could not reach its back end (raised by the views, not by Rust)."
        => "Restart Breakeven.";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ErrorCode {
    /// `docs/error-codes.md`: one row per code, in registry order.
    pub fn markdown() -> String {
        let mut out = String::from(
            "# Error codes\n\n\
             Every error Breakeven reports carries one of these codes: the desktop app receives it as\n\
             `code`, and the CLI prints the message (exit code 2 for bad input, 1 otherwise). Codes are\n\
             stable. This file is generated from `src/error_code.rs`; a test fails when they differ.\n\n\
             | Code | Meaning | Remedy |\n|---|---|---|\n",
        );
        for c in Self::ALL {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                c.as_str(),
                c.meaning().replace('|', "\\|"),
                c.remedy().replace('|', "\\|")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn codes_are_unique_and_serialise_as_their_string() {
        let mut seen = BTreeSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{} twice", c.as_str());
            assert!(c.as_str().starts_with("E_"), "{c:?}");
            assert!(!c.meaning().is_empty() && !c.remedy().is_empty(), "{c:?}");
            let json = serde_json::to_value(c).unwrap();
            assert_eq!(json, serde_json::Value::String(c.as_str().into()));
            assert_eq!(serde_json::from_value::<ErrorCode>(json).unwrap(), *c);
        }
    }

    /// Codes are written as variants: a quoted `E_…` string in the Rust sources would be a code
    /// outside the registry (or one matched by hand).
    #[test]
    fn no_code_is_spelt_as_a_string() {
        fn walk(dir: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("error_code.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        if line.contains("\"E_") {
                            found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        for dir in ["src", "src-tauri/src", "tests"] {
            walk(&root.join(dir), &mut found);
        }
        assert!(found.is_empty(), "use ErrorCode variants:\n{}", found.join("\n"));
    }

    /// `docs/error-codes.md` is the registry rendered: set `BREAKEVEN_WRITE_DOCS=1` to rewrite it.
    #[test]
    fn error_codes_doc_matches_the_registry() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/error-codes.md");
        let want = ErrorCode::markdown();
        if std::env::var_os("BREAKEVEN_WRITE_DOCS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/error-codes.md differs from the ErrorCode registry: run \
             `BREAKEVEN_WRITE_DOCS=1 cargo test --locked --workspace error_codes_doc` and commit it"
        );
    }
}

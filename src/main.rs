//! `breakeven`: the command-line shell over the application layer.
//!
//! `main` → `run` → exit code: 0 ok, 1 failure, 2 bad input. Each subcommand lives in its own
//! file under `src/cli/` and is a thin adapter: parse flags, call `breakeven::app`, print.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = cli::exit_code(&err);
            eprintln!("error: {err:#}");
            ExitCode::from(code)
        }
    }
}

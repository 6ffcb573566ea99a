//! Shared test helpers: run the CLI binary, temp dirs.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Path of the built `breakeven` binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_breakeven"))
}

/// Run the CLI with `args` and an isolated config dir (no user override file leaks in).
pub fn run(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("temp dir");
    Command::new(bin())
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .expect("run breakeven")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

//! Credentials never leave the process: every command run with canary credentials in the
//! environment and in a profile, then stdout, stderr, the database (and its journal) and every
//! file written are searched for them.

use super::{python, Aws, KEY};
use crate::support::{bin, stderr, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SECRET: &str = "canary-env-secret-5f1d";
const TOKEN: &str = "canary-env-session-token-8c2a";
const PROFILE_SECRET: &str = "canary-profile-secret-3b7e";
const PROFILE_TOKEN: &str = "canary-profile-session-token-a94c";

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .display()
        .to_string()
}

/// Every file below `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn credentials_from_the_environment_or_a_profile_are_never_written_anywhere() {
    let Some(py) = python() else { return };
    let aws = Aws::start(&py, &["--access-key", KEY]);
    aws.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");
    let dbs = db.display().to_string();
    let creds = dir.path().join("aws-credentials");
    std::fs::write(
        &creds,
        format!(
            "[canary]\naws_access_key_id = {KEY}\naws_secret_access_key = {PROFILE_SECRET}\naws_session_token = {PROFILE_TOKEN}\n"
        ),
    )
    .unwrap();
    let mut outputs: Vec<(String, Output)> = Vec::new();

    // Sync with credentials from the environment, then from the profile.
    let mut env_sync = aws.sync_command(&db, KEY, &[]);
    env_sync
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN);
    outputs.push(("sync (env)".into(), env_sync.output().unwrap()));
    let mut profile_sync = aws.sync_command(&db, KEY, &["--profile", "canary"]);
    profile_sync
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds);
    outputs.push(("sync (profile)".into(), profile_sync.output().unwrap()));
    for (what, o) in &outputs {
        assert!(o.status.success(), "{what}: {}", stderr(o));
    }

    // Every other command, with both sets of canaries present.
    let run = |args: &[&str]| -> Output {
        Command::new(bin())
            .args(["--db", &dbs])
            .args(args)
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("AWS_ENDPOINT_URL", &aws.url)
            .env("AWS_ACCESS_KEY_ID", KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_SESSION_TOKEN", TOKEN)
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .env("AWS_PROFILE", "canary")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("run breakeven")
    };
    let analysed = run(&["analyse", "--json"]);
    assert!(analysed.status.success(), "{}", stderr(&analysed));
    let v: Value = serde_json::from_str(&stdout(&analysed)).unwrap();
    let function = v["functions"][0]["name"]
        .as_str()
        .expect("a function")
        .to_string();
    outputs.push(("analyse --json".into(), analysed));
    let scenario = fixture("fixtures/scenarios/three-platforms.toml");
    let commands: Vec<Vec<String>> = vec![
        vec!["analyse".into()],
        vec!["db".into(), "status".into(), "--json".into()],
        vec!["scenario".into(), "from-function".into(), function.clone()],
        vec!["catalog".into(), "show".into(), "aws-lambda".into()],
        vec![
            "estimate".into(),
            "--platform".into(),
            "aws-lambda".into(),
            "--requests".into(),
            "1M".into(),
        ],
        vec!["simulate".into(), scenario.clone(), "--json".into()],
        vec![
            "import".into(),
            "focus".into(),
            fixture("fixtures/focus/multi-cloud-1.0.csv"),
        ],
        vec![
            "report".into(),
            "--account".into(),
            "--format".into(),
            "html".into(),
            "--out".into(),
            "a.html".into(),
        ],
        vec![
            "report".into(),
            "--account".into(),
            "--format".into(),
            "md".into(),
            "--out".into(),
            "a.md".into(),
        ],
        vec![
            "report".into(),
            "--account".into(),
            "--format".into(),
            "json".into(),
            "--out".into(),
            "a.json".into(),
        ],
        vec![
            "report".into(),
            "--account".into(),
            "--format".into(),
            "csv".into(),
            "--out".into(),
            "a-tables".into(),
        ],
        vec![
            "report".into(),
            "--function".into(),
            function.clone(),
            "--format".into(),
            "html".into(),
            "--out".into(),
            "f.html".into(),
        ],
        vec![
            "report".into(),
            "--scenario".into(),
            scenario,
            "--no-tune".into(),
            "--steps".into(),
            "3".into(),
            "--out".into(),
            "s.html".into(),
        ],
    ];
    for args in &commands {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&a);
        assert!(o.status.success(), "{}: {}", args.join(" "), stderr(&o));
        outputs.push((args.join(" "), o));
    }

    let canaries = [SECRET, TOKEN, PROFILE_SECRET, PROFILE_TOKEN];
    for (what, o) in &outputs {
        for c in canaries {
            assert!(
                !stdout(o).contains(c) && !stderr(o).contains(c),
                "{what} printed a credential"
            );
        }
    }
    let written = files(dir.path());
    assert!(
        written.iter().any(|p| p.ends_with("a.html")) && written.len() > 5,
        "{written:?}"
    );
    for p in written.iter().filter(|p| **p != creds) {
        let bytes = std::fs::read(p).unwrap();
        for c in canaries {
            let found = bytes.windows(c.len()).any(|w| w == c.as_bytes());
            assert!(!found, "{} holds a credential", p.display());
        }
    }
}

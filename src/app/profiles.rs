//! The AWS profiles configured on this machine, by name only: what the desktop app offers to
//! sync. The files are read for their section headers; no other line is kept, so no key, token
//! or SSO setting can leave this module.
//!
//! Files and their header forms, as the AWS CLI and SDKs read them:
//! - `~/.aws/config` (or `$AWS_CONFIG_FILE`): `[default]` and `[profile NAME]`; `[sso-session …]`
//!   and `[services …]` sections are not profiles.
//! - `~/.aws/credentials` (or `$AWS_SHARED_CREDENTIALS_FILE`): `[NAME]`.

use crate::app::error::{AppError, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One profile and which files define it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileName {
    pub name: String,
    /// Defined in the config file.
    pub in_config: bool,
    /// Defined in the credentials file.
    pub in_credentials: bool,
}

/// Where the two files are: the environment overrides, else `~/.aws/`.
pub fn default_files() -> (Option<PathBuf>, Option<PathBuf>) {
    let home = directories::BaseDirs::new().map(|d| d.home_dir().join(".aws"));
    let pick = |var: &str, file: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(file)))
    };
    (
        pick("AWS_CONFIG_FILE", "config"),
        pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

/// Profiles of both files, sorted by name (`default` first). A missing file is no error.
pub fn list(config: Option<&Path>, credentials: Option<&Path>) -> Result<Vec<ProfileName>> {
    let mut found: BTreeMap<String, ProfileName> = BTreeMap::new();
    for (path, is_config) in [(config, true), (credentials, false)] {
        let Some(path) = path else { continue };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(AppError::io(format!("reading {}", path.display()), e)),
        };
        for name in section_names(&text, is_config) {
            let p = found.entry(name.clone()).or_insert(ProfileName {
                name,
                in_config: false,
                in_credentials: false,
            });
            if is_config {
                p.in_config = true;
            } else {
                p.in_credentials = true;
            }
        }
    }
    let mut out: Vec<ProfileName> = found.into_values().collect();
    out.sort_by_key(|p| (p.name != "default", p.name.clone()));
    Ok(out)
}

/// Profile names in the section headers of one file.
fn section_names(text: &str, is_config: bool) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let header = line.trim().strip_prefix('[')?.split(']').next()?.trim();
            let name = if is_config {
                if header == "default" {
                    header
                } else {
                    let rest = header.strip_prefix("profile")?;
                    if !rest.starts_with(char::is_whitespace) {
                        return None;
                    }
                    rest.trim_start()
                }
            } else {
                header
            };
            let valid = !name.is_empty()
                && name.len() <= 128
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@' | b'+'));
            valid.then(|| name.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_profile_sections_count() {
        let config = "[default]\nregion = us-east-1\n[profile prod]\nsso_session = corp\n\
                      [sso-session corp]\nsso_start_url = https://example.invalid\n[services dev]\n\
                      [profile  spaced ]\n[profilebad]\n";
        assert_eq!(section_names(config, true), ["default", "prod", "spaced"]);
        let creds = "[default]\naws_access_key_id = AKIDEXAMPLE\n[ci]\n# [commented]\n";
        assert_eq!(section_names(creds, false), ["default", "ci"]);
    }

    #[test]
    fn both_files_merge_and_keys_never_appear() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let creds = dir.path().join("credentials");
        std::fs::write(&config, "[profile prod]\nregion = eu-west-1\n[default]\n").unwrap();
        std::fs::write(
            &creds,
            "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = SECRETEXAMPLE\n[ci]\n",
        )
        .unwrap();
        let list = list(Some(&config), Some(&creds)).unwrap();
        let names: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["default", "ci", "prod"]);
        assert!(list[0].in_config && list[0].in_credentials);
        assert!(!list[1].in_config && list[1].in_credentials);
        let json = serde_json::to_string(&list).unwrap();
        assert!(!json.contains("AKID") && !json.contains("SECRET"), "{json}");
        let missing = dir.path().join("none");
        assert!(super::list(Some(&missing), None).unwrap().is_empty());
    }
}

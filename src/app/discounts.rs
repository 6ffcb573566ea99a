//! Negotiated discounts from the config file (`[discounts]` in `config.toml` of the config dir,
//! or the file `--config` names) merged with the ones given on the command line.
//!
//! ```toml
//! [discounts]
//! aws = "7%"               # every AWS platform
//! "aws:aws-lambda" = "5%"  # one platform: wins over the provider's
//! ```

use crate::app::error::{AppError, Result};
use crate::error_code::ErrorCode;
use breakeven_simulator::pricing::Discount;
use breakeven_simulator::scenario::Scenario;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The config file's default place: `config.toml` next to the catalog override.
pub fn default_config_path() -> Option<PathBuf> {
    crate::app::catalog::config_dir().map(|d| d.join("config.toml"))
}

#[derive(serde::Deserialize)]
struct ConfigFile {
    #[serde(default)]
    discounts: BTreeMap<String, toml::Value>,
}

fn bad(path: &Path, m: String) -> AppError {
    AppError::bad_input(ErrorCode::BadUsage, format!("{}: {m}", path.display()))
}

/// The discounts of the config file at `path` (none when it does not exist).
pub fn from_config(path: &Path) -> Result<Vec<Discount>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| AppError::io(format!("reading {}", path.display()), e))?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| bad(path, e.to_string()))?;
    file.discounts
        .iter()
        .map(|(who, v)| {
            let pct = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                other => {
                    return Err(bad(
                        path,
                        format!("discount `{who}` = {other}: give a percentage like \"7%\""),
                    ))
                }
            };
            format!("{who}={pct}")
                .parse::<Discount>()
                .map_err(|m| bad(path, m))
        })
        .collect()
}

/// `base` with `over` merged in: a discount for the same provider and platform is replaced.
pub fn merge(base: &[Discount], over: &[Discount]) -> Vec<Discount> {
    let mut out: Vec<Discount> = base.to_vec();
    for d in over {
        out.retain(|x| !(x.provider == d.provider && x.platform == d.platform));
        out.push(d.clone());
    }
    out
}

/// The discounts a run uses: the scenario's own, then the config file's, then the flags'.
pub fn resolve(config: Option<&Path>, flags: &[Discount]) -> Result<Vec<Discount>> {
    let file = match config.map(Path::to_path_buf).or_else(default_config_path) {
        Some(p) => from_config(&p)?,
        None => Vec::new(),
    };
    Ok(merge(&file, flags))
}

/// `s` with `discounts` merged over its own.
pub fn apply(s: &mut Scenario, discounts: &[Discount]) {
    s.discounts = merge(&s.discounts, discounts);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_files_discounts_are_read_and_flags_win() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "[discounts]\naws = \"7%\"\n\"aws:aws-lambda\" = 5\n").unwrap();
        let d = resolve(Some(&p), &["aws=9%".parse().unwrap()]).unwrap();
        assert_eq!(d.len(), 2);
        assert!(d.iter().any(|x| x.platform.is_none() && x.percent == 9.into()));
        assert!(d
            .iter()
            .any(|x| x.platform.as_deref() == Some("aws-lambda") && x.percent == 5.into()));
        std::fs::write(&p, "[discounts]\naws = \"120%\"\n").unwrap();
        assert!(resolve(Some(&p), &[]).is_err());
    }
}

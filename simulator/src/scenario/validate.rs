//! Checking a scenario that was built in code or edited in the desktop view: the rules
//! [`super::parse`] applies to a file, on the typed value, so a what-if run or a save needs no
//! detour through TOML text.

use super::file::validate_platform;
use super::{Scenario, SCENARIO_VERSION};
use crate::limits::MAX_PLATFORMS;
use crate::platform::resolve;
use crate::pricing::PriceCatalog;
use crate::workload::Arrivals;

impl Scenario {
    /// Check the scenario against `catalog` and the limits, as a file is checked when it is
    /// read: the version, the seed (it must fit a TOML integer, so the scenario can be saved),
    /// the timeline bucket, the workload, and every platform's id, region and options. A replay
    /// must hold its counts inline: reading a `file` is the caller's I/O, done before this.
    /// The message names the key at fault, without a file position.
    pub fn validate(&self, catalog: &PriceCatalog) -> Result<(), String> {
        if self.version != SCENARIO_VERSION {
            return Err(format!(
                "unsupported scenario version {} (this build reads version {SCENARIO_VERSION})",
                self.version
            ));
        }
        if i64::try_from(self.seed).is_err() {
            return Err(format!(
                "`seed` {} is too large (at most {})",
                self.seed,
                i64::MAX
            ));
        }
        if !(self.timeline_bucket_s.is_finite() && self.timeline_bucket_s >= 1.0) {
            return Err("`timeline_bucket_s` must be at least 1".into());
        }
        let w = &self.workload;
        if let Arrivals::Replay { file: Some(f), .. } = &w.arrivals {
            return Err(format!(
                "`{f}`: a replay file is read when the scenario is opened; inline the counts as `counts_per_min`"
            ));
        }
        w.validate()?;
        if self.platforms.is_empty() {
            return Err("no platforms: add at least one [[platforms]] table with an `id`".into());
        }
        if self.platforms.len() > MAX_PLATFORMS {
            return Err(format!(
                "{} platforms are more than the limit of {MAX_PLATFORMS} per scenario",
                self.platforms.len()
            ));
        }
        for p in &self.platforms {
            resolve(catalog, p, w)?;
            validate_platform(p).map_err(|m| format!("platform `{}`: {m}", p.id))?;
        }
        if self.commitments.len() > super::file::MAX_COMMITMENTS {
            return Err(format!(
                "more than {} commitments in one scenario",
                super::file::MAX_COMMITMENTS
            ));
        }
        for c in &self.commitments {
            c.validate().map_err(|m| format!("commitment: {m}"))?;
        }
        for d in &self.discounts {
            d.validate().map_err(|m| format!("discount: {m}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::pricing::PriceCatalog;
    use crate::scenario::{parse, to_toml, Scenario};

    const CHECKOUT: &str = include_str!("../../../fixtures/scenarios/checkout-api.toml");

    fn checkout(catalog: &PriceCatalog) -> Scenario {
        parse("checkout.toml", CHECKOUT, catalog, &mut |_| Ok(vec![1])).unwrap()
    }

    #[test]
    fn a_parsed_scenario_is_valid() {
        let c = PriceCatalog::bundled().unwrap();
        assert_eq!(checkout(&c).validate(&c), Ok(()));
    }

    /// Each edit is refused by `validate` exactly when the file it would save is refused by
    /// `parse`: the typed check and the file's rules agree.
    #[test]
    fn validate_refuses_what_a_saved_file_would_refuse() {
        let c = PriceCatalog::bundled().unwrap();
        let edits: Vec<(&str, Box<dyn Fn(&mut Scenario)>)> = vec![
            (
                "keep_alive_s",
                Box::new(|s| s.platforms[0].keep_alive_s = Some(-1.0)),
            ),
            (
                "aws-lambada",
                Box::new(|s| s.platforms[0].id = "aws-lambada".into()),
            ),
            ("memory_mb", Box::new(|s| s.workload.memory_mb = 0)),
            ("cpu_fraction", Box::new(|s| s.workload.cpu_fraction = 2.0)),
            ("horizon", Box::new(|s| s.workload.horizon_ms = 10.0)),
            ("timeline_bucket_s", Box::new(|s| s.timeline_bucket_s = 0.5)),
            ("no platforms", Box::new(|s| s.platforms.clear())),
            (
                "target_utilisation",
                Box::new(|s| s.platforms[0].target_utilisation = Some(1.5)),
            ),
        ];
        for (what, edit) in edits {
            let mut s = checkout(&c);
            edit(&mut s);
            let e = s.validate(&c).unwrap_err();
            assert!(e.contains(what), "{what}: {e}");
            let text = to_toml(&s).unwrap();
            assert!(
                parse("saved.toml", &text, &c, &mut |_| Ok(vec![1])).is_err(),
                "{what}: the file rules accept what validate refused"
            );
        }
        let mut s = checkout(&c);
        s.seed = u64::MAX;
        assert!(s.validate(&c).unwrap_err().contains("seed"));
    }

    #[test]
    fn a_replay_file_must_have_been_read() {
        let c = PriceCatalog::bundled().unwrap();
        let mut s = checkout(&c);
        s.workload.arrivals = crate::workload::Arrivals::Replay {
            counts_per_min: Vec::new(),
            file: Some("/etc/passwd".into()),
        };
        assert!(s.validate(&c).unwrap_err().contains("counts_per_min"));
    }
}

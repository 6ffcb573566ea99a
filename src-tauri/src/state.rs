//! What the desktop app holds for its lifetime: the price catalog, loaded once at start-up the
//! same way the CLI loads it (bundled catalog plus the user's override file).

use crate::error::{CommandError, CommandResult};
use breakeven::app::catalog;
use breakeven::app::ErrorPayload;
use breakeven_simulator::pricing::PriceCatalog;

pub struct DesktopState {
    /// The catalog, or why it could not be loaded (a broken override file): the window still
    /// opens and every command reports the coded error instead of the app refusing to start.
    catalog: Result<PriceCatalog, ErrorPayload>,
}

impl DesktopState {
    /// Bundled catalog merged with `catalog.toml` in the OS config dir, if that file exists.
    pub fn load() -> Self {
        let path = catalog::default_override_path();
        DesktopState {
            catalog: catalog::load(path.as_deref()).map_err(|e| e.to_payload()),
        }
    }

    #[cfg(test)]
    pub fn with_catalog(catalog: Result<PriceCatalog, ErrorPayload>) -> Self {
        DesktopState { catalog }
    }

    pub fn catalog(&self) -> CommandResult<&PriceCatalog> {
        self.catalog.as_ref().map_err(|e| CommandError::from(e.clone()))
    }
}

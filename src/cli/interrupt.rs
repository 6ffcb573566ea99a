//! Ctrl-C during a long-running command: the first SIGINT trips the command's [`Cancel`], so the
//! work stops between two requests and its run is recorded as `cancelled`; a second SIGINT ends
//! the process at once (for a request that hangs), as if no handler were installed.

use breakeven::app::sync::Cancel;
use signal_hook::consts::signal::SIGINT;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// A [`Cancel`] that Ctrl-C trips. Install it before the work starts.
pub fn cancel_on_ctrl_c() -> anyhow::Result<Cancel> {
    let cancel = Cancel::new();
    let pressed = Arc::new(AtomicBool::new(false));
    // Registered first, so it sees `pressed` as it was before this signal: a second Ctrl-C.
    signal_hook::flag::register_conditional_default(SIGINT, Arc::clone(&pressed))?;
    signal_hook::flag::register(SIGINT, pressed)?;
    let flag = cancel.clone();
    // SAFETY: the action only stores to an atomic (`Cancel::cancel`), which is signal-safe: it
    // neither allocates nor locks.
    unsafe { signal_hook::low_level::register(SIGINT, move || flag.cancel()) }?;
    Ok(cancel)
}

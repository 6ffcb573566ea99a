//! Memory and liveness watch for the fuzz loop.
//!
//! [`Counting`] is a global allocator over the system one that counts live bytes and their peak,
//! so each run's allocation is measured exactly (the process' peak RSS, `VmHWM`, only ever grows
//! and cannot be charged to one input). It also refuses to go past a hard ceiling: an input that
//! asks for more is written out as a reproducer before the process aborts. [`watchdog`] does the
//! same for a run that never returns. Where the allocator is not installed (the test harness)
//! the counters stay at zero and only panics and slow runs are findings.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Live bytes past which the run is stopped and its input saved: far beyond any parser's need,
/// low enough to stay clear of the machine's memory.
pub const HARD_LIMIT: usize = 2 << 30;
/// A run still going after this is written out and the process stops (threads cannot be killed).
pub const WATCHDOG: Duration = Duration::from_secs(20);

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static REPORTING: AtomicBool = AtomicBool::new(false);
/// Milliseconds since [`epoch`] when the current run started, 0 when idle.
static STARTED_MS: AtomicU64 = AtomicU64::new(0);
static INPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());
/// Where the input of a run that is stopped goes: (directory, target name).
static SAVE_TO: OnceLock<Mutex<Option<(PathBuf, String)>>> = OnceLock::new();

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

pub struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if over_limit(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if over_limit(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() && over_limit(new_size - layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            count(new_size);
        }
        p
    }
}

fn count(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

/// True (after saving the input) when `more` bytes would pass [`HARD_LIMIT`]. The allocations
/// made while saving pass through uncounted: `REPORTING` is set first.
fn over_limit(more: usize) -> bool {
    if REPORTING.load(Ordering::Relaxed) || LIVE.load(Ordering::Relaxed).saturating_add(more) <= HARD_LIMIT {
        return false;
    }
    if REPORTING.swap(true, Ordering::SeqCst) {
        return false;
    }
    save_and_report("memory", &format!("a run asked for {} MiB more", more >> 20));
    true
}

/// Write the current input as `<kind>-watchdog.bin` and say so on stderr.
fn save_and_report(kind: &str, why: &str) {
    let Some(Ok(guard)) = SAVE_TO.get().map(|m| m.try_lock()) else {
        return;
    };
    let Some((dir, target)) = guard.as_ref() else {
        return;
    };
    let path = dir.join(target).join(format!("{kind}-watchdog.bin"));
    let _ = std::fs::create_dir_all(dir.join(target));
    if let Ok(input) = INPUT.try_lock() {
        let _ = std::fs::write(&path, &*input);
    }
    eprintln!("{target}: FINDING {kind}: {why}; reproducer {}", path.display());
}

/// Say where a stopped run's input is written.
pub fn save_to(dir: PathBuf, target: &str) {
    let m = SAVE_TO.get_or_init(|| Mutex::new(None));
    *m.lock().unwrap_or_else(|e| e.into_inner()) = Some((dir, target.to_string()));
}

/// Keep a copy of the input about to run, for the watchdog and the hard limit.
pub fn set_current_input(input: &[u8]) {
    let mut g = INPUT.lock().unwrap_or_else(|e| e.into_inner());
    g.clear();
    g.extend_from_slice(input);
}

pub fn running(on: bool) {
    let ms = if on {
        epoch().elapsed().as_millis() as u64 + 1
    } else {
        0
    };
    STARTED_MS.store(ms, Ordering::SeqCst);
}

/// Start a new peak at the live bytes now; returns them.
pub fn reset_peak() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Stop the process when one run goes on past [`WATCHDOG`], saving its input first.
pub fn watchdog() {
    std::thread::spawn(|| loop {
        std::thread::sleep(Duration::from_millis(200));
        let started = STARTED_MS.load(Ordering::SeqCst);
        if started == 0 {
            continue;
        }
        let now = epoch().elapsed().as_millis() as u64 + 1;
        if now.saturating_sub(started) > WATCHDOG.as_millis() as u64 {
            save_and_report(
                "hang",
                &format!("a run has not returned after {} s", WATCHDOG.as_secs()),
            );
            std::process::exit(3);
        }
    });
}

/// The process' peak resident set, kB (`VmHWM` of /proc/self/status; 0 where there is none).
pub fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

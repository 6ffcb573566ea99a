//! Memory at rest: the heap an analysis used is given back to the system once it is done rather
//! than kept by the allocator for later.
//!
//! WebKitGTK's accelerated compositing is left on. Turning it off
//! (`WEBKIT_DISABLE_COMPOSITING_MODE=1`, which a user may still set) saves the web process about
//! 110 MB under Xvfb, but WebKit's snapshots then stalled after a window resize in the end-to-end
//! tests, so it is not the default.

/// After a large computation: return the allocator's free pages to the system.
pub fn give_back_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory glibc's allocator holds free; it takes no
    // pointers and is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

//! The CLI's view of progress: an indicatif bar on stderr (hidden when stderr is not a
//! terminal), notes printed above it.

use breakeven::app::sync::{Progress, ProgressEvent};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Bar {
    bar: ProgressBar,
    quiet: bool,
}

impl Bar {
    /// `quiet`: print nothing (for `--json`, whose stdout must stay machine-readable).
    pub fn new(quiet: bool) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:>9} [{bar:30}] {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        if quiet {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        Bar { bar, quiet }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn report(&self, event: ProgressEvent) {
        match event {
            ProgressEvent::Step(s) => {
                self.bar.set_prefix(s.stage.as_str());
                self.bar.set_length(s.total);
                self.bar.set_position(s.done);
                self.bar.set_message(s.label);
            }
            ProgressEvent::Note { message } => {
                if !self.quiet {
                    self.bar.suspend(|| eprintln!("{message}"));
                }
            }
        }
    }
}

/// A bar over the steps of a long computation (a report: run, sweep, tuning, writing), with
/// what it is doing and the time spent; hidden when `quiet` or stderr is not a terminal.
pub struct StepBar {
    bar: ProgressBar,
}

impl StepBar {
    pub fn new(quiet: bool) -> StepBar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:24}] {pos}/{len} {wide_msg} {elapsed:>4}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        if quiet {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        } else {
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        StepBar { bar }
    }

    /// Step `done` of `total` starts `what`.
    pub fn step(&self, done: usize, total: usize, what: &str) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        self.bar.set_message(what.to_string());
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

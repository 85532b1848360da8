//! Progress of long runs, counted for whoever shows it.
//!
//! The library counts (files read, pages written) and never prints: the command line installs
//! an [`Observer`] when a person is watching (stderr is a terminal, human output, no
//! `--quiet`; see `cli::progress`), and draws what it is told. Without an observer, nearly
//! always in CI and tests, counting is one atomic load per step.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Receives the counts; called from any thread.
pub trait Observer: Send + Sync {
    /// `done` of `total` (when known) units of `phase` are finished.
    fn update(&self, phase: &'static str, done: usize, total: Option<usize>);
    /// The phase is over: whatever was shown for it should go.
    fn finish(&self);
}

struct Meter {
    observer: Box<dyn Observer>,
    phase: std::sync::Mutex<&'static str>,
    done: AtomicUsize,
    /// The total of the current phase plus one; 0 when unknown.
    total: AtomicUsize,
}

static METER: OnceLock<Meter> = OnceLock::new();

/// Installs the observer for the rest of the process (the first one wins).
pub fn observe(observer: Box<dyn Observer>) {
    let _ = METER.set(Meter {
        observer,
        phase: std::sync::Mutex::new(""),
        done: AtomicUsize::new(0),
        total: AtomicUsize::new(0),
    });
}

/// A phase of `total` units (or an unknown number) begins.
pub fn start(phase: &'static str, total: Option<usize>) {
    let Some(meter) = METER.get() else { return };
    if let Ok(mut current) = meter.phase.lock() {
        *current = phase;
    }
    meter.done.store(0, Ordering::Relaxed);
    meter.total.store(total.map_or(0, |t| t.saturating_add(1)), Ordering::Relaxed);
    meter.observer.update(phase, 0, total);
}

/// One more unit of the current phase is done.
pub fn step() {
    let Some(meter) = METER.get() else { return };
    let done = meter.done.fetch_add(1, Ordering::Relaxed) + 1;
    let total = meter.total.load(Ordering::Relaxed).checked_sub(1);
    let phase = meter.phase.lock().map(|p| *p).unwrap_or("");
    meter.observer.update(phase, done, total);
}

/// The current phase is over.
pub fn finish() {
    if let Some(meter) = METER.get() {
        meter.observer.finish();
    }
}

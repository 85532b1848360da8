//! Progress on stderr while a person watches a long run: `reading files: 1200/90503`.
//!
//! Shown only when stderr is a terminal, the report is for people (`--format human`), and
//! neither `--quiet` nor a CI environment (`CI` set) says otherwise: CI logs, pipes, files and
//! machine formats never get it. One line, redrawn at most ten times a second and erased when
//! the phase ends, before the report is printed.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::progress::Observer;

/// Installs the progress line when a person is watching.
pub(crate) fn show(human_output: bool, quiet: bool) {
    if wanted(human_output, quiet, std::io::stderr().is_terminal()) {
        crate::progress::observe(Box::new(Line::default()));
    }
}

fn wanted(human_output: bool, quiet: bool, terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    human_output && !quiet && terminal && !set("CI") && !dumb
}

#[derive(Default)]
struct Line {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    drawn_at: Option<Instant>,
    shown: bool,
}

const EVERY: Duration = Duration::from_millis(100);

impl Observer for Line {
    fn update(&self, phase: &'static str, done: usize, total: Option<usize>) {
        // A worker never waits for another one that is drawing.
        let Ok(mut state) = self.state.try_lock() else { return };
        let now = Instant::now();
        if state.drawn_at.is_some_and(|at| now.duration_since(at) < EVERY) {
            return;
        }
        state.drawn_at = Some(now);
        let text = match total {
            Some(total) => format!("{phase}: {done}/{total}"),
            None => format!("{phase}: {done}"),
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
        state.shown = true;
    }

    fn finish(&self) {
        let Ok(mut state) = self.state.lock() else { return };
        if state.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
        *state = State::default();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_people_at_a_terminal_see_progress() {
        // (CI is unset or set in the environment running the tests; only the other inputs are
        // varied here, and each of them alone turns progress off.)
        assert!(!super::wanted(false, false, true));
        assert!(!super::wanted(true, true, true));
        assert!(!super::wanted(true, false, false));
    }
}

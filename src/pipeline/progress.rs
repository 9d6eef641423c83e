//! The progress bar of long runs: bytes read and their rate, records per second, files done,
//! rejects. Drawn on standard error only when it is a terminal and the `CI` variable is unset;
//! otherwise every call does nothing.

use std::io::IsTerminal;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    /// Inputs to read, once the reader has listed them.
    files: Arc<AtomicUsize>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::hidden()
    }
}

impl Progress {
    /// No bar: for pipes, CI, tests and `--no-progress`.
    pub fn hidden() -> Self {
        Progress {
            bar: None,
            started: Instant::now(),
            files: Arc::default(),
        }
    }

    /// A bar on standard error when a person is watching it, hidden otherwise.
    pub fn for_stderr() -> Self {
        let watched = std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none()
            && std::env::var("TERM").map_or(true, |term| term != "dumb");
        if !watched {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} ({binary_bytes_per_sec}, {eta} left)  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress {
            bar: Some(bar),
            started: Instant::now(),
            files: Arc::default(),
        }
    }

    /// How many inputs there are, and their total size when every input's size is known.
    pub fn set_inputs(&self, files: usize, bytes: Option<u64>) {
        self.files.store(files, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_length(bytes.unwrap_or(0));
            if bytes.is_none() {
                bar.unset_length();
            }
        }
    }

    /// Counts the bytes read through `inner` (compressed bytes, for gzip inputs).
    pub fn counting<R: Read>(&self, inner: R) -> CountingRead<R> {
        CountingRead {
            inner,
            bar: self.bar.clone(),
        }
    }

    /// Shows the counts; `files` is filled in from what the reader listed.
    pub fn update(&self, counts: &Counts) {
        let Some(bar) = &self.bar else { return };
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        bar.set_message(format!(
            "{} records ({:.0}/s), {}/{} files, {} rejected",
            counts.records,
            counts.records as f64 / seconds,
            counts.files_done,
            self.files.load(Ordering::Relaxed),
            counts.rejected
        ));
    }

    /// Runs `write` (a message on standard error) with the bar out of the way.
    pub fn suspend<T>(&self, write: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// Removes the bar, leaving the summary lines that follow it on a clean screen.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// What the bar's message shows.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub records: u64,
    pub rejected: u64,
    pub files_done: usize,
}

/// A reader that advances the bar by the bytes it reads.
pub struct CountingRead<R> {
    inner: R,
    bar: Option<ProgressBar>,
}

impl<R: Read> Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        if let Some(bar) = &self.bar {
            bar.inc(read as u64);
        }
        Ok(read)
    }
}

//! Guest output (semihosting, UART): streamed to the host's stdout (or stderr) as it happens,
//! kept, up to a bound, for tests, the TUI console and the report, and watched for the texts a
//! CI run expects or fails on (`--expect-text`, `--fail-text`).

use std::io::Write;

/// The most guest output kept in memory; further output is still streamed but not kept.
pub const CAPTURE_LIMIT: usize = 16 * 1024 * 1024;

/// Where streamed guest output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Echo {
    /// Kept only (tests, the TUI).
    #[default]
    None,
    /// The host's stdout (a run's default).
    Stdout,
    /// The host's stderr (when stdout carries the JSON report: `--json -`).
    Stderr,
}

/// What the watched texts decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextVerdict {
    /// Every expected text has appeared.
    AllExpected,
    /// A fail text appeared.
    Failed(String),
}

/// Texts watched for in the output as it streams: the run ends when all `expect` texts have
/// appeared or when any `fail` text appears. A text may span several writes.
#[derive(Debug, Clone, Default)]
pub struct TextWatch {
    /// Texts that must all appear (each with whether it has).
    pub expect: Vec<(String, bool)>,
    /// Texts that must not appear.
    pub fail: Vec<String>,
    /// The last bytes of output, so that a text split over two writes is still found.
    tail: Vec<u8>,
    /// The decision, once made (it is never unmade).
    pub verdict: Option<TextVerdict>,
}

impl TextWatch {
    /// Watches for `expect` (all must appear) and `fail` (none may appear).
    pub fn new(expect: &[String], fail: &[String]) -> TextWatch {
        TextWatch {
            expect: expect.iter().map(|t| (t.clone(), false)).collect(),
            fail: fail.to_vec(),
            ..TextWatch::default()
        }
    }

    /// Whether there is anything to watch.
    pub fn is_empty(&self) -> bool {
        self.expect.is_empty() && self.fail.is_empty()
    }

    /// The expected texts that have not appeared.
    pub fn missing(&self) -> Vec<&str> {
        self.expect
            .iter()
            .filter(|(_, seen)| !seen)
            .map(|(t, _)| t.as_str())
            .collect()
    }

    fn longest(&self) -> usize {
        self.expect
            .iter()
            .map(|(t, _)| t.len())
            .chain(self.fail.iter().map(String::len))
            .max()
            .unwrap_or(0)
    }

    /// Looks at newly written bytes; returns true when this write decided the verdict.
    pub fn observe(&mut self, bytes: &[u8]) -> bool {
        if self.verdict.is_some() || self.is_empty() {
            return false;
        }
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(bytes);
        let found = |t: &str| {
            let t = t.as_bytes();
            !t.is_empty() && window.windows(t.len()).any(|w| w == t)
        };
        if let Some(t) = self.fail.iter().find(|t| found(t)) {
            self.verdict = Some(TextVerdict::Failed(t.clone()));
        } else {
            for (t, seen) in &mut self.expect {
                *seen = *seen || found(t);
            }
            if !self.expect.is_empty() && self.expect.iter().all(|(_, seen)| *seen) {
                self.verdict = Some(TextVerdict::AllExpected);
            }
        }
        let keep = self.longest().saturating_sub(1).min(window.len());
        self.tail = window.split_off(window.len() - keep);
        self.verdict.is_some()
    }
}

/// Where guest output goes.
#[derive(Debug, Default)]
pub struct Console {
    /// Output kept so far (at most [`CAPTURE_LIMIT`] bytes).
    pub captured: Vec<u8>,
    /// Bytes that did not fit into `captured`.
    pub dropped: u64,
    /// Where output is streamed as it arrives.
    pub echo: Echo,
    /// Texts watched for (`--expect-text`, `--fail-text`).
    pub watch: TextWatch,
    /// Set when the watch reached its verdict during a write: the machine must stop. The bus
    /// turns it into a request for attention; the machine takes it.
    pub decided: bool,
}

impl Console {
    /// A console that streams to stdout (`echo`) and keeps output.
    pub fn new(echo: bool) -> Console {
        Console {
            echo: if echo { Echo::Stdout } else { Echo::None },
            ..Console::default()
        }
    }

    /// Guest wrote `bytes`.
    pub fn write(&mut self, bytes: &[u8]) {
        // A closed stdout or stderr (e.g. piped into `head`) must not stop the simulation.
        match self.echo {
            Echo::None => {}
            Echo::Stdout => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(bytes);
                let _ = out.flush();
            }
            Echo::Stderr => {
                let mut out = std::io::stderr().lock();
                let _ = out.write_all(bytes);
                let _ = out.flush();
            }
        }
        let room = CAPTURE_LIMIT.saturating_sub(self.captured.len());
        let keep = bytes.len().min(room);
        self.captured.extend_from_slice(&bytes[..keep]);
        self.dropped += (bytes.len() - keep) as u64;
        if self.watch.observe(bytes) {
            self.decided = true;
        }
    }

    /// Output so far as (lossy) UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.captured).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(expect: &[&str], fail: &[&str]) -> TextWatch {
        let s = |v: &[&str]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        TextWatch::new(&s(expect), &s(fail))
    }

    #[test]
    fn expected_texts_split_over_writes_are_found() {
        let mut w = watch(&["PASS", "done"], &[]);
        assert!(!w.observe(b"test 1 PA"));
        assert!(!w.observe(b"SS\nall do"));
        assert_eq!(w.missing(), vec!["done"]);
        assert!(w.observe(b"ne\n"));
        assert_eq!(w.verdict, Some(TextVerdict::AllExpected));
        assert!(!w.observe(b"FAIL"), "a verdict is never unmade");
    }

    #[test]
    fn a_fail_text_wins_over_expected_ones_in_the_same_write() {
        let mut w = watch(&["PASS"], &["FAIL"]);
        assert!(w.observe(b"PASS then FAIL\n"));
        assert_eq!(w.verdict, Some(TextVerdict::Failed("FAIL".into())));
        let mut w = watch(&[], &["panic"]);
        assert!(!w.observe(b"pan"));
        assert!(w.observe(b"ic!"));
    }

    #[test]
    fn console_flags_the_decision() {
        let mut c = Console::new(false);
        c.watch = watch(&["ok"], &[]);
        c.write(b"o");
        assert!(!c.decided);
        c.write(b"k");
        assert!(c.decided);
        assert_eq!(c.text(), "ok");
    }
}

//! Guest output (semihosting, UART): streamed to the host's stdout as it happens and kept,
//! up to a bound, for tests, the TUI console and the report.

use std::io::Write;

/// The most guest output kept in memory; further output is still streamed but not kept.
pub const CAPTURE_LIMIT: usize = 16 * 1024 * 1024;

/// Where guest output goes.
#[derive(Debug, Default)]
pub struct Console {
    /// Output kept so far (at most [`CAPTURE_LIMIT`] bytes).
    pub captured: Vec<u8>,
    /// Bytes that did not fit into `captured`.
    pub dropped: u64,
    /// Write output through to the host's stdout as it arrives.
    pub echo: bool,
}

impl Console {
    /// A console that streams to stdout (`echo`) and keeps output.
    pub fn new(echo: bool) -> Console {
        Console {
            echo,
            ..Console::default()
        }
    }

    /// Guest wrote `bytes`.
    pub fn write(&mut self, bytes: &[u8]) {
        if self.echo {
            let mut out = std::io::stdout().lock();
            // A closed stdout (e.g. piped into `head`) must not stop the simulation.
            let _ = out.write_all(bytes);
            let _ = out.flush();
        }
        let room = CAPTURE_LIMIT.saturating_sub(self.captured.len());
        let keep = bytes.len().min(room);
        self.captured.extend_from_slice(&bytes[..keep]);
        self.dropped += (bytes.len() - keep) as u64;
    }

    /// Output so far as (lossy) UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.captured).into_owned()
    }
}

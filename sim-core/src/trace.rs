//! The instruction trace (`--trace FILE`): one line per retired instruction, PC first, then its
//! disassembly, the cycles so far (after it) and the registers it changed:
//!
//! ```text
//! 0x000001a4  ldr r3, [r2, #0]  cycles=1234  r3=0x00000001
//! ```
//!
//! While a trace is on, the machine runs one instruction at a time (as with breakpoints), so
//! a run without `--trace` never pays for it. `--trace-from SYMBOL` starts the trace at the
//! first instruction of that function (until then the run goes on untraced), `--trace-limit N`
//! ends it after N lines (the run goes on). Exception entries are not instructions: the next
//! line is the handler's first instruction.

use crate::cpu::Cpu;
use std::io::Write;

/// The most lines a trace writes unless `--trace-limit` says otherwise (about 1 GB).
pub const DEFAULT_TRACE_LIMIT: u64 = 10_000_000;

/// A trace being written.
pub struct InstrTrace {
    out: Box<dyn Write>,
    /// Start at this address (`--trace-from`); `None`: from reset.
    pub from: Option<u32>,
    /// Whether the start has been reached.
    pub started: bool,
    /// Lines still allowed.
    pub remaining: u64,
    /// Lines written.
    pub lines: u64,
    /// The first write error, if any (the trace stops; the run goes on).
    pub error: Option<String>,
}

impl InstrTrace {
    /// A trace into `out` from `from` (or reset) of at most `limit` lines.
    pub fn new(out: Box<dyn Write>, from: Option<u32>, limit: u64) -> InstrTrace {
        InstrTrace {
            out,
            from: from.map(|a| a & !1),
            started: from.is_none(),
            remaining: limit,
            lines: 0,
            error: None,
        }
    }

    /// Whether the next instruction at `pc` is to be traced (starts the trace at `from`).
    pub fn wants(&mut self, pc: u32) -> bool {
        if !self.started && Some(pc) == self.from {
            self.started = true;
        }
        self.started && self.remaining > 0 && self.error.is_none()
    }

    /// Whether nothing more will be written (so the machine may go back to full speed).
    pub fn done(&self) -> bool {
        self.started && (self.remaining == 0 || self.error.is_some())
    }

    /// Writes the line of the instruction at `pc` (`text`: its disassembly) that took the
    /// core from `before` to `after`, with `cycles` so far.
    pub fn line(&mut self, pc: u32, text: &str, cycles: u64, before: &Cpu, after: &Cpu) {
        let mut l = format!("0x{pc:08x}  {text}  cycles={cycles}");
        for i in 0..15 {
            if before.r[i] != after.r[i] {
                let name = match i {
                    13 => "sp".to_string(),
                    14 => "lr".to_string(),
                    n => format!("r{n}"),
                };
                l.push_str(&format!("  {name}=0x{:08x}", after.r[i]));
            }
        }
        if before.apsr() != after.apsr() {
            l.push_str(&format!("  apsr=0x{:08x}", after.apsr()));
        }
        for (i, (a, b)) in before.s.iter().zip(after.s.iter()).enumerate() {
            if a != b {
                l.push_str(&format!("  s{i}=0x{b:08x}"));
            }
        }
        if before.fpscr != after.fpscr {
            l.push_str(&format!("  fpscr=0x{:08x}", after.fpscr));
        }
        l.push('\n');
        if let Err(e) = self.out.write_all(l.as_bytes()) {
            self.error = Some(e.to_string());
        }
        self.lines += 1;
        self.remaining -= 1;
    }

    /// Flushes what is buffered; the first error is kept.
    pub fn finish(&mut self) {
        if let Err(e) = self.out.flush() {
            self.error.get_or_insert(e.to_string());
        }
    }
}

//! Exit statuses of the `thimble` command. A run whose guest exits through semihosting returns
//! the guest's status; everything else that stops a run has its own code, listed here and in
//! the README.

use std::fmt;

/// The guest exited (semihosting): its own status is returned instead of this.
pub const OK: i32 = 0;
/// Command-line syntax error (clap).
pub const USAGE: i32 = 2;
/// An argument is well-formed but wrong: unknown board or core, missing symbol, size mismatch
/// in `--load`, malformed `--budget`.
pub const BAD_ARGUMENT: i32 = 64;
/// The file is not a 32-bit little-endian ARM ELF executable, or its headers are broken, or
/// the chip's boot ROM would refuse it (an RP2040 image without a valid boot2).
pub const BAD_ELF: i32 = 65;
/// A file cannot be read.
pub const NO_INPUT: i32 = 66;
/// The program does not fit the board's memory.
pub const DOES_NOT_FIT: i32 = 67;
/// The guest faulted and nothing handles it (default handler spinning, or lockup).
pub const GUEST_FAULT: i32 = 70;
/// A run limit was reached: `--max-seconds` (60 s of simulated time by default),
/// `--max-cycles` or `--max-instructions`.
pub const LIMIT: i32 = 71;
/// WFI/WFE with nothing that could ever wake the core.
pub const DEADLOCK: i32 = 72;
/// A `--budget` was exceeded.
pub const BUDGET: i32 = 73;
/// A BKPT (other than semihosting) with no debugger attached.
pub const BREAKPOINT: i32 = 74;
/// Writing an output file (`--json`, `--dump`, `--profile-out`) failed.
pub const OUTPUT: i32 = 75;
/// The stack ran into statically allocated data or the heap (without `--allow-collision`).
pub const COLLISION: i32 = 76;
/// A `--fail-text` appeared, or the guest exited before every `--expect-text` appeared.
pub const TEXT: i32 = 77;
/// `thimble bench`: a cell of the matrix failed (fault, limit, deadlock, collision, a
/// non-zero guest exit, an error); the whole table is still printed and written.
pub const BENCH_FAILED: i32 = 78;

/// An error that ends the command with a documented status.
#[derive(Debug)]
pub struct Failure {
    /// Exit status.
    pub code: i32,
    /// The one line printed on stderr.
    pub message: String,
}

impl Failure {
    /// A failure with a code and message.
    pub fn new(code: i32, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Maps a loader error to its status.
pub fn load_error(e: &sim_core::loader::LoadError) -> Failure {
    use sim_core::loader::LoadError;
    let code = match e {
        LoadError::Io { .. } => NO_INPUT,
        _ => BAD_ELF,
    };
    Failure::new(code, e.to_string())
}

/// The table for `--help` and the README.
pub const TABLE: &str = "exit status: the guest's own status when it exits through semihosting;
  2 usage, 64 bad argument, 65 bad ELF, 66 unreadable file, 67 does not fit the board,
  70 unhandled guest fault or lockup, 71 run limit (60 s simulated by default, --max-seconds,
  --max-cycles, --max-instructions), 72 deadlock (WFI forever), 73 budget exceeded,
  74 breakpoint without debugger, 75 cannot write an output file, 76 stack collision with
  static data or the heap, 77 --fail-text seen or guest exited before every --expect-text,
  78 bench: a cell failed (the table is still written)";

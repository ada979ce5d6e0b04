//! Composes a machine: a board and an ELF with the Thumb instruction set, the board's devices
//! and semihosting. The one place that knows every simulator crate; `thimble run` and the
//! bench matrix both build their machines here.

use sim_core::board::Board;
use sim_core::console::Console;
use sim_core::loader::Image;
use sim_core::machine::Machine;
use std::path::PathBuf;

/// How to compose a machine beyond its board and image.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Stream the guest's console output to the host as it is written (else only kept).
    pub echo: bool,
    /// Print a warning the first time each unmodelled register is touched.
    pub warn_mmio: bool,
    /// Unmodelled register accesses are BusFaults (`--strict-mmio`).
    pub strict_mmio: bool,
    /// The checked directory semihosting may open files in (none: no host files).
    pub semihosting_root: Option<PathBuf>,
    /// The engine that runs batches of instructions (`--engine`).
    pub engine: isa_thumb::Engine,
}

/// Why a machine could not be composed.
#[derive(Debug)]
pub enum Error {
    /// The image does not fit the board's memory (one line: what and by how much).
    DoesNotFit(String),
    /// The board's devices cannot be attached for this image.
    Devices(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::DoesNotFit(e) | Error::Devices(e) => f.write_str(e),
        }
    }
}

/// Builds a machine for `image` on `board`; `program` is the guest's command line
/// (semihosting SYS_GET_CMDLINE).
pub fn machine(
    board: Board,
    image: Image,
    program: &str,
    opts: &Options,
) -> Result<Machine, Error> {
    let mut isa = Box::new(isa_thumb::Thumb::new(board.core, board.fpu()));
    isa.set_engine(opts.engine);
    let mut m = Machine::new(board, image, isa, Console::new(opts.echo))
        .map_err(|e| Error::DoesNotFit(e.to_string()))?;
    m.bus.mmio.strict = opts.strict_mmio;
    m.bus.mmio.echo = opts.warn_mmio;
    let popts = peripherals::PeripheralOptions {
        semihosting_root: opts.semihosting_root.clone(),
        cmdline: program.to_string(),
    };
    peripherals::attach(&mut m, &popts).map_err(Error::Devices)?;
    Ok(m)
}

//! Composes a machine for a bench cell: a board and an ELF with the Thumb instruction set, the
//! devices and semihosting (no host files), guest output kept, not streamed.

use sim_core::board::Board;
use sim_core::console::Console;
use sim_core::loader::Image;
use sim_core::machine::Machine;

/// Builds a machine for `image` on `board`. The error is one line: why the program does not
/// fit, or why the board's devices cannot be attached.
pub fn machine(board: Board, image: Image, program: &str) -> Result<Machine, String> {
    let isa = Box::new(isa_thumb::Thumb::new(board.core, board.fpu()));
    let mut m = Machine::new(board, image, isa, Console::new(false)).map_err(|e| e.to_string())?;
    m.bus.mmio.echo = false;
    let opts = peripherals::PeripheralOptions {
        semihosting_root: None,
        cmdline: program.to_string(),
    };
    peripherals::attach(&mut m, &opts)?;
    Ok(m)
}

//! Composes a machine: board (+ overrides) and ELF into sim-core, the Thumb ISA, the devices and
//! semihosting. The only place that knows every crate.

use crate::cli::{BoardArgs, RunOptions};
use crate::exit::{self, Failure};
use sim_core::board::{Board, CoreProfile};
use sim_core::console::Console;
use sim_core::loader::Image;
use sim_core::machine::{Limits, Machine};

/// Resolves `--board`, `--core`, `--clock`.
pub fn board(args: &BoardArgs) -> Result<Board, Failure> {
    let mut board =
        Board::load(&args.board).map_err(|e| Failure::new(exit::BAD_ARGUMENT, e.to_string()))?;
    if let Some(core) = &args.core {
        let profile = CoreProfile::parse(core).ok_or_else(|| {
            Failure::new(
                exit::BAD_ARGUMENT,
                format!(
                    "unknown core '{core}': expected one of {}",
                    CoreProfile::ALL.map(|p| p.name()).join(", ")
                ),
            )
        })?;
        board.set_core(profile);
    }
    if let Some(hz) = args.clock {
        if hz == 0 {
            return Err(Failure::new(
                exit::BAD_ARGUMENT,
                "--clock 0: the clock must be at least 1 Hz",
            ));
        }
        board.clock_hz = hz;
        board.clock_pinned = true;
    }
    Ok(board)
}

/// Builds and resets a machine for `image` on `board`.
pub fn machine(
    board: Board,
    image: Image,
    opts: &RunOptions,
    echo: bool,
    program: &str,
) -> Result<Machine, Failure> {
    let isa = Box::new(isa_thumb::Thumb::new(board.core, board.fpu()));
    let mut m = Machine::new(board, image, isa, Console::new(echo))
        .map_err(|e| Failure::new(exit::DOES_NOT_FIT, format!("{program}: {e}")))?;
    let root = match &opts.semihosting_root {
        Some(dir) => Some(
            peripherals::semihosting::check_root(dir)
                .map_err(|e| Failure::new(exit::BAD_ARGUMENT, e))?,
        ),
        None => None,
    };
    let popts = peripherals::PeripheralOptions {
        semihosting_root: root,
        cmdline: program.to_string(),
    };
    m.bus.mmio.strict = opts.strict_mmio;
    m.bus.mmio.echo = !opts.quiet;
    peripherals::attach(&mut m, &popts)
        .map_err(|e| Failure::new(exit::BAD_ELF, format!("{program}: {e}")))?;
    m.limits = Limits {
        max_instructions: opts.max_instructions,
        max_cycles: opts.max_cycles,
        ..Limits::default()
    };
    Ok(m)
}

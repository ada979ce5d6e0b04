//! Resolves the board (`--board`, `--core`, `--clock`) and composes a run's machine through
//! [`bench::compose`] with the command line's options (semihosting root, strict MMIO, limits).

use crate::cli::{BoardArgs, RunOptions};
use crate::exit::{self, Failure};
use bench::compose;
use sim_core::board::{Board, CoreProfile};
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

/// Builds and resets a machine for `image` on `board` (composed by [`bench::compose`], as the
/// bench matrix's are).
pub fn machine(
    board: Board,
    image: Image,
    opts: &RunOptions,
    echo: bool,
    program: &str,
) -> Result<Machine, Failure> {
    let semihosting_root = match &opts.semihosting_root {
        Some(dir) => Some(
            peripherals::semihosting::check_root(dir)
                .map_err(|e| Failure::new(exit::BAD_ARGUMENT, e))?,
        ),
        None => None,
    };
    // Every name clap accepts parses, but `jit` only in a build with the `jit` feature.
    let engine = match opts.engine.as_deref() {
        None => isa_thumb::Engine::default(),
        Some(name) => isa_thumb::Engine::parse(name).ok_or_else(|| {
            Failure::new(
                exit::BAD_ARGUMENT,
                format!(
                    "--engine {name}: this thimble was built without the `jit` feature \
                     (cargo install --path . --features jit)"
                ),
            )
        })?,
    };
    let copts = compose::Options {
        echo,
        warn_mmio: !opts.quiet,
        strict_mmio: opts.strict_mmio,
        semihosting_root,
        engine,
    };
    let mut m = compose::machine(board, image, program, &copts).map_err(|e| match e {
        compose::Error::DoesNotFit(e) => {
            Failure::new(exit::DOES_NOT_FIT, format!("{program}: {e}"))
        }
        compose::Error::Devices(e) => Failure::new(exit::BAD_ELF, format!("{program}: {e}")),
    })?;
    m.limits = Limits {
        max_instructions: opts.max_instructions,
        max_cycles: opts.max_cycles,
        ..Limits::default()
    };
    Ok(m)
}

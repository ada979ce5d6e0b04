//! thimble command line: composes the simulator crates and maps every outcome to a documented
//! exit status (see `exit`).

mod budget;
mod cli;
mod exit;
mod run;
mod session;

use clap::Parser;
use cli::{Cli, Command};
use exit::Failure;
use sim_core::board::{Board, RegionKind};
use sim_core::loader::Image;
use sim_core::units::bytes;

fn boards() {
    println!(
        "{:<15} {:<14} {:>8} {:>10} {:>10}  description",
        "board", "core", "MHz", "flash", "sram"
    );
    for b in Board::builtin() {
        println!(
            "{:<15} {:<14} {:>8} {:>10} {:>10}  {}",
            b.name,
            b.core.name(),
            b.clock_hz / 1_000_000,
            bytes(b.total(RegionKind::Flash)),
            bytes(b.total(RegionKind::Sram)),
            b.description
        );
    }
}

fn real_main() -> Result<i32, Failure> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return Ok(code);
        }
    };
    match cli.command {
        Some(Command::Boards) => {
            boards();
            Ok(exit::OK)
        }
        Some(Command::Run(args)) => {
            let board = session::board(&args.board)?;
            let program = args.elf.display().to_string();
            let image = Image::from_file(&args.elf).map_err(|e| exit::load_error(&e))?;
            let m = session::machine(board, image, &args.opts, true, &program)?;
            run::run(m, &args.opts, &program)
        }
        Some(Command::Demo(_)) | None => Err(Failure::new(
            exit::BAD_ARGUMENT,
            "the bundled demo is not built yet; use `thimble run ELF`",
        )),
    }
}

fn main() {
    let code = match real_main() {
        Ok(c) => c,
        Err(f) => {
            eprintln!("thimble: error: {}", f.message);
            f.code
        }
    };
    std::process::exit(code);
}

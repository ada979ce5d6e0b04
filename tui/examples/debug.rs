//! The debugger on an ELF without the thimble binary: `debug ELF [BOARD]` (default board
//! mps2-an386). Composes the machine as the binary does (Thumb ISA, devices, semihosting)
//! and hands it to `tui::run_tui`; the tmux end-to-end test drives it.

use sim_core::board::Board;
use sim_core::console::Console;
use sim_core::loader::Image;
use sim_core::machine::Machine;
use std::path::{Path, PathBuf};

fn build(elf: &Path, board: &str) -> Result<Machine, String> {
    let image = Image::from_file(elf).map_err(|e| e.to_string())?;
    let board = Board::load(board).map_err(|e| e.to_string())?;
    let isa = Box::new(isa_thumb::Thumb::new(board.core, board.fpu()));
    let mut m = Machine::new(board, image, isa, Console::new(false)).map_err(|e| e.to_string())?;
    let opts = peripherals::PeripheralOptions {
        semihosting_root: None,
        cmdline: elf.display().to_string(),
    };
    peripherals::attach(&mut m, &opts).expect("the board's chip attaches");
    // A reset failure is shown by the debugger as the stop reason.
    let _ = m.reset();
    Ok(m)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(elf) = args.next().map(PathBuf::from) else {
        eprintln!("usage: debug ELF [BOARD]");
        std::process::exit(2);
    };
    let board = args.next().unwrap_or_else(|| "mps2-an386".into());
    let machine = match build(&elf, &board) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("debug: {e}");
            std::process::exit(1);
        }
    };
    let (elf2, board2) = (elf.clone(), board.clone());
    let opts = tui::TuiOptions {
        source_dirs: elf
            .parent()
            .map(|p| vec![p.to_path_buf()])
            .unwrap_or_default(),
        rebuild: Some(Box::new(move || build(&elf2, &board2))),
        ..tui::TuiOptions::default()
    };
    if let Err(e) = tui::run_tui(machine, opts) {
        eprintln!("debug: {e}");
        std::process::exit(1);
    }
}

//! thimble command line: composes the simulator crates and maps every outcome to a documented
//! exit status (see `exit`).

mod bench;
mod cli;
mod exit;
mod run;
mod session;
mod tools;

use clap::Parser;
use cli::{Cli, Command};
use exit::Failure;
use sim_core::board::{Board, RegionKind};
use sim_core::loader::Image;
use sim_core::units::bytes;

fn boards() {
    println!(
        "{:<15} {:<14} {:<10} {:>14} {:>10} {:>10}  description",
        "board", "core", "chip", "MHz reset/max", "flash", "sram"
    );
    for b in Board::builtin() {
        let mhz = sim_core::report::mhz;
        let clock = match b.max_clock_hz {
            Some(max) if max != b.clock_hz => format!("{}/{}", mhz(b.clock_hz), mhz(max)),
            _ => mhz(b.clock_hz),
        };
        println!(
            "{:<15} {:<14} {:<10} {:>14} {:>10} {:>10}  {}",
            b.name,
            b.core.name(),
            b.chip.as_deref().unwrap_or("-"),
            clock,
            bytes(b.total(RegionKind::Flash)),
            bytes(b.total(RegionKind::Sram)),
            b.description
        );
    }
    println!(
        "\nA chip board starts at its reset clock; the firmware's clock configuration sets the clock \
         the report uses (--clock HZ pins it)."
    );
}

/// The bundled demo: MLPerf Tiny keyword spotting (DS-CNN, int8) on the default board.
const DEMO_ELF: &[u8] = include_bytes!("../firmware/prebuilt/kws-nano33ble.elf");

fn demo(mut opts: cli::RunOptions) -> Result<i32, Failure> {
    let program = "kws-nano33ble.elf (bundled demo)";
    if opts.roi.is_empty() {
        opts.roi.push("model_invoke".into());
    }
    let board = Board::load(sim_core::board::DEFAULT_BOARD)
        .map_err(|e| Failure::new(exit::BAD_ARGUMENT, e.to_string()))?;
    let image = Image::parse(DEMO_ELF.to_vec(), program).map_err(|e| exit::load_error(&e))?;
    if !opts.quiet {
        eprintln!(
            "thimble demo: MLPerf Tiny keyword spotting (DS-CNN int8) on {} — `thimble run ELF` runs your own firmware",
            board.description
        );
    }
    let m = session::machine(board, image, &opts, true, program)?;
    run::run_then(m, &opts, program, demo_summary)
}

/// What the demo did, in plain words: the class the model chose (its label read from the
/// firmware's own `APP_LABELS` table) with its score, and what one inference cost.
fn demo_summary(m: &sim_core::Machine, r: &sim_core::report::Report) -> Option<String> {
    let out = ::bench::symbols::read(m, "model_output").ok()?;
    let scores: Vec<f32> = out
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let (top, score) =
        scores
            .iter()
            .enumerate()
            .fold((0, f32::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
    if scores.is_empty() {
        return None;
    }
    let labels = ::bench::symbols::read(m, "APP_LABELS").ok()?;
    let ptr = labels.chunks_exact(4).nth(top)?;
    let addr = u32::from_le_bytes([ptr[0], ptr[1], ptr[2], ptr[3]]);
    let label: String = (0..32)
        .map_while(|i| m.bus.peek_bytes(addr + i, 1).map(|b| b[0]))
        .take_while(|&b| b != 0)
        .map(char::from)
        .collect();
    let inference = r.roi.first().map_or(String::new(), |roi| {
        let energy = roi
            .energy_uj
            .map_or(String::new(), |e| format!(" and {e:.0} µJ"));
        format!(
            "; one inference (model_invoke) took {:.1} ms{energy} at {:.0} MHz",
            roi.latency_ms,
            r.clock_hz as f64 / 1e6
        )
    });
    Some(format!(
        "thimble demo: the keyword-spotting model listened to the bundled 1-second clip and heard \"{label}\" (class {top} of {}, probability {score:.2}){inference}.",
        scores.len()
    ))
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
        Some(Command::Demo(args)) => demo(args.opts),
        Some(Command::Tui(args)) => tools::tui(args),
        Some(Command::Gdb(args)) => tools::gdb(args),
        Some(Command::Disasm(args)) => tools::disasm(args),
        Some(Command::Bench(args)) => bench::bench(&args),
        Some(Command::Model {
            command: cli::ModelCommand::Import { model, out, name },
        }) => tools::model_import(&model, &out, name),
        None => demo(cli::RunOptions::default()),
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

//! Command-line syntax (clap).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// thimble: run Cortex-M firmware ELFs and learn what the hardware would say —
/// cycles and latency at the board clock, memory high-water marks, energy.
#[derive(Debug, Parser)]
#[command(name = "thimble", version, after_help = crate::exit::TABLE)]
pub struct Cli {
    /// What to do; with none, runs the bundled keyword-spotting demo on nano33ble.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run an ELF to completion and print the report.
    Run(RunArgs),
    /// List the built-in boards.
    Boards,
    /// Run the bundled demo (keyword spotting on nano33ble).
    Demo(DemoArgs),
}

/// Which board and core.
#[derive(Debug, Args, Clone)]
pub struct BoardArgs {
    /// Board name (see `thimble boards`) or a board TOML file.
    #[arg(long, default_value = sim_core::board::DEFAULT_BOARD)]
    pub board: String,
    /// Override the board's core (cortex-m0plus, cortex-m3, cortex-m4, cortex-m4f, cortex-m7).
    #[arg(long)]
    pub core: Option<String>,
    /// Override the board's clock in Hz.
    #[arg(long)]
    pub clock: Option<u64>,
}

/// Options of a run.
#[derive(Debug, Args, Clone, Default)]
pub struct RunOptions {
    /// Write the JSON report to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Stop after this many cycles.
    #[arg(long, value_name = "N")]
    pub max_cycles: Option<u64>,
    /// Stop after this many instructions.
    #[arg(long, value_name = "N")]
    pub max_instructions: Option<u64>,
    /// Fail (exit 73) when a figure exceeds its budget: cycles=N,latency_ms=X,sram=BYTES,flash=BYTES,stack=BYTES,energy_uj=X.
    #[arg(long, value_name = "KEY=VALUE,...")]
    pub budget: Vec<String>,
    /// Before the run, write a file's bytes into a data symbol (sizes must match).
    #[arg(long, value_name = "SYMBOL=FILE")]
    pub load: Vec<String>,
    /// After the run, write a data symbol's bytes to a file.
    #[arg(long, value_name = "SYMBOL=FILE")]
    pub dump: Vec<String>,
    /// Measure every call of this function: calls, cycles per call, latency and energy.
    #[arg(long, value_name = "SYMBOL")]
    pub roi: Vec<String>,
    /// Let semihosting open host files, only inside this directory.
    #[arg(long, value_name = "DIR")]
    pub semihosting_root: Option<PathBuf>,
    /// Do not print the report on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `thimble run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The firmware ELF.
    pub elf: PathBuf,
    /// Board selection.
    #[command(flatten)]
    pub board: BoardArgs,
    /// Run options.
    #[command(flatten)]
    pub opts: RunOptions,
}

/// `thimble demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run options.
    #[command(flatten)]
    pub opts: RunOptions,
}

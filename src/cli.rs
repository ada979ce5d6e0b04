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
    /// Step-debug an ELF in the terminal UI (`?` shows the keys).
    Tui(DebugArgs),
    /// Serve an ELF to gdb (gdb-multiarch: `target remote :PORT`), on 127.0.0.1 only.
    Gdb(GdbArgs),
    /// Disassemble the code of an ELF as the simulator decodes it.
    Disasm(DisasmArgs),
    /// Run ELFs x boards (x inputs) in parallel into one table, CSV and JSON; compare with a
    /// baseline.
    Bench(BenchArgs),
    /// TFLite models: `thimble model import MODEL.tflite` emits C for the int8 kernels.
    Model {
        /// What to do with a model.
        #[command(subcommand)]
        command: ModelCommand,
    },
}

/// `thimble model ...`.
#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Parse a .tflite flatbuffer and write model.c / model.h (weights in flash, a planned
    /// static tensor arena, model_invoke()).
    Import {
        /// The .tflite file.
        model: PathBuf,
        /// Output directory (created).
        #[arg(long, short, default_value = ".")]
        out: PathBuf,
        /// C name prefix / model name (default: the file stem).
        #[arg(long)]
        name: Option<String>,
    },
}

/// `thimble tui`.
#[derive(Debug, Args)]
pub struct DebugArgs {
    /// The firmware ELF.
    pub elf: PathBuf,
    /// Where the sources DWARF names are (repeatable; searched after the path as written and
    /// before the ELF's own directory and its parents).
    #[arg(long, value_name = "DIR")]
    pub source_dir: Vec<PathBuf>,
    /// Board selection.
    #[command(flatten)]
    pub board: BoardArgs,
    /// Let semihosting open host files, only inside this directory.
    #[arg(long, value_name = "DIR")]
    pub semihosting_root: Option<PathBuf>,
}

/// `thimble gdb`.
#[derive(Debug, Args)]
pub struct GdbArgs {
    /// The firmware ELF.
    pub elf: PathBuf,
    /// Board selection.
    #[command(flatten)]
    pub board: BoardArgs,
    /// TCP port on 127.0.0.1.
    #[arg(long, default_value_t = 3333)]
    pub port: u16,
    /// Let semihosting open host files, only inside this directory.
    #[arg(long, value_name = "DIR")]
    pub semihosting_root: Option<PathBuf>,
}

/// `thimble disasm`.
#[derive(Debug, Args)]
pub struct DisasmArgs {
    /// The firmware ELF.
    pub elf: PathBuf,
    /// Board selection (decides the architecture and FPU).
    #[command(flatten)]
    pub board: BoardArgs,
    /// Only this function.
    #[arg(long)]
    pub symbol: Option<String>,
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
    /// Override the board's clock in Hz (at most 10 GHz).
    #[arg(long, value_parser = clap::value_parser!(u64).range(..=MAX_CLOCK_HZ))]
    pub clock: Option<u64>,
}

/// Options of a run.
#[derive(Debug, Args, Clone, Default)]
pub struct RunOptions {
    /// Write the JSON report to this file (`-`: to stdout, and the guest's output to stderr).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// CI gating and limits (see `ci` below).
    #[command(flatten)]
    pub ci: CiOptions,
    /// The instruction trace (see `trace` below).
    #[command(flatten)]
    pub trace: TraceOptions,
    /// Stop after this many cycles (1 to 10^15).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_LIMIT))]
    pub max_cycles: Option<u64>,
    /// Stop after this many instructions (1 to 10^15).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_LIMIT))]
    pub max_instructions: Option<u64>,
    /// Fail (exit 73) when a figure exceeds its budget: cycles=2M,latency_ms=20,sram=64KiB,
    /// flash=1MiB,stack=8K,energy_uj=500, and for the slowest call of a --roi function
    /// roi.cycles=N,roi.latency_ms=X,roi.energy_uj=X.
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
    /// Write a profile: FILE.json gets a Chrome/Perfetto trace of every call (ts/dur in µs at
    /// the board clock), any other name folded call stacks with self cycles (flamegraph input).
    #[arg(long, value_name = "FILE")]
    pub profile_out: Option<PathBuf>,
    /// Duty cycle for the battery estimate: the run repeats every SECONDS, sleeping between.
    #[arg(long, value_name = "SECONDS", requires = "battery", value_parser = positive_up_to_1e9)]
    pub duty: Option<f64>,
    /// Battery capacity in mAh for the battery-life estimate (with --duty).
    #[arg(long, value_name = "MAH", requires = "duty", value_parser = positive_up_to_1e9)]
    pub battery: Option<f64>,
    /// Do not print the report on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// An access to a chip register no model handles is a BusFault (default: it reads its
    /// reset value, keeps writes, and is named once in a warning and in the report).
    #[arg(long)]
    pub strict_mmio: bool,
    /// The execution engine: `block` runs straight-line flash code as pre-decoded blocks,
    /// `jit` the same with the hot blocks compiled to host code (only in a build with the
    /// `jit` feature: `--features jit`), `interp` one instruction at a time (the reference);
    /// all give the same instructions, cycles, statistics and energy (default: block).
    #[arg(
        long,
        value_name = "ENGINE",
        value_parser = clap::builder::PossibleValuesParser::new(["interp", "block", "jit"])
    )]
    pub engine: Option<String>,
}

// ---- The instruction trace (issue 17) ----

/// `--trace FILE`: one line per retired instruction.
#[derive(Debug, Args, Clone, Default)]
pub struct TraceOptions {
    /// Write one line per retired instruction: PC (hex), disassembly, cycles so far and the
    /// registers it changed. The run goes one instruction at a time while tracing.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Start the trace at the first call of this function (with --trace).
    #[arg(long, value_name = "SYMBOL", requires = "trace")]
    pub trace_from: Option<String>,
    /// Write at most N lines (default 10,000,000, about 1 GB); the run goes on after.
    #[arg(long, value_name = "N", requires = "trace",
          value_parser = clap::value_parser!(u64).range(1..=MAX_LIMIT))]
    pub trace_limit: Option<u64>,
}

// ---- CI gating: run limits, collisions, watched texts (issue 16) ----

/// Simulated time a run may take when no limit is given (`--max-seconds`).
pub const DEFAULT_MAX_SECONDS: f64 = 60.0;

/// What ends a run besides the guest, and what makes it fail, for CI.
#[derive(Debug, Args, Clone, Default)]
pub struct CiOptions {
    /// Stop (exit 71) after this much simulated time, in seconds. Without any limit flag a run
    /// stops after 60 s of simulated time.
    #[arg(long, value_name = "S")]
    pub max_seconds: Option<f64>,
    /// Run without the default 60 s limit of simulated time.
    #[arg(long, conflicts_with_all = ["max_seconds", "max_cycles", "max_instructions"])]
    pub no_limit: bool,
    /// Report a stack collision with static data but go on (by default the run stops: exit 76).
    #[arg(long)]
    pub allow_collision: bool,
    /// End the run with success once every such text has appeared in the guest's output;
    /// exit 77 when the guest exits first. Repeatable.
    #[arg(long, value_name = "TEXT")]
    pub expect_text: Vec<String>,
    /// Fail (exit 77) as soon as this text appears in the guest's output. Repeatable.
    #[arg(long, value_name = "TEXT")]
    pub fail_text: Vec<String>,
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

/// The largest `--max-cycles` / `--max-instructions`: 10^15 (weeks of simulation at
/// thimble's speed; larger values would only hide a missing limit).
pub const MAX_LIMIT: u64 = 1_000_000_000_000_000;
/// The largest `--clock`: 10 GHz (Cortex-M parts run below 1 GHz).
pub const MAX_CLOCK_HZ: u64 = 10_000_000_000;

/// `--duty` / `--battery`: a finite number above 0 and at most 10^9.
fn positive_up_to_1e9(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if v > 0.0 && v <= 1e9 {
        Ok(v)
    } else {
        Err(format!("{s} is out of range (above 0, at most 1e9)"))
    }
}

// ---- thimble bench (issue 16) ----

/// `thimble bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The firmware ELFs (none with --merge).
    #[arg(required_unless_present = "merge")]
    pub elfs: Vec<PathBuf>,
    /// Boards, comma-separated (see `thimble boards`), or board TOML files.
    #[arg(long, value_delimiter = ',', default_value = sim_core::board::DEFAULT_BOARD)]
    pub board: Vec<String>,
    /// Measure every call of this function in every cell (repeatable).
    #[arg(long, value_name = "SYMBOL")]
    pub roi: Vec<String>,
    /// Write the rows as CSV.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the rows as JSON (`-`: stdout), the input of --baseline and --merge.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Compare with an earlier --json: print each changed figure, exit 73 on a regression.
    #[arg(long, value_name = "FILE.json")]
    pub baseline: Option<PathBuf>,
    /// Largest growth of a figure (cycles, latency, energy, flash, SRAM, stack, ROI) against
    /// the baseline that is not a regression, in percent.
    #[arg(long, value_name = "PCT", default_value_t = 2.0)]
    pub max_regress: f64,
    /// Run each file of DIR through the firmware: written into --load, read from --dump.
    #[arg(long, value_name = "DIR", requires_all = ["load", "dump"])]
    pub inputs: Option<PathBuf>,
    /// Data symbol each input file is written into.
    #[arg(long, value_name = "SYMBOL", requires = "inputs")]
    pub load: Option<String>,
    /// Data symbol read after each run: its largest element is the top-1 class.
    #[arg(long, value_name = "SYMBOL", requires = "inputs")]
    pub dump: Option<String>,
    /// How --dump's bytes are read: int8, uint8, int16, float32.
    #[arg(long, value_name = "TYPE", default_value = "int8", requires = "dump")]
    pub dtype: String,
    /// Expected class per input file (`FILE CLASS` per line): prints the top-1 accuracy.
    #[arg(long, value_name = "FILE", requires = "inputs")]
    pub labels: Option<PathBuf>,
    /// Run only the K-th of N slices of the matrix (1-based), e.g. one CI job each.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Join the JSON of several --shard runs into one table (no ELF runs).
    #[arg(long, value_name = "FILE.json", num_args = 1.., conflicts_with_all = ["shard", "inputs"])]
    pub merge: Vec<PathBuf>,
    /// Stop each run after this much simulated time, in seconds.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_MAX_SECONDS)]
    pub max_seconds: f64,
}

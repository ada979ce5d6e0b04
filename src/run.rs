//! `thimble run`: inject inputs, run, dump outputs, print the report, check budgets, and map the
//! stop to the exit status.

use crate::cli::{RunOptions, DEFAULT_MAX_SECONDS};
use crate::exit::{self, Failure};
use sim_core::budget::Budgets;
use sim_core::console::{Echo, TextWatch};
use sim_core::loader::SymbolKind;
use sim_core::machine::{Limits, Machine, StopReason};
use sim_core::report::Report;
use std::path::Path;
use std::time::Instant;

fn split_pair<'a>(flag: &str, s: &'a str) -> Result<(&'a str, &'a str), Failure> {
    s.split_once('=')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| {
            Failure::new(
                exit::BAD_ARGUMENT,
                format!("{flag} {s}: expected SYMBOL=FILE"),
            )
        })
}

fn data_symbol(m: &Machine, flag: &str, name: &str) -> Result<(u32, u32), Failure> {
    let sym = m.image.symbol(name).ok_or_else(|| {
        Failure::new(
            exit::BAD_ARGUMENT,
            format!("{flag}: the ELF has no symbol '{name}'"),
        )
    })?;
    if sym.kind == SymbolKind::Func {
        return Err(Failure::new(
            exit::BAD_ARGUMENT,
            format!("{flag}: '{name}' is a function, not data"),
        ));
    }
    if sym.size == 0 {
        return Err(Failure::new(
            exit::BAD_ARGUMENT,
            format!("{flag}: symbol '{name}' has no size in the ELF"),
        ));
    }
    Ok((sym.addr, sym.size))
}

/// Applies every `--load SYMBOL=FILE`.
pub fn load_inputs(m: &mut Machine, opts: &RunOptions) -> Result<(), Failure> {
    for spec in &opts.load {
        let (name, file) = split_pair("--load", spec)?;
        let (addr, size) = data_symbol(m, "--load", name)?;
        // Only a regular file of exactly the symbol's size is read (a FIFO or a device would
        // block or never end).
        let cannot = |e: sim_core::input::InputError| {
            Failure::new(exit::NO_INPUT, format!("--load {file}: {e}"))
        };
        let mismatch = |n: u64| {
            Failure::new(
                exit::BAD_ARGUMENT,
                format!("--load {name}={file}: the file has {n} bytes but {name} is {size} bytes"),
            )
        };
        let (_, file_size) = sim_core::input::open_regular(Path::new(file)).map_err(cannot)?;
        if file_size != u64::from(size) {
            return Err(mismatch(file_size));
        }
        let bytes =
            sim_core::input::read_limited(Path::new(file), u64::from(size), "this --load file")
                .map_err(cannot)?;
        if bytes.len() as u64 != u64::from(size) {
            return Err(mismatch(bytes.len() as u64));
        }
        m.bus.poke_bytes(addr, &bytes).map_err(|e| {
            Failure::new(
                exit::BAD_ARGUMENT,
                format!("--load {name}: symbol at 0x{addr:08x} is not in memory: {e}"),
            )
        })?;
        // A symbol in initialised data (.data) is copied from its load image
        // (LMA, in flash) to its run address by the startup code: write the
        // load image too, or that copy would overwrite the loaded bytes.
        let lma = m
            .image
            .sections
            .iter()
            .find(|s| {
                s.alloc
                    && !s.nobits
                    && s.load_addr != s.addr
                    && addr >= s.addr
                    && u64::from(addr - s.addr) + u64::from(size) <= s.size
            })
            .map(|s| s.load_addr + (addr - s.addr));
        if let Some(lma) = lma {
            m.bus.poke_bytes(lma, &bytes).map_err(|e| {
                Failure::new(
                    exit::BAD_ARGUMENT,
                    format!("--load {name}: load image at 0x{lma:08x} is not in memory: {e}"),
                )
            })?;
        }
    }
    Ok(())
}

/// Applies every `--dump SYMBOL=FILE`.
pub fn dump_outputs(m: &Machine, opts: &RunOptions) -> Result<(), Failure> {
    for spec in &opts.dump {
        let (name, file) = split_pair("--dump", spec)?;
        let (addr, size) = data_symbol(m, "--dump", name)?;
        let bytes = m.bus.peek_bytes(addr, size).ok_or_else(|| {
            Failure::new(
                exit::BAD_ARGUMENT,
                format!("--dump {name}: 0x{addr:08x}+{size} is not in memory"),
            )
        })?;
        std::fs::write(file, bytes)
            .map_err(|e| Failure::new(exit::OUTPUT, format!("--dump {file}: cannot write: {e}")))?;
    }
    Ok(())
}

/// Validates the dump specs before the run, so that a typo does not cost a whole run.
pub fn check_dumps(m: &Machine, opts: &RunOptions) -> Result<(), Failure> {
    for spec in &opts.dump {
        let (name, _) = split_pair("--dump", spec)?;
        data_symbol(m, "--dump", name)?;
    }
    Ok(())
}

/// Whether `--json -` asks for the JSON report on stdout.
pub fn json_to_stdout(opts: &RunOptions) -> bool {
    opts.json.as_deref() == Some(Path::new("-"))
}

/// The longest `--max-seconds`: 10^7 s (116 days) of simulated time, inside what the clock's
/// 64-bit picosecond count holds (213 days).
pub const MAX_SECONDS: f64 = 1e7;

/// The limits of a run: those the flags give, else 60 s of simulated time (`true`: the
/// default applies).
pub fn run_limits(opts: &RunOptions) -> Result<(Limits, bool), Failure> {
    let ci = &opts.ci;
    if let Some(s) = ci.max_seconds {
        if !(s > 0.0 && s <= MAX_SECONDS) {
            return Err(Failure::new(
                exit::BAD_ARGUMENT,
                format!("--max-seconds {s}: expected a positive number of seconds up to {MAX_SECONDS:e} (simulated time is counted in picoseconds in 64 bits: 213 days)"),
            ));
        }
    }
    let given =
        ci.max_seconds.is_some() || opts.max_cycles.is_some() || opts.max_instructions.is_some();
    let default = !given && !ci.no_limit;
    let limits = Limits {
        max_instructions: opts.max_instructions,
        max_cycles: opts.max_cycles,
        max_seconds: if default {
            Some(DEFAULT_MAX_SECONDS)
        } else {
            ci.max_seconds
        },
        stop_on_collision: !ci.allow_collision,
    };
    Ok((limits, default))
}

/// The texts to watch for in the guest's output (`--expect-text`, `--fail-text`).
pub fn text_watch(opts: &RunOptions) -> Result<TextWatch, Failure> {
    for (flag, texts) in [
        ("--expect-text", &opts.ci.expect_text),
        ("--fail-text", &opts.ci.fail_text),
    ] {
        if texts.iter().any(String::is_empty) {
            return Err(Failure::new(
                exit::BAD_ARGUMENT,
                format!("{flag}: the text is empty (it would match any output)"),
            ));
        }
    }
    Ok(TextWatch::new(&opts.ci.expect_text, &opts.ci.fail_text))
}

/// `--trace FILE [--trace-from SYMBOL] [--trace-limit N]`: opens the file (exit 75 when it
/// cannot be created) and finds the symbol (exit 64 when the ELF has no such function).
fn start_trace(m: &mut Machine, opts: &RunOptions) -> Result<(), Failure> {
    let t = &opts.trace;
    let Some(path) = &t.trace else {
        return Ok(());
    };
    let from = match &t.trace_from {
        Some(name) => Some(
            m.image
                .symbol(name)
                .filter(|s| s.kind == sim_core::loader::SymbolKind::Func)
                .map(|s| s.addr)
                .ok_or_else(|| {
                    Failure::new(
                        exit::BAD_ARGUMENT,
                        format!("--trace-from {name}: the ELF has no function '{name}'"),
                    )
                })?,
        ),
        None => None,
    };
    let file = std::fs::File::create(path).map_err(|e| {
        Failure::new(
            exit::OUTPUT,
            format!("--trace {}: cannot create: {e}", path.display()),
        )
    })?;
    m.itrace = Some(sim_core::trace::InstrTrace::new(
        Box::new(std::io::BufWriter::new(file)),
        from,
        t.trace_limit
            .unwrap_or(sim_core::trace::DEFAULT_TRACE_LIMIT),
    ));
    Ok(())
}

/// Flushes the trace; says when its limit cut it short or its start was never reached.
fn finish_trace(m: &mut Machine, opts: &RunOptions) -> Result<(), Failure> {
    let (Some(t), Some(path)) = (&mut m.itrace, &opts.trace.trace) else {
        return Ok(());
    };
    t.finish();
    if let Some(e) = &t.error {
        return Err(Failure::new(
            exit::OUTPUT,
            format!("--trace {}: cannot write: {e}", path.display()),
        ));
    }
    if !t.started {
        eprintln!(
            "thimble: --trace {}: --trace-from {} was never called; the trace is empty",
            path.display(),
            opts.trace.trace_from.as_deref().unwrap_or("")
        );
    } else if t.remaining == 0 {
        eprintln!(
            "thimble: --trace {}: stopped after {} lines (--trace-limit); the run went on",
            path.display(),
            t.lines
        );
    }
    Ok(())
}

/// Runs a built machine with the options and returns the process exit status.
pub fn run(m: Machine, opts: &RunOptions, program: &str) -> Result<i32, Failure> {
    run_then(m, opts, program, |_, _| None)
}

/// [`run`], with `summary` asked for a closing line after the report (the demo says in plain
/// words what ran and what the model decided).
pub fn run_then(
    mut m: Machine,
    opts: &RunOptions,
    program: &str,
    summary: impl FnOnce(&Machine, &Report) -> Option<String>,
) -> Result<i32, Failure> {
    let budgets = Budgets::parse(&opts.budget).map_err(|e| Failure::new(exit::BAD_ARGUMENT, e))?;
    if let (Some(key), true) = (budgets.needs_roi(), opts.roi.is_empty()) {
        return Err(Failure::new(
            exit::BAD_ARGUMENT,
            format!("--budget {key}: needs --roi SYMBOL (the function whose calls it limits)"),
        ));
    }
    let (limits, default_limit) = run_limits(opts)?;
    m.limits = limits;
    m.bus.console.watch = text_watch(opts)?;
    if json_to_stdout(opts) && m.bus.console.echo == Echo::Stdout {
        m.bus.console.echo = Echo::Stderr;
    }
    for symbol in &opts.roi {
        m.add_roi(symbol)
            .map_err(|e| Failure::new(exit::BAD_ARGUMENT, e))?;
    }
    load_inputs(&mut m, opts)?;
    check_dumps(&m, opts)?;
    let trace = opts.profile_out.as_deref().is_some_and(is_trace_file);
    if opts.profile_out.is_some() {
        if trace {
            m.stats.trace = Some(sim_core::stats::CallTrace::new(
                sim_core::stats::MAX_TRACE_EVENTS,
            ));
        } else {
            m.stats.folded = Some(Default::default());
        }
    }
    if let (Some(period), Some(mah)) = (opts.duty, opts.battery) {
        if !(period > 0.0 && period.is_finite() && mah > 0.0 && mah.is_finite()) {
            return Err(Failure::new(
                exit::BAD_ARGUMENT,
                format!("--duty {period} --battery {mah}: both must be positive numbers"),
            ));
        }
    }
    let started = Instant::now();
    start_trace(&mut m, opts)?;
    let reason = match m.reset() {
        Ok(()) => m.run(),
        Err(r) => r,
    };
    let host = started.elapsed().as_secs_f64();
    finish_trace(&mut m, opts)?;
    dump_outputs(&m, opts)?;
    let mut report = Report::new(&m, &reason);
    report.elf.path = program.to_string();
    if !opts.quiet {
        eprint!("{}", report.text(Some(host)));
    }
    if let Some(path) = &opts.json {
        write_json(path, &report)?;
    }
    if let Some(path) = &opts.profile_out {
        let text = if trace {
            sim_core::report::chrome_trace(&m)
        } else {
            sim_core::report::folded_stacks(&m)
        };
        if let Some(t) = m.stats.trace.as_ref().filter(|t| t.dropped > 0) {
            eprintln!(
                "thimble: --profile-out {}: trace cap of {} calls reached; {} later calls are not in the trace",
                path.display(),
                t.cap,
                t.dropped
            );
        }
        std::fs::write(path, text).map_err(|e| {
            Failure::new(
                exit::OUTPUT,
                format!("--profile-out {}: cannot write: {e}", path.display()),
            )
        })?;
    }
    if let (Some(period), Some(mah)) = (opts.duty, opts.battery) {
        match sim_core::report::battery_life(&report, &m, period, mah) {
            Some((ua, hours)) => eprintln!(
                "battery       run every {period} s: average {ua:.1} µA, {hours:.0} h ({:.1} days) on {mah} mAh",
                hours / 24.0
            ),
            None => eprintln!("battery       board {} has no power facts", m.board.name),
        }
    }
    if !opts.quiet {
        if let Some(line) = summary(&m, &report) {
            eprintln!("{line}");
        }
    }
    let exceeded = budgets.check(&report);
    for line in &exceeded {
        eprintln!("thimble: budget exceeded: {line}");
    }
    // The report's detail: for a limit it also names a register the firmware was polling.
    let detail = || eprintln!("thimble: {program}: {}", report.stop_detail);
    let missing: Vec<String> = m
        .bus
        .console
        .watch
        .missing()
        .iter()
        .map(|t| format!("{t:?}"))
        .collect();
    let code = match &reason {
        StopReason::Exit(c) if !missing.is_empty() => {
            eprintln!(
                "thimble: {program}: the guest exited (status {c}) before every expected text appeared; missing: {} (--expect-text)",
                missing.join(", ")
            );
            exit::TEXT
        }
        StopReason::Exit(c) => *c,
        StopReason::ExpectedText => exit::OK,
        StopReason::FailText(_) => {
            detail();
            exit::TEXT
        }
        StopReason::StackCollision { .. } => {
            detail();
            eprintln!("thimble: {program}: stopped at the collision (exit 76); --allow-collision reports it and runs on");
            exit::COLLISION
        }
        StopReason::TimeLimit(_) if default_limit => {
            let poll = m.poll_note().map(|n| format!("; {n}")).unwrap_or_default();
            eprintln!(
                "thimble: {program}: stopped after {DEFAULT_MAX_SECONDS} s of simulated time, the default limit: --max-seconds S raises it, --no-limit removes it{poll}"
            );
            exit::LIMIT
        }
        StopReason::InstructionLimit(_) | StopReason::CycleLimit(_) | StopReason::TimeLimit(_) => {
            detail();
            exit::LIMIT
        }
        StopReason::UnhandledFault(_) | StopReason::Lockup(_) => {
            detail();
            if let Some(f) = report.faults.last() {
                for line in f.detail_lines() {
                    eprintln!("{line}");
                }
            }
            exit::GUEST_FAULT
        }
        StopReason::Deadlock { .. } => {
            eprintln!(
                "thimble: {program}: {}",
                sim_core::report::stop_detail(&reason)
            );
            exit::DEADLOCK
        }
        StopReason::Breakpoint { .. } => {
            eprintln!(
                "thimble: {program}: {}",
                sim_core::report::stop_detail(&reason)
            );
            exit::BREAKPOINT
        }
    };
    if !missing.is_empty() && !matches!(reason, StopReason::Exit(_) | StopReason::FailText(_)) {
        eprintln!(
            "thimble: {program}: expected text never appeared: {} (--expect-text)",
            missing.join(", ")
        );
    }
    if !exceeded.is_empty() && code == 0 {
        return Ok(exit::BUDGET);
    }
    Ok(code)
}

/// Whether `--profile-out` names a Chrome trace (`.json`) rather than folded stacks.
fn is_trace_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn write_json(path: &Path, report: &Report) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(report).expect("report serialises");
    if path == Path::new("-") {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        return writeln!(out, "{text}")
            .and_then(|()| out.flush())
            .map_err(|e| {
                Failure::new(
                    exit::OUTPUT,
                    format!("--json -: cannot write to stdout: {e}"),
                )
            });
    }
    std::fs::write(path, text + "\n").map_err(|e| {
        Failure::new(
            exit::OUTPUT,
            format!("--json {}: cannot write: {e}", path.display()),
        )
    })
}

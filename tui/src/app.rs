//! The debugger's state and its one mutator, [`App::update`]: keys, the `:` command line and
//! runs of the machine in time slices between UI frames.

use crate::command::{self, Command, Reg};
use crate::disasm::{call_len, Disassembler};
use crate::dwarf::{find_source, LineInfo, SourceLoc};
use crate::keymap::{action_for, Action};
use crate::TuiError;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use sim_core::board::RegionKind;
use sim_core::cpu::Cpu;
use sim_core::debug::{DebugStop, Debugger};
use sim_core::exception::ExceptionState;
use sim_core::machine::{Machine, StopReason};
use sim_core::memory::MemoryMap;
use sim_core::stats::Stats;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Builds a fresh machine for `r` (reset), as the caller composed it (ISA, devices,
/// semihosting).
pub type Rebuild = Box<dyn FnMut() -> Result<Machine, String>>;

/// How the debugger is set up.
pub struct TuiOptions {
    /// Directories searched for source files named by DWARF (after the path as written).
    pub source_dirs: Vec<PathBuf>,
    /// Wall-clock time of one run slice between frames (default 50 ms: 20 refreshes/s).
    pub slice: Duration,
    /// Builds a fresh machine on reset; without it reset reloads memory and counters and
    /// resets the core, while devices keep their state.
    pub rebuild: Option<Rebuild>,
}

impl Default for TuiOptions {
    fn default() -> Self {
        TuiOptions {
            source_dirs: Vec::new(),
            slice: Duration::from_millis(50),
            rebuild: None,
        }
    }
}

/// What the UI loop feeds [`App::update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A key press.
    Key(KeyEvent),
    /// Time for the next run slice (sent continuously while running).
    Tick,
}

/// Where a run stops besides breakpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunGoal {
    /// Until a breakpoint, watchpoint or the machine stops.
    Continue,
    /// Until PC reaches `addr` with SP at or above `sp_min` (next over a call, finish).
    Until {
        /// Return address.
        addr: u32,
        /// SP of the frame to return to (deeper recursion levels do not count).
        sp_min: u32,
    },
}

/// Whether the machine runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// Waiting for keys.
    Paused,
    /// Running slices between frames.
    Running(RunGoal),
}

/// What the open prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// `:` command.
    Command,
    /// `g`: an address or symbol.
    Goto,
}

/// A line being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// What it is for.
    pub kind: PromptKind,
    /// Text so far.
    pub text: String,
}

/// Memory the program occupies, against the board's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Footprint {
    /// Bytes loaded into flash.
    pub flash_used: u64,
    /// Flash size.
    pub flash_size: u64,
    /// Allocated SRAM sections (.data, .bss, ...).
    pub static_sram: u64,
    /// SRAM size.
    pub sram_size: u64,
    /// Initial MSP from the vector table.
    pub initial_sp: u32,
    /// End of the static SRAM sections below the stack (the stack's collision boundary).
    pub static_end: u32,
}

impl Footprint {
    /// Measures an image placed on a machine's board.
    pub fn of(m: &Machine) -> Footprint {
        let regions = &m.bus.map.regions;
        let kind_at = |a: u32| {
            regions
                .iter()
                .find(|r| r.offset(a, 1).is_some())
                .map(|r| r.kind)
        };
        let mut f = Footprint {
            flash_size: m.board.total(RegionKind::Flash),
            sram_size: m.board.total(RegionKind::Sram),
            initial_sp: m
                .image_sp
                .or_else(|| m.bus.peek(m.board.reset_vtor(), 4))
                .unwrap_or(0),
            ..Footprint::default()
        };
        for s in m.image.sections.iter().filter(|s| s.alloc && s.size > 0) {
            if !s.nobits && kind_at(s.load_addr) == Some(RegionKind::Flash) {
                f.flash_used += s.size;
            }
            if kind_at(s.addr) == Some(RegionKind::Sram) {
                f.static_sram += s.size;
                let end = u64::from(s.addr) + s.size;
                let reserved = s.name.contains("stack") || s.name.contains("heap");
                if !reserved && end <= u64::from(f.initial_sp) {
                    f.static_end = f.static_end.max(end as u32);
                }
            }
        }
        if f.static_end == 0 {
            f.static_end = regions
                .iter()
                .find(|r| r.offset(f.initial_sp.wrapping_sub(1), 1).is_some())
                .map_or(0, |r| r.base);
        }
        f
    }

    /// Bytes of stack used at the deepest point (MSP), given the lowest MSP seen.
    pub fn stack_peak(&self, stats: &Stats) -> u64 {
        if stats.msp_low == u32::MAX || stats.msp_low > self.initial_sp {
            0
        } else {
            u64::from(self.initial_sp - stats.msp_low)
        }
    }

    /// Room between the static data and the initial stack pointer.
    pub fn stack_room(&self) -> u64 {
        u64::from(self.initial_sp.saturating_sub(self.static_end))
    }
}

/// The source file shown in the source pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceView {
    /// Where the cursor is.
    pub loc: SourceLoc,
    /// The file's lines, when it was found.
    pub lines: Option<Vec<String>>,
}

/// One row of the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRow {
    /// Function name (or address).
    pub name: String,
    /// Calls (BL/BLX into it).
    pub calls: u64,
    /// Cycles in it, callees excluded.
    pub exclusive: u64,
    /// Cycles in it, callees included.
    pub inclusive: u64,
}

/// The debugger.
pub struct App {
    /// The machine being debugged.
    pub machine: Machine,
    /// Breakpoints and watchpoints (user ones plus a temporary one for next/finish).
    pub debugger: Debugger,
    /// Breakpoints the user set.
    pub user_breakpoints: Vec<u32>,
    /// Running or paused.
    pub state: RunState,
    /// Registers before the last step or run (changed ones are highlighted).
    pub prev: Cpu,
    /// Disassembly cursor (follows PC after every stop).
    pub cursor: u32,
    /// First address of the memory view.
    pub mem_addr: u32,
    /// Registers pane shows the FPU.
    pub show_fpu: bool,
    /// Key help shown.
    pub show_help: bool,
    /// Open prompt.
    pub prompt: Option<Prompt>,
    /// Status message.
    pub message: String,
    /// Instructions per run slice (adapted to [`TuiOptions::slice`]).
    pub batch: u64,
    /// Simulated instructions per second during the last slice.
    pub speed: f64,
    /// Set by `q`.
    pub quit: bool,
    /// Disassembler.
    pub disasm: Disassembler,
    /// DWARF lines, when the ELF has them.
    pub lines: Option<LineInfo>,
    /// Source around the cursor.
    pub source: Option<SourceView>,
    /// Program footprint.
    pub footprint: Footprint,
    files: BTreeMap<String, Option<Vec<String>>>,
    initial_map: MemoryMap,
    opts: TuiOptions,
}

impl App {
    /// A paused debugger on `machine` (which should be reset already; it is reset here if
    /// its PC is 0). Guest output is kept but not echoed (the screen is the UI's).
    pub fn new(mut machine: Machine, opts: TuiOptions) -> Result<App, TuiError> {
        machine.bus.console.echo = sim_core::console::Echo::None;
        if machine.cpu.pc() == 0 && machine.stats.instructions == 0 {
            // A machine that is not reset yet; a failing reset shows as the stop reason.
            let _ = machine.reset();
        }
        let lines = LineInfo::load(&machine.image.bytes);
        let footprint = Footprint::of(&machine);
        let initial_map = machine.bus.map.clone();
        let mut app = App {
            prev: machine.cpu.clone(),
            cursor: machine.cpu.pc(),
            mem_addr: footprint.static_end.min(footprint.initial_sp) & !15,
            machine,
            debugger: Debugger::default(),
            user_breakpoints: Vec::new(),
            state: RunState::Paused,
            show_fpu: false,
            show_help: false,
            prompt: None,
            message: "paused — ? for keys".into(),
            batch: 100_000,
            speed: 0.0,
            quit: false,
            disasm: Disassembler::new()?,
            lines,
            source: None,
            footprint,
            files: BTreeMap::new(),
            initial_map,
            opts,
        };
        if let Some(ram) = app
            .machine
            .bus
            .map
            .regions
            .iter()
            .find(|r| r.kind == RegionKind::Sram)
        {
            app.mem_addr = ram.base;
        }
        if let Some(s) = app.machine.stopped() {
            app.message = describe_machine_stop(&app.machine, s);
        }
        app.refresh_source();
        Ok(app)
    }

    /// Whether a run is in progress.
    pub fn running(&self) -> bool {
        matches!(self.state, RunState::Running(_))
    }

    /// The only mutator: handles one event.
    pub fn update(&mut self, event: Event) {
        match event {
            Event::Tick => {
                if self.running() {
                    self.run_slice();
                }
            }
            Event::Key(k) => {
                if k.kind == KeyEventKind::Release {
                    return;
                }
                if self.prompt.is_some() {
                    self.edit_prompt(k);
                    return;
                }
                if self.show_help {
                    self.show_help = false;
                    if k.code == KeyCode::Char('?') || k.code == KeyCode::Esc {
                        return;
                    }
                }
                if let Some(a) = action_for(&k) {
                    self.act(a);
                }
            }
        }
    }

    fn act(&mut self, a: Action) {
        if self.running() && !matches!(a, Action::Pause | Action::Quit | Action::Help) {
            self.message = "running — Esc pauses".into();
            return;
        }
        match a {
            Action::Step => self.step(),
            Action::Next => match call_len(&self.machine.bus, self.machine.cpu.pc()) {
                Some(len) => {
                    let addr = self.machine.cpu.pc().wrapping_add(len);
                    let sp_min = self.machine.cpu.sp();
                    self.start(RunGoal::Until { addr, sp_min });
                }
                None => self.step(),
            },
            Action::Finish => {
                let (addr, sp_min) = match self.machine.stats.call_stack.last() {
                    Some(f) => (f.ret, f.sp),
                    None => (self.machine.cpu.r[14] & !1, self.machine.cpu.sp()),
                };
                self.start(RunGoal::Until { addr, sp_min });
            }
            Action::Continue => self.start(RunGoal::Continue),
            Action::Pause => {
                if self.running() {
                    self.finish_run(None);
                    self.message = format!("paused at {}", self.here());
                }
            }
            Action::ToggleBreakpoint => {
                let a = self.cursor;
                if self.user_breakpoints.contains(&a) {
                    self.delete_breakpoint(a);
                } else {
                    self.add_breakpoint(a);
                }
            }
            Action::Reset => self.reset(),
            Action::Goto => {
                self.prompt = Some(Prompt {
                    kind: PromptKind::Goto,
                    text: String::new(),
                });
            }
            Action::Command => {
                self.prompt = Some(Prompt {
                    kind: PromptKind::Command,
                    text: String::new(),
                });
            }
            Action::Help => self.show_help = !self.show_help,
            Action::ToggleFpu => self.show_fpu = !self.show_fpu,
            Action::CursorUp => {
                let w =
                    self.disasm
                        .window(&self.machine.bus, &self.machine.image, self.cursor, 1, 0);
                if w.len() > 1 && w[0].addr < self.cursor {
                    self.cursor = w[0].addr;
                }
                self.refresh_source();
            }
            Action::CursorDown => {
                if let Some(i) =
                    self.disasm
                        .decode(&self.machine.bus, &self.machine.image, self.cursor)
                {
                    self.cursor = i.addr + i.len;
                }
                self.refresh_source();
            }
            Action::MemoryUp => self.mem_addr = self.mem_addr.wrapping_sub(16),
            Action::MemoryDown => self.mem_addr = self.mem_addr.wrapping_add(16),
            Action::Quit => self.quit = true,
        }
    }

    fn edit_prompt(&mut self, k: KeyEvent) {
        let Some(p) = self.prompt.as_mut() else {
            return;
        };
        match k.code {
            KeyCode::Esc => self.prompt = None,
            KeyCode::Backspace if p.text.pop().is_none() => self.prompt = None,
            KeyCode::Enter => {
                let p = self.prompt.take().expect("checked above");
                let line = match p.kind {
                    PromptKind::Command => p.text,
                    PromptKind::Goto => format!("goto {}", p.text),
                };
                self.run_command(&line);
            }
            KeyCode::Char(c) => p.text.push(c),
            _ => {}
        }
    }

    /// Runs one `:` command line (also what `g` does with `goto`).
    pub fn run_command(&mut self, line: &str) {
        let cpu = &self.machine.cpu;
        let regs = |r: Reg| reg_value(cpu, r);
        let cmd = match command::parse_with(line, &self.machine.image, Some(&regs)) {
            Ok(c) => c,
            Err(e) => {
                self.message = e;
                return;
            }
        };
        match cmd {
            Command::Break(a) => self.add_breakpoint(a),
            Command::Delete(a) => {
                if !self.delete_breakpoint(a) {
                    if self.debugger.remove_watchpoint(a, 0) {
                        self.message = format!("watchpoint at 0x{a:08x} deleted");
                    } else {
                        self.message = format!("no breakpoint or watchpoint at 0x{a:08x}");
                    }
                }
            }
            Command::Watch(a) => {
                self.debugger.add_watchpoint(&self.machine, a, 4);
                let v = self.machine.bus.peek(a, 4);
                self.message = format!(
                    "watching 0x{a:08x} ({}) = {}",
                    self.machine.image.describe_addr(a),
                    fmt_word(v)
                );
            }
            Command::Examine { count, addr } => {
                self.mem_addr = addr;
                let words: Vec<String> = (0..count)
                    .map(|i| fmt_word(self.machine.bus.peek(addr.wrapping_add(4 * i), 4)))
                    .collect();
                self.message = format!("0x{addr:08x}: {}", words.join(" "));
            }
            Command::Set { reg, value } => {
                set_reg(&mut self.machine, reg, value);
                if reg == Reg::R(15) {
                    self.cursor = value & !1;
                    self.refresh_source();
                }
                self.message = format!("{reg:?} = 0x{value:08x}");
            }
            Command::Goto(a) => {
                if self.is_code(a) {
                    self.cursor = a & !1;
                    self.refresh_source();
                } else {
                    self.mem_addr = a;
                }
                self.message = format!("at 0x{a:08x} ({})", self.machine.image.describe_addr(a));
            }
        }
    }

    fn is_code(&self, a: u32) -> bool {
        self.machine.image.sections.iter().any(|s| {
            s.alloc
                && s.exec
                && u64::from(a) >= u64::from(s.addr)
                && u64::from(a) < u64::from(s.addr) + s.size
        })
    }

    fn add_breakpoint(&mut self, a: u32) {
        let a = a & !1;
        if !self.user_breakpoints.contains(&a) {
            self.user_breakpoints.push(a);
            self.user_breakpoints.sort_unstable();
        }
        self.debugger.add_breakpoint(a);
        self.message = format!(
            "breakpoint at 0x{a:08x} ({})",
            self.machine.image.describe_addr(a)
        );
    }

    fn delete_breakpoint(&mut self, a: u32) -> bool {
        let a = a & !1;
        let Some(i) = self.user_breakpoints.iter().position(|&b| b == a) else {
            return false;
        };
        self.user_breakpoints.remove(i);
        self.debugger.remove_breakpoint(a);
        self.message = format!("breakpoint at 0x{a:08x} deleted");
        true
    }

    fn here(&self) -> String {
        let pc = self.machine.cpu.pc();
        format!("0x{pc:08x} {}", self.machine.image.describe_addr(pc))
    }

    fn step(&mut self) {
        self.prev = self.machine.cpu.clone();
        let stop = self.debugger.step(&mut self.machine);
        self.cursor = self.machine.cpu.pc();
        self.message = match &stop {
            Some(s) => self.describe(s),
            None => format!("stepped to {}", self.here()),
        };
        self.refresh_source();
    }

    fn start(&mut self, goal: RunGoal) {
        if let Some(s) = self.machine.stopped() {
            self.message = describe_machine_stop(&self.machine, s);
            return;
        }
        self.prev = self.machine.cpu.clone();
        if let RunGoal::Until { addr, .. } = goal {
            self.debugger.add_breakpoint(addr);
        }
        self.state = RunState::Running(goal);
        self.message = "running — Esc pauses".into();
    }

    fn run_slice(&mut self) {
        let RunState::Running(goal) = self.state else {
            return;
        };
        let t0 = Instant::now();
        let before = self.machine.stats.instructions;
        let stop = self.debugger.resume(&mut self.machine, self.batch);
        let dt = t0.elapsed();
        let done = self.machine.stats.instructions - before;
        if dt > Duration::ZERO {
            self.speed = done as f64 / dt.as_secs_f64();
            // Size the next slice so that it takes about one frame period.
            let want = self.opts.slice.as_secs_f64();
            let scaled = (self.batch as f64 * want / dt.as_secs_f64()).clamp(1e3, 1e9);
            self.batch = if stop.is_none() {
                scaled as u64
            } else {
                self.batch
            };
        }
        match stop {
            None => {}
            Some(DebugStop::Breakpoint(pc)) => {
                if let RunGoal::Until { addr, sp_min } = goal {
                    if pc == addr && !self.user_breakpoints.contains(&pc) {
                        if self.machine.cpu.sp() >= sp_min {
                            self.finish_run(None);
                            self.message = format!("returned to {}", self.here());
                        }
                        // A deeper recursion level reached the same address: keep running.
                        return;
                    }
                }
                self.finish_run(stop);
            }
            Some(_) => self.finish_run(stop),
        }
    }

    fn finish_run(&mut self, stop: Option<DebugStop>) {
        if let RunState::Running(RunGoal::Until { addr, .. }) = self.state {
            if !self.user_breakpoints.contains(&addr) {
                self.debugger.remove_breakpoint(addr);
            }
        }
        self.state = RunState::Paused;
        self.cursor = self.machine.cpu.pc();
        if let Some(s) = stop {
            self.message = self.describe(&s);
        }
        self.refresh_source();
    }

    fn describe(&self, s: &DebugStop) -> String {
        let img = &self.machine.image;
        match s {
            DebugStop::Machine(r) => describe_machine_stop(&self.machine, r),
            DebugStop::Breakpoint(pc) => {
                format!("breakpoint at 0x{pc:08x} {}", img.describe_addr(*pc))
            }
            DebugStop::Watch { addr, old, new, pc } => format!(
                "watch 0x{addr:08x} ({}): {} -> {} written at {}",
                img.describe_addr(*addr),
                fmt_word(*old),
                fmt_word(*new),
                img.describe_addr(*pc)
            ),
        }
    }

    fn reset(&mut self) {
        self.state = RunState::Paused;
        let rebuilt = self.opts.rebuild.as_mut().map(|f| f());
        match rebuilt {
            Some(Ok(mut m)) => {
                m.bus.console.echo = sim_core::console::Echo::None;
                if m.cpu.pc() == 0 {
                    let _ = m.reset();
                }
                self.machine = m;
            }
            Some(Err(e)) => {
                self.message = format!("reset failed: {e}");
                return;
            }
            None => {
                let m = &mut self.machine;
                m.bus.map = self.initial_map.clone();
                m.bus.exc = ExceptionState::new(&m.board);
                m.bus.now = 0;
                m.bus.console.captured.clear();
                m.bus.reschedule();
                m.stats = Stats::default();
                m.faults.clear();
                let _ = m.reset();
            }
        }
        self.debugger.refresh(&self.machine);
        self.prev = self.machine.cpu.clone();
        self.cursor = self.machine.cpu.pc();
        self.message = match self.machine.stopped() {
            Some(s) => describe_machine_stop(&self.machine, s),
            None => format!("reset: at {}", self.here()),
        };
        self.refresh_source();
    }

    fn refresh_source(&mut self) {
        let Some(loc) = self.lines.as_ref().and_then(|l| l.location(self.cursor)) else {
            self.source = None;
            return;
        };
        let dirs = &self.opts.source_dirs;
        let lines = self
            .files
            .entry(loc.file.clone())
            .or_insert_with(|| {
                let path = find_source(&loc.file, dirs)?;
                // DWARF names the file: it may name a FIFO or a device (never read).
                let text = sim_core::input::read_text(
                    &path,
                    sim_core::input::MAX_SOURCE_BYTES,
                    "a source file",
                )
                .ok()?;
                Some(text.lines().map(|l| l.replace('\t', "    ")).collect())
            })
            .clone();
        self.source = Some(SourceView { loc, lines });
    }

    /// Functions by cycles spent in them (callees excluded), highest first; calls still in
    /// progress count up to now. The first row may be "(outside calls)": cycles not inside
    /// any tracked call (reset handler, main before its first call returns, interrupts).
    pub fn profile(&self) -> Vec<ProfileRow> {
        let st = &self.machine.stats;
        let now = self.machine.bus.now;
        let mut by: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
        for (&f, c) in &st.call_cycles {
            let e = by.entry(f).or_default();
            e.0 += c.exclusive;
            e.1 += c.inclusive;
        }
        let frames = &st.call_stack;
        for (i, f) in frames.iter().enumerate() {
            let incl = now.saturating_sub(f.entered);
            let inner = frames
                .get(i + 1)
                .map_or(0, |n| now.saturating_sub(n.entered));
            let e = by.entry(f.func).or_default();
            e.0 += incl.saturating_sub(f.child_cycles).saturating_sub(inner);
            e.1 += incl;
        }
        let mut rows: Vec<ProfileRow> = by
            .into_iter()
            .map(|(f, (exclusive, inclusive))| ProfileRow {
                name: self.machine.image.describe_addr(f),
                calls: st.calls.get(&f).copied().unwrap_or(0),
                exclusive,
                inclusive,
            })
            .collect();
        let inside: u64 = rows.iter().map(|r| r.exclusive).sum();
        if now > inside {
            rows.push(ProfileRow {
                name: "(outside calls)".into(),
                calls: 0,
                exclusive: now - inside,
                inclusive: now - inside,
            });
        }
        rows.sort_by(|a, b| {
            b.exclusive
                .cmp(&a.exclusive)
                .then_with(|| a.name.cmp(&b.name))
        });
        rows
    }
}

/// A word or `????????` where nothing is mapped.
pub fn fmt_word(v: Option<u32>) -> String {
    v.map_or_else(|| "????????".into(), |v| format!("0x{v:08x}"))
}

/// One line for a machine stop.
pub fn describe_machine_stop(m: &Machine, s: &StopReason) -> String {
    match s {
        StopReason::Exit(c) => format!("program exited with status {c}"),
        StopReason::InstructionLimit(n) => format!("instruction limit {n} reached"),
        StopReason::CycleLimit(n) => format!("cycle limit {n} reached"),
        StopReason::UnhandledFault(r) => {
            format!("unhandled {} (pc 0x{:08x} {})", r.summary, r.pc, r.location)
        }
        StopReason::Lockup(r) => {
            format!("lockup: {} (pc 0x{:08x} {})", r.summary, r.pc, r.location)
        }
        StopReason::Deadlock { pc } => format!(
            "deadlock: WFI/WFE at 0x{pc:08x} {} with nothing to wake it",
            m.image.describe_addr(*pc)
        ),
        StopReason::Breakpoint { pc } => {
            format!("BKPT at 0x{pc:08x} {}", m.image.describe_addr(*pc))
        }
        other => sim_core::report::stop_detail(other),
    }
}

/// A register's value, for `:` expressions (`x/8 $sp`).
pub fn reg_value(cpu: &Cpu, reg: Reg) -> u32 {
    match reg {
        Reg::R(i) => cpu.r[usize::from(i)],
        Reg::Xpsr => cpu.xpsr(),
        Reg::Msp => cpu.msp(),
        Reg::Psp => cpu.psp(),
        Reg::Primask => u32::from(cpu.primask),
        Reg::Basepri => u32::from(cpu.basepri),
        Reg::Faultmask => u32::from(cpu.faultmask),
        Reg::Control => u32::from(cpu.control),
        Reg::S(i) => cpu.s[usize::from(i)],
        Reg::Fpscr => cpu.fpscr,
    }
}

/// Writes a register as the `set` command asks.
pub fn set_reg(m: &mut Machine, reg: Reg, v: u32) {
    let cpu = &mut m.cpu;
    match reg {
        Reg::R(15) => cpu.r[15] = v & !1,
        Reg::R(13) => cpu.r[13] = v & !3,
        Reg::R(i) => cpu.r[usize::from(i)] = v,
        Reg::Xpsr => cpu.set_xpsr(v),
        Reg::Msp => cpu.set_msp(v),
        Reg::Psp => cpu.set_psp(v),
        Reg::Primask => cpu.primask = v & 1 != 0,
        Reg::Basepri => cpu.basepri = v as u8,
        Reg::Faultmask => cpu.faultmask = v & 1 != 0,
        Reg::Control => cpu.set_control(v as u8),
        Reg::S(i) => cpu.s[usize::from(i)] = v,
        Reg::Fpscr => cpu.fpscr = v,
    }
    // Mask and priority changes may make a pending exception takeable.
    m.bus.exc.dirty = true;
}

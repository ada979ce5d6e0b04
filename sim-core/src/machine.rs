//! The machine and its run loop: executes the ISA in batches, takes pending exceptions, turns
//! faults into exceptions (or lockup), sleeps through WFI to the next event, serves
//! semihosting and stops on exit, limits (instructions, cycles, simulated time), unhandled
//! faults, deadlock, a stack collision and the texts a CI run watches for.

use crate::board::Board;
use crate::bus::Bus;
use crate::clock::{Clock, ClockSource, PS_PER_S};
use crate::console::Console;
use crate::cpu::Cpu;
use crate::exception::{exception_name, ExceptionState, FaultOutcome};
use crate::isa::{Fault, Flow, InstrClass, Isa, Retired, RunExit, Trap};
use crate::loader::Image;
use crate::memory::{FitError, MemoryMap};
use crate::stats::Stats;

/// The BKPT immediate that requests semihosting.
pub const SEMIHOSTING_BKPT: u8 = 0xAB;

/// The BKPT immediate that calls a native routine when it executes inside a range a chip
/// registered ([`Machine::add_native`]); anywhere else it is an ordinary breakpoint.
pub const NATIVE_BKPT: u8 = 0xAC;

/// Routines a chip implements in thimble rather than in guest code (the functions of a boot
/// ROM whose contents thimble generates): each is a `BKPT #NATIVE_BKPT` at its own address,
/// and executing it calls [`Native::call`] with the core and the bus, as semihosting's
/// `BKPT #0xAB` calls the host. This is the cold path of a trap; the run loop is not involved.
pub trait Native {
    /// Runs the routine whose BKPT is at `pc`: reads its arguments from the registers, does
    /// its work through the bus (so that devices and the written-memory map see it), sets the
    /// result registers and the PC to continue at (usually LR, as a return). Returns the
    /// cycles it takes on the chip (the documented cost of the routine), or the fault an
    /// access raised (the PC still at the BKPT).
    fn call(&mut self, pc: u32, cpu: &mut Cpu, bus: &mut Bus) -> Result<u32, Fault>;
}

/// An address range of native routines and the chip code that serves it.
struct NativeRange {
    range: std::ops::Range<u32>,
    handler: Box<dyn Native>,
}

/// What a semihosting call asks of the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostAction {
    /// Put this value in R0 and continue.
    Return(u32),
    /// The guest exits with this status (SYS_EXIT, SYS_EXIT_EXTENDED).
    Exit(i32),
}

/// A semihosting implementation (ARM semihosting via BKPT 0xAB).
pub trait Semihost {
    /// Serves operation `op` (R0) with parameter `param` (R1).
    fn call(&mut self, op: u32, param: u32, cpu: &Cpu, bus: &mut Bus) -> HostAction;
}

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// The guest exited through semihosting with this status.
    Exit(i32),
    /// `--max-instructions` was reached.
    InstructionLimit(u64),
    /// `--max-cycles` was reached.
    CycleLimit(u64),
    /// The simulated-time limit (`--max-seconds`, 60 s by default in `thimble run`) was
    /// reached; the limit in picoseconds.
    TimeLimit(u64),
    /// The stack ran below the end of statically allocated data (with
    /// [`Limits::stop_on_collision`]).
    StackCollision {
        /// PC after the instruction that moved SP there.
        pc: u32,
        /// The stack pointer.
        sp: u32,
        /// The end of static data, or the heap's break, it went below.
        floor: u32,
        /// Whether `floor` is the heap's break (`_sbrk`).
        heap: bool,
        /// "function+0x12" for `pc`.
        location: String,
    },
    /// Every `--expect-text` has appeared in the guest's output.
    ExpectedText,
    /// A `--fail-text` appeared in the guest's output.
    FailText(String),
    /// A fault was taken by a handler that only spins (`b .`): nothing will ever happen again.
    UnhandledFault(Box<FaultReport>),
    /// The core locked up (a fault in HardFault or NMI).
    Lockup(Box<FaultReport>),
    /// WFI/WFE with no enabled interrupt or timer that could ever wake the core.
    Deadlock {
        /// PC of the sleeping instruction's successor.
        pc: u32,
    },
    /// BKPT other than semihosting, or a debugger breakpoint.
    Breakpoint {
        /// Address of the breakpoint.
        pc: u32,
    },
}

impl StopReason {
    /// Stable name for reports and JSON ("exit", "cycle_limit", ...).
    pub fn key(&self) -> &'static str {
        match self {
            StopReason::Exit(_) => "exit",
            StopReason::InstructionLimit(_) => "instruction_limit",
            StopReason::CycleLimit(_) => "cycle_limit",
            StopReason::TimeLimit(_) => "time_limit",
            StopReason::StackCollision { .. } => "stack_collision",
            StopReason::ExpectedText => "expected_text",
            StopReason::FailText(_) => "fail_text",
            StopReason::UnhandledFault(_) => "unhandled_fault",
            StopReason::Lockup(_) => "lockup",
            StopReason::Deadlock { .. } => "deadlock",
            StopReason::Breakpoint { .. } => "breakpoint",
        }
    }
}

/// A fault as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultReport {
    /// PC of the faulting instruction.
    pub pc: u32,
    /// "function+0x12" for the PC.
    pub location: String,
    /// The fault.
    pub fault: Fault,
    /// Exception that handled it ("HardFault").
    pub exception: String,
    /// One readable line: "HardFault (forced) from BusFault: instruction fetch at 0x3ffff000,
    /// not mapped".
    pub summary: String,
    /// Decoded fault status bits.
    pub status: Vec<String>,
    /// Cycle at which it happened.
    pub cycle: u64,
    /// The fault status and address registers after the fault.
    pub registers: FaultRegisters,
    /// The call chain, innermost first: the faulting PC, then the return address of each call
    /// in progress (from the shadow call stack the machine keeps of every BL/BLX, which is
    /// what the stacked frame's LR and the return addresses on the stack hold).
    pub backtrace: Vec<u32>,
}

/// The System Control Block's fault registers (ARMv7-M B3.2.15-B3.2.18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultRegisters {
    /// Configurable Fault Status Register (MMFSR, BFSR, UFSR).
    pub cfsr: u32,
    /// HardFault Status Register.
    pub hfsr: u32,
    /// MemManage Fault Address Register (valid when MMFSR.MMARVALID).
    pub mmfar: u32,
    /// BusFault Address Register (valid when BFSR.BFARVALID).
    pub bfar: u32,
}

/// Run limits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    /// Stop after this many instructions.
    pub max_instructions: Option<u64>,
    /// Stop after this many cycles.
    pub max_cycles: Option<u64>,
    /// Stop after this much simulated time, in seconds (see [`Machine::elapsed_seconds`]).
    pub max_seconds: Option<f64>,
    /// Stop when the stack runs into static data ([`StopReason::StackCollision`]) instead of
    /// only reporting it.
    pub stop_on_collision: bool,
}

/// Seconds to picoseconds (saturating), the unit of [`StopReason::TimeLimit`].
pub fn seconds_to_ps(s: f64) -> u64 {
    (s * PS_PER_S as f64).round().clamp(0.0, u64::MAX as f64) as u64
}

/// Identical device reads before a run that ends at a limit is said to have been polling.
pub const POLL_NOTE_MIN: u64 = 1000;
/// ... when the last of them was at most this many cycles before the end.
pub const POLL_NOTE_RECENT: u64 = 10_000;

/// Instructions per call of [`Isa::run`]: large enough to amortise, small enough to honour
/// limits and debugger interrupts promptly.
const BATCH: u64 = 1 << 16;

/// A board with a loaded program, ready to run.
pub struct Machine {
    /// The board.
    pub board: Board,
    /// The program.
    pub image: Image,
    /// Core registers.
    pub cpu: Cpu,
    /// Memory, devices, exception state, clock.
    pub bus: Bus,
    /// The instruction set.
    pub isa: Box<dyn Isa>,
    /// Semihosting, if enabled.
    pub semihost: Option<Box<dyn Semihost>>,
    /// Counters.
    pub stats: Stats,
    /// Limits.
    pub limits: Limits,
    /// Every fault taken, in order (at most 64 kept).
    pub faults: Vec<FaultReport>,
    /// MSP after reset: the top of the main stack, from which the stack peak is measured.
    pub initial_sp: u32,
    /// The image's own initial MSP on a chip whose boot ROM runs first on a stack of its own
    /// and then enters the image's vector table (RP2040: the ROM's stack sits below boot2 at
    /// the top of SRAM, the image's stack starts at the top): set by the chip's setup, it is
    /// the [`Machine::initial_sp`] the stack peak is measured from.
    pub image_sp: Option<u32>,
    /// The instruction trace (`--trace`), if one is being written.
    pub itrace: Option<crate::trace::InstrTrace>,
    /// Native routines of the chip (a boot ROM's), by address range.
    natives: Vec<NativeRange>,
    /// Benchmark baseline only: run through [`Isa::run_untracked`] (no statistics, no clock),
    /// so that the cost of the accounting can be measured. Limits do not work in this mode.
    pub untracked: bool,
    stopped: Option<StopReason>,
}

impl Machine {
    /// Places `image` into the board's memory. Devices and semihosting are added by the caller,
    /// then [`Machine::reset`].
    pub fn new(
        board: Board,
        image: Image,
        isa: Box<dyn Isa>,
        console: Console,
    ) -> Result<Machine, FitError> {
        let mut map = MemoryMap::new(&board);
        map.load(&image, &board.name)?;
        let exc = ExceptionState::new(&board);
        let mut bus = Bus::new(map, exc, console);
        let source = if board.clock_pinned {
            ClockSource::Override
        } else {
            ClockSource::Board
        };
        bus.clock = Clock::new(board.clock_hz, source);
        if board.chip.is_some() {
            // A chip describes its peripherals: outside them, accesses fault as on silicon.
            bus.raz = vec![crate::bus::PPB];
        }
        Ok(Machine {
            board,
            image,
            cpu: Cpu::default(),
            bus,
            isa,
            semihost: None,
            stats: Stats::default(),
            limits: Limits::default(),
            faults: Vec::new(),
            initial_sp: 0,
            image_sp: None,
            itrace: None,
            natives: Vec::new(),
            untracked: false,
            stopped: None,
        })
    }

    /// Resets the core (SP and PC from the vector table). A vector table that cannot be read
    /// is reported as a lockup.
    pub fn reset(&mut self) -> Result<(), StopReason> {
        self.stopped = None;
        self.isa.flush_decode_cache();
        if let Err(t) = self.isa.reset(&mut self.cpu, &mut self.bus) {
            let fault = match t {
                Trap::Fault(f) => f,
                Trap::Breakpoint(_) => Fault::VectorTable {
                    addr: self.bus.exc.vtor,
                },
            };
            let r = StopReason::Lockup(Box::new(self.report(fault, "Reset")));
            self.stopped = Some(r.clone());
            return Err(r);
        }
        self.initial_sp = self.image_sp.unwrap_or(self.cpu.msp());
        let floor = self.static_end().unwrap_or(0);
        self.stats.set_stack_floor(floor);
        self.stats.heap = crate::stats::HeapWatch::new(
            self.image.symbol("_sbrk").map(|s| s.addr),
            self.initial_sp,
        );
        self.stats.main_addr = self.image.symbol("main").map(|s| s.addr);
        Ok(())
    }

    /// End of the statically allocated data (.data, .bss, ...) in the SRAM region that holds
    /// the initial stack: the heap starts here and the stack must not reach below it.
    pub fn static_end(&self) -> Option<u32> {
        let sp = self.initial_sp.wrapping_sub(1);
        let region = self.board.regions.iter().find(|r| r.contains(sp))?;
        let end = self
            .image
            .sections
            .iter()
            .filter(|s| s.alloc && s.size > 0 && region.contains(s.addr))
            .filter(|s| !crate::report::is_reservation(&s.name))
            .map(|s| u64::from(s.addr) + s.size)
            .max()
            .unwrap_or(u64::from(region.base));
        Some(end as u32)
    }

    /// A system reset requested by the guest (AIRCR.SYSRESETREQ): core, exception state and
    /// devices back to reset; memory, time and statistics go on.
    fn system_reset(&mut self) {
        self.bus.exc.reset();
        self.bus.reset_devices();
        self.cpu = Cpu::default();
        let _ = self.reset();
    }

    /// Registers native routines: a `BKPT #NATIVE_BKPT` executed at an address in `range`
    /// calls `handler` (see [`Native`]).
    pub fn add_native(&mut self, range: std::ops::Range<u32>, handler: Box<dyn Native>) {
        self.natives.push(NativeRange { range, handler });
    }

    /// Measures every call of the function `symbol` (`--roi`).
    /// A C++ name without parameters measures every overload (one region each).
    pub fn add_roi(&mut self, symbol: &str) -> Result<(), String> {
        let addrs: Vec<u32> = self
            .image
            .functions_named(symbol)
            .iter()
            .map(|s| s.addr)
            .collect();
        if addrs.is_empty() {
            return Err(format!(
                "--roi {symbol}: the ELF has no function '{symbol}'"
            ));
        }
        for addr in addrs {
            if !self.stats.roi.iter().any(|t| t.addr == addr) {
                self.stats.roi.push(crate::stats::RoiTrack::new(addr));
            }
        }
        Ok(())
    }

    /// Process stack peak: highest minus lowest PSP seen while PSP was active.
    pub fn psp_peak(&self) -> u64 {
        if self.stats.psp_low == u32::MAX {
            0
        } else {
            u64::from(self.stats.psp_high - self.stats.psp_low)
        }
    }

    /// Simulated time since reset in seconds, integrated over every change of the core clock.
    pub fn elapsed_seconds(&self) -> f64 {
        self.bus.clock.ps_at(self.bus.now) as f64 / PS_PER_S as f64
    }

    /// The core clock now, in Hz.
    pub fn clock_hz(&self) -> u64 {
        self.bus.clock.hz()
    }

    /// The cycle at which the run must stop for `--max-cycles` or `--max-seconds`, whichever
    /// comes first (the time limit as the first cycle at or after it at the current clock; a
    /// clock change ends the batch, and the deadline is asked again).
    fn cycle_deadline(&self) -> Option<u64> {
        let by_time = self.limits.max_seconds.map(|s| {
            let ps = seconds_to_ps(s);
            self.bus.clock.segment().cycle_at(ps).max(self.bus.now)
        });
        match (self.limits.max_cycles, by_time) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// A stop decided outside the instructions: a limit, a collision, a watched text.
    fn check_stops(&mut self) -> Option<StopReason> {
        if self.bus.console.decided {
            self.bus.console.decided = false;
            let reason = match &self.bus.console.watch.verdict {
                Some(crate::console::TextVerdict::Failed(t)) => StopReason::FailText(t.clone()),
                _ => StopReason::ExpectedText,
            };
            return Some(self.stop(reason));
        }
        if self.limits.stop_on_collision {
            if let Some(c) = self.stats.collision {
                let location = self.image.describe_addr(c.pc);
                return Some(self.stop(StopReason::StackCollision {
                    pc: c.pc,
                    sp: c.sp,
                    floor: c.floor,
                    heap: c.heap,
                    location,
                }));
            }
        }
        if let Some(max) = self.limits.max_instructions {
            if self.stats.instructions >= max {
                return Some(self.stop(StopReason::InstructionLimit(max)));
            }
        }
        if let Some(max) = self.limits.max_cycles {
            if self.bus.now >= max {
                return Some(self.stop(StopReason::CycleLimit(max)));
            }
        }
        if let Some(max) = self.limits.max_seconds {
            if self.elapsed_seconds() >= max {
                return Some(self.stop(StopReason::TimeLimit(seconds_to_ps(max))));
            }
        }
        None
    }

    /// When the run ends while the firmware spins on a device register that never changes
    /// (at least [`POLL_NOTE_MIN`] identical reads, the last within [`POLL_NOTE_RECENT`]
    /// cycles): a sentence naming the register, the bits the loop tests and the count, e.g.
    /// `firmware polled RCC_CR (0x40021000) bit 25 PLLRDY 1,000,000 times; it never changed`.
    pub fn poll_note(&self) -> Option<String> {
        let p = self.bus.poll;
        if p.count < POLL_NOTE_MIN || self.bus.now.saturating_sub(p.last) > POLL_NOTE_RECENT {
            return None;
        }
        let desc = self.bus.chip.and_then(|c| c.peripheral_at(p.addr));
        let reg = desc.and_then(|d| {
            let r = d.register_holding(p.addr - d.base)?;
            Some((d, r))
        });
        let name = match (desc, reg) {
            (_, Some((d, r))) => format!("{}_{}", d.name, r.name),
            (Some(d), None) => format!("{}+0x{:x}", d.name, p.addr - d.base),
            (None, None) => self
                .bus
                .devices
                .iter()
                .find(|m| p.addr.wrapping_sub(m.base) < m.size)
                .map_or_else(
                    || "a device register".to_string(),
                    |m| format!("{}+0x{:x}", m.dev.name(), p.addr - m.base),
                ),
        };
        let mut bits = String::new();
        if let Some(mask) = self
            .isa
            .polled_bits(&self.bus, self.cpu.pc())
            .filter(|m| *m != 0 && m.count_ones() <= 4)
        {
            let named: Vec<String> = (0..32u8)
                .rev()
                .filter(|b| mask & (1 << b) != 0)
                .map(|b| match reg.and_then(|(_, r)| r.field_at(b)) {
                    Some(f) => format!("{b} {}", f.name),
                    None => b.to_string(),
                })
                .collect();
            let word = if named.len() == 1 { "bit" } else { "bits" };
            bits = format!(" {word} {}", named.join(", "));
        }
        Some(format!(
            "firmware polled {name} (0x{:08x}){bits} {} times; it never changed (it reads 0x{:x})",
            p.addr,
            crate::report::group(p.count),
            p.value
        ))
    }

    /// Why the machine stopped, if it has.
    pub fn stopped(&self) -> Option<&StopReason> {
        self.stopped.as_ref()
    }

    fn report(&self, fault: Fault, exception: &str) -> FaultReport {
        let mapped = |addr: u32| self.bus.is_mapped(addr);
        FaultReport {
            summary: crate::report::fault_summary(&fault, exception, self.bus.exc.hfsr, mapped),
            pc: self.cpu.pc(),
            location: self.image.describe_addr(self.cpu.pc()),
            fault,
            exception: exception.to_string(),
            status: self.bus.exc.fault_status(),
            cycle: self.bus.now,
            registers: FaultRegisters {
                cfsr: self.bus.exc.cfsr,
                hfsr: self.bus.exc.hfsr,
                mmfar: self.bus.exc.mmfar,
                bfar: self.bus.exc.bfar,
            },
            backtrace: self.backtrace(),
        }
    }

    /// The call chain now, innermost first: PC, then the return address of each call in
    /// progress (at most 32 frames).
    pub fn backtrace(&self) -> Vec<u32> {
        std::iter::once(self.cpu.pc())
            .chain(self.stats.call_stack.iter().rev().map(|f| f.ret))
            .take(32)
            .collect()
    }

    fn stop(&mut self, reason: StopReason) -> StopReason {
        self.stopped = Some(reason.clone());
        reason
    }

    /// Runs until the guest exits or something stops it.
    pub fn run(&mut self) -> StopReason {
        self.run_for(u64::MAX)
            .expect("an unbounded run only returns when stopped")
    }

    /// Runs at most `instructions` more instructions; `None` when that budget ran out first.
    pub fn run_for(&mut self, instructions: u64) -> Option<StopReason> {
        let start = self.stats.instructions;
        loop {
            if let Some(s) = &self.stopped {
                return Some(s.clone());
            }
            if let Some(s) = self.check_stops() {
                return Some(s);
            }
            let done = self.stats.instructions - start;
            if done >= instructions {
                return None;
            }
            if self.bus.now >= self.bus.next_event {
                self.bus.service_events();
                if self.bus.console.decided {
                    continue;
                }
            }
            if self.bus.exc.dirty {
                self.take_pending();
                continue;
            }
            let mut budget = (instructions - done).min(BATCH);
            if let Some(max) = self.limits.max_instructions {
                budget = budget.min(max - self.stats.instructions);
            }
            if let Some(max) = self.cycle_deadline() {
                // An instruction takes one cycle or more (a few take a dozen): a quarter of
                // the cycles left, in instructions, approaches the limit in shrinking batches
                // so that the last one overshoots it by an instruction at most.
                budget = budget.min((max.saturating_sub(self.bus.now) / 4).max(1));
            }
            // --trace: one instruction at a time, each written with what it changed.
            let traced = match &self.itrace {
                Some(t) if !t.done() => {
                    budget = 1;
                    Some((self.cpu.clone(), self.stats.instructions))
                }
                _ => None,
            };
            let entered_main = self.stats.main_entered;
            self.stats.sync_stack(&self.cpu);
            self.stats.clock = self.bus.clock.segment();
            let exit = if self.untracked {
                self.isa
                    .run_untracked(&mut self.cpu, &mut self.bus, &mut self.stats, budget)
            } else {
                self.isa
                    .run(&mut self.cpu, &mut self.bus, &mut self.stats, budget)
            };
            if self.stats.main_entered && !entered_main {
                // Per-object use counts what the program writes, not start-up's copy of .data
                // and zeroing of .bss.
                for r in &mut self.bus.map.regions {
                    r.written.fill(0);
                }
            }
            if self.limits.stop_on_collision && self.stats.collision.is_some() {
                // The collision came first: whatever ended the batch happened after it.
                continue;
            }
            match exit {
                RunExit::Budget | RunExit::Event => {}
                RunExit::Sleep(flow) => self.sleep(flow),
                RunExit::Trap(Trap::Fault(f)) => self.fault(f),
                RunExit::Trap(Trap::Breakpoint(imm)) => self.breakpoint(imm),
            }
            if let Some((before, n)) = traced {
                // A semihosting BKPT retires in `breakpoint`; a faulting instruction never does.
                if self.stats.instructions > n {
                    self.trace_line(&before);
                }
            }
        }
    }

    /// Writes the trace line of the instruction that just took the core from `before`.
    #[cold]
    fn trace_line(&mut self, before: &Cpu) {
        let pc = before.r[15];
        let Some(t) = &mut self.itrace else {
            return;
        };
        if t.wants(pc) {
            let text = self
                .isa
                .disassemble(&self.bus, pc)
                .unwrap_or_else(|| "?".to_string());
            t.line(pc, &text, self.bus.now, before, &self.cpu);
        }
    }

    /// Executes exactly one instruction (or takes one pending exception first); for debuggers.
    pub fn step(&mut self) -> Option<StopReason> {
        if self.bus.exc.dirty {
            self.take_pending();
        }
        self.run_for(1)
    }

    fn take_pending(&mut self) {
        if self.bus.exc.reset_requested {
            self.system_reset();
            return;
        }
        self.bus.exc.dirty = false;
        if let Some(n) = self.bus.exc.pending_to_take(&self.cpu) {
            self.enter(n);
        }
    }

    fn enter(&mut self, n: u16) {
        match self.isa.enter_exception(&mut self.cpu, &mut self.bus, n) {
            Ok(cycles) => {
                if let Some(t) = &mut self.stats.trace {
                    t.handler_entered(self.cpu.pc(), n, self.bus.now);
                }
                self.bus.now += u64::from(cycles);
                self.stats.exceptions += 1;
                self.stats.observe_stacks(&self.cpu);
                self.bus.exc.dirty = true;
            }
            Err(Trap::Fault(f)) => self.fault(f),
            Err(Trap::Breakpoint(_)) => {}
        }
    }

    fn fault(&mut self, fault: Fault) {
        let outcome = self.bus.exc.raise_fault(fault, &self.cpu);
        let handler = match outcome {
            FaultOutcome::Pending(n) => exception_name(n),
            FaultOutcome::Lockup => "Lockup".to_string(),
        };
        let report = self.report(fault, &handler);
        if self.faults.len() < 64 {
            self.faults.push(report.clone());
        }
        match outcome {
            FaultOutcome::Lockup => {
                self.cpu.lockup = true;
                self.stop(StopReason::Lockup(Box::new(report)));
            }
            FaultOutcome::Pending(n) => {
                self.bus.exc.dirty = false;
                self.enter(n);
                if self.stopped.is_none() && self.handler_spins(n) {
                    self.stop(StopReason::UnhandledFault(Box::new(report)));
                }
            }
        }
    }

    /// Whether the handler now executing starts with a branch to itself (the default handler
    /// of most startup files): then the fault is unhandled and the run is over.
    fn handler_spins(&self, n: u16) -> bool {
        self.cpu.ipsr == n && self.bus.peek(self.cpu.pc(), 2) == Some(0xE7FE)
    }

    fn breakpoint(&mut self, imm: u8) {
        let pc = self.cpu.pc();
        if imm == NATIVE_BKPT {
            if let Some(i) = self.natives.iter().position(|n| n.range.contains(&pc)) {
                self.native(i, pc);
                return;
            }
        }
        if imm != SEMIHOSTING_BKPT || self.semihost.is_none() {
            self.stop(StopReason::Breakpoint { pc });
            return;
        }
        let (op, param) = (self.cpu.r[0], self.cpu.r[1]);
        let host = self.semihost.as_mut().expect("checked above");
        let action = host.call(op, param, &self.cpu, &mut self.bus);
        // The BKPT retires like any instruction.
        let r = Retired {
            class: InstrClass::System,
            cycles: 1,
            flow: Flow::Plain,
        };
        self.stats.retire(&self.cpu, &r);
        self.bus.now += 1;
        match action {
            HostAction::Return(v) => {
                self.cpu.r[0] = v;
                self.cpu.r[15] = pc.wrapping_add(2);
            }
            HostAction::Exit(code) => {
                self.cpu.r[15] = pc.wrapping_add(2);
                self.stop(StopReason::Exit(code));
            }
        }
    }

    /// Runs native routine range `i` for the BKPT at `pc`: it retires as one instruction
    /// taking the routine's cycles plus the wait states of its accesses; a return to LR is a
    /// return for the call profiler.
    fn native(&mut self, i: usize, pc: u32) {
        self.bus.take_wait();
        let r = self.natives[i]
            .handler
            .call(pc, &mut self.cpu, &mut self.bus);
        match r {
            Ok(cycles) => {
                let cycles = cycles.saturating_add(self.bus.take_wait());
                let r = Retired {
                    class: InstrClass::System,
                    cycles,
                    flow: Flow::Plain,
                };
                self.stats.retire(&self.cpu, &r);
                self.bus.now += u64::from(cycles);
                if self.cpu.pc() == self.cpu.r[14] & !1 {
                    self.stats.flow(&self.cpu, Flow::Return, self.bus.now);
                }
            }
            Err(f) => {
                self.bus.take_wait();
                self.cpu.r[15] = pc;
                self.fault(f);
            }
        }
    }

    /// Time passes asleep until cycle `target`.
    fn sleep_until(&mut self, target: u64) {
        let now = self.bus.now;
        if target > now {
            let seg = self.bus.clock.segment();
            self.stats.sleep_cycles += target - now;
            self.stats.sleep_ps += seg.ps_at(target) - seg.ps_at(now);
            self.bus.now = target;
        }
    }

    fn sleep(&mut self, flow: Flow) {
        if flow == Flow::WaitForEvent && std::mem::take(&mut self.cpu.event) {
            return;
        }
        loop {
            if self.bus.exc.wakes_from_wfi(&self.cpu) {
                return;
            }
            if self.bus.next_event == u64::MAX {
                let pc = self.cpu.pc();
                self.stop(StopReason::Deadlock { pc });
                return;
            }
            let target = self.bus.next_event;
            if let Some(max) = self.cycle_deadline() {
                if max <= target {
                    self.sleep_until(max);
                    return;
                }
            }
            self.sleep_until(target);
            self.bus.service_events();
            if self.bus.console.decided {
                return;
            }
            if flow == Flow::WaitForEvent && self.bus.exc.dirty {
                return;
            }
        }
    }
}

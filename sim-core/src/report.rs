//! The run report: what the hardware would say — cycles and latency at the board clock, memory
//! high-water marks against the board's limits, faults — as a serialisable [`Report`] (the
//! JSON schema of DESIGN.md) and as the text table printed on stderr.

use crate::board::RegionKind;
use crate::isa::{BusFaultKind, Fault, UsageCause};
use crate::loader::SymbolKind;
use crate::machine::{Machine, StopReason};
use crate::power::{Activity, Energy, EnergyModel};
use crate::units::bytes;
use serde::Serialize;
use std::fmt::Write as _;

/// Data objects at least this large get their own line in the memory report.
pub const LARGE_OBJECT: u32 = 1024;

/// Memory high-water marks against the board's limits (bytes).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MemoryReport {
    /// Bytes of the program loaded into flash regions.
    pub flash_used: u64,
    /// Total flash of the board.
    pub flash_size: u64,
    /// Statically allocated SRAM (.data, .bss and other allocated RAM sections, stack and heap
    /// reservations excluded).
    pub sram_static: u64,
    /// Main stack peak: initial MSP minus the lowest MSP seen.
    pub stack_peak: u64,
    /// Process stack peak (0 when PSP was never used).
    pub psp_stack_peak: u64,
    /// Heap peak: from the end of static data to the highest word the guest wrote below the
    /// stack's low-water mark.
    pub heap_peak: u64,
    /// Static + stacks + heap.
    pub sram_peak: u64,
    /// Total SRAM of the board.
    pub sram_size: u64,
    /// Large data objects.
    pub symbols: Vec<SymbolReport>,
    /// The stack ran into statically allocated data: where it was first seen.
    pub collision: Option<String>,
}

/// A large data object.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SymbolReport {
    /// Symbol name.
    pub name: String,
    /// Address.
    pub addr: u32,
    /// Reserved size.
    pub size: u32,
    /// Bytes of it the guest ever wrote (whole words; flash objects: their size).
    pub used: u64,
    /// Name of the region it lives in.
    pub region: String,
    /// Kind of that region ("flash" or "sram").
    pub kind: RegionKind,
}

/// One function of the profile.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunctionReport {
    /// Function name.
    pub name: String,
    /// Times called (BL/BLX).
    pub calls: u64,
    /// Instructions executed inside it, callees excluded (completed calls).
    pub instructions: u64,
    /// Cycles spent inside it, callees excluded (completed calls).
    pub cycles: u64,
    /// Cycles from call to return, callees included (completed calls).
    pub inclusive_cycles: u64,
}

/// Per-call figures of a region of interest.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RoiReport {
    /// Function name.
    pub symbol: String,
    /// Completed calls.
    pub calls: u64,
    /// Mean cycles per call (callees included).
    pub cycles: f64,
    /// Fewest cycles of a call.
    pub cycles_min: u64,
    /// Most cycles of a call.
    pub cycles_max: u64,
    /// Mean instructions per call.
    pub instructions: f64,
    /// Mean latency per call in ms at the board clock.
    pub latency_ms: f64,
    /// Mean energy per call in µJ (its own instruction mix, sleep included).
    pub energy_uj: Option<f64>,
    /// Latency of the slowest call (by cycles) in ms.
    pub latency_ms_max: f64,
    /// Energy of the slowest call in µJ.
    pub energy_uj_max: Option<f64>,
    /// Average power during the calls in mW.
    pub avg_power_mw: Option<f64>,
}

/// A fault the run took.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FaultEntry {
    /// PC of the faulting instruction.
    pub pc: String,
    /// function+offset.
    pub location: String,
    /// What happened, in one readable line ("HardFault (forced) from BusFault: data access at
    /// 0x60000000, not mapped").
    pub fault: String,
    /// The fault registers after it, in hex: CFSR, HFSR, MMFAR, BFAR.
    pub registers: FaultRegisterEntry,
    /// The call chain, innermost first: where it faulted, then each caller's return address.
    pub backtrace: Vec<FrameEntry>,
    /// The exception that handled it.
    pub exception: String,
    /// Decoded status bits.
    pub status: Vec<String>,
    /// Cycle.
    pub cycle: u64,
}

/// The version of the JSON report's layout.
pub const SCHEMA_VERSION: u32 = 2;

/// Which program a report is of.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ElfId {
    /// Path as given on the command line (empty when the front end gave none).
    pub path: String,
    /// SHA-256 of the ELF file, hex.
    pub sha256: String,
}

/// The program against the board's limits.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Fits {
    /// Everything fits: flash and the SRAM peak.
    pub fits: bool,
    /// Flash left, bytes (negative: over).
    pub flash_free: i64,
    /// Flash left, percent of the board's.
    pub flash_free_pct: f64,
    /// SRAM left at the peak (static data, stacks, heap), bytes (negative: over).
    pub sram_free: i64,
    /// SRAM left at the peak, percent of the board's.
    pub sram_free_pct: f64,
}

impl Fits {
    /// The headroom of a memory report.
    pub fn of(m: &MemoryReport) -> Fits {
        let free = |size: u64, used: u64| size as i64 - used as i64;
        let pct = |free: i64, size: u64| {
            if size == 0 {
                0.0
            } else {
                free as f64 * 100.0 / size as f64
            }
        };
        let flash_free = free(m.flash_size, m.flash_used);
        let sram_free = free(m.sram_size, m.sram_peak);
        Fits {
            fits: flash_free >= 0 && sram_free >= 0,
            flash_free,
            flash_free_pct: pct(flash_free, m.flash_size),
            sram_free,
            sram_free_pct: pct(sram_free, m.sram_size),
        }
    }

    /// "yes: flash 982.1 KiB free (96%), SRAM 235.8 KiB free at the peak (92%)".
    pub fn text(&self) -> String {
        let one = |what: &str, free: i64, pct: f64, at: &str| {
            if free >= 0 {
                format!("{what} {} free{at} ({pct:.0}%)", bytes(free as u64))
            } else {
                format!("{what} OVER by {}{at}", bytes(free.unsigned_abs()))
            }
        };
        format!(
            "{}: {}, {}",
            if self.fits { "yes" } else { "NO" },
            one("flash", self.flash_free, self.flash_free_pct, ""),
            one("SRAM", self.sram_free, self.sram_free_pct, " at the peak")
        )
    }
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The fault registers as the report shows them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FaultRegisterEntry {
    /// Configurable Fault Status Register.
    pub cfsr: String,
    /// HardFault Status Register.
    pub hfsr: String,
    /// MemManage Fault Address Register.
    pub mmfar: String,
    /// BusFault Address Register.
    pub bfar: String,
}

/// One frame of a backtrace.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FrameEntry {
    /// The address: the PC for the innermost frame, a return address for the others.
    pub addr: String,
    /// function+offset, or the bare address outside every function.
    pub location: String,
    /// "file:line" from the ELF's DWARF line table, when it has one for the address.
    pub source: Option<String>,
}

impl FaultEntry {
    /// The fault registers decoded and the backtrace, one line each (indented, to follow the
    /// fault's own line).
    pub fn detail_lines(&self) -> Vec<String> {
        let r = &self.registers;
        let mut regs = format!("  fault registers: CFSR {} HFSR {}", r.cfsr, r.hfsr);
        for st in &self.status {
            if let Some(a) = st.strip_prefix("BFAR=") {
                regs.push_str(&format!(" BFAR {a}"));
            } else if let Some(a) = st.strip_prefix("MMFAR=") {
                regs.push_str(&format!(" MMFAR {a}"));
            }
        }
        let bits: Vec<&str> = self
            .status
            .iter()
            .filter(|st| !st.contains('='))
            .map(String::as_str)
            .collect();
        if !bits.is_empty() {
            regs.push_str(&format!(" = {}", bits.join(" ")));
        }
        let mut out = vec![regs];
        if !self.backtrace.is_empty() {
            out.push("  backtrace (innermost first):".into());
        }
        for (i, f) in self.backtrace.iter().enumerate() {
            let source = f
                .source
                .as_ref()
                .map_or(String::new(), |s| format!(" at {s}"));
            let what = if i == 0 { "in" } else { "called from" };
            let place = if f.location.starts_with("0x") {
                "outside every function".to_string()
            } else {
                format!("{what} {}", f.location)
            };
            out.push(format!("    #{i} {} {place}{source}", f.addr));
        }
        out
    }
}

/// Resolves a backtrace's addresses to functions and source lines.
fn frames(m: &Machine, lines: Option<&crate::dwarf::LineInfo>, bt: &[u32]) -> Vec<FrameEntry> {
    bt.iter()
        .enumerate()
        .map(|(i, &addr)| {
            // A return address is the instruction after the call: its line is the call's.
            let at = if i == 0 { addr } else { addr.wrapping_sub(2) };
            FrameEntry {
                addr: format!("0x{addr:08x}"),
                location: m.image.describe_addr(addr),
                source: lines.and_then(|l| l.location(at)).map(|s| s.short()),
            }
        })
        .collect()
}

/// Accesses to an unmodelled device register (or a read-as-zero address).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnmodelledEntry {
    /// Address.
    pub addr: String,
    /// Peripheral ("SAADC"; "-" for a read-as-zero window).
    pub peripheral: String,
    /// Register ("CONFIG", or an offset when the description names none).
    pub register: String,
    /// Reads.
    pub reads: u64,
    /// Writes.
    pub writes: u64,
}

/// The report of one run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// Version of this layout ([`SCHEMA_VERSION`]); bumped when a key changes meaning.
    pub schema_version: u32,
    /// The thimble that wrote it.
    pub thimble_version: String,
    /// The program: its path as given (set by the front end) and the SHA-256 of the file.
    pub elf: ElfId,
    /// Whether the program fits the board's flash and SRAM, and what each leaves free.
    pub fits: Fits,
    /// Board name.
    pub board: String,
    /// Core profile.
    pub core: String,
    /// Core clock at the end of the run, in Hz.
    pub clock_hz: u64,
    /// Where that clock came from: "board" (fixed), "reset" (the chip's reset clock, never
    /// changed), "firmware" (configured through the clock controller), "override" (`--clock`).
    pub clock_source: String,
    /// Core clock changes the firmware made.
    pub clock_changes: u64,
    /// What the firmware configured while `--clock` fixed the clock, in Hz.
    pub clock_requested_hz: Option<u64>,
    /// Guest exit status, when it exited.
    pub exit_code: Option<i32>,
    /// Why the run stopped ("exit", "cycle_limit", ...).
    pub stop_reason: String,
    /// One line of detail on the stop.
    pub stop_detail: String,
    /// Instructions executed.
    pub instructions: u64,
    /// Cycles, sleep included.
    pub cycles: u64,
    /// Cycles asleep (WFI/WFE).
    pub sleep_cycles: u64,
    /// Simulated seconds, integrated over every core clock change.
    pub seconds: f64,
    /// Cycles per instruction (active cycles only).
    pub cpi: f64,
    /// Energy in µJ.
    pub energy_uj: Option<f64>,
    /// Average power in mW.
    pub avg_power_mw: Option<f64>,
    /// Energy split by what it was spent on (core, fetch, SRAM, flash, static, sleep).
    pub energy: Option<Energy>,
    /// Memory.
    pub memory: MemoryReport,
    /// Instruction mix: (class, count).
    pub classes: Vec<(String, u64)>,
    /// Functions by calls.
    pub functions: Vec<FunctionReport>,
    /// Regions of interest (`--roi`).
    pub roi: Vec<RoiReport>,
    /// Faults taken.
    pub faults: Vec<FaultEntry>,
    /// Unmodelled device accesses.
    pub unmodelled: Vec<UnmodelledEntry>,
}

/// Hz as MHz for text: whole numbers without decimals ("64"), others with up to three ("6.5").
pub fn mhz(hz: u64) -> String {
    let s = format!("{:.3}", hz as f64 / 1e6);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Whether a section only reserves room for the stack or heap (not static data).
pub fn is_reservation(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("stack") || n.contains("heap")
}

/// The fault in one readable line: the exception that took it (and what it escalated from),
/// the access and the address, and why it failed. `mapped` says whether anything answers at
/// an address.
pub fn fault_summary(
    fault: &Fault,
    exception: &str,
    hfsr: u32,
    mapped: impl Fn(u32) -> bool,
) -> String {
    let class = match fault {
        Fault::Usage(_) => "UsageFault",
        Fault::Bus { .. } => "BusFault",
        Fault::MemManage { .. } => "MemManage",
        Fault::VectorTable { .. } => "HardFault",
    };
    let taken = if exception == class {
        class.to_string()
    } else if exception == "HardFault" && hfsr & crate::exception::hfsr::FORCED != 0 {
        format!("HardFault (forced) from {class}")
    } else {
        format!("{exception} from {class}")
    };
    let why = |addr: u32| {
        if mapped(addr) {
            "refused by the device there"
        } else {
            "not mapped"
        }
    };
    let what = match *fault {
        Fault::Bus { kind, addr } => {
            let access = match kind {
                BusFaultKind::Instruction => "instruction fetch",
                BusFaultKind::Data => "data access",
                BusFaultKind::Stacking => "exception entry stacking",
                BusFaultKind::Unstacking => "exception return unstacking",
            };
            format!("{access} at 0x{addr:08x}, {}", why(addr))
        }
        Fault::MemManage { addr, instruction } => {
            if instruction {
                format!("instruction fetch at 0x{addr:08x}, execute-never memory")
            } else {
                format!("data access at 0x{addr:08x}, not permitted")
            }
        }
        Fault::Usage(cause) => match cause {
            UsageCause::Undefined => "undefined instruction (or one this core lacks)".into(),
            UsageCause::InvalidState => {
                "execution in ARM state (EPSR.T = 0): a branch to an even address".into()
            }
            UsageCause::InvalidPc => "invalid EXC_RETURN on exception return".into(),
            UsageCause::NoCoprocessor => "FPU instruction with the FPU off (CPACR)".into(),
            UsageCause::Unaligned => "unaligned access".into(),
            UsageCause::DivideByZero => "division by zero (CCR.DIV_0_TRP set)".into(),
        },
        Fault::VectorTable { addr } => format!("vector table read at 0x{addr:08x} failed"),
    };
    format!("{taken}: {what}")
}

/// " (function+0x12)" for a location inside a function, nothing for a bare address.
fn in_function(location: &str) -> String {
    if location.starts_with("0x") {
        String::new()
    } else {
        format!(" ({location})")
    }
}

/// Describes a stop in one line.
pub fn stop_detail(reason: &StopReason) -> String {
    match reason {
        StopReason::Exit(code) => format!("guest exited with status {code}"),
        StopReason::InstructionLimit(n) => format!("instruction limit of {n} reached (--max-instructions)"),
        StopReason::CycleLimit(n) => format!("cycle limit of {n} reached (--max-cycles)"),
        StopReason::TimeLimit(ps) => format!(
            "simulated-time limit of {} s reached (--max-seconds)",
            seconds_text(*ps as f64 / crate::clock::PS_PER_S as f64)
        ),
        StopReason::StackCollision { pc, sp, floor, heap, location } => format!(
            "stack collision: SP 0x{sp:08x} went {} below {} at 0x{floor:08x}, at pc 0x{pc:08x} ({location})",
            bytes(u64::from(floor.saturating_sub(*sp))),
            floor_name(*heap)
        ),
        StopReason::ExpectedText => "every expected text appeared (--expect-text)".to_string(),
        StopReason::FailText(t) => format!("the guest printed the fail text {t:?} (--fail-text)"),
        StopReason::UnhandledFault(f) => format!(
            "unhandled fault at pc 0x{:08x}{}: {}",
            f.pc,
            in_function(&f.location),
            f.summary
        ),
        StopReason::Lockup(f) => format!(
            "core locked up at pc 0x{:08x}{}: {}",
            f.pc,
            in_function(&f.location),
            f.summary
        ),
        StopReason::Deadlock { pc } => format!(
            "deadlock: WFI/WFE at pc 0x{pc:08x} with no enabled interrupt or timer that could wake the core"
        ),
        StopReason::Breakpoint { pc } => format!("breakpoint (BKPT) at pc 0x{pc:08x} with no debugger attached"),
    }
}

impl Report {
    /// Builds the report of a stopped (or paused) machine.
    pub fn new(m: &Machine, reason: &StopReason) -> Report {
        let lines = if m.faults.is_empty() {
            None
        } else {
            crate::dwarf::LineInfo::load(&m.image.bytes)
        };
        let board = &m.board;
        let cycles = m.bus.now;
        let active = cycles.saturating_sub(m.stats.sleep_cycles);
        let seconds = m.elapsed_seconds();
        let cpi = if m.stats.instructions == 0 {
            0.0
        } else {
            active as f64 / m.stats.instructions as f64
        };
        let energy = crate::power::energy(m);
        let memory = memory(m);
        Report {
            schema_version: SCHEMA_VERSION,
            thimble_version: env!("CARGO_PKG_VERSION").to_string(),
            elf: ElfId {
                path: String::new(),
                sha256: sha256_hex(&m.image.bytes),
            },
            fits: Fits::of(&memory),
            board: board.name.clone(),
            core: board.core.name().to_string(),
            clock_hz: m.clock_hz(),
            clock_source: m.bus.clock.source().key().to_string(),
            clock_changes: m.bus.clock.changes(),
            clock_requested_hz: m.bus.clock.requested_hz(),
            exit_code: match reason {
                StopReason::Exit(c) => Some(*c),
                _ => None,
            },
            stop_reason: reason.key().to_string(),
            stop_detail: match (reason, m.poll_note()) {
                (
                    StopReason::InstructionLimit(_)
                    | StopReason::CycleLimit(_)
                    | StopReason::TimeLimit(_),
                    Some(note),
                ) => {
                    format!("{}; {note}", stop_detail(reason))
                }
                _ => stop_detail(reason),
            },
            instructions: m.stats.instructions,
            cycles,
            sleep_cycles: m.stats.sleep_cycles,
            seconds,
            cpi,
            energy_uj: energy.map(|e| e.total_uj),
            avg_power_mw: energy.map(|e| {
                if seconds > 0.0 {
                    e.total_uj / seconds / 1000.0
                } else {
                    0.0
                }
            }),
            energy,
            memory,
            classes: crate::isa::InstrClass::ALL
                .iter()
                .map(|c| (c.name().to_string(), m.stats.by_class[*c as usize]))
                .filter(|(_, n)| *n > 0)
                .collect(),
            functions: functions(m),
            roi: roi(m),
            faults: m
                .faults
                .iter()
                .map(|f| FaultEntry {
                    pc: format!("0x{:08x}", f.pc),
                    location: f.location.clone(),
                    fault: f.summary.clone(),
                    registers: FaultRegisterEntry {
                        cfsr: format!("0x{:08x}", f.registers.cfsr),
                        hfsr: format!("0x{:08x}", f.registers.hfsr),
                        mmfar: format!("0x{:08x}", f.registers.mmfar),
                        bfar: format!("0x{:08x}", f.registers.bfar),
                    },
                    backtrace: frames(m, lines.as_ref(), &f.backtrace),
                    exception: f.exception.clone(),
                    status: f.status.clone(),
                    cycle: f.cycle,
                })
                .collect(),
            unmodelled: m
                .bus
                .mmio
                .entries
                .iter()
                .map(|(a, c)| UnmodelledEntry {
                    addr: format!("0x{a:08x}"),
                    peripheral: c.peripheral.clone(),
                    register: c.register.clone(),
                    reads: c.reads,
                    writes: c.writes,
                })
                .collect(),
        }
    }

    /// Latency in milliseconds (integrated over clock changes).
    pub fn millis(&self) -> f64 {
        self.seconds * 1000.0
    }

    /// The clock and where it came from, in words ("120 MHz, configured by the firmware").
    pub fn clock_text(&self) -> String {
        let source = match self.clock_source.as_str() {
            "board" => "board clock",
            "reset" => "reset clock, never changed by the firmware",
            "firmware" => "configured by the firmware",
            "override" => "--clock override",
            other => other,
        };
        let mut s = format!("{} MHz, {source}", mhz(self.clock_hz));
        if let Some(hz) = self.clock_requested_hz {
            let _ = write!(s, "; the firmware configured {} MHz", mhz(hz));
        }
        if self.clock_changes > 1 && self.clock_source == "firmware" {
            let _ = write!(s, "; {} clock changes", self.clock_changes);
        }
        s
    }

    /// The human-readable report (for stderr).
    pub fn text(&self, host_seconds: Option<f64>) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "── thimble report ─ {} ({} @ {} MHz)",
            self.board,
            self.core,
            mhz(self.clock_hz)
        );
        let _ = writeln!(
            s,
            "stop          {}: {}",
            self.stop_reason, self.stop_detail
        );
        let _ = writeln!(s, "instructions  {}", group(self.instructions));
        let _ = writeln!(
            s,
            "cycles        {}  (CPI {:.2}, {} asleep)",
            group(self.cycles),
            self.cpi,
            group(self.sleep_cycles)
        );
        let _ = writeln!(
            s,
            "time          {:.3} ms  (clock {})",
            self.millis(),
            self.clock_text()
        );
        if let (Some(e), Some(p)) = (self.energy, self.avg_power_mw) {
            let pct = |x: f64| {
                if e.total_uj > 0.0 {
                    x * 100.0 / e.total_uj
                } else {
                    0.0
                }
            };
            let _ = writeln!(
                s,
                "energy        {:.2} µJ  (average {p:.3} mW: core {:.0}%, fetch {:.0}%, sram {:.0}%, flash {:.0}%, static {:.0}%, sleep {:.0}%)",
                e.total_uj,
                pct(e.core_uj),
                pct(e.fetch_uj),
                pct(e.sram_uj),
                pct(e.flash_uj),
                pct(e.static_uj),
                pct(e.sleep_uj)
            );
        }
        let m = &self.memory;
        let _ = writeln!(s, "flash         {}", bar(m.flash_used, m.flash_size));
        let _ = writeln!(s, "sram static   {}", bar(m.sram_static, m.sram_size));
        let _ = writeln!(s, "stack peak    {}", bar(m.stack_peak, m.sram_size));
        let _ = writeln!(s, "sram peak     {}", bar(m.sram_peak, m.sram_size));
        let _ = writeln!(s, "heap peak     {}", bytes(m.heap_peak));
        let _ = writeln!(s, "fits          {}", self.fits.text());
        for o in m
            .symbols
            .iter()
            .filter(|o| o.kind != RegionKind::Flash)
            .take(8)
        {
            let _ = writeln!(
                s,
                "  {:<22} {} reserved, {} used ({})",
                o.name,
                bytes(u64::from(o.size)),
                bytes(o.used),
                o.region
            );
        }
        if let Some(c) = &m.collision {
            let _ = writeln!(s, "COLLISION     {c}");
        }
        for r in &self.roi {
            let energy = match (r.energy_uj, r.avg_power_mw) {
                (Some(e), Some(p)) => format!(", {e:.2} µJ/call at {p:.3} mW"),
                _ => String::new(),
            };
            let calls = if r.calls == 1 { "call" } else { "calls" };
            let _ = writeln!(
                s,
                "roi {:<9} {} {calls}, {} cycles/call (min {}, max {}), {:.3} ms/call{energy}",
                r.symbol,
                group(r.calls),
                group(r.cycles.round() as u64),
                group(r.cycles_min),
                group(r.cycles_max),
                r.latency_ms
            );
        }
        if !self.functions.is_empty() {
            let _ = writeln!(s, "top functions (self cycles, calls):");
            // As wide as the longest name shown (demangled C++ names run long), at least 28.
            let width = self
                .functions
                .iter()
                .take(8)
                .map(|f| f.name.chars().count())
                .max()
                .unwrap_or(0)
                .max(28);
            for f in self.functions.iter().take(8) {
                let pct = if self.cycles > 0 {
                    f.cycles as f64 * 100.0 / self.cycles as f64
                } else {
                    0.0
                };
                let _ = writeln!(
                    s,
                    "  {:<width$} {:>14} {:5.1}%  ×{}",
                    f.name,
                    group(f.cycles),
                    pct,
                    f.calls
                );
            }
        }
        for f in &self.faults {
            let _ = writeln!(
                s,
                "fault         {} at pc {}{}",
                f.fault,
                f.pc,
                in_function(&f.location)
            );
        }
        if !self.unmodelled.is_empty() {
            let _ = writeln!(
                s,
                "unmodelled    {} device registers accessed: {}",
                self.unmodelled.len(),
                self.unmodelled
                    .iter()
                    .take(6)
                    .map(|u| format!(
                        "{}.{} {} (r{} w{})",
                        u.peripheral, u.register, u.addr, u.reads, u.writes
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if let Some(h) = host_seconds {
            let mips = if h > 0.0 {
                self.instructions as f64 / h / 1e6
            } else {
                0.0
            };
            let _ = writeln!(
                s,
                "host          {h:.3} s, {mips:.1} M simulated instructions/s"
            );
        }
        s
    }
}

/// A number of seconds without trailing zeros: 60 -> "60", 0.25 -> "0.25".
pub fn seconds_text(s: f64) -> String {
    let t = format!("{s:.6}");
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// 1234567 -> "1,234,567".
pub fn group(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, ch) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn bar(used: u64, size: u64) -> String {
    let frac = if size == 0 {
        0.0
    } else {
        used as f64 / size as f64
    };
    let width = 20usize;
    let filled = ((frac.min(1.0)) * width as f64).round() as usize;
    format!(
        "[{}{}] {:>10} of {:<10} {:5.1}%",
        "#".repeat(filled),
        ".".repeat(width - filled),
        bytes(used),
        bytes(size),
        frac * 100.0
    )
}

fn memory(m: &Machine) -> MemoryReport {
    let board = &m.board;
    let in_kind = |addr: u32, kind: RegionKind| {
        board
            .regions
            .iter()
            .any(|r| r.kind == kind && r.contains(addr))
    };
    let flash_used: u64 = m
        .image
        .segments
        .iter()
        .filter(|s| in_kind(s.paddr, RegionKind::Flash))
        .map(|s| s.data.len() as u64)
        .sum();
    let sram_static: u64 = m
        .image
        .sections
        .iter()
        .filter(|s| s.alloc && in_kind(s.addr, RegionKind::Sram) && !is_reservation(&s.name))
        .map(|s| s.size)
        .sum();
    let initial_msp = m.initial_sp;
    let stack_peak = if m.stats.msp_low == u32::MAX {
        0
    } else {
        u64::from(initial_msp.saturating_sub(m.stats.msp_low))
    };
    let psp_stack_peak = m.psp_peak();
    let heap_peak = heap_peak(m);
    let sram_size = board.total(RegionKind::Sram);
    let mut symbols: Vec<SymbolReport> = m
        .image
        .symbols
        .iter()
        .filter(|s| s.kind == SymbolKind::Object && s.size >= LARGE_OBJECT)
        .filter_map(|s| {
            let r = board.regions.iter().find(|r| r.contains(s.addr))?;
            let used = match m.bus.map.find(s.addr, 1) {
                Some((i, off)) if r.kind == RegionKind::Sram => {
                    m.bus.map.regions[i].written_bytes(off, s.size as usize)
                }
                _ => u64::from(s.size),
            };
            Some(SymbolReport {
                name: s.name.clone(),
                addr: s.addr,
                size: s.size,
                used,
                region: r.name.clone(),
                kind: r.kind,
            })
        })
        .collect();
    symbols.sort_by(|a, b| b.size.cmp(&a.size).then(a.name.cmp(&b.name)));
    symbols.truncate(16);
    MemoryReport {
        flash_used,
        flash_size: board.total(RegionKind::Flash),
        sram_static,
        stack_peak,
        psp_stack_peak,
        heap_peak,
        sram_peak: sram_static + stack_peak + psp_stack_peak + heap_peak,
        sram_size,
        symbols,
        collision: m.stats.collision.map(|c| {
            format!(
                "stack reached 0x{:08x}, below {} at 0x{:08x}, at pc 0x{:08x} ({})",
                c.sp,
                floor_name(c.heap),
                c.floor,
                c.pc,
                m.image.describe_addr(c.pc)
            )
        }),
    }
}

/// What a stack collision ran into.
fn floor_name(heap: bool) -> &'static str {
    if heap {
        "the heap's break (the end of the heap _sbrk gave out)"
    } else {
        "the end of static data"
    }
}

fn heap_peak(m: &Machine) -> u64 {
    let (Some(start), true) = (m.static_end(), m.stats.msp_low != u32::MAX) else {
        return 0;
    };
    let Some((i, off)) = m.bus.map.find(start, 1) else {
        return 0;
    };
    let region = &m.bus.map.regions[i];
    let stack_low = m.stats.msp_low.min(m.stats.psp_low);
    // A linker script that ends the heap below the stack says so with `__HeapLimit` (CMSIS
    // start-up files, pico-sdk's memmap_default.ld: SRAM above it holds the stacks, core 1's
    // among them): writes there are not the heap's.
    let limit = m
        .image
        .symbol("__HeapLimit")
        .map(|s| s.addr)
        .filter(|&a| a > start)
        .map_or(stack_low, |a| a.min(stack_low));
    let end = (limit.saturating_sub(region.base)) as usize;
    region
        .highest_written(off, end)
        .map_or(0, |o| (o + 4 - off) as u64)
}

fn functions(m: &Machine) -> Vec<FunctionReport> {
    let mut v: Vec<FunctionReport> = m
        .stats
        .calls
        .iter()
        .map(|(addr, calls)| {
            let c = m.stats.call_cycles.get(addr).copied().unwrap_or_default();
            FunctionReport {
                name: m.image.describe_addr(*addr),
                calls: *calls,
                instructions: c.exclusive_instructions,
                cycles: c.exclusive,
                inclusive_cycles: c.inclusive,
            }
        })
        .collect();
    v.sort_by(|a, b| {
        b.cycles
            .cmp(&a.cycles)
            .then(b.calls.cmp(&a.calls))
            .then(a.name.cmp(&b.name))
    });
    v.truncate(32);
    v
}

fn roi(m: &Machine) -> Vec<RoiReport> {
    let model = EnergyModel::new(&m.board);
    let whole = Activity::of_machine(m);
    m.stats
        .roi
        .iter()
        .map(|t| {
            let calls = t.calls;
            let per_call = |x: f64| if calls == 0 { 0.0 } else { x / calls as f64 };
            let cycles = per_call(t.cycles as f64);
            let activity = t.activity.with_flash_share_of(&whole);
            RoiReport {
                symbol: m.image.describe_addr(t.addr),
                calls,
                cycles,
                cycles_min: if calls == 0 { 0 } else { t.cycles_min },
                cycles_max: t.cycles_max,
                instructions: per_call(t.instructions as f64),
                latency_ms: per_call(activity.seconds()) * 1000.0,
                energy_uj: model
                    .as_ref()
                    .map(|e| per_call(e.energy(&activity).total_uj)),
                latency_ms_max: t
                    .slowest
                    .as_ref()
                    .map_or(0.0, |(_, a)| a.seconds() * 1000.0),
                energy_uj_max: model.as_ref().and_then(|e| {
                    let (_, a) = t.slowest.as_ref()?;
                    Some(e.energy(&a.with_flash_share_of(&whole)).total_uj)
                }),
                avg_power_mw: model.as_ref().map(|e| e.avg_power_mw(&activity)),
            }
        })
        .collect()
}

/// Folded stacks ("main;conv;memcpy 1234" per line, sorted) of the self cycles of completed
/// calls, for flamegraph tools. Paths first seen after [`crate::stats::MAX_FOLDED_FRAMES`]
/// frames were kept are summed on one line, `[call paths beyond the limit]`.
pub fn folded_stacks(m: &Machine) -> String {
    let Some(folded) = &m.stats.folded else {
        return String::new();
    };
    let mut lines: Vec<String> = folded
        .iter()
        .map(|(path, cycles)| {
            if path[..] == [crate::stats::FOLDED_ELSEWHERE] {
                return format!("[call paths beyond the limit] {cycles}");
            }
            let names: Vec<String> = path.iter().map(|a| m.image.describe_addr(*a)).collect();
            format!("{} {cycles}", names.join(";"))
        })
        .collect();
    lines.sort();
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The calls recorded for a trace as Chrome Trace Event Format JSON (the "JSON object format":
/// `{"traceEvents": [...]}`), which chrome://tracing, Perfetto and speedscope open: one complete
/// event (`"ph": "X"`) per call with `ts` and `dur` in µs at the board clock, named after the
/// function, with the exact cycles in `args`; one thread per execution context (thread mode on
/// MSP, on PSP, each exception handler, whose runs are spans from exception entry to return). Calls still running at the end last to the end and
/// carry `"unfinished": true`. When the event cap was reached, `otherData.dropped_calls` says
/// how many calls are missing and an instant event marks where recording stopped.
pub fn chrome_trace(m: &Machine) -> String {
    let Some(t) = &m.stats.trace else {
        return String::from("{\"traceEvents\": []}\n");
    };
    let us = |cycles: u64| m.bus.clock.ps_at(cycles) as f64 / 1e6;
    let q = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let mut out = String::from("{\"traceEvents\": [\n");
    let _ = write!(
        out,
        "{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 0, \"args\": {{\"name\": {}}}}}",
        q(&format!(
            "thimble {} ({} @ {} Hz)",
            m.board.name,
            m.board.core.name(),
            m.clock_hz()
        ))
    );
    let mut contexts: Vec<u16> = t.events.iter().map(|e| e.ctx).collect();
    contexts.sort_unstable();
    contexts.dedup();
    for ctx in contexts {
        let name = match ctx {
            0 => "thread mode (MSP)".to_string(),
            1 => "thread mode (PSP)".to_string(),
            n => format!("{} handler", crate::exception::exception_name(n)),
        };
        let _ = write!(
            out,
            ",\n{{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": {ctx}, \"args\": {{\"name\": {}}}}}",
            q(&name)
        );
    }
    let mut names: std::collections::BTreeMap<u32, String> = std::collections::BTreeMap::new();
    for e in &t.events {
        let name = names
            .entry(e.func)
            .or_insert_with(|| q(&m.image.describe_addr(e.func)));
        let unfinished = e.end == u64::MAX;
        let end = if unfinished { m.bus.now } else { e.end };
        let cycles = end.saturating_sub(e.start);
        let dur = us(end) - us(e.start);
        let _ = write!(
            out,
            ",\n{{\"name\": {name}, \"cat\": \"call\", \"ph\": \"X\", \"ts\": {:.4}, \"dur\": {:.4}, \"pid\": 1, \"tid\": {}, \"args\": {{\"cycles\": {cycles}, \"start_cycle\": {}{}}}}}",
            us(e.start),
            dur,
            e.ctx,
            e.start,
            if unfinished { ", \"unfinished\": true" } else { "" }
        );
    }
    if let Some(at) = t.first_dropped {
        let _ = write!(
            out,
            ",\n{{\"name\": {}, \"ph\": \"i\", \"s\": \"g\", \"ts\": {:.4}, \"pid\": 1, \"tid\": 0}}",
            q(&format!(
                "trace truncated: cap of {} calls reached here; {} later calls not recorded",
                t.cap, t.dropped
            )),
            us(at)
        );
    }
    let _ = write!(
        out,
        "\n],\n\"displayTimeUnit\": \"ns\",\n\"otherData\": {{\"board\": {}, \"clock_hz\": {}, \"calls_recorded\": {}, \"dropped_calls\": {}, \"cap\": {}}}}}\n",
        q(&m.board.name),
        m.clock_hz(),
        t.events.len(),
        t.dropped,
        t.cap
    );
    out
}

/// Battery life for a duty cycle: the run repeats every `period_s` seconds and the core sleeps
/// in between; returns (average current in µA, hours on `battery_mah`).
pub fn battery_life(
    r: &Report,
    m: &Machine,
    period_s: f64,
    battery_mah: f64,
) -> Option<(f64, f64)> {
    let p = m.board.power.as_ref()?;
    let energy_uj = r.energy_uj?;
    let sleep_s = (period_s - r.seconds).max(0.0);
    let charge_uc = energy_uj / p.supply_v + p.sleep_ua * sleep_s;
    let avg_ua = charge_uc / period_s.max(r.seconds);
    Some((avg_ua, battery_mah * 1000.0 / avg_ua))
}

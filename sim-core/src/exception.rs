//! The NVIC/SCB architectural state and its rules (ARMv7-M B1.5, ARMv6-M B1.5): pending and
//! active exceptions, priorities with PRIGROUP, execution priority under PRIMASK/FAULTMASK/
//! BASEPRI, fault status registers and escalation to HardFault or lockup.
//!
//! The register interface over this state is a device (peripherals crate); stacking and
//! unstacking are the instruction set's (isa-thumb). Both change it only through these methods
//! or by setting `dirty` so that the machine looks for a takeable exception.
//!
//! Peripheral interrupts are level-sensitive: each device drives the level of its interrupt
//! line through an [`IrqLine`] (high while one of its enabled flags is set), and the NVIC keeps
//! an IRQ whose line is high pending (ARMv7-M B3.4.1 and ARMv6-M B3.4.1, "level-sensitive
//! interrupts"; Cortex-M4 Devices Generic User Guide DUI0553 §4.2.9): a rising line pends it; on
//! exception return the line is sampled again and a line still high pends it again; a write of
//! ICPR leaves it pending while the line is high. A line going low does not clear a pending
//! state already latched.

use crate::board::{Arch, Board};
use crate::cpu::Cpu;
use crate::isa::{BusFaultKind, Fault, UsageCause};

/// Exception numbers of the system exceptions.
pub mod num {
    /// Reset.
    pub const RESET: u16 = 1;
    /// Non-maskable interrupt.
    pub const NMI: u16 = 2;
    /// HardFault.
    pub const HARDFAULT: u16 = 3;
    /// MemManage fault.
    pub const MEMMANAGE: u16 = 4;
    /// BusFault.
    pub const BUSFAULT: u16 = 5;
    /// UsageFault.
    pub const USAGEFAULT: u16 = 6;
    /// Supervisor call.
    pub const SVCALL: u16 = 11;
    /// Debug monitor.
    pub const DEBUGMON: u16 = 12;
    /// PendSV.
    pub const PENDSV: u16 = 14;
    /// SysTick.
    pub const SYSTICK: u16 = 15;
    /// First external interrupt (IRQ0).
    pub const IRQ0: u16 = 16;
}

/// CFSR bits (MMFSR, BFSR, UFSR).
pub mod cfsr {
    /// MemManage: instruction access violation.
    pub const IACCVIOL: u32 = 1 << 0;
    /// MemManage: data access violation.
    pub const DACCVIOL: u32 = 1 << 1;
    /// MemManage: MMFAR holds the address.
    pub const MMARVALID: u32 = 1 << 7;
    /// BusFault on instruction fetch.
    pub const IBUSERR: u32 = 1 << 8;
    /// Precise data BusFault.
    pub const PRECISERR: u32 = 1 << 9;
    /// BusFault on exception return unstacking.
    pub const UNSTKERR: u32 = 1 << 11;
    /// BusFault on exception entry stacking.
    pub const STKERR: u32 = 1 << 12;
    /// BFAR holds the address.
    pub const BFARVALID: u32 = 1 << 15;
    /// Undefined instruction.
    pub const UNDEFINSTR: u32 = 1 << 16;
    /// Invalid EPSR.T state.
    pub const INVSTATE: u32 = 1 << 17;
    /// Invalid EXC_RETURN.
    pub const INVPC: u32 = 1 << 18;
    /// No coprocessor.
    pub const NOCP: u32 = 1 << 19;
    /// Unaligned access trap.
    pub const UNALIGNED: u32 = 1 << 24;
    /// Divide by zero trap.
    pub const DIVBYZERO: u32 = 1 << 25;
}

/// HFSR bits.
pub mod hfsr {
    /// Vector table read fault.
    pub const VECTTBL: u32 = 1 << 1;
    /// A configurable fault escalated to HardFault.
    pub const FORCED: u32 = 1 << 30;
    /// Debug event (BKPT without a debugger).
    pub const DEBUGEVT: u32 = 1 << 31;
}

/// CCR bits.
pub mod ccr {
    /// Thread mode may be entered by exception return with other exceptions active.
    pub const NONBASETHRDENA: u32 = 1 << 0;
    /// Unprivileged software may write STIR.
    pub const USERSETMPEND: u32 = 1 << 1;
    /// Trap unaligned halfword/word accesses.
    pub const UNALIGN_TRP: u32 = 1 << 3;
    /// Trap divide by zero.
    pub const DIV_0_TRP: u32 = 1 << 4;
    /// 8-byte stack alignment on exception entry.
    pub const STKALIGN: u32 = 1 << 9;
}

/// SHCSR enable bits.
pub mod shcsr {
    /// MemManage enabled.
    pub const MEMFAULTENA: u32 = 1 << 16;
    /// BusFault enabled.
    pub const BUSFAULTENA: u32 = 1 << 17;
    /// UsageFault enabled.
    pub const USGFAULTENA: u32 = 1 << 18;
}

/// What raising a synchronous fault led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultOutcome {
    /// The exception with this number is now pending and must be taken before the next
    /// instruction.
    Pending(u16),
    /// The fault could not be taken (in HardFault or NMI already): the core locks up.
    Lockup,
}

const WORDS: usize = 8; // 512 exception numbers

/// NVIC and SCB state.
#[derive(Debug, Clone)]
pub struct ExceptionState {
    /// Architecture (v6-M has no configurable faults and no CFSR).
    pub arch: Arch,
    /// Implemented priority bits (the top bits of each priority byte).
    pub priority_bits: u8,
    /// Number of external interrupts.
    pub irqs: u32,
    pending: [u64; WORDS],
    active: [u64; WORDS],
    enabled: [u64; WORDS],
    /// Per exception number: how many device outputs drive its interrupt line high (a wired
    /// OR: several sources may share one IRQ). Only IRQs have lines.
    lines: Vec<u16>,
    priority: Vec<u8>,
    /// AIRCR.PRIGROUP.
    pub prigroup: u8,
    /// VTOR.
    pub vtor: u32,
    /// CCR.
    pub ccr: u32,
    /// SHCSR enable bits (active/pending bits are derived from the state).
    pub shcsr: u32,
    /// CFSR.
    pub cfsr: u32,
    /// HFSR.
    pub hfsr: u32,
    /// MMFAR.
    pub mmfar: u32,
    /// BFAR.
    pub bfar: u32,
    /// SCR (SLEEPONEXIT, SLEEPDEEP, SEVONPEND).
    pub scr: u32,
    /// CPACR (CP10/CP11 access for the FPU).
    pub cpacr: u32,
    /// FPCCR (lazy stacking control).
    pub fpccr: u32,
    /// FPCAR (address of the lazily reserved FP frame).
    pub fpcar: u32,
    /// FPDSCR (default FPSCR values for new FP contexts).
    pub fpdscr: u32,
    /// Whether the core has an FPU (extended frames, EXC_RETURN bit 4, FP registers in the SCS).
    pub has_fpu: bool,
    /// VTOR after reset (the board's vector table).
    pub reset_vtor: u32,
    /// DEMCR (debug exception and monitor control; TRCENA gates the DWT cycle counter).
    pub demcr: u32,
    /// Cycles with DEMCR.TRCENA set, up to `trace_since` (the DWT's time base).
    trace_cycles: u64,
    /// Cycle at which TRCENA was last set, while it is set.
    trace_since: Option<u64>,
    /// Set by a write of AIRCR.SYSRESETREQ (or VECTRESET): the machine should reset the system.
    pub reset_requested: bool,
    /// Set whenever something changed that may make an exception takeable (a pend, an
    /// enable, a priority or mask change); the machine clears it after looking.
    pub dirty: bool,
}

impl ExceptionState {
    /// Reset state for a board.
    pub fn new(board: &Board) -> ExceptionState {
        let arch = board.core.arch();
        ExceptionState {
            arch,
            priority_bits: board.priority_bits,
            irqs: board.irqs,
            pending: [0; WORDS],
            active: [0; WORDS],
            enabled: [0; WORDS],
            lines: vec![0; 16 + board.irqs as usize],
            priority: vec![0; 16 + board.irqs as usize],
            prigroup: 0,
            vtor: board.reset_vtor(),
            // v6-M: STKALIGN and UNALIGN_TRP are fixed at 1. v7-M: STKALIGN resets to 1 on
            // Cortex-M4/M7 and M3 r2p0+ (TRMs), traps off.
            ccr: if arch == Arch::V6M {
                ccr::STKALIGN | ccr::UNALIGN_TRP
            } else {
                ccr::STKALIGN
            },
            shcsr: 0,
            cfsr: 0,
            hfsr: 0,
            mmfar: 0,
            bfar: 0,
            scr: 0,
            cpacr: 0,
            // FPCCR resets with ASPEN and LSPEN set (ARMv7-M B3.2.23).
            fpccr: 0xC000_0000,
            fpcar: 0,
            fpdscr: 0,
            has_fpu: board.fpu() != crate::board::FpuKind::None,
            reset_vtor: board.reset_vtor(),
            reset_requested: false,
            demcr: 0,
            trace_cycles: 0,
            trace_since: None,
            dirty: false,
        }
    }

    /// Writes DEMCR at cycle `now` (bit 24 TRCENA starts or stops the trace clock).
    pub fn set_demcr(&mut self, value: u32, now: u64) {
        const TRCENA: u32 = 1 << 24;
        let on = value & TRCENA != 0;
        match (self.trace_since, on) {
            (None, true) => self.trace_since = Some(now),
            (Some(t), false) => {
                self.trace_cycles += now.saturating_sub(t);
                self.trace_since = None;
            }
            _ => {}
        }
        self.demcr = value;
    }

    /// Cycles elapsed with DEMCR.TRCENA set up to `now`: the DWT cycle counter counts this
    /// clock while DWT_CTRL.CYCCNTENA is set.
    pub fn trace_cycles(&self, now: u64) -> u64 {
        self.trace_cycles + self.trace_since.map_or(0, |t| now.saturating_sub(t))
    }

    /// Back to the reset state of the NVIC and SCB (nothing pending, active or enabled; all
    /// priorities 0; VTOR, CCR, FPCCR at their reset values). Board facts are kept, and so are
    /// the interrupt lines: they are the devices', which lower them in their own reset.
    pub fn reset(&mut self) {
        self.pending = [0; WORDS];
        self.active = [0; WORDS];
        self.enabled = [0; WORDS];
        self.priority.iter_mut().for_each(|p| *p = 0);
        self.prigroup = 0;
        self.vtor = self.reset_vtor;
        self.ccr = if self.arch == Arch::V6M {
            ccr::STKALIGN | ccr::UNALIGN_TRP
        } else {
            ccr::STKALIGN
        };
        self.shcsr = 0;
        self.cfsr = 0;
        self.hfsr = 0;
        self.mmfar = 0;
        self.bfar = 0;
        self.scr = 0;
        self.cpacr = 0;
        self.fpccr = 0xC000_0000;
        self.fpcar = 0;
        self.fpdscr = 0;
        self.reset_requested = false;
        self.demcr = 0;
        self.trace_since = None;
        self.dirty = true;
    }

    /// Highest valid exception number.
    pub fn max_exception(&self) -> u16 {
        (15 + self.irqs) as u16
    }

    fn bit(set: &[u64; WORDS], n: u16) -> bool {
        let n = usize::from(n);
        n < WORDS * 64 && set[n / 64] & (1 << (n % 64)) != 0
    }

    fn put(set: &mut [u64; WORDS], n: u16, on: bool) {
        let n = usize::from(n);
        if n < WORDS * 64 {
            if on {
                set[n / 64] |= 1 << (n % 64);
            } else {
                set[n / 64] &= !(1 << (n % 64));
            }
        }
    }

    /// Whether exception `n` is pending.
    pub fn is_pending(&self, n: u16) -> bool {
        Self::bit(&self.pending, n)
    }

    /// Pends exception `n` (ignored for numbers the board does not have).
    pub fn set_pending(&mut self, n: u16) {
        if n <= self.max_exception() {
            Self::put(&mut self.pending, n, true);
            self.dirty = true;
        }
    }

    /// Clears the pending state of exception `n` (NVIC_ICPR, ICSR's PENDSVCLR/PENDSTCLR). An
    /// IRQ whose interrupt line is high stays as it is (DUI0553 §4.2.9: "if the interrupt
    /// signal is still asserted, the state of the interrupt does not change").
    pub fn clear_pending(&mut self, n: u16) {
        if !self.line_high(n) {
            Self::put(&mut self.pending, n, false);
        }
    }

    /// Whether a device drives the interrupt line of exception `n` high.
    pub fn line_high(&self, n: u16) -> bool {
        self.lines.get(usize::from(n)).is_some_and(|&c| c > 0)
    }

    /// One source's output on the interrupt line of IRQ exception `n` changed to `high` (a
    /// device calls this through its [`IrqLine`], which reports changes only). The line is high
    /// while any of its sources is; the IRQ pends when the line rises.
    pub fn drive_line(&mut self, n: u16, high: bool) {
        if !(num::IRQ0..=self.max_exception()).contains(&n) {
            return;
        }
        let c = &mut self.lines[usize::from(n)];
        if high {
            *c += 1;
            if *c == 1 {
                self.set_pending(n);
            }
        } else {
            *c = c.saturating_sub(1);
        }
    }

    /// Whether exception `n` is active (being handled or preempted).
    pub fn is_active(&self, n: u16) -> bool {
        Self::bit(&self.active, n)
    }

    /// Marks exception `n` active and not pending (exception entry).
    pub fn activate(&mut self, n: u16) {
        Self::put(&mut self.active, n, true);
        Self::put(&mut self.pending, n, false);
        self.dirty = true;
    }

    /// Marks exception `n` inactive (exception return); an IRQ whose line is still high pends
    /// again.
    pub fn deactivate(&mut self, n: u16) {
        Self::put(&mut self.active, n, false);
        if self.line_high(n) {
            Self::put(&mut self.pending, n, true);
        }
        self.dirty = true;
    }

    /// Clears every active bit (reset, lockup recovery); IRQs whose line is high pend again.
    pub fn clear_all_active(&mut self) {
        for n in 0..=self.max_exception() {
            if self.is_active(n) {
                self.deactivate(n);
            }
        }
        self.dirty = true;
    }

    /// Number of active exceptions (ICSR.RETTOBASE is "exactly one").
    pub fn active_count(&self) -> u32 {
        self.active.iter().map(|w| w.count_ones()).sum()
    }

    /// NVIC enable of external interrupt exception `n` (n >= 16).
    pub fn irq_enabled(&self, n: u16) -> bool {
        Self::bit(&self.enabled, n)
    }

    /// Sets or clears the NVIC enable of exception `n` (n >= 16).
    pub fn set_irq_enabled(&mut self, n: u16, on: bool) {
        if (num::IRQ0..=self.max_exception()).contains(&n) {
            Self::put(&mut self.enabled, n, on);
            self.dirty = true;
        }
    }

    /// Whether exception `n` can become active at all (enabled where enabling applies).
    pub fn enabled(&self, n: u16) -> bool {
        match n {
            num::MEMMANAGE => self.shcsr & shcsr::MEMFAULTENA != 0,
            num::BUSFAULT => self.shcsr & shcsr::BUSFAULTENA != 0,
            num::USAGEFAULT => self.shcsr & shcsr::USGFAULTENA != 0,
            0..=15 => true,
            _ => self.irq_enabled(n),
        }
    }

    /// The raw priority byte of exception `n` as software reads it (0 for fixed ones).
    pub fn priority_byte(&self, n: u16) -> u8 {
        self.priority.get(usize::from(n)).copied().unwrap_or(0)
    }

    /// Writes the priority byte of a configurable exception (unimplemented low bits read 0).
    pub fn set_priority_byte(&mut self, n: u16, value: u8) {
        let configurable = n >= num::MEMMANAGE && n != 7 && n <= self.max_exception();
        if configurable {
            if let Some(p) = self.priority.get_mut(usize::from(n)) {
                let mask = !((1u16 << (8 - self.priority_bits)) - 1) as u8;
                *p = value & mask;
                self.dirty = true;
            }
        }
    }

    /// Priority of exception `n`: -3, -2, -1 for Reset, NMI, HardFault; else its byte.
    pub fn priority(&self, n: u16) -> i16 {
        match n {
            num::RESET => -3,
            num::NMI => -2,
            num::HARDFAULT => -1,
            _ => i16::from(self.priority_byte(n)),
        }
    }

    /// The group-priority part of a priority under PRIGROUP (subpriority bits cleared).
    pub fn group(&self, p: i16) -> i16 {
        if p < 0 || self.arch == Arch::V6M {
            return p;
        }
        let sub_bits = u32::from(self.prigroup) + 1;
        p & !((1i16 << sub_bits) - 1)
    }

    /// Execution priority: the highest (numerically lowest) of the active exceptions' group
    /// priorities and the boosts of PRIMASK, FAULTMASK and BASEPRI; 256 in plain thread mode.
    pub fn execution_priority(&self, cpu: &Cpu) -> i16 {
        self.execution_priority_masks(cpu, true)
    }

    fn execution_priority_masks(&self, cpu: &Cpu, with_primask: bool) -> i16 {
        let mut p: i16 = 256;
        for (w, &word) in self.active.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let n = (w * 64 + bits.trailing_zeros() as usize) as u16;
                bits &= bits - 1;
                p = p.min(self.group(self.priority(n)));
            }
        }
        if cpu.basepri != 0 {
            p = p.min(self.group(i16::from(cpu.basepri)));
        }
        if with_primask && cpu.primask {
            p = p.min(0);
        }
        if cpu.faultmask {
            p = p.min(-1);
        }
        p
    }

    /// The pending, enabled exception with the highest priority (lowest number on ties).
    pub fn highest_pending(&self) -> Option<(u16, i16)> {
        let mut best: Option<(u16, i16)> = None;
        for (w, &word) in self.pending.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let n = (w * 64 + bits.trailing_zeros() as usize) as u16;
                bits &= bits - 1;
                if !self.enabled(n) {
                    continue;
                }
                let p = self.priority(n);
                if best.is_none_or(|(_, bp)| p < bp) {
                    best = Some((n, p));
                }
            }
        }
        best
    }

    /// The exception that preempts now, if any: pending, enabled, and with a group priority
    /// higher than the execution priority.
    pub fn pending_to_take(&self, cpu: &Cpu) -> Option<u16> {
        let (n, p) = self.highest_pending()?;
        (self.group(p) < self.execution_priority(cpu)).then_some(n)
    }

    /// Whether WFI would wake: a pending exception that would preempt if PRIMASK were clear
    /// (ARMv7-M B1.5.19).
    pub fn wakes_from_wfi(&self, cpu: &Cpu) -> bool {
        self.highest_pending()
            .is_some_and(|(_, p)| self.group(p) < self.execution_priority_masks(cpu, false))
    }

    /// Records a synchronous fault in the fault status registers and pends the exception that
    /// handles it, escalating to HardFault when the fault's handler is disabled or cannot
    /// preempt, and to lockup when HardFault cannot either.
    pub fn raise_fault(&mut self, fault: Fault, cpu: &Cpu) -> FaultOutcome {
        let target = if self.arch == Arch::V6M {
            // ARMv6-M has no configurable faults or CFSR: everything is a HardFault.
            num::HARDFAULT
        } else {
            match fault {
                Fault::Usage(cause) => {
                    self.cfsr |= match cause {
                        UsageCause::Undefined => cfsr::UNDEFINSTR,
                        UsageCause::InvalidState => cfsr::INVSTATE,
                        UsageCause::InvalidPc => cfsr::INVPC,
                        UsageCause::NoCoprocessor => cfsr::NOCP,
                        UsageCause::Unaligned => cfsr::UNALIGNED,
                        UsageCause::DivideByZero => cfsr::DIVBYZERO,
                    };
                    num::USAGEFAULT
                }
                Fault::Bus { kind, addr } => {
                    self.cfsr |= match kind {
                        BusFaultKind::Instruction => cfsr::IBUSERR,
                        BusFaultKind::Data => {
                            self.bfar = addr;
                            cfsr::PRECISERR | cfsr::BFARVALID
                        }
                        BusFaultKind::Stacking => cfsr::STKERR,
                        BusFaultKind::Unstacking => cfsr::UNSTKERR,
                    };
                    num::BUSFAULT
                }
                Fault::MemManage { addr, instruction } => {
                    if instruction {
                        self.cfsr |= cfsr::IACCVIOL;
                    } else {
                        self.mmfar = addr;
                        self.cfsr |= cfsr::DACCVIOL | cfsr::MMARVALID;
                    }
                    num::MEMMANAGE
                }
                Fault::VectorTable { .. } => {
                    self.hfsr |= hfsr::VECTTBL;
                    num::HARDFAULT
                }
            }
        };
        let exec = self.execution_priority(cpu);
        let mut n = target;
        if n != num::HARDFAULT && (!self.enabled(n) || self.group(self.priority(n)) >= exec) {
            self.hfsr |= hfsr::FORCED;
            n = num::HARDFAULT;
        }
        if n == num::HARDFAULT && exec <= -1 {
            return FaultOutcome::Lockup;
        }
        self.set_pending(n);
        FaultOutcome::Pending(n)
    }

    /// Pends SVCall for an SVC instruction that just retired (ARMv7-M B1.5.6). An SVC whose
    /// group priority does not allow it to preempt the current execution priority (SVC with
    /// PRIMASK set, or from a handler of equal or higher priority) escalates to HardFault
    /// (HFSR.FORCED on v7-M); if HardFault cannot preempt either the core locks up.
    ///
    /// The executor calls it after advancing PC past the SVC, so that the stacked return
    /// address is the next instruction; on [`FaultOutcome::Lockup`] it sets `cpu.lockup`.
    pub fn pend_svc(&mut self, cpu: &Cpu) -> FaultOutcome {
        let exec = self.execution_priority(cpu);
        if self.group(self.priority(num::SVCALL)) < exec {
            self.set_pending(num::SVCALL);
            return FaultOutcome::Pending(num::SVCALL);
        }
        if exec <= -1 {
            return FaultOutcome::Lockup;
        }
        if self.arch != Arch::V6M {
            self.hfsr |= hfsr::FORCED;
        }
        self.set_pending(num::HARDFAULT);
        FaultOutcome::Pending(num::HARDFAULT)
    }

    /// Names of the set fault status bits, for reports ("UFSR.UNDEFINSTR", "HFSR.FORCED").
    pub fn fault_status(&self) -> Vec<String> {
        const CFSR_NAMES: [(u32, &str); 13] = [
            (cfsr::IACCVIOL, "MMFSR.IACCVIOL"),
            (cfsr::DACCVIOL, "MMFSR.DACCVIOL"),
            (cfsr::MMARVALID, "MMFSR.MMARVALID"),
            (cfsr::IBUSERR, "BFSR.IBUSERR"),
            (cfsr::PRECISERR, "BFSR.PRECISERR"),
            (cfsr::UNSTKERR, "BFSR.UNSTKERR"),
            (cfsr::STKERR, "BFSR.STKERR"),
            (cfsr::BFARVALID, "BFSR.BFARVALID"),
            (cfsr::UNDEFINSTR, "UFSR.UNDEFINSTR"),
            (cfsr::INVSTATE, "UFSR.INVSTATE"),
            (cfsr::INVPC, "UFSR.INVPC"),
            (cfsr::NOCP, "UFSR.NOCP"),
            (cfsr::UNALIGNED, "UFSR.UNALIGNED"),
        ];
        let mut out: Vec<String> = CFSR_NAMES
            .iter()
            .filter(|(b, _)| self.cfsr & b != 0)
            .map(|(_, n)| (*n).to_string())
            .collect();
        if self.cfsr & cfsr::DIVBYZERO != 0 {
            out.push("UFSR.DIVBYZERO".into());
        }
        for (b, name) in [
            (hfsr::VECTTBL, "HFSR.VECTTBL"),
            (hfsr::FORCED, "HFSR.FORCED"),
            (hfsr::DEBUGEVT, "HFSR.DEBUGEVT"),
        ] {
            if self.hfsr & b != 0 {
                out.push(name.into());
            }
        }
        if self.cfsr & cfsr::BFARVALID != 0 {
            out.push(format!("BFAR=0x{:08x}", self.bfar));
        }
        if self.cfsr & cfsr::MMARVALID != 0 {
            out.push(format!("MMFAR=0x{:08x}", self.mmfar));
        }
        out
    }
}

/// A device's interrupt output: the level it drives on the NVIC input of its IRQ (see the
/// module documentation). A device keeps one per interrupt it raises and calls
/// [`IrqLine::drive`] with its condition (flag and enable) whenever that may have changed;
/// only changes reach the NVIC. Its reset drives the line low.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IrqLine {
    irq: Option<u16>,
    high: bool,
}

impl IrqLine {
    /// The output of interrupt `irq` (0-based, as the chip's vector table numbers IRQs; `None`
    /// for a peripheral without one: then driving it does nothing), low.
    pub const fn new(irq: Option<u16>) -> IrqLine {
        IrqLine { irq, high: false }
    }

    /// The IRQ number (0-based).
    pub fn irq(&self) -> Option<u16> {
        self.irq
    }

    /// Whether the device drives the line high.
    pub fn is_high(&self) -> bool {
        self.high
    }

    /// Drives the line to `high`.
    pub fn drive(&mut self, high: bool, exc: &mut ExceptionState) {
        if high != self.high {
            self.high = high;
            if let Some(irq) = self.irq {
                exc.drive_line(num::IRQ0 + irq, high);
            }
        }
    }
}

/// Human name of an exception number ("SysTick", "IRQ3").
pub fn exception_name(n: u16) -> String {
    match n {
        0 => "Thread".into(),
        num::RESET => "Reset".into(),
        num::NMI => "NMI".into(),
        num::HARDFAULT => "HardFault".into(),
        num::MEMMANAGE => "MemManage".into(),
        num::BUSFAULT => "BusFault".into(),
        num::USAGEFAULT => "UsageFault".into(),
        num::SVCALL => "SVCall".into(),
        num::DEBUGMON => "DebugMonitor".into(),
        num::PENDSV => "PendSV".into(),
        num::SYSTICK => "SysTick".into(),
        n if n >= num::IRQ0 => format!("IRQ{}", n - num::IRQ0),
        n => format!("reserved exception {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::Board;

    fn state() -> (ExceptionState, Cpu) {
        let b = Board::load("nucleo-l4r5zi").unwrap();
        (ExceptionState::new(&b), Cpu::default())
    }

    #[test]
    fn priorities_and_masks_decide_preemption() {
        let (mut e, mut cpu) = state();
        e.set_irq_enabled(16 + 3, true);
        e.set_priority_byte(16 + 3, 0x40);
        e.set_pending(16 + 3);
        assert_eq!(e.pending_to_take(&cpu), Some(19));
        cpu.primask = true;
        assert_eq!(e.pending_to_take(&cpu), None);
        assert!(
            e.wakes_from_wfi(&cpu),
            "WFI wakes even when PRIMASK masks it"
        );
        cpu.primask = false;
        cpu.basepri = 0x40;
        assert_eq!(
            e.pending_to_take(&cpu),
            None,
            "BASEPRI masks equal priority"
        );
        cpu.basepri = 0x50;
        assert_eq!(e.pending_to_take(&cpu), Some(19));
    }

    #[test]
    fn priority_bytes_keep_only_implemented_bits() {
        let (mut e, _) = state();
        e.set_priority_byte(num::SYSTICK, 0xFF);
        assert_eq!(e.priority_byte(num::SYSTICK), 0xF0);
        e.set_priority_byte(num::HARDFAULT, 0x10);
        assert_eq!(e.priority(num::HARDFAULT), -1);
    }

    #[test]
    fn disabled_usage_fault_escalates_and_fault_in_hardfault_locks_up() {
        let (mut e, cpu) = state();
        assert_eq!(
            e.raise_fault(Fault::Usage(UsageCause::Undefined), &cpu),
            FaultOutcome::Pending(num::HARDFAULT)
        );
        assert_ne!(e.hfsr & hfsr::FORCED, 0);
        assert_ne!(e.cfsr & cfsr::UNDEFINSTR, 0);
        e.shcsr |= shcsr::USGFAULTENA;
        assert_eq!(
            e.raise_fault(Fault::Usage(UsageCause::DivideByZero), &cpu),
            FaultOutcome::Pending(num::USAGEFAULT)
        );
        e.activate(num::HARDFAULT);
        assert_eq!(
            e.raise_fault(Fault::Usage(UsageCause::Undefined), &cpu),
            FaultOutcome::Lockup
        );
    }

    #[test]
    fn trace_clock_counts_only_while_trcena_is_set() {
        let (mut e, _) = state();
        assert_eq!(e.trace_cycles(100), 0);
        e.set_demcr(1 << 24, 100);
        assert_eq!(e.trace_cycles(150), 50);
        e.set_demcr(1 << 24, 160); // still on: no restart
        e.set_demcr(0, 200);
        assert_eq!(e.trace_cycles(1000), 100);
        e.set_demcr(1 << 24, 1000);
        assert_eq!(e.trace_cycles(1010), 110);
    }

    #[test]
    fn reset_returns_to_power_on_state() {
        let (mut e, _) = state();
        e.set_irq_enabled(20, true);
        e.set_pending(20);
        e.activate(num::SVCALL);
        e.set_priority_byte(num::SYSTICK, 0x80);
        e.vtor = 0x2000_0000;
        e.cfsr = cfsr::INVPC;
        e.reset_requested = true;
        e.reset();
        assert!(!e.irq_enabled(20) && !e.is_pending(20) && !e.is_active(num::SVCALL));
        assert_eq!(e.priority_byte(num::SYSTICK), 0);
        assert_eq!((e.vtor, e.cfsr), (e.reset_vtor, 0));
        assert!(!e.reset_requested);
        assert_ne!(e.ccr & ccr::STKALIGN, 0);
    }

    #[test]
    fn prigroup_splits_group_and_subpriority() {
        let (mut e, mut cpu) = state();
        e.prigroup = 5; // group = bits [7:6]
        e.set_priority_byte(num::PENDSV, 0x60);
        e.set_priority_byte(num::SYSTICK, 0x40);
        e.activate(num::SYSTICK);
        e.set_pending(num::PENDSV);
        // 0x60 and 0x40 share group 0x40: no preemption.
        assert_eq!(e.pending_to_take(&cpu), None);
        e.deactivate(num::SYSTICK);
        cpu.ipsr = 0;
        assert_eq!(e.pending_to_take(&cpu), Some(num::PENDSV));
    }

    #[test]
    fn a_line_still_high_pends_again_on_return_and_survives_icpr() {
        let (mut e, cpu) = state();
        let n = num::IRQ0 + 7;
        e.set_irq_enabled(n, true);
        let mut line = IrqLine::new(Some(7));
        line.drive(true, &mut e);
        assert_eq!(
            e.pending_to_take(&cpu),
            Some(n),
            "the rising line pends the IRQ"
        );
        e.activate(n);
        assert!(
            !e.is_pending(n),
            "entry clears pending; the line stays high"
        );
        line.drive(true, &mut e); // no change: no new edge while active
        assert!(!e.is_pending(n));
        e.deactivate(n);
        assert!(
            e.is_pending(n),
            "returned with the line high: pending again"
        );
        e.clear_pending(n);
        assert!(
            e.is_pending(n),
            "ICPR while the line is high changes nothing"
        );
        line.drive(false, &mut e);
        assert!(
            e.is_pending(n),
            "a latched pend survives the line going low"
        );
        e.clear_pending(n);
        assert!(!e.is_pending(n));
        e.activate(n);
        e.deactivate(n);
        assert!(!e.is_pending(n), "a low line does not pend on return");
    }

    #[test]
    fn a_shared_line_is_high_while_any_source_drives_it() {
        let (mut e, _) = state();
        let n = num::IRQ0 + 25;
        let (mut a, mut b) = (IrqLine::new(Some(25)), IrqLine::new(Some(25)));
        a.drive(true, &mut e);
        b.drive(true, &mut e);
        a.drive(false, &mut e);
        assert!(e.line_high(n));
        b.drive(false, &mut e);
        assert!(!e.line_high(n));
        // A line without an IRQ or beyond the board's IRQs does nothing.
        IrqLine::new(None).drive(true, &mut e);
        IrqLine::new(Some(4000)).drive(true, &mut e);
        let pending: Vec<u16> = (0..=e.max_exception())
            .filter(|&i| e.is_pending(i))
            .collect();
        assert_eq!(pending, [n]);
    }

    #[test]
    fn clearing_all_active_pends_irqs_whose_line_is_high() {
        let (mut e, _) = state();
        let n = num::IRQ0 + 2;
        let mut line = IrqLine::new(Some(2));
        line.drive(true, &mut e);
        e.activate(n);
        e.activate(num::SVCALL);
        e.clear_all_active();
        assert_eq!(e.active_count(), 0);
        assert!(e.is_pending(n) && !e.is_pending(num::SVCALL));
    }
}

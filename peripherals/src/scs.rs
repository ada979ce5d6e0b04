//! The System Control Space at 0xE000_E000 (ARMv7-M B3.2–B3.4, ARMv6-M B3.2–B3.4): SysTick,
//! NVIC, SCB, the FP control registers and DEMCR, as one register table over the NVIC/SCB state
//! of [`ExceptionState`].
//!
//! Not modelled (documented so that nobody relies on them): unprivileged-access faults on SCS
//! registers (the device does not see the CPU's privilege); the MPU (its registers read as
//! zero: MPU_TYPE says "no MPU"); debug halting (DHCSR reads 0: no debugger attached);
//! CPUID feature registers ID_PFR/ID_MMFR/ID_ISAR (read as zero).

use sim_core::board::{Arch, Board, CoreProfile, FpuKind};
use sim_core::clock::Clock;
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};
use sim_core::exception::{num, ExceptionState};

/// Base address of the SCS.
pub const SCS_BASE: u32 = 0xE000_E000;
/// Size of the SCS window.
pub const SCS_SIZE: u32 = 0x1000;

/// What a register is; the behaviour lives in [`Scs::read_reg`] / [`Scs::write_reg`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reg {
    Ictr,
    Actlr,
    SystCsr,
    SystRvr,
    SystCvr,
    SystCalib,
    Iser,
    Icer,
    Ispr,
    Icpr,
    Iabr,
    Ipr,
    Cpuid,
    Icsr,
    Vtor,
    Aircr,
    Scr,
    Ccr,
    Shpr,
    Shcsr,
    Cfsr,
    Hfsr,
    Dfsr,
    Mmfar,
    Bfar,
    Afsr,
    Cpacr,
    Dhcsr,
    Demcr,
    Stir,
    Fpccr,
    Fpcar,
    Fpdscr,
    Mvfr,
    Clidr,
    Ctr,
    Ccsidr,
    Csselr,
    /// Cortex-M7 cache maintenance operations (write-only).
    CacheOp,
    /// Read-as-zero, writes ignored (MPU, ID registers, debug transfer registers).
    Raz,
}

/// Which architectures have a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Has {
    /// ARMv6-M and ARMv7-M.
    All,
    /// ARMv7-M only (RAZ/WI on ARMv6-M).
    V7,
    /// Only with an FPU.
    Fpu,
    /// Only on a core with caches (Cortex-M7).
    Cache,
}

/// One row of the register table: offset from 0xE000_E000, number of consecutive words,
/// name, manual section (ARMv7-M ARM DDI 0403E unless noted), availability, behaviour.
struct RegDef {
    offset: u32,
    words: u32,
    name: &'static str,
    section: &'static str,
    has: Has,
    reg: Reg,
}

const fn r(
    offset: u32,
    words: u32,
    name: &'static str,
    section: &'static str,
    has: Has,
    reg: Reg,
) -> RegDef {
    RegDef {
        offset,
        words,
        name,
        section,
        has,
        reg,
    }
}

/// The SCS register table.
const REGS: &[RegDef] = &[
    r(0x004, 1, "ICTR", "B3.4.1", Has::V7, Reg::Ictr),
    r(0x008, 1, "ACTLR", "B3.2.26", Has::All, Reg::Actlr),
    r(0x010, 1, "SYST_CSR", "B3.3.3", Has::All, Reg::SystCsr),
    r(0x014, 1, "SYST_RVR", "B3.3.4", Has::All, Reg::SystRvr),
    r(0x018, 1, "SYST_CVR", "B3.3.5", Has::All, Reg::SystCvr),
    r(0x01C, 1, "SYST_CALIB", "B3.3.6", Has::All, Reg::SystCalib),
    r(0x100, 16, "NVIC_ISER", "B3.4.4", Has::All, Reg::Iser),
    r(0x180, 16, "NVIC_ICER", "B3.4.5", Has::All, Reg::Icer),
    r(0x200, 16, "NVIC_ISPR", "B3.4.6", Has::All, Reg::Ispr),
    r(0x280, 16, "NVIC_ICPR", "B3.4.7", Has::All, Reg::Icpr),
    r(0x300, 16, "NVIC_IABR", "B3.4.8", Has::V7, Reg::Iabr),
    r(0x400, 124, "NVIC_IPR", "B3.4.9", Has::All, Reg::Ipr),
    r(0xD00, 1, "CPUID", "B3.2.3", Has::All, Reg::Cpuid),
    r(0xD04, 1, "ICSR", "B3.2.4", Has::All, Reg::Icsr),
    r(0xD08, 1, "VTOR", "B3.2.5", Has::All, Reg::Vtor),
    r(0xD0C, 1, "AIRCR", "B3.2.6", Has::All, Reg::Aircr),
    r(0xD10, 1, "SCR", "B3.2.7", Has::All, Reg::Scr),
    r(0xD14, 1, "CCR", "B3.2.8", Has::All, Reg::Ccr),
    r(0xD18, 1, "SHPR1", "B3.2.10", Has::V7, Reg::Shpr),
    r(0xD1C, 2, "SHPR2/SHPR3", "B3.2.11-12", Has::All, Reg::Shpr),
    r(0xD24, 1, "SHCSR", "B3.2.13", Has::V7, Reg::Shcsr),
    r(0xD28, 1, "CFSR", "B3.2.15", Has::V7, Reg::Cfsr),
    r(0xD2C, 1, "HFSR", "B3.2.16", Has::V7, Reg::Hfsr),
    r(0xD30, 1, "DFSR", "C1.6.1", Has::All, Reg::Dfsr),
    r(0xD34, 1, "MMFAR", "B3.2.17", Has::V7, Reg::Mmfar),
    r(0xD38, 1, "BFAR", "B3.2.18", Has::V7, Reg::Bfar),
    r(0xD3C, 1, "AFSR", "B3.2.19", Has::V7, Reg::Afsr),
    r(0xD40, 14, "ID_PFR0..ID_ISAR5", "B4.1", Has::V7, Reg::Raz),
    r(0xD78, 1, "CLIDR", "B4.8.1", Has::Cache, Reg::Clidr),
    r(0xD7C, 1, "CTR", "B4.8.2", Has::Cache, Reg::Ctr),
    r(0xD80, 1, "CCSIDR", "B4.8.3", Has::Cache, Reg::Ccsidr),
    r(0xD84, 1, "CSSELR", "B4.8.4", Has::Cache, Reg::Csselr),
    r(0xD88, 1, "CPACR", "B3.2.20", Has::Fpu, Reg::Cpacr),
    r(
        0xD90,
        12,
        "MPU_TYPE..MPU_RASR_A3",
        "B3.5",
        Has::All,
        Reg::Raz,
    ),
    r(0xDF0, 1, "DHCSR", "C1.6.2", Has::All, Reg::Dhcsr),
    r(0xDF4, 2, "DCRSR/DCRDR", "C1.6.3-4", Has::All, Reg::Raz),
    r(0xDFC, 1, "DEMCR", "C1.6.5", Has::All, Reg::Demcr),
    r(0xF00, 1, "STIR", "B3.4.3", Has::V7, Reg::Stir),
    r(0xF34, 1, "FPCCR", "B3.2.23", Has::Fpu, Reg::Fpccr),
    r(0xF38, 1, "FPCAR", "B3.2.24", Has::Fpu, Reg::Fpcar),
    r(0xF3C, 1, "FPDSCR", "B3.2.25", Has::Fpu, Reg::Fpdscr),
    r(0xF40, 3, "MVFR0..MVFR2", "B4.6", Has::Fpu, Reg::Mvfr),
    r(
        0xF50,
        11,
        "ICIALLU..BPIALL",
        "B2.2.7",
        Has::Cache,
        Reg::CacheOp,
    ),
];

fn lookup(offset: u32) -> Option<(&'static RegDef, u32)> {
    REGS.iter()
        .find(|d| offset >= d.offset && offset < d.offset + 4 * d.words)
        .map(|d| (d, (offset - d.offset) / 4))
}

/// The name and manual section of the SCS register at `offset` (for the TUI and reports).
pub fn register_name(offset: u32) -> Option<(&'static str, &'static str)> {
    lookup(offset & !3).map(|(d, _)| (d.name, d.section))
}

mod csr {
    pub const ENABLE: u32 = 1 << 0;
    pub const TICKINT: u32 = 1 << 1;
    pub const CLKSOURCE: u32 = 1 << 2;
    pub const COUNTFLAG: u32 = 1 << 16;
}

mod icsr {
    pub const NMIPENDSET: u32 = 1 << 31;
    pub const PENDSVSET: u32 = 1 << 28;
    pub const PENDSVCLR: u32 = 1 << 27;
    pub const PENDSTSET: u32 = 1 << 26;
    pub const PENDSTCLR: u32 = 1 << 25;
    pub const ISRPENDING: u32 = 1 << 22;
    pub const RETTOBASE: u32 = 1 << 11;
}

/// SysTick (ARMv7-M B3.3): a 24-bit down counter on the core clock, computed lazily from
/// `now`. The counter reloads from RVR on the cycle after it reaches zero; reaching zero from
/// one sets COUNTFLAG and, with TICKINT, pends SysTick. So the period is RVR + 1 cycles.
///
/// SYST_CALIB reports NOREF (no reference clock): CLKSOURCE reads as one and the counter
/// always runs on the core clock.
#[derive(Debug, Clone, Default)]
struct SysTick {
    enabled: bool,
    tickint: bool,
    countflag: bool,
    rvr: u32,
    /// Counter value at `base` (while enabled) or the held value (while disabled).
    value: u32,
    /// Cycle at which `value` was taken.
    base: u64,
    /// Zeros up to and including this cycle have been accounted for.
    seen: u64,
}

impl SysTick {
    fn period(&self) -> u64 {
        u64::from(self.rvr) + 1
    }

    /// Cycle offset from `base` of the first zero reached by counting, if any.
    fn first_zero(&self) -> Option<u64> {
        if self.value != 0 {
            Some(u64::from(self.value))
        } else if self.rvr != 0 {
            Some(self.period())
        } else {
            None
        }
    }

    /// The j-th zero is at base + first + j * period (only j = 0 when RVR is 0).
    fn next_zero_after(&self, t: u64) -> Option<u64> {
        if !self.enabled {
            return None;
        }
        let first = self.base + self.first_zero()?;
        if t < first {
            return Some(first);
        }
        if self.rvr == 0 {
            return None;
        }
        let p = self.period();
        Some(first + ((t - first) / p + 1) * p)
    }

    fn value_at(&self, now: u64) -> u32 {
        if !self.enabled {
            return self.value;
        }
        let e = now.saturating_sub(self.base);
        if e == 0 {
            return self.value;
        }
        let Some(first) = self.first_zero() else {
            return 0;
        };
        if e < first {
            return (first - e) as u32;
        }
        if self.rvr == 0 {
            return 0;
        }
        let k = (e - first) % self.period();
        if k == 0 {
            0
        } else {
            (self.period() - k) as u32
        }
    }

    /// Accounts for zeros in (seen, now]: COUNTFLAG and the SysTick pend.
    fn catch_up(&mut self, now: u64, exc: &mut ExceptionState) {
        if now <= self.seen {
            return;
        }
        if self.next_zero_after(self.seen).is_some_and(|z| z <= now) {
            self.countflag = true;
            if self.tickint {
                exc.set_pending(num::SYSTICK);
            }
        }
        self.seen = now;
    }

    fn countflag_at(&self, now: u64) -> bool {
        self.countflag || self.next_zero_after(self.seen).is_some_and(|z| z <= now)
    }

    fn csr(&self, now: u64) -> u32 {
        let mut v = csr::CLKSOURCE;
        if self.enabled {
            v |= csr::ENABLE;
        }
        if self.tickint {
            v |= csr::TICKINT;
        }
        if self.countflag_at(now) {
            v |= csr::COUNTFLAG;
        }
        v
    }

    /// Re-bases the lazy counter at `now` (before any change of its parameters).
    fn rebase(&mut self, now: u64) {
        self.value = self.value_at(now);
        self.base = now;
    }

    fn write_csr(&mut self, v: u32, now: u64) {
        self.rebase(now);
        self.enabled = v & csr::ENABLE != 0;
        self.tickint = v & csr::TICKINT != 0;
    }

    fn write_rvr(&mut self, v: u32, now: u64) {
        self.rebase(now);
        self.rvr = v & 0x00FF_FFFF;
    }

    fn write_cvr(&mut self, now: u64) {
        self.rebase(now);
        self.value = 0;
        self.countflag = false;
    }
}

/// The System Control Space device.
#[derive(Debug, Clone)]
pub struct Scs {
    arch: Arch,
    cpuid: u32,
    fpu: FpuKind,
    clock_hz: u64,
    systick: SysTick,
    actlr: u32,
    dfsr: u32,
    /// Cortex-M7 cache identification: CCSIDR of the data cache and of the instruction
    /// cache (0: none), and CSSELR.
    ccsidr: [u32; 2],
    csselr: u32,
}

/// CCSIDR of a Cortex-M7 cache of `bytes` in `ways` with 32-byte lines (ARMv7-M B4.8.3;
/// Cortex-M7 TRM DDI 0489 §4.1: the data cache is write-through/write-back/read- and
/// write-allocate capable, the instruction cache read-allocate), 0 when there is none.
fn ccsidr(bytes: u32, ways: u32, data: bool) -> u32 {
    if bytes == 0 || ways == 0 {
        return 0;
    }
    let sets = bytes / 32 / ways;
    let policy = if data { 0xF000_0000 } else { 0x2000_0000 };
    policy | ((sets.max(1) - 1) << 13) | ((ways - 1) << 3) | 1
}

/// CPUID for a core profile: implementer Arm (0x41), the part number of the core and the
/// revision QEMU reports for it (so that differential tests agree); the Cortex-M0+ value is
/// r0p1 as on RP2040 (Cortex-M0+ TRM DDI 0484C §4.3.2).
pub fn cpuid(core: CoreProfile) -> u32 {
    match core {
        CoreProfile::CortexM0plus => 0x410C_C601,
        CoreProfile::CortexM3 => 0x410F_C231,
        CoreProfile::CortexM4 | CoreProfile::CortexM4f => 0x410F_C240,
        CoreProfile::CortexM7 => 0x411F_C272,
    }
}

/// MVFR0..MVFR2 for an FPU (Cortex-M4 TRM DDI 0439 §7.3, Cortex-M7 TRM DDI 0489 §3.3).
fn mvfr(fpu: FpuKind, i: u32) -> u32 {
    match (fpu, i) {
        (FpuKind::None, _) => 0,
        (FpuKind::Fpv4Sp, 0) | (FpuKind::Fpv5Sp, 0) => 0x1011_0021,
        (FpuKind::Fpv5Dp, 0) => 0x1011_0221,
        (FpuKind::Fpv4Sp, 1) => 0x1100_0011,
        (FpuKind::Fpv5Sp | FpuKind::Fpv5Dp, 1) => 0x1200_0011,
        (FpuKind::Fpv5Sp | FpuKind::Fpv5Dp, 2) => 0x0000_0040,
        _ => 0,
    }
}

const VECTKEY: u32 = 0x05FA;

impl Scs {
    /// The SCS of `board`.
    pub fn new(board: &Board) -> Scs {
        Scs {
            arch: board.core.arch(),
            cpuid: cpuid(board.core),
            fpu: board.fpu(),
            clock_hz: board.clock_hz,
            systick: SysTick::default(),
            actlr: 0,
            dfsr: 0,
            ccsidr: match (&board.flash_accel, board.core) {
                // The Cortex-M7's L1 caches are the flash accelerator of an M7 board.
                (Some(a), CoreProfile::CortexM7) => [
                    ccsidr(a.dcache_bytes, a.dcache_ways, true),
                    ccsidr(a.icache_bytes, a.icache_ways, false),
                ],
                _ => [0, 0],
            },
            csselr: 0,
        }
    }

    fn present(&self, has: Has) -> bool {
        match has {
            Has::All => true,
            Has::V7 => self.arch != Arch::V6M,
            Has::Fpu => self.fpu != FpuKind::None,
            Has::Cache => self.cpuid == cpuid(CoreProfile::CortexM7),
        }
    }

    fn calib(&self) -> u32 {
        // NOREF: no reference clock. TENMS: reload for 10 ms at the core clock when it fits
        // 24 bits, else 0 with SKEW.
        let tenms = self.clock_hz / 100;
        if tenms >= 1 && tenms - 1 <= 0x00FF_FFFF {
            (1 << 31) | (tenms as u32 - 1)
        } else {
            (1 << 31) | (1 << 30)
        }
    }

    /// The exception IPSR would show: the active exception with the highest group priority
    /// (the one that preempted the others), or 0 in thread mode.
    fn vectactive(exc: &ExceptionState) -> u32 {
        let mut best: Option<(i16, u16)> = None;
        for n in 1..=exc.max_exception() {
            if exc.is_active(n) {
                let p = exc.group(exc.priority(n));
                if best.is_none_or(|(bp, _)| p <= bp) {
                    best = Some((p, n));
                }
            }
        }
        best.map_or(0, |(_, n)| u32::from(n))
    }

    fn icsr(&self, now: u64, exc: &ExceptionState) -> u32 {
        let mut v = Self::vectactive(exc);
        if let Some((n, _)) = exc.highest_pending() {
            v |= u32::from(n) << 12;
        }
        if self.arch != Arch::V6M && exc.active_count() <= 1 {
            v |= icsr::RETTOBASE;
        }
        let irq_pending =
            (num::IRQ0..=exc.max_exception()).any(|n| exc.is_pending(n) && exc.enabled(n));
        if irq_pending {
            v |= icsr::ISRPENDING;
        }
        if exc.is_pending(num::NMI) {
            v |= icsr::NMIPENDSET;
        }
        if exc.is_pending(num::PENDSV) {
            v |= icsr::PENDSVSET;
        }
        let systick_due = self.systick.tickint
            && self
                .systick
                .next_zero_after(self.systick.seen)
                .is_some_and(|z| z <= now);
        if exc.is_pending(num::SYSTICK) || systick_due {
            v |= icsr::PENDSTSET;
        }
        v
    }

    fn shcsr(exc: &ExceptionState) -> u32 {
        let mut v = exc.shcsr & 0x0007_0000;
        for (bit, n, active) in [
            (0, num::MEMMANAGE, true),
            (1, num::BUSFAULT, true),
            (3, num::USAGEFAULT, true),
            (7, num::SVCALL, true),
            (8, num::DEBUGMON, true),
            (10, num::PENDSV, true),
            (11, num::SYSTICK, true),
            (12, num::USAGEFAULT, false),
            (13, num::MEMMANAGE, false),
            (14, num::BUSFAULT, false),
            (15, num::SVCALL, false),
        ] {
            let on = if active {
                exc.is_active(n)
            } else {
                exc.is_pending(n)
            };
            if on {
                v |= 1 << bit;
            }
        }
        v
    }

    /// Reads a whole register word without side effects (COUNTFLAG is not cleared).
    fn read_reg(&self, def: &RegDef, index: u32, now: u64, exc: &ExceptionState) -> u32 {
        if !self.present(def.has) {
            return 0;
        }
        let irq_word = |set: &dyn Fn(u16) -> bool| -> u32 {
            let mut v = 0;
            for b in 0..32 {
                let n = num::IRQ0 as u32 + index * 32 + b;
                if n <= u32::from(exc.max_exception()) && set(n as u16) {
                    v |= 1 << b;
                }
            }
            v
        };
        match def.reg {
            Reg::Ictr => exc.irqs.div_ceil(32).saturating_sub(1),
            Reg::Actlr => self.actlr,
            Reg::SystCsr => self.systick.csr(now),
            Reg::SystRvr => self.systick.rvr,
            Reg::SystCvr => self.systick.value_at(now),
            Reg::SystCalib => self.calib(),
            Reg::Iser | Reg::Icer => irq_word(&|n| exc.irq_enabled(n)),
            Reg::Ispr | Reg::Icpr => irq_word(&|n| exc.is_pending(n)),
            Reg::Iabr => irq_word(&|n| exc.is_active(n)),
            Reg::Ipr => {
                let first = num::IRQ0 as u32 + 4 * index;
                (0..4).fold(0, |v, i| {
                    let n = first + i;
                    let b = if n <= u32::from(exc.max_exception()) {
                        exc.priority_byte(n as u16)
                    } else {
                        0
                    };
                    v | (u32::from(b) << (8 * i))
                })
            }
            Reg::Cpuid => self.cpuid,
            Reg::Icsr => self.icsr(now, exc),
            Reg::Vtor => exc.vtor,
            Reg::Aircr => {
                let mut v = 0xFA05 << 16;
                if self.arch != Arch::V6M {
                    v |= u32::from(exc.prigroup) << 8;
                }
                v
            }
            Reg::Scr => exc.scr,
            Reg::Ccr => exc.ccr,
            Reg::Shpr => {
                // SHPR1 = exceptions 4..7, SHPR2 = 8..11, SHPR3 = 12..15.
                let first = 4 + 4 * ((def.offset - 0xD18) / 4 + index) as u16;
                (0..4).fold(0, |v, i| {
                    v | (u32::from(exc.priority_byte(first + i)) << (8 * i))
                })
            }
            Reg::Shcsr => Self::shcsr(exc),
            Reg::Cfsr => exc.cfsr,
            Reg::Hfsr => exc.hfsr,
            Reg::Dfsr => self.dfsr,
            Reg::Mmfar => exc.mmfar,
            Reg::Bfar => exc.bfar,
            Reg::Afsr | Reg::Dhcsr | Reg::Stir | Reg::Raz => 0,
            Reg::Cpacr => exc.cpacr,
            Reg::Demcr => exc.demcr,
            Reg::Fpccr => exc.fpccr,
            Reg::Fpcar => exc.fpcar,
            Reg::Fpdscr => exc.fpdscr,
            Reg::Mvfr => mvfr(self.fpu, index),
            // Cortex-M7 TRM §4.1: separate I and D caches at level 1 (LoUU, LoC, LoUIS 1).
            Reg::Clidr if self.ccsidr != [0, 0] => 0x0900_0003,
            Reg::Clidr => 0,
            // Cortex-M7 TRM §4.1: format 4, 32-byte lines, 32-byte granules.
            Reg::Ctr => 0x8303_C003,
            Reg::Ccsidr => self.ccsidr[(self.csselr & 1) as usize],
            Reg::Csselr => self.csselr,
            Reg::CacheOp => 0,
        }
    }

    /// Writes the bytes of `value` selected by `mask` into a register word.
    fn write_reg(&mut self, def: &RegDef, index: u32, value: u32, mask: u32, ctx: &mut DeviceCtx) {
        if !self.present(def.has) {
            return;
        }
        let now = ctx.now;
        let exc = &mut *ctx.exc;
        let old = self.read_reg(def, index, now, exc);
        let merged = (old & !mask) | (value & mask);
        let ones = value & mask; // for write-one-to-set/clear registers
        let each_irq = |exc: &mut ExceptionState, f: &dyn Fn(&mut ExceptionState, u16)| {
            for b in 0..32 {
                if ones & (1 << b) != 0 {
                    let n = u32::from(num::IRQ0) + index * 32 + b;
                    if n <= u32::from(exc.max_exception()) {
                        f(exc, n as u16);
                    }
                }
            }
        };
        match def.reg {
            Reg::Actlr => self.actlr = merged & 0x0000_0307,
            Reg::SystCsr => {
                self.systick.catch_up(now, exc);
                self.systick.write_csr(merged, now);
            }
            Reg::SystRvr => {
                self.systick.catch_up(now, exc);
                self.systick.write_rvr(merged, now);
            }
            Reg::SystCvr => {
                self.systick.catch_up(now, exc);
                self.systick.write_cvr(now);
            }
            Reg::Iser => each_irq(exc, &|e, n| e.set_irq_enabled(n, true)),
            Reg::Icer => each_irq(exc, &|e, n| e.set_irq_enabled(n, false)),
            Reg::Ispr => each_irq(exc, &|e, n| e.set_pending(n)),
            Reg::Icpr => each_irq(exc, &|e, n| e.clear_pending(n)),
            Reg::Ipr => {
                for i in 0..4u32 {
                    if mask & (0xFF << (8 * i)) != 0 {
                        let n = u32::from(num::IRQ0) + 4 * index + i;
                        if n <= u32::from(exc.max_exception()) {
                            exc.set_priority_byte(n as u16, (value >> (8 * i)) as u8);
                        }
                    }
                }
            }
            Reg::Shpr => {
                let first = 4 + 4 * ((def.offset - 0xD18) / 4 + index) as u16;
                for i in 0..4u16 {
                    if mask & (0xFF << (8 * i)) != 0 {
                        exc.set_priority_byte(first + i, (value >> (8 * i)) as u8);
                    }
                }
            }
            Reg::Icsr => {
                if ones & icsr::NMIPENDSET != 0 {
                    exc.set_pending(num::NMI);
                }
                if ones & icsr::PENDSVSET != 0 {
                    exc.set_pending(num::PENDSV);
                } else if ones & icsr::PENDSVCLR != 0 {
                    exc.clear_pending(num::PENDSV);
                }
                if ones & icsr::PENDSTSET != 0 {
                    exc.set_pending(num::SYSTICK);
                } else if ones & icsr::PENDSTCLR != 0 {
                    self.systick.catch_up(now, exc);
                    exc.clear_pending(num::SYSTICK);
                }
            }
            Reg::Vtor => {
                // TBLOFF: bits [31:7] (ARMv7-M; the minimum alignment of 128 bytes);
                // ARMv6-M (Cortex-M0+ with the VTOR option) bits [31:8].
                exc.vtor = merged & if self.arch == Arch::V6M { !0xFF } else { !0x7F };
            }
            Reg::Aircr => {
                if value >> 16 != VECTKEY || mask != u32::MAX {
                    return;
                }
                if self.arch != Arch::V6M {
                    exc.prigroup = ((value >> 8) & 7) as u8;
                    exc.dirty = true;
                    if value & 1 != 0 {
                        exc.reset_requested = true; // VECTRESET (debug only; treated as reset)
                    }
                    if value & 2 != 0 {
                        exc.clear_all_active(); // VECTCLRACTIVE
                    }
                }
                if value & 4 != 0 {
                    exc.reset_requested = true;
                    exc.dirty = true;
                }
            }
            Reg::Scr => exc.scr = merged & 0x16,
            Reg::Ccr => {
                if self.arch != Arch::V6M {
                    // NONBASETHRDENA, USERSETMPEND, UNALIGN_TRP, DIV_0_TRP, BFHFNMIGN,
                    // STKALIGN; on Cortex-M7 also DC (16), IC (17) and BP (18): the cache
                    // enables switch the board's flash accelerator model, which stands for
                    // the L1 caches on an M7 board.
                    let cache = if self.present(Has::Cache) {
                        0x0007_0000
                    } else {
                        0
                    };
                    exc.ccr = merged & (0x031B | cache);
                    if let (true, Some(a)) = (cache != 0, &mut ctx.map.accel) {
                        let (dc, ic) = (exc.ccr & (1 << 16) != 0, exc.ccr & (1 << 17) != 0);
                        if (ic, dc) != (a.icache_on(), a.dcache_on()) {
                            a.set_switches(ic, dc, a.prefetch_on);
                            *ctx.code_epoch += 1;
                        }
                    }
                }
            }
            Reg::Csselr => self.csselr = merged & 1,
            Reg::CacheOp => {
                // ICIALLU invalidates the instruction cache; the data-cache operations
                // (by address or set/way) change no data in thimble, whose data cache
                // holds only flash lines, and are accepted as no-ops.
                if index == 0 {
                    if let Some(a) = &mut ctx.map.accel {
                        let (i, d, p) = (a.icache_on(), a.dcache_on(), a.prefetch_on);
                        a.set_switches(false, d, p);
                        a.set_switches(i, d, p);
                    }
                }
            }
            Reg::Shcsr => {
                exc.shcsr = merged & 0x0007_0000;
                for (bit, n) in [
                    (12, num::USAGEFAULT),
                    (13, num::MEMMANAGE),
                    (14, num::BUSFAULT),
                    (15, num::SVCALL),
                ] {
                    if merged & (1 << bit) != 0 {
                        exc.set_pending(n);
                    } else {
                        exc.clear_pending(n);
                    }
                }
                exc.dirty = true;
            }
            Reg::Cfsr => exc.cfsr &= !ones,
            Reg::Hfsr => exc.hfsr &= !ones,
            Reg::Dfsr => self.dfsr &= !ones,
            Reg::Mmfar => exc.mmfar = merged,
            Reg::Bfar => exc.bfar = merged,
            Reg::Cpacr => {
                exc.cpacr = merged & 0x00F0_0000;
                // Ends the run batch: the executor caches its FP access check per batch.
                exc.dirty = true;
            }
            Reg::Demcr => exc.set_demcr(merged & 0x010F_07F1, now),
            Reg::Stir => exc.set_pending(num::IRQ0 + (value & 0x1FF) as u16),
            Reg::Fpccr => {
                // LSPEN, ASPEN writable; the lazy-state bits too (privileged software may).
                exc.fpccr = merged & 0xC000_017B;
                exc.dirty = true; // as for CPACR
            }
            Reg::Fpcar => exc.fpcar = merged & !7,
            Reg::Fpdscr => exc.fpdscr = merged & 0x07C0_0000,
            Reg::Ictr
            | Reg::SystCalib
            | Reg::Iabr
            | Reg::Cpuid
            | Reg::Afsr
            | Reg::Dhcsr
            | Reg::Mvfr
            | Reg::Clidr
            | Reg::Ctr
            | Reg::Ccsidr
            | Reg::Raz => {}
        }
    }
}

fn lane(offset: u32, width: Width) -> (u32, u32) {
    let shift = 8 * (offset & 3);
    let mask = match width {
        1 => 0xFF,
        2 => 0xFFFF,
        _ => u32::MAX,
    };
    (shift, mask)
}

impl Device for Scs {
    fn name(&self) -> &str {
        "SCS"
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        let Some((def, index)) = lookup(offset & !3) else {
            return Ok(0);
        };
        if def.reg == Reg::SystCsr || def.reg == Reg::Icsr {
            self.systick.catch_up(ctx.now, ctx.exc);
        }
        let v = self.read_reg(def, index, ctx.now, ctx.exc);
        if def.reg == Reg::SystCsr {
            self.systick.countflag = false; // COUNTFLAG clears on read
        }
        let (shift, mask) = lane(offset, width);
        Ok((v >> shift) & mask)
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let Some((def, index)) = lookup(offset & !3) else {
            return Ok(());
        };
        let (shift, mask) = lane(offset, width);
        self.write_reg(def, index, (value & mask) << shift, mask << shift, ctx);
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, at: &Peek) -> Option<u32> {
        let (now, exc) = (at.now, at.exc);
        let (def, index) = lookup(offset & !3)?;
        let v = self.read_reg(def, index, now, exc);
        let (shift, mask) = lane(offset, width);
        Some((v >> shift) & mask)
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        // SysTick counts core cycles: its next zero is a cycle, turned into time at the
        // current core clock.
        if self.systick.tickint {
            self.systick
                .next_zero_after(self.systick.seen)
                .map(|c| clock.segment().ps_at(c))
        } else {
            None
        }
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.systick.catch_up(ctx.now, ctx.exc);
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.systick = SysTick::default();
        self.actlr = 0;
        self.dfsr = 0;
        self.csselr = 0;
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::bus;
    use sim_core::bus::Bus;
    use sim_core::exception::{cfsr, hfsr, num, shcsr};

    const CSR: u32 = 0xE000_E010;
    const RVR: u32 = 0xE000_E014;
    const CVR: u32 = 0xE000_E018;
    const ICSR: u32 = 0xE000_ED04;

    fn at(bus: &mut Bus, now: u64) {
        bus.now = now;
        if bus.now >= bus.next_event {
            bus.service_events();
        }
    }

    #[test]
    fn systick_counts_down_on_the_core_clock_with_period_rvr_plus_one() {
        let mut b = bus("mps2-an386");
        b.now = 100;
        b.write32(RVR, 9).unwrap();
        b.write32(CVR, 1234).unwrap();
        assert_eq!(b.read32(CVR).unwrap(), 0, "a CVR write clears the counter");
        b.write32(CSR, 7).unwrap();
        let seq: Vec<u32> = (100..=122)
            .map(|t| {
                b.now = t;
                b.peek(CVR, 4).unwrap()
            })
            .collect();
        assert_eq!(
            seq,
            vec![0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8]
        );
    }

    #[test]
    fn systick_pends_exactly_when_it_reaches_zero() {
        let mut b = bus("mps2-an386");
        b.now = 1000;
        b.write32(RVR, 99).unwrap();
        b.write32(CVR, 0).unwrap();
        b.write32(CSR, 3).unwrap();
        assert_eq!(b.next_event, 1100);
        at(&mut b, 1099);
        assert!(!b.exc.is_pending(num::SYSTICK));
        at(&mut b, 1100);
        assert!(b.exc.is_pending(num::SYSTICK));
        assert_eq!(b.next_event, 1200);
        b.exc.clear_pending(num::SYSTICK);
        at(&mut b, 1250);
        assert!(b.exc.is_pending(num::SYSTICK), "late service still pends");
        assert_eq!(b.next_event, 1300);
    }

    #[test]
    fn systick_without_tickint_sets_countflag_only_and_it_clears_on_read() {
        let mut b = bus("mps2-an386");
        b.write32(RVR, 9).unwrap();
        b.write32(CSR, 5).unwrap(); // ENABLE | CLKSOURCE
        assert_eq!(b.next_event, u64::MAX, "no event needed without TICKINT");
        b.now = 5;
        assert_eq!(b.read32(CSR).unwrap() & (1 << 16), 0);
        b.now = 10;
        assert_eq!(b.peek(CSR, 4).unwrap() & (1 << 16), 1 << 16, "peek sees it");
        assert_eq!(
            b.peek(CSR, 4).unwrap() & (1 << 16),
            1 << 16,
            "peek does not clear"
        );
        assert_eq!(b.read32(CSR).unwrap(), 0x1_0005);
        assert_eq!(b.read32(CSR).unwrap(), 0x5, "COUNTFLAG cleared by the read");
        assert!(!b.exc.is_pending(num::SYSTICK));
        // A CVR write clears COUNTFLAG too.
        b.now = 20;
        b.write32(CVR, 0).unwrap();
        assert_eq!(b.read32(CSR).unwrap() & (1 << 16), 0);
    }

    #[test]
    fn systick_disable_holds_the_value_and_rvr_zero_stops_after_one_zero() {
        let mut b = bus("mps2-an386");
        b.write32(RVR, 100).unwrap();
        b.write32(CSR, 1).unwrap();
        b.now = 31;
        b.write32(CSR, 0).unwrap();
        assert_eq!(b.read32(CVR).unwrap(), 70);
        b.now = 500;
        assert_eq!(b.read32(CVR).unwrap(), 70);
        b.write32(RVR, 0).unwrap();
        b.write32(CSR, 3).unwrap();
        assert_eq!(b.next_event, 570);
        at(&mut b, 570);
        assert!(b.exc.is_pending(num::SYSTICK));
        assert_eq!(b.next_event, u64::MAX);
        b.now = 1000;
        assert_eq!(b.read32(CVR).unwrap(), 0);
    }

    #[test]
    fn nvic_registers_drive_the_exception_state() {
        let mut b = bus("mps2-an386");
        b.write32(0xE000_E100, (1 << 3) | (1 << 4)).unwrap(); // ISER0
        assert!(b.exc.irq_enabled(16 + 3) && b.exc.irq_enabled(16 + 4));
        assert_eq!(b.read32(0xE000_E100).unwrap(), 0x18);
        b.write32(0xE000_E180, 1 << 3).unwrap(); // ICER0
        assert!(!b.exc.irq_enabled(16 + 3));
        assert_eq!(b.read32(0xE000_E180).unwrap(), 0x10);
        b.write8(0xE000_E404, 0x5F).unwrap(); // IPR byte of IRQ4
        assert_eq!(b.exc.priority_byte(16 + 4), 0x40, "3 implemented bits");
        b.write32(0xE000_E404, 0xC040_8020).unwrap(); // IRQ4..7
        assert_eq!(b.exc.priority_byte(16 + 5), 0x80);
        assert_eq!(b.read32(0xE000_E404).unwrap(), 0xC040_8020);
        b.exc.dirty = false;
        b.write32(0xE000_E200, 1 << 4).unwrap(); // ISPR0
        assert!(b.exc.is_pending(16 + 4) && b.exc.dirty);
        assert_eq!(b.read32(0xE000_E280).unwrap(), 1 << 4);
        b.write32(0xE000_E280, 1 << 4).unwrap(); // ICPR0
        assert!(!b.exc.is_pending(16 + 4));
        b.exc.activate(16 + 4);
        assert_eq!(b.read32(0xE000_E300).unwrap(), 1 << 4); // IABR0
        b.write32(0xE000_EF00, 6).unwrap(); // STIR
        assert!(b.exc.is_pending(16 + 6));
        // IRQs beyond the board's 32 are RAZ/WI.
        b.write32(0xE000_E104, u32::MAX).unwrap();
        assert_eq!(b.read32(0xE000_E104).unwrap(), 0);
        assert_eq!(b.read32(0xE000_E004).unwrap(), 0, "ICTR: 32 lines");
    }

    #[test]
    fn icsr_pends_and_reports() {
        let mut b = bus("mps2-an386");
        b.write32(ICSR, 1 << 28).unwrap();
        assert!(b.exc.is_pending(num::PENDSV));
        assert_eq!(b.read32(ICSR).unwrap() & (1 << 28), 1 << 28);
        assert_eq!((b.read32(ICSR).unwrap() >> 12) & 0x1FF, 14, "VECTPENDING");
        b.write32(ICSR, 1 << 27).unwrap();
        assert!(!b.exc.is_pending(num::PENDSV));
        b.write32(ICSR, 1 << 26).unwrap();
        assert!(b.exc.is_pending(num::SYSTICK));
        b.write32(ICSR, 1 << 25).unwrap();
        assert!(!b.exc.is_pending(num::SYSTICK));
        b.write32(ICSR, 1 << 31).unwrap();
        assert!(b.exc.is_pending(num::NMI));
        b.exc.clear_pending(num::NMI);
        // VECTACTIVE and RETTOBASE.
        assert_eq!(b.read32(ICSR).unwrap() & 0x1FF, 0);
        assert_ne!(b.read32(ICSR).unwrap() & (1 << 11), 0);
        b.exc.set_priority_byte(16 + 4, 0x80);
        b.exc.set_priority_byte(16 + 5, 0x40);
        b.exc.activate(16 + 4);
        assert_eq!(b.read32(ICSR).unwrap() & 0x1FF, 20);
        assert_ne!(b.read32(ICSR).unwrap() & (1 << 11), 0, "only one active");
        b.exc.activate(16 + 5);
        assert_eq!(b.read32(ICSR).unwrap() & 0x1FF, 21);
        assert_eq!(
            b.read32(ICSR).unwrap() & (1 << 11),
            0,
            "a preempted one below"
        );
        b.exc.set_irq_enabled(16 + 6, true);
        b.exc.set_pending(16 + 6);
        assert_ne!(b.read32(ICSR).unwrap() & (1 << 22), 0, "ISRPENDING");
    }

    #[test]
    fn scb_configuration_registers() {
        let mut b = bus("mps2-an386");
        assert_eq!(b.read32(0xE000_ED00).unwrap(), 0x410F_C240);
        b.write32(0xE000_ED08, 0x2000_0480).unwrap();
        assert_eq!(b.exc.vtor, 0x2000_0480);
        b.write32(0xE000_ED08, 0x2000_04FF).unwrap();
        assert_eq!(b.exc.vtor, 0x2000_0480, "TBLOFF is 128-byte aligned");
        // AIRCR needs VECTKEY.
        b.write32(0xE000_ED0C, 0x0000_0500).unwrap();
        assert_eq!(b.exc.prigroup, 0);
        b.write32(0xE000_ED0C, 0x05FA_0500).unwrap();
        assert_eq!(b.exc.prigroup, 5);
        assert_eq!(b.read32(0xE000_ED0C).unwrap(), 0xFA05_0500);
        assert!(!b.exc.reset_requested);
        b.write32(0xE000_ED0C, 0x05FA_0004).unwrap();
        assert!(b.exc.reset_requested, "SYSRESETREQ");
        // SCR, CCR.
        b.write32(0xE000_ED10, 0xFF).unwrap();
        assert_eq!(b.exc.scr, 0x16);
        b.write32(0xE000_ED14, 0x218 | 0x1).unwrap();
        assert_eq!(b.exc.ccr, 0x219);
        // SHPR: SVCall in SHPR2[31:24], PendSV and SysTick in SHPR3.
        b.write8(0xE000_ED1F, 0x20).unwrap();
        assert_eq!(b.exc.priority_byte(num::SVCALL), 0x20);
        b.write32(0xE000_ED20, 0xE0C0_0000).unwrap();
        assert_eq!(b.exc.priority_byte(num::PENDSV), 0xC0);
        assert_eq!(b.exc.priority_byte(num::SYSTICK), 0xE0);
        b.write8(0xE000_ED18, 0x60).unwrap(); // SHPR1: MemManage
        assert_eq!(b.exc.priority_byte(num::MEMMANAGE), 0x60);
        // SHCSR enables and status.
        b.write32(0xE000_ED24, shcsr::USGFAULTENA | shcsr::BUSFAULTENA)
            .unwrap();
        assert!(b.exc.enabled(num::USAGEFAULT) && !b.exc.enabled(num::MEMMANAGE));
        b.exc.activate(num::SVCALL);
        assert_eq!(b.read32(0xE000_ED24).unwrap(), 0x6_0080);
        // CPACR, FP registers, MVFR.
        b.write32(0xE000_ED88, 0xFFFF_FFFF).unwrap();
        assert_eq!(b.exc.cpacr, 0x00F0_0000);
        assert_eq!(b.read32(0xE000_EF34).unwrap(), 0xC000_0000, "FPCCR reset");
        b.write32(0xE000_EF3C, 0xFFFF_FFFF).unwrap();
        assert_eq!(b.exc.fpdscr, 0x07C0_0000);
        assert_eq!(b.read32(0xE000_EF40).unwrap(), 0x1011_0021);
        assert_eq!(b.read32(0xE000_EF44).unwrap(), 0x1100_0011);
    }

    #[test]
    fn fault_status_registers_are_write_one_to_clear() {
        let mut b = bus("mps2-an386");
        b.exc.cfsr = cfsr::UNDEFINSTR | cfsr::DIVBYZERO | cfsr::PRECISERR | cfsr::BFARVALID;
        b.exc.hfsr = hfsr::FORCED;
        b.exc.bfar = 0x9000_0000;
        assert_eq!(b.read32(0xE000_ED28).unwrap(), b.exc.cfsr);
        assert_eq!(b.read16(0xE000_ED2A).unwrap(), 0x0201, "UFSR halfword");
        assert_eq!(b.read8(0xE000_ED29).unwrap(), 0x82, "BFSR byte");
        assert_eq!(b.read32(0xE000_ED38).unwrap(), 0x9000_0000);
        b.write32(0xE000_ED28, cfsr::UNDEFINSTR).unwrap();
        assert_eq!(
            b.exc.cfsr,
            cfsr::DIVBYZERO | cfsr::PRECISERR | cfsr::BFARVALID
        );
        b.write16(0xE000_ED2A, 0x0200).unwrap(); // UFSR: DIVBYZERO
        assert_eq!(b.exc.cfsr, cfsr::PRECISERR | cfsr::BFARVALID);
        b.write32(0xE000_ED28, 0).unwrap();
        assert_eq!(b.exc.cfsr, cfsr::PRECISERR | cfsr::BFARVALID, "zeros keep");
        b.write32(0xE000_ED2C, hfsr::FORCED).unwrap();
        assert_eq!(b.exc.hfsr, 0);
    }

    #[test]
    fn armv6m_has_the_subset_only() {
        let mut b = bus("pico");
        assert_eq!(b.read32(0xE000_ED00).unwrap(), 0x410C_C601);
        b.exc.cfsr = 0x10000;
        assert_eq!(b.read32(0xE000_ED28).unwrap(), 0, "no CFSR on v6-M");
        b.write32(0xE000_ED24, shcsr::USGFAULTENA).unwrap();
        assert_eq!(b.exc.shcsr, 0);
        b.write32(0xE000_ED14, 0).unwrap();
        assert_eq!(b.exc.ccr, 0x208, "CCR is fixed");
        b.write32(0xE000_ED0C, 0x05FA_0500).unwrap();
        assert_eq!(b.exc.prigroup, 0, "no PRIGROUP");
        b.write32(0xE000_ED88, 0x00F0_0000).unwrap();
        assert_eq!(b.read32(0xE000_ED88).unwrap(), 0, "no FPU");
        assert_eq!(b.read32(0xE000_EF40).unwrap(), 0);
        b.write32(0xE000_E404, 0xFFFF_FFFF).unwrap();
        assert_eq!(b.exc.priority_byte(16 + 4), 0xC0, "2 priority bits");
        b.write32(0xE000_ED20, 0xFF00_0000).unwrap();
        assert_eq!(b.exc.priority_byte(num::SYSTICK), 0xC0);
        assert_eq!(b.read32(ICSR).unwrap() & (1 << 11), 0, "no RETTOBASE");
    }

    #[test]
    fn register_table_names_registers() {
        assert_eq!(super::register_name(0xD28), Some(("CFSR", "B3.2.15")));
        assert_eq!(super::register_name(0x404).map(|n| n.0), Some("NVIC_IPR"));
        assert_eq!(super::register_name(0x0C0), None);
    }

    #[test]
    fn cortex_m7_cache_registers_switch_the_accelerator() {
        let mut b = bus("disco-f746ng");
        // The F746's 4 KB 4-way D-cache and 4 KB 2-way I-cache, 32-byte lines.
        assert_eq!(b.read32(0xE000_ED78).unwrap(), 0x0900_0003, "CLIDR");
        b.write32(0xE000_ED84, 0).unwrap();
        assert_eq!(b.read32(0xE000_ED80).unwrap(), 0xF003_E019, "CCSIDR, data");
        b.write32(0xE000_ED84, 1).unwrap();
        assert_eq!(
            b.read32(0xE000_ED80).unwrap(),
            0x2007_E009,
            "CCSIDR, instruction"
        );
        b.map
            .accel
            .as_mut()
            .unwrap()
            .set_switches(false, false, false);
        // SCB_EnableICache: ICIALLU, then CCR.IC; SCB_EnableDCache: DCISW..., then CCR.DC.
        b.write32(0xE000_EF50, 0).unwrap();
        let ccr = b.read32(0xE000_ED14).unwrap();
        b.write32(0xE000_ED14, ccr | (1 << 17)).unwrap();
        assert!(b.map.accel.as_ref().unwrap().icache_on());
        assert!(!b.map.accel.as_ref().unwrap().dcache_on());
        b.write32(0xE000_EF60, 0x4000_0000).unwrap();
        b.write32(0xE000_ED14, ccr | (3 << 16)).unwrap();
        assert!(b.map.accel.as_ref().unwrap().dcache_on());
        assert_eq!(b.read32(0xE000_ED14).unwrap() & (3 << 16), 3 << 16);
        // Cortex-M4: no caches, the bits stay clear.
        let mut m4 = bus("nucleo-l4r5zi");
        assert_eq!(m4.read32(0xE000_ED78).unwrap(), 0);
        let ccr = m4.read32(0xE000_ED14).unwrap();
        m4.write32(0xE000_ED14, ccr | (3 << 16)).unwrap();
        assert_eq!(m4.read32(0xE000_ED14).unwrap() & (3 << 16), 0);
    }
}

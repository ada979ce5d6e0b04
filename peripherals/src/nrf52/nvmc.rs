//! NVMC, the nRF52840's flash controller (PS v1.7, chapter NVMC), with the ACL registers that share
//! its block.
//!
//! - ICACHECNF.CACHEEN switches the flash accelerator's instruction cache (the board's
//!   `[flash_accel]`): off at reset, so every instruction fetch from flash pays the flash
//!   wait states until start-up code turns it on. With CACHEPROFEN, IHIT and IMISS count the
//!   cache's hits and misses (writing them sets the count).
//! - CONFIG.WEN = Wen makes guest writes to flash program it (a write can only clear bits;
//!   each stalls the core for tWRITE) and enables writes to the UICR; Een enables the erase
//!   registers: ERASEPAGE/ERASEPCR1, ERASEPCR0 and ERASEPAGEPARTIAL erase one 4 KiB page,
//!   ERASEALL the whole flash (the UICR part of ERASEALL and ERASEUICR are not modelled:
//!   named in the unmodelled log). READY reads Busy for the erase time. Changed flash drops
//!   the decoded instructions (code epoch).
//! - ACL (flash access control) is storage only: protection is not enforced (named).

use super::events::{Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::clock::Clock;
use sim_core::device::{DeviceCtx, DeviceError, Peek};
use sim_core::memory::FlashProgram;

const PS_PER_US: u64 = 1_000_000;
/// PS v1.7, NVMC electrical specification (maximum): write one word 41 µs, erase one page 85 ms, erase all 173 ms.
pub const T_WRITE_PS: u64 = 41 * PS_PER_US;
const T_ERASEPAGE_PS: u64 = 85_000 * PS_PER_US;
const T_ERASEALL_PS: u64 = 173_000 * PS_PER_US;
/// Flash page size (FICR CODEPAGESIZE).
const PAGE: u32 = 4096;

const READY: u32 = 0x400;
const READYNEXT: u32 = 0x408;
const CONFIG: u32 = 0x504;
const ERASEPAGE: u32 = 0x508;
const ERASEALL: u32 = 0x50C;
const ERASEPCR0: u32 = 0x510;
const ERASEUICR: u32 = 0x514;
const ERASEPAGEPARTIAL: u32 = 0x518;
const ERASEPAGEPARTIALCFG: u32 = 0x51C;
const ICACHECNF: u32 = 0x540;
const IHIT: u32 = 0x548;
const IMISS: u32 = 0x54C;

const WEN_WEN: u32 = 1;
const WEN_EEN: u32 = 2;
const CACHEEN: u32 = 1 << 0;
const CACHEPROFEN: u32 = 1 << 8;

/// The NVMC.
#[derive(Debug, Clone)]
pub struct Nvmc {
    regs: Regs,
    /// End of the erase in progress.
    busy_until: Option<u64>,
    /// Accelerator counts (hits, misses) when IHIT/IMISS last started counting, and the
    /// counts frozen when profiling stopped.
    prof_base: (u64, u64),
    frozen: (u32, u32),
}

impl Nvmc {
    /// The NVMC over `descs` (ACL and NVMC share the block).
    pub fn new(descs: &[&'static PeripheralDesc]) -> Nvmc {
        Nvmc {
            regs: Regs::new(descs),
            busy_until: None,
            prof_base: (0, 0),
            frozen: (0, 0),
        }
    }

    /// Applies the reset state of ICACHECNF (cache off) and CONFIG (read only) to `ctx`'s
    /// memory map.
    pub fn apply_reset(map: &mut sim_core::memory::MemoryMap) {
        if let Some(a) = &mut map.accel {
            a.set_switches(false, a.dcache_on(), a.prefetch_on);
        }
        map.flash_program = None;
    }

    fn counts(map: &sim_core::memory::MemoryMap) -> (u64, u64) {
        map.accel.as_ref().map_or((0, 0), |a| {
            let s = &a.stats;
            let hits = s.fetch_hits;
            (hits, s.fetches - hits)
        })
    }

    fn profile(&self, map: &sim_core::memory::MemoryMap) -> (u32, u32) {
        if self.regs.get(ICACHECNF) & CACHEPROFEN == 0 {
            return self.frozen;
        }
        let (h, m) = Self::counts(map);
        ((h - self.prof_base.0) as u32, (m - self.prof_base.1) as u32)
    }

    fn word_at(&self, off: u32, now_ps: u64, map: &sim_core::memory::MemoryMap) -> Option<u32> {
        Some(match off {
            READY | READYNEXT => u32::from(self.busy_until.is_none_or(|t| t <= now_ps)),
            IHIT => self.profile(map).0,
            IMISS => self.profile(map).1,
            _ => self.regs.read(off, 4)?,
        })
    }

    fn erase(&mut self, addr: u32, len: u32, ps: u64, ctx: &mut DeviceCtx) {
        if ctx.map.fill_flash(addr, len, 0xFF) {
            *ctx.code_epoch += 1;
        }
        self.busy_until = Some(ctx.now_ps() + ps);
    }

    fn write_reg(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        let wen = self.regs.get(CONFIG) & 3;
        match off {
            CONFIG => {
                self.regs.write(CONFIG, 4, v);
                ctx.map.flash_program = (v & 3 == WEN_WEN).then_some(FlashProgram {
                    write_ps: T_WRITE_PS,
                });
            }
            ERASEPAGE | ERASEPCR0 | ERASEPAGEPARTIAL if wen == WEN_EEN => {
                let ps = if off == ERASEPAGEPARTIAL {
                    // ERASEPAGEPARTIALCFG: duration in ms of each partial erase (the page is
                    // erased by the first one here: an approximation).
                    u64::from(self.regs.get(ERASEPAGEPARTIALCFG) & 0x7F) * 1000 * PS_PER_US
                } else {
                    T_ERASEPAGE_PS
                };
                self.erase(v & !(PAGE - 1), PAGE, ps, ctx);
            }
            ERASEALL if wen == WEN_EEN && v & 1 != 0 => {
                let flash = ctx
                    .map
                    .regions
                    .iter()
                    .find(|r| r.kind == sim_core::board::RegionKind::Flash)
                    .map(|r| (r.base, r.size()));
                if let Some((base, size)) = flash {
                    self.erase(base, size, T_ERASEALL_PS, ctx);
                }
                self.regs.unmodelled_as(off, "UICR not erased", true, ctx)?;
            }
            ERASEPAGE | ERASEPCR0 | ERASEPAGEPARTIAL | ERASEALL => {
                // Erase not enabled (CONFIG.WEN != Een): no effect.
            }
            ERASEUICR => self.regs.unmodelled(off, true, ctx)?,
            ERASEPAGEPARTIALCFG => {
                self.regs.write(off, 4, v);
            }
            ICACHECNF => {
                let old = self.regs.get(ICACHECNF);
                let new = self.regs.write(off, 4, v).unwrap_or(0);
                if let Some(a) = &mut ctx.map.accel {
                    a.set_switches(new & CACHEEN != 0, a.dcache_on(), a.prefetch_on);
                }
                if old & CACHEPROFEN == 0 && new & CACHEPROFEN != 0 {
                    let (h, m) = Self::counts(ctx.map);
                    self.prof_base = (h - u64::from(self.frozen.0), m - u64::from(self.frozen.1));
                } else if old & CACHEPROFEN != 0 && new & CACHEPROFEN == 0 {
                    self.regs.set(ICACHECNF, old);
                    self.frozen = self.profile(ctx.map);
                    self.regs.set(ICACHECNF, new);
                }
            }
            IHIT | IMISS => {
                let (h, m) = Self::counts(ctx.map);
                if off == IHIT {
                    self.prof_base.0 = h - u64::from(v);
                    self.frozen.0 = v;
                } else {
                    self.prof_base.1 = m - u64::from(v);
                    self.frozen.1 = v;
                }
            }
            READY | READYNEXT => {}
            _ => {
                // ACL: access control is not enforced.
                self.regs.unmodelled(off, true, ctx)?;
                self.regs.write(off, 4, v);
            }
        }
        Ok(())
    }
}

impl Peripheral for Nvmc {
    fn name(&self) -> &str {
        "NVMC"
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, at: &Peek) -> Option<u32> {
        match off {
            READY | READYNEXT => Some(u32::from(self.busy_until.is_none_or(|t| t <= at.now_ps()))),
            IHIT | IMISS => None, // needs the memory map's counters
            _ => self.regs.read(off, 4),
        }
    }

    fn read_word(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        if !matches!(
            off,
            READY | READYNEXT | CONFIG | ERASEPAGEPARTIALCFG | ICACHECNF | IHIT | IMISS
        ) {
            self.regs.unmodelled(off, false, ctx)?;
        }
        Ok(self.word_at(off, ctx.now_ps(), ctx.map).unwrap_or(0))
    }

    fn merge_base(&self, off: u32, _: &Peek) -> u32 {
        self.regs.get(off)
    }

    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        self.write_reg(off, v, ctx)
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        self.busy_until
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        if self.busy_until.is_some_and(|t| t <= ctx.now_ps()) {
            self.busy_until = None;
        }
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.busy_until = None;
        self.prof_base = (0, 0);
        self.frozen = (0, 0);
        Self::apply_reset(ctx.map);
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::{advance_us, nrf};

    const NVMC: u32 = 0x4001_E000;

    #[test]
    fn the_instruction_cache_follows_cacheen_and_profiles_hits() {
        let mut m = nrf();
        let b = &mut m.bus;
        assert!(!b.map.accel.as_ref().unwrap().icache_on(), "reset: off");
        b.write32(NVMC + 0x540, 0x101).unwrap();
        assert!(b.map.accel.as_ref().unwrap().icache_on());
        let a = b.map.accel.as_mut().unwrap();
        a.fetch(0x100, 0);
        a.fetch(0x100, 10);
        assert_eq!(b.read32(NVMC + 0x548).unwrap(), 1, "IHIT");
        assert_eq!(b.read32(NVMC + 0x54C).unwrap(), 1, "IMISS");
        b.write32(NVMC + 0x548, 0).unwrap();
        assert_eq!(b.read32(NVMC + 0x548).unwrap(), 0);
        b.write32(NVMC + 0x540, 0).unwrap();
        assert!(!b.map.accel.as_ref().unwrap().icache_on());
        assert_eq!(b.read32(NVMC + 0x400).unwrap(), 1, "READY");
        assert!(b.mmio.entries.is_empty(), "{:?}", b.mmio.entries);
    }

    #[test]
    fn flash_programs_and_erases_through_config() {
        let mut m = nrf();
        let b = &mut m.bus;
        const PAGE: u32 = 0x8_0000;
        // Never programmed: erased.
        assert_eq!(b.read32(PAGE).unwrap(), 0xFFFF_FFFF);
        assert!(b.write32(PAGE, 0).is_err(), "read-only without WEN");
        b.write32(NVMC + 0x504, 1).unwrap();
        b.take_wait(); // the flash reads' wait states
        b.write32(PAGE, 0x1234_5678).unwrap();
        assert_eq!(b.take_wait(), 2624, "tWRITE 41 us at 64 MHz");
        assert_eq!(b.read32(PAGE).unwrap(), 0x1234_5678);
        // Erase needs Een.
        b.write32(NVMC + 0x508, PAGE).unwrap();
        assert_eq!(b.read32(PAGE).unwrap(), 0x1234_5678);
        b.write32(NVMC + 0x504, 2).unwrap();
        let epoch = b.code_epoch;
        b.write32(NVMC + 0x508, PAGE + 0x10).unwrap();
        assert_eq!(b.read32(PAGE).unwrap(), 0xFFFF_FFFF);
        assert!(b.code_epoch > epoch);
        assert_eq!(b.read32(NVMC + 0x400).unwrap(), 0, "busy erasing");
        advance_us(b, 85_001);
        assert_eq!(b.read32(NVMC + 0x400).unwrap(), 1);
        b.write32(NVMC + 0x504, 0).unwrap();
        assert!(b.write32(PAGE, 0).is_err());
    }
}

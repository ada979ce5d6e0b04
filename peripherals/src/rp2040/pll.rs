//! PLL_SYS and PLL_USB (RP2040 datasheet §2.18): one model, two instances. The VCO runs at
//! FREF / REFDIV × FBDIV with FREF the crystal (the `xosc` clock); the output is the VCO
//! divided by POSTDIV1 × POSTDIV2 (§2.18.2). CS.LOCK sets a lock time after the VCO is powered
//! (PWR.PD and PWR.VCOPD clear) or its dividers change, and clears when it is powered down;
//! the output runs once locked with the post dividers powered (PWR.POSTDIVPD clear), or is the
//! reference itself with CS.BYPASS. The output is published as `pll_sys` / `pll_usb`.

use super::domain;
use super::fabric::{read_peeked, unmodelled, Block, Ready};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::clock::Clock;
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// Register offsets (§2.18.4).
pub mod reg {
    /// REFDIV (5:0), BYPASS (8), LOCK (31).
    pub const CS: u32 = 0x0;
    /// PD (0), DSMPD (2), POSTDIVPD (3), VCOPD (5).
    pub const PWR: u32 = 0x4;
    /// Feedback divisor (11:0).
    pub const FBDIV_INT: u32 = 0x8;
    /// POSTDIV2 (14:12), POSTDIV1 (18:16).
    pub const PRIM: u32 = 0xC;
}

const PD: u32 = 1 << 0;
const POSTDIVPD: u32 = 1 << 3;
const VCOPD: u32 = 1 << 5;
const BYPASS: u32 = 1 << 8;
const LOCK: u32 = 1 << 31;

/// ESTIMATE: the time from powering the VCO to CS.LOCK. The datasheet gives no figure
/// (pico-sdk polls LOCK); 50 µs is of the order of integer-N PLL lock times at a 12 MHz
/// reference.
pub const LOCK_TIME_PS: u64 = 50_000_000;

/// One PLL.
pub struct Pll {
    regs: RegisterFile,
    domain: &'static str,
    /// CS.LOCK after the lock time; the output runs from then.
    lock: Ready,
}

impl Pll {
    /// The PLL described by `desc` (PLL_SYS or PLL_USB), powered down as after reset.
    pub fn new(desc: &'static PeripheralDesc) -> Pll {
        Pll {
            regs: RegisterFile::new(desc),
            domain: if desc.name == "PLL_USB" {
                domain::PLL_USB
            } else {
                domain::PLL_SYS
            },
            lock: Ready::default(),
        }
    }

    fn get(&self, off: u32) -> u32 {
        self.regs.get(off).unwrap_or(0)
    }

    fn vco_on(&self) -> bool {
        self.get(reg::PWR) & (PD | VCOPD) == 0
    }

    /// The VCO frequency for reference `fref` Hz.
    pub fn vco_hz(&self, fref: u64) -> u64 {
        let refdiv = u64::from(self.get(reg::CS) & 0x3F);
        let fbdiv = u64::from(self.get(reg::FBDIV_INT) & 0xFFF);
        if refdiv == 0 {
            return 0;
        }
        fref / refdiv * fbdiv
    }

    /// The output frequency for reference `fref` Hz.
    pub fn out_hz(&self, fref: u64) -> u64 {
        let cs = self.get(reg::CS);
        if cs & BYPASS != 0 {
            return fref;
        }
        let prim = self.get(reg::PRIM);
        let pd1 = u64::from((prim >> 16) & 7);
        let pd2 = u64::from((prim >> 12) & 7);
        if !self.lock.running() || self.get(reg::PWR) & POSTDIVPD != 0 || pd1 == 0 || pd2 == 0 {
            return 0;
        }
        self.vco_hz(fref) / (pd1 * pd2)
    }

    fn publish(&mut self, ctx: &mut DeviceCtx) {
        self.lock.update(ctx.now_ps());
        let f = self.out_hz(super::hz(ctx.clock, domain::XOSC));
        ctx.clock.set_domain(self.domain, f);
    }

    /// The VCO was powered or re-tuned: it locks again after the lock time.
    fn relock(&mut self, ctx: &mut DeviceCtx) {
        if self.vco_on() {
            self.lock.start(ctx.now_ps(), LOCK_TIME_PS);
        } else {
            self.lock.stop();
        }
    }
}

impl Block for Pll {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        read_peeked(self, self.regs.desc, off, ctx)
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        let before = (
            self.get(reg::CS) & 0x3F,
            self.get(reg::FBDIV_INT),
            self.vco_on(),
        );
        match off {
            reg::CS | reg::PWR | reg::FBDIV_INT | reg::PRIM => {
                self.regs.write(off, 4, v);
            }
            _ => return unmodelled(self.regs.desc, off, true, ctx),
        }
        let after = (
            self.get(reg::CS) & 0x3F,
            self.get(reg::FBDIV_INT),
            self.vco_on(),
        );
        if before != after {
            self.relock(ctx);
        }
        self.publish(ctx);
        Ok(())
    }

    fn peek(&self, off: u32, at: &Peek) -> Option<u32> {
        match off {
            reg::CS => {
                let locked = self.lock.is_ready(at.now_ps());
                Some(self.get(reg::CS) | if locked { LOCK } else { 0 })
            }
            reg::PWR | reg::FBDIV_INT | reg::PRIM => self.regs.get(off),
            _ => None,
        }
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        let f = self.out_hz(super::hz(clock, domain::XOSC));
        let stale = super::stale(clock, self.domain, f);
        self.lock.next_event().or(stale.then_some(0))
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.publish(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.lock.stop();
        self.publish(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rp2040::rp2040_map::CHIP;

    #[test]
    fn pico_sdk_settings_give_125_and_48_mhz() {
        let mut p = Pll::new(CHIP.peripheral("PLL_SYS").unwrap());
        p.regs.set(reg::CS, 1);
        p.regs.set(reg::FBDIV_INT, 125);
        p.regs.set(reg::PRIM, (6 << 16) | (2 << 12));
        p.regs.set(reg::PWR, 0);
        p.lock.start(0, 0);
        p.lock.update(0);
        assert_eq!(p.vco_hz(12_000_000), 1_500_000_000);
        assert_eq!(p.out_hz(12_000_000), 125_000_000);
        p.regs.set(reg::FBDIV_INT, 100);
        p.regs.set(reg::PRIM, (5 << 16) | (5 << 12));
        assert_eq!(p.out_hz(12_000_000), 48_000_000);
        // Post dividers powered down: no output; bypass: the reference.
        p.regs.set(reg::PWR, POSTDIVPD);
        assert_eq!(p.out_hz(12_000_000), 0);
        p.regs.set(reg::CS, 1 | BYPASS);
        assert_eq!(p.out_hz(12_000_000), 12_000_000);
    }
}

//! Power control: the regulator's voltage scaling, which firmware must raise (and wait for)
//! before it runs the core fast. STM32L4+ (RM0432 §5.4): VOS in CR1 with SR2.VOSF busy
//! while the regulator moves, and range 1 boost through CR5.R1MODE (needed above 80 MHz).
//! STM32F7 (RM0385 §4.4): over-drive (CR1.ODEN → CSR1.ODRDY, then CR1.ODSWEN →
//! CSR1.ODSWRDY, needed above 180 MHz) and VOSRDY, set while the main PLL runs.
//!
//! The other registers (PVD, wake-up pins, pull-up/down control in standby) are storage:
//! low-power modes are not modelled. A core clock above what the regulator setting allows
//! is not checked (silicon would misbehave, thimble runs on).

use super::unmodelled;
use sim_core::chip::{merge_sub_word, sub_word, PeripheralDesc, RegisterFile};
use sim_core::clock::Clock;
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};

/// Which PWR block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// STM32L4+.
    L4,
    /// STM32F7.
    F7,
}

mod l4 {
    pub const CR1: u32 = 0x00;
    pub const SR2: u32 = 0x14;
    /// CR5 (RM0432 §5.4.21), missing from the SVD.
    pub const CR5: u32 = 0x80;
    /// CR5 reset value: R1MODE = 1 (range 1 normal, not boost).
    pub const CR5_RESET: u32 = 1 << 8;
    pub const CR5_MASK: u32 = 1 << 8;
    pub const VOS: u32 = 3 << 9;
    pub const LPR: u32 = 1 << 14;
    pub const REGLPF: u32 = 1 << 9;
    pub const VOSF: u32 = 1 << 10;
}

mod f7 {
    pub const CR1: u32 = 0x00;
    pub const CSR1: u32 = 0x04;
    pub const ODEN: u32 = 1 << 16;
    pub const ODSWEN: u32 = 1 << 17;
    pub const VOSRDY: u32 = 1 << 14;
    pub const ODRDY: u32 = 1 << 16;
    pub const ODSWRDY: u32 = 1 << 17;
}

const US: u64 = 1_000_000;
/// Regulator voltage transition time between ranges (DS12023 §6.3.2 "tVOST"; estimate of
/// the order of magnitude: 20 µs).
const VOS_PS: u64 = 20 * US;
/// Over-drive ramp to ODRDY and the switch to ODSWRDY (DS10916 §6.3.2 "Over-drive
/// switching characteristics", tOD_swen; estimates: 50 µs and 20 µs).
const OD_PS: u64 = 50 * US;
const ODSW_PS: u64 = 20 * US;

/// The PWR block.
pub struct Pwr {
    variant: Variant,
    regs: RegisterFile,
    cr5: u32,
    /// Status bits on their way: (register, bit, set or clear, time in ps).
    pending: Vec<(u32, u32, bool, u64)>,
}

impl Pwr {
    /// The PWR described by `desc`.
    pub fn new(variant: Variant, desc: &'static PeripheralDesc) -> Pwr {
        Pwr {
            variant,
            regs: RegisterFile::new(desc),
            cr5: l4::CR5_RESET,
            pending: Vec::new(),
        }
    }

    fn get(&self, off: u32) -> u32 {
        self.regs.get(off).unwrap_or(0)
    }

    fn schedule(&mut self, reg: u32, bit: u32, set: bool, at: u64) {
        self.pending.retain(|p| !(p.0 == reg && p.1 == bit));
        self.pending.push((reg, bit, set, at));
    }

    fn advance(&mut self, now_ps: u64) {
        let mut k = 0;
        while k < self.pending.len() {
            let (reg, bit, set, t) = self.pending[k];
            if t <= now_ps {
                self.pending.swap_remove(k);
                if set {
                    self.regs.modify(reg, 0, bit);
                } else {
                    self.regs.modify(reg, bit, 0);
                }
                if self.variant == Variant::F7 && bit == f7::ODRDY && set {
                    // A switch asked for before the over-drive was ready starts now.
                    self.follow_overdrive(t);
                }
            } else {
                k += 1;
            }
        }
    }

    /// F7: ODSWRDY follows ODSWEN once ODRDY is set; clearing either enable clears.
    fn follow_overdrive(&mut self, now_ps: u64) {
        let cr1 = self.get(f7::CR1);
        let csr = self.get(f7::CSR1);
        if cr1 & f7::ODEN == 0 {
            self.regs.modify(f7::CSR1, f7::ODRDY | f7::ODSWRDY, 0);
            self.pending.clear();
            return;
        }
        let od_waiting = self.pending.iter().any(|p| p.1 == f7::ODRDY);
        if csr & f7::ODRDY == 0 && !od_waiting {
            self.schedule(f7::CSR1, f7::ODRDY, true, now_ps + OD_PS);
        }
        if cr1 & f7::ODSWEN == 0 {
            self.regs.modify(f7::CSR1, f7::ODSWRDY, 0);
            self.pending.retain(|p| p.1 != f7::ODSWRDY);
        } else if csr & f7::ODRDY != 0
            && csr & f7::ODSWRDY == 0
            && !self.pending.iter().any(|p| p.1 == f7::ODSWRDY)
        {
            self.schedule(f7::CSR1, f7::ODSWRDY, true, now_ps + ODSW_PS);
        }
    }

    fn status(&self, off: u32, v: u32, clock: &Clock) -> u32 {
        if self.variant == Variant::F7 && off == f7::CSR1 {
            // VOSRDY: the regulator reached the VOS setting, which happens once the PLL is
            // on (RM0385 §4.1.4): follows the RCC's published PLL clock.
            let pll = clock.domain("PLL").unwrap_or(0);
            return if pll != 0 {
                v | f7::VOSRDY
            } else {
                v & !f7::VOSRDY
            };
        }
        v
    }
}

impl Device for Pwr {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        self.advance(ctx.now_ps());
        let off = offset & !3;
        if self.variant == Variant::L4 && off == l4::CR5 {
            return Ok(sub_word(self.cr5, offset, width));
        }
        match self.regs.get(off) {
            Some(v) if self.regs.read(offset, width).is_some() => {
                let v = self.status(off, v, ctx.clock);
                Ok(sub_word(v, offset, width))
            }
            _ => {
                unmodelled(&self.regs, offset, false, ctx)?;
                Ok(0)
            }
        }
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let now_ps = ctx.now_ps();
        self.advance(now_ps);
        let off = offset & !3;
        if self.variant == Variant::L4 && off == l4::CR5 {
            self.cr5 = merge_sub_word(self.cr5, offset, width, value) & l4::CR5_MASK;
            return Ok(());
        }
        let Some(old) = self.regs.get(off) else {
            return unmodelled(&self.regs, offset, true, ctx);
        };
        let new = merge_sub_word(old, offset, width, value);
        if self.variant == Variant::F7 && off == f7::CSR1 {
            // Only EIWUP and BRE are writable; UDRDY is write-one-to-clear (RM0385 §4.4.2;
            // the SVD marks the ready bits writable).
            let v = (old & !0x300 & !(new & (3 << 18))) | (new & 0x300);
            self.regs.set(off, v);
            return Ok(());
        }
        self.regs.write(off, 4, new);
        match (self.variant, off) {
            (Variant::L4, l4::CR1) => {
                if (old ^ new) & l4::VOS != 0 {
                    // RM0432 §5.1.8: VOSF is set while the regulator reaches the new range.
                    self.regs.modify(l4::SR2, 0, l4::VOSF);
                    self.schedule(l4::SR2, l4::VOSF, false, now_ps + VOS_PS);
                }
                // Low-power run: REGLPF follows LPR (the regulator switch is not timed).
                let lpf = if new & l4::LPR != 0 { l4::REGLPF } else { 0 };
                self.regs.modify(l4::SR2, l4::REGLPF, lpf);
            }
            (Variant::F7, f7::CR1) => self.follow_overdrive(now_ps),
            _ => {}
        }
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, at: &Peek) -> Option<u32> {
        let off = offset & !3;
        if self.variant == Variant::L4 && off == l4::CR5 {
            return Some(sub_word(self.cr5, offset, width));
        }
        let mut v = self.regs.get(off)?;
        for &(reg, bit, set, t) in &self.pending {
            if reg == off && t <= at.now_ps() {
                v = if set { v | bit } else { v & !bit };
            }
        }
        Some(sub_word(self.status(off, v, at.clock), offset, width))
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        self.pending.iter().map(|p| p.3).min()
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.advance(ctx.now_ps());
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.regs.reset();
        self.cr5 = l4::CR5_RESET;
        self.pending.clear();
    }
}

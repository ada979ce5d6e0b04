//! RESETS, the subsystem resets (RP2040 datasheet §2.14): RESET holds the blocks whose bits are
//! set in reset (all 25 after power-up); RESET_DONE shows a block out of reset a short delay
//! after its RESET bit clears, which pico-sdk polls (`unreset_block_wait`). Holding a block in
//! reset does not reset the block's model here (its registers are at their reset values at
//! power-up, which is when firmware resets them in practice).

use super::fabric::{unmodelled, Block};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::clock::Clock;
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// Register offsets (§2.14.3).
pub mod reg {
    /// Blocks held in reset (1 = in reset).
    pub const RESET: u32 = 0x0;
    /// Blocks the watchdog resets.
    pub const WDSEL: u32 = 0x4;
    /// Blocks out of reset and ready (read-only).
    pub const RESET_DONE: u32 = 0x8;
}

/// Every block (bits 24:0).
pub const ALL: u32 = 0x01FF_FFFF;

/// ESTIMATE: a block is out of reset this long after its RESET bit clears. The datasheet gives
/// no figure; the reset is synchronised to the block's clock, a few cycles of clk_sys or
/// clk_ref (~1 µs at the ROSC's 6.5 MHz), so 1 µs.
pub const DONE_DELAY_PS: u64 = 1_000_000;

/// The reset controller.
pub struct Resets {
    regs: RegisterFile,
    /// Per block: when it is (or was) out of reset, in ps; `None` while held.
    done_at: [Option<u64>; 25],
}

impl Resets {
    /// RESETS described by `desc`, every block in reset.
    pub fn new(desc: &'static PeripheralDesc) -> Resets {
        Resets {
            regs: RegisterFile::new(desc),
            done_at: [None; 25],
        }
    }

    fn done(&self, now_ps: u64) -> u32 {
        self.done_at
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_some_and(|t| now_ps >= t))
            .fold(0, |acc, (i, _)| acc | 1 << i)
    }
}

impl Block for Resets {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        match off {
            reg::RESET_DONE => Ok(self.done(ctx.now_ps())),
            reg::RESET | reg::WDSEL => Ok(self.regs.get(off).unwrap_or(0)),
            _ => unmodelled(self.regs.desc, off, false, ctx).map(|()| 0),
        }
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        match off {
            reg::RESET => {
                let now = ctx.now_ps();
                let v = v & ALL;
                for (i, t) in self.done_at.iter_mut().enumerate() {
                    if v & (1 << i) != 0 {
                        *t = None;
                    } else if t.is_none() {
                        *t = Some(now + DONE_DELAY_PS);
                    }
                }
                self.regs.set(off, v);
                Ok(())
            }
            reg::WDSEL => {
                self.regs.write(off, 4, v);
                Ok(())
            }
            _ => unmodelled(self.regs.desc, off, true, ctx),
        }
    }

    fn peek(&self, off: u32, at: &Peek) -> Option<u32> {
        match off {
            reg::RESET_DONE => Some(self.done(at.now_ps())),
            _ => self.regs.get(off),
        }
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        None
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.regs.reset();
        self.done_at = [None; 25];
    }
}

impl Resets {
    /// Takes `bits` out of reset, done from `now_ps` (a test's shortcut for a RESET write).
    pub fn release(&mut self, bits: u32, now_ps: u64) {
        for (i, t) in self.done_at.iter_mut().enumerate() {
            if bits & (1 << i) != 0 {
                *t = Some(now_ps);
            }
        }
        self.regs.modify(reg::RESET, bits, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rp2040::rp2040_map::CHIP;

    #[test]
    fn reset_done_follows_reset_after_the_delay() {
        let mut r = Resets::new(CHIP.peripheral("RESETS").unwrap());
        assert_eq!(r.done(0), 0);
        r.release(1 << 22, 100);
        assert_eq!(r.done(99), 0);
        assert_eq!(r.done(100), 1 << 22);
        assert_eq!(r.regs.get(reg::RESET), Some(ALL & !(1 << 22)));
    }
}

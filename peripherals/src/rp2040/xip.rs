//! XIP_CTRL (RP2040 datasheet §2.6.3.6): the XIP cache's switches. CTRL.EN turns the cache
//! model on or off (off: every flash read pays the QSPI transfer), a write to FLUSH empties it
//! (STAT.FLUSH_READY then reads 1 at once); the hit and access counters are storage.

use super::fabric::{unmodelled, Block};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// Register offsets.
pub mod reg {
    /// EN (0), ERR_BADWRITE (1), POWER_DOWN (3).
    pub const CTRL: u32 = 0x00;
    /// Write: flush the cache.
    pub const FLUSH: u32 = 0x04;
    /// FLUSH_READY (0), FIFO_EMPTY (1), FIFO_FULL (2).
    pub const STAT: u32 = 0x08;
}

/// The XIP cache controls.
pub struct XipCtrl {
    regs: RegisterFile,
}

impl XipCtrl {
    /// XIP_CTRL described by `desc`, cache enabled as after reset.
    pub fn new(desc: &'static PeripheralDesc) -> XipCtrl {
        XipCtrl {
            regs: RegisterFile::new(desc),
        }
    }
}

impl Block for XipCtrl {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        match off {
            reg::CTRL | reg::FLUSH => Ok(self.regs.get(off).unwrap_or(0)),
            reg::STAT => Ok(0b011),
            _ => {
                unmodelled(self.regs.desc, off, false, ctx)?;
                Ok(self.regs.read(off, 4).unwrap_or(0))
            }
        }
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        match off {
            reg::CTRL => {
                self.regs.write(off, 4, v);
                let on = v & 1 != 0 && v & (1 << 3) == 0;
                if let Some(a) = &mut ctx.map.accel {
                    a.set_switches(on, on, false);
                }
                *ctx.code_epoch += 1;
            }
            reg::FLUSH => {
                if let Some(a) = &mut ctx.map.accel {
                    a.reset();
                }
            }
            _ => {
                unmodelled(self.regs.desc, off, true, ctx)?;
                self.regs.write(off, 4, v);
            }
        }
        Ok(())
    }

    fn peek(&self, off: u32, _: &Peek) -> Option<u32> {
        match off {
            reg::STAT => Some(0b011),
            _ => self.regs.read(off, 4),
        }
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        if let Some(a) = &mut ctx.map.accel {
            a.set_switches(true, true, false);
        }
    }
}

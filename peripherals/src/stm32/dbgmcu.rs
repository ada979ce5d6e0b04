//! DBGMCU: IDCODE (the device and revision identifiers; both SVDs give wrong reset values:
//! 0 for the L4R5, an F4's 0x1000_6411 for the F746) read-only, the debug configuration and
//! freeze registers kept as written (they change nothing here: thimble's debugger does not
//! stop the peripherals).

use super::unmodelled;
use sim_core::chip::{sub_word, PeripheralDesc, RegisterFile};
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};

/// DBGMCU: IDCODE read-only, the rest (freeze bits, debug in low-power modes) storage.
pub struct Dbgmcu {
    regs: RegisterFile,
    idcode: u32,
}

impl Dbgmcu {
    /// DBGMCU described by `desc`, answering `idcode`.
    pub fn new(desc: &'static PeripheralDesc, idcode: u32) -> Dbgmcu {
        Dbgmcu {
            regs: RegisterFile::new(desc),
            idcode,
        }
    }
}

impl Device for Dbgmcu {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        if offset & !3 == 0 {
            return Ok(sub_word(self.idcode, offset, width));
        }
        match self.regs.read(offset, width) {
            Some(v) => Ok(v),
            None => {
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
        if offset & !3 != 0 && self.regs.write(offset, width, value).is_none() {
            unmodelled(&self.regs, offset, true, ctx)?;
        }
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, _: &Peek) -> Option<u32> {
        if offset & !3 == 0 {
            return Some(sub_word(self.idcode, offset, width));
        }
        self.regs.read(offset, width)
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.regs.reset();
    }
}

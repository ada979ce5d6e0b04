//! UICR, the user information configuration of the nRF52840 (PS v1.7, chapter UICR): non-volatile
//! words, erased (0xFFFF_FFFF) on thimble's part, programmed like flash while the NVMC's
//! CONFIG.WEN enables writing (a write can only clear bits). They keep their contents across
//! a system reset (SystemInit's NFCPINS and PSELRESET updates rely on that). A write while
//! writing is not enabled is ignored and named in the unmodelled log; so is an erase of the
//! UICR (NVMC ERASEUICR/ERASEALL), which thimble does not model.

use super::events::{Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// The UICR.
#[derive(Debug, Clone)]
pub struct Uicr {
    regs: Regs,
}

impl Uicr {
    /// An erased UICR over the description `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Uicr {
        Uicr {
            regs: Regs::new(&[desc]),
        }
    }
}

impl Peripheral for Uicr {
    fn name(&self) -> &str {
        "UICR"
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, _: &Peek) -> Option<u32> {
        self.regs.read(off, 4)
    }

    fn absent(&self) -> u32 {
        0xFFFF_FFFF
    }

    /// NOR programming: a sub-word write leaves the other bytes' bits as they are.
    fn merge_base(&self, _: u32, _: &Peek) -> u32 {
        0xFFFF_FFFF
    }

    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        if ctx.map.flash_program.is_none() {
            return self
                .regs
                .unmodelled_as(off, "NVMC write not enabled: ignored", true, ctx);
        }
        if !self.regs.describes(off) {
            return self.regs.unmodelled(off, true, ctx);
        }
        // NOR programming: only bits written as 0 change.
        let cur = self.regs.get(off);
        self.regs.set(off, cur & v);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::nrf;

    #[test]
    fn uicr_is_erased_and_programs_only_while_the_nvmc_enables_writing() {
        let mut m = nrf();
        let b = &mut m.bus;
        assert_eq!(
            b.read32(0x1000_120C).unwrap(),
            0xFFFF_FFFF,
            "NFCPINS erased"
        );
        b.write32(0x1000_120C, 0xFFFF_FFFE).unwrap();
        assert_eq!(
            b.read32(0x1000_120C).unwrap(),
            0xFFFF_FFFF,
            "WEN off: ignored"
        );
        assert_eq!(b.mmio.entries.len(), 1);
        b.write32(0x4001_E504, 1).unwrap(); // NVMC CONFIG.WEN = Wen
        b.write32(0x1000_120C, 0xFFFF_FFFE).unwrap();
        b.write32(0x1000_120C, 0xFFFF_FFFF).unwrap();
        assert_eq!(
            b.read32(0x1000_120C).unwrap(),
            0xFFFF_FFFE,
            "bits only clear"
        );
        m.bus.reset_devices();
        assert_eq!(
            m.bus.read32(0x1000_120C).unwrap(),
            0xFFFF_FFFE,
            "non-volatile"
        );
    }
}

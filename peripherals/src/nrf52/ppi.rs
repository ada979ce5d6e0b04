//! PPI, the nRF52840's programmable peripheral interconnect (PS v1.7, chapter PPI), minimal:
//! the channel registers (`CH[n].EEP/TEP`, `FORK[n].TEP`, `CHG[n]`) keep what is written, CHEN
//! follows CHENSET/CHENCLR and the channel-group tasks (`TASKS_CHG[n].EN/DIS`). thimble does
//! not route events to tasks: a channel enabled with both endpoints set is named in the
//! unmodelled log ("`CH[n].EEP` (event routing not modelled)"), never silently ignored.

use super::events::{Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::device::{DeviceCtx, DeviceError, Peek};

const TASKS_CHG_END: u32 = 0x030;
const CHEN: u32 = 0x500;
const CHENSET: u32 = 0x504;
const CHENCLR: u32 = 0x508;
const CH: u32 = 0x510;
/// Configurable channels (20-31 are pre-programmed for the radio).
const CHANNELS: u32 = 20;
const CHG: u32 = 0x800;

/// The PPI.
#[derive(Debug, Clone)]
pub struct Ppi {
    regs: Regs,
}

impl Ppi {
    /// The PPI over `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Ppi {
        Ppi {
            regs: Regs::new(&[desc]),
        }
    }

    fn set_chen(&mut self, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        let newly = v & !self.regs.get(CHEN);
        self.regs.set(CHEN, v);
        for n in 0..CHANNELS {
            let eep = self.regs.get(CH + 8 * n);
            let tep = self.regs.get(CH + 8 * n + 4);
            if newly & (1 << n) != 0 && eep != 0 && tep != 0 {
                self.regs
                    .unmodelled_as(CH + 8 * n, "event routing not modelled", true, ctx)?;
            }
        }
        Ok(())
    }
}

impl Peripheral for Ppi {
    fn name(&self) -> &str {
        "PPI"
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, _: &Peek) -> Option<u32> {
        match off {
            CHENSET | CHENCLR => Some(self.regs.get(CHEN)),
            _ => self.regs.read(off, 4),
        }
    }

    /// Sub-word writes set or clear only their own byte's channels.
    fn merge_base(&self, _: u32, _: &Peek) -> u32 {
        0
    }

    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        let chen = self.regs.get(CHEN);
        match off {
            0..TASKS_CHG_END if v & 1 != 0 => {
                let group = self.regs.get(CHG + 4 * (off / 8));
                if off & 4 == 0 {
                    self.set_chen(chen | group, ctx)?;
                } else {
                    self.regs.set(CHEN, chen & !group);
                }
            }
            0..TASKS_CHG_END => {}
            CHEN => self.set_chen(v, ctx)?,
            CHENSET => self.set_chen(chen | v, ctx)?,
            CHENCLR => self.regs.set(CHEN, chen & !v),
            _ if self.regs.describes(off) => {
                self.regs.write(off, 4, v);
            }
            _ => self.regs.unmodelled(off, true, ctx)?,
        }
        Ok(())
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.regs.reset();
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::nrf;

    const PPI: u32 = 0x4001_F000;

    #[test]
    fn channels_enable_and_routing_is_named_as_unmodelled() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(PPI + 0x504, 0x3).unwrap(); // CHENSET: no endpoints yet
        b.write32(PPI + 0x508, 0x1).unwrap();
        assert_eq!(b.read32(PPI + 0x500).unwrap(), 0x2);
        assert!(b.mmio.entries.is_empty());
        b.write32(PPI + 0x800, 0x5).unwrap(); // CHG[0] = CH0, CH2
        b.write32(PPI, 1).unwrap(); // TASKS_CHG[0].EN
        assert_eq!(b.read32(PPI + 0x500).unwrap(), 0x7);
        b.write32(PPI + 0x004, 1).unwrap(); // TASKS_CHG[0].DIS
        assert_eq!(b.read32(PPI + 0x500).unwrap(), 0x2);
        b.write32(PPI + 0x510, 0x4000_8140).unwrap(); // TIMER0 COMPARE[0]
        b.write32(PPI + 0x514, 0x4000_6000).unwrap(); // GPIOTE TASKS_OUT[0]
        b.write32(PPI + 0x504, 0x1).unwrap();
        assert_eq!(b.mmio.entries.len(), 1);
        assert!(b
            .mmio
            .entries
            .values()
            .next()
            .unwrap()
            .register
            .contains("routing"));
    }
}

//! GPIO ports P0 (32 pins) and P1 (16 pins) of the nRF52840 (PS v1.7, chapter GPIO), in one model:
//! P1's registers sit 0x300 above P0's, inside P0's 4 KiB block.
//!
//! OUT/OUTSET/OUTCLR, DIR/DIRSET/DIRCLR (the SET/CLR registers read as OUT and DIR), IN,
//! `PIN_CNF[n]` (whose DIR bit is DIR's bit n), LATCH (write one to clear) and DETECTMODE.
//! Nothing outside drives the pins: IN reads an output's own level when its input buffer is
//! connected (PIN_CNF.INPUT = Connect), a pulled-up input as 1, anything else as 0; no SENSE
//! condition ever latches. The pin states are shown in the TUI ([`Device::pins`](sim_core::device::Device::pins)).

use super::events::{Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::device::{DeviceCtx, DeviceError, Peek, PortPins};

/// P1's registers are this far above P0's (P1 at 0x5000_0300).
pub const P1_OFFSET: u32 = 0x300;
/// The model's window: P0's base to the end of P1's `PIN_CNF[31]`.
pub const WINDOW: u32 = P1_OFFSET + 0x780;

const OUT: u32 = 0x504;
const OUTSET: u32 = 0x508;
const OUTCLR: u32 = 0x50C;
const IN: u32 = 0x510;
const DIR: u32 = 0x514;
const DIRSET: u32 = 0x518;
const DIRCLR: u32 = 0x51C;
const LATCH: u32 = 0x520;
const DETECTMODE: u32 = 0x524;
const PIN_CNF: u32 = 0x700;
const PIN_CNF_END: u32 = 0x780;

/// PIN_CNF fields (PS, GPIO: PIN_CNF): DIR bit 0, INPUT bit 1 (1 = disconnect), PULL bits 2–3.
const CNF_INPUT_DISCONNECT: u32 = 1 << 1;
const CNF_PULLUP: u32 = 3 << 2;

/// One port.
#[derive(Debug, Clone)]
struct Port {
    name: &'static str,
    pins: u8,
    out: u32,
    dir: u32,
    latch: u32,
    detectmode: u32,
    cnf: [u32; 32],
}

impl Port {
    fn new(name: &'static str, pins: u8) -> Port {
        Port {
            name,
            pins,
            out: 0,
            dir: 0,
            latch: 0,
            detectmode: 0,
            // Reset: input, buffer disconnected (PS, GPIO: PIN_CNF).
            cnf: [CNF_INPUT_DISCONNECT; 32],
        }
    }

    fn mask(&self) -> u32 {
        if self.pins >= 32 {
            u32::MAX
        } else {
            (1 << self.pins) - 1
        }
    }

    /// What IN reads.
    fn input(&self) -> u32 {
        let mut v = 0;
        for n in 0..u32::from(self.pins) {
            let cnf = self.cnf[n as usize];
            if cnf & CNF_INPUT_DISCONNECT != 0 {
                continue;
            }
            let level = if self.dir & (1 << n) != 0 {
                self.out & (1 << n) != 0
            } else {
                cnf & CNF_PULLUP == CNF_PULLUP
            };
            v |= u32::from(level) << n;
        }
        v
    }

    /// Pin levels as seen on the package.
    fn levels(&self) -> u32 {
        let mut v = self.out & self.dir;
        for n in 0..u32::from(self.pins) {
            if self.dir & (1 << n) == 0 && self.cnf[n as usize] & CNF_PULLUP == CNF_PULLUP {
                v |= 1 << n;
            }
        }
        v
    }

    fn read(&self, off: u32) -> Option<u32> {
        Some(match off {
            OUT | OUTSET | OUTCLR => self.out,
            IN => self.input(),
            DIR | DIRSET | DIRCLR => self.dir,
            LATCH => self.latch,
            DETECTMODE => self.detectmode,
            PIN_CNF..PIN_CNF_END => {
                let n = (off - PIN_CNF) / 4;
                if n >= u32::from(self.pins) {
                    return None;
                }
                (self.cnf[n as usize] & !1) | ((self.dir >> n) & 1)
            }
            _ => return None,
        })
    }

    fn write(&mut self, off: u32, v: u32) -> bool {
        let m = self.mask();
        match off {
            OUT => self.out = v & m,
            OUTSET => self.out |= v & m,
            OUTCLR => self.out &= !v,
            DIR => self.dir = v & m,
            DIRSET => self.dir |= v & m,
            DIRCLR => self.dir &= !v,
            LATCH => self.latch &= !v,
            DETECTMODE => self.detectmode = v & 1,
            IN => {}
            PIN_CNF..PIN_CNF_END => {
                let n = (off - PIN_CNF) / 4;
                if n >= u32::from(self.pins) {
                    return false;
                }
                // Writable fields: DIR, INPUT, PULL, DRIVE, SENSE (mask from the SVD).
                self.cnf[n as usize] = v & 0x0003_070F;
                self.dir = (self.dir & !(1 << n)) | ((v & 1) << n);
            }
            _ => return false,
        }
        true
    }

    fn pins(&self) -> PortPins {
        PortPins {
            name: self.name.to_string(),
            count: self.pins,
            output: self.dir,
            level: self.levels(),
        }
    }
}

/// P0 and P1.
#[derive(Debug, Clone)]
pub struct Gpio {
    regs: Regs,
    ports: [Port; 2],
}

impl Gpio {
    /// Both ports; `desc` is P0's description (P1 has the same registers).
    pub fn new(desc: &'static PeripheralDesc) -> Gpio {
        Gpio {
            regs: Regs::new(&[desc]),
            ports: [Port::new("P0", 32), Port::new("P1", 16)],
        }
    }

    /// The port holding window offset `offset` and the offset within it.
    fn port(offset: u32) -> (usize, u32) {
        if offset >= 0x500 + P1_OFFSET {
            (1, offset - P1_OFFSET)
        } else {
            (0, offset)
        }
    }
}

impl Peripheral for Gpio {
    fn name(&self) -> &str {
        "P0/P1"
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, _: &Peek) -> Option<u32> {
        let (p, off) = Self::port(off);
        self.ports[p].read(off)
    }

    fn read_word(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        let (p, off) = Self::port(off);
        match self.ports[p].read(off) {
            Some(v) => Ok(v),
            None => {
                self.regs.unmodelled(off, false, ctx)?;
                Ok(0)
            }
        }
    }

    /// Sub-word writes to the SET/CLR registers touch only their own byte's pins.
    fn merge_base(&self, off: u32, at: &Peek) -> u32 {
        let (_, port_off) = Self::port(off);
        if matches!(port_off, OUTSET | OUTCLR | DIRSET | DIRCLR | LATCH) {
            0
        } else {
            self.word(off, at).unwrap_or(0)
        }
    }

    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        let (p, off) = Self::port(off);
        if !self.ports[p].write(off, v) {
            self.regs.unmodelled(off, true, ctx)?;
        }
        Ok(())
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.ports = [Port::new("P0", 32), Port::new("P1", 16)];
    }

    fn pins(&self) -> Vec<PortPins> {
        self.ports.iter().map(Port::pins).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::nrf;

    const P0: u32 = 0x5000_0000;
    const P1: u32 = 0x5000_0300;

    #[test]
    fn outputs_inputs_and_pin_cnf_alias_dir() {
        let mut m = nrf();
        let b = &mut m.bus;
        // LED on P0.13 (nRF52840 DK) / P0.13 on the Nano 33 BLE (LED_BUILTIN).
        b.write32(P0 + 0x518, 1 << 13).unwrap(); // DIRSET
        assert_eq!(b.read32(P0 + 0x734).unwrap() & 1, 1, "PIN_CNF[13].DIR");
        b.write32(P0 + 0x508, 1 << 13).unwrap(); // OUTSET
        assert_eq!(b.read32(P0 + 0x504).unwrap(), 1 << 13);
        assert_eq!(
            b.read32(P0 + 0x510).unwrap(),
            0,
            "input buffer disconnected"
        );
        b.write32(P0 + 0x734, 0x1).unwrap(); // output, input connected
        assert_eq!(b.read32(P0 + 0x510).unwrap(), 1 << 13);
        b.write32(P0 + 0x50C, 1 << 13).unwrap(); // OUTCLR
        assert_eq!(b.read32(P0 + 0x510).unwrap(), 0);
        // A pulled-up input reads 1.
        b.write32(P0 + 0x700 + 4 * 11, 0xC).unwrap();
        assert_eq!(b.read32(P0 + 0x510).unwrap(), 1 << 11);
        // P1 lives 0x300 above and has 16 pins.
        b.write32(P1 + 0x514, 0xFFFF_FFFF).unwrap();
        assert_eq!(b.read32(P1 + 0x514).unwrap(), 0xFFFF);
        b.write32(P1 + 0x508, 1 << 3).unwrap();
        let pins = b.pins();
        assert_eq!(pins.len(), 2);
        assert_eq!((pins[0].name.as_str(), pins[0].output), ("P0", 1 << 13));
        assert_eq!(pins[0].level, 1 << 11, "pulled-up input high, P0.13 low");
        assert_eq!((pins[1].name.as_str(), pins[1].count), ("P1", 16));
        assert_eq!(pins[1].level, 1 << 3);
        assert!(b.mmio.entries.is_empty(), "{:?}", b.mmio.entries);
    }
}

//! GPIOTE of the nRF52840 (PS v1.7, chapter GPIOTE), minimal: `CONFIG[n]` in Task mode gives
//! the channel its pin (at OUTINIT), and `TASKS_OUT/SET/CLR[n]` toggle, set or clear it; the
//! TUI shows those pins as ports "GPIOTE P0"/"GPIOTE P1" ([`Device::pins`](sim_core::device::Device::pins): a task-mode pin
//! is driven by GPIOTE, not by the port's OUT). Event mode is storage only: nothing outside drives a pin,
//! so EVENTS_IN and EVENTS_PORT never fire; INTENSET/INTENCLR keep their bits.

use super::events::{Events, Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::device::{DeviceCtx, DeviceError, Peek, PortPins};

const TASKS_OUT: u32 = 0x000;
const TASKS_SET: u32 = 0x030;
const TASKS_CLR: u32 = 0x060;
const CONFIG: u32 = 0x510;
const CHANNELS: u32 = 8;
const MODE_TASK: u32 = 3;

/// GPIOTE.
#[derive(Debug, Clone)]
pub struct Gpiote {
    regs: Regs,
    events: Events,
    /// Output level of each channel in Task mode.
    level: u32,
}

impl Gpiote {
    /// GPIOTE over `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Gpiote {
        Gpiote {
            regs: Regs::new(&[desc]),
            events: Events::new(desc.irq()),
            level: 0,
        }
    }

    fn config(&self, n: u32) -> u32 {
        self.regs.get(CONFIG + 4 * n)
    }
}

impl Peripheral for Gpiote {
    fn name(&self) -> &str {
        "GPIOTE"
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, _: &Peek) -> Option<u32> {
        self.events.peek(off).or_else(|| self.regs.read(off, 4))
    }

    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        if self.events.access(off, Some(v), ctx).is_some() {
            return Ok(());
        }
        let task = |base: u32| (base..base + 4 * CHANNELS).contains(&off);
        if task(TASKS_OUT) || task(TASKS_SET) || task(TASKS_CLR) {
            let n = (off % 0x30) / 4;
            if v & 1 != 0 && self.config(n) & 3 == MODE_TASK {
                let bit = 1 << n;
                let polarity = (self.config(n) >> 16) & 3;
                self.level = match off / 0x30 {
                    // TASKS_OUT follows CONFIG.POLARITY: LoToHi sets, HiToLo clears, Toggle.
                    0 => match polarity {
                        1 => self.level | bit,
                        2 => self.level & !bit,
                        3 => self.level ^ bit,
                        _ => self.level,
                    },
                    1 => self.level | bit,
                    _ => self.level & !bit,
                };
            }
            return Ok(());
        }
        if (CONFIG..CONFIG + 4 * CHANNELS).contains(&off) {
            let n = (off - CONFIG) / 4;
            self.regs.write(off, 4, v);
            if v & 3 == MODE_TASK {
                // OUTINIT (bit 20): the pin's level when the channel takes it.
                self.level = (self.level & !(1 << n)) | (((v >> 20) & 1) << n);
            }
            return Ok(());
        }
        self.regs.unmodelled(off, true, ctx)?;
        self.regs.write(off, 4, v);
        Ok(())
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.events.reset(ctx);
        self.level = 0;
    }

    fn pins(&self) -> Vec<PortPins> {
        let mut ports = [("GPIOTE P0", 32u8, 0u32, 0u32), ("GPIOTE P1", 16, 0, 0)];
        for n in 0..CHANNELS {
            let c = self.config(n);
            if c & 3 != MODE_TASK {
                continue;
            }
            let pin = (c >> 8) & 0x1F;
            let port = &mut ports[((c >> 13) & 1) as usize];
            port.2 |= 1 << pin;
            port.3 |= ((self.level >> n) & 1) << pin;
        }
        ports
            .iter()
            .filter(|p| p.2 != 0)
            .map(|&(name, count, output, level)| PortPins {
                name: name.to_string(),
                count,
                output,
                level,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::nrf;

    const GPIOTE: u32 = 0x4000_6000;

    #[test]
    fn task_mode_drives_its_pin() {
        let mut m = nrf();
        let b = &mut m.bus;
        // Channel 0: task, P0.13, toggle, initially high.
        b.write32(GPIOTE + 0x510, 3 | (13 << 8) | (3 << 16) | (1 << 20))
            .unwrap();
        let p0 = |b: &sim_core::bus::Bus| {
            b.pins()
                .into_iter()
                .find(|p| p.name == "GPIOTE P0")
                .unwrap()
                .level
        };
        assert_eq!(p0(b) & (1 << 13), 1 << 13);
        b.write32(GPIOTE, 1).unwrap(); // TASKS_OUT[0]: toggle
        assert_eq!(p0(b) & (1 << 13), 0);
        b.write32(GPIOTE + 0x030, 1).unwrap(); // TASKS_SET[0]
        assert_eq!(p0(b) & (1 << 13), 1 << 13);
        b.write32(GPIOTE + 0x060, 1).unwrap(); // TASKS_CLR[0]
        assert_eq!(p0(b) & (1 << 13), 0);
        assert!(b.mmio.entries.is_empty());
    }
}

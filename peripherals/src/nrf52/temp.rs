//! TEMP, the nRF52840's die temperature sensor (PS v1.7, chapter TEMP): TASKS_START measures, and
//! after the measurement time (36 µs, PS, TEMP electrical specification) TEMP holds the result and EVENTS_DATARDY is
//! set. thimble's die is always at [`TEMP_C_X4`] / 4 = 25.00 °C (a fixed, documented value:
//! runs stay deterministic). The calibration registers A0–A5, B0–B5, T0–T4 are storage.

use super::events::{Events, Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::clock::Clock;
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// The temperature TEMP reports, in its unit of 0.25 °C: 25.00 °C.
pub const TEMP_C_X4: u32 = 100;
const T_TEMP_PS: u64 = 36_000_000;

const TASKS_START: u32 = 0x000;
const TASKS_STOP: u32 = 0x004;
const TEMP: u32 = 0x508;
const EV_DATARDY: u32 = 0;

/// The temperature sensor.
#[derive(Debug, Clone)]
pub struct Temp {
    regs: Regs,
    events: Events,
    done: Option<u64>,
}

impl Temp {
    /// TEMP over `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Temp {
        Temp {
            regs: Regs::new(&[desc]),
            events: Events::new(desc.irq()),
            done: None,
        }
    }
}

impl Peripheral for Temp {
    fn name(&self) -> &str {
        "TEMP"
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
        match off {
            TASKS_START if v & 1 != 0 => self.done = Some(ctx.now_ps() + T_TEMP_PS),
            TASKS_STOP if v & 1 != 0 => self.done = None,
            TASKS_START | TASKS_STOP | TEMP => {}
            _ if self.regs.describes(off) => {
                self.regs.write(off, 4, v);
            }
            _ => self.regs.unmodelled(off, true, ctx)?,
        }
        Ok(())
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        self.done
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        if self.done.is_some_and(|t| t <= ctx.now_ps()) {
            self.done = None;
            self.regs.set(TEMP, TEMP_C_X4);
            self.events.fire(EV_DATARDY, ctx);
        }
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.events.reset(ctx);
        self.done = None;
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::{advance_us, nrf};

    const TEMP: u32 = 0x4000_C000;

    #[test]
    fn measures_25_degrees_after_36_us() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(TEMP, 1).unwrap();
        advance_us(b, 35);
        assert_eq!(b.read32(TEMP + 0x100).unwrap(), 0);
        advance_us(b, 1);
        assert_eq!(b.read32(TEMP + 0x100).unwrap(), 1);
        assert_eq!(b.read32(TEMP + 0x508).unwrap(), 100, "25.00 C in 0.25 C");
        assert_eq!(b.read32(TEMP + 0x520).unwrap(), 0x326, "A0 reset value");
        assert!(b.mmio.entries.is_empty());
    }
}

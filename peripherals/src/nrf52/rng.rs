//! RNG of the nRF52840 (PS v1.7, chapter RNG): after TASKS_START, a new byte in VALUE and
//! EVENTS_VALRDY every byte time until TASKS_STOP (or the VALRDY_STOP short).
//!
//! Deterministic: the bytes come from a fixed-seed generator (xorshift32, seed
//! [`SEED`]), so the same firmware reads the same "random" numbers on every run — a true
//! random source would break thimble's determinism. The sequence continues across system
//! resets, as the hardware's noise would. Timing (PS, RNG electrical specification, typical): the first byte
//! 128 µs after START, then one every 30 µs, or 120 µs with bias correction (CONFIG.DERCEN).

use super::events::{Events, Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::clock::Clock;
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// The generator's seed (documented: every run starts the same sequence).
pub const SEED: u32 = 0x7468_696D;
const PS_PER_US: u64 = 1_000_000;
const T_START_PS: u64 = 128 * PS_PER_US;
const T_RAW_PS: u64 = 30 * PS_PER_US;
const T_BC_PS: u64 = 120 * PS_PER_US;

const TASKS_START: u32 = 0x000;
const TASKS_STOP: u32 = 0x004;
const SHORTS: u32 = 0x200;
const CONFIG: u32 = 0x504;
const VALUE: u32 = 0x508;
const EV_VALRDY: u32 = 0;

/// The RNG.
#[derive(Debug, Clone)]
pub struct Rng {
    regs: Regs,
    events: Events,
    state: u32,
    /// Time the next byte is ready, while running.
    next: Option<u64>,
}

impl Rng {
    /// The RNG over `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Rng {
        Rng {
            regs: Regs::new(&[desc]),
            events: Events::new(desc.irq()),
            state: SEED,
            next: None,
        }
    }

    fn byte(&mut self) -> u8 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.state = x;
        (x >> 24) as u8
    }

    fn period(&self) -> u64 {
        if self.regs.get(CONFIG) & 1 != 0 {
            T_BC_PS
        } else {
            T_RAW_PS
        }
    }
}

impl Peripheral for Rng {
    fn name(&self) -> &str {
        "RNG"
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
            TASKS_START if v & 1 != 0 => {
                if self.next.is_none() {
                    self.next = Some(ctx.now_ps() + T_START_PS);
                }
            }
            TASKS_STOP if v & 1 != 0 => self.next = None,
            TASKS_START | TASKS_STOP | VALUE => {}
            SHORTS | CONFIG => {
                self.regs.write(off, 4, v);
            }
            _ => {
                self.regs.unmodelled(off, true, ctx)?;
                self.regs.write(off, 4, v);
            }
        }
        Ok(())
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        self.next
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        let now = ctx.now_ps();
        while let Some(t) = self.next {
            if t > now {
                break;
            }
            let b = self.byte();
            self.regs.set(VALUE, u32::from(b));
            self.events.fire(EV_VALRDY, ctx);
            self.next = if self.regs.get(SHORTS) & 1 != 0 {
                None
            } else {
                Some(t + self.period())
            };
        }
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.events.reset(ctx);
        self.next = None;
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::{advance_us, nrf};

    const RNG: u32 = 0x4000_D000;

    fn bytes(n: usize) -> Vec<u32> {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(RNG + 0x200, 1).unwrap(); // VALRDY_STOP
        let mut out = Vec::new();
        for _ in 0..n {
            b.write32(RNG + 0x100, 0).unwrap();
            b.write32(RNG, 1).unwrap();
            advance_us(b, 127);
            assert_eq!(b.read32(RNG + 0x100).unwrap(), 0);
            advance_us(b, 1);
            assert_eq!(b.read32(RNG + 0x100).unwrap(), 1);
            out.push(b.read32(RNG + 0x508).unwrap());
        }
        out
    }

    #[test]
    fn bytes_are_deterministic_and_not_constant() {
        let a = bytes(16);
        assert_eq!(a, bytes(16), "same sequence every run");
        assert!(a.iter().all(|&v| v <= 0xFF));
        let distinct: std::collections::BTreeSet<_> = a.iter().collect();
        assert!(distinct.len() > 8, "{a:?}");
    }

    #[test]
    fn runs_continuously_without_the_short() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(RNG + 0x304, 1).unwrap();
        b.write32(RNG, 1).unwrap();
        advance_us(b, 128 + 30 * 3);
        assert!(b.exc.is_pending(16 + 13));
        b.write32(RNG + 0x004, 1).unwrap();
        assert!(b.mmio.entries.is_empty());
    }
}

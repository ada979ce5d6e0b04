//! TIMER0–TIMER4 of the nRF52840 (PS v1.7, chapter TIMER): a counter of BITMODE width (8, 16, 24 or
//! 32 bits) with compare/capture registers (4 on TIMER0–2, 6 on TIMER3–4).
//!
//! - Timer mode: the counter increments at f(PCLK16M) / 2^PRESCALER (PRESCALER 0–9; larger
//!   values count as 9), from TASKS_START; Counter and low-power counter modes increment on
//!   TASKS_COUNT instead.
//! - `COMPARE[n]` when the counter becomes `CC[n]`: `EVENTS_COMPARE[n]`, the SHORTS
//!   COMPAREn_CLEAR (the counter restarts from 0 at once, so CC = N gives a period of N
//!   ticks) and COMPAREn_STOP, and with INTEN the IRQ (8, 9, 10, 26, 27).
//! - `TASKS_CAPTURE[n]` copies the counter to `CC[n]`; TASKS_CLEAR zeroes it; TASKS_STOP and
//!   TASKS_SHUTDOWN stop it (it keeps its value).
//! - Writing MODE, BITMODE or PRESCALER while running re-anchors the count (the PS says to
//!   change them only while stopped).

use super::events::{Events, Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{DeviceCtx, DeviceError, Peek};

const TASKS_START: u32 = 0x000;
const TASKS_STOP: u32 = 0x004;
const TASKS_COUNT: u32 = 0x008;
const TASKS_CLEAR: u32 = 0x00C;
const TASKS_SHUTDOWN: u32 = 0x010;
const TASKS_CAPTURE: u32 = 0x040;
const SHORTS: u32 = 0x200;
const MODE: u32 = 0x504;
const BITMODE: u32 = 0x508;
const PRESCALER: u32 = 0x510;
const CC: u32 = 0x540;
const EV_COMPARE: u32 = 16;

/// Counting in timer mode since `anchor` (picoseconds), from `base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    anchor: u64,
    base: u32,
    /// Ticks already handled.
    done: u64,
    /// Tick rate numerator/denominator: a tick lasts `2^prescaler / f16` seconds.
    f16: u64,
    prescaler: u32,
}

impl Run {
    fn tick_ps(&self, k: u64) -> u64 {
        let n = (u128::from(k) << self.prescaler) * u128::from(PS_PER_S);
        let ps = n.div_ceil(u128::from(self.f16.max(1)));
        self.anchor
            .saturating_add(u64::try_from(ps).unwrap_or(u64::MAX))
    }

    fn ticks_at(&self, t: u64) -> u64 {
        let n = u128::from(t.saturating_sub(self.anchor)) * u128::from(self.f16);
        u64::try_from((n / u128::from(PS_PER_S)) >> self.prescaler).unwrap_or(u64::MAX)
    }
}

/// One TIMER instance.
#[derive(Debug, Clone)]
pub struct Timer {
    name: &'static str,
    regs: Regs,
    events: Events,
    channels: u32,
    /// Timer mode, started.
    run: Option<Run>,
    /// Counter/low-power counter mode, started.
    counting: bool,
    /// Counter value when not running in timer mode.
    value: u32,
}

impl Timer {
    /// The instance `desc` with `channels` compare/capture registers.
    pub fn new(desc: &'static PeripheralDesc, channels: u32) -> Timer {
        Timer {
            name: desc.name,
            regs: Regs::new(&[desc]),
            events: Events::new(desc.irq()),
            channels,
            run: None,
            counting: false,
            value: 0,
        }
    }

    fn mask(&self) -> u32 {
        match self.regs.get(BITMODE) & 3 {
            0 => 0xFFFF,
            1 => 0xFF,
            2 => 0xFF_FFFF,
            _ => u32::MAX,
        }
    }

    fn counter(&self, now: u64) -> u32 {
        match &self.run {
            Some(r) => (u64::from(r.base).wrapping_add(r.ticks_at(now)) as u32) & self.mask(),
            None => self.value,
        }
    }

    fn timer_mode(&self) -> bool {
        self.regs.get(MODE) & 3 == 0
    }

    fn start_run(&mut self, now: u64, value: u32, ctx: &DeviceCtx) {
        self.run = Some(Run {
            anchor: now,
            base: value,
            done: 0,
            f16: ctx.clock_hz("PCLK16M"),
            prescaler: (self.regs.get(PRESCALER) & 0xF).min(9),
        });
    }

    /// The next tick at which the counter equals some `CC[n]` (timer mode).
    fn next_tick(&self, r: &Run) -> Option<u64> {
        let mask = u64::from(self.mask());
        let next = r.done + 1;
        let at_next = (u64::from(r.base) + next) & mask;
        (0..self.channels)
            .map(|n| {
                let cc = u64::from(self.regs.get(CC + 4 * n)) & mask;
                next + (cc.wrapping_sub(at_next) & mask)
            })
            .min()
    }

    /// The counter has just become `value` at time `at`: compare events and shorts.
    fn compare(&mut self, value: u32, at: u64, ctx: &mut DeviceCtx) {
        let shorts = self.regs.get(SHORTS);
        let mut clear = false;
        let mut stop = false;
        for n in 0..self.channels {
            if self.regs.get(CC + 4 * n) & self.mask() == value {
                self.events.fire(EV_COMPARE + n, ctx);
                clear |= shorts & (1 << n) != 0;
                stop |= shorts & (1 << (8 + n)) != 0;
            }
        }
        let timer = self.run.is_some();
        if clear {
            if timer {
                self.start_run(at, 0, ctx);
            } else {
                self.value = 0;
            }
        }
        if stop {
            self.value = if clear { 0 } else { value };
            self.run = None;
            self.counting = false;
        }
    }

    fn word_at(&self, off: u32) -> Option<u32> {
        if let Some(v) = self.events.peek(off) {
            return Some(v);
        }
        self.regs.read(off, 4)
    }

    fn write_reg(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        if self.events.access(off, Some(v), ctx).is_some() {
            return Ok(());
        }
        let now = ctx.now_ps();
        let task = v & 1 != 0;
        let capture = TASKS_CAPTURE..TASKS_CAPTURE + 4 * self.channels;
        match off {
            TASKS_START if task => {
                if self.timer_mode() {
                    if self.run.is_none() {
                        let c = self.value;
                        self.start_run(now, c, ctx);
                    }
                } else {
                    self.counting = true;
                }
            }
            TASKS_STOP | TASKS_SHUTDOWN if task => {
                self.value = self.counter(now);
                self.run = None;
                self.counting = false;
            }
            TASKS_COUNT if task => {
                if self.counting && !self.timer_mode() {
                    self.value = self.value.wrapping_add(1) & self.mask();
                    let c = self.value;
                    self.compare(c, now, ctx);
                }
            }
            TASKS_CLEAR if task => {
                if self.run.is_some() {
                    self.start_run(now, 0, ctx);
                } else {
                    self.value = 0;
                }
            }
            _ if capture.contains(&off) => {
                if task {
                    let n = (off - TASKS_CAPTURE) / 4;
                    let c = self.counter(now);
                    self.regs.set(CC + 4 * n, c);
                }
            }
            TASKS_START | TASKS_STOP | TASKS_COUNT | TASKS_CLEAR | TASKS_SHUTDOWN => {}
            MODE | BITMODE | PRESCALER => {
                let c = self.counter(now);
                self.regs.write(off, 4, v);
                if self.run.is_some() {
                    if self.timer_mode() {
                        self.start_run(now, c & self.mask(), ctx);
                    } else {
                        self.run = None;
                        self.value = c;
                        self.counting = true;
                    }
                } else {
                    self.value = c & self.mask();
                }
            }
            SHORTS => {
                self.regs.write(off, 4, v);
            }
            _ if (CC..CC + 4 * self.channels).contains(&off) => {
                self.regs.write(off, 4, v);
            }
            _ => {
                self.regs.unmodelled(off, true, ctx)?;
                self.regs.write(off, 4, v);
            }
        }
        Ok(())
    }
}

impl Peripheral for Timer {
    fn name(&self) -> &str {
        self.name
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, _: &Peek) -> Option<u32> {
        self.word_at(off)
    }

    fn read_word(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        let handled = self.events.peek(off).is_some()
            || matches!(off, SHORTS | MODE | BITMODE | PRESCALER)
            || (CC..CC + 4 * self.channels).contains(&off);
        if !handled {
            self.regs.unmodelled(off, false, ctx)?;
        }
        Ok(self.word_at(off).unwrap_or(0))
    }

    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        self.write_reg(off, v, ctx)
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        let r = self.run.as_ref()?;
        self.next_tick(r).map(|k| r.tick_ps(k))
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        let now = ctx.now_ps();
        while let Some(r) = self.run {
            let Some(k) = self.next_tick(&r) else { break };
            let at = r.tick_ps(k);
            if at > now {
                break;
            }
            if let Some(run) = &mut self.run {
                run.done = k;
            }
            let value = (u64::from(r.base).wrapping_add(k) as u32) & self.mask();
            self.compare(value, at, ctx);
        }
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.events.reset(ctx);
        self.run = None;
        self.counting = false;
        self.value = 0;
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::{advance_us, nrf};

    const TIMER1: u32 = 0x4000_9000;

    #[test]
    fn periodic_compare_with_the_clear_short_at_1_mhz() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(TIMER1 + 0x510, 4).unwrap(); // 16 MHz / 16 = 1 MHz
        b.write32(TIMER1 + 0x508, 3).unwrap(); // 32 bit
        b.write32(TIMER1 + 0x540, 5000).unwrap(); // 5 ms
        b.write32(TIMER1 + 0x200, 1).unwrap(); // COMPARE0_CLEAR
        b.write32(TIMER1 + 0x304, 1 << 16).unwrap();
        b.write32(TIMER1, 1).unwrap();
        for period in 1..=3u64 {
            advance_us(b, 4999);
            assert_eq!(b.read32(TIMER1 + 0x140).unwrap(), 0, "period {period}");
            advance_us(b, 1);
            assert_eq!(b.read32(TIMER1 + 0x140).unwrap(), 1, "period {period}");
            assert!(b.exc.is_pending(16 + 9), "TIMER1 is IRQ 9");
            b.write32(TIMER1 + 0x140, 0).unwrap();
        }
        // Capture: 2.5 ms into the fourth period.
        advance_us(b, 2500);
        b.write32(TIMER1 + 0x044, 1).unwrap();
        assert_eq!(b.read32(TIMER1 + 0x544).unwrap(), 2500);
        b.write32(TIMER1 + 0x004, 1).unwrap();
        advance_us(b, 10_000);
        b.write32(TIMER1 + 0x044, 1).unwrap();
        assert_eq!(b.read32(TIMER1 + 0x544).unwrap(), 2500, "stopped");
        assert!(b.mmio.entries.is_empty(), "{:?}", b.mmio.entries);
    }

    #[test]
    fn sixteen_bit_wrap_counter_mode_and_stop_short() {
        let mut m = nrf();
        let b = &mut m.bus;
        // 16 MHz, 16-bit (reset BITMODE): wraps every 4.096 ms; prescaler 0.
        b.write32(TIMER1 + 0x510, 0).unwrap();
        b.write32(TIMER1 + 0x540, 16).unwrap(); // 1 us
        b.write32(TIMER1 + 0x200, 1 << 8).unwrap(); // COMPARE0_STOP
        b.write32(TIMER1, 1).unwrap();
        advance_us(b, 100);
        assert_eq!(b.read32(TIMER1 + 0x140).unwrap(), 1);
        b.write32(TIMER1 + 0x040, 1).unwrap();
        assert_eq!(b.read32(TIMER1 + 0x540).unwrap(), 16, "stopped at CC");
        // Counter mode.
        b.write32(TIMER1 + 0x00C, 1).unwrap();
        b.write32(TIMER1 + 0x504, 1).unwrap();
        b.write32(TIMER1 + 0x200, 0).unwrap();
        b.write32(TIMER1 + 0x544, 3).unwrap();
        b.write32(TIMER1, 1).unwrap();
        for _ in 0..3 {
            b.write32(TIMER1 + 0x008, 1).unwrap();
        }
        assert_eq!(
            b.read32(TIMER1 + 0x144).unwrap(),
            1,
            "COMPARE1 on the third count"
        );
        b.write32(TIMER1 + 0x048, 1).unwrap();
        assert_eq!(b.read32(TIMER1 + 0x548).unwrap(), 3);
    }
}

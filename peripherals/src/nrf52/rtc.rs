//! RTC0, RTC1 and RTC2 of the nRF52840 (PS v1.7, chapter RTC): a 24-bit COUNTER clocked by LFCLK
//! through a 12-bit PRESCALER (f = LFCLK / (PRESCALER + 1)), with compare registers (3 on
//! RTC0, 4 on RTC1/RTC2), TICK and OVRFLW events.
//!
//! - Time: the counter runs on the published `LFCLK` (32 768 Hz while the CLOCK model says it
//!   runs), whose edges fall at n / 32 768 s (exact, so long runs do not drift). TASKS_START
//!   and TASKS_CLEAR take effect at the next LFCLK edge and COUNTER then increments every
//!   PRESCALER + 1 edges: a handler that clears the counter some microseconds after a compare
//!   does not stretch the period, as on silicon. Started while LFCLK is stopped, the RTC waits
//!   and starts counting when LFCLK does.
//! - Events: TICK on every increment, OVRFLW when the counter wraps (TASKS_TRIGOVRFLW sets it
//!   to 0xFFFFF0), `COMPARE[n]` when it becomes `CC[n]`. An event is written to its EVENTS
//!   register only when EVTEN or INTEN enables it (PS, RTC: "Event control"); with INTEN,
//!   the RTC's IRQ (11, 17, 36) is pended. Events are scheduled, never polled.
//! - PRESCALER can only be written while the RTC is stopped (PS, RTC: PRESCALER);
//!   a write while running is ignored.

use super::clock::periods_ps;
use super::events::{Events, Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{DeviceCtx, DeviceError, Peek};

const TASKS_START: u32 = 0x000;
const TASKS_STOP: u32 = 0x004;
const TASKS_CLEAR: u32 = 0x008;
const TASKS_TRIGOVRFLW: u32 = 0x00C;
const EVTEN: u32 = 0x340;
const EVTENSET: u32 = 0x344;
const EVTENCLR: u32 = 0x348;
const COUNTER: u32 = 0x504;
const PRESCALER: u32 = 0x508;
const CC: u32 = 0x540;

const EV_TICK: u32 = 0;
const EV_OVRFLW: u32 = 1;
const EV_COMPARE: u32 = 16;
const MASK: u32 = 0x00FF_FFFF;

/// Counting state while started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// Index of the LFCLK edge the count started from (edge n falls at n / f seconds); the
    /// counter held `base` from then.
    e0: u64,
    /// Counter value at that edge.
    base: u32,
    /// Ticks already handled (events up to and including this tick were generated).
    done: u64,
    /// LFCLK rate and prescaler the run counts with.
    lf_hz: u64,
    prescaler: u32,
}

impl Run {
    /// The first LFCLK edge at or after `t` (picoseconds).
    fn edge_after(t: u64, lf_hz: u64) -> u64 {
        let n = (u128::from(t) * u128::from(lf_hz)).div_ceil(u128::from(PS_PER_S));
        u64::try_from(n).unwrap_or(u64::MAX)
    }

    /// Time of tick `k` (the counter's k-th increment).
    fn tick_ps(&self, k: u64) -> u64 {
        periods_ps(self.e0 + k * u64::from(self.prescaler + 1), self.lf_hz)
    }

    /// Ticks elapsed at `t`.
    fn ticks_at(&self, t: u64) -> u64 {
        let edges = u128::from(t) * u128::from(self.lf_hz) / u128::from(PS_PER_S);
        let edges = u64::try_from(edges).unwrap_or(u64::MAX);
        edges.saturating_sub(self.e0) / u64::from(self.prescaler + 1)
    }

    fn counter_at(&self, t: u64) -> u32 {
        u64::from(self.base).wrapping_add(self.ticks_at(t)) as u32 & MASK
    }

    /// The first tick after `done` at which the counter equals `v`.
    fn tick_reaching(&self, v: u32) -> u64 {
        let next = self.done + 1;
        let at_next = (u64::from(self.base) + next) as u32 & MASK;
        next + u64::from(v.wrapping_sub(at_next) & MASK)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Stopped,
    /// Started while LFCLK was stopped.
    WaitingForLfclk,
    Running(Run),
}

/// One RTC instance.
#[derive(Debug, Clone)]
pub struct Rtc {
    name: &'static str,
    regs: Regs,
    events: Events,
    evten: u32,
    /// Compare registers this instance has.
    channels: u32,
    state: State,
    /// COUNTER while stopped.
    counter: u32,
}

impl Rtc {
    /// The instance `desc` with `channels` compare registers.
    pub fn new(desc: &'static PeripheralDesc, channels: u32) -> Rtc {
        Rtc {
            name: desc.name,
            regs: Regs::new(&[desc]),
            events: Events::new(desc.irq()),
            evten: 0,
            channels,
            state: State::Stopped,
            counter: 0,
        }
    }

    fn counter(&self, now: u64) -> u32 {
        match self.state {
            State::Running(r) => r.counter_at(now),
            _ => self.counter,
        }
    }

    fn enabled(&self) -> u32 {
        self.evten | self.events.inten
    }

    /// The next tick generating an enabled event, if any.
    fn next_tick(&self, r: &Run) -> Option<u64> {
        let en = self.enabled();
        let mut best: Option<u64> = None;
        let mut consider = |k: u64| best = Some(best.map_or(k, |b: u64| b.min(k)));
        if en & (1 << EV_TICK) != 0 {
            consider(r.done + 1);
        }
        if en & (1 << EV_OVRFLW) != 0 {
            consider(r.tick_reaching(0));
        }
        for n in 0..self.channels {
            if en & (1 << (EV_COMPARE + n)) != 0 {
                consider(r.tick_reaching(self.regs.get(CC + 4 * n) & MASK));
            }
        }
        best
    }

    /// Starts counting from `now` at the published LFCLK (or waits for it).
    fn run_from(&mut self, now: u64, value: u32, lf_hz: u64) {
        self.state = if lf_hz == 0 {
            self.counter = value;
            State::WaitingForLfclk
        } else {
            State::Running(Run {
                e0: Run::edge_after(now, lf_hz),
                base: value,
                done: 0,
                lf_hz,
                prescaler: self.regs.get(PRESCALER) & 0xFFF,
            })
        };
    }

    fn lfclk(ctx: &DeviceCtx) -> u64 {
        ctx.clock.domain("LFCLK").unwrap_or(0)
    }

    fn word_at(&self, off: u32, now: u64) -> Option<u32> {
        if let Some(v) = self.events.peek(off) {
            return Some(v);
        }
        Some(match off {
            EVTEN | EVTENSET | EVTENCLR => self.evten,
            COUNTER => self.counter(now),
            _ => self.regs.read(off, 4)?,
        })
    }

    fn write_reg(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        if self.events.access(off, Some(v), ctx).is_some() {
            return Ok(());
        }
        let now = ctx.now_ps();
        let task = v & 1 != 0;
        let mask = 0x3 | (((1 << self.channels) - 1) << EV_COMPARE);
        match off {
            TASKS_START if task => {
                if self.state == State::Stopped {
                    let c = self.counter;
                    self.run_from(now, c, Self::lfclk(ctx));
                }
            }
            TASKS_STOP if task => {
                self.counter = self.counter(now);
                self.state = State::Stopped;
            }
            TASKS_CLEAR if task => self.set_counter(0, now, ctx),
            TASKS_TRIGOVRFLW if task => self.set_counter(0xFF_FFF0, now, ctx),
            TASKS_START | TASKS_STOP | TASKS_CLEAR | TASKS_TRIGOVRFLW => {}
            EVTEN => self.evten = v & mask,
            EVTENSET => self.evten |= v & mask,
            EVTENCLR => self.evten &= !v,
            PRESCALER => {
                if self.state == State::Stopped {
                    self.regs.write(off, 4, v);
                }
            }
            COUNTER => {} // read-only
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

    fn set_counter(&mut self, value: u32, now: u64, ctx: &DeviceCtx) {
        match self.state {
            State::Running(r) => self.run_from(now, value, r.lf_hz),
            State::WaitingForLfclk => self.run_from(now, value, Self::lfclk(ctx)),
            State::Stopped => self.counter = value,
        }
    }
}

impl Peripheral for Rtc {
    fn name(&self) -> &str {
        self.name
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, at: &Peek) -> Option<u32> {
        self.word_at(off, at.now_ps())
    }

    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        self.write_reg(off, v, ctx)
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        match &self.state {
            State::Stopped => None,
            // LFCLK has started: begin counting at once.
            State::WaitingForLfclk => clock.domain("LFCLK").filter(|&hz| hz > 0).map(|_| 0),
            State::Running(r) => self.next_tick(r).map(|k| r.tick_ps(k)),
        }
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        let now = ctx.now_ps();
        if self.state == State::WaitingForLfclk {
            let c = self.counter;
            self.run_from(now, c, Self::lfclk(ctx));
            return;
        }
        while let State::Running(r) = self.state {
            let Some(k) = self.next_tick(&r) else { break };
            if r.tick_ps(k) > now {
                break;
            }
            let value = (u64::from(r.base) + k) as u32 & MASK;
            let en = self.enabled();
            if en & (1 << EV_TICK) != 0 {
                self.events.fire(EV_TICK, ctx);
            }
            if value == 0 && en & (1 << EV_OVRFLW) != 0 {
                self.events.fire(EV_OVRFLW, ctx);
            }
            for n in 0..self.channels {
                let e = EV_COMPARE + n;
                if en & (1 << e) != 0 && self.regs.get(CC + 4 * n) & MASK == value {
                    self.events.fire(e, ctx);
                }
            }
            if let State::Running(r) = &mut self.state {
                r.done = k;
            }
        }
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.events.reset(ctx);
        self.evten = 0;
        self.state = State::Stopped;
        self.counter = 0;
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::{advance_us, nrf};

    const RTC0: u32 = 0x4000_B000;
    const CLOCK: u32 = 0x4000_0000;

    #[test]
    fn counts_at_lfclk_and_compares_with_an_interrupt() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(RTC0, 1).unwrap(); // started before LFCLK: waits
        advance_us(b, 1000);
        assert_eq!(b.read32(RTC0 + 0x504).unwrap(), 0);
        b.write32(CLOCK + 0x008, 1).unwrap(); // LFCLKSTART (RC, 600 us): runs at 1600 us
        advance_us(b, 600);
        // The count starts at LFCLK edge 53 (1617.4 us); 328 ticks later is edge 381,
        // 11627.197 us.
        b.write32(RTC0 + 0x540, 328).unwrap();
        b.write32(RTC0 + 0x304, 1 << 16).unwrap(); // INTENSET.COMPARE0
        advance_us(b, 11_627 - 1600);
        assert_eq!(b.read32(RTC0 + 0x504).unwrap(), 327);
        assert_eq!(b.read32(RTC0 + 0x140).unwrap(), 0);
        advance_us(b, 1);
        assert_eq!(b.read32(RTC0 + 0x504).unwrap(), 328);
        assert_eq!(b.read32(RTC0 + 0x140).unwrap(), 1);
        assert!(b.exc.is_pending(16 + 11), "RTC0 is IRQ 11");
        // Cleared 5 us after the compare: the clear takes effect at the next edge (382), so
        // COUNTER reaches 32768 at edge 382 + 32768, 32769 ticks after the compare (the
        // "CC + 1" of clearing on compare), on the LFCLK grid: 1011657.7 us.
        advance_us(b, 4);
        b.write32(RTC0 + 0x008, 1).unwrap(); // TASKS_CLEAR
        b.write32(RTC0 + 0x140, 0).unwrap();
        b.write32(RTC0 + 0x540, 32768).unwrap();
        advance_us(b, 1_011_657 - 11_632);
        assert_eq!(b.read32(RTC0 + 0x140).unwrap(), 0);
        advance_us(b, 1);
        assert_eq!(b.read32(RTC0 + 0x140).unwrap(), 1);
        // A compare event neither EVTEN nor INTEN enables is not written.
        b.write32(RTC0 + 0x140, 0).unwrap();
        b.write32(RTC0 + 0x308, 1 << 16).unwrap();
        let c = b.read32(RTC0 + 0x504).unwrap();
        b.write32(RTC0 + 0x540, c + 100).unwrap();
        advance_us(b, 5_000);
        assert_eq!(b.read32(RTC0 + 0x140).unwrap(), 0);
        b.write32(RTC0 + 0x344, 1 << 17).unwrap(); // EVTENSET.COMPARE1
        b.write32(RTC0 + 0x544, c + 200).unwrap();
        advance_us(b, 10_000);
        assert_eq!(b.read32(RTC0 + 0x144).unwrap(), 1);
        assert!(b.mmio.entries.is_empty(), "{:?}", b.mmio.entries);
    }

    #[test]
    fn prescaler_clear_overflow_and_stop() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(CLOCK + 0x008, 1).unwrap();
        advance_us(b, 600);
        b.write32(RTC0 + 0x508, 327).unwrap(); // 32768 / 328 = 99.90 Hz
        b.write32(RTC0, 1).unwrap();
        b.write32(RTC0 + 0x508, 0).unwrap(); // ignored while running
        assert_eq!(b.read32(RTC0 + 0x508).unwrap(), 327);
        advance_us(b, 1_000_000);
        assert_eq!(b.read32(RTC0 + 0x504).unwrap(), 99);
        b.write32(RTC0 + 0x344, 0x2).unwrap(); // EVTENSET.OVRFLW
        b.write32(RTC0 + 0x00C, 1).unwrap(); // TRIGOVRFLW: 0xFFFFF0
        advance_us(b, 150_000); // 14 ticks
        assert_eq!(b.read32(RTC0 + 0x504).unwrap(), 0xFF_FFFE);
        assert_eq!(b.read32(RTC0 + 0x104).unwrap(), 0);
        advance_us(b, 20_000); // 16 ticks
        assert_eq!(b.read32(RTC0 + 0x504).unwrap(), 0);
        assert_eq!(b.read32(RTC0 + 0x104).unwrap(), 1, "OVRFLW");
        b.write32(RTC0 + 0x004, 1).unwrap();
        advance_us(b, 100_000);
        assert_eq!(b.read32(RTC0 + 0x504).unwrap(), 0, "stopped");
        b.write32(RTC0 + 0x008, 1).unwrap();
        assert_eq!(b.read32(RTC0 + 0x504).unwrap(), 0);
    }
}

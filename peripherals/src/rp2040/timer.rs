//! TIMER (RP2040 datasheet §4.6): a 64-bit counter incremented by every tick of the
//! watchdog's tick generator (the `tick` clock; 1 MHz once pico-sdk has set it up), four alarms
//! on its low 32 bits with one interrupt each (TIMER_IRQ_0-3).
//!
//! - TIMELR/TIMEHR: reading TIMELR latches the high word, which TIMEHR then returns;
//!   TIMERAWL/TIMERAWH read without latching; TIMELW then TIMEHW set the count.
//! - ALARMn: writing arms the alarm (ARMED bit n); it fires when the low 32 bits of the count
//!   equal it — at once if they already do, else when the count next gets there (after a wrap
//!   if it is behind) — setting INTR bit n and disarming. Writing 1 to ARMED disarms.
//! - INTR (write 1 to clear), INTE, INTF (force), INTS = (INTR & INTE) | INTF; INTS bit n is
//!   the level of TIMER_IRQ_n (level-sensitive: the NVIC keeps it pending while it is high).
//! - PAUSE stops the count (DBGPAUSE is for debuggers and changes nothing here).

use super::domain;
use super::fabric::{read_peeked, unmodelled, Block};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{DeviceCtx, DeviceError, Peek};
use sim_core::exception::IrqLine;

/// Register offsets (§4.6.5).
pub mod reg {
    /// Write high word of the time (after TIMELW).
    pub const TIMEHW: u32 = 0x00;
    /// Write low word of the time.
    pub const TIMELW: u32 = 0x04;
    /// Read high word (latched by a TIMELR read).
    pub const TIMEHR: u32 = 0x08;
    /// Read low word (latches the high word).
    pub const TIMELR: u32 = 0x0C;
    /// ALARM0; ALARM1-3 follow every 4 bytes.
    pub const ALARM0: u32 = 0x10;
    /// Armed alarms; write 1 to disarm.
    pub const ARMED: u32 = 0x20;
    /// Raw high word.
    pub const TIMERAWH: u32 = 0x24;
    /// Raw low word.
    pub const TIMERAWL: u32 = 0x28;
    /// Debug pause.
    pub const DBGPAUSE: u32 = 0x2C;
    /// Pause.
    pub const PAUSE: u32 = 0x30;
    /// Raw interrupts (write 1 to clear).
    pub const INTR: u32 = 0x34;
    /// Interrupt enables.
    pub const INTE: u32 = 0x38;
    /// Interrupt force.
    pub const INTF: u32 = 0x3C;
    /// Interrupt status after masking and forcing.
    pub const INTS: u32 = 0x40;
}

/// The timer.
pub struct Timer {
    regs: RegisterFile,
    /// The interrupt lines of alarms 0-3 (TIMER_IRQ_0-3).
    lines: [IrqLine; 4],
    /// The count `base` at time `since` (ps), counting at `hz` ticks/s.
    base: u64,
    since: u64,
    hz: u64,
    paused: bool,
    latched_hi: u32,
    lw: u32,
    alarms: [u32; 4],
    armed: u8,
    intr: u8,
    inte: u8,
    intf: u8,
}

impl Timer {
    /// The timer described by `desc`, its count at 0 and stopped until the tick runs.
    pub fn new(desc: &'static PeripheralDesc) -> Timer {
        Timer {
            regs: RegisterFile::new(desc),
            lines: {
                let irq0 = desc.irq().unwrap_or(0);
                [0, 1, 2, 3].map(|i| IrqLine::new(Some(irq0 + i)))
            },
            base: 0,
            since: 0,
            hz: 0,
            paused: false,
            latched_hi: 0,
            lw: 0,
            alarms: [0; 4],
            armed: 0,
            intr: 0,
            inte: 0,
            intf: 0,
        }
    }

    fn rate(&self) -> u64 {
        if self.paused {
            0
        } else {
            self.hz
        }
    }

    /// The count at `now_ps`.
    pub fn count(&self, now_ps: u64) -> u64 {
        let ticks = u128::from(now_ps.saturating_sub(self.since)) * u128::from(self.rate())
            / u128::from(PS_PER_S);
        self.base.wrapping_add(ticks as u64)
    }

    /// The time the count reaches `n` (≥ the count at `since`), in ps.
    fn time_of(&self, n: u64) -> Option<u64> {
        let r = self.rate();
        if r == 0 {
            return None;
        }
        let d = u128::from(n.wrapping_sub(self.base)) * u128::from(PS_PER_S);
        let ps = d.div_ceil(u128::from(r));
        Some(
            self.since
                .saturating_add(u64::try_from(ps).unwrap_or(u64::MAX)),
        )
    }

    /// Moves the reference point to the last tick at or before `now_ps` (before a change of
    /// rate, pause or count): the count goes on in phase, no fraction of a tick is lost.
    fn rebase(&mut self, now_ps: u64) {
        let n = self.count(now_ps);
        self.since = self.time_of(n).map_or(now_ps, |t| t.min(now_ps));
        self.base = n;
    }

    /// When alarm `i` fires: the first time after the last rebase that the low word equals
    /// its value (at `since` itself if it equals now).
    fn alarm_time(&self, i: usize, now_ps: u64) -> Option<u64> {
        if self.armed & (1 << i) == 0 {
            return None;
        }
        let now = self.count(now_ps);
        let delta = u64::from(self.alarms[i].wrapping_sub(now as u32));
        if delta == 0 {
            return Some(now_ps);
        }
        self.time_of(now + delta)
    }

    fn ints(&self) -> u8 {
        (self.intr & self.inte) | self.intf
    }

    /// Drives the four interrupt lines from INTS.
    fn drive_lines(&mut self, ctx: &mut DeviceCtx) {
        let ints = self.ints();
        for (i, line) in self.lines.iter_mut().enumerate() {
            line.drive(ints & (1 << i) != 0, ctx.exc);
        }
    }

    /// Fires every armed alarm whose time has come.
    fn fire_due(&mut self, ctx: &mut DeviceCtx) {
        let now = ctx.now_ps();
        for i in 0..4 {
            if self.armed & (1 << i) != 0 && self.count(now) as u32 == self.alarms[i] {
                self.armed &= !(1 << i);
                self.intr |= 1 << i;
            }
        }
        // An alarm whose exact tick passed between two looks (a rate change) fires too.
        for i in 0..4 {
            if self.alarm_time(i, self.since).is_some_and(|t| t <= now)
                && self.armed & (1 << i) != 0
            {
                self.armed &= !(1 << i);
                self.intr |= 1 << i;
            }
        }
        self.drive_lines(ctx);
    }

    fn follow_tick(&mut self, ctx: &mut DeviceCtx) {
        let hz = super::hz(ctx.clock, domain::TICK);
        if hz != self.hz {
            self.rebase(ctx.now_ps());
            self.hz = hz;
        }
    }
}

impl Block for Timer {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        self.follow_tick(ctx);
        let now = self.count(ctx.now_ps());
        Ok(match off {
            reg::TIMELR => {
                self.latched_hi = (now >> 32) as u32;
                now as u32
            }
            reg::TIMEHR => self.latched_hi,
            _ => read_peeked(self, self.regs.desc, off, ctx)?,
        })
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        self.follow_tick(ctx);
        let now_ps = ctx.now_ps();
        match off {
            reg::TIMELW => self.lw = v,
            reg::TIMEHW => {
                self.base = (u64::from(v) << 32) | u64::from(self.lw);
                self.since = now_ps;
            }
            o if (reg::ALARM0..reg::ALARM0 + 16).contains(&o) => {
                let i = ((o - reg::ALARM0) / 4) as usize;
                self.rebase(now_ps);
                self.alarms[i] = v;
                self.armed |= 1 << i;
            }
            reg::ARMED => self.armed &= !(v as u8 & 0xF),
            reg::PAUSE => {
                self.rebase(now_ps);
                self.paused = v & 1 != 0;
                self.regs.write(off, 4, v);
            }
            reg::DBGPAUSE => {
                self.regs.write(off, 4, v);
            }
            reg::INTR => self.intr &= !(v as u8 & 0xF),
            reg::INTE => self.inte = v as u8 & 0xF,
            reg::INTF => self.intf = v as u8 & 0xF,
            _ => return unmodelled(self.regs.desc, off, true, ctx),
        }
        self.fire_due(ctx);
        Ok(())
    }

    fn peek(&self, off: u32, at: &Peek) -> Option<u32> {
        let now = self.count(at.now_ps());
        Some(match off {
            reg::TIMELR | reg::TIMERAWL => now as u32,
            reg::TIMEHR => self.latched_hi,
            reg::TIMERAWH => (now >> 32) as u32,
            o if (reg::ALARM0..reg::ALARM0 + 16).contains(&o) => {
                self.alarms[((o - reg::ALARM0) / 4) as usize]
            }
            reg::ARMED => u32::from(self.armed),
            reg::INTR => u32::from(self.intr),
            reg::INTE => u32::from(self.inte),
            reg::INTF => u32::from(self.intf),
            reg::INTS => u32::from(self.ints()),
            reg::PAUSE | reg::DBGPAUSE => self.regs.get(off)?,
            _ => return None,
        })
    }

    fn w1c(&self, off: u32) -> u32 {
        match off {
            reg::INTR | reg::ARMED => 0xF,
            _ => 0,
        }
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        if super::hz(clock, domain::TICK) != self.hz {
            return Some(0);
        }
        (0..4).filter_map(|i| self.alarm_time(i, self.since)).min()
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.follow_tick(ctx);
        self.fire_due(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        let mut lines = self.lines;
        for line in &mut lines {
            line.drive(false, ctx.exc);
        }
        *self = Timer::new(self.regs.desc);
        self.lines = lines;
        self.since = ctx.now_ps();
        self.follow_tick(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rp2040::rp2040_map::CHIP;
    use sim_core::exception::num::IRQ0;

    #[test]
    fn an_alarm_left_in_intr_pends_again_after_return_and_through_icpr() {
        const ICPR: u32 = 0xE000_E280;
        let d = CHIP.peripheral("TIMER").unwrap();
        let mut b = crate::testutil::bus("pico");
        b.clock.set_domain(domain::TICK, 1_000_000);
        b.add_device(
            d.base,
            d.size,
            Box::new(crate::rp2040::fabric::Fabric::aliased(Timer::new(d))),
        );
        let n = IRQ0 + 1; // TIMER_IRQ_1
        b.write32(d.base + reg::INTE, 0b10).unwrap();
        b.write32(d.base + reg::ALARM0 + 4, 10).unwrap(); // alarm 1 at 10 µs
        crate::testutil::run_us(&mut b, 11);
        assert_eq!(b.read32(d.base + reg::INTS).unwrap(), 0b10);
        assert!(b.exc.is_pending(n));
        b.exc.activate(n); // the handler returns without clearing INTR
        b.exc.deactivate(n);
        assert!(b.exc.is_pending(n), "INTS still set: pending again");
        b.write32(ICPR, 1 << 1).unwrap();
        assert!(b.exc.is_pending(n), "ICPR while the line is high");
        b.write32(d.base + reg::INTR, 0b10).unwrap(); // write 1 to clear
        b.write32(ICPR, 1 << 1).unwrap();
        assert!(!b.exc.is_pending(n));
        b.exc.activate(n);
        b.exc.deactivate(n);
        assert!(!b.exc.is_pending(n));
        // INTF forces the line; clearing it lowers it (the latched pend stays until ICPR).
        b.write32(d.base + reg::INTF, 0b1000).unwrap();
        assert!(b.exc.is_pending(IRQ0 + 3) && b.exc.line_high(IRQ0 + 3));
        b.write32(d.base + reg::INTF, 0).unwrap();
        assert!(!b.exc.line_high(IRQ0 + 3));
    }

    fn timer() -> Timer {
        let mut t = Timer::new(CHIP.peripheral("TIMER").unwrap());
        t.hz = 1_000_000;
        t
    }

    #[test]
    fn the_count_is_one_per_microsecond_tick_and_alarms_land_on_the_tick() {
        let mut t = timer();
        assert_eq!(t.count(2_500_000), 2); // 2.5 µs
        t.alarms[0] = 1000;
        t.armed = 1;
        assert_eq!(t.alarm_time(0, 0), Some(1_000_000_000)); // 1 ms
                                                             // An alarm behind the count fires after the 32-bit wrap.
        t.rebase(2_000_000_000); // count 2000
        assert_eq!(t.count(2_000_000_000), 2000);
        let wrap = t.alarm_time(0, t.since).unwrap();
        assert_eq!(wrap, 2_000_000_000 + ((1u64 << 32) - 1000) * 1_000_000);
        // Rate changes keep the count continuous.
        t.hz = 2_000_000;
        assert_eq!(t.count(2_000_000_000), 2000);
    }
}

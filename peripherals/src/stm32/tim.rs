//! Timers as time bases (the counter unit shared by the basic TIM6/TIM7 and the general
//! purpose TIM2-TIM5 of STM32L4+, RM0432 §39-40, and STM32F7, RM0385 §24-25): the counter
//! runs at the timer clock the RCC publishes (`TIMCLK1` on APB1) divided by PSC+1, counts
//! up from 0 to ARR (or down from ARR on TIM2-5 with DIR), and at each overflow raises an
//! update event: SR.UIF, the update interrupt with DIER.UIE, the preloaded PSC (and ARR with
//! ARPE) taking effect, and with OPM the counter stopping. EGR.UG re-initialises the counter
//! and loads the preloads (setting UIF unless URS or UDIS). The counter is computed from
//! simulated time when read; an event is scheduled only for the next update that raises an
//! interrupt or stops the counter.
//!
//! Not modelled: capture/compare channels, slave mode, trigger outputs, DMA, center-aligned
//! counting (writes enabling them are logged as unmodelled; the counter runs as a time base
//! regardless). A timer clock changed by the RCC while the counter runs takes effect at the
//! timer's next register access or event.

use super::unmodelled;
use sim_core::chip::{merge_sub_word, sub_word, PeripheralDesc, RegisterFile};
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};
use sim_core::exception::IrqLine;

const CR1: u32 = 0x00;
const DIER: u32 = 0x0C;
const SR: u32 = 0x10;
const EGR: u32 = 0x14;
const CNT: u32 = 0x24;
const PSC: u32 = 0x28;
const ARR: u32 = 0x2C;

// CR1 bits.
const CEN: u32 = 1 << 0;
const UDIS: u32 = 1 << 1;
const URS: u32 = 1 << 2;
const OPM: u32 = 1 << 3;
const DIR: u32 = 1 << 4;
const CMS: u32 = 3 << 5;
const ARPE: u32 = 1 << 7;
const UIFREMAP: u32 = 1 << 11;
/// DIER/SR/EGR: the update bit.
const UIF: u32 = 1 << 0;

/// A timer's counter unit.
pub struct Tim {
    regs: RegisterFile,
    /// The RCC's name for this timer's clock ("TIMCLK1").
    clock: &'static str,
    /// 32-bit counter and ARR (TIM2, TIM5).
    wide: bool,
    line: IrqLine,
    psc: u32,
    psc_act: u32,
    arr: u32,
    arr_act: u32,
    sr: u32,
    /// Counter and prescaler counter at `base_ps` (counting from `base_ps` on at `hz` while
    /// CEN is set).
    cnt: u32,
    pre: u32,
    base_ps: u64,
    hz: u64,
}

/// Ticks of a `hz` clock in `ps` picoseconds (rounded down).
fn ticks(ps: u64, hz: u64) -> u64 {
    (u128::from(ps) * u128::from(hz) / u128::from(PS_PER_S)) as u64
}

/// Time of `n` ticks of a `hz` clock, in picoseconds (rounded up: the tick has happened).
fn ticks_ps(n: u64, hz: u64) -> u64 {
    if hz == 0 {
        return u64::MAX;
    }
    u64::try_from((u128::from(n) * u128::from(PS_PER_S)).div_ceil(u128::from(hz)))
        .unwrap_or(u64::MAX)
}

impl Tim {
    /// The timer described by `desc`, clocked by the RCC clock called `clock`; `wide` for a
    /// 32-bit counter.
    pub fn new(desc: &'static PeripheralDesc, clock: &'static str, wide: bool) -> Tim {
        let arr_reset = desc.register(ARR).map_or(0xFFFF, |r| r.reset);
        Tim {
            regs: RegisterFile::new(desc),
            clock,
            wide,
            line: IrqLine::new(desc.irq()),
            psc: 0,
            psc_act: 0,
            arr: arr_reset,
            arr_act: arr_reset,
            sr: 0,
            cnt: 0,
            pre: 0,
            base_ps: 0,
            hz: 0,
        }
    }

    fn cr1(&self) -> u32 {
        self.regs.get(CR1).unwrap_or(0)
    }

    fn running(&self) -> bool {
        self.cr1() & CEN != 0 && self.hz != 0
    }

    fn down(&self) -> bool {
        self.wide && self.cr1() & (DIR | CMS) == DIR
    }

    fn max(&self) -> u64 {
        if self.wide {
            u64::from(u32::MAX)
        } else {
            0xFFFF
        }
    }

    /// Position in the counting period, in timer clock ticks, of the state at `base_ps`.
    fn pos(&self) -> u64 {
        let div = u64::from(self.psc_act) + 1;
        let steps = if self.down() {
            u64::from(self.arr_act).saturating_sub(u64::from(self.cnt))
        } else {
            u64::from(self.cnt)
        };
        steps * div + u64::from(self.pre)
    }

    /// Ticks from one update to the next (counting to ARR, or to the counter's end when
    /// the counter was set above ARR).
    fn period(&self) -> u64 {
        let div = u64::from(self.psc_act) + 1;
        let top = if !self.down() && self.cnt > self.arr_act {
            self.max()
        } else {
            u64::from(self.arr_act)
        };
        (top + 1) * div
    }

    /// Sets the state from a position within the period.
    fn set_pos(&mut self, pos: u64) {
        let div = u64::from(self.psc_act) + 1;
        let steps = pos / div;
        self.pre = (pos % div) as u32;
        self.cnt = if self.down() {
            (u64::from(self.arr_act).saturating_sub(steps)) as u32
        } else {
            steps as u32
        };
    }

    /// The update event (overflow/underflow or UG): counter to its start, preloads into
    /// the shadows, UIF (unless UDIS, or URS for UG).
    fn update(&mut self, set_flag: bool) {
        let cr1 = self.cr1();
        if cr1 & UDIS == 0 {
            self.psc_act = self.psc;
            self.arr_act = self.arr;
            if set_flag {
                self.sr |= UIF;
            }
        }
        self.pre = 0;
        self.cnt = if self.down() { self.arr_act } else { 0 };
    }

    /// Brings the counter to `now_ps`, running every update on the way.
    fn catch_up(&mut self, now_ps: u64) {
        if !self.running() || now_ps <= self.base_ps {
            return;
        }
        loop {
            let elapsed = ticks(now_ps - self.base_ps, self.hz);
            let (pos, period) = (self.pos(), self.period());
            if pos + elapsed < period {
                // No update before now: re-base on the last tick.
                let t = self.base_ps + ticks_ps(elapsed, self.hz);
                self.set_pos(pos + elapsed);
                self.base_ps = t.min(now_ps);
                return;
            }
            let at = self.base_ps + ticks_ps(period - pos, self.hz);
            let before = (self.psc_act, self.arr_act);
            self.update(true);
            self.base_ps = at;
            if self.cr1() & OPM != 0 {
                // One-pulse mode: the counter stops at the update (RM0432 §39.3.2).
                let v = self.cr1() & !CEN;
                self.regs.set(CR1, v);
                return;
            }
            if (self.psc_act, self.arr_act) == before {
                // Steady: skip whole periods at once.
                let n = ticks(now_ps - self.base_ps, self.hz) / self.period();
                self.base_ps += ticks_ps(n * self.period(), self.hz);
            }
        }
    }

    /// Catches up with the old clock, then adopts the clock the RCC publishes now.
    fn sync(&mut self, ctx: &mut DeviceCtx) {
        let now = ctx.now_ps();
        self.catch_up(now);
        let hz = ctx.clock_hz(self.clock);
        if hz != self.hz {
            self.hz = hz;
            self.base_ps = now;
        }
    }

    fn cnt_value(&self) -> u32 {
        let mut v = self.cnt;
        if !self.wide && self.cr1() & UIFREMAP != 0 && self.sr & UIF != 0 {
            v |= 1 << 31;
        }
        v
    }

    /// The time of the next update event, if one matters (interrupt or one-pulse stop).
    fn next_update(&self) -> Option<u64> {
        if !self.running() {
            return None;
        }
        let dier = self.regs.get(DIER).unwrap_or(0);
        if dier & UIF == 0 && self.cr1() & OPM == 0 {
            return None;
        }
        let left = self.period().saturating_sub(self.pos());
        Some(self.base_ps.saturating_add(ticks_ps(left, self.hz)))
    }

    /// Drives the interrupt line: high while UIF and UIE are set.
    fn drive_line(&mut self, ctx: &mut DeviceCtx) {
        let dier = self.regs.get(DIER).unwrap_or(0);
        self.line.drive(dier & self.sr & UIF != 0, ctx.exc);
    }

    fn value(&self, off: u32) -> Option<u32> {
        match off {
            SR => Some(self.sr),
            CNT => Some(self.cnt_value()),
            PSC => Some(self.psc),
            ARR => Some(self.arr),
            EGR => Some(0),
            _ => self.regs.get(off),
        }
    }

    fn write_reg(
        &mut self,
        off: u32,
        new: u32,
        now_ps: u64,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let width_mask = if self.wide { u32::MAX } else { 0xFFFF };
        match off {
            CR1 => {
                let old = self.cr1();
                if new & CMS != 0 {
                    unmodelled(&self.regs, off, true, ctx)?;
                }
                self.regs.write(CR1, 4, new);
                if (old ^ new) & CEN != 0 {
                    self.base_ps = now_ps;
                }
            }
            DIER => {
                if new & !UIF != 0 {
                    unmodelled(&self.regs, off, true, ctx)?;
                }
                self.regs.write(DIER, 4, new);
            }
            // rc_w0: writing 0 clears a flag, writing 1 leaves it.
            SR => self.sr &= new,
            EGR => {
                if new & UIF != 0 {
                    let urs = self.cr1() & URS != 0;
                    self.update(!urs);
                    self.base_ps = now_ps;
                }
                if new & !UIF != 0 {
                    unmodelled(&self.regs, off, true, ctx)?;
                }
            }
            CNT => {
                self.cnt = new & width_mask;
                self.base_ps = now_ps;
            }
            PSC => self.psc = new & 0xFFFF,
            ARR => {
                self.arr = new & width_mask;
                if self.cr1() & ARPE == 0 {
                    self.arr_act = self.arr;
                }
            }
            _ => {
                // Channels, slave mode, trigger output: kept, and named when set to anything
                // but their reset value (they would do something on silicon).
                let reset = self.regs.desc.register(off).map(|r| r.reset);
                if reset != Some(new) {
                    unmodelled(&self.regs, off, true, ctx)?;
                }
                self.regs.write(off, 4, new);
            }
        }
        Ok(())
    }
}

impl Device for Tim {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        self.sync(ctx);
        self.drive_line(ctx);
        match self.value(offset & !3) {
            Some(v) => Ok(sub_word(v, offset, width)),
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
        self.sync(ctx);
        let off = offset & !3;
        let old = self.value(off).unwrap_or(0);
        let new = merge_sub_word(old, offset, width, value);
        let now = ctx.now_ps();
        self.write_reg(off, new, now, ctx)?;
        self.drive_line(ctx);
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, _: &Peek) -> Option<u32> {
        self.value(offset & !3).map(|v| sub_word(v, offset, width))
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        self.next_update()
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.sync(ctx);
        self.drive_line(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.line.drive(false, ctx.exc);
        let arr = self.regs.desc.register(ARR).map_or(0xFFFF, |r| r.reset);
        (self.psc, self.psc_act, self.arr, self.arr_act) = (0, 0, arr, arr);
        (self.sr, self.cnt, self.pre, self.base_ps, self.hz) = (0, 0, 0, 0, 0);
    }
}

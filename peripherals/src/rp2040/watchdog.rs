//! WATCHDOG (RP2040 datasheet §4.7): the tick generator, the scratch registers, the reset
//! reason and the watchdog timer.
//!
//! - TICK: one tick every CYCLES cycles of clk_ref while ENABLE (§4.7.2: "generates a 1µs tick
//!   for the timer and watchdog" when CYCLES is clk_ref in MHz); the tick rate is published as
//!   the `tick` clock, which TIMER counts. RUNNING follows ENABLE; COUNT is the countdown to
//!   the next tick.
//! - SCRATCH0-7 keep their values across a watchdog reboot (the boot ROM reads SCRATCH4-7 to
//!   enter a given PC, pico-sdk's `watchdog_reboot`); REASON says TIMER or FORCE after one.
//! - CTRL.ENABLE starts the countdown of LOAD; it decrements twice per tick (erratum
//!   RP2040-E1, which pico-sdk compensates by loading twice the delay); at zero, or on
//!   CTRL.TRIGGER, the chip resets (a system reset of thimble's machine).

use super::domain;
use super::fabric::{read_peeked, unmodelled, Block};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// Register offsets (§4.7.6).
pub mod reg {
    /// TIME (23:0, read-only countdown), ENABLE (30), TRIGGER (31).
    pub const CTRL: u32 = 0x00;
    /// Loads the countdown.
    pub const LOAD: u32 = 0x04;
    /// Why the last reset happened: TIMER (0), FORCE (1).
    pub const REASON: u32 = 0x08;
    /// SCRATCH0; SCRATCH1-7 follow every 4 bytes.
    pub const SCRATCH0: u32 = 0x0C;
    /// SCRATCH7.
    pub const SCRATCH7: u32 = 0x28;
    /// CYCLES (8:0), ENABLE (9), RUNNING (10), COUNT (19:11).
    pub const TICK: u32 = 0x2C;
}

const CTRL_ENABLE: u32 = 1 << 30;
const CTRL_TRIGGER: u32 = 1 << 31;
const TICK_ENABLE: u32 = 1 << 9;

/// The watchdog.
pub struct Watchdog {
    regs: RegisterFile,
    scratch: [u32; 8],
    reason: u32,
    /// The reason the next system reset gives (set when this watchdog causes it).
    pending_reason: u32,
    /// Tick rate (ticks/s) as last published, and the clk_ref it came from.
    tick_hz: u64,
    clk_ref: u64,
    /// Countdown: value (half-ticks) at time `since` (ps); `None` while not enabled.
    countdown: Option<(u64, u64)>,
}

impl Watchdog {
    /// The watchdog described by `desc`, as after power-up.
    pub fn new(desc: &'static PeripheralDesc) -> Watchdog {
        Watchdog {
            regs: RegisterFile::new(desc),
            scratch: [0; 8],
            reason: 0,
            pending_reason: 0,
            tick_hz: 0,
            clk_ref: 0,
            countdown: None,
        }
    }

    fn tick_rate(&self, clk_ref: u64) -> u64 {
        let t = self.regs.get(reg::TICK).unwrap_or(0);
        let cycles = u64::from(t & 0x1FF);
        if t & TICK_ENABLE == 0 || cycles == 0 {
            0
        } else {
            clk_ref / cycles
        }
    }

    fn publish(&mut self, ctx: &mut DeviceCtx) {
        let now = ctx.now_ps();
        let remaining = self.remaining(now);
        self.clk_ref = super::hz(ctx.clock, domain::CLK_REF);
        self.tick_hz = self.tick_rate(self.clk_ref);
        ctx.clock.set_domain(domain::TICK, self.tick_hz);
        if let (Some(r), Some(_)) = (remaining, self.countdown) {
            self.countdown = Some((r, now));
        }
    }

    /// Half-ticks left at `now_ps`.
    fn remaining(&self, now_ps: u64) -> Option<u64> {
        let (v, since) = self.countdown?;
        let half_ticks = u128::from(now_ps.saturating_sub(since)) * u128::from(self.tick_hz) * 2
            / u128::from(PS_PER_S);
        Some(v.saturating_sub(half_ticks as u64))
    }

    /// When the countdown reaches zero, in ps.
    fn expiry(&self) -> Option<u64> {
        let (v, since) = self.countdown?;
        if self.tick_hz == 0 {
            return None;
        }
        let d = (u128::from(v) * u128::from(PS_PER_S)).div_ceil(2 * u128::from(self.tick_hz));
        Some(since.saturating_add(u64::try_from(d).unwrap_or(u64::MAX)))
    }

    fn ctrl(&self, now_ps: u64) -> u32 {
        let stored = self.regs.get(reg::CTRL).unwrap_or(0) & !(CTRL_TRIGGER | 0x00FF_FFFF);
        let time = self
            .remaining(now_ps)
            .or_else(|| self.regs.get(reg::LOAD).map(u64::from))
            .unwrap_or(0) as u32;
        stored | (time & 0x00FF_FFFF)
    }

    fn fire(&mut self, reason: u32, ctx: &mut DeviceCtx) {
        self.pending_reason = reason;
        self.countdown = None;
        ctx.exc.reset_requested = true;
        ctx.exc.dirty = true;
    }

    fn tick_reg(&self, now_ps: u64) -> u32 {
        let t = self.regs.get(reg::TICK).unwrap_or(0) & 0x3FF;
        let running = if t & TICK_ENABLE != 0 { 1 << 10 } else { 0 };
        let cycles = u64::from(t & 0x1FF);
        let count = if self.clk_ref > 0 && cycles > 0 {
            let c = u128::from(now_ps) * u128::from(self.clk_ref) / u128::from(PS_PER_S);
            cycles - (c % u128::from(cycles)) as u64
        } else {
            0
        };
        t | running | ((count as u32 & 0x1FF) << 11)
    }
}

impl Block for Watchdog {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        read_peeked(self, self.regs.desc, off, ctx)
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        let now = ctx.now_ps();
        match off {
            reg::CTRL => {
                self.regs.write(off, 4, v & !CTRL_TRIGGER);
                if v & CTRL_TRIGGER != 0 {
                    self.fire(1 << 1, ctx);
                } else if v & CTRL_ENABLE != 0 {
                    if self.countdown.is_none() {
                        let load = u64::from(self.regs.get(reg::LOAD).unwrap_or(0));
                        self.countdown = Some((load, now));
                    }
                } else {
                    self.countdown = None;
                }
            }
            reg::LOAD => {
                self.regs.write(off, 4, v);
                if self.countdown.is_some() {
                    self.countdown = Some((u64::from(v & 0x00FF_FFFF), now));
                }
            }
            o if (reg::SCRATCH0..=reg::SCRATCH7).contains(&o) => {
                self.scratch[((o - reg::SCRATCH0) / 4) as usize] = v;
            }
            reg::TICK => {
                self.regs.write(off, 4, v);
                self.publish(ctx);
            }
            reg::REASON => {}
            _ => return unmodelled(self.regs.desc, off, true, ctx),
        }
        Ok(())
    }

    fn peek(&self, off: u32, at: &Peek) -> Option<u32> {
        let now = at.now_ps();
        Some(match off {
            reg::CTRL => self.ctrl(now),
            reg::REASON => self.reason,
            o if (reg::SCRATCH0..=reg::SCRATCH7).contains(&o) => {
                self.scratch[((o - reg::SCRATCH0) / 4) as usize]
            }
            reg::TICK => self.tick_reg(now),
            reg::LOAD => self.regs.get(off)?,
            _ => return None,
        })
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        let clk_ref = super::hz(clock, domain::CLK_REF);
        if clk_ref != self.clk_ref || super::stale(clock, domain::TICK, self.tick_hz) {
            return Some(0);
        }
        self.expiry()
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        if self.expiry().is_some_and(|t| ctx.now_ps() >= t) {
            self.fire(1 << 0, ctx);
            return;
        }
        self.publish(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        // The scratch registers survive; REASON tells why (0: a reset the watchdog did not
        // cause, e.g. the core's SYSRESETREQ).
        self.regs.reset();
        self.reason = std::mem::take(&mut self.pending_reason);
        self.countdown = None;
        self.publish(ctx);
    }
}

//! XOSC, the crystal oscillator (RP2040 datasheet §2.16): the Pico's 12 MHz crystal, started
//! by CTRL.ENABLE = 0xFAB and STATUS.STABLE after the start-up delay that STARTUP.DELAY sets
//! in units of 256 crystal cycles (×4 with STARTUP.X4); publishes its output as the `xosc`
//! clock while stable. COUNT counts down at the crystal frequency.

use super::domain;
use super::fabric::{unmodelled, Block, Ready};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// The Pico's crystal (Raspberry Pi Pico datasheet §2.1: 12 MHz).
pub const XOSC_HZ: u64 = 12_000_000;

/// Register offsets (§2.16.7).
pub mod reg {
    /// Control: FREQ_RANGE (11:0), ENABLE (23:12).
    pub const CTRL: u32 = 0x00;
    /// Status: FREQ_RANGE, ENABLED (12), BADWRITE (24), STABLE (31).
    pub const STATUS: u32 = 0x04;
    /// Dormant: writing "coma" stops the oscillator until a wake-up.
    pub const DORMANT: u32 = 0x08;
    /// Start-up delay: DELAY (13:0) × 256 cycles, X4 (20).
    pub const STARTUP: u32 = 0x0C;
    /// Down-counter at the crystal frequency.
    pub const COUNT: u32 = 0x1C;
}

const ENABLE: u32 = 0xFAB;
const DISABLE: u32 = 0xD1E;

/// The crystal oscillator.
pub struct Xosc {
    regs: RegisterFile,
    enabled: bool,
    /// STATUS.STABLE after the start-up delay; the output runs from then.
    stable: Ready,
    badwrite: bool,
    /// COUNT: value written and the time it was written.
    count: (u32, u64),
}

impl Xosc {
    /// The XOSC described by `desc`, disabled as after reset.
    pub fn new(desc: &'static PeripheralDesc) -> Xosc {
        Xosc {
            regs: RegisterFile::new(desc),
            enabled: false,
            stable: Ready::default(),
            badwrite: false,
            count: (0, 0),
        }
    }

    fn out(&self) -> u64 {
        if self.stable.running() {
            XOSC_HZ
        } else {
            0
        }
    }

    fn status(&self, now_ps: u64) -> u32 {
        let mut v = 0; // FREQ_RANGE reads 0: 1-15 MHz
        if self.enabled {
            v |= 1 << 12;
        }
        if self.badwrite {
            v |= 1 << 24;
        }
        if self.stable.is_ready(now_ps) {
            v |= 1 << 31;
        }
        v
    }

    fn update(&mut self, ctx: &mut DeviceCtx) {
        self.stable.update(ctx.now_ps());
        ctx.clock.set_domain(domain::XOSC, self.out());
    }

    fn write_ctrl(&mut self, v: u32, ctx: &mut DeviceCtx) {
        let range = v & 0xFFF;
        if !(0xAA0..=0xAA3).contains(&range) {
            self.badwrite = true;
        }
        match (v >> 12) & 0xFFF {
            ENABLE if !self.enabled => {
                self.enabled = true;
                let s = self.regs.get(reg::STARTUP).unwrap_or(0);
                let cycles = u64::from(s & 0x3FFF) * 256 * if s & (1 << 20) != 0 { 4 } else { 1 };
                self.stable.start(ctx.now_ps(), cycles * PS_PER_S / XOSC_HZ);
            }
            ENABLE => {}
            DISABLE => {
                self.enabled = false;
                self.stable.stop();
            }
            _ => self.badwrite = true,
        }
        self.regs.set(reg::CTRL, v & 0x00FF_FFFF);
        self.update(ctx);
    }
}

impl Block for Xosc {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        let now = ctx.now_ps();
        Ok(match off {
            reg::STATUS => self.status(now),
            reg::COUNT => {
                let elapsed = now.saturating_sub(self.count.1) * XOSC_HZ / PS_PER_S;
                u64::from(self.count.0).saturating_sub(elapsed) as u32
            }
            reg::CTRL | reg::STARTUP => self.regs.get(off).unwrap_or(0),
            _ => {
                unmodelled(self.regs.desc, off, false, ctx)?;
                self.regs.read(off, 4).unwrap_or(0)
            }
        })
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        match off {
            reg::CTRL => self.write_ctrl(v, ctx),
            reg::STATUS => {
                if v & (1 << 24) != 0 {
                    self.badwrite = false;
                }
            }
            reg::STARTUP => {
                self.regs.write(off, 4, v);
            }
            reg::COUNT => self.count = (v & 0xFF, ctx.now_ps()),
            _ => {
                // DORMANT would stop the crystal until a wake-up thimble does not model.
                unmodelled(self.regs.desc, off, true, ctx)?;
                self.regs.write(off, 4, v);
            }
        }
        Ok(())
    }

    fn peek(&self, off: u32, at: &Peek) -> Option<u32> {
        match off {
            reg::STATUS => Some(self.status(at.now_ps())),
            reg::COUNT => None,
            _ => self.regs.read(off, 4),
        }
    }

    fn w1c(&self, off: u32) -> u32 {
        if off == reg::STATUS {
            1 << 24
        } else {
            0
        }
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        let stale = super::stale(clock, domain::XOSC, self.out());
        self.stable.next_event().or(stale.then_some(0))
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.update(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.enabled = false;
        self.stable.stop();
        self.badwrite = false;
        self.update(ctx);
    }
}

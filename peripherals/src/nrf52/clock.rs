//! CLOCK, POWER and APPROTECT of the nRF52840: one block at 0x4000_0000 with one interrupt
//! (IRQ 0, CLOCK_POWER) and one event space (nRF52840 PS v1.7, chapters CLOCK and POWER).
//!
//! - HFCLK: the CPU always runs at 64 MHz, from the internal oscillator (HFINT) until the
//!   firmware starts the crystal (TASKS_HFCLKSTART); EVENTS_HFCLKSTARTED follows after the
//!   debounce time the firmware sets in HFXODEBOUNCE (16 µs per step, 256 µs at reset).
//!   HFCLKSTAT then says SRC=Xtal, and the core clock is reported as configured by the
//!   firmware (its rate does not change). HFCLKSTAT reads STATE=Running with SRC=RC before
//!   that: the CPU's own request keeps HFINT running, as silicon reads 0x0001_0000 at idle.
//! - LFCLK: TASKS_LFCLKSTART copies LFCLKSRC to LFCLKSRCCOPY, sets LFCLKRUN, and after the
//!   source's start-up time sets LFCLKSTAT and EVENTS_LFCLKSTARTED, and publishes `LFCLK` at
//!   32 768 Hz for the RTCs; TASKS_LFCLKSTOP stops it (`LFCLK` 0).
//! - Calibration: TASKS_CAL ends with EVENTS_DONE; the calibration timer (TASKS_CTSTART)
//!   sends EVENTS_CTSTARTED and, CTIV × 0.25 s later, EVENTS_CTTO.
//! - POWER: RESETREAS (write one to clear; SREQ set by a system reset, cumulative as on
//!   silicon), the `RAM[n].POWERSET/POWERCLR` aliases of `RAM[n].POWER`, and configuration
//!   registers (DCDCEN, POFCON, GPREGRET, ...) as storage. SYSTEMOFF is not modelled (logged).
//! - APPROTECT (FORCEPROTECT, DISABLE): storage; debug access is not modelled.
//!
//! Published clocks (consumers ask for these by name): `HFCLK` 64 MHz, `PCLK16M` 16 MHz,
//! `PCLK1M` 1 MHz, `PCLK32KI` 32 768 Hz and `LFCLK` (32 768 Hz while running, else 0).

use super::events::{Events, Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// The CPU clock (PS, CLOCK: HCLK64M, from HFINT or HFXO).
pub const HFCLK_HZ: u64 = 64_000_000;
/// The peripherals' clocks (PS, CLOCK: PCLK16M, PCLK1M, PCLK32KI).
pub const PCLK16M_HZ: u64 = 16_000_000;
/// See [`PCLK16M_HZ`].
pub const PCLK1M_HZ: u64 = 1_000_000;
/// The low-frequency clock, from any source (PS, CLOCK: LFCLK controller).
pub const LFCLK_HZ: u64 = 32_768;

const PS_PER_US: u64 = 1_000_000;
/// HFXODEBOUNCE step: "Debounce time = HFXODEBOUNCE * 16 us" (nrf52840.svd, CLOCK.HFXODEBOUNCE).
const HFXO_DEBOUNCE_STEP_PS: u64 = 16 * PS_PER_US;
/// LFCLK start-up times, PS v1.7, CLOCK electrical specification (typical): LFRC 600 µs, LFXO 0.25 s, LFSYNT 100 µs.
const LFRC_START_PS: u64 = 600 * PS_PER_US;
const LFXO_START_PS: u64 = 250_000 * PS_PER_US;
const LFSYNT_START_PS: u64 = 100 * PS_PER_US;
/// One LFRC calibration: the PS gives no duration; an ESTIMATE of a few LFCLK periods'
/// averaging against HFXO (Nordic's drivers wait for EVENTS_DONE, never a fixed time).
const CAL_PS: u64 = 1_000 * PS_PER_US;
/// CTIV unit: "Calibration timer interval in multiple of 0.25 seconds" (nrf52840.svd).
const CTIV_STEP_PS: u64 = 250_000 * PS_PER_US;

// CLOCK registers (PS, CLOCK register tables).
const TASKS_HFCLKSTART: u32 = 0x000;
const TASKS_HFCLKSTOP: u32 = 0x004;
const TASKS_LFCLKSTART: u32 = 0x008;
const TASKS_LFCLKSTOP: u32 = 0x00C;
const TASKS_CAL: u32 = 0x010;
const TASKS_CTSTART: u32 = 0x014;
const TASKS_CTSTOP: u32 = 0x018;
const HFCLKRUN: u32 = 0x408;
const HFCLKSTAT: u32 = 0x40C;
const LFCLKRUN: u32 = 0x414;
const LFCLKSTAT: u32 = 0x418;
const LFCLKSRCCOPY: u32 = 0x41C;
const LFCLKSRC: u32 = 0x518;
const HFXODEBOUNCE: u32 = 0x528;
const CTIV: u32 = 0x538;
// POWER registers (PS, POWER register tables).
const TASKS_CONSTLAT: u32 = 0x078;
const TASKS_LOWPWR: u32 = 0x07C;
const RESETREAS: u32 = 0x400;
const SYSTEMOFF: u32 = 0x500;
const RAM_POWER: u32 = 0x900;
const RAM_END: u32 = 0x900 + 9 * 0x10;

/// Event indices (register 0x100 + 4·n).
const EV_HFCLKSTARTED: u32 = 0;
const EV_LFCLKSTARTED: u32 = 1;
const EV_DONE: u32 = 3;
const EV_CTTO: u32 = 4;
const EV_CTSTARTED: u32 = 10;
const EV_CTSTOPPED: u32 = 11;

/// RESETREAS.SREQ: reset by AIRCR.SYSRESETREQ.
const RESETREAS_SREQ: u32 = 1 << 2;
/// HFCLKSTAT/LFCLKSTAT.STATE.
const STATE_RUNNING: u32 = 1 << 16;

/// An oscillator: off, starting (ready at a time), or running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Osc {
    Off,
    Starting(u64),
    Running,
}

/// The CLOCK/POWER/APPROTECT block.
#[derive(Debug, Clone)]
pub struct ClockPower {
    regs: Regs,
    events: Events,
    hfxo: Osc,
    lfclk: Osc,
    /// LFCLK source being started or running (LFCLKSRC.SRC at the start task).
    lf_src: u32,
    /// End of the LFRC calibration in progress.
    cal_done: Option<u64>,
    /// Timeout of the calibration timer.
    ct_timeout: Option<u64>,
}

impl ClockPower {
    /// The block described by `descs` (APPROTECT, CLOCK, POWER at one base).
    pub fn new(descs: &[&'static PeripheralDesc]) -> ClockPower {
        let irq = descs.iter().find_map(|d| d.irq());
        ClockPower {
            regs: Regs::new(descs),
            events: Events::new(irq),
            hfxo: Osc::Off,
            lfclk: Osc::Off,
            lf_src: 0,
            cal_done: None,
            ct_timeout: None,
        }
    }

    fn lf_start_ps(src: u32) -> u64 {
        match src {
            1 => LFXO_START_PS,
            2 => LFSYNT_START_PS,
            _ => LFRC_START_PS,
        }
    }

    fn word_at(&self, off: u32) -> Option<u32> {
        if let Some(v) = self.events.peek(off) {
            return Some(v);
        }
        Some(match off {
            HFCLKRUN => u32::from(self.hfxo != Osc::Off),
            HFCLKSTAT => STATE_RUNNING | u32::from(self.hfxo == Osc::Running),
            LFCLKRUN => u32::from(self.lfclk != Osc::Off),
            LFCLKSTAT => {
                if self.lfclk == Osc::Running {
                    STATE_RUNNING | self.lf_src
                } else {
                    0
                }
            }
            LFCLKSRCCOPY => self.regs.get(LFCLKSRCCOPY),
            _ => return self.regs.read(off, 4),
        })
    }

    fn handled(off: u32) -> bool {
        // Registers whose storage is the model: configuration with no effect on anything
        // thimble models, and plain status.
        matches!(
            off,
            LFCLKSRC
                | HFXODEBOUNCE
                | CTIV
                | 0x55C // TRACECONFIG
                | 0x5B4 // LFRCMODE
                | TASKS_CONSTLAT
                | TASKS_LOWPWR
                | RESETREAS
                | 0x428 // RAMSTATUS
                | 0x438 // USBREGSTATUS: no USB supply
                | 0x510 // POFCON
                | 0x51C // GPREGRET
                | 0x520 // GPREGRET2
                | 0x578 // DCDCEN
                | 0x580 // DCDCEN0
                | 0x640 // MAINREGSTATUS: normal voltage mode (VDD supply)
                | 0x550 // APPROTECT.FORCEPROTECT
                | 0x558 // APPROTECT.DISABLE
                | RAM_POWER..RAM_END
        )
    }

    fn write_reg(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        if self.events.access(off, Some(v), ctx).is_some() {
            return Ok(());
        }
        let task = v & 1 != 0;
        let now = ctx.now_ps();
        match off {
            TASKS_HFCLKSTART if task => match self.hfxo {
                // Running already: the event comes again at once (drivers restart it freely).
                Osc::Running => self.hfxo_started(ctx),
                Osc::Starting(_) => {}
                Osc::Off => {
                    let debounce = u64::from(self.regs.get(HFXODEBOUNCE) & 0xFF);
                    self.hfxo = Osc::Starting(now + debounce * HFXO_DEBOUNCE_STEP_PS);
                }
            },
            TASKS_HFCLKSTOP if task => {
                if self.hfxo == Osc::Running {
                    // Back to HFINT: same rate.
                    ctx.clock.set_core_hz(ctx.now, HFCLK_HZ);
                }
                self.hfxo = Osc::Off;
            }
            TASKS_LFCLKSTART if task => {
                if self.lfclk == Osc::Off {
                    let src = self.regs.get(LFCLKSRC);
                    self.regs.set(LFCLKSRCCOPY, src & 3);
                    self.lf_src = src & 3;
                    self.lfclk = Osc::Starting(now + Self::lf_start_ps(self.lf_src));
                }
            }
            TASKS_LFCLKSTOP if task => {
                self.lfclk = Osc::Off;
                ctx.clock.set_domain("LFCLK", 0);
            }
            TASKS_CAL if task => self.cal_done = Some(now + CAL_PS),
            TASKS_CTSTART if task => {
                let ctiv = u64::from(self.regs.get(CTIV) & 0x7F);
                self.ct_timeout = Some(now + ctiv * CTIV_STEP_PS);
                self.events.fire(EV_CTSTARTED, ctx);
            }
            TASKS_CTSTOP if task => {
                self.ct_timeout = None;
                self.events.fire(EV_CTSTOPPED, ctx);
            }
            TASKS_HFCLKSTART | TASKS_HFCLKSTOP | TASKS_LFCLKSTART | TASKS_LFCLKSTOP | TASKS_CAL
            | TASKS_CTSTART | TASKS_CTSTOP => {}
            RESETREAS => {
                // Write one to clear (PS, POWER: RESETREAS).
                let cur = self.regs.get(RESETREAS);
                self.regs.set(RESETREAS, cur & !v);
            }
            SYSTEMOFF => {
                self.regs.unmodelled_as(off, "System OFF", true, ctx)?;
            }
            _ if (RAM_POWER..RAM_END).contains(&off) => {
                // RAM[n]: POWER +0, POWERSET +4, POWERCLR +8.
                let base = off & !0xF;
                let cur = self.regs.get(base);
                let new = match off & 0xF {
                    0x4 => cur | v,
                    0x8 => cur & !v,
                    _ => v,
                };
                self.regs.write(base, 4, new);
            }
            _ if Self::handled(off) => {
                self.regs.write(off, 4, v);
            }
            _ => {
                self.regs.unmodelled(off, true, ctx)?;
                self.regs.write(off, 4, v);
            }
        }
        Ok(())
    }

    fn hfxo_started(&mut self, ctx: &mut DeviceCtx) {
        self.hfxo = Osc::Running;
        // Same 64 MHz, now from the crystal: the firmware configured the core clock.
        ctx.clock.set_core_hz(ctx.now, HFCLK_HZ);
        self.events.fire(EV_HFCLKSTARTED, ctx);
    }
}

impl Peripheral for ClockPower {
    fn name(&self) -> &str {
        "CLOCK/POWER"
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, _: &Peek) -> Option<u32> {
        self.word_at(off)
    }

    fn read_word(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        let handled = self.events.peek(off).is_some()
            || matches!(
                off,
                HFCLKRUN | HFCLKSTAT | LFCLKRUN | LFCLKSTAT | LFCLKSRCCOPY
            )
            || Self::handled(off);
        if !handled {
            self.regs.unmodelled(off, false, ctx)?;
        }
        Ok(self.word_at(off).unwrap_or(0))
    }

    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        self.write_reg(off, v, ctx)
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        let osc = |o: Osc| match o {
            Osc::Starting(t) => Some(t),
            _ => None,
        };
        [
            osc(self.hfxo),
            osc(self.lfclk),
            self.cal_done,
            self.ct_timeout,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        let now = ctx.now_ps();
        if matches!(self.hfxo, Osc::Starting(t) if t <= now) {
            self.hfxo_started(ctx);
        }
        if matches!(self.lfclk, Osc::Starting(t) if t <= now) {
            self.lfclk = Osc::Running;
            ctx.clock.set_domain("LFCLK", LFCLK_HZ);
            self.events.fire(EV_LFCLKSTARTED, ctx);
        }
        if self.cal_done.is_some_and(|t| t <= now) {
            self.cal_done = None;
            self.events.fire(EV_DONE, ctx);
        }
        if self.ct_timeout.is_some_and(|t| t <= now) {
            self.ct_timeout = None;
            self.events.fire(EV_CTTO, ctx);
        }
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        // RESETREAS accumulates and GPREGRET/GPREGRET2 are retained across a system reset
        // (PS, POWER: RESETREAS, GPREGRET).
        let keep = [
            (RESETREAS, self.regs.get(RESETREAS) | RESETREAS_SREQ),
            (0x51C, self.regs.get(0x51C)),
            (0x520, self.regs.get(0x520)),
        ];
        self.regs.reset();
        for (off, v) in keep {
            self.regs.set(off, v);
        }
        self.events.reset(ctx);
        self.hfxo = Osc::Off;
        self.lfclk = Osc::Off;
        self.cal_done = None;
        self.ct_timeout = None;
        publish(ctx.clock, false);
    }
}

/// Publishes the chip's clocks (at power-on and after a system reset); `LFCLK` runs only
/// when `lfclk_running`.
pub fn publish(clock: &mut Clock, lfclk_running: bool) {
    clock.set_domain("HFCLK", HFCLK_HZ);
    clock.set_domain("PCLK16M", PCLK16M_HZ);
    clock.set_domain("PCLK1M", PCLK1M_HZ);
    clock.set_domain("PCLK32KI", LFCLK_HZ);
    clock.set_domain("LFCLK", if lfclk_running { LFCLK_HZ } else { 0 });
}

/// Picoseconds of `n` periods of a clock at `hz` (exact, rounded up).
pub fn periods_ps(n: u64, hz: u64) -> u64 {
    let ps = (u128::from(n) * u128::from(PS_PER_S)).div_ceil(u128::from(hz.max(1)));
    u64::try_from(ps).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::{advance_us, nrf};
    use sim_core::clock::ClockSource;

    const CLOCK: u32 = 0x4000_0000;

    #[test]
    fn hfxo_starts_after_the_debounce_time_and_the_clock_source_becomes_firmware() {
        let mut m = nrf();
        let b = &mut m.bus;
        assert_eq!(
            b.read32(CLOCK + 0x40C).unwrap(),
            0x0001_0000,
            "HFINT running"
        );
        assert_eq!(b.clock.source(), ClockSource::Reset);
        b.write32(CLOCK, 1).unwrap();
        assert_eq!(b.read32(CLOCK + 0x408).unwrap(), 1, "HFCLKRUN");
        advance_us(b, 255);
        assert_eq!(b.read32(CLOCK + 0x100).unwrap(), 0);
        advance_us(b, 2);
        assert_eq!(b.read32(CLOCK + 0x100).unwrap(), 1, "256 us debounce");
        assert_eq!(b.read32(CLOCK + 0x40C).unwrap(), 0x0001_0001, "SRC=Xtal");
        assert_eq!(b.clock.hz(), 64_000_000);
        assert_eq!(b.clock.source(), ClockSource::Firmware);
        b.write32(CLOCK + 0x100, 0).unwrap();
        assert_eq!(b.read32(CLOCK + 0x100).unwrap(), 0);
        // Started again while running: the event comes at once.
        b.write32(CLOCK, 1).unwrap();
        assert_eq!(b.read32(CLOCK + 0x100).unwrap(), 1);
        b.write32(CLOCK + 0x004, 1).unwrap();
        assert_eq!(b.read32(CLOCK + 0x40C).unwrap(), 0x0001_0000);
        assert!(b.mmio.entries.is_empty(), "{:?}", b.mmio.entries);
    }

    #[test]
    fn lfclk_starts_from_the_selected_source_and_publishes_lfclk() {
        let mut m = nrf();
        let b = &mut m.bus;
        assert_eq!(b.clock.domain("LFCLK"), Some(0));
        assert_eq!(b.clock.domain("PCLK16M"), Some(16_000_000));
        b.write32(CLOCK + 0x518, 0).unwrap(); // RC
        b.write32(CLOCK + 0x008, 1).unwrap();
        assert_eq!(b.read32(CLOCK + 0x414).unwrap(), 1, "LFCLKRUN");
        assert_eq!(b.read32(CLOCK + 0x418).unwrap(), 0);
        advance_us(b, 601);
        assert_eq!(b.read32(CLOCK + 0x104).unwrap(), 1);
        assert_eq!(b.read32(CLOCK + 0x418).unwrap(), 0x0001_0000, "RC, running");
        assert_eq!(b.clock.domain("LFCLK"), Some(32_768));
        b.write32(CLOCK + 0x00C, 1).unwrap();
        assert_eq!(b.clock.domain("LFCLK"), Some(0));
        // The crystal takes a quarter of a second.
        b.write32(CLOCK + 0x518, 1).unwrap();
        b.write32(CLOCK + 0x104, 0).unwrap();
        b.write32(CLOCK + 0x008, 1).unwrap();
        assert_eq!(b.read32(CLOCK + 0x41C).unwrap(), 1, "LFCLKSRCCOPY");
        advance_us(b, 249_000);
        assert_eq!(b.read32(CLOCK + 0x104).unwrap(), 0);
        advance_us(b, 1_001);
        assert_eq!(b.read32(CLOCK + 0x418).unwrap(), 0x0001_0001);
    }

    #[test]
    fn an_enabled_event_pends_irq_0() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(CLOCK + 0x304, 1).unwrap(); // INTENSET.HFCLKSTARTED
        assert_eq!(b.read32(CLOCK + 0x304).unwrap(), 1);
        b.write32(CLOCK, 1).unwrap();
        advance_us(b, 300);
        assert!(b.exc.is_pending(16));
        b.write32(CLOCK + 0x308, 1).unwrap();
        assert_eq!(b.read32(CLOCK + 0x304).unwrap(), 0);
    }

    #[test]
    fn an_event_left_set_pends_again_after_return_and_through_icpr() {
        const ICPR0: u32 = 0xE000_E280;
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(CLOCK + 0x304, 1).unwrap(); // INTENSET.HFCLKSTARTED
        b.write32(CLOCK, 1).unwrap();
        advance_us(b, 300);
        assert!(b.exc.is_pending(16));
        b.exc.activate(16); // the handler runs and returns without clearing the event
        assert!(!b.exc.is_pending(16));
        b.exc.deactivate(16);
        assert!(
            b.exc.is_pending(16),
            "line still high on return: pending again"
        );
        b.write32(ICPR0, 1).unwrap();
        assert!(b.exc.is_pending(16), "ICPR while the line is high");
        b.write32(CLOCK + 0x100, 0).unwrap(); // the handler clears the event
        b.write32(ICPR0, 1).unwrap();
        assert!(!b.exc.is_pending(16));
        b.exc.activate(16);
        b.exc.deactivate(16);
        assert!(!b.exc.is_pending(16), "cleared: no re-entry");
        // Enabling the interrupt while its event is set raises the line.
        b.write32(CLOCK + 0x308, 1).unwrap();
        b.write32(CLOCK + 0x100, 1).unwrap();
        assert!(!b.exc.is_pending(16));
        b.write32(CLOCK + 0x304, 1).unwrap();
        assert!(b.exc.is_pending(16));
    }

    #[test]
    fn calibration_timer_and_power_registers() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(CLOCK + 0x538, 2).unwrap(); // CTIV: 0.5 s
        b.write32(CLOCK + 0x014, 1).unwrap();
        assert_eq!(b.read32(CLOCK + 0x128).unwrap(), 1, "CTSTARTED");
        advance_us(b, 499_999);
        assert_eq!(b.read32(CLOCK + 0x110).unwrap(), 0);
        advance_us(b, 2);
        assert_eq!(b.read32(CLOCK + 0x110).unwrap(), 1, "CTTO");
        // RESETREAS: write one to clear.
        m.bus.write32(CLOCK + 0x578, 1).unwrap();
        assert_eq!(m.bus.read32(CLOCK + 0x578).unwrap(), 1, "DCDCEN");
        m.bus.write32(CLOCK + 0x904, 0x3).unwrap(); // RAM[0].POWERSET
        m.bus.write32(CLOCK + 0x908, 0x1).unwrap(); // RAM[0].POWERCLR
        assert_eq!(m.bus.read32(CLOCK + 0x900).unwrap() & 3, 0x2);
        assert!(m.bus.mmio.entries.is_empty(), "{:?}", m.bus.mmio.entries);
        // An errata register the PS does not describe is named as unmodelled.
        m.bus.write32(CLOCK + 0xEE4, 0xF).unwrap();
        assert_eq!(m.bus.mmio.entries.len(), 1);
    }
}

//! CLOCKS, the clock generators (RP2040 datasheet §2.15): clk_ref and clk_sys with their
//! glitchless muxes (CTRL.SRC) and aux muxes (CTRL.AUXSRC), clk_peri, clk_usb, clk_adc and
//! clk_rtc with aux muxes and ENABLE, each with its divider (DIV.INT, plus DIV.FRAC in 1/256
//! where the register has it; INT = 0 divides by 2^16). CLK_x_SELECTED is one-hot of the
//! glitchless mux's source (hard-wired to 1 for the clocks without one). The frequency counter
//! (FC0) measures any source at once.
//!
//! The model computes every generated clock from the sources' published frequencies (`rosc`,
//! `xosc`, `pll_sys`, `pll_usb`; the GPIN pins are 0) and publishes them; clk_sys becomes the
//! core clock (`Clock::set_core_hz`), which `--clock` may pin. A source changing while
//! selected (a PLL re-tuned under clk_sys) is followed at the next instruction boundary. The
//! clock outputs to pins (GPOUT0-3), resus and the sleep/wake enables are storage.

use super::domain;
use super::fabric::{unmodelled, Block};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::clock::Clock;
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// The generators modelled, by index (register offsets are 0xC × index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gen {
    /// clk_ref (index 4).
    Ref = 4,
    /// clk_sys (5).
    Sys = 5,
    /// clk_peri (6).
    Peri = 6,
    /// clk_usb (7).
    Usb = 7,
    /// clk_adc (8).
    Adc = 8,
    /// clk_rtc (9).
    Rtc = 9,
}

const GENS: [Gen; 6] = [Gen::Ref, Gen::Sys, Gen::Peri, Gen::Usb, Gen::Adc, Gen::Rtc];

impl Gen {
    fn ctrl(self) -> u32 {
        0xC * self as u32
    }
    fn div(self) -> u32 {
        self.ctrl() + 4
    }
    fn selected(self) -> u32 {
        self.ctrl() + 8
    }
    fn domain(self) -> &'static str {
        match self {
            Gen::Ref => domain::CLK_REF,
            Gen::Sys => domain::CLK_SYS,
            Gen::Peri => domain::CLK_PERI,
            Gen::Usb => domain::CLK_USB,
            Gen::Adc => domain::CLK_ADC,
            Gen::Rtc => domain::CLK_RTC,
        }
    }
    fn glitchless(self) -> bool {
        matches!(self, Gen::Ref | Gen::Sys)
    }
}

/// A clock source the muxes select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Src {
    Rosc,
    Xosc,
    PllSys,
    PllUsb,
    Gpin,
    Ref,
    Sys,
    None,
}

/// CLOCKS register offsets beyond the generators (§2.15.7).
pub mod reg {
    /// Resus control.
    pub const CLK_SYS_RESUS_CTRL: u32 = 0x78;
    /// Frequency counter reference, kHz.
    pub const FC0_REF_KHZ: u32 = 0x80;
    /// Frequency counter source (writing starts a count).
    pub const FC0_SRC: u32 = 0x94;
    /// Frequency counter status.
    pub const FC0_STATUS: u32 = 0x98;
    /// Frequency counter result: KHZ (29:5), FRAC (4:0).
    pub const FC0_RESULT: u32 = 0x9C;
}

/// Source frequencies the generators read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Inputs {
    rosc: u64,
    xosc: u64,
    pll_sys: u64,
    pll_usb: u64,
}

impl Inputs {
    fn from(clock: &Clock) -> Inputs {
        Inputs {
            rosc: super::hz(clock, domain::ROSC),
            xosc: super::hz(clock, domain::XOSC),
            pll_sys: super::hz(clock, domain::PLL_SYS),
            pll_usb: super::hz(clock, domain::PLL_USB),
        }
    }
}

/// The clock generators.
pub struct Clocks {
    regs: RegisterFile,
    /// The frequencies computed from `inputs`, by [`GENS`] order.
    out: [u64; 6],
    inputs: Inputs,
    /// The clk_sys last given to the core.
    core_hz: u64,
    warned_stopped: bool,
}

impl Clocks {
    /// The generators described by `desc`, at reset: clk_ref and clk_sys from the ROSC, which
    /// runs at `reset_hz` (the core's clock until the firmware changes clk_sys).
    pub fn new(desc: &'static PeripheralDesc, reset_hz: u64) -> Clocks {
        Clocks {
            regs: RegisterFile::new(desc),
            out: [0; 6],
            inputs: Inputs::default(),
            core_hz: reset_hz,
            warned_stopped: false,
        }
    }

    fn get(&self, off: u32) -> u32 {
        self.regs.get(off).unwrap_or(0)
    }

    fn source(&self, g: Gen) -> Src {
        let ctrl = self.get(g.ctrl());
        let aux = (ctrl >> 5) & 7;
        match g {
            Gen::Ref => match ctrl & 3 {
                0 => Src::Rosc,
                1 => match aux {
                    0 => Src::PllUsb,
                    1 | 2 => Src::Gpin,
                    _ => Src::None,
                },
                2 => Src::Xosc,
                _ => Src::None,
            },
            Gen::Sys => match ctrl & 1 {
                0 => Src::Ref,
                _ => match aux {
                    0 => Src::PllSys,
                    1 => Src::PllUsb,
                    2 => Src::Rosc,
                    3 => Src::Xosc,
                    4 | 5 => Src::Gpin,
                    _ => Src::None,
                },
            },
            Gen::Peri => match aux {
                0 => Src::Sys,
                1 => Src::PllSys,
                2 => Src::PllUsb,
                3 => Src::Rosc,
                4 => Src::Xosc,
                5 | 6 => Src::Gpin,
                _ => Src::None,
            },
            Gen::Usb | Gen::Adc | Gen::Rtc => match aux {
                0 => Src::PllUsb,
                1 => Src::PllSys,
                2 => Src::Rosc,
                3 => Src::Xosc,
                4 | 5 => Src::Gpin,
                _ => Src::None,
            },
        }
    }

    /// Divides `f` by the generator's DIV (INT.FRAC in 1/256; INT 0 is 2^16).
    fn divide(&self, g: Gen, f: u64) -> u64 {
        let div = self.get(g.div());
        let int = u64::from(div >> 8);
        let int = if int == 0 { 1 << 16 } else { int };
        let frac = u64::from(div & 0xFF);
        f * 256 / (int * 256 + frac)
    }

    fn src_hz(&self, s: Src, inp: &Inputs, out: &[u64; 6]) -> u64 {
        match s {
            Src::Rosc => inp.rosc,
            Src::Xosc => inp.xosc,
            Src::PllSys => inp.pll_sys,
            Src::PllUsb => inp.pll_usb,
            Src::Ref => out[0],
            Src::Sys => out[1],
            Src::Gpin | Src::None => 0,
        }
    }

    /// Every generated clock from `inp`, in [`GENS`] order.
    fn compute(&self, inp: &Inputs) -> [u64; 6] {
        let mut out = [0u64; 6];
        for (i, g) in GENS.iter().enumerate() {
            let enabled = g.glitchless() || self.get(g.ctrl()) & (1 << 11) != 0;
            let f = self.src_hz(self.source(*g), inp, &out);
            out[i] = if enabled { self.divide(*g, f) } else { 0 };
        }
        out
    }

    /// The frequency of generated clock `g`, as last computed.
    pub fn hz(&self, g: Gen) -> u64 {
        self.out[GENS.iter().position(|x| *x == g).expect("listed")]
    }

    /// Recomputes and publishes every clock; `warn`: the firmware's write caused it (a
    /// stopped clk_sys is then worth a warning, not while sources come up after a reset).
    fn update(&mut self, ctx: &mut DeviceCtx, warn: bool) {
        self.inputs = Inputs::from(ctx.clock);
        self.out = self.compute(&self.inputs);
        for (i, g) in GENS.iter().enumerate() {
            ctx.clock.set_domain(g.domain(), self.out[i]);
        }
        let sys = self.out[1];
        if sys != self.core_hz {
            if sys == 0 {
                if warn && !self.warned_stopped && ctx.mmio.echo {
                    eprintln!(
                        "thimble: warning: clk_sys has no running source (CLK_SYS_CTRL \
                         0x{:x}, CLK_REF_CTRL 0x{:x}); the core keeps {} Hz",
                        self.get(Gen::Sys.ctrl()),
                        self.get(Gen::Ref.ctrl()),
                        self.core_hz
                    );
                }
                self.warned_stopped |= warn;
            } else {
                ctx.clock.set_core_hz(ctx.now, sys);
                self.core_hz = sys;
            }
        }
    }

    /// FC0: counts the source `src` (FC0_SRC encoding, §2.15.7) at once.
    fn count(&mut self, src: u32) {
        let inp = self.inputs;
        let o = self.out;
        let f = match src {
            1 => inp.pll_sys,
            2 => inp.pll_usb,
            3 | 4 => inp.rosc,
            5 => inp.xosc,
            8..=13 => o[(src - 8) as usize],
            _ => 0,
        };
        // KHZ in bits 29:5, 1/32 kHz in 4:0.
        let khz32 = f * 32 / 1000;
        self.regs.set(reg::FC0_RESULT, (khz32 as u32) & 0x3FFF_FFFF);
        // DONE (4) and PASS (0); DIED (28) when the source is stopped.
        let status = if f == 0 {
            (1 << 4) | (1 << 28)
        } else {
            (1 << 4) | 1
        };
        self.regs.set(reg::FC0_STATUS, status);
    }
}

impl Block for Clocks {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        match self.regs.read(off, 4) {
            Some(v) => Ok(self.peek_value(off, v)),
            None => unmodelled(self.regs.desc, off, false, ctx).map(|()| 0),
        }
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        if self.regs.write(off, 4, v).is_none() {
            return unmodelled(self.regs.desc, off, true, ctx);
        }
        match off {
            reg::FC0_SRC if v & 0xFF != 0 => self.count(v & 0xFF),
            _ if off < 0x78 => self.update(ctx, true),
            _ => {}
        }
        Ok(())
    }

    fn peek(&self, off: u32, _: &Peek) -> Option<u32> {
        self.regs.read(off, 4).map(|v| self.peek_value(off, v))
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        let stale = Inputs::from(clock) != self.inputs
            || GENS
                .iter()
                .enumerate()
                .any(|(i, g)| super::stale(clock, g.domain(), self.out[i]));
        stale.then_some(0)
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.update(ctx, false);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.core_hz = super::rosc::BOOT_HZ;
        self.warned_stopped = false;
        self.update(ctx, false);
    }
}

impl Clocks {
    /// SELECTED registers are one-hot of CTRL.SRC on the glitchless muxes.
    fn peek_value(&self, off: u32, stored: u32) -> u32 {
        match off {
            o if o == Gen::Ref.selected() => 1 << (self.get(Gen::Ref.ctrl()) & 3),
            o if o == Gen::Sys.selected() => 1 << (self.get(Gen::Sys.ctrl()) & 1),
            _ => stored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rp2040::rp2040_map::CHIP;

    fn clocks() -> Clocks {
        Clocks::new(CHIP.peripheral("CLOCKS").unwrap(), 6_500_000)
    }

    const INPUTS: Inputs = Inputs {
        rosc: 6_500_000,
        xosc: 12_000_000,
        pll_sys: 125_000_000,
        pll_usb: 48_000_000,
    };

    #[test]
    fn reset_runs_clk_ref_and_clk_sys_from_the_rosc_and_clk_peri_stopped() {
        let c = clocks();
        let out = c.compute(&INPUTS);
        assert_eq!(&out[..3], &[6_500_000, 6_500_000, 0]);
        assert_eq!(c.peek_value(Gen::Sys.selected(), 0), 1);
    }

    #[test]
    fn pico_sdk_clock_tree_gives_125_mhz_and_fractional_dividers_divide() {
        let mut c = clocks();
        c.regs.set(Gen::Ref.ctrl(), 2); // XOSC
        c.regs.set(Gen::Sys.ctrl(), 1); // aux: PLL_SYS
        c.regs.set(Gen::Peri.ctrl(), 1 << 11); // enabled, clk_sys
        c.regs.set(Gen::Rtc.ctrl(), 1 << 11); // enabled, PLL_USB
        c.regs.set(Gen::Rtc.div(), 1024 << 8);
        let out = c.compute(&INPUTS);
        assert_eq!(out[0], 12_000_000);
        assert_eq!(out[1], 125_000_000);
        assert_eq!(out[2], 125_000_000);
        assert_eq!(out[5], 46_875);
        assert_eq!(c.peek_value(Gen::Ref.selected(), 0), 1 << 2);
        assert_eq!(c.peek_value(Gen::Sys.selected(), 0), 1 << 1);
        // clk_sys / 2.5 (INT 2, FRAC 128).
        c.regs.set(Gen::Sys.div(), (2 << 8) | 128);
        assert_eq!(c.compute(&INPUTS)[1], 50_000_000);
    }
}

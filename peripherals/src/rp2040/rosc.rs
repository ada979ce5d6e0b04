//! ROSC, the ring oscillator (RP2040 datasheet §2.17): runs from power-up (clk_ref and clk_sys
//! start on it), stopped only by CTRL.ENABLE = 0xD1E. Its frequency varies with process,
//! voltage and temperature; thimble takes the nominal: "During boot the ROSC runs at a nominal
//! 6.5MHz" (§2.17.1) with the default divisor of 16 (§2.17.4), i.e. a 104 MHz ring; DIV
//! (written as 0xAA0 + n, 0xAA0 meaning 32) divides that ring. The drive-strength registers
//! FREQA/FREQB and FREQ_RANGE, which move the ring's frequency on silicon, are kept but change
//! nothing here (named as unmodelled). RANDOMBIT gives a deterministic pseudo-random bit
//! sequence (a 32-bit LFSR), COUNT counts down at the output frequency.

use super::domain;
use super::fabric::{unmodelled, Block};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// The ring's frequency: the nominal 6.5 MHz boot output × the default divisor 16.
pub const RING_HZ: u64 = 6_500_000 * 16;
/// The output at reset (§2.17.1).
pub const BOOT_HZ: u64 = 6_500_000;

/// Register offsets (§2.17.8).
pub mod reg {
    /// FREQ_RANGE (11:0), ENABLE (23:12).
    pub const CTRL: u32 = 0x00;
    /// Drive strengths of stages 0-3.
    pub const FREQA: u32 = 0x04;
    /// Drive strengths of stages 4-7.
    pub const FREQB: u32 = 0x08;
    /// Dormant ("coma").
    pub const DORMANT: u32 = 0x0C;
    /// Output divisor, 0xAA0 + n.
    pub const DIV: u32 = 0x10;
    /// Phase of the second output.
    pub const PHASE: u32 = 0x14;
    /// ENABLED (12), DIV_RUNNING (16), BADWRITE (24), STABLE (31).
    pub const STATUS: u32 = 0x18;
    /// One random bit per read.
    pub const RANDOMBIT: u32 = 0x1C;
    /// Down-counter at the output frequency.
    pub const COUNT: u32 = 0x20;
}

/// The ring oscillator.
pub struct Rosc {
    regs: RegisterFile,
    enabled: bool,
    div: u64,
    badwrite: bool,
    lfsr: u32,
    count: (u32, u64),
}

const LFSR_SEED: u32 = 0xACE1_2345;

impl Rosc {
    /// The ROSC described by `desc`, running as after power-up.
    pub fn new(desc: &'static PeripheralDesc) -> Rosc {
        Rosc {
            regs: RegisterFile::new(desc),
            enabled: true,
            div: RING_HZ / BOOT_HZ,
            badwrite: false,
            lfsr: LFSR_SEED,
            count: (0, 0),
        }
    }

    /// The output frequency (rosc_clksrc) in Hz.
    pub fn out(&self) -> u64 {
        if self.enabled {
            RING_HZ / self.div
        } else {
            0
        }
    }

    fn status(&self) -> u32 {
        let mut v = 1 << 16; // DIV_RUNNING
        if self.enabled {
            v |= (1 << 12) | (1 << 31);
        }
        if self.badwrite {
            v |= 1 << 24;
        }
        v
    }

    fn random_bit(&mut self) -> u32 {
        // Galois LFSR, taps 32, 22, 2, 1 (a maximal-length polynomial).
        let bit = self.lfsr & 1;
        self.lfsr >>= 1;
        if bit != 0 {
            self.lfsr ^= 0x8020_0003;
        }
        bit
    }
}

impl Block for Rosc {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        Ok(match off {
            reg::STATUS => self.status(),
            reg::RANDOMBIT => self.random_bit(),
            reg::COUNT => {
                let elapsed = ctx.now_ps().saturating_sub(self.count.1) * self.out() / PS_PER_S;
                u64::from(self.count.0).saturating_sub(elapsed) as u32
            }
            reg::CTRL | reg::DIV | reg::PHASE | reg::FREQA | reg::FREQB => {
                self.regs.read(off, 4).unwrap_or(0)
            }
            _ => {
                unmodelled(self.regs.desc, off, false, ctx)?;
                self.regs.read(off, 4).unwrap_or(0)
            }
        })
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        match off {
            reg::CTRL => {
                // "An invalid setting will enable the oscillator" (§2.17.8, CTRL.ENABLE).
                self.enabled = (v >> 12) & 0xFFF != 0xD1E;
                if v & 0xFFF != 0xAA0 && (v & 0xFFF) != self.regs.get(off).unwrap_or(0) & 0xFFF {
                    // FREQ_RANGE moves the ring's frequency: not modelled.
                    unmodelled(self.regs.desc, off, true, ctx)?;
                }
                self.regs.write(off, 4, v);
                ctx.clock.set_domain(domain::ROSC, self.out());
            }
            reg::DIV => {
                if v & !0x1F == 0xAA0 {
                    let n = u64::from(v & 0x1F);
                    self.div = if n == 0 { 32 } else { n };
                    self.regs.write(off, 4, v);
                    ctx.clock.set_domain(domain::ROSC, self.out());
                } else {
                    self.badwrite = true;
                }
            }
            reg::STATUS => {
                if v & (1 << 24) != 0 {
                    self.badwrite = false;
                }
            }
            reg::PHASE => {
                self.regs.write(off, 4, v);
            }
            reg::COUNT => self.count = (v & 0xFF, ctx.now_ps()),
            _ => {
                unmodelled(self.regs.desc, off, true, ctx)?;
                self.regs.write(off, 4, v);
            }
        }
        Ok(())
    }

    fn peek(&self, off: u32, _: &Peek) -> Option<u32> {
        match off {
            reg::STATUS => Some(self.status()),
            reg::RANDOMBIT | reg::COUNT => None,
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
        super::stale(clock, domain::ROSC, self.out()).then_some(0)
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        ctx.clock.set_domain(domain::ROSC, self.out());
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        let lfsr = self.lfsr;
        *self = Rosc::new(self.regs.desc);
        // The random bits go on from where they were (a reset does not repeat them).
        self.lfsr = lfsr;
        ctx.clock.set_domain(domain::ROSC, self.out());
    }
}

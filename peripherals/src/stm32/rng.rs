//! True random number generator (STM32L4+, RM0432 §33; STM32F7, RM0385 §22), made
//! deterministic: the same sequence on every run (splitmix64 from a fixed seed), so that runs
//! repeat exactly. Timing follows the RNG clock the RCC publishes as `CLK48`: a sample is
//! ready (SR.DRDY) 42 of its periods after RNGEN is set or the previous sample was read
//! (RM0385 §22.3.1: 40-odd RNG clock cycles per 32-bit sample). Without that clock (HSI48 or
//! the PLL's 48 MHz output not running) the clock error flags CECS/CEIS set and no sample
//! comes, as on silicon. Interrupt (IE): DRDY, CEIS or SEIS.
//!
//! Not modelled: the seed error (SECS never sets), the health tests.

use super::unmodelled;
use sim_core::chip::{merge_sub_word, sub_word, PeripheralDesc, RegisterFile};
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};
use sim_core::exception::IrqLine;

const CR: u32 = 0x00;
const SR: u32 = 0x04;
const DR: u32 = 0x08;
const RNGEN: u32 = 1 << 2;
const IE: u32 = 1 << 3;
const DRDY: u32 = 1 << 0;
const CECS: u32 = 1 << 1;
const CEIS: u32 = 1 << 5;
const SEIS: u32 = 1 << 6;
/// RNG clock periods per sample.
const PERIODS: u64 = 42;
/// The generator's seed ("thimble!" in ASCII).
pub const SEED: u64 = 0x7468_696D_626C_6521;

/// The RNG.
pub struct Rng {
    regs: RegisterFile,
    line: IrqLine,
    state: u64,
    sample: u32,
    sr: u32,
    /// When the next sample is ready, in ps.
    ready_at: Option<u64>,
}

/// splitmix64's step (Steele, Lea, Flood 2014): the next state and its output.
fn splitmix64(state: u64) -> (u64, u64) {
    let s = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = s;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (s, z ^ (z >> 31))
}

impl Rng {
    /// The RNG described by `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Rng {
        Rng {
            regs: RegisterFile::new(desc),
            line: IrqLine::new(desc.irq()),
            state: SEED,
            sample: 0,
            sr: 0,
            ready_at: None,
        }
    }

    fn cr(&self) -> u32 {
        self.regs.get(CR).unwrap_or(0)
    }

    /// Starts the next sample at `now_ps`, or flags a clock error when the RNG has no clock.
    fn start(&mut self, now_ps: u64, ctx: &DeviceCtx) {
        let hz = ctx.clock.domain("CLK48").unwrap_or(0);
        if hz == 0 {
            self.sr |= CECS | CEIS;
            self.ready_at = None;
            return;
        }
        self.sr &= !CECS;
        self.ready_at = Some(now_ps + (PERIODS * PS_PER_S).div_ceil(hz));
    }

    fn advance(&mut self, now_ps: u64) {
        if let Some(t) = self.ready_at {
            if t <= now_ps {
                self.ready_at = None;
                let (s, out) = splitmix64(self.state);
                self.state = s;
                self.sample = out as u32;
                self.sr |= DRDY;
            }
        }
    }

    /// Drives the interrupt line: high while IE and DRDY, CEIS or SEIS are set.
    fn drive_line(&mut self, ctx: &mut DeviceCtx) {
        let high = self.cr() & IE != 0 && self.sr & (DRDY | CEIS | SEIS) != 0;
        self.line.drive(high, ctx.exc);
    }
}

impl Device for Rng {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        let now = ctx.now_ps();
        self.advance(now);
        let v = match offset & !3 {
            CR => self.cr(),
            SR => self.sr,
            DR => {
                if self.sr & DRDY == 0 {
                    0
                } else {
                    self.sr &= !DRDY;
                    if self.cr() & RNGEN != 0 {
                        self.start(now, ctx);
                    }
                    self.sample
                }
            }
            _ => {
                unmodelled(&self.regs, offset, false, ctx)?;
                0
            }
        };
        self.drive_line(ctx);
        Ok(sub_word(v, offset, width))
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let now = ctx.now_ps();
        self.advance(now);
        match offset & !3 {
            CR => {
                let old = self.cr();
                let new = merge_sub_word(old, offset, width, value);
                self.regs.write(CR, 4, new);
                let on = self.cr() & RNGEN != 0;
                if on && old & RNGEN == 0 {
                    self.start(now, ctx);
                } else if !on {
                    self.ready_at = None;
                    self.sr &= !DRDY;
                }
            }
            // CEIS and SEIS are cleared by writing 0 (rc_w0).
            SR => self.sr &= merge_sub_word(self.sr, offset, width, value) | !(CEIS | SEIS),
            DR => {}
            _ => unmodelled(&self.regs, offset, true, ctx)?,
        }
        self.drive_line(ctx);
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, _: &Peek) -> Option<u32> {
        let v = match offset & !3 {
            CR => self.cr(),
            SR => self.sr,
            DR => return None, // reading DR takes the sample
            _ => self.regs.get(offset & !3)?,
        };
        Some(sub_word(v, offset, width))
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        self.ready_at
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.advance(ctx.now_ps());
        self.drive_line(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.line.drive(false, ctx.exc);
        self.state = SEED;
        self.sample = 0;
        self.sr = 0;
        self.ready_at = None;
    }
}

//! GPIO ports (the same IP on STM32L4+, RM0432 §8.5, and STM32F7, RM0385 §6.4): MODER,
//! OTYPER, OSPEEDR, PUPDR and AFRL/AFRH are configuration kept as written; ODR is the output
//! latch, set and cleared atomically through BSRR (and BRR on the L4+); IDR reads what the
//! pins carry: an output pin its ODR bit, an input pin its pull-up (1) or pull-down/floating
//! (0) level unless something outside drives it (`drive`).
//!
//! Not modelled: LCKR's lock sequence (logged as unmodelled), alternate-function routing
//! (a pin given to the USART does not show its TX line in IDR), analog switches (ASCR).

use super::unmodelled;
use sim_core::chip::{merge_sub_word, sub_word, PeripheralDesc, RegisterFile};
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};

const MODER: u32 = 0x00;
const PUPDR: u32 = 0x0C;
const IDR: u32 = 0x10;
const ODR: u32 = 0x14;
const BSRR: u32 = 0x18;
const LCKR: u32 = 0x1C;
/// Bit reset register (L4+ only, RM0432 §8.5.11).
const BRR: u32 = 0x28;

/// One GPIO port.
pub struct Gpio {
    regs: RegisterFile,
    /// Whether the port has BRR (L4+).
    has_brr: bool,
    /// Levels driven onto input pins from outside (bit per pin) and which pins are driven.
    driven: u16,
    level: u16,
}

impl Gpio {
    /// The port described by `desc`; `has_brr` on the L4+.
    pub fn new(desc: &'static PeripheralDesc, has_brr: bool) -> Gpio {
        Gpio {
            regs: RegisterFile::new(desc),
            has_brr,
            driven: 0,
            level: 0,
        }
    }

    /// Drives input pin `pin` from outside (a button, a test): `Some(level)`, or releases it.
    pub fn drive(&mut self, pin: u8, level: Option<bool>) {
        let m = 1u16 << (pin & 15);
        match level {
            Some(l) => {
                self.driven |= m;
                self.level = if l { self.level | m } else { self.level & !m };
            }
            None => self.driven &= !m,
        }
    }

    fn get(&self, off: u32) -> u32 {
        self.regs.get(off).unwrap_or(0)
    }

    /// The pin levels IDR shows.
    pub fn idr(&self) -> u32 {
        let (moder, pupd, odr) = (self.get(MODER), self.get(PUPDR), self.get(ODR));
        let mut v = 0;
        for pin in 0..16 {
            let mode = (moder >> (2 * pin)) & 3;
            let bit = 1u32 << pin;
            let high = match mode {
                1 => odr & bit != 0,
                3 => false,
                _ if self.driven & bit as u16 != 0 => self.level & bit as u16 != 0,
                _ => (pupd >> (2 * pin)) & 3 == 1,
            };
            if high {
                v |= bit;
            }
        }
        v
    }

    fn set_reset(&mut self, set: u32, reset: u32) {
        // BSRR: set wins when both bits of a pin are written (RM0432 §8.5.7).
        let odr = (self.get(ODR) & !reset) | set;
        self.regs.set(ODR, odr & 0xFFFF);
    }
}

impl Device for Gpio {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        match offset & !3 {
            IDR => Ok(sub_word(self.idr(), offset, width)),
            BSRR | BRR => Ok(0),
            LCKR => {
                unmodelled(&self.regs, offset, false, ctx)?;
                Ok(self.regs.read(offset, width).unwrap_or(0))
            }
            _ => match self.regs.read(offset, width) {
                Some(v) => Ok(v),
                None => {
                    unmodelled(&self.regs, offset, false, ctx)?;
                    Ok(0)
                }
            },
        }
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let off = offset & !3;
        let v = merge_sub_word(0, offset, width, value);
        match off {
            BSRR => self.set_reset(v & 0xFFFF, v >> 16),
            BRR if self.has_brr => self.set_reset(0, v & 0xFFFF),
            IDR => {}
            LCKR => {
                unmodelled(&self.regs, offset, true, ctx)?;
                self.regs.write(offset, width, value);
            }
            _ => {
                if self.regs.write(offset, width, value).is_none() {
                    unmodelled(&self.regs, offset, true, ctx)?;
                }
            }
        }
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, _: &Peek) -> Option<u32> {
        match offset & !3 {
            IDR => Some(sub_word(self.idr(), offset, width)),
            BSRR => Some(0),
            BRR if self.has_brr => Some(0),
            _ => self.regs.read(offset, width),
        }
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.regs.reset();
    }
}

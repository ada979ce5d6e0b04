//! SIO, the single-cycle IO block on the cores' IO port (RP2040 datasheet §2.3.1), as core 0
//! sees it:
//!
//! - CPUID reads 0 (thimble runs core 0).
//! - GPIO_OUT/GPIO_OE and their SET/CLR/XOR registers (the SIO has no bus-level atomic
//!   aliases; these are its own), likewise for the QSPI pins (GPIO_HI_*). GPIO_IN reads the
//!   level of each pin the SIO drives (OUT where OE is set) and 0 elsewhere (the pads' default
//!   pull-downs); GPIO_HI_IN reads QSPI_SS high (its pull-up: the BOOTSEL button not pressed).
//! - The hardware divider (§2.3.1.5): writing a dividend or divisor starts an 8-cycle
//!   division (DIV_CSR.READY clear until done, DIRTY set until QUOTIENT is read); results
//!   follow the datasheet's rules for division by zero (quotient all ones for unsigned, ±1
//!   against the dividend's sign for signed, remainder the dividend). Results read early
//!   return the final values.
//! - The inter-core FIFOs (§2.3.1.3): 8 words each way. Core 1 is parked in the boot ROM's
//!   launch loop: it answers every word core 0 sends with the same word (so pico-sdk's
//!   `multicore_launch_core1` handshake completes), and when the sequence 0, 0, 1, vector
//!   table, stack pointer, entry has gone through it is "launched": thimble warns that core 1
//!   does not run and answers nothing more. FIFO_ST: VLD, RDY, WOF, ROE; SIO_IRQ_PROC0 pends
//!   while VLD.
//! - 32 spinlocks (§2.3.1.4): reading SPINLOCKn claims it (returns 1 << n) or returns 0 if
//!   claimed; writing releases it; SPINLOCK_ST shows all.
//! - The interpolators are storage (named as unmodelled).

use super::fabric::{read_peeked, unmodelled, Block};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::device::{DeviceCtx, DeviceError, Peek};
use sim_core::exception::IrqLine;
use std::collections::VecDeque;

/// Register offsets (§2.3.1.7).
pub mod reg {
    /// Core number.
    pub const CPUID: u32 = 0x000;
    /// GPIO input levels.
    pub const GPIO_IN: u32 = 0x004;
    /// QSPI pin input levels.
    pub const GPIO_HI_IN: u32 = 0x008;
    /// GPIO output values; SET/CLR/XOR at +4/+8/+0xC.
    pub const GPIO_OUT: u32 = 0x010;
    /// GPIO output enables; SET/CLR/XOR at +4/+8/+0xC.
    pub const GPIO_OE: u32 = 0x020;
    /// QSPI output values.
    pub const GPIO_HI_OUT: u32 = 0x030;
    /// QSPI output enables.
    pub const GPIO_HI_OE: u32 = 0x040;
    /// FIFO status.
    pub const FIFO_ST: u32 = 0x050;
    /// FIFO write (to core 1).
    pub const FIFO_WR: u32 = 0x054;
    /// FIFO read (from core 1).
    pub const FIFO_RD: u32 = 0x058;
    /// Spinlock state.
    pub const SPINLOCK_ST: u32 = 0x05C;
    /// Unsigned dividend.
    pub const DIV_UDIVIDEND: u32 = 0x060;
    /// Unsigned divisor.
    pub const DIV_UDIVISOR: u32 = 0x064;
    /// Signed dividend.
    pub const DIV_SDIVIDEND: u32 = 0x068;
    /// Signed divisor.
    pub const DIV_SDIVISOR: u32 = 0x06C;
    /// Quotient.
    pub const DIV_QUOTIENT: u32 = 0x070;
    /// Remainder.
    pub const DIV_REMAINDER: u32 = 0x074;
    /// READY (0), DIRTY (1).
    pub const DIV_CSR: u32 = 0x078;
    /// First interpolator register.
    pub const INTERP0: u32 = 0x080;
    /// SPINLOCK0; SPINLOCK1-31 follow every 4 bytes.
    pub const SPINLOCK0: u32 = 0x100;
}

/// Cycles a division takes (§2.3.1.5: "results ... after 8 cycles").
pub const DIV_CYCLES: u64 = 8;
/// FIFO depth each way (§2.3.1.3).
const FIFO_DEPTH: usize = 8;
/// GPIO pins in bank 0 and QSPI pins.
const GPIO_MASK: u32 = 0x3FFF_FFFF;
const HI_MASK: u32 = 0x3F;
/// GPIO_HI_IN: QSPI_SS (bit 1) pulled up.
const HI_IN_IDLE: u32 = 1 << 1;

/// The hardware divider's state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Divider {
    dividend: u32,
    divisor: u32,
    quotient: u32,
    remainder: u32,
    /// Cycle at which the running division completes.
    ready_at: u64,
    dirty: bool,
}

impl Divider {
    /// Computes the result of the operands as unsigned or signed.
    fn compute(&mut self, signed: bool) {
        let (n, d) = (self.dividend, self.divisor);
        let (q, r) = if d == 0 {
            // Division by zero (§2.3.1.5): the remainder is the dividend; the quotient is all
            // ones unsigned, and -1 or +1 signed for a non-negative or negative dividend.
            let q = if signed && (n as i32) < 0 {
                1
            } else {
                u32::MAX
            };
            (q, n)
        } else if signed {
            let (n, d) = (n as i32, d as i32);
            (n.wrapping_div(d) as u32, n.wrapping_rem(d) as u32)
        } else {
            (n / d, n % d)
        };
        self.quotient = q;
        self.remainder = r;
    }

    /// DIV_CSR at cycle `now`.
    fn csr(&self, now: u64) -> u32 {
        u32::from(now >= self.ready_at) | (u32::from(self.dirty) << 1)
    }
}

/// What parked core 1 has received of the launch sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Core1 {
    /// In the ROM's wait_for_vector loop, this far through 0, 0, 1, VTOR, SP, PC.
    Waiting { seq: u8, vtor: u32, sp: u32 },
    /// Launched at `entry`; thimble does not run it.
    Launched,
}

/// The SIO as core 0 sees it.
pub struct Sio {
    regs: RegisterFile,
    /// SIO_IRQ_PROC0: the OR of FIFO_ST's VLD, WOF and ROE (RP2040 datasheet §2.3.1.4, and
    /// the SVD's FIFO_ST description).
    line: IrqLine,
    gpio_out: u32,
    gpio_oe: u32,
    hi_out: u32,
    hi_oe: u32,
    div: Divider,
    spinlocks: u32,
    /// Words from core 1 to core 0.
    rx: VecDeque<u32>,
    /// Words from core 0 that parked core 1 will never read (after its launch).
    tx: VecDeque<u32>,
    wof: bool,
    roe: bool,
    core1: Core1,
}

impl Sio {
    /// The SIO described by `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Sio {
        Sio {
            regs: RegisterFile::new(desc),
            line: IrqLine::new(desc.irq()),
            gpio_out: 0,
            gpio_oe: 0,
            hi_out: 0,
            hi_oe: 0,
            div: Divider::default(),
            spinlocks: 0,
            rx: VecDeque::new(),
            tx: VecDeque::new(),
            wof: false,
            roe: false,
            core1: Core1::Waiting {
                seq: 0,
                vtor: 0,
                sp: 0,
            },
        }
    }

    /// The pins driven high by the SIO (for a pin-state view): OUT & OE.
    pub fn gpio_levels(&self) -> u32 {
        self.gpio_out & self.gpio_oe
    }

    /// Drives SIO_IRQ_PROC0 from VLD, WOF and ROE.
    fn drive_line(&mut self, ctx: &mut DeviceCtx) {
        let high = self.fifo_st() & 0b1101 != 0;
        self.line.drive(high, ctx.exc);
    }

    fn fifo_st(&self) -> u32 {
        u32::from(!self.rx.is_empty())
            | (u32::from(self.tx.len() < FIFO_DEPTH) << 1)
            | (u32::from(self.wof) << 2)
            | (u32::from(self.roe) << 3)
    }

    /// Core 0 pushed `w`: parked core 1's ROM loop answers it.
    fn push(&mut self, w: u32, ctx: &mut DeviceCtx) {
        if let Core1::Waiting { seq, vtor, sp } = self.core1 {
            // The ROM's wait_for_vector (datasheet §2.8.2): echo every word; 0 restarts the
            // sequence, a wrong word in the first three places restarts it.
            let next = match (seq, w) {
                (0, 0) => 1,
                (1, 0) => 2,
                (_, 0) => 1,
                (2, 1) => 3,
                (3..=5, _) => seq + 1,
                _ => 0,
            };
            let (vtor, sp) = match seq {
                3 => (w, sp),
                4 => (vtor, w),
                _ => (vtor, sp),
            };
            if self.rx.len() < FIFO_DEPTH {
                self.rx.push_back(w);
            }
            if next == 6 {
                self.core1 = Core1::Launched;
                if ctx.mmio.echo {
                    eprintln!(
                        "thimble: warning: core 1 launched through the SIO FIFO (vector table \
                         0x{vtor:08x}, stack 0x{sp:08x}, entry 0x{w:08x}): thimble runs core 0 \
                         only, core 1 stays parked and nothing it would do happens"
                    );
                }
            } else {
                self.core1 = Core1::Waiting {
                    seq: next,
                    vtor,
                    sp,
                };
            }
        } else if self.tx.len() < FIFO_DEPTH {
            self.tx.push_back(w);
        } else {
            self.wof = true;
        }
    }
}

impl Block for Sio {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        Ok(match off {
            reg::FIFO_RD => {
                let w = self.rx.pop_front();
                self.roe |= w.is_none();
                self.drive_line(ctx);
                w.unwrap_or(0)
            }
            reg::DIV_QUOTIENT => {
                self.div.dirty = false;
                self.div.quotient
            }
            reg::DIV_CSR => self.div.csr(ctx.now),
            o if (reg::SPINLOCK0..reg::SPINLOCK0 + 128).contains(&o) => {
                let bit = 1 << ((o - reg::SPINLOCK0) / 4);
                if self.spinlocks & bit != 0 {
                    0
                } else {
                    self.spinlocks |= bit;
                    bit
                }
            }
            o if (reg::INTERP0..reg::SPINLOCK0).contains(&o) => {
                unmodelled(self.regs.desc, off, false, ctx)?;
                self.regs.read(off, 4).unwrap_or(0)
            }
            _ => read_peeked(self, self.regs.desc, off, ctx)?,
        })
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        let start_div = |d: &mut Divider, signed: bool, now: u64| {
            d.compute(signed);
            d.ready_at = now + DIV_CYCLES;
            d.dirty = true;
        };
        match off {
            0x010 => self.gpio_out = v & GPIO_MASK,
            0x014 => self.gpio_out |= v & GPIO_MASK,
            0x018 => self.gpio_out &= !v,
            0x01C => self.gpio_out ^= v & GPIO_MASK,
            0x020 => self.gpio_oe = v & GPIO_MASK,
            0x024 => self.gpio_oe |= v & GPIO_MASK,
            0x028 => self.gpio_oe &= !v,
            0x02C => self.gpio_oe ^= v & GPIO_MASK,
            0x030 => self.hi_out = v & HI_MASK,
            0x034 => self.hi_out |= v & HI_MASK,
            0x038 => self.hi_out &= !v,
            0x03C => self.hi_out ^= v & HI_MASK,
            0x040 => self.hi_oe = v & HI_MASK,
            0x044 => self.hi_oe |= v & HI_MASK,
            0x048 => self.hi_oe &= !v,
            0x04C => self.hi_oe ^= v & HI_MASK,
            reg::FIFO_ST => {
                // WOF and ROE are cleared by writing any value.
                self.wof = false;
                self.roe = false;
            }
            reg::FIFO_WR => self.push(v, ctx),
            reg::DIV_UDIVIDEND | reg::DIV_SDIVIDEND => {
                self.div.dividend = v;
                start_div(&mut self.div, off == reg::DIV_SDIVIDEND, ctx.now);
            }
            reg::DIV_UDIVISOR | reg::DIV_SDIVISOR => {
                self.div.divisor = v;
                start_div(&mut self.div, off == reg::DIV_SDIVISOR, ctx.now);
            }
            // Writing the results (pico-sdk's save and restore of the divider state) sets
            // them directly and marks the divider dirty.
            reg::DIV_QUOTIENT => {
                self.div.quotient = v;
                self.div.dirty = true;
            }
            reg::DIV_REMAINDER => {
                self.div.remainder = v;
                self.div.dirty = true;
            }
            o if (reg::SPINLOCK0..reg::SPINLOCK0 + 128).contains(&o) => {
                self.spinlocks &= !(1 << ((o - reg::SPINLOCK0) / 4));
            }
            _ => {
                unmodelled(self.regs.desc, off, true, ctx)?;
                self.regs.write(off, 4, v);
            }
        }
        self.drive_line(ctx);
        Ok(())
    }

    fn peek(&self, off: u32, at: &Peek) -> Option<u32> {
        Some(match off {
            reg::CPUID => 0,
            reg::GPIO_IN => self.gpio_out & self.gpio_oe,
            reg::GPIO_HI_IN => (self.hi_out & self.hi_oe) | (HI_IN_IDLE & !self.hi_oe),
            0x010 => self.gpio_out,
            0x020 => self.gpio_oe,
            0x030 => self.hi_out,
            0x040 => self.hi_oe,
            reg::FIFO_ST => self.fifo_st(),
            reg::SPINLOCK_ST => self.spinlocks,
            reg::DIV_UDIVIDEND | reg::DIV_SDIVIDEND => self.div.dividend,
            reg::DIV_UDIVISOR | reg::DIV_SDIVISOR => self.div.divisor,
            reg::DIV_QUOTIENT => self.div.quotient,
            reg::DIV_REMAINDER => self.div.remainder,
            reg::DIV_CSR => self.div.csr(at.now),
            // The SET/CLR/XOR registers, FIFO_WR and the spinlocks read as nothing useful
            // without side effects.
            0x014..=0x01C | 0x024..=0x02C | 0x034..=0x03C | 0x044..=0x04C | reg::FIFO_WR => 0,
            _ => return None,
        })
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.line.drive(false, ctx.exc);
        *self = Sio::new(self.regs.desc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn div(n: u32, d: u32, signed: bool) -> (u32, u32) {
        let mut x = Divider {
            dividend: n,
            divisor: d,
            ..Divider::default()
        };
        x.compute(signed);
        (x.quotient, x.remainder)
    }

    #[test]
    fn the_divider_follows_the_datasheet_including_division_by_zero() {
        assert_eq!(div(100, 7, false), (14, 2));
        assert_eq!(
            div((-100i32) as u32, 7, true),
            ((-14i32) as u32, (-2i32) as u32)
        );
        assert_eq!(div(5, 0, false), (u32::MAX, 5));
        assert_eq!(div(5, 0, true), (u32::MAX, 5));
        assert_eq!(div((-5i32) as u32, 0, true), (1, (-5i32) as u32));
        assert_eq!(div(0x8000_0000, u32::MAX, true), (0x8000_0000, 0));
        let d = Divider {
            ready_at: 108,
            dirty: true,
            ..Divider::default()
        };
        assert_eq!(d.csr(107), 0b10, "busy and dirty");
        assert_eq!(d.csr(108), 0b11);
    }
}

//! UART0/UART1: Arm PrimeCell PL011 (RP2040 datasheet §4.2; Arm DDI 0183 for the PL011).
//!
//! - Transmit: bytes written to DR go to the console (thimble's stdout) when the FIFO accepts
//!   them, and occupy the transmitter for one frame each at the baud rate: baud =
//!   UARTCLK × 4 / (64 × IBRD + FBRD) with UARTCLK = clk_peri (§4.2.7.1), frame = start bit +
//!   WLEN data bits + parity (PEN) + one or two stop bits (STP2). FR.TXFF is set while the FIFO
//!   (32 bytes with LCR_H.FEN, else a 1-byte holding register) is full, FR.BUSY while bytes
//!   are being sent, FR.TXFE when none wait. A byte written with the UART disabled (CR.UARTEN
//!   or CR.TXE clear) or with no clock (clk_peri stopped, IBRD = 0) waits in the FIFO until it
//!   can go, and is printed then.
//! - Receive: nothing is ever received (FR.RXFE stays set).
//! - Interrupts: TXRIS is set while the transmit FIFO is at or below its trigger level
//!   (IFLS.TXIFLSEL), MIS = RIS & IMSC, ICR clears; the IRQ pends when MIS becomes non-zero.

use super::domain;
use super::fabric::{read_peeked, unmodelled, Block};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{DeviceCtx, DeviceError, Peek};
use sim_core::exception::IrqLine;
use std::collections::VecDeque;

/// Register offsets (§4.2.8).
pub mod reg {
    /// Data.
    pub const DR: u32 = 0x000;
    /// Receive status / error clear.
    pub const RSR: u32 = 0x004;
    /// Flags.
    pub const FR: u32 = 0x018;
    /// Integer baud divisor.
    pub const IBRD: u32 = 0x024;
    /// Fractional baud divisor (1/64).
    pub const FBRD: u32 = 0x028;
    /// Line control.
    pub const LCR_H: u32 = 0x02C;
    /// Control.
    pub const CR: u32 = 0x030;
    /// FIFO interrupt levels.
    pub const IFLS: u32 = 0x034;
    /// Interrupt mask.
    pub const IMSC: u32 = 0x038;
    /// Raw interrupt status.
    pub const RIS: u32 = 0x03C;
    /// Masked interrupt status.
    pub const MIS: u32 = 0x040;
    /// Interrupt clear.
    pub const ICR: u32 = 0x044;
    /// DMA control.
    pub const DMACR: u32 = 0x048;
}

mod fr {
    pub const BUSY: u32 = 1 << 3;
    pub const RXFE: u32 = 1 << 4;
    pub const TXFF: u32 = 1 << 5;
    pub const TXFE: u32 = 1 << 7;
}

const TXRIS: u32 = 1 << 5;
/// PL011 FIFO depth.
const FIFO: usize = 32;

/// One PL011.
pub struct Uart {
    regs: RegisterFile,
    /// UARTINTR: high while a masked interrupt (MIS) is set.
    line: IrqLine,
    /// Bytes waiting to be sent (printed when accepted, unless they wait for the UART).
    fifo: VecDeque<(u8, bool)>,
    /// The byte in the shift register finishes at this time (ps).
    busy_until: Option<u64>,
    ris: u32,
    /// clk_peri as last seen (a change re-times the transmitter).
    clk: u64,
    warned_no_clock: bool,
}

impl Uart {
    /// The UART described by `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Uart {
        Uart {
            regs: RegisterFile::new(desc),
            line: IrqLine::new(desc.irq()),
            fifo: VecDeque::new(),
            busy_until: None,
            ris: 0,
            clk: 0,
            warned_no_clock: false,
        }
    }

    fn get(&self, off: u32) -> u32 {
        self.regs.get(off).unwrap_or(0)
    }

    fn depth(&self) -> usize {
        if self.get(reg::LCR_H) & (1 << 4) != 0 {
            FIFO
        } else {
            1
        }
    }

    fn enabled(&self) -> bool {
        let cr = self.get(reg::CR);
        cr & 1 != 0 && cr & (1 << 8) != 0
    }

    /// The time one frame takes at clock `clk` Hz, or `None` with no clock or divisor.
    pub fn frame_ps(&self, clk: u64) -> Option<u64> {
        let div =
            64 * u64::from(self.get(reg::IBRD) & 0xFFFF) + u64::from(self.get(reg::FBRD) & 63);
        if clk == 0 || self.get(reg::IBRD) & 0xFFFF == 0 {
            return None;
        }
        let lcr = self.get(reg::LCR_H);
        let bits = 1
            + 5
            + u64::from((lcr >> 5) & 3)
            + u64::from((lcr >> 1) & 1)
            + if lcr & (1 << 3) != 0 { 2 } else { 1 };
        // One bit lasts 16 × divisor / 4 / UARTCLK... = div / (4 × clk) seconds.
        Some(bits * div * PS_PER_S / (4 * clk))
    }

    /// The baud rate at clock `clk` Hz.
    pub fn baud(&self, clk: u64) -> u64 {
        let div =
            64 * u64::from(self.get(reg::IBRD) & 0xFFFF) + u64::from(self.get(reg::FBRD) & 63);
        (4 * clk).checked_div(div).unwrap_or(0)
    }

    fn tx_level_ok(&self) -> bool {
        // TXIFLSEL: 0 ≤ 1/8, 1 ≤ 1/4, 2 ≤ 1/2, 3 ≤ 3/4, 4 ≤ 7/8 full.
        let eighths = match self.get(reg::IFLS) & 7 {
            0 => 1,
            1 => 2,
            2 => 4,
            3 => 6,
            _ => 7,
        };
        self.fifo.len() * 8 <= self.depth() * eighths
    }

    fn mis(&self) -> u32 {
        self.ris & self.get(reg::IMSC)
    }

    /// Starts the next byte if the transmitter is free, prints it if it waited.
    fn pump(&mut self, ctx: &mut DeviceCtx) {
        let now = ctx.now_ps();
        if self.busy_until.is_some_and(|t| now >= t) {
            self.busy_until = None;
        }
        while self.busy_until.is_none() && self.enabled() {
            let Some(frame) = self.frame_ps(self.clk) else {
                if !self.warned_no_clock && !self.fifo.is_empty() && ctx.mmio.echo {
                    eprintln!(
                        "thimble: warning: {}: no baud clock (clk_peri {} Hz, IBRD {}): \
                         bytes wait in the FIFO",
                        self.regs.desc.name,
                        self.clk,
                        self.get(reg::IBRD)
                    );
                    self.warned_no_clock = true;
                }
                break;
            };
            let Some((b, printed)) = self.fifo.pop_front() else {
                break;
            };
            if !printed {
                ctx.console.write(&[b]);
            }
            self.busy_until = Some(now + frame);
        }
        if self.tx_level_ok() {
            self.ris |= TXRIS;
        }
        self.line.drive(self.mis() != 0, ctx.exc);
    }

    fn flags(&self, now_ps: u64) -> u32 {
        let mut v = fr::RXFE;
        if self.fifo.len() >= self.depth() {
            v |= fr::TXFF;
        }
        if self.fifo.is_empty() {
            v |= fr::TXFE;
        }
        if !self.fifo.is_empty() || self.busy_until.is_some_and(|t| now_ps < t) {
            v |= fr::BUSY;
        }
        v
    }
}

impl Block for Uart {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        self.clk = super::hz(ctx.clock, domain::CLK_PERI);
        self.pump(ctx);
        match off {
            // Nothing is ever received: DR reads 0 (and would flag underflow on silicon).
            reg::DR => Ok(0),
            _ => read_peeked(self, self.regs.desc, off, ctx),
        }
    }

    fn write(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        self.clk = super::hz(ctx.clock, domain::CLK_PERI);
        match off {
            reg::DR => {
                if self.fifo.len() < self.depth() {
                    // Printed now if it can go out at once, else when it does.
                    let ready = self.enabled() && self.frame_ps(self.clk).is_some();
                    if ready {
                        ctx.console.write(&[v as u8]);
                    }
                    self.fifo.push_back((v as u8, ready));
                    self.ris &= !TXRIS;
                }
            }
            reg::ICR => self.ris &= !v,
            reg::RSR => {}
            reg::IBRD | reg::FBRD | reg::LCR_H | reg::CR | reg::IFLS | reg::IMSC | reg::DMACR => {
                self.regs.write(off, 4, v);
            }
            _ => {
                unmodelled(self.regs.desc, off, true, ctx)?;
                self.regs.write(off, 4, v);
            }
        }
        self.pump(ctx);
        Ok(())
    }

    fn peek(&self, off: u32, at: &Peek) -> Option<u32> {
        Some(match off {
            reg::FR => self.flags(at.now_ps()),
            reg::RIS => self.ris,
            reg::MIS => self.mis(),
            reg::DR | reg::RSR | reg::ICR => 0,
            reg::IBRD | reg::FBRD | reg::LCR_H | reg::CR | reg::IFLS | reg::IMSC | reg::DMACR => {
                self.get(off)
            }
            // Peripheral and PrimeCell identification (reset values of the description).
            o if o >= 0xFE0 => self.regs.read(off, 4)?,
            _ => return None,
        })
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        if super::hz(clock, domain::CLK_PERI) != self.clk && !self.fifo.is_empty() {
            return Some(0);
        }
        self.busy_until
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.clk = super::hz(ctx.clock, domain::CLK_PERI);
        self.pump(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.line.drive(false, ctx.exc);
        *self = Uart::new(self.regs.desc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rp2040::rp2040_map::CHIP;

    #[test]
    fn pico_sdk_115200_divisors_give_115200_baud_and_86_us_frames() {
        let mut u = Uart::new(CHIP.peripheral("UART0").unwrap());
        u.regs.set(reg::IBRD, 67);
        u.regs.set(reg::FBRD, 52);
        u.regs.set(reg::LCR_H, (3 << 5) | (1 << 4));
        assert_eq!(u.baud(125_000_000), 115_207);
        // 10 bits at 115207 baud: 86.8 µs.
        let f = u.frame_ps(125_000_000).unwrap();
        assert_eq!(f / 1_000_000, 86);
        assert_eq!(u.frame_ps(0), None);
    }
}

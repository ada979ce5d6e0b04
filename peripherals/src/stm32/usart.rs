//! USART and LPUART (the same register set on STM32L4+, RM0432 §50-51, and STM32F7, RM0385
//! §34): bytes written to TDR go to the guest console (thimble's stdout) as they enter the
//! shift register, and the status flags follow the transmission in simulated time: TXE
//! (TXFNF with the L4+ FIFO) sets when TDR has room, TC one frame time after the last byte
//! started, the frame time coming from BRR, the word length, the stop bits and the kernel
//! clock the RCC publishes under the instance's name (`USART1`, `LPUART1`, ...).
//!
//! Nothing is ever received: RXNE stays clear and RDR reads 0. Interrupts: TXE, TC (and
//! RXNE) with their enables in CR1, as a level (re-pended while the condition holds after an
//! access). Not modelled: DMA (a CR3 DMAT/DMAR write is logged as unmodelled), hardware flow
//! control, synchronous/smartcard/IrDA/LIN modes, auto baud rate, the receive timeout.

use super::unmodelled;
use sim_core::chip::{merge_sub_word, sub_word, PeripheralDesc, RegisterFile};
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};
use sim_core::exception::IrqLine;
use std::collections::VecDeque;

/// Which kind of serial port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// USART/UART: baud = f / BRR (OVER8 = 0) or 2f / USARTDIV (OVER8 = 1).
    Usart,
    /// LPUART: baud = 256 f / BRR.
    Lpuart,
}

// Register offsets (RM0432 §50.8, RM0385 §34.8).
const CR1: u32 = 0x00;
const CR2: u32 = 0x04;
const CR3: u32 = 0x08;
const BRR: u32 = 0x0C;
const RQR: u32 = 0x18;
const ISR: u32 = 0x1C;
const ICR: u32 = 0x20;
const RDR: u32 = 0x24;
const TDR: u32 = 0x28;
/// Kernel clock prescaler (L4+ only; absent from the L4R5 SVD).
const PRESC: u32 = 0x2C;

// CR1 bits.
const UE: u32 = 1 << 0;
const RE: u32 = 1 << 2;
const TE: u32 = 1 << 3;
const RXNEIE: u32 = 1 << 5;
const TCIE: u32 = 1 << 6;
const TXEIE: u32 = 1 << 7;
const PCE: u32 = 1 << 10;
const M0: u32 = 1 << 12;
const OVER8: u32 = 1 << 15;
const M1: u32 = 1 << 28;
const FIFOEN: u32 = 1 << 29;
// ISR bits.
const RXNE: u32 = 1 << 5;
const TC: u32 = 1 << 6;
const TXE: u32 = 1 << 7;
const TEACK: u32 = 1 << 21;
const REACK: u32 = 1 << 22;
const TXFE: u32 = 1 << 23;
// CR3 bits.
const DMAR: u32 = 1 << 6;
const DMAT: u32 = 1 << 7;
/// ICR: transmission complete clear.
const TCCF: u32 = 1 << 6;
/// RQR: transmit FIFO flush.
const TXFRQ: u32 = 1 << 4;
/// TX FIFO depth in FIFO mode (RM0432 §50.5.3).
const FIFO_DEPTH: usize = 8;

/// PRESC values 0..=11 (RM0432 §50.8.13).
const PRESC_DIV: [u64; 12] = [1, 2, 4, 6, 8, 10, 12, 16, 32, 64, 128, 256];

/// A USART or LPUART.
pub struct Usart {
    kind: Kind,
    regs: RegisterFile,
    /// L4+: FIFO mode and PRESC exist.
    l4plus: bool,
    presc: u32,
    line: IrqLine,
    /// Data written to TDR (the TX FIFO in FIFO mode) not yet in the shift register.
    tx: VecDeque<u16>,
    /// When the frame in the shift register ends, in ps.
    shifting: Option<u64>,
    tc: bool,
}

impl Usart {
    /// The port described by `desc`; `l4plus` for the STM32L4+ (FIFO, PRESC).
    pub fn new(kind: Kind, desc: &'static PeripheralDesc, l4plus: bool) -> Usart {
        Usart {
            kind,
            regs: RegisterFile::new(desc),
            l4plus,
            presc: 0,
            line: IrqLine::new(desc.irq()),
            tx: VecDeque::new(),
            shifting: None,
            tc: true,
        }
    }

    fn cr1(&self) -> u32 {
        self.regs.get(CR1).unwrap_or(0)
    }

    fn capacity(&self) -> usize {
        if self.l4plus && self.cr1() & FIFOEN != 0 {
            FIFO_DEPTH
        } else {
            1
        }
    }

    /// Data bits per frame (parity included): M1:M0 = 00 → 8, 01 → 9, 10 → 7.
    fn data_bits(&self) -> u32 {
        let cr1 = self.cr1();
        match (cr1 & M1 != 0, cr1 & M0 != 0) {
            (false, false) => 8,
            (false, true) => 9,
            _ => 7,
        }
    }

    /// One frame's duration in picoseconds at the kernel clock `hz`; `None` when the
    /// configuration transmits nothing (no clock, BRR 0).
    fn frame_ps(&self, hz: u64) -> Option<u64> {
        let presc = if self.l4plus {
            PRESC_DIV.get(self.presc as usize).copied().unwrap_or(256)
        } else {
            1
        };
        let f = hz / presc;
        let brr = u64::from(self.regs.get(BRR).unwrap_or(0));
        // Bit time = num / (den * f).
        let (num, den) = match self.kind {
            Kind::Lpuart => (brr & 0xF_FFFF, 256u64),
            Kind::Usart if self.cr1() & OVER8 != 0 => (((brr & 0xFFF0) | ((brr & 7) << 1)), 2),
            Kind::Usart => (brr & 0xFFFF, 1),
        };
        if f == 0 || num == 0 {
            return None;
        }
        // Half-bits: start + data, then 1, 0.5, 2 or 1.5 stop bits (CR2.STOP).
        let stop = [2u64, 1, 4, 3][((self.regs.get(CR2).unwrap_or(0) >> 12) & 3) as usize];
        let half_bits = 2 * (1 + u64::from(self.data_bits())) + stop;
        let ps = u128::from(half_bits) * u128::from(num) * u128::from(PS_PER_S)
            / (2 * u128::from(den) * u128::from(f));
        Some(u64::try_from(ps).unwrap_or(u64::MAX).max(1))
    }

    fn isr(&self) -> u32 {
        let mut v = 0;
        let cr1 = self.cr1();
        if self.tx.len() < self.capacity() {
            v |= TXE;
        }
        if self.tc {
            v |= TC;
        }
        if self.l4plus && self.tx.is_empty() {
            v |= TXFE;
        }
        if cr1 & UE != 0 && cr1 & TE != 0 {
            v |= TEACK;
        }
        if cr1 & UE != 0 && cr1 & RE != 0 {
            v |= REACK;
        }
        v
    }

    /// Finishes frames that ended by `now_ps` and starts the next ones back to back.
    fn advance(&mut self, now_ps: u64, ctx: &mut DeviceCtx) {
        while let Some(end) = self.shifting {
            if end > now_ps {
                return;
            }
            self.shifting = None;
            self.start(end, ctx);
            if self.shifting.is_none() {
                self.tc = true;
            }
        }
        self.start(now_ps, ctx);
    }

    /// Moves the next byte into the idle shift register at `at_ps`: it goes out on the line
    /// (to the console) and ends one frame later.
    fn start(&mut self, at_ps: u64, ctx: &mut DeviceCtx) {
        let cr1 = self.cr1();
        if self.shifting.is_some() || cr1 & UE == 0 || cr1 & TE == 0 || self.tx.is_empty() {
            return;
        }
        let hz = ctx.clock_hz(self.regs.desc.name);
        let Some(frame) = self.frame_ps(hz) else {
            return;
        };
        let d = self.tx.pop_front().unwrap_or(0);
        // With parity on, the frame's top data bit is the parity bit, not data.
        let bits = self.data_bits() - u32::from(cr1 & PCE != 0);
        let byte = (u32::from(d) & ((1 << bits.min(8)) - 1)) as u8;
        ctx.console.write(&[byte]);
        self.tc = false;
        self.shifting = Some(at_ps.saturating_add(frame));
    }

    /// Drives the interrupt line: high while an enabled condition holds.
    fn drive_line(&mut self, ctx: &mut DeviceCtx) {
        let (cr1, isr) = (self.cr1(), self.isr());
        let high = (cr1 & TXEIE != 0 && isr & TXE != 0)
            || (cr1 & TCIE != 0 && isr & TC != 0)
            || (cr1 & RXNEIE != 0 && isr & RXNE != 0);
        self.line.drive(high, ctx.exc);
    }

    fn write_reg(
        &mut self,
        off: u32,
        old: u32,
        new: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        match off {
            CR1 => {
                let v = if self.l4plus {
                    new
                } else {
                    new & self.mask(CR1)
                };
                self.regs.set(CR1, v);
                if v & UE == 0 && old & UE != 0 {
                    // RM0432 §50.8.1: clearing UE stops the port and resets the status flags.
                    self.tx.clear();
                    self.shifting = None;
                    self.tc = true;
                }
            }
            TDR => {
                if self.tx.len() < self.capacity() {
                    self.tx.push_back((new & 0x1FF) as u16);
                    self.tc = false;
                }
            }
            ICR => {
                if new & TCCF != 0 {
                    self.tc = false;
                }
            }
            RQR => {
                if new & TXFRQ != 0 && self.capacity() > 1 {
                    self.tx.clear();
                }
            }
            PRESC if self.l4plus => self.presc = new & 0xF,
            CR3 => {
                if new & (DMAT | DMAR) != 0 {
                    unmodelled(&self.regs, off, true, ctx)?;
                }
                self.regs.write(off, 4, new);
            }
            ISR | RDR => {}
            _ => {
                if self.regs.write(off, 4, new).is_none() {
                    unmodelled(&self.regs, off, true, ctx)?;
                }
            }
        }
        Ok(())
    }

    fn mask(&self, off: u32) -> u32 {
        self.regs.desc.register(off).map_or(0, |r| r.write_mask)
    }

    fn value(&self, off: u32) -> Option<u32> {
        match off {
            ISR => Some(self.isr()),
            RDR | TDR | ICR | RQR => Some(0),
            PRESC if self.l4plus => Some(self.presc),
            _ => self.regs.get(off),
        }
    }
}

impl Device for Usart {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        self.advance(ctx.now_ps(), ctx);
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
        let now = ctx.now_ps();
        self.advance(now, ctx);
        let off = offset & !3;
        let old = self.value(off).unwrap_or(0);
        let new = merge_sub_word(old, offset, width, value);
        self.write_reg(off, old, new, ctx)?;
        self.advance(now, ctx);
        self.drive_line(ctx);
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, _: &Peek) -> Option<u32> {
        self.value(offset & !3).map(|v| sub_word(v, offset, width))
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        self.shifting
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.advance(ctx.now_ps(), ctx);
        self.drive_line(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.line.drive(false, ctx.exc);
        self.presc = 0;
        self.tx.clear();
        self.shifting = None;
        self.tc = true;
    }
}

//! UARTE0/UART0 and UARTE1 of the nRF52840 (PS v1.7, chapters UARTE and UART): one block that
//! is the legacy UART when ENABLE = 4 and the EasyDMA UARTE when ENABLE = 8. Transmitted bytes
//! go to the console as each one finishes on the line, at the configured BAUDRATE.
//!
//! - Line timing: a bit lasts ⌊2³² / BAUDRATE⌋ periods of PCLK16M. That reproduces the
//!   "actual rate" column of the PS's BAUDRATE tables: 0x01D6_0000 (UARTE "115200") →
//!   16 MHz / 139 = 115 108 baud, 0x01D7_E000 (UART "115200") → 16 MHz / 138 = 115 942,
//!   0x0F00_0000 ("921600") → 16 MHz / 17 = 941 176. A frame is a start bit, 8 data bits,
//!   the parity bit when CONFIG.PARITY is on and one or two stop bits (CONFIG.STOP).
//! - UARTE TX: TASKS_STARTTX sets EVENTS_TXSTARTED and reads TXD.MAXCNT bytes at TXD.PTR from
//!   RAM (EasyDMA reads Data RAM only: a pointer elsewhere sends nothing and is named in the
//!   unmodelled log); each byte sets EVENTS_TXDRDY when it has been sent; after the last,
//!   TXD.AMOUNT and EVENTS_ENDTX. TASKS_STOPTX stops after the byte on the line: TXD.AMOUNT,
//!   ENDTX (if not yet) and EVENTS_TXSTOPPED.
//! - UART TX (legacy): after TASKS_STARTTX, a byte written to TXD is sent; EVENTS_TXDRDY when
//!   it has been.
//! - RX: nothing is ever received. TASKS_STARTRX sets EVENTS_RXSTARTED (UARTE);
//!   TASKS_STOPRX ends reception with RXD.AMOUNT 0, EVENTS_ENDRX (UARTE) and EVENTS_RXTO;
//!   TASKS_FLUSHRX sets ENDRX with RXD.AMOUNT 0.
//! - Interrupts: INTEN/INTENSET/INTENCLR over the events, IRQ 2 (UARTE0) or 40 (UARTE1).

use super::events::{Events, Peripheral, Regs};
use sim_core::board::RegionKind;
use sim_core::chip::PeripheralDesc;
use sim_core::clock::{Clock, PS_PER_S};
use sim_core::device::{DeviceCtx, DeviceError, Peek};

const TASKS_STARTRX: u32 = 0x000;
const TASKS_STOPRX: u32 = 0x004;
const TASKS_STARTTX: u32 = 0x008;
const TASKS_STOPTX: u32 = 0x00C;
const TASKS_SUSPEND: u32 = 0x01C;
const TASKS_FLUSHRX: u32 = 0x02C;
const ERRORSRC: u32 = 0x480;
const ENABLE: u32 = 0x500;
const RXD: u32 = 0x518;
const TXD: u32 = 0x51C;
const BAUDRATE: u32 = 0x524;
const RXD_AMOUNT: u32 = 0x53C;
const TXD_PTR: u32 = 0x544;
const TXD_MAXCNT: u32 = 0x548;
const TXD_AMOUNT: u32 = 0x54C;
const CONFIG: u32 = 0x56C;

// Event indices (0x100 + 4·n).
const EV_ENDRX: u32 = 4;
const EV_TXDRDY: u32 = 7;
const EV_ENDTX: u32 = 8;
const EV_RXTO: u32 = 17;
const EV_RXSTARTED: u32 = 19;
const EV_TXSTARTED: u32 = 20;
const EV_TXSTOPPED: u32 = 22;

const ENABLE_UART: u32 = 4;
const ENABLE_UARTE: u32 = 8;

/// A transmission on the line: `bytes` from `start` (picoseconds), one every `byte_ps`.
#[derive(Debug, Clone)]
struct Tx {
    start: u64,
    byte_ps: u64,
    bytes: Vec<u8>,
    sent: usize,
    /// EasyDMA (UARTE) or one TXD byte (UART).
    dma: bool,
}

impl Tx {
    fn next_done(&self) -> Option<u64> {
        (self.sent < self.bytes.len()).then(|| self.start + self.byte_ps * (self.sent as u64 + 1))
    }
}

/// One UART(E) instance.
#[derive(Debug, Clone)]
pub struct Uarte {
    name: String,
    regs: Regs,
    events: Events,
    tx: Option<Tx>,
    /// Legacy UART: TASKS_STARTTX triggered (TXD sends).
    tx_started: bool,
    /// UARTE: TASKS_STOPTX during a transmission (TXSTOPPED follows its end).
    stopping: bool,
}

impl Uarte {
    /// The instance described by `descs` (UART0 and UARTE0 share a block; UARTE1 alone).
    pub fn new(descs: &[&'static PeripheralDesc]) -> Uarte {
        let irq = descs.iter().find_map(|d| d.irq());
        Uarte {
            name: descs.iter().map(|d| d.name).collect::<Vec<_>>().join("/"),
            regs: Regs::new(descs),
            events: Events::new(irq),
            tx: None,
            tx_started: false,
            stopping: false,
        }
    }

    /// Picoseconds one frame takes on the line at the current BAUDRATE and CONFIG, at the
    /// published PCLK16M; `None` when the baud generator does not run (BAUDRATE 0).
    fn byte_ps(&self, ctx: &DeviceCtx) -> Option<u64> {
        let baud_reg = u64::from(self.regs.get(BAUDRATE));
        let f16 = u128::from(ctx.clock_hz("PCLK16M"));
        if baud_reg == 0 || f16 == 0 {
            return None;
        }
        let divider = u128::from((1u64 << 32) / baud_reg);
        let config = self.regs.get(CONFIG);
        let parity = u128::from((config >> 1) & 7 != 0);
        let stop = if config & (1 << 4) != 0 { 2 } else { 1 };
        let bits = 1 + 8 + parity + stop;
        let ps = (bits * divider * u128::from(PS_PER_S)).div_ceil(f16);
        u64::try_from(ps).ok()
    }

    fn mode(&self) -> u32 {
        self.regs.get(ENABLE) & 0xF
    }

    fn word_at(&self, off: u32) -> Option<u32> {
        if let Some(v) = self.events.peek(off) {
            return Some(v);
        }
        match off {
            RXD => Some(0),
            _ => self.regs.read(off, 4),
        }
    }

    fn start_tx_dma(&mut self, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        if self.tx.as_ref().is_some_and(|t| t.dma) {
            // A second STARTTX while sending: the buffer pointers are double-buffered on
            // silicon; thimble does not queue the next transfer.
            return self.regs.unmodelled_as(
                TASKS_STARTTX,
                "while transmitting: ignored",
                true,
                ctx,
            );
        }
        let ptr = self.regs.get(TXD_PTR);
        let n = self.regs.get(TXD_MAXCNT) & 0xFFFF;
        self.events.fire(EV_TXSTARTED, ctx);
        let in_ram = ctx
            .map
            .find(ptr, n.max(1))
            .is_some_and(|(i, _)| ctx.map.regions[i].kind == RegionKind::Sram);
        let bytes = if n == 0 {
            Vec::new()
        } else if in_ram {
            let (i, off) = ctx.map.find(ptr, n).expect("checked");
            ctx.map.regions[i].data[off..off + n as usize].to_vec()
        } else {
            self.regs.unmodelled_as(
                TXD_PTR,
                "not in Data RAM: EasyDMA sends nothing",
                false,
                ctx,
            )?;
            Vec::new()
        };
        let Some(byte_ps) = self.byte_ps(ctx) else {
            return self
                .regs
                .unmodelled_as(BAUDRATE, "0: nothing is sent", false, ctx);
        };
        self.tx = Some(Tx {
            start: ctx.now_ps(),
            byte_ps,
            bytes,
            sent: 0,
            dma: true,
        });
        if n == 0 || !in_ram {
            self.finish_tx(ctx);
        }
        Ok(())
    }

    fn finish_tx(&mut self, ctx: &mut DeviceCtx) {
        if let Some(t) = self.tx.take() {
            if t.dma {
                self.regs.set(TXD_AMOUNT, t.sent as u32);
                self.events.fire(EV_ENDTX, ctx);
            }
        }
    }

    fn write_reg(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        if self.events.access(off, Some(v), ctx).is_some() {
            return Ok(());
        }
        let task = v & 1 != 0;
        let mode = self.mode();
        match off {
            TASKS_STARTTX if task && mode == ENABLE_UARTE => self.start_tx_dma(ctx)?,
            TASKS_STARTTX if task && mode == ENABLE_UART => self.tx_started = true,
            TASKS_STOPTX if task => {
                self.tx_started = false;
                match &mut self.tx {
                    Some(t) if t.dma => {
                        // The byte on the line finishes, the rest is not sent; ENDTX and
                        // TXSTOPPED follow it (on_event).
                        let on_line = (ctx.now_ps().saturating_sub(t.start) / t.byte_ps) as usize;
                        t.bytes.truncate((on_line + 1).min(t.bytes.len()));
                        self.stopping = true;
                    }
                    _ if mode == ENABLE_UARTE => self.events.fire(EV_TXSTOPPED, ctx),
                    _ => {}
                }
            }
            TASKS_STARTRX if task && mode == ENABLE_UARTE => {
                self.events.fire(EV_RXSTARTED, ctx);
            }
            TASKS_STOPRX if task => {
                if mode == ENABLE_UARTE {
                    self.regs.set(RXD_AMOUNT, 0);
                    self.events.fire(EV_ENDRX, ctx);
                }
                self.events.fire(EV_RXTO, ctx);
            }
            TASKS_FLUSHRX if task && mode == ENABLE_UARTE => {
                self.regs.set(RXD_AMOUNT, 0);
                self.events.fire(EV_ENDRX, ctx);
            }
            TASKS_STARTRX | TASKS_STOPRX | TASKS_STARTTX | TASKS_STOPTX | TASKS_FLUSHRX
            | TASKS_SUSPEND => {}
            TXD => {
                if mode == ENABLE_UART && self.tx_started {
                    if self.tx.is_some() {
                        // A byte written while the previous one is on the line is lost on
                        // silicon too (the firmware must wait for TXDRDY).
                        return self.regs.unmodelled_as(
                            TXD,
                            "written before TXDRDY: byte lost",
                            true,
                            ctx,
                        );
                    }
                    let Some(byte_ps) = self.byte_ps(ctx) else {
                        return self
                            .regs
                            .unmodelled_as(BAUDRATE, "0: nothing is sent", true, ctx);
                    };
                    self.tx = Some(Tx {
                        start: ctx.now_ps(),
                        byte_ps,
                        bytes: vec![v as u8],
                        sent: 0,
                        dma: false,
                    });
                }
            }
            ENABLE => {
                self.regs.write(off, 4, v);
                if v & 0xF == 0 {
                    self.tx = None;
                    self.tx_started = false;
                }
            }
            ERRORSRC => {
                let cur = self.regs.get(ERRORSRC);
                self.regs.set(ERRORSRC, cur & !v);
            }
            _ if self.regs.describes(off) => {
                // Pins, baud rate, buffers, CONFIG, SHORTS: their storage is the model.
                self.regs.write(off, 4, v);
            }
            _ => self.regs.unmodelled(off, true, ctx)?,
        }
        Ok(())
    }
}

impl Peripheral for Uarte {
    fn name(&self) -> &str {
        &self.name
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, _: &Peek) -> Option<u32> {
        self.word_at(off)
    }

    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        self.write_reg(off, v, ctx)
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        self.tx.as_ref().and_then(Tx::next_done)
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        let now = ctx.now_ps();
        while let Some(t) = &mut self.tx {
            match t.next_done() {
                Some(done) if done <= now => {
                    let b = t.bytes[t.sent];
                    t.sent += 1;
                    ctx.console.write(&[b]);
                    self.events.fire(EV_TXDRDY, ctx);
                }
                Some(_) => break,
                None => {
                    self.finish_tx(ctx);
                    if std::mem::take(&mut self.stopping) {
                        self.events.fire(EV_TXSTOPPED, ctx);
                    }
                }
            }
        }
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.events.reset(ctx);
        self.tx = None;
        self.tx_started = false;
        self.stopping = false;
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::{advance_us, nrf};

    const UARTE0: u32 = 0x4000_2000;
    const UARTE1: u32 = 0x4002_8000;
    /// One frame at BAUDRATE 0x01D6_0000: 10 bits of 139/16 us.
    const BYTE_NS: u64 = 86_875;

    #[test]
    fn easydma_tx_sends_bytes_at_the_baud_rate_then_endtx() {
        let mut m = nrf();
        let b = &mut m.bus;
        for (i, c) in b"hi\n".iter().enumerate() {
            b.write8(0x2000_0100 + i as u32, u32::from(*c)).unwrap();
        }
        b.write32(UARTE0 + 0x500, 8).unwrap(); // ENABLE: UARTE
        b.write32(UARTE0 + 0x524, 0x01D6_0000).unwrap(); // 115200
        b.write32(UARTE0 + 0x544, 0x2000_0100).unwrap();
        b.write32(UARTE0 + 0x548, 3).unwrap();
        b.write32(UARTE0 + 0x304, 1 << 8).unwrap(); // INTENSET.ENDTX
        b.write32(UARTE0 + 0x008, 1).unwrap();
        assert_eq!(b.read32(UARTE0 + 0x150).unwrap(), 1, "TXSTARTED");
        assert!(b.console.captured.is_empty());
        advance_us(b, BYTE_NS / 1000 + 1); // 87 us
        assert_eq!(b.console.text(), "h");
        assert_eq!(b.read32(UARTE0 + 0x11C).unwrap(), 1, "TXDRDY");
        advance_us(b, 2 * BYTE_NS / 1000); // 173 us
        assert_eq!(b.console.text(), "hi");
        assert_eq!(b.read32(UARTE0 + 0x120).unwrap(), 0);
        advance_us(b, 1);
        assert_eq!(b.console.text(), "hi\n");
        assert_eq!(b.read32(UARTE0 + 0x120).unwrap(), 1, "ENDTX");
        assert_eq!(b.read32(UARTE0 + 0x54C).unwrap(), 3, "TXD.AMOUNT");
        assert!(b.exc.is_pending(16 + 2), "UARTE0 is IRQ 2");
        assert!(b.mmio.entries.is_empty(), "{:?}", b.mmio.entries);
    }

    #[test]
    fn stoptx_and_a_buffer_outside_ram() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(UARTE1 + 0x500, 8).unwrap();
        b.write32(UARTE1 + 0x524, 0x1000_0000).unwrap(); // 1 Mbaud: 10 us a byte
        b.write32(UARTE1 + 0x544, 0x2000_0000).unwrap();
        b.write32(UARTE1 + 0x548, 100).unwrap();
        b.write32(UARTE1 + 0x008, 1).unwrap();
        advance_us(b, 25);
        b.write32(UARTE1 + 0x00C, 1).unwrap(); // STOPTX during the third byte
        advance_us(b, 100);
        assert_eq!(b.read32(UARTE1 + 0x54C).unwrap(), 3);
        assert_eq!(b.read32(UARTE1 + 0x120).unwrap(), 1, "ENDTX");
        assert_eq!(b.read32(UARTE1 + 0x158).unwrap(), 1, "TXSTOPPED");
        // EasyDMA reads RAM only.
        b.write32(UARTE1 + 0x544, 0x0000_1000).unwrap();
        b.write32(UARTE1 + 0x008, 1).unwrap();
        assert_eq!(b.read32(UARTE1 + 0x54C).unwrap(), 0);
        assert_eq!(b.mmio.entries.len(), 1);
    }

    #[test]
    fn legacy_uart_txd_and_txdrdy() {
        let mut m = nrf();
        let b = &mut m.bus;
        b.write32(UARTE0 + 0x500, 4).unwrap(); // ENABLE: UART
        b.write32(UARTE0 + 0x524, 0x01D7_E000).unwrap(); // 115942 baud
        b.write32(UARTE0 + 0x008, 1).unwrap();
        b.write32(UARTE0 + 0x51C, u32::from(b'A')).unwrap();
        advance_us(b, 86); // 10 bits of 138/16 us = 86.25 us
        assert_eq!(b.read32(UARTE0 + 0x11C).unwrap(), 0);
        advance_us(b, 1);
        assert_eq!(b.read32(UARTE0 + 0x11C).unwrap(), 1);
        assert_eq!(b.console.text(), "A");
        assert!(b.mmio.entries.is_empty(), "{:?}", b.mmio.entries);
    }
}

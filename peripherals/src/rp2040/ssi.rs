//! XIP_SSI (0x1800_0000): the Synopsys DW_apb_ssi that talks to the QSPI flash (RP2040
//! datasheet §2.6.1.2 and §4.10 for its registers), as far as boot2 and pico-sdk's flash code
//! use it:
//!
//! - commands in standard SPI mode (CTRLR0.SPI_FRF = 0, TMOD = TX and RX): every frame written
//!   to DR0 shifts one frame back into the RX FIFO, answered by a model of the Pico's W25Q16JV
//!   flash (read status registers 1/2 — not busy, QE set, as boot2_w25q080 expects — JEDEC ID,
//!   unique ID, 03h/0Bh reads of the flash contents; write, erase and configuration commands
//!   are accepted and do nothing);
//! - transfers complete at once: SR reads transmit FIFO empty and not busy;
//! - when the SSI is enabled in XIP mode (TMOD = EEPROM read), the frame format, instruction,
//!   address, mode and wait-cycle lengths and BAUDR set the cost of one 8-byte XIP cache miss:
//!   the flash region's wait states become SCK cycles × BAUDR (clk_sys cycles per SCK), so
//!   boot2's configuration, not a board constant, drives the flash timing. Quad I/O continuous
//!   read (boot2_w25q080: 8 address+mode clocks, 4 wait, 16 data) at BAUDR 2 is 56 cycles;
//!   serial 03h reads (boot2_generic_03h) at BAUDR 4 are 384.
//!
//! A new flash command begins with a DR0 write while the RX FIFO holds no unread reply of the
//! previous one (boot2 reads every reply before its next command); commands framed with a
//! manual chip select (IO_QSPI SS override) that interleave writes and reads are not followed.

use super::fabric::{unmodelled, Block};
use sim_core::chip::{PeripheralDesc, RegisterFile};
use sim_core::device::{DeviceCtx, DeviceError, Peek};
use std::collections::VecDeque;

/// Register offsets (datasheet §4.10.13).
pub mod reg {
    /// Control register 0.
    pub const CTRLR0: u32 = 0x00;
    /// Control register 1 (NDF).
    pub const CTRLR1: u32 = 0x04;
    /// SSI enable.
    pub const SSIENR: u32 = 0x08;
    /// Baud rate: clk_sys cycles per SCK (even).
    pub const BAUDR: u32 = 0x14;
    /// TX FIFO level.
    pub const TXFLR: u32 = 0x20;
    /// RX FIFO level.
    pub const RXFLR: u32 = 0x24;
    /// Status.
    pub const SR: u32 = 0x28;
    /// Raw interrupt status.
    pub const RISR: u32 = 0x34;
    /// Data register 0.
    pub const DR0: u32 = 0x60;
    /// SPI control (XIP framing).
    pub const SPI_CTRLR0: u32 = 0xF4;
}

/// SR bits.
mod sr {
    pub const TFNF: u32 = 1 << 1;
    pub const TFE: u32 = 1 << 2;
    pub const RFNE: u32 = 1 << 3;
    pub const RFF: u32 = 1 << 4;
}

/// RX FIFO depth (datasheet §4.10.3: 16 entries).
const FIFO_DEPTH: usize = 16;
/// The XIP window the flash appears in.
const XIP_BASE: u32 = 0x1000_0000;
/// The W25Q16JV's JEDEC ID (Winbond W25Q16JV datasheet §8.2.29: manufacturer 0xEF, memory
/// type 0x40, capacity 0x15).
const JEDEC_ID: [u8; 3] = [0xEF, 0x40, 0x15];
/// The unique ID thimble's flash answers 4Bh with (a real part has a factory-set one).
const UNIQUE_ID: [u8; 8] = *b"thimble1";

/// The SSI and the flash behind it.
pub struct Ssi {
    regs: RegisterFile,
    rx: VecDeque<u32>,
    /// The command being answered and the frames sent since it (None: idle).
    cmd: Option<(u8, u32)>,
    /// Address bytes of a read command.
    addr: u32,
}

impl Ssi {
    /// The SSI described by `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Ssi {
        Ssi {
            regs: RegisterFile::new(desc),
            rx: VecDeque::new(),
            cmd: None,
            addr: 0,
        }
    }

    fn get(&self, off: u32) -> u32 {
        self.regs.get(off).unwrap_or(0)
    }

    /// The flash's reply to frame `v` of the current command.
    fn reply(&mut self, v: u32, ctx: &DeviceCtx) -> u32 {
        let (cmd, i) = match self.cmd {
            Some((c, i)) => (c, i + 1),
            None => ((v & 0xFF) as u8, 0),
        };
        self.cmd = Some((cmd, i));
        if i == 0 {
            if matches!(cmd, 0x03 | 0x0B) {
                self.addr = 0;
            }
            return 0;
        }
        let flash_byte = |a: u32| -> u32 {
            ctx.map
                .find(XIP_BASE + (a & 0x00FF_FFFF), 1)
                .map_or(0xFF, |(r, off)| u32::from(ctx.map.regions[r].data[off]))
        };
        match cmd {
            // Status register 1: BUSY (bit 0) clear, write enable latch clear.
            0x05 => 0x00,
            // Status register 2: QE (bit 1) set, as the Pico's flash ships.
            0x35 => 0x02,
            0x15 => 0x00,
            0x9F => JEDEC_ID.get(i as usize - 1).map_or(0, |&b| u32::from(b)),
            // 4Bh: four dummy bytes, then the 64-bit unique ID.
            0x4B => (i as usize)
                .checked_sub(5)
                .and_then(|k| UNIQUE_ID.get(k))
                .map_or(0, |&b| u32::from(b)),
            // 03h read / 0Bh fast read: three address bytes (0Bh: one dummy), then data.
            0x03 | 0x0B => {
                if i <= 3 {
                    self.addr = (self.addr << 8) | (v & 0xFF);
                    0
                } else {
                    let first = if cmd == 0x0B { 5 } else { 4 };
                    if i < first {
                        0
                    } else {
                        flash_byte(self.addr + (i - first))
                    }
                }
            }
            _ => 0,
        }
    }

    /// The clk_sys cycles of one 8-byte XIP read in the current configuration.
    pub fn xip_miss_cycles(&self) -> u32 {
        let ctrlr0 = self.get(reg::CTRLR0);
        let spi = self.get(reg::SPI_CTRLR0);
        let width = match (ctrlr0 >> 21) & 3 {
            1 => 2,
            2 => 4,
            _ => 1,
        };
        let trans = spi & 3;
        let (inst_w, addr_w) = match trans {
            0 => (1, 1),
            1 => (1, width),
            _ => (width, width),
        };
        let inst_bits = match (spi >> 8) & 3 {
            0 => 0,
            1 => 4,
            2 => 8,
            _ => 16,
        };
        let addr_bits = ((spi >> 2) & 0xF) * 4;
        let wait = (spi >> 11) & 0x1F;
        let sck = inst_bits / inst_w + addr_bits / addr_w + wait + 64 / width;
        let baud = self.get(reg::BAUDR) & 0xFFFF;
        sck * baud.max(2)
    }

    fn enabled(&self) -> bool {
        self.get(reg::SSIENR) & 1 != 0
    }

    fn xip_mode(&self) -> bool {
        (self.get(reg::CTRLR0) >> 8) & 3 == 3
    }
}

impl Block for Ssi {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        Ok(match off {
            reg::DR0 => {
                let v = self.rx.pop_front().unwrap_or(0);
                if self.rx.is_empty() {
                    // The reply was read: the next frame starts a new command.
                    self.cmd = None;
                }
                v
            }
            _ => match self.peek_reg(off) {
                Some(v) => v,
                None => {
                    unmodelled(self.regs.desc, off, false, ctx)?;
                    0
                }
            },
        })
    }

    fn write(&mut self, off: u32, value: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        match off {
            reg::DR0 => {
                if self.enabled() {
                    if self.rx.is_empty() {
                        self.cmd = None;
                    }
                    let tmod = (self.get(reg::CTRLR0) >> 8) & 3;
                    let std = (self.get(reg::CTRLR0) >> 21) & 3 == 0;
                    let r = if std { self.reply(value, ctx) } else { 0 };
                    if tmod == 0 && self.rx.len() < FIFO_DEPTH {
                        self.rx.push_back(r);
                    }
                }
            }
            reg::SSIENR => {
                self.regs.write(off, 4, value);
                if value & 1 == 0 {
                    // Disabling the SSI clears its FIFOs.
                    self.rx.clear();
                    self.cmd = None;
                } else if self.xip_mode() {
                    ctx.map.set_flash_wait_states(self.xip_miss_cycles());
                    *ctx.code_epoch += 1;
                }
            }
            reg::CTRLR0
            | reg::CTRLR1
            | reg::BAUDR
            | reg::SPI_CTRLR0
            | 0x10  // SER
            | 0x18  // TXFTLR
            | 0x1C  // RXFTLR
            | 0x2C  // IMR
            | 0x4C  // DMACR
            | 0xF0  // RX_SAMPLE_DLY
            | 0xF8 => {
                self.regs.write(off, 4, value);
            }
            _ => {
                unmodelled(self.regs.desc, off, true, ctx)?;
                self.regs.write(off, 4, value);
            }
        }
        Ok(())
    }

    fn peek(&self, off: u32, _: &Peek) -> Option<u32> {
        match off {
            reg::DR0 => self.rx.front().copied().or(Some(0)),
            _ => self.peek_reg(off),
        }
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.regs.reset();
        self.rx.clear();
        self.cmd = None;
    }
}

impl Ssi {
    /// Registers readable without side effects; `None` for those not modelled.
    fn peek_reg(&self, off: u32) -> Option<u32> {
        Some(match off {
            reg::SR => {
                let mut v = sr::TFE | sr::TFNF;
                if !self.rx.is_empty() {
                    v |= sr::RFNE;
                }
                if self.rx.len() >= FIFO_DEPTH {
                    v |= sr::RFF;
                }
                v
            }
            reg::TXFLR => 0,
            reg::RXFLR => self.rx.len() as u32,
            // TXE (transmit FIFO empty) raw interrupt, nothing else pending.
            reg::RISR => 1,
            reg::CTRLR0
            | reg::CTRLR1
            | reg::SSIENR
            | reg::BAUDR
            | reg::SPI_CTRLR0
            | 0x10
            | 0x18
            | 0x1C
            | 0x2C
            | 0x4C
            | 0x58  // IDR
            | 0x5C  // SSI_VERSION_ID
            | 0xF0
            | 0xF8 => self.regs.read(off, 4)?,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rp2040::rp2040_map::CHIP;

    #[test]
    fn boot2_w25q080_framing_costs_28_sck_per_line() {
        let mut s = Ssi::new(CHIP.peripheral("SSI").unwrap());
        s.regs.set(reg::BAUDR, 2);
        // Quad (SPI_FRF 2), EEPROM read, 32-bit frames; 2C2A, ADDR_L 8, WAIT 4, no instruction.
        s.regs.set(reg::CTRLR0, (2 << 21) | (31 << 16) | (3 << 8));
        s.regs
            .set(reg::SPI_CTRLR0, (0xA0 << 24) | (4 << 11) | (8 << 2) | 2);
        assert_eq!(s.xip_miss_cycles(), 56);
        // boot2_generic_03h: serial, 1C1A, 8-bit instruction, 24 address bits, BAUDR 4.
        s.regs.set(reg::BAUDR, 4);
        s.regs.set(reg::CTRLR0, (31 << 16) | (3 << 8));
        s.regs
            .set(reg::SPI_CTRLR0, (0x03 << 24) | (2 << 8) | (6 << 2));
        assert_eq!(s.xip_miss_cycles(), 384);
    }
}

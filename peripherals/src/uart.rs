//! The CMSDK APB UART of the MPS2 boards (Arm DDI 0479C §4.3), as QEMU models it
//! (hw/char/cmsdk-apb-uart.c): a byte written to DATA while TX is enabled goes to the console at
//! once, so the TX buffer is never full; nothing is ever received.
//!
//! Interrupts: with CTRL.TXINTEN, each transmitted byte sets INTSTATUS.TX, the level of the TX
//! interrupt line (level-sensitive, as QEMU drives it), which on QEMU's MPS2 boards is the
//! board's UART IRQ + 1 (the RX IRQ is the board's number). INTSTATUS bits clear by writing
//! one.

use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};
use sim_core::exception::IrqLine;

use crate::dwt::sub_word;

/// Size of the register window.
pub const UART_SIZE: u32 = 0x1000;

const DATA: u32 = 0x000;
const STATE: u32 = 0x004;
const CTRL: u32 = 0x008;
const INTSTATUS: u32 = 0x00C;
const BAUDDIV: u32 = 0x010;

const CTRL_TX_EN: u32 = 1 << 0;
const CTRL_TX_INTEN: u32 = 1 << 2;
const INT_TX: u32 = 1 << 0;

/// Peripheral/component IDs at 0xFD0..0xFFC (PID4..7, PID0..3, CID0..3), as QEMU returns them.
const IDS: [u32; 12] = [
    0x04, 0x00, 0x00, 0x00, 0x21, 0xB8, 0x1B, 0x00, 0x0D, 0xF0, 0x05, 0xB1,
];

/// One CMSDK APB UART.
#[derive(Debug, Clone)]
pub struct CmsdkUart {
    name: String,
    /// The TX interrupt: high while INTSTATUS.TX is set.
    tx_line: IrqLine,
    ctrl: u32,
    intstatus: u32,
    bauddiv: u32,
}

impl CmsdkUart {
    /// A UART named `name` whose RX interrupt is IRQ `irq` (TX is `irq + 1`).
    pub fn new(name: &str, irq: Option<u32>) -> CmsdkUart {
        CmsdkUart {
            name: name.to_string(),
            tx_line: IrqLine::new(irq.and_then(|n| u16::try_from(n + 1).ok())),
            ctrl: 0,
            intstatus: 0,
            bauddiv: 0,
        }
    }

    fn read_word(&self, offset: u32) -> u32 {
        match offset {
            DATA | STATE => 0, // nothing received; TX never full
            CTRL => self.ctrl,
            INTSTATUS => self.intstatus,
            BAUDDIV => self.bauddiv,
            0xFD0..=0xFFC => IDS[((offset - 0xFD0) / 4) as usize],
            _ => 0,
        }
    }
}

impl Device for CmsdkUart {
    fn name(&self) -> &str {
        &self.name
    }

    fn read(&mut self, offset: u32, width: Width, _: &mut DeviceCtx) -> Result<u32, DeviceError> {
        Ok(sub_word(self.read_word(offset & !3), offset, width))
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let value = value << (8 * (offset & 3));
        let _ = width;
        match offset & !3 {
            DATA if self.ctrl & CTRL_TX_EN != 0 => {
                ctx.console.write(&[value as u8]);
                if self.ctrl & CTRL_TX_INTEN != 0 {
                    self.intstatus |= INT_TX;
                }
            }
            CTRL => self.ctrl = value & 0x7F,
            INTSTATUS => self.intstatus &= !value,
            BAUDDIV => self.bauddiv = value & 0x000F_FFFF,
            _ => {}
        }
        self.tx_line.drive(self.intstatus & INT_TX != 0, ctx.exc);
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, _: &Peek) -> Option<u32> {
        Some(sub_word(self.read_word(offset & !3), offset, width))
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.ctrl = 0;
        self.intstatus = 0;
        self.bauddiv = 0;
        self.tx_line.drive(false, ctx.exc);
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::bus;

    const UART0: u32 = 0x4000_4000;

    #[test]
    fn tx_goes_to_the_console_only_when_enabled() {
        let mut b = bus("mps2-an386");
        b.write32(UART0, u32::from(b'x')).unwrap();
        assert!(b.console.captured.is_empty(), "TX disabled");
        b.write32(UART0 + 0x10, 16).unwrap();
        b.write32(UART0 + 0x8, 1).unwrap();
        for c in b"hi\n" {
            assert_eq!(b.read32(UART0 + 4).unwrap() & 1, 0, "never TX full");
            b.write32(UART0, u32::from(*c)).unwrap();
        }
        assert_eq!(b.console.text(), "hi\n");
        assert_eq!(b.read32(UART0 + 0x10).unwrap(), 16);
        assert_eq!(b.read32(UART0).unwrap(), 0, "nothing received");
    }

    #[test]
    fn tx_interrupt_sets_intstatus_and_pends_irq_plus_one() {
        let mut b = bus("mps2-an386");
        b.write32(UART0 + 0x8, 0x5).unwrap(); // TX enable + TX interrupt enable
        b.write32(UART0, u32::from(b'a')).unwrap();
        assert_eq!(b.read32(UART0 + 0xC).unwrap(), 1);
        assert!(b.exc.is_pending(16 + 1));
        b.write32(UART0 + 0xC, 1).unwrap();
        assert_eq!(b.read32(UART0 + 0xC).unwrap(), 0);
    }
}

//! FICR, the factory information of the nRF52840 (PS v1.7, chapter FICR): read-only words programmed
//! by Nordic. thimble's chip is one deterministic part: every run reads the same device ID
//! and address, so that firmware deriving names or keys from them behaves the same each time.
//!
//! Beside the documented registers, Nordic's MDK (nrf52_erratas.h, used by SystemInit) reads
//! two undocumented words to select errata workarounds: 0x130 (part family, 0x08 for the
//! nRF52840) and 0x134 (revision). thimble answers 0x03, which selects the same workarounds
//! as every production nRF52840 before Rev 3 (errata 36, 66, 136; not configuration 249, the
//! Rev 3 APPROTECT scheme): the Nano 33 BLE Sense's part, build code AAD0 (INFO.VARIANT).
//! Other words the description does not name read 0xFFFF_FFFF (unprogrammed) and are named
//! in the unmodelled log.

use super::events::{Peripheral, Regs};
use sim_core::chip::PeripheralDesc;
use sim_core::device::{DeviceCtx, DeviceError, Peek};

/// Undocumented: part family read by the MDK's errata checks (0x08: nRF52840).
const PART_FAMILY: u32 = 0x130;
/// Undocumented: part revision read by the MDK's errata checks.
const PART_REVISION: u32 = 0x134;

/// thimble's device ID ("thimble" in ASCII, little-endian).
pub const DEVICEID: [u32; 2] = [0x6D69_6874, 0x0065_6C62];
/// thimble's device address: a random static address (DEVICEADDRTYPE 1); the two top bits
/// of the 48-bit address are set by the Bluetooth stack, not stored (PS, FICR: DEVICEADDR).
pub const DEVICEADDR: [u32; 2] = [0x7468_696D, 0x0000_626C];

/// The FICR words thimble's part holds (offset, value); every other described register
/// keeps the SVD's reset value.
const VALUES: &[(u32, u32)] = &[
    (0x010, 4096), // CODEPAGESIZE: 4 KiB pages
    (0x014, 256),  // CODESIZE: 256 pages = 1 MiB
    (0x060, DEVICEID[0]),
    (0x064, DEVICEID[1]),
    // ER/IR: encryption and identity roots, fixed patterns.
    (0x080, 0x4552_3030),
    (0x084, 0x4552_3131),
    (0x088, 0x4552_3232),
    (0x08C, 0x4552_3333),
    (0x090, 0x4952_3030),
    (0x094, 0x4952_3131),
    (0x098, 0x4952_3232),
    (0x09C, 0x4952_3333),
    (0x0A0, 0xFFFF_FFFF), // DEVICEADDRTYPE: random (bit 0 set)
    (0x0A4, DEVICEADDR[0]),
    (0x0A8, 0xFFFF_0000 | DEVICEADDR[1]),
    (0x100, 0x0005_2840), // INFO.PART
    (0x104, 0x4141_4430), // INFO.VARIANT "AAD0"
    (0x108, 0x0000_2004), // INFO.PACKAGE: QI (aQFN73)
    (0x10C, 0x0000_0100), // INFO.RAM: 256 KiB
    (0x110, 0x0000_0400), // INFO.FLASH: 1024 KiB
    (0x350, 0xBB42_319F), // PRODTEST[0..2]: Done
    (0x354, 0xBB42_319F),
    (0x358, 0xBB42_319F),
    // TEMP.A0..T4: the TEMP peripheral's own reset values (its calibration at reset).
    (0x404, 0x326),
    (0x408, 0x348),
    (0x40C, 0x3AA),
    (0x410, 0x40E),
    (0x414, 0x4BD),
    (0x418, 0x5A3),
    (0x41C, 0x3FEF),
    (0x420, 0x3FBE),
    (0x424, 0x3FBE),
    (0x428, 0x012),
    (0x42C, 0x124),
    (0x430, 0x27C),
    (0x434, 0xE2),
    (0x438, 0x00),
    (0x43C, 0x19),
    (0x440, 0x3C),
    (0x444, 0x50),
    // NFC tag header 0: Nordic's manufacturer ID 0x5F, then the device ID's bytes.
    (0x450, 0x6874_6D5F),
];

/// The FICR.
#[derive(Debug, Clone)]
pub struct Ficr {
    regs: Regs,
}

impl Ficr {
    /// thimble's part, over the FICR description `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Ficr {
        let mut regs = Regs::new(&[desc]);
        for &(off, v) in VALUES {
            regs.set(off, v);
        }
        Ficr { regs }
    }
}

impl Peripheral for Ficr {
    fn name(&self) -> &str {
        "FICR"
    }

    fn regs(&self) -> &Regs {
        &self.regs
    }

    fn word(&self, off: u32, _: &Peek) -> Option<u32> {
        match off {
            PART_FAMILY => Some(0x08),
            PART_REVISION => Some(0x03),
            _ => self.regs.read(off, 4),
        }
    }

    fn absent(&self) -> u32 {
        0xFFFF_FFFF
    }

    fn write_word(&mut self, off: u32, _: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        // Factory-programmed: software cannot change it.
        self.regs
            .unmodelled_as(off, "read-only, write ignored", true, ctx)
    }
}

#[cfg(test)]
mod tests {
    use crate::nrf52::testutil::nrf;

    #[test]
    fn part_variant_and_the_errata_words_read_as_a_nrf52840() {
        let mut m = nrf();
        let b = &mut m.bus;
        assert_eq!(b.read32(0x1000_0100).unwrap(), 0x52840);
        assert_eq!(b.read32(0x1000_0104).unwrap(), 0x4141_4430);
        assert_eq!(b.read32(0x1000_0130).unwrap(), 0x08);
        assert_eq!(b.read32(0x1000_0134).unwrap(), 0x03);
        assert_eq!(
            b.read32(0x1000_0010).unwrap() * b.read32(0x1000_0014).unwrap(),
            1 << 20
        );
        assert_eq!(b.read32(0x1000_0060).unwrap(), 0x6D69_6874);
        assert_eq!(b.read8(0x1000_0060).unwrap(), u32::from(b't'));
        assert!(b.mmio.entries.is_empty());
        // An undocumented word reads as unprogrammed and is named.
        assert_eq!(b.read32(0x1000_0324).unwrap(), 0xFFFF_FFFF);
        assert_eq!(b.mmio.entries.len(), 1);
        b.write32(0x1000_0100, 0).unwrap();
        assert_eq!(b.read32(0x1000_0100).unwrap(), 0x52840, "read-only");
    }
}

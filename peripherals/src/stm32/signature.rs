//! The device electronic signature in system memory, which no SVD describes: the 96-bit
//! unique ID and the flash size (RM0432 §58: 0x1FFF_7590 and 0x1FFF_75E0; RM0385 §45:
//! 0x1FF0_F420 and 0x1FF0_F442).

use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};

/// The device electronic signature: read-only bytes at fixed offsets of a window of system
/// memory; a read elsewhere in the window is logged as unmodelled and reads 0, a write is a
/// bus fault (flash).
pub struct Signature {
    name: &'static str,
    base: u32,
    /// (offset, bytes).
    fields: Vec<(u32, Vec<u8>)>,
}

/// The unique ID thimble gives every chip: wafer X = 0x20, Y = 0x41, wafer 7, lot
/// "THIMBLE" (RM0432 §58.1 layout: X/Y in bytes 0-3, wafer in byte 4, lot in bytes 5-11).
pub const UID: [u8; 12] = [
    0x20, 0x00, 0x41, 0x00, 0x07, b'T', b'H', b'I', b'M', b'B', b'L', b'E',
];

impl Signature {
    /// The signature window at `base` with `uid_at` and `flash_size_at` (offsets) for a
    /// flash of `flash_bytes`.
    pub fn new(
        name: &'static str,
        base: u32,
        uid_at: u32,
        flash_size_at: u32,
        flash_bytes: u32,
    ) -> Signature {
        let kib = (flash_bytes / 1024) as u16;
        Signature {
            name,
            base,
            fields: vec![
                (uid_at, UID.to_vec()),
                (flash_size_at, kib.to_le_bytes().to_vec()),
            ],
        }
    }

    fn byte(&self, off: u32) -> Option<u8> {
        self.fields.iter().find_map(|(at, b)| {
            off.checked_sub(*at)
                .and_then(|i| b.get(i as usize))
                .copied()
        })
    }

    fn get(&self, offset: u32, width: Width) -> Option<u32> {
        let mut v = 0;
        for i in 0..u32::from(width) {
            v |= u32::from(self.byte(offset + i)?) << (8 * i);
        }
        Some(v)
    }
}

impl Device for Signature {
    fn name(&self) -> &str {
        self.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        match self.get(offset, width) {
            Some(v) => Ok(v),
            None => {
                ctx.mmio.unmodelled(
                    self.base + offset,
                    self.name,
                    &format!("+0x{offset:03x}"),
                    false,
                )?;
                Ok(0)
            }
        }
    }

    fn write(&mut self, _: u32, _: Width, _: u32, _: &mut DeviceCtx) -> Result<(), DeviceError> {
        Err(DeviceError)
    }

    fn peek(&self, offset: u32, width: Width, _: &Peek) -> Option<u32> {
        self.get(offset, width)
    }
}

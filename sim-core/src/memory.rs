//! The memory map: a board's flash and SRAM regions as byte arrays with limits, and the loader's
//! placement of an ELF image into them (an error, never a skip, when something does not fit).

use crate::board::{BankSpec, Board, RegionKind};
use crate::fetch::FlashAccel;
use crate::loader::Image;
use crate::units::bytes;

/// One backed region of memory.
#[derive(Debug, Clone)]
pub struct Region {
    /// Name from the board ("FLASH", "SRAM").
    pub name: String,
    /// Flash or SRAM.
    pub kind: RegionKind,
    /// First address.
    pub base: u32,
    /// Wait states per access; [`BANKED`] when the region's banks differ (the bus then asks
    /// [`Region::bank_at`]).
    pub wait_states: u32,
    /// The region's RAM banks with their own timing (the board's `[[region.bank]]`), sorted
    /// by address; empty when the region has one timing.
    pub banks: Vec<Bank>,
    /// Contents; its length is the region's size.
    pub data: Vec<u8>,
    /// One bit per 4-byte word ever written by the guest (SRAM only; empty for flash): the
    /// source of heap peaks and per-object use.
    pub written: Vec<u64>,
}

/// [`Region::wait_states`] of a region whose banks have different timings: the bus's fast
/// path sees a non-zero figure and takes its out-of-line path, which looks up the bank.
pub const BANKED: u32 = u32::MAX;

/// The access timing of one RAM bank of a region (from its [`BankSpec`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bank {
    /// First address.
    pub base: u32,
    /// Size in bytes.
    pub size: u32,
    /// Wait states of a read the data cache does not serve.
    pub wait_states: u32,
    /// Whether it goes through the data cache (when that is on).
    pub cached: bool,
}

impl Bank {
    fn of(spec: &BankSpec) -> Bank {
        Bank {
            base: spec.base,
            size: spec.size,
            wait_states: spec.wait_states,
            cached: spec.cached,
        }
    }
}

impl Region {
    /// The bank holding `addr`, if the region has banks and one holds it.
    #[inline]
    pub fn bank_at(&self, addr: u32) -> Option<&Bank> {
        self.banks
            .iter()
            .find(|b| addr.wrapping_sub(b.base) < b.size)
    }

    /// Size in bytes.
    pub fn size(&self) -> u32 {
        self.data.len() as u32
    }

    /// Offset of `addr` when `len` bytes from it lie inside the region.
    #[inline(always)]
    pub fn offset(&self, addr: u32, len: u32) -> Option<usize> {
        let off = addr.wrapping_sub(self.base);
        if (off as usize) < self.data.len() && (self.data.len() - off as usize) >= len as usize {
            Some(off as usize)
        } else {
            None
        }
    }

    /// Whether the guest may write it at run time (flash is read-only).
    pub fn writable(&self) -> bool {
        self.kind == RegionKind::Sram
    }

    /// Records a guest write of `len` bytes at offset `off` (marks the first and last word).
    #[inline(always)]
    pub fn mark_written(&mut self, off: usize, len: usize) {
        let first = off >> 2;
        let last = (off + len - 1) >> 2;
        if let Some(w) = self.written.get_mut(first >> 6) {
            *w |= 1 << (first & 63);
        }
        if last != first {
            if let Some(w) = self.written.get_mut(last >> 6) {
                *w |= 1 << (last & 63);
            }
        }
    }

    /// Whether the word at offset `off` was ever written by the guest.
    pub fn was_written(&self, off: usize) -> bool {
        let word = off >> 2;
        self.written
            .get(word >> 6)
            .is_some_and(|w| w & (1 << (word & 63)) != 0)
    }

    /// Bytes (in whole words) ever written within `[off, off+len)`.
    pub fn written_bytes(&self, off: usize, len: usize) -> u64 {
        let end = (off + len).min(self.data.len());
        let mut n = 0;
        let mut o = off & !3;
        while o < end {
            if self.was_written(o) {
                n += 4;
            }
            o += 4;
        }
        n.min(len as u64)
    }

    /// Offset of the highest written word in `[off, end)`, if any (words that start before
    /// `end`'s word and contain or follow `off`). Looks at 64 words at a time: the report asks
    /// this of a whole SRAM region (a million words on the MPS2 boards).
    pub fn highest_written(&self, off: usize, end: usize) -> Option<usize> {
        let top = end.min(self.data.len()) >> 2; // one past the last word looked at
        let lo = off >> 2;
        if top <= lo {
            return None;
        }
        let hi = top - 1;
        let mut w = hi >> 6;
        loop {
            let mut bits = self.written.get(w).copied().unwrap_or(0);
            if w == hi >> 6 && hi & 63 != 63 {
                bits &= (1u64 << ((hi & 63) + 1)) - 1;
            }
            if w == lo >> 6 {
                bits &= !((1u64 << (lo & 63)) - 1);
            }
            if bits != 0 {
                return Some(((w << 6) + 63 - bits.leading_zeros() as usize) << 2);
            }
            if w == lo >> 6 {
                return None;
            }
            w -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-at-a-time search agrees with looking at every word.
    #[test]
    fn highest_written_matches_a_word_by_word_search() {
        let mut r = Region {
            name: "SRAM".into(),
            kind: RegionKind::Sram,
            base: 0x2000_0000,
            data: vec![0; 4096],
            written: vec![0; 4096 / 4 / 64],
            wait_states: 0,
            banks: Vec::new(),
        };
        let naive = |r: &Region, off: usize, end: usize| {
            let mut o = end.min(r.data.len()) & !3;
            while o > off {
                o -= 4;
                if r.was_written(o) {
                    return Some(o);
                }
            }
            None
        };
        let mut x = 0x9E37_79B9u32;
        for round in 0..200 {
            for _ in 0..(round % 7) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                r.mark_written(((x as usize) % 4096) & !3, 4);
            }
            for (off, end) in [
                (0, 4096),
                (5, 4095),
                (100, 300),
                (256, 257),
                (1020, 3000),
                (7, 6),
            ] {
                assert_eq!(
                    r.highest_written(off, end),
                    naive(&r, off, end),
                    "{off}..{end}"
                );
            }
        }
    }
}

/// Why an image could not be placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    /// A section (or a segment, in an ELF without sections) is larger than the room left in
    /// its region.
    #[error("{what} ({}) does not fit {region} ({}): {} over", bytes(*size), bytes(*region_size), bytes(*over))]
    DoesNotFit {
        /// "section .bss" or "segment 2".
        what: String,
        /// Section name (or "segment 2").
        section: String,
        /// Section size in bytes.
        size: u64,
        /// Region name.
        region: String,
        /// Region size in bytes.
        region_size: u64,
        /// Bytes past the region's end.
        over: u64,
    },
    /// A section or segment lies in the chip's boot ROM, whose contents are the chip's.
    #[error("{what} at 0x{addr:08x} ({}) lies in {region}, the chip's boot ROM at 0x{base:08x}: a program cannot be loaded there (was it linked for another board?)", bytes(*size))]
    InRom {
        /// "section .text" or "segment 2".
        what: String,
        /// Its address.
        addr: u32,
        /// Its size.
        size: u64,
        /// The ROM region's name.
        region: String,
        /// The ROM's base address.
        base: u32,
    },
    /// A section or segment lies outside every region.
    #[error("{what} at 0x{addr:08x} ({}) lies outside every memory region of board {board} ({regions})", bytes(*size))]
    Unmapped {
        /// "section .text" or "segment 2".
        what: String,
        /// Its address.
        addr: u32,
        /// Its size.
        size: u64,
        /// The board.
        board: String,
        /// The board's regions, for the message.
        regions: String,
    },
}

/// The backed regions of a board.
#[derive(Debug, Clone)]
pub struct MemoryMap {
    /// Regions sorted by base address.
    pub regions: Vec<Region>,
    /// The flash accelerator model, when the board describes one (`[flash_accel]`).
    pub accel: Option<FlashAccel>,
    /// Guest writes to flash program it, as a chip's flash controller allows when its write
    /// enable is set (nRF NVMC CONFIG.WEN, STM32 FLASH_CR.PG); `None`: flash is read-only.
    pub flash_program: Option<FlashProgram>,
}

/// How guest writes program flash while a flash controller enables it (see
/// [`MemoryMap::flash_program`]): NOR semantics (a write can only clear bits: the new contents
/// are the old AND the value written; erasing is the controller's job) and the time one write
/// stalls the core, which fetches its instructions from the flash being programmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlashProgram {
    /// Time one write takes, in picoseconds (the core is stalled meanwhile).
    pub write_ps: u64,
}

impl MemoryMap {
    /// Zeroed regions as the board describes them.
    pub fn new(board: &Board) -> MemoryMap {
        let mut regions: Vec<Region> = board
            .regions
            .iter()
            .map(|r| Region {
                name: r.name.clone(),
                kind: r.kind,
                base: r.base,
                // Banks of different timings: the bus's slow path resolves each access.
                wait_states: if r.banks.iter().any(|b| b.wait_states != 0 || b.cached) {
                    BANKED
                } else {
                    r.wait_states
                },
                banks: {
                    let mut banks: Vec<Bank> = r.banks.iter().map(Bank::of).collect();
                    banks.sort_by_key(|b| b.base);
                    banks
                },
                data: vec![0; r.size as usize],
                written: if r.kind == RegionKind::Sram {
                    vec![0; (r.size as usize).div_ceil(256)]
                } else {
                    Vec::new()
                },
            })
            .collect();
        // Flash and SRAM first (the bus's fast path tries regions in order; a boot ROM is
        // rarely read), each group by base address.
        regions.sort_by_key(|r| (r.kind == RegionKind::Rom, r.base));
        let accel = board.flash_accel.as_ref().and_then(|spec| {
            let flash = regions.iter().find(|r| r.kind == RegionKind::Flash)?;
            Some(FlashAccel::new(
                spec,
                flash.base,
                flash.size(),
                flash.wait_states,
            ))
        });
        MemoryMap {
            regions,
            accel,
            flash_program: None,
        }
    }

    /// Sets the wait states of every flash region and of its accelerator (a flash
    /// controller's latency field: FLASH_ACR.LATENCY on STM32).
    pub fn set_flash_wait_states(&mut self, ws: u32) {
        for r in &mut self.regions {
            if r.kind == RegionKind::Flash {
                r.wait_states = ws;
            }
        }
        if let Some(a) = &mut self.accel {
            a.set_wait_states(ws);
        }
    }

    /// Programs `bytes` into flash at `addr` with NOR semantics (each byte becomes the old
    /// byte AND the new one); `false` when `[addr, addr+len)` is not inside one flash region.
    pub fn program_flash(&mut self, addr: u32, bytes: &[u8]) -> bool {
        match self.find(addr, bytes.len() as u32) {
            Some((i, off)) if self.regions[i].kind == RegionKind::Flash => {
                for (d, b) in self.regions[i].data[off..off + bytes.len()]
                    .iter_mut()
                    .zip(bytes)
                {
                    *d &= *b;
                }
                true
            }
            _ => false,
        }
    }

    /// Sets `[addr, addr+len)` of flash to `value` (an erase: 0xFF on NOR flash); `false` when
    /// the range is not inside one flash region.
    pub fn fill_flash(&mut self, addr: u32, len: u32, value: u8) -> bool {
        match self.find(addr, len) {
            Some((i, off)) if self.regions[i].kind == RegionKind::Flash => {
                self.regions[i].data[off..off + len as usize].fill(value);
                true
            }
            _ => false,
        }
    }

    /// Index of the region holding `[addr, addr+len)`.
    #[inline(always)]
    pub fn find(&self, addr: u32, len: u32) -> Option<(usize, usize)> {
        for (i, r) in self.regions.iter().enumerate() {
            if let Some(off) = r.offset(addr, len) {
                return Some((i, off));
            }
        }
        None
    }

    /// Region containing `addr`.
    pub fn region_at(&self, addr: u32) -> Option<&Region> {
        self.find(addr, 1).map(|(i, _)| &self.regions[i])
    }

    fn describe(&self) -> String {
        self.regions
            .iter()
            .map(|r| format!("{} 0x{:08x}+{}", r.name, r.base, bytes(u64::from(r.size()))))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Checks that every allocated section of `image` fits its region at its run address
    /// (VMA) and, for sections with contents, at its load address (LMA); then copies the
    /// segments' file bytes to their physical addresses.
    pub fn load(&mut self, image: &Image, board_name: &str) -> Result<(), FitError> {
        for s in image.sections.iter().filter(|s| s.alloc && s.size > 0) {
            self.check_fits(
                &format!("section {}", s.name),
                &s.name,
                s.addr,
                s.size,
                board_name,
            )?;
            if !s.nobits && s.load_addr != s.addr {
                self.check_fits(
                    &format!("section {} (load image)", s.name),
                    &s.name,
                    s.load_addr,
                    s.size,
                    board_name,
                )?;
            }
        }
        for (i, seg) in image.segments.iter().enumerate() {
            // The run-time extent too: an ELF without section headers says only this.
            if seg.mem_size > 0 {
                self.check_fits(
                    &format!("segment {i}"),
                    &format!("segment {i}"),
                    seg.vaddr,
                    u64::from(seg.mem_size),
                    board_name,
                )?;
            }
            if seg.data.is_empty() {
                continue;
            }
            let len = seg.data.len() as u32;
            self.check_not_rom(&format!("segment {i}"), seg.paddr, seg.data.len() as u64)?;
            let Some((ri, off)) = self.find(seg.paddr, len) else {
                return Err(FitError::Unmapped {
                    what: format!("segment {i}"),
                    addr: seg.paddr,
                    size: seg.data.len() as u64,
                    board: board_name.to_string(),
                    regions: self.describe(),
                });
            };
            self.regions[ri].data[off..off + seg.data.len()].copy_from_slice(&seg.data);
        }
        Ok(())
    }

    fn check_not_rom(&self, what: &str, addr: u32, size: u64) -> Result<(), FitError> {
        match self.regions.iter().find(|r| {
            r.kind == RegionKind::Rom
                && u64::from(addr) < u64::from(r.base) + u64::from(r.size())
                && u64::from(r.base) < u64::from(addr) + size.max(1)
        }) {
            Some(r) => Err(FitError::InRom {
                what: what.to_string(),
                addr,
                size,
                region: r.name.clone(),
                base: r.base,
            }),
            None => Ok(()),
        }
    }

    fn check_fits(
        &self,
        what: &str,
        name: &str,
        addr: u32,
        size: u64,
        board_name: &str,
    ) -> Result<(), FitError> {
        self.check_not_rom(what, addr, size)?;
        match self
            .regions
            .iter()
            .find(|r| addr >= r.base && u64::from(addr) < u64::from(r.base) + u64::from(r.size()))
        {
            None => Err(FitError::Unmapped {
                what: what.to_string(),
                addr,
                size,
                board: board_name.to_string(),
                regions: self.describe(),
            }),
            Some(r) => {
                let end = u64::from(addr) + size;
                let region_end = u64::from(r.base) + u64::from(r.size());
                if end > region_end {
                    Err(FitError::DoesNotFit {
                        what: what.to_string(),
                        section: name.to_string(),
                        size,
                        region: r.name.clone(),
                        region_size: u64::from(r.size()),
                        over: end - region_end,
                    })
                } else {
                    Ok(())
                }
            }
        }
    }
}

#[cfg(test)]
mod rom_tests {
    use super::*;
    use crate::board::Board;
    use crate::loader::Section;

    fn board_with_rom() -> Board {
        let mut b = Board::load("nano33ble").unwrap();
        b.regions.push(crate::board::RegionSpec {
            name: "ROM".into(),
            kind: RegionKind::Rom,
            base: 0x1000_0000,
            size: 0x4000,
            wait_states: 0,
            banks: Vec::new(),
        });
        b
    }

    #[test]
    fn a_rom_comes_last_and_takes_no_program() {
        let b = board_with_rom();
        let mut map = MemoryMap::new(&b);
        let kinds: Vec<_> = map.regions.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [RegionKind::Flash, RegionKind::Sram, RegionKind::Rom],
            "the bus tries flash and SRAM first"
        );
        assert!(!map.regions[2].writable());
        let image = Image {
            entry: 0,
            segments: Vec::new(),
            sections: vec![Section {
                name: ".text".into(),
                addr: 0x1000_0100,
                load_addr: 0x1000_0100,
                size: 0x40,
                alloc: true,
                write: false,
                exec: true,
                nobits: false,
            }],
            symbols: Vec::new(),
            bytes: Vec::new(),
        };
        let e = map.load(&image, "x").unwrap_err();
        assert!(
            matches!(
                e,
                FitError::InRom {
                    addr: 0x1000_0100,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("boot ROM"), "{e}");
    }
}

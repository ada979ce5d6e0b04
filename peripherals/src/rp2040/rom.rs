//! The RP2040 boot ROM (RP2040 datasheet §2.8), as thimble generates it: 16 KiB at
//! 0x0000_0000 holding the layout pico-sdk relies on — the vector table, the magic and version
//! at 0x10, 16-bit pointers to the public function and data tables at 0x14/0x16 and to
//! `rom_table_lookup` at 0x18, the function table (memcpy/memset and their word variants,
//! popcount/clz/ctz/reverse, the flash functions), the data table (copyright string, git
//! revision, the soft-float and soft-double tables) — with every routine a
//! `BKPT #NATIVE_BKPT` that thimble serves natively ([`BootRom`], through
//! `Machine::add_native`). Nothing of Raspberry Pi's ROM binary is used: the contents are
//! written here from the layout the datasheet and pico-sdk's headers document.
//!
//! Reset runs the flash boot: boot2, the first 256 bytes of flash, must carry the CRC-32 the
//! ROM checks ([`boot2_crc`], §2.8.1.3); it is copied to the top of SRAM (0x2004_1F00) and
//! entered with LR = 0, as the ROM does, so that boot2 vectors into the image's table at
//! 0x1000_0100. An image without a valid boot2 is refused before the run ([`check_boot2`]).
//!
//! Cycle costs: each routine has a documented cost ([`cost`]); the float and double routines'
//! come from the published averages of Qfplib-M0-full, the library the RP2040's ROM float code
//! is a version of (quinapalus.com/qfplib-m0-full.html, measured with single-cycle memory,
//! calling overhead included); the others are ESTIMATES from the ARMv6-M instruction timings
//! of the loops they would run. Wait states of the memory the routines touch are added.

use super::float::{self, FloatOp, OPS};
use sim_core::bus::{Bus, BusError};
use sim_core::cpu::Cpu;
use sim_core::isa::{BusFaultKind, Fault};
use sim_core::machine::{Native, NATIVE_BKPT};

/// Where the ROM is.
pub const ROM_BASE: u32 = 0x0000_0000;
/// Its size (§2.2: 16 KiB).
pub const ROM_SIZE: u32 = 0x4000;
/// The ROM version at 0x13: 3 is RP2040-B2's ROM (pico-sdk `rp2040_rom_version`: 1 for B0,
/// 2 for B1, 3 for B2), which has the full V2 float table and the V3 double `sincos`.
pub const ROM_VERSION: u8 = 3;
/// Boot2 in flash (§2.8.1.3): the first 256 bytes of the XIP window.
pub const BOOT2_FLASH: u32 = 0x1000_0000;
/// Boot2 is copied here and run (the top 256 bytes of SRAM5).
pub const BOOT2_SRAM: u32 = 0x2004_1F00;
/// The image's vector table, which boot2 enters after it (pico-sdk's `exit_from_boot2.S`,
/// thimble's boot2.S).
pub const IMAGE_VECTORS: u32 = BOOT2_FLASH + BOOT2_SIZE as u32;
/// Bytes of boot2, its CRC-32 included.
pub const BOOT2_SIZE: usize = 256;
/// The initial stack pointer of the ROM's vector table: the top of SRAM less the 256 bytes
/// boot2 is loaded into (the RP2040 boot ROM's linker script: `_stacktop = ORIGIN(SRAM) +
/// LENGTH(SRAM) - 256`, "leave room above the stack for stage 2 load"). boot2 runs on this
/// stack: pico-sdk's boot2 keeps literals in its last words, which a stack at the very top of
/// SRAM would overwrite.
pub const STACK_TOP: u32 = BOOT2_SRAM;

/// Offsets in the ROM.
mod at {
    pub const MAGIC: u32 = 0x10;
    pub const FUNC_TABLE_PTR: u32 = 0x14;
    pub const DATA_TABLE_PTR: u32 = 0x16;
    pub const LOOKUP_PTR: u32 = 0x18;
    pub const GIT_REVISION: u32 = 0x1C;
    pub const COPYRIGHT: u32 = 0x20;
    pub const FUNC_TABLE: u32 = 0x80;
    pub const DATA_TABLE: u32 = 0x100;
    /// The soft-float table; the byte 2 before it is its size in words (pico-sdk's float
    /// init asserts `*(uint8_t *)(table - 2) * 4 >= SF_TABLE_V2_SIZE`).
    pub const SF_TABLE: u32 = 0x144;
    pub const SD_TABLE: u32 = 0x1C4;
    /// Parking loop: `cpsid i; 1: wfi; b 1b`.
    pub const PARK: u32 = 0x2F0;
    /// First routine; each takes 4 bytes: `bkpt #NATIVE_BKPT; b .`.
    pub const CODE: u32 = 0x300;
}

/// `ROM_TABLE_CODE(c1, c2)` of pico-sdk's bootrom.h: two ASCII characters, little-endian.
const fn code(c: &[u8; 2]) -> u16 {
    c[0] as u16 | (c[1] as u16) << 8
}

/// What a routine of the ROM does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routine {
    /// The reset handler: flash boot through boot2.
    Boot,
    /// `rom_table_lookup(table, code)`.
    Lookup,
    /// 'P3' `popcount32`.
    Popcount32,
    /// 'R3' `reverse32`.
    Reverse32,
    /// 'L3' `clz32`.
    Clz32,
    /// 'T3' `ctz32`.
    Ctz32,
    /// 'MS' `memset(ptr, c, n)`.
    Memset,
    /// 'S4' `memset4(ptr, c, n)`: word-aligned `ptr`.
    Memset4,
    /// 'MC' `memcpy(dest, src, n)`.
    Memcpy,
    /// 'C4' `memcpy44(dest, src, n)`: word-aligned pointers.
    Memcpy44,
    /// 'IF' `connect_internal_flash`.
    ConnectInternalFlash,
    /// 'EX' `flash_exit_xip`.
    FlashExitXip,
    /// 'RE' `flash_range_erase`.
    FlashRangeErase,
    /// 'RP' `flash_range_program`.
    FlashRangeProgram,
    /// 'FC' `flash_flush_cache`.
    FlashFlushCache,
    /// 'CX' `flash_enter_cmd_xip`.
    FlashEnterCmdXip,
    /// 'UB' `reset_to_usb_boot`.
    ResetUsbBoot,
    /// 'WV' `wait_for_vector` (core 1's launch loop).
    WaitForVector,
    /// 'DT' `debug_trampoline`.
    DebugTrampoline,
    /// A soft-float routine.
    Float(FloatOp),
    /// A soft-double routine.
    Double(FloatOp),
}

/// Routines with a function-table code, in table order.
const FUNCS: [(&[u8; 2], Routine, &str); 17] = [
    (b"P3", Routine::Popcount32, "popcount32"),
    (b"R3", Routine::Reverse32, "reverse32"),
    (b"L3", Routine::Clz32, "clz32"),
    (b"T3", Routine::Ctz32, "ctz32"),
    (b"MS", Routine::Memset, "memset"),
    (b"S4", Routine::Memset4, "memset4"),
    (b"MC", Routine::Memcpy, "memcpy"),
    (b"C4", Routine::Memcpy44, "memcpy44"),
    (
        b"IF",
        Routine::ConnectInternalFlash,
        "connect_internal_flash",
    ),
    (b"EX", Routine::FlashExitXip, "flash_exit_xip"),
    (b"RE", Routine::FlashRangeErase, "flash_range_erase"),
    (b"RP", Routine::FlashRangeProgram, "flash_range_program"),
    (b"FC", Routine::FlashFlushCache, "flash_flush_cache"),
    (b"CX", Routine::FlashEnterCmdXip, "flash_enter_cmd_xip"),
    (b"UB", Routine::ResetUsbBoot, "reset_to_usb_boot"),
    (b"WV", Routine::WaitForVector, "wait_for_vector"),
    (b"DT", Routine::DebugTrampoline, "debug_trampoline"),
];

/// Every routine in code order (its address is `at::CODE + 4 * index`).
fn routines() -> Vec<(Routine, String)> {
    let mut v = vec![
        (Routine::Boot, "flash_boot".to_string()),
        (Routine::Lookup, "table_lookup".to_string()),
    ];
    v.extend(FUNCS.iter().map(|(_, r, n)| (*r, (*n).to_string())));
    v.extend(OPS.iter().map(|op| (Routine::Float(*op), op.float_name())));
    v.extend(
        OPS.iter()
            .map(|op| (Routine::Double(*op), op.double_name())),
    );
    v
}

/// The CRC-32 the ROM checks over boot2 (§2.8.1.3, and pico-sdk's `pad_checksum`): polynomial
/// 0x04C11DB7, initial value 0xFFFFFFFF, bits in and out not reflected, no final XOR
/// (CRC-32/MPEG-2).
pub fn boot2_crc(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Checks boot2 (the 256 bytes at 0x1000_0000) as the ROM does: the CRC-32 of its first 252
/// bytes must equal the little-endian word in its last 4. `Err` says what is there instead.
pub fn check_boot2(bytes: Option<&[u8]>) -> Result<(), String> {
    let Some(b) = bytes.filter(|b| b.len() >= BOOT2_SIZE) else {
        return Err(format!(
            "no boot2 stage: the RP2040 boot ROM reads 256 bytes at 0x{BOOT2_FLASH:08x} and the \
             image has no flash there"
        ));
    };
    let computed = boot2_crc(&b[..BOOT2_SIZE - 4]);
    let stored = u32::from_le_bytes([b[252], b[253], b[254], b[255]]);
    if computed == stored {
        return Ok(());
    }
    Err(format!(
        "no valid boot2 stage: the RP2040 boot ROM computes CRC-32 0x{computed:08x} over the 252 \
         bytes at 0x{BOOT2_FLASH:08x}, but the word at 0x{:08x} (the CRC it expects there) is \
         0x{stored:08x}; the chip would not boot this image (link a boot2 stage with its CRC, \
         as pico-sdk's boot_stage2 or firmware/boards/pico/boot2.S do)",
        BOOT2_FLASH + 252
    ))
}

/// The ROM image and where each routine is.
pub struct RomImage {
    /// The 16 KiB.
    pub bytes: Vec<u8>,
    /// (address, name) of each routine, for the symbol table.
    pub symbols: Vec<(u32, String)>,
}

fn put16(rom: &mut [u8], a: u32, v: u16) {
    rom[a as usize..a as usize + 2].copy_from_slice(&v.to_le_bytes());
}

fn put32(rom: &mut [u8], a: u32, v: u32) {
    rom[a as usize..a as usize + 4].copy_from_slice(&v.to_le_bytes());
}

/// Builds the ROM's contents.
pub fn image() -> RomImage {
    let mut rom = vec![0u8; ROM_SIZE as usize];
    let list = routines();
    let addr_of = |r: Routine| -> u32 {
        let i = list.iter().position(|(x, _)| *x == r).expect("listed");
        at::CODE + 4 * i as u32
    };
    for (i, _) in list.iter().enumerate() {
        let a = at::CODE + 4 * i as u32;
        put16(&mut rom, a, 0xBE00 | u16::from(NATIVE_BKPT));
        put16(&mut rom, a + 2, 0xE7FE); // b .
    }
    // Parking loop for a core that may never run on (reset_to_usb_boot).
    put16(&mut rom, at::PARK, 0xB672); // cpsid i
    put16(&mut rom, at::PARK + 2, 0xBF30); // wfi
    put16(&mut rom, at::PARK + 4, 0xE7FD); // b wfi
    put16(&mut rom, at::PARK + 6, 0xE7FE); // b . (NMI/HardFault: a spin the run loop names)
                                           // Vector table: SP, reset, NMI, HardFault.
    put32(&mut rom, 0, STACK_TOP);
    put32(&mut rom, 4, addr_of(Routine::Boot) | 1);
    put32(&mut rom, 8, (at::PARK + 6) | 1);
    put32(&mut rom, 12, (at::PARK + 6) | 1);
    // Magic 'M', 'u', 0x01 and the version (§2.8.3).
    rom[at::MAGIC as usize..at::MAGIC as usize + 4].copy_from_slice(&[b'M', b'u', 1, ROM_VERSION]);
    put16(&mut rom, at::FUNC_TABLE_PTR, at::FUNC_TABLE as u16);
    put16(&mut rom, at::DATA_TABLE_PTR, at::DATA_TABLE as u16);
    put16(
        &mut rom,
        at::LOOKUP_PTR,
        (addr_of(Routine::Lookup) | 1) as u16,
    );
    // 'GR': "the 8 most significant hex digits of the bootrom git revision": thimble's model
    // has none, so it says "thim" in ASCII.
    put32(&mut rom, at::GIT_REVISION, u32::from_be_bytes(*b"thim"));
    let cr = b"thimble's model of the RP2040 boot ROM (not Raspberry Pi's code)\0";
    rom[at::COPYRIGHT as usize..at::COPYRIGHT as usize + cr.len()].copy_from_slice(cr);
    // Function table, with 'DE' debug_trampoline_end (the end of the trampoline) last.
    let funcs = FUNCS.iter().map(|&(c, r, _)| (c, addr_of(r) | 1));
    let de = (b"DE", addr_of(Routine::DebugTrampoline) + 4);
    let end = put_table(&mut rom, at::FUNC_TABLE, funcs.chain([de]));
    debug_assert!(end <= at::DATA_TABLE);
    // Data table.
    let first_float = addr_of(Routine::Float(OPS[0]));
    let end_double = addr_of(Routine::Double(OPS[OPS.len() - 1])) + 4;
    let data: [(&[u8; 2], u32); 6] = [
        (b"CR", at::COPYRIGHT),
        (b"GR", at::GIT_REVISION),
        (b"FS", first_float),
        (b"SF", at::SF_TABLE),
        (b"FE", end_double),
        (b"SD", at::SD_TABLE),
    ];
    let end = put_table(&mut rom, at::DATA_TABLE, data);
    debug_assert!(end <= at::SF_TABLE - 2);
    // Soft-float and soft-double tables: 32 function pointers each, size byte before.
    rom[(at::SF_TABLE - 2) as usize] = OPS.len() as u8;
    rom[(at::SD_TABLE - 2) as usize] = OPS.len() as u8;
    for (i, op) in OPS.iter().enumerate() {
        put32(
            &mut rom,
            at::SF_TABLE + 4 * i as u32,
            addr_of(Routine::Float(*op)) | 1,
        );
        put32(
            &mut rom,
            at::SD_TABLE + 4 * i as u32,
            addr_of(Routine::Double(*op)) | 1,
        );
    }
    let symbols = list
        .iter()
        .enumerate()
        .map(|(i, (_, n))| (at::CODE + 4 * i as u32, format!("rom_{n}")))
        .chain([(at::PARK, "rom_park".to_string())])
        .collect();
    RomImage {
        bytes: rom,
        symbols,
    }
}

/// Writes a lookup table of the ROM at `at` (§2.8.3): (two-character code, 16-bit pointer)
/// entries, then a 0 code; returns the end.
fn put_table<'a>(
    rom: &mut [u8],
    at: u32,
    entries: impl IntoIterator<Item = (&'a [u8; 2], u32)>,
) -> u32 {
    let mut a = at;
    for (c, p) in entries {
        put16(rom, a, code(c));
        put16(rom, a + 2, p as u16);
        a += 4;
    }
    put16(rom, a, 0);
    a + 2
}

/// Cycles a routine takes (before the wait states of the memory it touches); `n` is the byte
/// count of the memory routines. See the module documentation for the sources.
pub fn cost(r: Routine, n: u32) -> u32 {
    match r {
        // ESTIMATE: the flash boot path before boot2 runs (connecting the flash, reading 256
        // bytes with serial 03h reads, the CRC over them) at the ROSC clock.
        Routine::Boot => 6000,
        // ESTIMATE: ~10 cycles of set-up and 5 per table entry compared (ldrh, cmp, branch).
        Routine::Lookup => 10,
        // ESTIMATES: short table-driven or shift sequences.
        Routine::Popcount32 | Routine::Reverse32 => 18,
        Routine::Clz32 | Routine::Ctz32 => 12,
        // ESTIMATES from ARMv6-M timings: word copies move 16 bytes per LDM/STM of 4 registers
        // (5 + 5 cycles) after ~20 cycles of alignment and set-up; byte loops take 6 cycles
        // per byte (ldrb, strb, adds, subs, bne).
        Routine::Memcpy44 => 20 + n.div_ceil(16) * 10,
        Routine::Memset4 => 16 + n.div_ceil(16) * 6,
        Routine::Memcpy => 24 + n * 6 / 8,
        Routine::Memset => 20 + n * 4 / 8,
        // The flash functions do nothing here: the cost of a call.
        Routine::ConnectInternalFlash
        | Routine::FlashExitXip
        | Routine::FlashRangeErase
        | Routine::FlashRangeProgram
        | Routine::FlashFlushCache
        | Routine::FlashEnterCmdXip
        | Routine::ResetUsbBoot
        | Routine::WaitForVector
        | Routine::DebugTrampoline => 8,
        Routine::Float(op) => op.cycles(false),
        Routine::Double(op) => op.cycles(true),
    }
}

/// The native routines of the ROM.
pub struct BootRom {
    list: Vec<(Routine, String)>,
    /// Routines already warned about (each warns once).
    warned: Vec<Routine>,
}

impl Default for BootRom {
    fn default() -> Self {
        BootRom::new()
    }
}

impl BootRom {
    /// The routines of [`image`].
    pub fn new() -> BootRom {
        BootRom {
            list: routines(),
            warned: Vec::new(),
        }
    }

    /// The routine whose BKPT is at `pc`.
    pub fn routine_at(&self, pc: u32) -> Option<Routine> {
        let off = pc.checked_sub(at::CODE)?;
        (off % 4 == 0)
            .then(|| self.list.get((off / 4) as usize).map(|(r, _)| *r))
            .flatten()
    }

    fn warn_once(&mut self, r: Routine, bus: &Bus, what: &str) {
        if !self.warned.contains(&r) {
            self.warned.push(r);
            if bus.mmio.echo {
                eprintln!("thimble: warning: {what}");
            }
        }
    }
}

fn fault(addr: u32) -> Fault {
    Fault::Bus {
        kind: BusFaultKind::Data,
        addr,
    }
}

fn err(e: BusError) -> Fault {
    fault(e.addr())
}

/// Returns to the caller: PC = LR (Thumb bit cleared; an even LR would be an INVSTATE fault on
/// silicon, as `bx lr` is).
fn ret(cpu: &mut Cpu) {
    let lr = cpu.r[14];
    cpu.r[15] = lr & !1;
    if lr & 1 == 0 {
        cpu.thumb = false;
    }
}

/// Copies `n` bytes from `src` to `dest` through the bus (the written-memory map sees it).
fn copy(bus: &mut Bus, dest: u32, src: u32, n: u32) -> Result<(), Fault> {
    let mut i = 0;
    if (dest | src) & 3 == 0 {
        while i + 4 <= n {
            let v = bus.read32(src + i).map_err(err)?;
            bus.write32(dest + i, v).map_err(err)?;
            i += 4;
        }
    }
    while i < n {
        let v = bus.read8(src.wrapping_add(i)).map_err(err)?;
        bus.write8(dest.wrapping_add(i), v).map_err(err)?;
        i += 1;
    }
    Ok(())
}

fn fill(bus: &mut Bus, dest: u32, c: u32, n: u32) -> Result<(), Fault> {
    let c = c & 0xFF;
    let mut i = 0;
    if dest & 3 == 0 {
        while i + 4 <= n {
            bus.write32(dest + i, c * 0x0101_0101).map_err(err)?;
            i += 4;
        }
    }
    while i < n {
        bus.write8(dest.wrapping_add(i), c).map_err(err)?;
        i += 1;
    }
    Ok(())
}

/// The watchdog's scratch registers and the magic the ROM checks at boot (§2.8.1.1 and
/// pico-sdk's `watchdog_reboot`): SCRATCH4 = 0xb007c0d3 and SCRATCH5 = PC ^ -SCRATCH4 make the
/// ROM enter PC = SCRATCH7 with SP = SCRATCH6 instead of booting flash.
const WATCHDOG_SCRATCH4: u32 = 0x4005_801C;
const BOOT_MAGIC: u32 = 0xb007_c0d3;
/// RESETS.RESET clear alias: the ROM takes IO_QSPI (bit 6) and PADS_QSPI (bit 9) out of reset
/// to talk to the flash (RESETS register map, §2.14).
const RESETS_RESET_CLR: u32 = 0x4000_C000 + 0x3000;
const QSPI_BLOCKS: u32 = (1 << 6) | (1 << 9);

impl BootRom {
    fn boot(&mut self, cpu: &mut Cpu, bus: &mut Bus) -> Result<u32, Fault> {
        let s4 = bus.read32(WATCHDOG_SCRATCH4).map_err(err)?;
        if s4 == BOOT_MAGIC {
            let s5 = bus.read32(WATCHDOG_SCRATCH4 + 4).map_err(err)?;
            let s6 = bus.read32(WATCHDOG_SCRATCH4 + 8).map_err(err)?;
            let s7 = bus.read32(WATCHDOG_SCRATCH4 + 12).map_err(err)?;
            if s5 ^ BOOT_MAGIC.wrapping_neg() == s7 {
                bus.write32(WATCHDOG_SCRATCH4, 0).map_err(err)?;
                cpu.set_msp(s6);
                cpu.r[15] = s7 & !1;
                return Ok(cost(Routine::Boot, 0));
            }
        }
        bus.write32(RESETS_RESET_CLR, QSPI_BLOCKS).map_err(err)?;
        let mut b = [0u8; BOOT2_SIZE];
        for (i, x) in b.iter_mut().enumerate() {
            *x = bus.read8(BOOT2_FLASH + i as u32).map_err(err)? as u8;
        }
        if let Err(e) = check_boot2(Some(&b)) {
            // The image was checked before the run; flash changed since (a debugger): the
            // ROM would fall back to USB boot, which thimble does not have.
            self.warn_once(Routine::Boot, bus, &format!("{e}; the core is parked"));
            cpu.primask = true;
            cpu.r[15] = at::PARK;
            return Ok(cost(Routine::Boot, 0));
        }
        copy(bus, BOOT2_SRAM, BOOT2_FLASH, BOOT2_SIZE as u32)?;
        // Entered with LR = 0: boot2 then vectors into the image (pico-sdk's
        // exit_from_boot2.S: "If entered from the bootrom, lr ... will be 0").
        cpu.r[14] = 0;
        cpu.r[15] = BOOT2_SRAM;
        Ok(cost(Routine::Boot, 0))
    }

    fn lookup(cpu: &mut Cpu, bus: &mut Bus) -> Result<u32, Fault> {
        let (mut table, want) = (cpu.r[0], cpu.r[1] & 0xFFFF);
        let mut cycles = cost(Routine::Lookup, 0);
        let found = loop {
            let c = bus.read16(table).map_err(err)?;
            cycles += 5;
            if c == 0 {
                break 0;
            }
            if c == want {
                break bus.read16(table + 2).map_err(err)?;
            }
            table += 4;
        };
        cpu.r[0] = found;
        ret(cpu);
        Ok(cycles)
    }
}

impl Native for BootRom {
    fn call(&mut self, pc: u32, cpu: &mut Cpu, bus: &mut Bus) -> Result<u32, Fault> {
        let Some(r) = self.routine_at(pc) else {
            // A BKPT #NATIVE_BKPT the ROM never placed: only a jump into the middle of a
            // routine gets here.
            return Err(Fault::Bus {
                kind: BusFaultKind::Instruction,
                addr: pc,
            });
        };
        let (a0, a1, a2) = (cpu.r[0], cpu.r[1], cpu.r[2]);
        let cycles = match r {
            Routine::Boot => return self.boot(cpu, bus),
            Routine::Lookup => return Self::lookup(cpu, bus),
            Routine::Popcount32 => {
                cpu.r[0] = a0.count_ones();
                cost(r, 0)
            }
            Routine::Reverse32 => {
                cpu.r[0] = a0.reverse_bits();
                cost(r, 0)
            }
            Routine::Clz32 => {
                cpu.r[0] = a0.leading_zeros();
                cost(r, 0)
            }
            Routine::Ctz32 => {
                cpu.r[0] = a0.trailing_zeros();
                cost(r, 0)
            }
            Routine::Memset | Routine::Memset4 => {
                fill(bus, a0, a1, a2)?;
                cost(r, a2)
            }
            Routine::Memcpy | Routine::Memcpy44 => {
                copy(bus, a0, a1, a2)?;
                cost(r, a2)
            }
            Routine::ConnectInternalFlash
            | Routine::FlashExitXip
            | Routine::FlashFlushCache
            | Routine::FlashEnterCmdXip => {
                let name = self.name(r);
                self.warn_once(
                    r,
                    bus,
                    &format!(
                        "boot ROM {name}() does nothing in thimble: the flash stays readable \
                         through XIP throughout"
                    ),
                );
                cost(r, 0)
            }
            Routine::FlashRangeErase | Routine::FlashRangeProgram => {
                let name = self.name(r);
                self.warn_once(
                    r,
                    bus,
                    &format!(
                        "boot ROM {name}(0x{a0:x}, {a1} bytes) does nothing in thimble: flash \
                         programming is not modelled and the flash keeps the ELF's contents"
                    ),
                );
                cost(r, 0)
            }
            Routine::ResetUsbBoot => {
                self.warn_once(
                    r,
                    bus,
                    "the firmware called the boot ROM's reset_to_usb_boot(): thimble has no USB \
                     boot mode, the core is parked",
                );
                cpu.primask = true;
                cpu.r[15] = at::PARK;
                return Ok(cost(r, 0));
            }
            Routine::WaitForVector | Routine::DebugTrampoline => {
                let name = self.name(r);
                self.warn_once(
                    r,
                    bus,
                    &format!("boot ROM {name}() is core 1's or the debugger's: the core is parked"),
                );
                cpu.primask = true;
                cpu.r[15] = at::PARK;
                return Ok(cost(r, 0));
            }
            Routine::Float(op) => float::call(op, false, cpu),
            Routine::Double(op) => float::call(op, true, cpu),
        };
        ret(cpu);
        Ok(cycles)
    }
}

impl BootRom {
    fn name(&self, r: Routine) -> String {
        self.list
            .iter()
            .find(|(x, _)| *x == r)
            .map_or_else(String::new, |(_, n)| n.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crc_is_crc32_mpeg2() {
        // The CRC-32/MPEG-2 check value.
        assert_eq!(boot2_crc(b"123456789"), 0x0376_E6E7);
        let mut b = vec![0x5Au8; 252];
        let c = boot2_crc(&b);
        b.extend_from_slice(&c.to_le_bytes());
        assert!(check_boot2(Some(&b)).is_ok());
        b[10] ^= 1;
        let e = check_boot2(Some(&b)).unwrap_err();
        assert!(e.contains(&format!("0x{c:08x}")), "{e}");
        assert!(e.contains("0x100000fc"), "{e}");
        assert!(check_boot2(None).unwrap_err().contains("no boot2"));
    }

    #[test]
    fn the_rom_has_the_layout_pico_sdk_reads() {
        let rom = image().bytes;
        let u16_at = |a: usize| u16::from_le_bytes([rom[a], rom[a + 1]]);
        assert_eq!(&rom[0x10..0x13], b"Mu\x01");
        assert_eq!(rom[0x13], ROM_VERSION);
        let lookup = u32::from(u16_at(0x18));
        assert_eq!(lookup & 1, 1, "a Thumb function pointer");
        let bkpt = u16_at((lookup & !1) as usize);
        assert_eq!(bkpt, 0xBE00 | u16::from(NATIVE_BKPT));
        // The function table holds memcpy ('M','C').
        let mut t = usize::from(u16_at(0x14));
        let mut found = false;
        while u16_at(t) != 0 {
            found |= u16_at(t) == code(b"MC");
            t += 4;
        }
        assert!(found);
        // The float table's size byte.
        let d = usize::from(u16_at(0x16));
        let sf = (0..)
            .map(|i| d + 4 * i)
            .find(|&a| u16_at(a) == code(b"SF"))
            .map(|a| usize::from(u16_at(a + 2)))
            .unwrap();
        assert!(usize::from(rom[sf - 2]) * 4 >= 0x80);
        let rom_obj = BootRom::new();
        let fadd = u32::from_le_bytes([rom[sf], rom[sf + 1], rom[sf + 2], rom[sf + 3]]) & !1;
        assert_eq!(rom_obj.routine_at(fadd), Some(Routine::Float(FloatOp::Add)));
    }
}

//! Chips as data: the peripherals of a microcontroller with their base addresses, interrupts
//! and registers (offset, reset value, which bits software may write, which clear when written
//! with one), as generated from the vendor's SVD file (`scripts/svd2regs.py`), plus the storage
//! every described register gets ([`RegisterFile`]) and the device that serves a described
//! peripheral no behaviour model handles ([`Described`]).
//!
//! A peripheral model with behaviour (a clock controller, a UART) keeps a [`RegisterFile`] of
//! its own description for the registers that are plain storage and handles the rest itself;
//! a register it does not handle is named once in the run's log of unmodelled accesses
//! ([`Mmio`]), never silently dropped.

use crate::device::{Device, DeviceCtx, DeviceError, Peek, Width};
use std::collections::BTreeMap;

/// A bit field of a register (for messages: "bit 25 PLLRDY").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDesc {
    /// Field name as the vendor spells it.
    pub name: &'static str,
    /// Lowest bit.
    pub lsb: u8,
    /// Width in bits.
    pub width: u8,
}

/// One register of a peripheral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegDesc {
    /// Register name as the vendor spells it (array elements as `CC[2]`).
    pub name: &'static str,
    /// Byte offset from the peripheral's base.
    pub offset: u32,
    /// Width in bits (8, 16 or 32).
    pub bits: u8,
    /// Value after reset.
    pub reset: u32,
    /// Bits software may write (0: read-only).
    pub write_mask: u32,
    /// Bits cleared by writing one (status flags).
    pub w1c_mask: u32,
    /// Whether reads return the register (false: write-only, reads as zero).
    pub readable: bool,
    /// Its fields, lowest first (may be empty).
    pub fields: &'static [FieldDesc],
}

impl RegDesc {
    /// The field holding bit `bit`, if the description names one.
    pub fn field_at(&self, bit: u8) -> Option<&FieldDesc> {
        self.fields
            .iter()
            .find(|f| bit >= f.lsb && u32::from(bit) < u32::from(f.lsb) + u32::from(f.width))
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDesc> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A field, in the generated register maps' short form.
pub const fn field(name: &'static str, lsb: u8, width: u8) -> FieldDesc {
    FieldDesc { name, lsb, width }
}

/// A register, in the generated register maps' short form (one line per register there).
#[allow(clippy::too_many_arguments)] // the fields of RegDesc, in order: data, not an API
pub const fn reg(
    name: &'static str,
    offset: u32,
    bits: u8,
    reset: u32,
    write_mask: u32,
    w1c_mask: u32,
    readable: bool,
    fields: &'static [FieldDesc],
) -> RegDesc {
    RegDesc {
        name,
        offset,
        bits,
        reset,
        write_mask,
        w1c_mask,
        readable,
        fields,
    }
}

/// One peripheral instance of a chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeripheralDesc {
    /// Instance name ("RCC", "UARTE0").
    pub name: &'static str,
    /// Base address.
    pub base: u32,
    /// Size of its address block in bytes.
    pub size: u32,
    /// Its interrupts: (name, IRQ number).
    pub irqs: &'static [(&'static str, u16)],
    /// Registers sorted by offset (one per offset: alternate views are left out).
    pub registers: &'static [RegDesc],
}

impl PeripheralDesc {
    /// The register at byte offset `offset` (exactly).
    pub fn register(&self, offset: u32) -> Option<&RegDesc> {
        self.registers
            .binary_search_by_key(&offset, |r| r.offset)
            .ok()
            .map(|i| &self.registers[i])
    }

    /// The register holding byte `offset` (any byte of it).
    pub fn register_holding(&self, offset: u32) -> Option<&RegDesc> {
        let i = self.registers.partition_point(|r| r.offset <= offset);
        let r = self.registers.get(i.checked_sub(1)?)?;
        (offset < r.offset + u32::from(r.bits / 8)).then_some(r)
    }

    /// The register called `name`.
    pub fn register_named(&self, name: &str) -> Option<&RegDesc> {
        self.registers.iter().find(|r| r.name == name)
    }

    /// The first IRQ of the peripheral.
    pub fn irq(&self) -> Option<u16> {
        self.irqs.first().map(|(_, n)| *n)
    }
}

/// A chip: its name, where its description comes from, and its peripherals by base address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChipDesc {
    /// Chip name ("nrf52840").
    pub name: &'static str,
    /// The SVD file and version the data was generated from.
    pub source: &'static str,
    /// Peripherals sorted by base address.
    pub peripherals: &'static [PeripheralDesc],
}

impl ChipDesc {
    /// The peripheral called `name`.
    pub fn peripheral(&self, name: &str) -> Option<&'static PeripheralDesc> {
        self.peripherals.iter().find(|p| p.name == name)
    }

    /// The peripheral whose block holds `addr`.
    pub fn peripheral_at(&self, addr: u32) -> Option<&'static PeripheralDesc> {
        let i = self.peripherals.partition_point(|p| p.base <= addr);
        let p = self.peripherals.get(i.checked_sub(1)?)?;
        (addr - p.base < p.size).then_some(p)
    }
}

/// Replaces the bytes `offset & 3 .. + width` of `word` with the low bytes of `value`.
pub fn merge_sub_word(word: u32, offset: u32, width: Width, value: u32) -> u32 {
    if width >= 4 {
        return value;
    }
    let shift = 8 * (offset & 3);
    let mask = ((1u32 << (8 * u32::from(width))) - 1) << shift;
    (word & !mask) | ((value << shift) & mask)
}

/// The bytes `offset & 3 .. + width` of `word`, at the bottom.
pub fn sub_word(word: u32, offset: u32, width: Width) -> u32 {
    let v = word >> (8 * (offset & 3));
    match width {
        1 => v & 0xFF,
        2 => v & 0xFFFF,
        _ => v,
    }
}

/// Storage for the registers of one described peripheral: each reads its reset value until
/// written, and keeps what software may write (read-only bits stay, W1C bits clear).
#[derive(Debug, Clone)]
pub struct RegisterFile {
    /// The description.
    pub desc: &'static PeripheralDesc,
    /// Current values, one per register of `desc.registers`, in the same order.
    values: Vec<u32>,
}

impl RegisterFile {
    /// All registers at their reset values.
    pub fn new(desc: &'static PeripheralDesc) -> RegisterFile {
        RegisterFile {
            desc,
            values: desc.registers.iter().map(|r| r.reset).collect(),
        }
    }

    /// Back to the reset values.
    pub fn reset(&mut self) {
        for (v, r) in self.values.iter_mut().zip(self.desc.registers) {
            *v = r.reset;
        }
    }

    fn index(&self, offset: u32) -> Option<usize> {
        self.desc
            .registers
            .binary_search_by_key(&offset, |r| r.offset)
            .ok()
    }

    /// The value of the register at `offset` (as stored; write-only registers too).
    pub fn get(&self, offset: u32) -> Option<u32> {
        self.index(offset).map(|i| self.values[i])
    }

    /// Sets the register at `offset` as hardware would (no write mask); false if none.
    pub fn set(&mut self, offset: u32, value: u32) -> bool {
        match self.index(offset) {
            Some(i) => {
                self.values[i] = value;
                true
            }
            None => false,
        }
    }

    /// Hardware sets (`set`) or clears bits of the register at `offset`.
    pub fn modify(&mut self, offset: u32, clear: u32, set: u32) {
        if let Some(i) = self.index(offset) {
            self.values[i] = (self.values[i] & !clear) | set;
        }
    }

    /// A software read of `width` bytes at byte `offset`: `None` when no register holds it.
    pub fn read(&self, offset: u32, width: Width) -> Option<u32> {
        let r = self.desc.register_holding(offset)?;
        let i = self.index(r.offset)?;
        let v = if r.readable { self.values[i] } else { 0 };
        Some(sub_word(v, offset - r.offset, width))
    }

    /// A software write of `width` bytes at byte `offset` with the register's write and W1C
    /// masks applied; returns the register's offset and new value, `None` when no register
    /// holds the address.
    pub fn write(&mut self, offset: u32, width: Width, value: u32) -> Option<(u32, u32)> {
        let r = *self.desc.register_holding(offset)?;
        let i = self.index(r.offset)?;
        let shift = 8 * (offset - r.offset);
        let touched = if width >= 4 {
            u32::MAX
        } else {
            ((1u32 << (8 * u32::from(width))) - 1) << shift
        };
        let value = value.checked_shl(shift).unwrap_or(0) & touched;
        let plain = r.write_mask & !r.w1c_mask & touched;
        let new = (self.values[i] & !plain) | (value & plain);
        let new = new & !(value & r.w1c_mask);
        self.values[i] = new;
        Some((r.offset, new))
    }
}

/// The log of accesses to chip registers no behaviour model handles, and to addresses inside
/// described peripherals that name no register; also decides whether they fault
/// (`--strict-mmio`). Each (peripheral, register) is warned about once on stderr.
#[derive(Debug, Clone, Default)]
pub struct Mmio {
    /// Unmodelled accesses fault (BusFault) instead of being served from storage.
    pub strict: bool,
    /// Print the first access to each unmodelled register on stderr.
    pub echo: bool,
    /// Accesses by address.
    pub entries: BTreeMap<u32, Unmodelled>,
}

/// Accesses to one unmodelled address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmodelled {
    /// Peripheral name ("SAADC"), or "-" outside every described peripheral.
    pub peripheral: String,
    /// Register name, or its offset ("+0x0ee4") when the description names none.
    pub register: String,
    /// Reads.
    pub reads: u64,
    /// Writes.
    pub writes: u64,
}

impl Mmio {
    /// Records an access at `addr` to `register` of `peripheral` that no model handles;
    /// `Err` when unmodelled accesses fault (`--strict-mmio`).
    pub fn unmodelled(
        &mut self,
        addr: u32,
        peripheral: &str,
        register: &str,
        write: bool,
    ) -> Result<(), DeviceError> {
        let echo = self.echo;
        let e = self.entries.entry(addr).or_insert_with(|| {
            if echo {
                let what = if write { "write to" } else { "read of" };
                let serves = if peripheral == "-" {
                    "it reads as zero and ignores writes"
                } else {
                    "it reads its reset value and keeps what is written"
                };
                eprintln!(
                    "thimble: warning: {what} 0x{addr:08x} ({peripheral}.{register}) is not modelled: \
                     {serves} (--strict-mmio makes this a BusFault)"
                );
            }
            Unmodelled {
                peripheral: peripheral.to_string(),
                register: register.to_string(),
                reads: 0,
                writes: 0,
            }
        });
        if write {
            e.writes += 1;
        } else {
            e.reads += 1;
        }
        if self.strict {
            Err(DeviceError)
        } else {
            Ok(())
        }
    }
}

/// The name of the register holding byte `offset` of `desc`, or `+0x...` when none does.
pub fn register_name(desc: &PeripheralDesc, offset: u32) -> String {
    match desc.register_holding(offset) {
        Some(r) if r.offset == offset => r.name.to_string(),
        Some(r) => format!("{}+{}", r.name, offset - r.offset),
        None => format!("+0x{offset:03x}"),
    }
}

/// Described peripherals without a behaviour model, at one base address (nRF chips put
/// several views of one block at the same address: UART0 and UARTE0): their registers are
/// storage with reset values, the first description naming an offset serving it; every access
/// is logged as unmodelled (and faults with `--strict-mmio`).
#[derive(Debug, Clone)]
pub struct Described {
    name: String,
    regs: Vec<RegisterFile>,
}

impl Described {
    /// Storage for the peripherals `descs` (sharing one base address; at least one).
    pub fn new(descs: &[&'static PeripheralDesc]) -> Described {
        Described {
            name: descs.iter().map(|d| d.name).collect::<Vec<_>>().join("/"),
            regs: descs.iter().map(|d| RegisterFile::new(d)).collect(),
        }
    }

    /// The register file whose description holds byte `offset` (else the first).
    fn file(&mut self, offset: u32) -> &mut RegisterFile {
        let i = self
            .regs
            .iter()
            .position(|f| f.desc.register_holding(offset).is_some())
            .unwrap_or(0);
        &mut self.regs[i]
    }
}

impl Device for Described {
    fn name(&self) -> &str {
        &self.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        let f = self.file(offset);
        let d = f.desc;
        ctx.mmio
            .unmodelled(d.base + offset, d.name, &register_name(d, offset), false)?;
        Ok(f.read(offset, width).unwrap_or(0))
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let f = self.file(offset);
        let d = f.desc;
        ctx.mmio
            .unmodelled(d.base + offset, d.name, &register_name(d, offset), true)?;
        f.write(offset, width, value);
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, _: &Peek) -> Option<u32> {
        self.regs.iter().find_map(|f| f.read(offset, width))
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        for f in &mut self.regs {
            f.reset();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static FIELDS: [FieldDesc; 2] = [
        FieldDesc {
            name: "ON",
            lsb: 0,
            width: 1,
        },
        FieldDesc {
            name: "RDY",
            lsb: 25,
            width: 1,
        },
    ];
    static REGS: [RegDesc; 3] = [
        RegDesc {
            name: "CR",
            offset: 0,
            bits: 32,
            reset: 0x63,
            write_mask: 0x0000_FFFF,
            w1c_mask: 0,
            readable: true,
            fields: &FIELDS,
        },
        RegDesc {
            name: "SR",
            offset: 4,
            bits: 32,
            reset: 0xC0,
            write_mask: 0x0F,
            w1c_mask: 0x0F,
            readable: true,
            fields: &[],
        },
        RegDesc {
            name: "TASK",
            offset: 8,
            bits: 32,
            reset: 0,
            write_mask: 1,
            w1c_mask: 0,
            readable: false,
            fields: &[],
        },
    ];
    static P: PeripheralDesc = PeripheralDesc {
        name: "X",
        base: 0x4000_0000,
        size: 0x400,
        irqs: &[("X", 3)],
        registers: &REGS,
    };

    #[test]
    fn registers_read_reset_values_and_keep_writable_bits() {
        let mut f = RegisterFile::new(&P);
        assert_eq!(f.read(0, 4), Some(0x63));
        assert_eq!(f.read(1, 1), Some(0));
        f.write(0, 4, 0xFFFF_FFFF);
        assert_eq!(f.read(0, 4), Some(0x0000_FFFF), "read-only bits stay");
        f.write(1, 1, 0x12);
        assert_eq!(f.read(0, 4), Some(0x0000_12FF), "byte write merges");
        assert_eq!(f.read(0x20, 4), None);
        f.reset();
        assert_eq!(f.get(0), Some(0x63));
    }

    #[test]
    fn w1c_bits_clear_and_write_only_reads_zero() {
        let mut f = RegisterFile::new(&P);
        f.set(4, 0xCF);
        f.write(4, 4, 0x05);
        assert_eq!(f.read(4, 4), Some(0xCA));
        f.write(8, 4, 1);
        assert_eq!(f.get(8), Some(1));
        assert_eq!(f.read(8, 4), Some(0));
    }

    #[test]
    fn names_for_messages() {
        assert_eq!(register_name(&P, 0), "CR");
        assert_eq!(register_name(&P, 2), "CR+2");
        assert_eq!(register_name(&P, 0x100), "+0x100");
        assert_eq!(REGS[0].field_at(25).map(|f| f.name), Some("RDY"));
        let chip = ChipDesc {
            name: "c",
            source: "test",
            peripherals: std::slice::from_ref(&P),
        };
        assert_eq!(chip.peripheral_at(0x4000_03FF).map(|p| p.name), Some("X"));
        assert!(chip.peripheral_at(0x4000_0400).is_none());
        assert_eq!(P.irq(), Some(3));
    }

    #[test]
    fn unmodelled_accesses_are_counted_once_named_and_fault_when_strict() {
        let mut m = Mmio::default();
        assert!(m.unmodelled(0x4000_0000, "X", "CR", false).is_ok());
        assert!(m.unmodelled(0x4000_0000, "X", "CR", true).is_ok());
        let e = &m.entries[&0x4000_0000];
        assert_eq!((e.reads, e.writes), (1, 1));
        m.strict = true;
        assert!(m.unmodelled(0x4000_0004, "X", "SR", false).is_err());
    }
}

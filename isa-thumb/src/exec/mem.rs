//! Data accesses of the executor with the architecture's alignment rules (ARMv7-M A3.2.1,
//! ARMv6-M A3.2.1) and bus errors turned into precise BusFaults.
//!
//! Alignment: single LDR/STR/LDRH/STRH/LDRSH/LDRT.. may be unaligned on ARMv7-M unless
//! CCR.UNALIGN_TRP is set; LDM/STM/PUSH/POP/LDRD/STRD/LDREX/STREX (and TBH's table read is a
//! normal halfword read) always fault when unaligned. ARMv6-M has CCR.UNALIGN_TRP fixed at 1,
//! so the same test makes every unaligned access fault there.

use sim_core::bus::BusError;
use sim_core::exception::ccr;
use sim_core::isa::{BusFaultKind, Fault, UsageCause};
use sim_core::Bus;

/// Which alignment rule applies to an access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Single loads and stores: unaligned allowed unless CCR.UNALIGN_TRP.
    Single,
    /// Multiple, doubleword and exclusive accesses: unaligned always faults.
    Strict,
}

#[inline(always)]
fn check(bus: &Bus, addr: u32, size: u32, rule: Align) -> Result<(), Fault> {
    if addr & (size - 1) != 0 && (rule == Align::Strict || bus.exc.ccr & ccr::UNALIGN_TRP != 0) {
        return Err(Fault::Usage(UsageCause::Unaligned));
    }
    Ok(())
}

#[cold]
fn data_fault(e: BusError) -> Fault {
    Fault::Bus {
        kind: BusFaultKind::Data,
        addr: e.addr(),
    }
}

/// Reads a byte.
#[inline(always)]
pub fn read8(bus: &mut Bus, addr: u32) -> Result<u32, Fault> {
    bus.read8(addr).map_err(data_fault)
}

/// Reads a halfword under `rule`.
#[inline(always)]
pub fn read16(bus: &mut Bus, addr: u32, rule: Align) -> Result<u32, Fault> {
    check(bus, addr, 2, rule)?;
    bus.read16(addr).map_err(data_fault)
}

/// Reads a word under `rule`.
#[inline(always)]
pub fn read32(bus: &mut Bus, addr: u32, rule: Align) -> Result<u32, Fault> {
    check(bus, addr, 4, rule)?;
    bus.read32(addr).map_err(data_fault)
}

/// Writes a byte.
#[inline(always)]
pub fn write8(bus: &mut Bus, addr: u32, v: u32) -> Result<(), Fault> {
    bus.write8(addr, v).map_err(data_fault)
}

/// Writes a halfword under `rule`.
#[inline(always)]
pub fn write16(bus: &mut Bus, addr: u32, v: u32, rule: Align) -> Result<(), Fault> {
    check(bus, addr, 2, rule)?;
    bus.write16(addr, v).map_err(data_fault)
}

/// Writes a word under `rule`.
#[inline(always)]
pub fn write32(bus: &mut Bus, addr: u32, v: u32, rule: Align) -> Result<(), Fault> {
    check(bus, addr, 4, rule)?;
    bus.write32(addr, v).map_err(data_fault)
}

/// Whether instruction fetch from `addr` is forbidden by the default memory map's
/// execute-never attribute (ARMv7-M B3.1, Table B3-1): Peripheral 0x4000_0000-0x5FFF_FFFF,
/// Device 0xA000_0000-0xDFFF_FFFF and System 0xE000_0000 upward.
#[inline(always)]
pub fn execute_never(addr: u32) -> bool {
    (0x4000_0000..0x6000_0000).contains(&addr) || addr >= 0xA000_0000
}

/// The fault of a failed instruction fetch at `addr`.
#[cold]
pub fn fetch_fault(addr: u32) -> Fault {
    if execute_never(addr) {
        Fault::MemManage {
            addr,
            instruction: true,
        }
    } else {
        Fault::Bus {
            kind: BusFaultKind::Instruction,
            addr,
        }
    }
}

//! Building blocks of the executor shared by the instruction forms: data processing with the
//! ARM ARM flag rules, the PC write flavours, and load/store multiple.
//!
//! While an instruction executes, `cpu.r[15]` holds the instruction's address + 4, which is
//! what a PC operand reads as (A5.1.2); the executor puts the next PC there afterwards.

use crate::alu::{self, add_with_carry};
use crate::exec::mem::{self, Align};
use crate::instr::{MulLongOp, RevOp};
use sim_core::cpu::Mode;
use sim_core::isa::Flow;
use sim_core::{Bus, Cpu, Fault};

/// Data-processing operations (A5.3.1 / A5.2.2 operation fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dp {
    /// AND.
    And,
    /// EOR.
    Eor,
    /// ORR.
    Orr,
    /// ORN.
    Orn,
    /// BIC.
    Bic,
    /// MOV.
    Mov,
    /// MVN.
    Mvn,
    /// ADD.
    Add,
    /// ADC.
    Adc,
    /// SUB.
    Sub,
    /// SBC.
    Sbc,
    /// RSB.
    Rsb,
    /// TST (AND, flags only).
    Tst,
    /// TEQ (EOR, flags only).
    Teq,
    /// CMP (SUB, flags only).
    Cmp,
    /// CMN (ADD, flags only).
    Cmn,
}

/// What a PC write means for the run loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PcWrite {
    /// No write to PC.
    None,
    /// PC was written (branch).
    Branch(Flow),
}

/// Computes a data-processing operation; returns the result and whether it is written to Rd.
/// `b` is the second operand (already shifted/expanded), `sc` the shifter's carry out.
#[inline(always)]
pub fn dp(cpu: &mut Cpu, op: Dp, a: u32, b: u32, sc: bool, setflags: bool) -> (u32, bool) {
    let (r, logical, write, c, v) = match op {
        Dp::And => (a & b, true, true, sc, false),
        Dp::Tst => (a & b, true, false, sc, false),
        Dp::Eor => (a ^ b, true, true, sc, false),
        Dp::Teq => (a ^ b, true, false, sc, false),
        Dp::Orr => (a | b, true, true, sc, false),
        Dp::Orn => (a | !b, true, true, sc, false),
        Dp::Bic => (a & !b, true, true, sc, false),
        Dp::Mov => (b, true, true, sc, false),
        Dp::Mvn => (!b, true, true, sc, false),
        Dp::Add => {
            let (r, c, v) = add_with_carry(a, b, false);
            (r, false, true, c, v)
        }
        Dp::Cmn => {
            let (r, c, v) = add_with_carry(a, b, false);
            (r, false, false, c, v)
        }
        Dp::Adc => {
            let (r, c, v) = add_with_carry(a, b, cpu.c);
            (r, false, true, c, v)
        }
        Dp::Sub => {
            let (r, c, v) = add_with_carry(a, !b, true);
            (r, false, true, c, v)
        }
        Dp::Cmp => {
            let (r, c, v) = add_with_carry(a, !b, true);
            (r, false, false, c, v)
        }
        Dp::Sbc => {
            let (r, c, v) = add_with_carry(a, !b, cpu.c);
            (r, false, true, c, v)
        }
        Dp::Rsb => {
            let (r, c, v) = add_with_carry(!a, b, true);
            (r, false, true, c, v)
        }
    };
    if setflags || !write {
        cpu.n = r >> 31 != 0;
        cpu.z = r == 0;
        cpu.c = c;
        if !logical {
            cpu.v = v;
        }
    }
    (r, write)
}

/// Sets N and Z from a result (logical ops without carry change, MUL, etc.).
#[inline(always)]
pub fn set_nz(cpu: &mut Cpu, r: u32) {
    cpu.n = r >> 31 != 0;
    cpu.z = r == 0;
}

/// `BranchWritePC`: a branch within Thumb state.
#[inline(always)]
pub fn branch_write_pc(cpu: &mut Cpu, addr: u32) {
    cpu.r[15] = addr & !1;
}

/// `BXWritePC` / `LoadWritePC` (B1.4.7 and A2.3.1): interworking branch; in handler mode an
/// address of 0xFxxx_xxxx is an exception return. Bit 0 clear sets EPSR.T to 0, so the next
/// instruction takes an INVSTATE UsageFault.
#[inline(always)]
pub fn bx_write_pc(
    cpu: &mut Cpu,
    bus: &mut Bus,
    addr: u32,
    cycles: &mut u32,
) -> Result<Flow, Fault> {
    if cpu.mode == Mode::Handler && addr >> 28 == 0xF {
        *cycles += crate::exception::exception_return(cpu, bus, addr)?;
        return Ok(Flow::ExceptionReturn);
    }
    cpu.thumb = addr & 1 != 0;
    if !cpu.thumb {
        // End the run batch: the run loop checks EPSR.T when a batch starts (INVSTATE).
        bus.exc.dirty = true;
    }
    cpu.r[15] = addr & !1;
    Ok(Flow::Return)
}

/// `LDM`/`POP` core: loads the registers of `list` from consecutive words at `addr`; PC last
/// (interworking, possibly an exception return). Returns the flow and whether PC was loaded.
/// `wback_value` is written to `rn` (when `Some`) after the loads and before the PC write,
/// unless `rn` is in the list (then the loaded value wins, the UNPREDICTABLE case resolved as
/// on Cortex-M hardware for v7-M LDM with Rn in the list).
#[inline]
pub fn load_multiple(
    cpu: &mut Cpu,
    bus: &mut Bus,
    rn: usize,
    list: u16,
    addr: u32,
    wback_value: Option<u32>,
    cycles: &mut u32,
) -> Result<Option<Flow>, Fault> {
    let mut a = addr;
    let mut vals = [0u32; 16];
    let mut bits = list;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        vals[i] = mem::read32(bus, a, Align::Strict)?;
        a = a.wrapping_add(4);
    }
    // All loads succeeded: commit (a faulting LDM leaves the registers as they were, which is
    // one of the permitted outcomes and keeps restart simple).
    let mut bits = list & 0x7fff;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if i == 13 {
            cpu.r[13] = vals[13] & !3;
        } else {
            cpu.r[i] = vals[i];
        }
    }
    if let Some(w) = wback_value {
        if list & (1 << rn) == 0 {
            cpu.r[rn] = w;
        }
    }
    if list & 0x8000 != 0 {
        return bx_write_pc(cpu, bus, vals[15], cycles).map(Some);
    }
    Ok(None)
}

/// `STM`/`PUSH` core: stores the registers of `list` to consecutive words from `addr`.
/// A base register in the list stores its original value.
#[inline]
pub fn store_multiple(cpu: &Cpu, bus: &mut Bus, list: u16, addr: u32) -> Result<(), Fault> {
    let mut a = addr;
    let mut bits = list;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        mem::write32(bus, a, cpu.r[i], Align::Strict)?;
        a = a.wrapping_add(4);
    }
    Ok(())
}

/// Offset addressing of the single loads/stores: the address used and the written-back base.
#[inline(always)]
pub fn address(base: u32, offset: u32, add: bool, index: bool) -> (u32, u32) {
    let offset_addr = if add {
        base.wrapping_add(offset)
    } else {
        base.wrapping_sub(offset)
    };
    (if index { offset_addr } else { base }, offset_addr)
}

/// Counts the registers of a list (LDM/STM cost is 1 + N).
#[inline(always)]
pub fn count(list: u16) -> u32 {
    list.count_ones()
}

/// SSAT: saturates `v` (already shifted) to a signed `n`-bit value; sets Q on saturation.
#[inline]
pub fn ssat(cpu: &mut Cpu, v: i32, n: u32) -> u32 {
    let (r, sat) = alu::signed_sat_q(i64::from(v), n);
    cpu.q |= sat;
    r
}

/// USAT: saturates `v` (already shifted) to an unsigned `n`-bit value; sets Q on saturation.
#[inline]
pub fn usat(cpu: &mut Cpu, v: i32, n: u32) -> u32 {
    let (r, sat) = alu::unsigned_sat_q(i64::from(v), n);
    cpu.q |= sat;
    r
}

/// UMULL/SMULL/UMLAL/SMLAL of `n` and `m` with the accumulator RdHi:RdLo `acc`: the 64-bit
/// result and the cycles (`mul` for the plain forms, `mla` for the accumulating ones).
#[inline(always)]
pub fn mul_long(op: MulLongOp, n: u32, m: u32, acc: u64, mul: u32, mla: u32) -> (u64, u32) {
    match op {
        MulLongOp::Umull => (u64::from(n) * u64::from(m), mul),
        MulLongOp::Smull => ((i64::from(n as i32) * i64::from(m as i32)) as u64, mul),
        MulLongOp::Umlal => ((u64::from(n) * u64::from(m)).wrapping_add(acc), mla),
        MulLongOp::Smlal => (
            ((i64::from(n as i32) * i64::from(m as i32)) as u64).wrapping_add(acc),
            mla,
        ),
    }
}

/// REV/REV16/REVSH/RBIT.
#[inline(always)]
pub fn rev(op: RevOp, v: u32) -> u32 {
    match op {
        RevOp::Rev => v.swap_bytes(),
        RevOp::Rev16 => ((v & 0xff00_ff00) >> 8) | ((v & 0x00ff_00ff) << 8),
        RevOp::Revsh => (v as u16).swap_bytes() as i16 as i32 as u32,
        RevOp::Rbit => v.reverse_bits(),
    }
}

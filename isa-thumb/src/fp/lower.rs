//! FP instructions lowered for the decode cache's fast path ([`crate::exec::fast`]): the common
//! shapes of compiled float code (VLDR/VSTR, VMOV between core and S registers, VMRS of the
//! flags, single-precision arithmetic, and any other register-only instruction the host fast
//! path [`super::fast`] serves) with the decode-time choices made once: the transfer's first S
//! register and word count, a literal's address, the cycle cost.
//!
//! Contract (as for the integer fast forms): when [`crate::exception::fp_ready`] holds,
//! running a lowered form leaves the CPU, the bus and the core exactly as the generic path
//! (`Core::execute` → [`super::execute`]) would, or says so (`false`) without having
//! changed anything, and the caller runs the generic path. Whatever the FP check would have
//! to do (NOCP, lazy preservation, a new FP context) and every operand the host arithmetic
//! cannot prove bit-exact take the generic path. The test
//! `fast_forms_equal_the_generic_executor` (exec/fast.rs) compares both on random FP
//! encodings, operands, FPSCR modes and CPACR/FPCCR states.

use super::{bus_fault, fast, transfer, BinOp, FpInstr, UnOp};
use crate::instr::Instr;
use crate::timing::Timing;
use sim_core::{Bus, Cpu, Fault, InstrClass};

/// An FP instruction in its fast form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FpFast {
    /// VLDR S[`s`], [R[`rn`], #`off`] (`rn` is not PC): one word.
    Ldr {
        /// S register.
        s: u8,
        /// Base register.
        rn: u8,
        /// Signed byte offset (±1020).
        off: i16,
    },
    /// VSTR S[`s`], [R[`rn`], #`off`] (`rn` is not PC): one word.
    Str {
        /// S register.
        s: u8,
        /// Base register.
        rn: u8,
        /// Signed byte offset (±1020).
        off: i16,
    },
    /// VLDR/VSTR of a D register: two words at R[`rn`] + `off` (`rn` is not PC), to or from
    /// S[`first`]...
    LdSt {
        /// Load (else store).
        load: bool,
        /// First S register.
        first: u8,
        /// Base register.
        rn: u8,
        /// Signed byte offset (±1020).
        off: i16,
    },
    /// VLDM/VSTM/VPUSH/VPOP: `words` words from R[`rn`] (less 4 × `words` first when `db`),
    /// with optional writeback (GCC's `*p++` on floats is VLDMIA Rn!, {Sd}).
    LdStM {
        /// Load (else store).
        load: bool,
        /// Words transferred (1-32).
        words: u8,
        /// First S register.
        first: u8,
        /// Base register (not PC).
        rn: u8,
        /// Decrement before (else increment after).
        db: bool,
        /// Write the end address back to `rn`.
        wback: bool,
    },
    /// PC-relative VLDR: the address is fixed at decode.
    LdLit {
        /// 1 or 2.
        words: u8,
        /// First S register.
        first: u8,
        /// Align(PC + 4, 4) ± offset.
        addr: u32,
    },
    /// VMOV Rt, Sn (`rt` not SP or PC).
    ToCore {
        /// Core register.
        rt: u8,
        /// S register.
        s: u8,
    },
    /// VMOV Sn, Rt (`rt` not SP or PC).
    FromCore {
        /// S register.
        s: u8,
        /// Core register.
        rt: u8,
    },
    /// VMRS APSR_nzcv, FPSCR.
    Flags,
    /// VADD.F32 (`sub` false) or VSUB.F32: S[`d`] = S[`n`] ± S[`m`].
    Add {
        /// Destination.
        d: u8,
        /// First operand.
        n: u8,
        /// Second operand.
        m: u8,
        /// Subtract.
        sub: bool,
    },
    /// VMUL.F32 or VNMUL.F32 (`neg`).
    Mul {
        /// Destination.
        d: u8,
        /// First operand.
        n: u8,
        /// Second operand.
        m: u8,
        /// Negate the product.
        neg: bool,
    },
    /// VFMA/VFMS/VFNMA/VFNMS.F32: S[`d`] = ±S[`d`] + ±S[`n`] × S[`m`], one rounding.
    Fused {
        /// Destination and addend.
        d: u8,
        /// First factor.
        n: u8,
        /// Second factor.
        m: u8,
        /// Negate the addend (VFNMA, VFNMS).
        neg_d: bool,
        /// Negate the first factor (VFMS, VFNMA).
        neg_n: bool,
    },
    /// VMLA/VMLS/VNMLA/VNMLS.F32: S[`d`] = ±S[`d`] ± S[`n`] × S[`m`], two roundings.
    Mac {
        /// Destination and accumulator.
        d: u8,
        /// First factor.
        n: u8,
        /// Second factor.
        m: u8,
        /// Negate the accumulator (VNMLA, VNMLS).
        neg_d: bool,
        /// Subtract the product (VMLS, VNMLA).
        neg_p: bool,
    },
    /// VMOV/VABS/VNEG.F32 S[`d`], S[`m`]: a copy with the sign bit cleared and/or flipped.
    Bits {
        /// Destination.
        d: u8,
        /// Operand.
        m: u8,
        /// Clear the sign (VABS).
        clear: bool,
        /// Flip the sign (VNEG).
        flip: bool,
    },
    /// VMOV.F32 S[`d`], #imm: the expanded immediate.
    Imm {
        /// Destination.
        d: u8,
        /// The single's bits.
        bits: u32,
    },
    /// Double-precision two- or three-operand arithmetic through [`fast::bin64`].
    Bin64 {
        /// Operation.
        op: BinOp,
        /// Destination and accumulator (D register).
        d: u8,
        /// First operand.
        n: u8,
        /// Second operand.
        m: u8,
    },
    /// The other single-precision two-operand arithmetic (VDIV) through [`fast::bin32`].
    Bin32 {
        /// Operation (not VMAXNM/VMINNM).
        op: BinOp,
        /// Destination and accumulator.
        d: u8,
        /// First operand.
        n: u8,
        /// Second operand.
        m: u8,
    },
    /// Any other register-only instruction: [`fast::compute`] on the decoded instruction.
    Compute,
}

/// Lowers `op` fetched at `pc` to its fast form, its class and the cycles it costs (both
/// fixed by the instruction: the class is FPU divide/square root for VDIV and VSQRT, FPU
/// load/store for transfers, FPU otherwise, as [`super::execute`] reports); `None` when it
/// has none.
pub(crate) fn lower(op: &FpInstr, pc: u32, t: &Timing) -> Option<(FpFast, InstrClass, u8)> {
    let plain = |r: u8| r < 15 && r != 13;
    let f = match *op {
        FpInstr::LdSt {
            load,
            dp,
            d,
            rn,
            add,
            imm8,
        } => {
            let words = if dp { 2 } else { 1 };
            let first = if dp { 2 * d } else { d };
            let off = i16::from(imm8) * 4;
            let off = if add { off } else { -off };
            if rn == 15 {
                if !load {
                    return None; // VSTR with PC as the base: UNPREDICTABLE, left to the generic path
                }
                let base = pc.wrapping_add(4) & !3;
                FpFast::LdLit {
                    words,
                    first,
                    addr: base.wrapping_add(off as i32 as u32),
                }
            } else if dp {
                FpFast::LdSt {
                    load,
                    first,
                    rn,
                    off,
                }
            } else if load {
                FpFast::Ldr { s: first, rn, off }
            } else {
                FpFast::Str { s: first, rn, off }
            }
        }
        FpInstr::LdStM {
            load,
            dp,
            d,
            count,
            rn,
            db,
            wback,
        } if rn != 15 => FpFast::LdStM {
            load,
            words: count * if dp { 2 } else { 1 },
            first: if dp { 2 * d } else { d },
            rn,
            db,
            wback,
        },
        FpInstr::MovCore { to_core, s, rt } if plain(rt) => {
            if to_core {
                FpFast::ToCore { rt, s }
            } else {
                FpFast::FromCore { s, rt }
            }
        }
        FpInstr::Vmrs { rt: 15 } => FpFast::Flags,
        FpInstr::Bin {
            op,
            dp: false,
            d,
            n,
            m,
        } => match op {
            BinOp::Add | BinOp::Sub => FpFast::Add {
                d,
                n,
                m,
                sub: op == BinOp::Sub,
            },
            BinOp::Mul | BinOp::Nmul => FpFast::Mul {
                d,
                n,
                m,
                neg: op == BinOp::Nmul,
            },
            BinOp::Fma | BinOp::Fms | BinOp::Fnma | BinOp::Fnms => FpFast::Fused {
                d,
                n,
                m,
                neg_d: matches!(op, BinOp::Fnma | BinOp::Fnms),
                neg_n: matches!(op, BinOp::Fms | BinOp::Fnma),
            },
            BinOp::Mla | BinOp::Mls | BinOp::Nmla | BinOp::Nmls => FpFast::Mac {
                d,
                n,
                m,
                neg_d: matches!(op, BinOp::Nmla | BinOp::Nmls),
                neg_p: matches!(op, BinOp::Mls | BinOp::Nmla),
            },
            BinOp::MaxNm | BinOp::MinNm => FpFast::Compute,
            BinOp::Div => FpFast::Bin32 { op, d, n, m },
        },
        FpInstr::Un {
            op: op @ (UnOp::Mov | UnOp::Abs | UnOp::Neg),
            dp: false,
            d,
            m,
        } => FpFast::Bits {
            d,
            m,
            clear: op == UnOp::Abs,
            flip: op == UnOp::Neg,
        },
        FpInstr::MovImm { dp: false, d, imm8 } => FpFast::Imm {
            d,
            bits: super::soft::expand_imm(super::soft::F32, imm8) as u32,
        },
        FpInstr::Bin {
            op,
            dp: true,
            d,
            n,
            m,
        } if !matches!(op, BinOp::MaxNm | BinOp::MinNm) => FpFast::Bin64 { op, d, n, m },
        FpInstr::Bin { .. }
        | FpInstr::Un { .. }
        | FpInstr::MovImm { .. }
        | FpInstr::Sel { .. }
        | FpInstr::Cmp { .. }
        | FpInstr::CvtSD { .. }
        | FpInstr::CvtToInt { .. }
        | FpInstr::CvtFromInt { .. }
        | FpInstr::CvtFixed { .. } => FpFast::Compute,
        _ => return None,
    };
    let class = match *op {
        FpInstr::Bin { op: BinOp::Div, .. } | FpInstr::Un { op: UnOp::Sqrt, .. } => {
            InstrClass::FpuDivSqrt
        }
        FpInstr::LdSt { .. }
        | FpInstr::LdStM { .. }
        | FpInstr::MovCore { .. }
        | FpInstr::MovCore2 { .. }
        | FpInstr::MovScalar { .. }
        | FpInstr::Vmrs { .. }
        | FpInstr::Vmsr { .. } => InstrClass::FpuLoadStore,
        _ => InstrClass::Fpu,
    };
    let cycles = u8::try_from(crate::exec::fp_cycles(t, op, class)).ok()?;
    Some((f, class, cycles))
}

/// The sign bit when `neg`.
#[inline(always)]
fn sign(neg: bool) -> u32 {
    u32::from(neg) << 31
}

/// S[`r`] (`r` < 32 by construction; the mask only spares the bounds check).
#[inline(always)]
fn sreg(cpu: &Cpu, r: u8) -> u32 {
    cpu.s[usize::from(r) & 31]
}

/// Writes a single-precision host result to S[`d`] with its flags ORed into FPSCR `sc`, or
/// says the generic path must run (`None`: nothing changed).
#[inline(always)]
fn commit(cpu: &mut Cpu, d: u8, sc: u32, out: Option<(u32, u32)>) -> Result<bool, Fault> {
    match out {
        Some((r, flags)) => {
            cpu.s[usize::from(d) & 31] = r;
            cpu.fpscr = sc | flags;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// [`FpFast::Fused`], shared with its own variant of the decode cache's fast forms
/// (`Fast::FpFused`): false when the host path declines (nothing changed).
#[inline(always)]
pub(crate) fn fused(cpu: &mut Cpu, d: u8, n: u8, m: u8, neg_d: bool, neg_n: bool) -> bool {
    let sc = cpu.fpscr;
    let acc = sreg(cpu, d) ^ sign(neg_d);
    let out = fast::fma32(sc, acc, sreg(cpu, n) ^ sign(neg_n), sreg(cpu, m));
    matches!(commit(cpu, d, sc, out), Ok(true))
}

/// [`FpFast::Ldr`], shared with `Fast::FpLdr` as [`fused`] is.
#[inline(always)]
pub(crate) fn ldr(cpu: &mut Cpu, bus: &mut Bus, s: u8, rn: u8, off: i16) -> Result<bool, Fault> {
    let addr = cpu.r[usize::from(rn) & 15].wrapping_add(off as i32 as u32);
    if addr & 3 != 0 {
        return Ok(false); // the alignment UsageFault
    }
    cpu.s[usize::from(s) & 31] = bus.read32(addr).map_err(|e| bus_fault(e.addr()))?;
    Ok(true)
}

/// Runs `f` (lowered from `instr`); the caller has checked [`crate::exception::fp_ready`].
/// `Ok(false)`: nothing changed, run the generic path. A bus error is the BusFault the
/// generic path raises, after the same partial transfer.
#[inline(always)]
pub(crate) fn run(f: &FpFast, instr: &Instr, cpu: &mut Cpu, bus: &mut Bus) -> Result<bool, Fault> {
    match *f {
        FpFast::LdSt {
            load,
            first,
            rn,
            off,
        } => {
            let addr = cpu.r[usize::from(rn)].wrapping_add(off as i32 as u32);
            if addr & 3 != 0 {
                return Ok(false); // the alignment UsageFault
            }
            transfer(cpu, bus, load, addr, first, 2)?;
            Ok(true)
        }
        FpFast::Ldr { s, rn, off } => ldr(cpu, bus, s, rn, off),
        FpFast::Str { s, rn, off } => {
            let addr = cpu.r[usize::from(rn) & 15].wrapping_add(off as i32 as u32);
            if addr & 3 != 0 {
                return Ok(false); // the alignment UsageFault
            }
            bus.write32(addr, sreg(cpu, s))
                .map_err(|e| bus_fault(e.addr()))?;
            Ok(true)
        }
        FpFast::LdStM {
            load,
            words,
            first,
            rn,
            db,
            wback,
        } => {
            let base = cpu.r[usize::from(rn)];
            let size = 4 * u32::from(words);
            let start = if db { base.wrapping_sub(size) } else { base };
            if start & 3 != 0 {
                return Ok(false); // the alignment UsageFault
            }
            transfer(cpu, bus, load, start, first, words)?;
            if wback {
                let end = if db { start } else { base.wrapping_add(size) };
                cpu.r[usize::from(rn)] = end;
            }
            Ok(true)
        }
        FpFast::LdLit { words, first, addr } => {
            if addr & 3 != 0 {
                return Ok(false);
            }
            transfer(cpu, bus, true, addr, first, words)?;
            Ok(true)
        }
        FpFast::ToCore { rt, s } => {
            cpu.r[usize::from(rt)] = cpu.s[usize::from(s)];
            Ok(true)
        }
        FpFast::FromCore { s, rt } => {
            cpu.s[usize::from(s)] = cpu.r[usize::from(rt)];
            Ok(true)
        }
        FpFast::Flags => {
            cpu.set_nzcvq((cpu.fpscr & 0xF000_0000) | (u32::from(cpu.q) << 27));
            Ok(true)
        }
        FpFast::Add { d, n, m, sub } => {
            let sc = cpu.fpscr;
            let out = fast::add32(sc, sreg(cpu, n), sreg(cpu, m) ^ sign(sub));
            commit(cpu, d, sc, out)
        }
        FpFast::Mul { d, n, m, neg } => {
            let sc = cpu.fpscr;
            let out = fast::mul32(sc, sreg(cpu, n), sreg(cpu, m));
            commit(cpu, d, sc, out.map(|(r, f)| (r ^ sign(neg), f)))
        }
        FpFast::Fused {
            d,
            n,
            m,
            neg_d,
            neg_n,
        } => Ok(fused(cpu, d, n, m, neg_d, neg_n)),
        FpFast::Mac {
            d,
            n,
            m,
            neg_d,
            neg_p,
        } => {
            let sc = cpu.fpscr;
            let acc = sreg(cpu, d) ^ sign(neg_d);
            let out = fast::mac32(sc, acc, sreg(cpu, n), sreg(cpu, m), neg_p);
            commit(cpu, d, sc, out)
        }
        FpFast::Bits { d, m, clear, flip } => {
            cpu.s[usize::from(d) & 31] = (sreg(cpu, m) & !sign(clear)) ^ sign(flip);
            Ok(true)
        }
        FpFast::Imm { d, bits } => {
            cpu.s[usize::from(d) & 31] = bits;
            Ok(true)
        }
        FpFast::Bin64 { op, d, n, m } => {
            let sc = cpu.fpscr;
            let dreg = |r: u8| cpu.d(usize::from(r) & 15);
            match fast::bin64(op, sc, dreg(d), dreg(n), dreg(m)) {
                Some((r, flags)) => {
                    cpu.set_d(usize::from(d) & 15, r);
                    cpu.fpscr = sc | flags;
                    Ok(true)
                }
                None => Ok(false),
            }
        }
        FpFast::Bin32 { op, d, n, m } => {
            let sc = cpu.fpscr;
            let out = fast::bin32(op, sc, sreg(cpu, d), sreg(cpu, n), sreg(cpu, m));
            commit(cpu, d, sc, out)
        }
        FpFast::Compute => match instr {
            Instr::Fp { op, .. } => Ok(fast::compute(op, cpu).is_some()),
            _ => Ok(false),
        },
    }
}

//! The floating-point extension: FPv4-SP and FPv5 (single and double precision) decode,
//! execute and print (ARMv7-M ARM DDI 0403E A6, ARMv8-M for the FPv5 additions). Arithmetic
//! goes through the soft-float core in [`soft`], bit-exact with Arm's pseudocode, except for
//! the common cases that the host's IEEE arithmetic computes identically ([`fast`]).
//!
//! # Dispatch contract with the 32-bit decoder
//!
//! The integer decoder hands every coprocessor-space encoding to [`decode32`]: with
//! `w = hw1 << 16 | hw2`, `w[31:29]` = 111, `w[27:25]` = 110 or 111, `w[11:9]` = 101
//! (coprocessors 10 and 11). [`decode32`] knows nothing of the core: it decodes everything
//! the largest FPU (FPv5 with double precision) has. Whoever knows the board's FPU gates it:
//! [`available`] says whether an instruction exists on an [`FpuKind`] (double-precision
//! arithmetic needs `Fpv5Dp`; VSEL/VMAXNM/VMINNM/VRINT/VCVT{A,N,P,M} need FPv5; VLDR/VSTR/
//! VLDM/VSTM/VPUSH/VPOP of D registers and VMOV Rt, Rt2, Dm exist on FPv4-SP too), and
//! [`decode32_for`] combines both. On silicon a coprocessor encoding on a core without an
//! FPU (`FpuKind::None`) is a NOCP UsageFault; one the FPU lacks is UNDEFINSTR.
//!
//! [`execute`] calls [`crate::exception::fp_execute_check`] first (ExecuteFPCheck(): FPU
//! present and CPACR CP10 access, else NOCP UsageFault; lazy-state preservation; CONTROL.FPCA
//! and FPDSCR defaults), so the executor need not. It expects `cpu.r[15]` to hold the address of the
//! instruction itself (the executor sets it so before the call; PC-relative VLDR uses
//! Align(address + 4, 4)); it never writes PC.

pub mod fast;
pub(crate) mod lower;
pub mod soft;

use sim_core::board::FpuKind;
use sim_core::isa::{BusFaultKind, UsageCause};
use sim_core::{Bus, Cpu, Fault, InstrClass};
use soft::{fpscr, Fmt, Fpu, Round, F16, F32, F64};
use std::fmt;

/// Two-operand arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// VADD.
    Add,
    /// VSUB.
    Sub,
    /// VMUL.
    Mul,
    /// VNMUL.
    Nmul,
    /// VDIV.
    Div,
    /// VMLA (multiply, round, add, round).
    Mla,
    /// VMLS.
    Mls,
    /// VNMLA.
    Nmla,
    /// VNMLS.
    Nmls,
    /// VFMA (fused).
    Fma,
    /// VFMS.
    Fms,
    /// VFNMA.
    Fnma,
    /// VFNMS.
    Fnms,
    /// VMAXNM (FPv5).
    MaxNm,
    /// VMINNM (FPv5).
    MinNm,
}

/// One-operand operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// VMOV (register).
    Mov,
    /// VABS.
    Abs,
    /// VNEG.
    Neg,
    /// VSQRT.
    Sqrt,
    /// VRINTR: FPSCR rounding.
    RintR,
    /// VRINTZ: towards zero.
    RintZ,
    /// VRINTX: FPSCR rounding, inexact signalled.
    RintX,
    /// VRINTA: ties away.
    RintA,
    /// VRINTN: ties even.
    RintN,
    /// VRINTP: towards +inf.
    RintP,
    /// VRINTM: towards -inf.
    RintM,
}

/// The rounding of a float-to-integer conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntRound {
    /// VCVT: towards zero.
    Zero,
    /// VCVTR: FPSCR mode.
    Fpscr,
    /// VCVTA: ties away.
    A,
    /// VCVTN: ties even.
    N,
    /// VCVTP: towards +inf.
    P,
    /// VCVTM: towards -inf.
    M,
}

/// One decoded FP instruction. Register numbers index S registers, or D registers when
/// `dp` is set (for the operand the field describes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FpInstr {
    /// Two- or three-operand arithmetic: d = op(d?, n, m).
    Bin {
        /// Operation.
        op: BinOp,
        /// Double precision.
        dp: bool,
        /// Destination (and accumulator).
        d: u8,
        /// First operand.
        n: u8,
        /// Second operand.
        m: u8,
    },
    /// d = op(m).
    Un {
        /// Operation.
        op: UnOp,
        /// Double precision.
        dp: bool,
        /// Destination.
        d: u8,
        /// Operand.
        m: u8,
    },
    /// VMOV (immediate).
    MovImm {
        /// Double precision.
        dp: bool,
        /// Destination.
        d: u8,
        /// The encoded 8-bit immediate.
        imm8: u8,
    },
    /// VCMP / VCMPE.
    Cmp {
        /// VCMPE: any NaN is invalid.
        e: bool,
        /// Compare with +0.0 instead of `m`.
        zero: bool,
        /// Double precision.
        dp: bool,
        /// First operand.
        d: u8,
        /// Second operand.
        m: u8,
    },
    /// VCVT between single and double: `to_dp` means Dd = Sm, else Sd = Dm.
    CvtSD {
        /// Direction.
        to_dp: bool,
        /// Destination.
        d: u8,
        /// Source.
        m: u8,
    },
    /// VCVTB / VCVTT between half and single/double.
    CvtHalf {
        /// Top half (VCVTT).
        top: bool,
        /// Converting to half precision.
        to_half: bool,
        /// The other operand is double (FPv5-DP).
        dp: bool,
        /// Destination.
        d: u8,
        /// Source.
        m: u8,
    },
    /// Float to 32-bit integer: Sd = int(m).
    CvtToInt {
        /// Source is double.
        dp: bool,
        /// Signed result.
        signed: bool,
        /// Rounding.
        round: IntRound,
        /// Destination S register.
        d: u8,
        /// Source.
        m: u8,
    },
    /// 32-bit integer to float: d = float(Sm).
    CvtFromInt {
        /// Destination is double.
        dp: bool,
        /// Signed source.
        signed: bool,
        /// Destination.
        d: u8,
        /// Source S register.
        m: u8,
    },
    /// VCVT between float and fixed point, in place.
    CvtFixed {
        /// Double precision.
        dp: bool,
        /// Float to fixed.
        to_fixed: bool,
        /// Unsigned fixed point.
        unsigned: bool,
        /// 32-bit (else 16-bit) fixed point.
        size32: bool,
        /// Register (source and destination).
        d: u8,
        /// Fraction bits.
        fbits: u8,
    },
    /// VSEL(cc): d = cc ? n : m (cc 0 EQ, 1 VS, 2 GE, 3 GT).
    Sel {
        /// Condition.
        cc: u8,
        /// Double precision.
        dp: bool,
        /// Destination.
        d: u8,
        /// Taken when the condition holds.
        n: u8,
        /// Taken otherwise.
        m: u8,
    },
    /// VMOV between a core register and an S register.
    MovCore {
        /// Sn to Rt.
        to_core: bool,
        /// S register.
        s: u8,
        /// Core register.
        rt: u8,
    },
    /// VMOV between two core registers and two S registers or one D register.
    MovCore2 {
        /// To the core registers.
        to_core: bool,
        /// D register (else S pair m, m+1).
        dp: bool,
        /// FP register.
        m: u8,
        /// First core register (low word).
        rt: u8,
        /// Second core register (high word).
        rt2: u8,
    },
    /// VMOV between a core register and one half of a D register.
    MovScalar {
        /// To the core register.
        to_core: bool,
        /// D register.
        d: u8,
        /// Word index (0 low, 1 high).
        x: u8,
        /// Core register.
        rt: u8,
    },
    /// VMRS Rt, FPSCR (`rt` 15 = APSR_nzcv).
    Vmrs {
        /// Core register.
        rt: u8,
    },
    /// VMSR FPSCR, Rt.
    Vmsr {
        /// Core register.
        rt: u8,
    },
    /// VLDR / VSTR.
    LdSt {
        /// Load.
        load: bool,
        /// Double precision.
        dp: bool,
        /// FP register.
        d: u8,
        /// Base register.
        rn: u8,
        /// Add the offset (else subtract).
        add: bool,
        /// Offset in words.
        imm8: u8,
    },
    /// VLDM / VSTM / VPUSH / VPOP.
    LdStM {
        /// Load.
        load: bool,
        /// Double precision.
        dp: bool,
        /// First FP register.
        d: u8,
        /// Number of registers.
        count: u8,
        /// Base register.
        rn: u8,
        /// Decrement before (else increment after).
        db: bool,
        /// Write back the base.
        wback: bool,
    },
}

/// Decodes for a given FPU: [`decode32`] filtered by [`available`].
pub fn decode32_for(hw1: u16, hw2: u16, fpu: FpuKind) -> Option<FpInstr> {
    decode32(hw1, hw2).filter(|i| available(i, fpu))
}

/// Whether every D register `i` names exists: M-profile FPUs have D0-D15 only (S0-S31), so an
/// encoding naming D16-D31 (the D/N/M bit set on a double-precision operand) is UNDEFINED, as
/// QEMU has it for cores without the 32-register extension.
fn d_regs_exist(i: &FpInstr) -> bool {
    let d = |dp: bool, r: u8| !dp || r < 16;
    match *i {
        FpInstr::Bin {
            dp, d: rd, n, m, ..
        }
        | FpInstr::Sel {
            dp, d: rd, n, m, ..
        } => d(dp, rd) && d(dp, n) && d(dp, m),
        FpInstr::Un { dp, d: rd, m, .. } | FpInstr::Cmp { dp, d: rd, m, .. } => {
            d(dp, rd) && d(dp, m)
        }
        FpInstr::MovImm { dp, d: rd, .. }
        | FpInstr::CvtFromInt { dp, d: rd, .. }
        | FpInstr::CvtFixed { dp, d: rd, .. }
        | FpInstr::LdSt { dp, d: rd, .. } => d(dp, rd),
        FpInstr::CvtToInt { dp, m, .. } => d(dp, m),
        FpInstr::CvtSD { to_dp, d: rd, m } => d(to_dp, rd) && d(!to_dp, m),
        FpInstr::CvtHalf {
            to_half,
            dp,
            d: rd,
            m,
            ..
        } => d(dp && !to_half, rd) && d(dp && to_half, m),
        FpInstr::MovCore2 { dp, m, .. } => d(dp, m),
        FpInstr::MovScalar { d: rd, .. } => rd < 16,
        FpInstr::LdStM {
            dp, d: rd, count, ..
        } => u32::from(rd) + u32::from(count) <= if dp { 16 } else { 32 },
        FpInstr::MovCore { .. } | FpInstr::Vmrs { .. } | FpInstr::Vmsr { .. } => true,
    }
}

/// Whether `i` exists on an FPU of kind `fpu`.
pub fn available(i: &FpInstr, fpu: FpuKind) -> bool {
    let v5 = matches!(fpu, FpuKind::Fpv5Sp | FpuKind::Fpv5Dp);
    let dp_ok = fpu == FpuKind::Fpv5Dp;
    match *i {
        _ if fpu == FpuKind::None => false,
        _ if !d_regs_exist(i) => false,
        FpInstr::Bin { op, dp, .. } => {
            (dp_ok || !dp) && (v5 || !matches!(op, BinOp::MaxNm | BinOp::MinNm))
        }
        FpInstr::Un { op, dp, .. } => {
            (dp_ok || !dp) && (v5 || matches!(op, UnOp::Mov | UnOp::Abs | UnOp::Neg | UnOp::Sqrt))
        }
        FpInstr::CvtToInt { dp, round, .. } => {
            (dp_ok || !dp) && (v5 || matches!(round, IntRound::Zero | IntRound::Fpscr))
        }
        FpInstr::Sel { dp, .. } => v5 && (dp_ok || !dp),
        FpInstr::MovImm { dp, .. }
        | FpInstr::Cmp { dp, .. }
        | FpInstr::CvtHalf { dp, .. }
        | FpInstr::CvtFromInt { dp, .. }
        | FpInstr::CvtFixed { dp, .. } => dp_ok || !dp,
        FpInstr::CvtSD { .. } | FpInstr::MovScalar { .. } => dp_ok,
        FpInstr::MovCore { .. }
        | FpInstr::MovCore2 { .. }
        | FpInstr::Vmrs { .. }
        | FpInstr::Vmsr { .. }
        | FpInstr::LdSt { .. }
        | FpInstr::LdStM { .. } => true,
    }
}

fn sreg(v: u32, bit: u32) -> u8 {
    ((v << 1) | bit) as u8
}
fn dreg(v: u32, bit: u32) -> u8 {
    ((bit << 4) | v) as u8
}

/// Decodes a coprocessor-space encoding as an FP instruction of the largest FPU (FPv5-DP);
/// `None` when it is no FP instruction at all (see the module docs).
pub fn decode32(hw1: u16, hw2: u16) -> Option<FpInstr> {
    let w = (u32::from(hw1) << 16) | u32::from(hw2);
    if (w >> 9) & 7 != 0b101 {
        return None;
    }
    let bit = |i: u32| (w >> i) & 1;
    let field = |hi: u32, lo: u32| (w >> lo) & ((1 << (hi - lo + 1)) - 1);
    let t = bit(28) == 1;
    if w >> 29 != 0b111 {
        return None;
    }
    let sz = bit(8) == 1;
    let (vd, vn, vm) = (field(15, 12), field(19, 16), field(3, 0));
    let (dbit, nbit, mbit) = (bit(22), bit(7), bit(5));
    let rd = |dp: bool| if dp { dreg(vd, dbit) } else { sreg(vd, dbit) };
    let rn = |dp: bool| if dp { dreg(vn, nbit) } else { sreg(vn, nbit) };
    let rm = |dp: bool| if dp { dreg(vm, mbit) } else { sreg(vm, mbit) };
    if t {
        // FPv5 unconditional encodings (1111 1110 ...).
        if field(27, 24) != 0b1110 || bit(4) != 0 {
            return None;
        }
        if bit(23) == 0 {
            if bit(6) != 0 {
                return None;
            }
            return Some(FpInstr::Sel {
                cc: field(21, 20) as u8,
                dp: sz,
                d: rd(sz),
                n: rn(sz),
                m: rm(sz),
            });
        }
        return match (field(21, 20), field(19, 18)) {
            (0b00, _) => Some(FpInstr::Bin {
                op: if bit(6) == 1 {
                    BinOp::MinNm
                } else {
                    BinOp::MaxNm
                },
                dp: sz,
                d: rd(sz),
                n: rn(sz),
                m: rm(sz),
            }),
            (0b11, 0b10) if bit(6) == 1 && bit(7) == 0 => Some(FpInstr::Un {
                op: [UnOp::RintA, UnOp::RintN, UnOp::RintP, UnOp::RintM][field(17, 16) as usize],
                dp: sz,
                d: rd(sz),
                m: rm(sz),
            }),
            (0b11, 0b11) if bit(6) == 1 => Some(FpInstr::CvtToInt {
                dp: sz,
                signed: bit(7) == 1,
                round: [IntRound::A, IntRound::N, IntRound::P, IntRound::M][field(17, 16) as usize],
                d: rd(false),
                m: rm(sz),
            }),
            _ => None,
        };
    }
    match field(27, 24) {
        0b1110 if bit(4) == 0 => decode_dp(w, sz),
        0b1110 => {
            // 8/16/32-bit transfers between core and FP registers.
            let rt = field(15, 12) as u8;
            let l = bit(20) == 1;
            match (sz, field(23, 21)) {
                (false, 0b000) if field(6, 5) == 0 && field(3, 0) == 0 => (rt != 13 && rt != 15)
                    .then_some(FpInstr::MovCore {
                        to_core: l,
                        s: sreg(vn, nbit),
                        rt,
                    }),
                (false, 0b111) if field(19, 16) == 1 && field(7, 0) == 0x10 => {
                    if l {
                        (rt != 13).then_some(FpInstr::Vmrs { rt })
                    } else {
                        (rt != 13 && rt != 15).then_some(FpInstr::Vmsr { rt })
                    }
                }
                (true, 0b000 | 0b001) if field(6, 5) == 0 && field(3, 0) == 0 => {
                    (rt != 13 && rt != 15).then_some(FpInstr::MovScalar {
                        to_core: l,
                        d: dreg(vn, nbit),
                        x: bit(21) as u8,
                        rt,
                    })
                }
                _ => None,
            }
        }
        _ => decode_ldst(w, sz),
    }
}

fn decode_dp(w: u32, sz: bool) -> Option<FpInstr> {
    let bit = |i: u32| (w >> i) & 1;
    let field = |hi: u32, lo: u32| (w >> lo) & ((1 << (hi - lo + 1)) - 1);
    let (vd, vn, vm) = (field(15, 12), field(19, 16), field(3, 0));
    let (dbit, nbit, mbit) = (bit(22), bit(7), bit(5));
    let rd = |dp: bool| if dp { dreg(vd, dbit) } else { sreg(vd, dbit) };
    let rn = |dp: bool| if dp { dreg(vn, nbit) } else { sreg(vn, nbit) };
    let rm = |dp: bool| if dp { dreg(vm, mbit) } else { sreg(vm, mbit) };
    let op = bit(6) == 1;
    let opc1 = field(23, 20) & 0b1011;
    let bin = |o: BinOp| {
        Some(FpInstr::Bin {
            op: o,
            dp: sz,
            d: rd(sz),
            n: rn(sz),
            m: rm(sz),
        })
    };
    match opc1 {
        0b0000 => bin(if op { BinOp::Mls } else { BinOp::Mla }),
        0b0001 => bin(if op { BinOp::Nmla } else { BinOp::Nmls }),
        0b0010 => bin(if op { BinOp::Nmul } else { BinOp::Mul }),
        0b0011 => bin(if op { BinOp::Sub } else { BinOp::Add }),
        0b1000 if !op => bin(BinOp::Div),
        0b1001 => bin(if op { BinOp::Fnma } else { BinOp::Fnms }),
        0b1010 => bin(if op { BinOp::Fms } else { BinOp::Fma }),
        0b1011 if !op => {
            if field(7, 4) & 0b1011 != 0 {
                return None;
            }
            Some(FpInstr::MovImm {
                dp: sz,
                d: rd(sz),
                imm8: ((vn << 4) | vm) as u8,
            })
        }
        0b1011 => {
            let t = bit(7) == 1; // opc3<1>
            let un = |o: UnOp| {
                Some(FpInstr::Un {
                    op: o,
                    dp: sz,
                    d: rd(sz),
                    m: rm(sz),
                })
            };
            match vn {
                0b0000 => un(if t { UnOp::Abs } else { UnOp::Mov }),
                0b0001 => un(if t { UnOp::Sqrt } else { UnOp::Neg }),
                0b0010 | 0b0011 => {
                    let to_half = vn & 1 == 1;
                    // The half-precision side is always an S register.
                    let (d, m) = if to_half {
                        (rd(false), rm(sz))
                    } else {
                        (rd(sz), rm(false))
                    };
                    Some(FpInstr::CvtHalf {
                        top: t,
                        to_half,
                        dp: sz,
                        d,
                        m,
                    })
                }
                0b0100 | 0b0101 => {
                    let zero = vn == 0b0101;
                    if zero && field(5, 0) != 0 {
                        return None;
                    }
                    Some(FpInstr::Cmp {
                        e: t,
                        zero,
                        dp: sz,
                        d: rd(sz),
                        m: if zero { 0 } else { rm(sz) },
                    })
                }
                0b0110 => un(if t { UnOp::RintZ } else { UnOp::RintR }),
                0b0111 if !t => un(UnOp::RintX),
                0b0111 => Some(FpInstr::CvtSD {
                    to_dp: !sz,
                    d: rd(!sz),
                    m: rm(sz),
                }),
                0b1000 => Some(FpInstr::CvtFromInt {
                    dp: sz,
                    signed: t,
                    d: rd(sz),
                    m: rm(false),
                }),
                0b1010 | 0b1011 | 0b1110 | 0b1111 => {
                    let size32 = t;
                    let imm5 = (vm << 1) | mbit;
                    let size = if size32 { 32 } else { 16 };
                    if imm5 > size {
                        return None; // UNPREDICTABLE frac_bits < 0
                    }
                    Some(FpInstr::CvtFixed {
                        dp: sz,
                        to_fixed: vn & 0b0100 != 0,
                        unsigned: vn & 1 == 1,
                        size32,
                        d: rd(sz),
                        fbits: (size - imm5) as u8,
                    })
                }
                0b1100 | 0b1101 => Some(FpInstr::CvtToInt {
                    dp: sz,
                    signed: vn & 1 == 1,
                    round: if t { IntRound::Zero } else { IntRound::Fpscr },
                    d: rd(false),
                    m: rm(sz),
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

fn decode_ldst(w: u32, sz: bool) -> Option<FpInstr> {
    let bit = |i: u32| (w >> i) & 1;
    let field = |hi: u32, lo: u32| (w >> lo) & ((1 << (hi - lo + 1)) - 1);
    if field(27, 25) != 0b110 {
        return None;
    }
    let rn = field(19, 16) as u8;
    let (vd, dbit) = (field(15, 12), bit(22));
    let imm8 = field(7, 0) as u8;
    if field(24, 21) & 0b1101 == 0b0000 || field(24, 20) & 0b11110 == 0b00100 {
        // 64-bit transfers: 1100 010x.
        if field(24, 21) != 0b0010 || field(7, 6) != 0 || bit(4) != 1 {
            return None;
        }
        let rt = field(15, 12) as u8;
        let rt2 = field(19, 16) as u8;
        let to_core = bit(20) == 1;
        let (vm, mbit) = (field(3, 0), bit(5));
        let bad = |r: u8| r == 13 || r == 15;
        if bad(rt) || bad(rt2) || (to_core && rt == rt2) {
            return None;
        }
        let m = if sz { dreg(vm, mbit) } else { sreg(vm, mbit) };
        if !sz && m == 31 {
            return None;
        }
        return Some(FpInstr::MovCore2 {
            to_core,
            dp: sz,
            m,
            rt,
            rt2,
        });
    }
    let d = if sz { dreg(vd, dbit) } else { sreg(vd, dbit) };
    let (p, u, wb, l) = (bit(24) == 1, bit(23) == 1, bit(21) == 1, bit(20) == 1);
    if p && !wb {
        return Some(FpInstr::LdSt {
            load: l,
            dp: sz,
            d,
            rn,
            add: u,
            imm8,
        });
    }
    if p == u {
        return None;
    }
    let count = if sz { imm8 / 2 } else { imm8 };
    let limit = if sz { 16 } else { 32 };
    if rn == 15 || count == 0 || u32::from(d) + u32::from(count) > limit || (sz && count > 16) {
        return None;
    }
    Some(FpInstr::LdStM {
        load: l,
        dp: sz,
        d,
        count,
        rn,
        db: p,
        wback: wb,
    })
}

fn fmt_of(dp: bool) -> Fmt {
    if dp {
        F64
    } else {
        F32
    }
}

/// Reads S`r` (zero-extended) or D`r`.
fn get(cpu: &Cpu, dp: bool, r: u8) -> u64 {
    if dp {
        cpu.d(usize::from(r))
    } else {
        u64::from(cpu.s[usize::from(r)])
    }
}

/// Writes S`r` (the low word of `v`) or D`r`.
fn set(cpu: &mut Cpu, dp: bool, r: u8, v: u64) {
    if dp {
        cpu.set_d(usize::from(r), v);
    } else {
        cpu.s[usize::from(r)] = v as u32;
    }
}

fn neg(f: Fmt, v: u64) -> u64 {
    v ^ (1u64 << (f.e + f.m))
}

fn bus_fault(addr: u32) -> Fault {
    Fault::Bus {
        kind: BusFaultKind::Data,
        addr,
    }
}

fn to_int_round(r: IntRound, fpscr: u32) -> Round {
    match r {
        IntRound::Zero => Round::Zero,
        IntRound::Fpscr => Round::from_fpscr(fpscr),
        IntRound::A => Round::TiesAway,
        IntRound::N => Round::Nearest,
        IntRound::P => Round::PlusInf,
        IntRound::M => Round::MinusInf,
    }
}

/// Executes an FP instruction; returns its class for the timing table.
pub fn execute(i: &FpInstr, cpu: &mut Cpu, bus: &mut Bus) -> Result<InstrClass, Fault> {
    crate::exception::fp_execute_check(cpu, bus)?;
    match *i {
        FpInstr::LdSt {
            load,
            dp,
            d,
            rn,
            add,
            imm8,
        } => {
            let base = if rn == 15 {
                cpu.r[15].wrapping_add(4) & !3
            } else {
                cpu.r[usize::from(rn)]
            };
            let off = u32::from(imm8) * 4;
            let addr = if add {
                base.wrapping_add(off)
            } else {
                base.wrapping_sub(off)
            };
            if addr & 3 != 0 {
                return Err(Fault::Usage(UsageCause::Unaligned));
            }
            let words = if dp { 2 } else { 1 };
            let first = if dp { 2 * d } else { d };
            transfer(cpu, bus, load, addr, first, words)?;
            Ok(InstrClass::FpuLoadStore)
        }
        FpInstr::LdStM {
            load,
            dp,
            d,
            count,
            rn,
            db,
            wback,
        } => {
            let words = u32::from(count) * if dp { 2 } else { 1 };
            let base = cpu.r[usize::from(rn)];
            let start = if db {
                base.wrapping_sub(4 * words)
            } else {
                base
            };
            if start & 3 != 0 {
                return Err(Fault::Usage(UsageCause::Unaligned));
            }
            let first = if dp { 2 * d } else { d };
            transfer(cpu, bus, load, start, first, words as u8)?;
            if wback {
                let nb = if db {
                    start
                } else {
                    base.wrapping_add(4 * words)
                };
                if rn == 13 {
                    cpu.r[13] = nb & !3;
                } else {
                    cpu.r[usize::from(rn)] = nb;
                }
            }
            Ok(InstrClass::FpuLoadStore)
        }
        FpInstr::MovCore { to_core, s, rt } => {
            if to_core {
                cpu.r[usize::from(rt)] = cpu.s[usize::from(s)];
            } else {
                cpu.s[usize::from(s)] = cpu.r[usize::from(rt)];
            }
            Ok(InstrClass::FpuLoadStore)
        }
        FpInstr::MovCore2 {
            to_core,
            dp,
            m,
            rt,
            rt2,
        } => {
            let lo = if dp { 2 * m } else { m };
            let (lo, hi) = (usize::from(lo), usize::from(lo) + 1);
            if to_core {
                cpu.r[usize::from(rt)] = cpu.s[lo];
                cpu.r[usize::from(rt2)] = cpu.s[hi];
            } else {
                cpu.s[lo] = cpu.r[usize::from(rt)];
                cpu.s[hi] = cpu.r[usize::from(rt2)];
            }
            Ok(InstrClass::FpuLoadStore)
        }
        FpInstr::MovScalar { to_core, d, x, rt } => {
            let s = usize::from(2 * d + x);
            if to_core {
                cpu.r[usize::from(rt)] = cpu.s[s];
            } else {
                cpu.s[s] = cpu.r[usize::from(rt)];
            }
            Ok(InstrClass::FpuLoadStore)
        }
        FpInstr::Vmrs { rt } => {
            if rt == 15 {
                let v = cpu.fpscr & 0xF000_0000;
                cpu.set_nzcvq((v & 0xF000_0000) | (u32::from(cpu.q) << 27));
            } else {
                cpu.r[usize::from(rt)] = cpu.fpscr;
            }
            Ok(InstrClass::FpuLoadStore)
        }
        FpInstr::Vmsr { rt } => {
            cpu.fpscr = cpu.r[usize::from(rt)] & fpscr::WRITABLE;
            Ok(InstrClass::FpuLoadStore)
        }
        _ => Ok(compute(i, cpu)),
    }
}

/// The word transfer of VLDR/VSTR/VLDM/VSTM, in order: a fault on a later word leaves the
/// earlier ones transferred.
#[inline(always)]
fn transfer(
    cpu: &mut Cpu,
    bus: &mut Bus,
    load: bool,
    addr: u32,
    first: u8,
    words: u8,
) -> Result<(), Fault> {
    for k in 0..u32::from(words) {
        let a = addr.wrapping_add(4 * k);
        let s = usize::from(first) + k as usize;
        if load {
            cpu.s[s] = bus.read32(a).map_err(|e| bus_fault(e.addr()))?;
        } else {
            bus.write32(a, cpu.s[s]).map_err(|e| bus_fault(e.addr()))?;
        }
    }
    Ok(())
}

/// The register-only FP instructions (no memory, no faults once the FP check passed): the
/// host fast path ([`fast`]) when it applies, else the soft-float ([`compute_soft`]); both
/// give the same bits and FPSCR.
#[inline]
pub fn compute(i: &FpInstr, cpu: &mut Cpu) -> InstrClass {
    match fast::compute(i, cpu) {
        Some(class) => class,
        None => compute_soft(i, cpu),
    }
}

/// [`compute`] on the soft-float alone: the reference the host fast path is tested against.
#[inline(never)]
pub fn compute_soft(i: &FpInstr, cpu: &mut Cpu) -> InstrClass {
    let mut sc = cpu.fpscr;
    let mut fpu = Fpu { fpscr: &mut sc };
    let class = match *i {
        FpInstr::Bin { op, dp, d, n, m } => {
            let f = fmt_of(dp);
            let (vd, vn, vm) = (get(cpu, dp, d), get(cpu, dp, n), get(cpu, dp, m));
            let r = match op {
                BinOp::Add => fpu.add_sub(f, vn, vm, false),
                BinOp::Sub => fpu.add_sub(f, vn, vm, true),
                BinOp::Mul => fpu.mul(f, vn, vm),
                BinOp::Nmul => neg(f, fpu.mul(f, vn, vm)),
                BinOp::Div => fpu.div(f, vn, vm),
                BinOp::Mla => {
                    let p = fpu.mul(f, vn, vm);
                    fpu.add_sub(f, vd, p, false)
                }
                BinOp::Mls => {
                    let p = fpu.mul(f, vn, vm);
                    fpu.add_sub(f, vd, neg(f, p), false)
                }
                BinOp::Nmla => {
                    let p = fpu.mul(f, vn, vm);
                    fpu.add_sub(f, neg(f, vd), neg(f, p), false)
                }
                BinOp::Nmls => {
                    let p = fpu.mul(f, vn, vm);
                    fpu.add_sub(f, neg(f, vd), p, false)
                }
                BinOp::Fma => fpu.mul_add(f, vd, vn, vm),
                BinOp::Fms => fpu.mul_add(f, vd, neg(f, vn), vm),
                BinOp::Fnma => fpu.mul_add(f, neg(f, vd), neg(f, vn), vm),
                BinOp::Fnms => fpu.mul_add(f, neg(f, vd), vn, vm),
                BinOp::MaxNm => fpu.max_min_num(f, vn, vm, true),
                BinOp::MinNm => fpu.max_min_num(f, vn, vm, false),
            };
            set(cpu, dp, d, r);
            if op == BinOp::Div {
                InstrClass::FpuDivSqrt
            } else {
                InstrClass::Fpu
            }
        }
        FpInstr::Un { op, dp, d, m } => {
            let f = fmt_of(dp);
            let v = get(cpu, dp, m);
            let mode = Round::from_fpscr(*fpu.fpscr);
            let r = match op {
                UnOp::Mov => v,
                UnOp::Abs => v & !(1u64 << (f.e + f.m)),
                UnOp::Neg => neg(f, v),
                UnOp::Sqrt => fpu.sqrt(f, v),
                UnOp::RintR => fpu.round_int(f, v, mode, false),
                UnOp::RintX => fpu.round_int(f, v, mode, true),
                UnOp::RintZ => fpu.round_int(f, v, Round::Zero, false),
                UnOp::RintA => fpu.round_int(f, v, Round::TiesAway, false),
                UnOp::RintN => fpu.round_int(f, v, Round::Nearest, false),
                UnOp::RintP => fpu.round_int(f, v, Round::PlusInf, false),
                UnOp::RintM => fpu.round_int(f, v, Round::MinusInf, false),
            };
            set(cpu, dp, d, r);
            if op == UnOp::Sqrt {
                InstrClass::FpuDivSqrt
            } else {
                InstrClass::Fpu
            }
        }
        FpInstr::MovImm { dp, d, imm8 } => {
            set(cpu, dp, d, soft::expand_imm(fmt_of(dp), imm8));
            InstrClass::Fpu
        }
        FpInstr::Cmp { e, zero, dp, d, m } => {
            let f = fmt_of(dp);
            let b = if zero { 0 } else { get(cpu, dp, m) };
            let nzcv = fpu.compare(f, get(cpu, dp, d), b, e);
            *fpu.fpscr = (*fpu.fpscr & 0x0FFF_FFFF) | (nzcv << 28);
            InstrClass::Fpu
        }
        FpInstr::CvtSD { to_dp, d, m } => {
            if to_dp {
                let r = fpu.convert(F32, F64, u64::from(cpu.s[usize::from(m)]));
                cpu.set_d(usize::from(d), r);
            } else {
                let r = fpu.convert(F64, F32, cpu.d(usize::from(m)));
                cpu.s[usize::from(d)] = r as u32;
            }
            InstrClass::Fpu
        }
        FpInstr::CvtHalf {
            top,
            to_half,
            dp,
            d,
            m,
        } => {
            let sh = if top { 16 } else { 0 };
            if to_half {
                let h = fpu.convert(fmt_of(dp), F16, get(cpu, dp, m)) as u32 & 0xffff;
                let s = &mut cpu.s[usize::from(d)];
                *s = (*s & !(0xffff << sh)) | (h << sh);
            } else {
                let h = (cpu.s[usize::from(m)] >> sh) & 0xffff;
                let r = fpu.convert(F16, fmt_of(dp), u64::from(h));
                set(cpu, dp, d, r);
            }
            InstrClass::Fpu
        }
        FpInstr::CvtToInt {
            dp,
            signed,
            round,
            d,
            m,
        } => {
            let mode = to_int_round(round, *fpu.fpscr);
            let r = fpu.to_fixed(fmt_of(dp), get(cpu, dp, m), 0, 32, !signed, mode);
            cpu.s[usize::from(d)] = r;
            InstrClass::Fpu
        }
        FpInstr::CvtFromInt { dp, signed, d, m } => {
            let mode = Round::from_fpscr(*fpu.fpscr);
            let r = fpu.from_fixed(fmt_of(dp), cpu.s[usize::from(m)], 0, 32, !signed, mode);
            set(cpu, dp, d, r);
            InstrClass::Fpu
        }
        FpInstr::CvtFixed {
            dp,
            to_fixed,
            unsigned,
            size32,
            d,
            fbits,
        } => {
            let f = fmt_of(dp);
            let size = if size32 { 32 } else { 16 };
            if to_fixed {
                let r = fpu.to_fixed(
                    f,
                    get(cpu, dp, d),
                    u32::from(fbits),
                    size,
                    unsigned,
                    Round::Zero,
                );
                let r = match (size32, unsigned) {
                    (true, _) => r,
                    (false, true) => r & 0xffff,
                    (false, false) => r as u16 as i16 as i32 as u32,
                };
                // The result is extended to the register width (Extend(result, 64, unsigned)
                // for a D register).
                let wide = if unsigned {
                    u64::from(r)
                } else {
                    r as i32 as i64 as u64
                };
                set(cpu, dp, d, wide);
            } else {
                // VFP VCVT from fixed point rounds to nearest whatever FPSCR.RMode says
                // (ARM ARM: round_nearest = !to_fixed), as QEMU does.
                let mode = Round::Nearest;
                let v = get(cpu, dp, d) as u32;
                let r = fpu.from_fixed(f, v, u32::from(fbits), size, unsigned, mode);
                set(cpu, dp, d, r);
            }
            InstrClass::Fpu
        }
        FpInstr::Sel { cc, dp, d, n, m } => {
            let take_n = match cc {
                0 => cpu.z,
                1 => cpu.v,
                2 => cpu.n == cpu.v,
                _ => !cpu.z && cpu.n == cpu.v,
            };
            let v = get(cpu, dp, if take_n { n } else { m });
            set(cpu, dp, d, v);
            InstrClass::Fpu
        }
        _ => InstrClass::Fpu,
    };
    cpu.fpscr = sc;
    class
}

// ---------------------------------------------------------------------------------------
// Printing in capstone's syntax.

fn r(dp: bool, n: u8) -> String {
    if dp {
        format!("d{n}")
    } else {
        format!("s{n}")
    }
}

fn ty(dp: bool) -> &'static str {
    if dp {
        "f64"
    } else {
        "f32"
    }
}

impl fmt::Display for FpInstr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::dsp::{imm, reg_name as g};
        match *self {
            FpInstr::Bin { op, dp, d, n, m } => {
                let name = match op {
                    BinOp::Add => "vadd",
                    BinOp::Sub => "vsub",
                    BinOp::Mul => "vmul",
                    BinOp::Nmul => "vnmul",
                    BinOp::Div => "vdiv",
                    BinOp::Mla => "vmla",
                    BinOp::Mls => "vmls",
                    BinOp::Nmla => "vnmla",
                    BinOp::Nmls => "vnmls",
                    BinOp::Fma => "vfma",
                    BinOp::Fms => "vfms",
                    BinOp::Fnma => "vfnma",
                    BinOp::Fnms => "vfnms",
                    BinOp::MaxNm => "vmaxnm",
                    BinOp::MinNm => "vminnm",
                };
                write!(
                    f,
                    "{name}.{} {}, {}, {}",
                    ty(dp),
                    r(dp, d),
                    r(dp, n),
                    r(dp, m)
                )
            }
            FpInstr::Un { op, dp, d, m } => {
                let name = match op {
                    UnOp::Mov => "vmov",
                    UnOp::Abs => "vabs",
                    UnOp::Neg => "vneg",
                    UnOp::Sqrt => "vsqrt",
                    UnOp::RintR => "vrintr",
                    UnOp::RintZ => "vrintz",
                    UnOp::RintX => "vrintx",
                    UnOp::RintA => "vrinta",
                    UnOp::RintN => "vrintn",
                    UnOp::RintP => "vrintp",
                    UnOp::RintM => "vrintm",
                };
                write!(f, "{name}.{} {}, {}", ty(dp), r(dp, d), r(dp, m))
            }
            FpInstr::MovImm { dp, d, imm8 } => {
                let bits = soft::expand_imm(fmt_of(dp), imm8);
                let v = if dp {
                    f64::from_bits(bits)
                } else {
                    f64::from(f32::from_bits(bits as u32))
                };
                // C's "%e": the exponent carries a sign and at least two digits.
                let e = format!("{v:.6e}");
                let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
                let (sign, digits) = match exp.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', exp),
                };
                write!(
                    f,
                    "vmov.{} {}, #{mant}e{sign}{digits:0>2}",
                    ty(dp),
                    r(dp, d)
                )
            }
            FpInstr::Cmp { e, zero, dp, d, m } => {
                let name = if e { "vcmpe" } else { "vcmp" };
                if zero {
                    write!(f, "{name}.{} {}, #0", ty(dp), r(dp, d))
                } else {
                    write!(f, "{name}.{} {}, {}", ty(dp), r(dp, d), r(dp, m))
                }
            }
            FpInstr::CvtSD { to_dp, d, m } => {
                if to_dp {
                    write!(f, "vcvt.f64.f32 d{d}, s{m}")
                } else {
                    write!(f, "vcvt.f32.f64 s{d}, d{m}")
                }
            }
            FpInstr::CvtHalf {
                top,
                to_half,
                dp,
                d,
                m,
            } => {
                let name = if top { "vcvtt" } else { "vcvtb" };
                if to_half {
                    write!(f, "{name}.f16.{} s{d}, {}", ty(dp), r(dp, m))
                } else {
                    write!(f, "{name}.{}.f16 {}, s{m}", ty(dp), r(dp, d))
                }
            }
            FpInstr::CvtToInt {
                dp,
                signed,
                round,
                d,
                m,
            } => {
                let name = match round {
                    IntRound::Zero => "vcvt",
                    IntRound::Fpscr => "vcvtr",
                    IntRound::A => "vcvta",
                    IntRound::N => "vcvtn",
                    IntRound::P => "vcvtp",
                    IntRound::M => "vcvtm",
                };
                let it = if signed { "s32" } else { "u32" };
                write!(f, "{name}.{it}.{} s{d}, {}", ty(dp), r(dp, m))
            }
            FpInstr::CvtFromInt { dp, signed, d, m } => {
                let it = if signed { "s32" } else { "u32" };
                write!(f, "vcvt.{}.{it} {}, s{m}", ty(dp), r(dp, d))
            }
            FpInstr::CvtFixed {
                dp,
                to_fixed,
                unsigned,
                size32,
                d,
                fbits,
            } => {
                let it = format!(
                    "{}{}",
                    if unsigned { "u" } else { "s" },
                    if size32 { 32 } else { 16 }
                );
                let (a, b) = if to_fixed {
                    (it.as_str(), ty(dp))
                } else {
                    (ty(dp), it.as_str())
                };
                let rd = r(dp, d);
                write!(f, "vcvt.{a}.{b} {rd}, {rd}, {}", imm(u32::from(fbits)))
            }
            FpInstr::Sel { cc, dp, d, n, m } => {
                let c = ["eq", "vs", "ge", "gt"][usize::from(cc & 3)];
                write!(
                    f,
                    "vsel{c}.{} {}, {}, {}",
                    ty(dp),
                    r(dp, d),
                    r(dp, n),
                    r(dp, m)
                )
            }
            FpInstr::MovCore { to_core, s, rt } => {
                if to_core {
                    write!(f, "vmov {}, s{s}", g(rt))
                } else {
                    write!(f, "vmov s{s}, {}", g(rt))
                }
            }
            FpInstr::MovCore2 {
                to_core,
                dp,
                m,
                rt,
                rt2,
            } => {
                let fr = if dp {
                    format!("d{m}")
                } else {
                    format!("s{m}, s{}", m + 1)
                };
                if to_core {
                    write!(f, "vmov {}, {}, {fr}", g(rt), g(rt2))
                } else {
                    write!(f, "vmov {fr}, {}, {}", g(rt), g(rt2))
                }
            }
            FpInstr::MovScalar { to_core, d, x, rt } => {
                if to_core {
                    write!(f, "vmov.32 {}, d{d}[{x}]", g(rt))
                } else {
                    write!(f, "vmov.32 d{d}[{x}], {}", g(rt))
                }
            }
            FpInstr::Vmrs { rt } => {
                if rt == 15 {
                    write!(f, "vmrs apsr_nzcv, fpscr")
                } else {
                    write!(f, "vmrs {}, fpscr", g(rt))
                }
            }
            FpInstr::Vmsr { rt } => write!(f, "vmsr fpscr, {}", g(rt)),
            FpInstr::LdSt {
                load,
                dp,
                d,
                rn,
                add,
                imm8,
            } => {
                let name = if load { "vldr" } else { "vstr" };
                let off = u32::from(imm8) * 4;
                if off == 0 && add {
                    write!(f, "{name} {}, [{}]", r(dp, d), g(rn))
                } else {
                    let sign = if add { "" } else { "-" };
                    let o = imm(off);
                    write!(f, "{name} {}, [{}, #{sign}{}]", r(dp, d), g(rn), &o[1..])
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
            } => {
                let list: Vec<String> = (0..count).map(|k| r(dp, d + k)).collect();
                let list = list.join(", ");
                if rn == 13 && wback && (db != load) {
                    let name = if load { "vpop" } else { "vpush" };
                    return write!(f, "{name} {{{list}}}");
                }
                let name = format!(
                    "{}{}",
                    if load { "vldm" } else { "vstm" },
                    if db { "db" } else { "ia" }
                );
                let wb = if wback { "!" } else { "" };
                write!(f, "{name} {}{wb}, {{{list}}}", g(rn))
            }
        }
    }
}

//! The ARMv7E-M DSP extension: decode, execute and print the SIMD, saturating and
//! halfword-multiply instructions (ARMv7-M ARM, DDI 0403E, A5.3 and A7.7).
//!
//! # Dispatch contract with the 32-bit decoder
//!
//! [`decode32`] does not look at the core profile: the integer decoder gates it by
//! architecture (it must only call it for ARMv7E-M cores, and treat every encoding listed below
//! as UNDEFINED on ARMv6-M/ARMv7-M). The encodings it claims, by first halfword `hw1` and second
//! halfword `hw2` (all other encodings in these spaces belong to the integer decoder):
//!
//! | space (ARM ARM)                          | `hw1`            | `hw2` condition          | instructions |
//! |------------------------------------------|------------------|--------------------------|--------------|
//! | parallel add/sub, signed (A5.3.13)       | `1111_1010_1ooo_nnnn` | `1111_xxxx_00xx_xxxx` | SADD16 .. SHSUB8 (S, Q, SH) |
//! | parallel add/sub, unsigned (A5.3.14)     | `1111_1010_1ooo_nnnn` | `1111_xxxx_01xx_xxxx` | UADD16 .. UHSUB8 (U, UQ, UH) |
//! | misc. operations, op1=00 (A5.3.15)       | `1111_1010_1000_nnnn` | `1111_xxxx_10xx_xxxx` | QADD, QDADD, QSUB, QDSUB |
//! | misc. operations, op1=10, op2=00         | `1111_1010_1010_nnnn` | `1111_xxxx_1000_xxxx` | SEL |
//! | extend with add (A5.3.12)                | `1111_1010_0ooo_nnnn` | `1111_xxxx_10xx_xxxx` | SXTAB16, SXTB16, UXTAB16, UXTB16 (any Rn); SXTAH, UXTAH, SXTAB, UXTAB (Rn != 15 only: Rn = 15 is the base SXTH/UXTH/SXTB/UXTB) |
//! | multiply/accumulate (A5.3.16), op1 != 000 | `1111_1011_0ooo_nnnn` | `xxxx_xxxx_00xx_xxxx` | SMLA/SMULxy, SMLAD/SMUAD, SMLAW/SMULWy, SMLSD/SMUSD, SMMLA/SMMUL, SMMLS, USADA8/USAD8 |
//! | long multiply (A5.3.17)                  | `1111_1011_1100_nnnn` | `xxxx_xxxx_10xx_xxxx` / `1100_xxxx` | SMLALxy, SMLALD(X) |
//! |                                          | `1111_1011_1101_nnnn` | `xxxx_xxxx_110x_xxxx`    | SMLSLD(X) |
//! |                                          | `1111_1011_1110_nnnn` | `xxxx_xxxx_0110_xxxx`    | UMAAL |
//! | plain binary immediate (A5.3.3)          | `1111_0x11_0010_nnnn` | `0000_xxxx_00xx_xxxx`    | SSAT16 (SSAT with sh=1 and shift 0) |
//! |                                          | `1111_0x11_1010_nnnn` | `0000_xxxx_00xx_xxxx`    | USAT16 |
//! | data processing, shifted register (A5.3.11) | `1110_1010_1100_nnnn` | `xxxx_xxxx_xxx0_xxxx` | PKHBT, PKHTB |
//!
//! Encodings in those rows whose register fields the ARM ARM makes UNPREDICTABLE (SP or PC
//! as a register operand, RdHi == RdLo) and whose should-be-zero bits are set return `None`
//! as well, so the caller treats them as UNDEFINED (a UsageFault rather than silent
//! garbage). Every instruction here is a pure register operation: [`execute`] never touches
//! memory and never changes the PC.

use sim_core::{Cpu, Fault};
use std::fmt;

/// The six parallel operations (which lanes add and which subtract).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParOp {
    /// ADD16: both halfwords add.
    Add16,
    /// ASX: low halfword subtracts the high of Rm, high halfword adds the low of Rm.
    Asx,
    /// SAX: low halfword adds the high of Rm, high halfword subtracts the low of Rm.
    Sax,
    /// SUB16: both halfwords subtract.
    Sub16,
    /// ADD8: four bytes add.
    Add8,
    /// SUB8: four bytes subtract.
    Sub8,
}

/// The six flavours of a parallel operation (the mnemonic prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParKind {
    /// S: signed modulo, sets GE.
    S,
    /// Q: signed saturating.
    Q,
    /// SH: signed halving.
    Sh,
    /// U: unsigned modulo, sets GE.
    U,
    /// UQ: unsigned saturating.
    Uq,
    /// UH: unsigned halving.
    Uh,
}

/// The saturating 32-bit additions and subtractions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QOp {
    /// QADD: sat(Rm + Rn).
    Qadd,
    /// QDADD: sat(Rm + sat(2 * Rn)).
    Qdadd,
    /// QSUB: sat(Rm - Rn).
    Qsub,
    /// QDSUB: sat(Rm - sat(2 * Rn)).
    Qdsub,
}

/// Which extend-and-add instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtOp {
    /// SXTAH (SXTH when Rn is absent is not ours).
    Sxtah,
    /// UXTAH.
    Uxtah,
    /// SXTAB16, or SXTB16 when Rn = 15.
    Sxtab16,
    /// UXTAB16, or UXTB16 when Rn = 15.
    Uxtab16,
    /// SXTAB.
    Sxtab,
    /// UXTAB.
    Uxtab,
}

/// Register number meaning "no accumulator" (the SMUL forms of the SMLA encodings).
pub const NO_REG: u8 = 15;

/// One decoded DSP instruction. Register fields are 0..=14; `ra == NO_REG` selects the
/// non-accumulating form (SMULxy, SMUAD, SMUSD, SMULWy, SMMUL, USAD8, SXTB16, UXTB16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DspInstr {
    /// Parallel add/subtract on halfwords or bytes.
    Parallel {
        /// Prefix (S, Q, SH, U, UQ, UH).
        kind: ParKind,
        /// Lane operation.
        op: ParOp,
        /// Destination.
        rd: u8,
        /// First operand.
        rn: u8,
        /// Second operand.
        rm: u8,
    },
    /// QADD/QSUB/QDADD/QDSUB.
    Q32 {
        /// Which one.
        op: QOp,
        /// Destination.
        rd: u8,
        /// The operand that is doubled (second in assembly syntax).
        rn: u8,
        /// The first operand in assembly syntax.
        rm: u8,
    },
    /// SEL: bytes from Rn where GE is set, else from Rm.
    Sel {
        /// Destination.
        rd: u8,
        /// Taken where GE(i) = 1.
        rn: u8,
        /// Taken where GE(i) = 0.
        rm: u8,
    },
    /// Extend (with add): SXTAB16 etc.
    Extend {
        /// Which one.
        op: ExtOp,
        /// Destination.
        rd: u8,
        /// Addend, or `NO_REG` for SXTB16/UXTB16.
        rn: u8,
        /// Extended operand.
        rm: u8,
        /// Rotation of Rm in bits (0, 8, 16, 24).
        rot: u8,
    },
    /// PKHBT (`tb` false, LSL) / PKHTB (`tb` true, ASR; shift 0 means 32).
    Pkh {
        /// Top/bottom form.
        tb: bool,
        /// Destination.
        rd: u8,
        /// First operand.
        rn: u8,
        /// Shifted operand.
        rm: u8,
        /// Shift amount as encoded (0..=31).
        shift: u8,
    },
    /// SSAT16 / USAT16.
    Sat16 {
        /// USAT16.
        unsigned: bool,
        /// Destination.
        rd: u8,
        /// Operand.
        rn: u8,
        /// Saturation bit position as written in assembly (1..=16 signed, 0..=15 unsigned).
        sat: u8,
    },
    /// SMLAxy / SMULxy.
    Smla {
        /// Rn top half.
        nt: bool,
        /// Rm top half.
        mt: bool,
        /// Destination.
        rd: u8,
        /// First operand.
        rn: u8,
        /// Second operand.
        rm: u8,
        /// Accumulator or `NO_REG`.
        ra: u8,
    },
    /// SMLAWy / SMULWy.
    Smlaw {
        /// Rm top half.
        mt: bool,
        /// Destination.
        rd: u8,
        /// 32-bit operand.
        rn: u8,
        /// Halfword operand.
        rm: u8,
        /// Accumulator or `NO_REG`.
        ra: u8,
    },
    /// SMLAD/SMLSD/SMUAD/SMUSD with optional X (swap halves of Rm).
    Smlad {
        /// Subtract the top product (SMLSD/SMUSD).
        sub: bool,
        /// X: exchange the halfwords of Rm.
        x: bool,
        /// Destination.
        rd: u8,
        /// First operand.
        rn: u8,
        /// Second operand.
        rm: u8,
        /// Accumulator or `NO_REG`.
        ra: u8,
    },
    /// SMMLA/SMMLS/SMMUL with optional R (round).
    Smmla {
        /// SMMLS: subtract the product from Ra:0.
        sub: bool,
        /// R: add 0x8000_0000 before taking the top word.
        round: bool,
        /// Destination.
        rd: u8,
        /// First operand.
        rn: u8,
        /// Second operand.
        rm: u8,
        /// Accumulator or `NO_REG` (SMMUL).
        ra: u8,
    },
    /// USADA8 / USAD8.
    Usada8 {
        /// Destination.
        rd: u8,
        /// First operand.
        rn: u8,
        /// Second operand.
        rm: u8,
        /// Accumulator or `NO_REG`.
        ra: u8,
    },
    /// SMLALxy.
    Smlalxy {
        /// Rn top half.
        nt: bool,
        /// Rm top half.
        mt: bool,
        /// Low word of the accumulator.
        rdlo: u8,
        /// High word of the accumulator.
        rdhi: u8,
        /// First operand.
        rn: u8,
        /// Second operand.
        rm: u8,
    },
    /// SMLALD(X) / SMLSLD(X).
    Smlald {
        /// SMLSLD.
        sub: bool,
        /// X: exchange the halfwords of Rm.
        x: bool,
        /// Low word of the accumulator.
        rdlo: u8,
        /// High word of the accumulator.
        rdhi: u8,
        /// First operand.
        rn: u8,
        /// Second operand.
        rm: u8,
    },
    /// UMAAL.
    Umaal {
        /// Low word (also an addend).
        rdlo: u8,
        /// High word (also an addend).
        rdhi: u8,
        /// First operand.
        rn: u8,
        /// Second operand.
        rm: u8,
    },
}

/// SP and PC are UNPREDICTABLE as operands of every DSP instruction (ARM ARM `BadReg`).
fn bad(r: u8) -> bool {
    r == 13 || r == 15
}

/// Decodes a 32-bit Thumb encoding of the DSP extension; `None` when it is not one (see the
/// module documentation for the exact split). Independent of the core profile.
pub fn decode32(hw1: u16, hw2: u16) -> Option<DspInstr> {
    let rn = (hw1 & 0xf) as u8;
    let rd = ((hw2 >> 8) & 0xf) as u8;
    let rm = (hw2 & 0xf) as u8;
    let ra = ((hw2 >> 12) & 0xf) as u8;
    let regs_ok = |regs: &[u8]| regs.iter().all(|&r| !bad(r));
    match hw1 >> 8 {
        0xFA => {
            if hw2 & 0xF000 != 0xF000 {
                return None;
            }
            let op1 = ((hw1 >> 4) & 0xf) as u8;
            let op2 = ((hw2 >> 4) & 0xf) as u8;
            if op1 & 0x8 != 0 {
                match op2 >> 2 {
                    0 | 1 => {
                        let op = match op1 & 7 {
                            0 => ParOp::Add8,
                            1 => ParOp::Add16,
                            2 => ParOp::Asx,
                            4 => ParOp::Sub8,
                            5 => ParOp::Sub16,
                            6 => ParOp::Sax,
                            _ => return None,
                        };
                        let kind = match (op2 >> 2, op2 & 3) {
                            (0, 0) => ParKind::S,
                            (0, 1) => ParKind::Q,
                            (0, 2) => ParKind::Sh,
                            (1, 0) => ParKind::U,
                            (1, 1) => ParKind::Uq,
                            (1, 2) => ParKind::Uh,
                            _ => return None,
                        };
                        regs_ok(&[rd, rn, rm]).then_some(DspInstr::Parallel {
                            kind,
                            op,
                            rd,
                            rn,
                            rm,
                        })
                    }
                    2 => {
                        let q = match (op1 & 7, op2 & 3) {
                            (0, 0) => QOp::Qadd,
                            (0, 1) => QOp::Qdadd,
                            (0, 2) => QOp::Qsub,
                            (0, 3) => QOp::Qdsub,
                            (2, 0) => {
                                return regs_ok(&[rd, rn, rm]).then_some(DspInstr::Sel {
                                    rd,
                                    rn,
                                    rm,
                                })
                            }
                            _ => return None,
                        };
                        regs_ok(&[rd, rn, rm]).then_some(DspInstr::Q32 { op: q, rd, rn, rm })
                    }
                    _ => None,
                }
            } else {
                // Extend (with add): hw2 = 1111 Rd 1 (0) rot Rm.
                if op2 & 0xC != 0x8 {
                    return None;
                }
                let op = match op1 {
                    0 => ExtOp::Sxtah,
                    1 => ExtOp::Uxtah,
                    2 => ExtOp::Sxtab16,
                    3 => ExtOp::Uxtab16,
                    4 => ExtOp::Sxtab,
                    5 => ExtOp::Uxtab,
                    _ => return None,
                };
                let rot = (op2 & 3) * 8;
                let is16 = matches!(op, ExtOp::Sxtab16 | ExtOp::Uxtab16);
                if rn == 15 && !is16 {
                    return None; // SXTH/UXTH/SXTB/UXTB: base ARMv7-M, the integer decoder's.
                }
                (regs_ok(&[rd, rm]) && rn != 13).then_some(DspInstr::Extend {
                    op,
                    rd,
                    rn,
                    rm,
                    rot,
                })
            }
        }
        0xFB => {
            let op1 = ((hw1 >> 4) & 0xf) as u8;
            let op2 = ((hw2 >> 4) & 0xf) as u8;
            if op1 & 0x8 == 0 {
                if op2 & 0xC != 0 {
                    return None;
                }
                let acc_ok = ra != 13;
                let three = regs_ok(&[rd, rn, rm]) && acc_ok;
                let i = match op1 {
                    1 => DspInstr::Smla {
                        nt: op2 & 2 != 0,
                        mt: op2 & 1 != 0,
                        rd,
                        rn,
                        rm,
                        ra,
                    },
                    2 if op2 & 2 == 0 => DspInstr::Smlad {
                        sub: false,
                        x: op2 & 1 != 0,
                        rd,
                        rn,
                        rm,
                        ra,
                    },
                    3 if op2 & 2 == 0 => DspInstr::Smlaw {
                        mt: op2 & 1 != 0,
                        rd,
                        rn,
                        rm,
                        ra,
                    },
                    4 if op2 & 2 == 0 => DspInstr::Smlad {
                        sub: true,
                        x: op2 & 1 != 0,
                        rd,
                        rn,
                        rm,
                        ra,
                    },
                    5 if op2 & 2 == 0 => DspInstr::Smmla {
                        sub: false,
                        round: op2 & 1 != 0,
                        rd,
                        rn,
                        rm,
                        ra,
                    },
                    6 if op2 & 2 == 0 && ra != 15 => DspInstr::Smmla {
                        sub: true,
                        round: op2 & 1 != 0,
                        rd,
                        rn,
                        rm,
                        ra,
                    },
                    7 if op2 == 0 => DspInstr::Usada8 { rd, rn, rm, ra },
                    _ => return None,
                };
                three.then_some(i)
            } else {
                let rdlo = ra;
                let rdhi = rd;
                let ok = regs_ok(&[rdlo, rdhi, rn, rm]) && rdlo != rdhi;
                let i = match (op1 & 7, op2) {
                    (4, 0b1000..=0b1011) => DspInstr::Smlalxy {
                        nt: op2 & 2 != 0,
                        mt: op2 & 1 != 0,
                        rdlo,
                        rdhi,
                        rn,
                        rm,
                    },
                    (4, 0b1100 | 0b1101) => DspInstr::Smlald {
                        sub: false,
                        x: op2 & 1 != 0,
                        rdlo,
                        rdhi,
                        rn,
                        rm,
                    },
                    (5, 0b1100 | 0b1101) => DspInstr::Smlald {
                        sub: true,
                        x: op2 & 1 != 0,
                        rdlo,
                        rdhi,
                        rn,
                        rm,
                    },
                    (6, 0b0110) => DspInstr::Umaal { rdlo, rdhi, rn, rm },
                    _ => return None,
                };
                ok.then_some(i)
            }
        }
        0xF3 | 0xF7 => {
            // SSAT16/USAT16: 11110(0)11 x010 Rn | 0 000 Rd 00 (0)(0) sat_imm.
            let unsigned = match hw1 & 0x03F0 {
                0x0320 => false,
                0x03A0 => true,
                _ => return None,
            };
            if hw1 & 0x0400 != 0 || hw2 & 0xF0F0 != 0 {
                return None;
            }
            let imm = (hw2 & 0xf) as u8;
            let sat = if unsigned { imm } else { imm + 1 };
            regs_ok(&[rd, rn]).then_some(DspInstr::Sat16 {
                unsigned,
                rd,
                rn,
                sat,
            })
        }
        0xEA => {
            // PKHBT/PKHTB: 1110101 0110 S Rn | (0) imm3 Rd imm2 tb T Rm, S = T = 0.
            if hw1 & 0x00F0 != 0x00C0 || hw2 & 0x8010 != 0 {
                return None;
            }
            let shift = ((((hw2 >> 12) & 7) << 2) | ((hw2 >> 6) & 3)) as u8;
            regs_ok(&[rd, rn, rm]).then_some(DspInstr::Pkh {
                tb: hw2 & 0x20 != 0,
                rd,
                rn,
                rm,
                shift,
            })
        }
        _ => None,
    }
}

#[inline(always)]
fn lane(v: u32, i: u32, bits: u32, signed: bool) -> i32 {
    let x = (v >> (i * bits)) & ((1 << bits) - 1);
    if signed {
        ((x << (32 - bits)) as i32) >> (32 - bits)
    } else {
        x as i32
    }
}

#[inline(always)]
fn ssat(x: i64, bits: u32) -> (i64, bool) {
    let max = (1i64 << (bits - 1)) - 1;
    let min = -(1i64 << (bits - 1));
    if x > max {
        (max, true)
    } else if x < min {
        (min, true)
    } else {
        (x, false)
    }
}

#[inline(always)]
fn usat(x: i64, bits: u32) -> (i64, bool) {
    let max = (1i64 << bits) - 1;
    if x > max {
        (max, true)
    } else if x < 0 {
        (0, true)
    } else {
        (x, false)
    }
}

// The per-operation arithmetic below is shared by the generic executor ([`execute`]) and the
// fast forms of the decode cache (`exec/fast.rs`): one implementation of each instruction.

/// Executes one parallel add/subtract; returns the result and the new GE (for S/U).
#[inline(always)]
fn parallel(kind: ParKind, op: ParOp, n: u32, m: u32) -> (u32, Option<u8>) {
    let signed = matches!(kind, ParKind::S | ParKind::Q | ParKind::Sh);
    let (bits, lanes) = match op {
        ParOp::Add8 | ParOp::Sub8 => (8u32, 4u32),
        _ => (16, 2),
    };
    let mut out = 0u32;
    let mut ge = 0u8;
    for i in 0..lanes {
        // (lane of Rm paired with lane i of Rn, add?)
        let (mi, add) = match op {
            ParOp::Add16 | ParOp::Add8 => (i, true),
            ParOp::Sub16 | ParOp::Sub8 => (i, false),
            ParOp::Asx => (1 - i, i == 1),
            ParOp::Sax => (1 - i, i == 0),
        };
        let a = lane(n, i, bits, signed);
        let b = lane(m, mi, bits, signed);
        let r = if add { a + b } else { a - b };
        let (v, ge_bit) = match kind {
            ParKind::S => (r, r >= 0),
            ParKind::U => (r, if add { r >= 1 << bits } else { r >= 0 }),
            ParKind::Q => (ssat(i64::from(r), bits).0 as i32, false),
            ParKind::Uq => (usat(i64::from(r), bits).0 as i32, false),
            ParKind::Sh | ParKind::Uh => (r >> 1, false),
        };
        out |= ((v as u32) & ((1 << bits) - 1)) << (i * bits);
        if ge_bit {
            ge |= if bits == 8 { 1 << i } else { 0b11 << (2 * i) };
        }
    }
    let ge = matches!(kind, ParKind::S | ParKind::U).then_some(ge);
    (out, ge)
}

/// One parallel add/subtract with its kind and operation fixed: `f(Rn, Rm, &mut GE)` returns
/// the result and updates GE for the S and U kinds.
pub(crate) type ParallelFn = fn(u32, u32, &mut u8) -> u32;

const PAR_KINDS: [ParKind; 6] = [
    ParKind::S,
    ParKind::Q,
    ParKind::Sh,
    ParKind::U,
    ParKind::Uq,
    ParKind::Uh,
];
const PAR_OPS: [ParOp; 6] = [
    ParOp::Add16,
    ParOp::Asx,
    ParOp::Sax,
    ParOp::Sub16,
    ParOp::Add8,
    ParOp::Sub8,
];

/// The parallel ADD8/SUB8 (`BITS` = 8) and ADD16/SUB16 (`BITS` = 16) of [`parallel`] on all
/// lanes at once (SWAR: the carries kept inside each lane). `parallel` is its reference (unit
/// test).
#[inline(always)]
fn parallel_swar<const BITS: u32>(kind: ParKind, sub: bool, n: u32, m: u32) -> (u32, Option<u8>) {
    // H: the top bit of each lane, L: the others, LSB: the bottom bit, ONES: a lane of ones.
    let (h, lsb, ones) = if BITS == 8 {
        (0x8080_8080u32, 0x0101_0101u32, 0xffu32)
    } else {
        (0x8000_8000, 0x0001_0001, 0xffff)
    };
    let l = !h;
    // The top bits of `x` as GE bits: one per byte, two per halfword.
    let ge = |x: u32| -> u8 {
        let t = (x >> (BITS - 1)) & lsb;
        if BITS == 8 {
            ((t.wrapping_mul(0x0020_4081) >> 21) & 0xf) as u8
        } else {
            (((t & 1) * 0b11) | ((t >> 16) * 0b1100)) as u8
        }
    };
    // Lanewise modulo sum and difference.
    let add = |x: u32, y: u32| ((x & l) + (y & l)) ^ ((x ^ y) & h);
    let dif = |x: u32, y: u32| ((x | h) - (y & l)) ^ ((x ^ !y) & h);
    let halving = |x: u32, y: u32| {
        // floor((x - y) / 2) = ((x ^ y) >> 1) - (!x & y); floor((x + y) / 2) = (x & y) +
        // ((x ^ y) >> 1); the signed forms differ in the top bit where the signs differ.
        let half = ((x ^ y) >> 1) & l;
        if sub {
            dif(half, !x & y)
        } else {
            (x & y) + half
        }
    };
    let r = if sub { dif(n, m) } else { add(n, m) };
    match kind {
        ParKind::S | ParKind::Q => {
            let ovf = if sub {
                (n ^ m) & (n ^ r) & h
            } else {
                !(n ^ m) & (n ^ r) & h
            };
            if kind == ParKind::S {
                // GE: the result with one more bit is not negative.
                (r, Some(ge(!(r ^ ovf) & h)))
            } else {
                let sat = l + ((n >> (BITS - 1)) & lsb);
                let mask = (ovf >> (BITS - 1)) * ones;
                ((r & !mask) | (sat & mask), None)
            }
        }
        ParKind::U | ParKind::Uq => {
            // Carry out of each lane (add) or no borrow (sub).
            let c = if sub {
                !((!n & m) | ((!n | m) & r)) & h
            } else {
                ((n & m) | ((n | m) & !r)) & h
            };
            if kind == ParKind::U {
                (r, Some(ge(c)))
            } else if sub {
                (r & ((c >> (BITS - 1)) * ones), None)
            } else {
                (r | ((c >> (BITS - 1)) * ones), None)
            }
        }
        ParKind::Uh => (halving(n, m), None),
        ParKind::Sh => (halving(n, m) ^ ((n ^ m) & h), None),
    }
}

fn parallel_fixed<const K: usize, const O: usize>(n: u32, m: u32, ge: &mut u8) -> u32 {
    let (v, g) = match PAR_OPS[O] {
        ParOp::Add8 => parallel_swar::<8>(PAR_KINDS[K], false, n, m),
        ParOp::Sub8 => parallel_swar::<8>(PAR_KINDS[K], true, n, m),
        ParOp::Add16 => parallel_swar::<16>(PAR_KINDS[K], false, n, m),
        ParOp::Sub16 => parallel_swar::<16>(PAR_KINDS[K], true, n, m),
        op => parallel(PAR_KINDS[K], op, n, m),
    };
    if let Some(g) = g {
        *ge = g;
    }
    v
}

macro_rules! parallel_row {
    ($k:literal) => {
        [
            parallel_fixed::<$k, 0>,
            parallel_fixed::<$k, 1>,
            parallel_fixed::<$k, 2>,
            parallel_fixed::<$k, 3>,
            parallel_fixed::<$k, 4>,
            parallel_fixed::<$k, 5>,
        ]
    };
}

/// The 36 parallel add/subtract instructions, `PARALLEL[kind][op]`.
static PARALLEL: [[ParallelFn; 6]; 6] = [
    parallel_row!(0),
    parallel_row!(1),
    parallel_row!(2),
    parallel_row!(3),
    parallel_row!(4),
    parallel_row!(5),
];

/// The index of `kind` and `op` in [`PARALLEL`] flattened: kind * 6 + op.
pub(crate) fn parallel_index(kind: ParKind, op: ParOp) -> u8 {
    // PAR_KINDS and PAR_OPS list the variants in declaration order (a unit test checks it).
    kind as u8 * 6 + op as u8
}

/// The parallel add/subtract of index `i` (see [`parallel_index`]; at most 35).
#[inline(always)]
pub(crate) fn parallel_fn(i: u8) -> ParallelFn {
    let t = PARALLEL.as_flattened();
    t.get(usize::from(i)).copied().unwrap_or(t[0])
}

/// QADD/QSUB/QDADD/QDSUB of `Rn` (the doubled operand) and `Rm`: the result and whether it
/// saturated (Q).
#[inline(always)]
pub(crate) fn q32(op: QOp, n: u32, m: u32) -> (u32, bool) {
    let m = i64::from(m as i32);
    let mut n = i64::from(n as i32);
    let mut q = false;
    if matches!(op, QOp::Qdadd | QOp::Qdsub) {
        let (d, s) = ssat(2 * n, 32);
        n = d;
        q |= s;
    }
    let (v, s) = match op {
        QOp::Qadd | QOp::Qdadd => ssat(m + n, 32),
        QOp::Qsub | QOp::Qdsub => ssat(m - n, 32),
    };
    (v as u32, q | s)
}

/// SEL: the bytes of `n` where GE(i) is set, else those of `m`.
#[inline(always)]
pub(crate) fn sel(ge: u8, n: u32, m: u32) -> u32 {
    // Spread GE bits 0..3 to the low bit of each byte, then widen each to 0xff.
    let g = u32::from(ge & 15);
    let mask = ((g | (g << 7) | (g << 14) | (g << 21)) & 0x0101_0101) * 0xff;
    (n & mask) | (m & !mask)
}

/// The extend-and-add instructions: `n` is the addend (0 for SXTB16/UXTB16), `m` the
/// operand rotated right by `rot`.
#[inline(always)]
pub(crate) fn extend(op: ExtOp, n: u32, m: u32, rot: u8) -> u32 {
    let x = m.rotate_right(u32::from(rot));
    match op {
        ExtOp::Sxtah => n.wrapping_add(x as i16 as u32),
        ExtOp::Uxtah => n.wrapping_add(x & 0xffff),
        ExtOp::Sxtab => n.wrapping_add(x as i8 as u32),
        ExtOp::Uxtab => n.wrapping_add(x & 0xff),
        ExtOp::Sxtab16 | ExtOp::Uxtab16 => {
            let (b0, b2) = if op == ExtOp::Sxtab16 {
                (x as i8 as u32, (x >> 16) as i8 as u32)
            } else {
                (x & 0xff, (x >> 16) & 0xff)
            };
            let lo = n.wrapping_add(b0) & 0xffff;
            let hi = (n >> 16).wrapping_add(b2) & 0xffff;
            (hi << 16) | lo
        }
    }
}

/// PKHBT (`tb` false: LSL) / PKHTB (`tb` true: ASR, shift 0 meaning 32).
#[inline(always)]
pub(crate) fn pkh(tb: bool, n: u32, m: u32, shift: u8) -> u32 {
    if tb {
        let sh = if shift == 0 { 31 } else { u32::from(shift) };
        let s = ((m as i32) >> sh) as u32;
        (n & 0xffff_0000) | (s & 0xffff)
    } else {
        let s = m << shift;
        (s & 0xffff_0000) | (n & 0xffff)
    }
}

/// SSAT16/USAT16 to `sat` bits: the result and whether a halfword saturated (Q).
#[inline(always)]
pub(crate) fn sat16(unsigned: bool, sat: u8, n: u32) -> (u32, bool) {
    let mut out = 0u32;
    let mut q = false;
    for i in 0..2u32 {
        let x = half(n, i == 1);
        let (v, s) = if unsigned {
            usat(x, u32::from(sat))
        } else {
            ssat(x, u32::from(sat))
        };
        q |= s;
        out |= ((v as u32) & 0xffff) << (16 * i);
    }
    (out, q)
}

#[inline(always)]
fn half(v: u32, top: bool) -> i64 {
    i64::from(if top { (v >> 16) as i16 } else { v as i16 })
}

/// A 32-bit result of a signed sum and whether it overflowed 32 bits (Q).
#[inline(always)]
pub(crate) fn wrap_q(v: i64) -> (u32, bool) {
    (v as u32, v != i64::from(v as i32))
}

/// SMULxy: the product of the selected halfwords.
#[inline(always)]
pub(crate) fn smulxy(nt: bool, mt: bool, n: u32, m: u32) -> i64 {
    half(n, nt) * half(m, mt)
}

/// SMLAxy: the product plus the accumulator, and Q.
#[inline(always)]
pub(crate) fn smlaxy(nt: bool, mt: bool, n: u32, m: u32, a: u32) -> (u32, bool) {
    wrap_q(smulxy(nt, mt, n, m) + i64::from(a as i32))
}

/// SMULWy (`a` = None) / SMLAWy: the result and Q.
#[inline(always)]
pub(crate) fn smlaw(mt: bool, n: u32, m: u32, a: Option<u32>) -> (u32, bool) {
    let p = i64::from(n as i32) * half(m, mt);
    match a {
        None => ((p >> 16) as u32, false),
        Some(a) => wrap_q((p + (i64::from(a as i32) << 16)) >> 16),
    }
}

/// SMLAD/SMLSD (SMUAD/SMUSD with `a` = 0), X exchanging the halfwords of `m`: the result and Q.
#[inline(always)]
pub(crate) fn smlad(sub: bool, x: bool, n: u32, m: u32, a: u32) -> (u32, bool) {
    let m = if x { m.rotate_right(16) } else { m };
    let p1 = half(n, false) * half(m, false);
    let p2 = half(n, true) * half(m, true);
    let v = if sub { p1 - p2 } else { p1 + p2 };
    wrap_q(v + i64::from(a as i32))
}

/// SMMUL/SMMLA/SMMLS (R: rounded); `a` is the accumulator (None: SMMUL).
#[inline(always)]
pub(crate) fn smmla(sub: bool, round: bool, n: u32, m: u32, a: Option<u32>) -> u32 {
    let p = i64::from(n as i32) * i64::from(m as i32);
    let acc = a.map_or(0, |a| i64::from(a) << 32);
    let mut v = if sub {
        acc.wrapping_sub(p)
    } else {
        acc.wrapping_add(p)
    };
    if round {
        v = v.wrapping_add(0x8000_0000);
    }
    (v >> 32) as u32
}

/// USAD8: the sum of absolute differences of the four bytes.
#[inline(always)]
pub(crate) fn usad8(n: u32, m: u32) -> u32 {
    let (a, b) = (n.to_le_bytes(), m.to_le_bytes());
    let d = |i: usize| u32::from(a[i].abs_diff(b[i]));
    d(0) + d(1) + d(2) + d(3)
}

/// SMLALxy on the 64-bit accumulator `acc`.
#[inline(always)]
pub(crate) fn smlalxy(nt: bool, mt: bool, n: u32, m: u32, acc: u64) -> u64 {
    acc.wrapping_add(smulxy(nt, mt, n, m) as u64)
}

/// SMLALD/SMLSLD (X: exchange the halfwords of `m`) on the 64-bit accumulator `acc`.
#[inline(always)]
pub(crate) fn smlald(sub: bool, x: bool, n: u32, m: u32, acc: u64) -> u64 {
    let m = if x { m.rotate_right(16) } else { m };
    let p1 = half(n, false) * half(m, false);
    let p2 = half(n, true) * half(m, true);
    acc.wrapping_add((if sub { p1 - p2 } else { p1 + p2 }) as u64)
}

/// UMAAL: n * m + lo + hi (cannot overflow 64 bits).
#[inline(always)]
pub(crate) fn umaal(n: u32, m: u32, lo: u32, hi: u32) -> u64 {
    u64::from(n) * u64::from(m) + u64::from(lo) + u64::from(hi)
}

/// Executes a DSP instruction on the register file (sets GE and Q as the instruction defines).
pub fn execute(i: &DspInstr, cpu: &mut Cpu) -> Result<(), Fault> {
    let r = |cpu: &Cpu, n: u8| cpu.r[usize::from(n)];
    let acc = |cpu: &Cpu, ra: u8| (ra != NO_REG).then(|| cpu.r[usize::from(ra)]);
    let (rd, v) = match *i {
        DspInstr::Parallel {
            kind,
            op,
            rd,
            rn,
            rm,
        } => {
            let f = parallel_fn(parallel_index(kind, op));
            (rd, f(r(cpu, rn), r(cpu, rm), &mut cpu.ge))
        }
        DspInstr::Q32 { op, rd, rn, rm } => {
            let (v, q) = q32(op, r(cpu, rn), r(cpu, rm));
            cpu.q |= q;
            (rd, v)
        }
        DspInstr::Sel { rd, rn, rm } => (rd, sel(cpu.ge, r(cpu, rn), r(cpu, rm))),
        DspInstr::Extend {
            op,
            rd,
            rn,
            rm,
            rot,
        } => (rd, extend(op, acc(cpu, rn).unwrap_or(0), r(cpu, rm), rot)),
        DspInstr::Pkh {
            tb,
            rd,
            rn,
            rm,
            shift,
        } => (rd, pkh(tb, r(cpu, rn), r(cpu, rm), shift)),
        DspInstr::Sat16 {
            unsigned,
            rd,
            rn,
            sat,
        } => {
            let (v, q) = sat16(unsigned, sat, r(cpu, rn));
            cpu.q |= q;
            (rd, v)
        }
        DspInstr::Smla {
            nt,
            mt,
            rd,
            rn,
            rm,
            ra,
        } => {
            let (n, m) = (r(cpu, rn), r(cpu, rm));
            match acc(cpu, ra) {
                None => (rd, smulxy(nt, mt, n, m) as u32),
                Some(a) => {
                    let (v, q) = smlaxy(nt, mt, n, m, a);
                    cpu.q |= q;
                    (rd, v)
                }
            }
        }
        DspInstr::Smlaw { mt, rd, rn, rm, ra } => {
            let (v, q) = smlaw(mt, r(cpu, rn), r(cpu, rm), acc(cpu, ra));
            cpu.q |= q;
            (rd, v)
        }
        DspInstr::Smlad {
            sub,
            x,
            rd,
            rn,
            rm,
            ra,
        } => {
            let a = acc(cpu, ra).unwrap_or(0);
            let (v, q) = smlad(sub, x, r(cpu, rn), r(cpu, rm), a);
            cpu.q |= q;
            (rd, v)
        }
        DspInstr::Smmla {
            sub,
            round,
            rd,
            rn,
            rm,
            ra,
        } => (rd, smmla(sub, round, r(cpu, rn), r(cpu, rm), acc(cpu, ra))),
        DspInstr::Usada8 { rd, rn, rm, ra } => {
            let s = usad8(r(cpu, rn), r(cpu, rm));
            (rd, s.wrapping_add(acc(cpu, ra).unwrap_or(0)))
        }
        DspInstr::Smlalxy {
            nt,
            mt,
            rdlo,
            rdhi,
            rn,
            rm,
        } => {
            let v = smlalxy(nt, mt, r(cpu, rn), r(cpu, rm), acc64(&cpu.r, rdlo, rdhi));
            set64(&mut cpu.r, rdlo, rdhi, v);
            return Ok(());
        }
        DspInstr::Smlald {
            sub,
            x,
            rdlo,
            rdhi,
            rn,
            rm,
        } => {
            let v = smlald(sub, x, r(cpu, rn), r(cpu, rm), acc64(&cpu.r, rdlo, rdhi));
            set64(&mut cpu.r, rdlo, rdhi, v);
            return Ok(());
        }
        DspInstr::Umaal { rdlo, rdhi, rn, rm } => {
            let v = umaal(r(cpu, rn), r(cpu, rm), r(cpu, rdlo), r(cpu, rdhi));
            set64(&mut cpu.r, rdlo, rdhi, v);
            return Ok(());
        }
    };
    cpu.r[usize::from(rd)] = v;
    Ok(())
}

/// The 64-bit accumulator RdHi:RdLo of the register file `r`.
#[inline(always)]
pub(crate) fn acc64(r: &[u32; 16], lo: u8, hi: u8) -> u64 {
    (u64::from(r[usize::from(hi)]) << 32) | u64::from(r[usize::from(lo)])
}

/// Writes RdLo then RdHi (with RdLo = RdHi the high word wins).
#[inline(always)]
pub(crate) fn set64(r: &mut [u32; 16], lo: u8, hi: u8, v: u64) {
    r[usize::from(lo)] = v as u32;
    r[usize::from(hi)] = (v >> 32) as u32;
}

/// An immediate as capstone prints it: decimal up to 9, hexadecimal above.
pub(crate) fn imm(v: u32) -> String {
    if v > 9 {
        format!("#0x{v:x}")
    } else {
        format!("#{v}")
    }
}

/// Register name as capstone prints it (r9 = sb, r10 = sl, r11 = fp, r12 = ip).
pub(crate) fn reg_name(r: u8) -> &'static str {
    const NAMES: [&str; 16] = [
        "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "sb", "sl", "fp", "ip", "sp", "lr",
        "pc",
    ];
    NAMES[usize::from(r & 15)]
}

impl ParKind {
    fn prefix(self) -> &'static str {
        match self {
            ParKind::S => "s",
            ParKind::Q => "q",
            ParKind::Sh => "sh",
            ParKind::U => "u",
            ParKind::Uq => "uq",
            ParKind::Uh => "uh",
        }
    }
}

impl ParOp {
    fn suffix(self) -> &'static str {
        match self {
            ParOp::Add16 => "add16",
            ParOp::Asx => "asx",
            ParOp::Sax => "sax",
            ParOp::Sub16 => "sub16",
            ParOp::Add8 => "add8",
            ParOp::Sub8 => "sub8",
        }
    }
}

fn hb(top: bool) -> char {
    if top {
        't'
    } else {
        'b'
    }
}

fn xs(x: bool) -> &'static str {
    if x {
        "x"
    } else {
        ""
    }
}

impl DspInstr {
    /// The mnemonic in lower case, as capstone prints it.
    pub fn mnemonic(&self) -> String {
        match *self {
            DspInstr::Parallel { kind, op, .. } => format!("{}{}", kind.prefix(), op.suffix()),
            DspInstr::Q32 { op, .. } => match op {
                QOp::Qadd => "qadd",
                QOp::Qdadd => "qdadd",
                QOp::Qsub => "qsub",
                QOp::Qdsub => "qdsub",
            }
            .to_string(),
            DspInstr::Sel { .. } => "sel".into(),
            DspInstr::Extend { op, rn, .. } => {
                let acc = rn != NO_REG;
                match (op, acc) {
                    (ExtOp::Sxtah, _) => "sxtah",
                    (ExtOp::Uxtah, _) => "uxtah",
                    (ExtOp::Sxtab, _) => "sxtab",
                    (ExtOp::Uxtab, _) => "uxtab",
                    (ExtOp::Sxtab16, true) => "sxtab16",
                    (ExtOp::Sxtab16, false) => "sxtb16",
                    (ExtOp::Uxtab16, true) => "uxtab16",
                    (ExtOp::Uxtab16, false) => "uxtb16",
                }
                .to_string()
            }
            DspInstr::Pkh { tb, .. } => if tb { "pkhtb" } else { "pkhbt" }.into(),
            DspInstr::Sat16 { unsigned, .. } => if unsigned { "usat16" } else { "ssat16" }.into(),
            DspInstr::Smla { nt, mt, ra, .. } => {
                let base = if ra == NO_REG { "smul" } else { "smla" };
                format!("{base}{}{}", hb(nt), hb(mt))
            }
            DspInstr::Smlaw { mt, ra, .. } => {
                let base = if ra == NO_REG { "smulw" } else { "smlaw" };
                format!("{base}{}", hb(mt))
            }
            DspInstr::Smlad { sub, x, ra, .. } => {
                let base = match (sub, ra == NO_REG) {
                    (false, false) => "smlad",
                    (false, true) => "smuad",
                    (true, false) => "smlsd",
                    (true, true) => "smusd",
                };
                format!("{base}{}", xs(x))
            }
            DspInstr::Smmla { sub, round, ra, .. } => {
                let base = match (sub, ra == NO_REG) {
                    (true, _) => "smmls",
                    (false, false) => "smmla",
                    (false, true) => "smmul",
                };
                format!("{base}{}", if round { "r" } else { "" })
            }
            DspInstr::Usada8 { ra, .. } => if ra == NO_REG { "usad8" } else { "usada8" }.into(),
            DspInstr::Smlalxy { nt, mt, .. } => format!("smlal{}{}", hb(nt), hb(mt)),
            DspInstr::Smlald { sub, x, .. } => {
                format!("{}{}", if sub { "smlsld" } else { "smlald" }, xs(x))
            }
            DspInstr::Umaal { .. } => "umaal".into(),
        }
    }

    /// The operands as capstone prints them.
    pub fn operands(&self) -> String {
        let g = reg_name;
        match *self {
            DspInstr::Parallel { rd, rn, rm, .. } | DspInstr::Sel { rd, rn, rm } => {
                format!("{}, {}, {}", g(rd), g(rn), g(rm))
            }
            DspInstr::Q32 { rd, rn, rm, .. } => format!("{}, {}, {}", g(rd), g(rm), g(rn)),
            DspInstr::Extend {
                rd, rn, rm, rot, ..
            } => {
                let mut s = if rn == NO_REG {
                    format!("{}, {}", g(rd), g(rm))
                } else {
                    format!("{}, {}, {}", g(rd), g(rn), g(rm))
                };
                if rot != 0 {
                    s += &format!(", ror #{rot}");
                }
                s
            }
            DspInstr::Pkh {
                tb,
                rd,
                rn,
                rm,
                shift,
            } => {
                let mut s = format!("{}, {}, {}", g(rd), g(rn), g(rm));
                if tb {
                    s += &format!(
                        ", asr {}",
                        imm(if shift == 0 { 32 } else { u32::from(shift) })
                    );
                } else if shift != 0 {
                    s += &format!(", lsl {}", imm(u32::from(shift)));
                }
                s
            }
            DspInstr::Sat16 { rd, rn, sat, .. } => {
                format!("{}, {}, {}", g(rd), imm(u32::from(sat)), g(rn))
            }
            DspInstr::Smla { rd, rn, rm, ra, .. }
            | DspInstr::Smlaw { rd, rn, rm, ra, .. }
            | DspInstr::Smlad { rd, rn, rm, ra, .. }
            | DspInstr::Smmla { rd, rn, rm, ra, .. }
            | DspInstr::Usada8 { rd, rn, rm, ra } => {
                if ra == NO_REG {
                    format!("{}, {}, {}", g(rd), g(rn), g(rm))
                } else {
                    format!("{}, {}, {}, {}", g(rd), g(rn), g(rm), g(ra))
                }
            }
            DspInstr::Smlalxy {
                rdlo, rdhi, rn, rm, ..
            }
            | DspInstr::Smlald {
                rdlo, rdhi, rn, rm, ..
            }
            | DspInstr::Umaal { rdlo, rdhi, rn, rm } => {
                format!("{}, {}, {}, {}", g(rdlo), g(rdhi), g(rn), g(rm))
            }
        }
    }
}

impl fmt::Display for DspInstr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.mnemonic(), self.operands())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_table_follows_declaration_order() {
        for (i, k) in PAR_KINDS.iter().enumerate() {
            for (j, o) in PAR_OPS.iter().enumerate() {
                assert_eq!(
                    usize::from(parallel_index(*k, *o)),
                    i * 6 + j,
                    "{k:?} {o:?}"
                );
            }
        }
        // SSUB8 0x0180_7F00 - 0x0201_FF80, lane 0 first: 0 - -128 = 128 (wraps, GE), 127 - -1
        // = 128 (GE), -128 - 1 = -129 (wraps to 0x7F), 1 - 2 = -1.
        let mut ge = 0;
        let v =
            parallel_fn(parallel_index(ParKind::S, ParOp::Sub8))(0x0180_7F00, 0x0201_FF80, &mut ge);
        assert_eq!((v, ge), (0xFF7F_8080, 0b0011));
    }

    #[test]
    fn swar_parallel_forms_equal_the_lane_by_lane_reference() {
        let edges = [
            0u32,
            0x7f7f_7fff,
            0x8080_8000,
            0xffff_ffff,
            0x0180_7fff,
            0x7f80_8001,
        ];
        let mut x = 0x2545_f491u32;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for i in 0..200_000u32 {
            let (n, m) = if i < 36 {
                (edges[i as usize % 6], edges[i as usize / 6])
            } else {
                (next(), next())
            };
            for &kind in &PAR_KINDS {
                for (op, sub) in [(ParOp::Add8, false), (ParOp::Sub8, true)] {
                    assert_eq!(
                        parallel_swar::<8>(kind, sub, n, m),
                        parallel(kind, op, n, m),
                        "{kind:?} {op:?} {n:#010x} {m:#010x}"
                    );
                }
                for (op, sub) in [(ParOp::Add16, false), (ParOp::Sub16, true)] {
                    assert_eq!(
                        parallel_swar::<16>(kind, sub, n, m),
                        parallel(kind, op, n, m),
                        "{kind:?} {op:?} {n:#010x} {m:#010x}"
                    );
                }
            }
        }
    }

    #[test]
    fn size_fits_in_instr() {
        assert!(std::mem::size_of::<DspInstr>() <= 8);
    }

    #[test]
    fn decodes_objdump_vectors() {
        // (hw1, hw2, text) from arm-none-eabi-objdump -d of gcc output.
        let v: &[(u16, u16, &str)] = &[
            (0xfa91, 0xf002, "sadd16 r0, r1, r2"),
            (0xfb21, 0x3002, "smlad r0, r1, r2, r3"),
            (0xfa2f, 0xf081, "sxtb16 r0, r1"),
        ];
        for &(a, b, t) in v {
            assert_eq!(decode32(a, b).map(|i| i.to_string()).as_deref(), Some(t));
        }
    }
}

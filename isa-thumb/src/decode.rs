//! The Thumb decoder: one declarative encoding table per instruction width, turned into a
//! first-level-indexed matcher once, producing typed [`Instr`]s.
//!
//! Each table entry is named after the ARM ARM encoding (ARMv7-M ARM, DDI 0403E, chapter A5/A7)
//! and written as a bit pattern, most significant bit first (for 32-bit encodings: the first
//! halfword, then the second):
//! - `0`/`1`: fixed bits, they form the match mask;
//! - `z`/`o`: "should be" 0/1 bits (the ARM ARM's `(0)`/`(1)`); a mismatch is UNPREDICTABLE;
//! - any other letter: a field (the letter is documentation; the entry's function extracts it).
//!
//! Entries are tried most-specific first (more fixed bits first; a stable sort keeps the table
//! order among equals, so decoding is deterministic). An entry's function may decline an
//! encoding (`None`: the ARM ARM's "SEE other encoding" for a case the fixed bits cannot
//! express), and the next matching entry gets it. The first entry that accepts decides:
//! if its architecture is newer than the core's, the result is UNDEFINED (`NotInArch`),
//! exactly as on silicon.
//!
//! UNPREDICTABLE encodings decode to [`Instr::Undefined`] with
//! [`UndefReason::Unpredictable`]: thimble's documented choice is a UsageFault (UNDEFINSTR),
//! like QEMU for most of them. Conditions that depend on run-time state (a PC write inside an
//! IT block that is not its last instruction, ...) are the executor's.
//!
//! The DSP extension's 32-bit encodings are decoded by [`crate::dsp::decode32`] (gated here by
//! architecture), the FPU's by [`crate::fp::decode32`].

use std::sync::OnceLock;

use sim_core::board::Arch;

use crate::instr::{
    AddrMode, Barrier, Cond, DpOp, Enc, Hint, Instr, MemSize, MulLongOp, Offset, Operand2, RevOp,
    ShiftType, UndefReason,
};

/// The function that turns the raw bits of a matching encoding into an [`Instr`]:
/// `(raw, enc, arch)`; `raw` is the halfword, or `hw1 << 16 | hw2`. `None` declines
/// (another, less specific encoding applies).
pub type DecodeFn = fn(u32, Enc, Arch) -> Option<Instr>;

/// One row of an encoding table.
#[derive(Clone, Copy)]
pub struct Encoding {
    /// ARM ARM encoding name, e.g. `ADD_imm_T3`.
    pub name: &'static str,
    /// The bit pattern (16 or 32 characters).
    pub pattern: &'static str,
    /// The oldest architecture that has this encoding.
    pub arch: Arch,
    /// Bits that must match `value`.
    pub mask: u32,
    /// Required values of the `mask` bits.
    pub value: u32,
    /// Should-be-zero bits.
    pub sbz: u32,
    /// Should-be-one bits.
    pub sbo: u32,
    /// Field extraction.
    pub decode: DecodeFn,
}

impl Encoding {
    /// Instruction width in bits (16 or 32).
    pub const fn bits(&self) -> u32 {
        self.pattern.len() as u32
    }

    /// Number of fixed bits (the sort key: more fixed bits = more specific).
    pub const fn fixed_bits(&self) -> u32 {
        self.mask.count_ones()
    }
}

impl core::fmt::Debug for Encoding {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {} {:?}", self.name, self.pattern, self.arch)
    }
}

/// Builds a table entry; a malformed pattern is a compile-time error.
const fn e(name: &'static str, pattern: &'static str, arch: Arch, decode: DecodeFn) -> Encoding {
    let p = pattern.as_bytes();
    assert!(
        p.len() == 16 || p.len() == 32,
        "encoding pattern must have 16 or 32 bits"
    );
    let (mut mask, mut value, mut sbz, mut sbo) = (0u32, 0u32, 0u32, 0u32);
    let mut i = 0;
    while i < p.len() {
        let bit = 1u32 << (p.len() - 1 - i);
        match p[i] {
            b'0' => mask |= bit,
            b'1' => {
                mask |= bit;
                value |= bit;
            }
            b'z' => sbz |= bit,
            b'o' => sbo |= bit,
            _ => {}
        }
        i += 1;
    }
    Encoding {
        name,
        pattern,
        arch,
        mask,
        value,
        sbz,
        sbo,
        decode,
    }
}

// ---------------------------------------------------------------------------------------------
// Field helpers.

/// `w` bits of `x` starting at bit `lo`.
#[inline]
const fn f(x: u32, lo: u32, w: u32) -> u32 {
    (x >> lo) & ((1u32 << w) - 1)
}

/// Bit `n` of `x`.
#[inline]
const fn b(x: u32, n: u32) -> bool {
    (x >> n) & 1 != 0
}

/// A 4-bit register field at `lo`.
#[inline]
const fn r4(x: u32, lo: u32) -> u8 {
    f(x, lo, 4) as u8
}

/// A 3-bit register field at `lo`.
#[inline]
const fn r3(x: u32, lo: u32) -> u8 {
    f(x, lo, 3) as u8
}

/// The ARM ARM's BadReg(): SP or PC.
#[inline]
const fn bad(r: u8) -> bool {
    r == 13 || r == 15
}

/// Sign-extends the low `bits` bits of `x`.
#[inline]
const fn sext(x: u32, bits: u32) -> i32 {
    ((x << (32 - bits)) as i32) >> (32 - bits)
}

fn unpred(enc: Enc) -> Option<Instr> {
    Some(Instr::Undefined {
        enc,
        reason: UndefReason::Unpredictable,
    })
}

fn undef(enc: Enc) -> Option<Instr> {
    Some(Instr::Undefined {
        enc,
        reason: UndefReason::Undefined,
    })
}

/// Returns UNPREDICTABLE from the enclosing decode function when `$c` holds.
macro_rules! unpredictable_if {
    ($c:expr, $enc:expr) => {
        if $c {
            return unpred($enc);
        }
    };
}

/// `DecodeImmShift` (ARM ARM A7.4.2).
const fn decode_imm_shift(ty: u32, imm5: u32) -> (ShiftType, u8) {
    let n = imm5 as u8;
    match ty & 3 {
        0 => (ShiftType::Lsl, n),
        1 => (ShiftType::Lsr, if n == 0 { 32 } else { n }),
        2 => (ShiftType::Asr, if n == 0 { 32 } else { n }),
        _ => {
            if n == 0 {
                (ShiftType::Rrx, 1)
            } else {
                (ShiftType::Ror, n)
            }
        }
    }
}

/// `ThumbExpandImm_C` (ARM ARM A5.3.2): the value and, for rotated forms, the carry-out.
/// `None` for the UNPREDICTABLE replicated forms with a zero byte.
pub const fn thumb_expand_imm(imm12: u32) -> Option<(u32, Option<bool>)> {
    let imm8 = imm12 & 0xFF;
    if imm12 >> 10 == 0 {
        let v = match (imm12 >> 8) & 3 {
            0 => return Some((imm8, None)),
            1 => imm8 * 0x0001_0001,
            2 => (imm8 << 8) * 0x0001_0001,
            _ => imm8 * 0x0101_0101,
        };
        if imm8 == 0 {
            None
        } else {
            Some((v, None))
        }
    } else {
        let v = (0x80 | (imm12 & 0x7F)).rotate_right(imm12 >> 7);
        Some((v, Some(v >> 31 != 0)))
    }
}

// ---------------------------------------------------------------------------------------------
// 16-bit decode functions (ARM ARM A5.2).

fn shift_imm16(x: u32, enc: Enc, ty: u32) -> Option<Instr> {
    let (shift, amount) = decode_imm_shift(ty, f(x, 6, 5));
    Some(Instr::DataProc {
        enc,
        op: DpOp::Mov,
        s: true,
        rd: r3(x, 0),
        rn: 0,
        op2: Operand2::Reg {
            rm: r3(x, 3),
            shift,
            amount,
        },
    })
}

fn add_sub_reg16(x: u32, enc: Enc, op: DpOp) -> Option<Instr> {
    Some(Instr::DataProc {
        enc,
        op,
        s: true,
        rd: r3(x, 0),
        rn: r3(x, 3),
        op2: Operand2::reg(r3(x, 6)),
    })
}

fn add_sub_imm3(x: u32, enc: Enc, op: DpOp) -> Option<Instr> {
    Some(Instr::DataProc {
        enc,
        op,
        s: true,
        rd: r3(x, 0),
        rn: r3(x, 3),
        op2: Operand2::imm(f(x, 6, 3)),
    })
}

fn imm8_16(x: u32, enc: Enc, op: DpOp) -> Option<Instr> {
    let r = r3(x, 8);
    let (rd, rn) = match op {
        DpOp::Mov => (r, 0),
        DpOp::Cmp => (0, r),
        _ => (r, r),
    };
    Some(Instr::DataProc {
        enc,
        op,
        s: true,
        rd,
        rn,
        op2: Operand2::imm(f(x, 0, 8)),
    })
}

fn dp16(x: u32, enc: Enc, op: DpOp) -> Option<Instr> {
    let rdn = r3(x, 0);
    let rm = r3(x, 3);
    let (rd, rn) = match op {
        DpOp::Tst | DpOp::Cmp | DpOp::Cmn => (0, rdn),
        DpOp::Mvn => (rdn, 0),
        _ => (rdn, rdn),
    };
    Some(Instr::DataProc {
        enc,
        op,
        s: true,
        rd,
        rn,
        op2: Operand2::reg(rm),
    })
}

fn shift_reg16(x: u32, enc: Enc, shift: ShiftType) -> Option<Instr> {
    let rdn = r3(x, 0);
    Some(Instr::DataProc {
        enc,
        op: DpOp::Mov,
        s: true,
        rd: rdn,
        rn: 0,
        op2: Operand2::RegShiftedReg {
            rm: rdn,
            shift,
            rs: r3(x, 3),
        },
    })
}

fn rsb16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::DataProc {
        enc,
        op: DpOp::Rsb,
        s: true,
        rd: r3(x, 0),
        rn: r3(x, 3),
        op2: Operand2::imm(0),
    })
}

fn mul16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let rdm = r3(x, 0);
    Some(Instr::Mul {
        enc,
        s: true,
        rd: rdm,
        rn: r3(x, 3),
        rm: rdm,
    })
}

fn add_reg_hi(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let rdn = (f(x, 7, 1) << 3 | f(x, 0, 3)) as u8;
    let rm = r4(x, 3);
    // v6-M and v7-M: n == 15 && m == 15 is UNPREDICTABLE.
    unpredictable_if!(rdn == 15 && rm == 15, enc);
    Some(Instr::DataProc {
        enc,
        op: DpOp::Add,
        s: false,
        rd: rdn,
        rn: rdn,
        op2: Operand2::reg(rm),
    })
}

fn cmp_reg_hi(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let rn = (f(x, 7, 1) << 3 | f(x, 0, 3)) as u8;
    let rm = r4(x, 3);
    unpredictable_if!((rn < 8 && rm < 8) || rn == 15 || rm == 15, enc);
    Some(Instr::DataProc {
        enc,
        op: DpOp::Cmp,
        s: true,
        rd: 0,
        rn,
        op2: Operand2::reg(rm),
    })
}

fn mov_reg_hi(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let rd = (f(x, 7, 1) << 3 | f(x, 0, 3)) as u8;
    Some(Instr::DataProc {
        enc,
        op: DpOp::Mov,
        s: false,
        rd,
        rn: 0,
        op2: Operand2::reg(r4(x, 3)),
    })
}

fn bx16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let link = b(x, 7);
    let rm = r4(x, 3);
    unpredictable_if!(link && rm == 15, enc);
    Some(Instr::Bx { enc, link, rm })
}

fn load16(enc: Enc, size: MemSize, signed: bool, rt: u8, addr: AddrMode) -> Option<Instr> {
    Some(Instr::Load {
        enc,
        size,
        signed,
        rt,
        addr,
    })
}

fn store16(enc: Enc, size: MemSize, rt: u8, addr: AddrMode) -> Option<Instr> {
    Some(Instr::Store {
        enc,
        size,
        rt,
        addr,
    })
}

fn ldst_reg16(x: u32, enc: Enc, load: bool, size: MemSize, signed: bool) -> Option<Instr> {
    let addr = AddrMode::reg(r3(x, 3), r3(x, 6), 0);
    if load {
        load16(enc, size, signed, r3(x, 0), addr)
    } else {
        store16(enc, size, r3(x, 0), addr)
    }
}

fn ldst_imm5(x: u32, enc: Enc, load: bool, size: MemSize) -> Option<Instr> {
    let scale = match size {
        MemSize::Byte => 0,
        MemSize::Half => 1,
        MemSize::Word => 2,
    };
    let addr = AddrMode::imm(r3(x, 3), (f(x, 6, 5) << scale) as u16);
    if load {
        load16(enc, size, false, r3(x, 0), addr)
    } else {
        store16(enc, size, r3(x, 0), addr)
    }
}

fn ldst_sp16(x: u32, enc: Enc, load: bool) -> Option<Instr> {
    let addr = AddrMode::imm(13, (f(x, 0, 8) << 2) as u16);
    if load {
        load16(enc, MemSize::Word, false, r3(x, 8), addr)
    } else {
        store16(enc, MemSize::Word, r3(x, 8), addr)
    }
}

fn ldr_lit16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    load16(
        enc,
        MemSize::Word,
        false,
        r3(x, 8),
        AddrMode::imm(15, (f(x, 0, 8) << 2) as u16),
    )
}

fn adr16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::Adr {
        enc,
        rd: r3(x, 8),
        offset: (f(x, 0, 8) << 2) as i32,
    })
}

fn add_sp_imm8(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::DataProc {
        enc,
        op: DpOp::Add,
        s: false,
        rd: r3(x, 8),
        rn: 13,
        op2: Operand2::imm(f(x, 0, 8) << 2),
    })
}

fn sp_imm7(x: u32, enc: Enc, op: DpOp) -> Option<Instr> {
    Some(Instr::DataProc {
        enc,
        op,
        s: false,
        rd: 13,
        rn: 13,
        op2: Operand2::imm(f(x, 0, 7) << 2),
    })
}

fn cbz(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::Cbz {
        enc,
        nonzero: b(x, 11),
        rn: r3(x, 0),
        offset: ((f(x, 9, 1) << 6) | (f(x, 3, 5) << 1)) as u8,
    })
}

fn extend16(x: u32, enc: Enc, signed: bool, size: MemSize) -> Option<Instr> {
    Some(Instr::Extend {
        enc,
        signed,
        size,
        rd: r3(x, 0),
        rm: r3(x, 3),
        rotation: 0,
    })
}

fn rev16(x: u32, enc: Enc, op: RevOp) -> Option<Instr> {
    Some(Instr::Rev {
        enc,
        op,
        rd: r3(x, 0),
        rm: r3(x, 3),
    })
}

fn push16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let list = (f(x, 8, 1) << 14 | f(x, 0, 8)) as u16;
    unpredictable_if!(list == 0, enc);
    Some(Instr::Stm {
        enc,
        rn: 13,
        list,
        wback: true,
        db: true,
    })
}

fn pop16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let list = (f(x, 8, 1) << 15 | f(x, 0, 8)) as u16;
    unpredictable_if!(list == 0, enc);
    Some(Instr::Ldm {
        enc,
        rn: 13,
        list,
        wback: true,
        db: false,
    })
}

fn stm16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let list = f(x, 0, 8) as u16;
    unpredictable_if!(list == 0, enc);
    Some(Instr::Stm {
        enc,
        rn: r3(x, 8),
        list,
        wback: true,
        db: false,
    })
}

fn ldm16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let list = f(x, 0, 8) as u16;
    let rn = r3(x, 8);
    unpredictable_if!(list == 0, enc);
    Some(Instr::Ldm {
        enc,
        rn,
        list,
        // LDM T1 writes back unless the base is in the list.
        wback: list & (1 << rn) == 0,
        db: false,
    })
}

fn cps16(x: u32, enc: Enc, arch: Arch) -> Option<Instr> {
    let (i, fm) = (b(x, 1), b(x, 0));
    // v7-M: I = F = 0 is UNPREDICTABLE. v6-M has no FAULTMASK: its encoding has
    // `(0)(0)(1)(0)` in bits 3:0, so anything but I=1, F=0 is UNPREDICTABLE.
    unpredictable_if!(!i && !fm, enc);
    unpredictable_if!(arch == Arch::V6M && (!i || fm), enc);
    Some(Instr::Cps {
        enc,
        disable: b(x, 4),
        i,
        f: fm,
    })
}

fn bkpt(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::Bkpt {
        enc,
        imm: f(x, 0, 8) as u8,
    })
}

fn it(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let firstcond = f(x, 4, 4) as u8;
    let mask = f(x, 0, 4) as u8;
    // firstcond 1111, and AL with more than one instruction, are UNPREDICTABLE.
    unpredictable_if!(
        firstcond == 15 || (firstcond == 14 && mask.count_ones() != 1),
        enc
    );
    Some(Instr::It {
        enc,
        firstcond,
        mask,
    })
}

fn hint(n: u32, enc: Enc) -> Option<Instr> {
    let hint = match n {
        0 => Hint::Nop,
        1 => Hint::Yield,
        2 => Hint::Wfe,
        3 => Hint::Wfi,
        4 => Hint::Sev,
        n => Hint::Unallocated(n as u8),
    };
    Some(Instr::Hint { enc, hint })
}

fn hint16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    hint(f(x, 4, 4), enc)
}

fn b_t1(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let c = f(x, 8, 4);
    if c >= 14 {
        return None; // UDF / SVC
    }
    Some(Instr::B {
        enc,
        cond: Cond::from_bits(c as u8),
        offset: sext(f(x, 0, 8) << 1, 9),
    })
}

fn b_t2(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::B {
        enc,
        cond: Cond::Al,
        offset: sext(f(x, 0, 11) << 1, 12),
    })
}

fn udf16(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::Udf {
        enc,
        imm: f(x, 0, 8) as u16,
    })
}

fn svc(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::Svc {
        enc,
        imm: f(x, 0, 8) as u8,
    })
}

use Arch::{V6M, V7M};

/// The 16-bit encoding table (ARM ARM A5.2).
#[rustfmt::skip]
pub static ENCODINGS16: &[Encoding] = &[
    // A5.2.1 shift (immediate), add, subtract, move, compare
    e("MOV_reg_T2", "0000000000mmmddd", V6M, |x, e, _| shift_imm16(x, e, 0)),
    e("LSL_imm_T1", "00000iiiiimmmddd", V6M, |x, e, _| shift_imm16(x, e, 0)),
    e("LSR_imm_T1", "00001iiiiimmmddd", V6M, |x, e, _| shift_imm16(x, e, 1)),
    e("ASR_imm_T1", "00010iiiiimmmddd", V6M, |x, e, _| shift_imm16(x, e, 2)),
    e("ADD_reg_T1", "0001100mmmnnnddd", V6M, |x, e, _| add_sub_reg16(x, e, DpOp::Add)),
    e("SUB_reg_T1", "0001101mmmnnnddd", V6M, |x, e, _| add_sub_reg16(x, e, DpOp::Sub)),
    e("ADD_imm_T1", "0001110iiinnnddd", V6M, |x, e, _| add_sub_imm3(x, e, DpOp::Add)),
    e("SUB_imm_T1", "0001111iiinnnddd", V6M, |x, e, _| add_sub_imm3(x, e, DpOp::Sub)),
    e("MOV_imm_T1", "00100dddiiiiiiii", V6M, |x, e, _| imm8_16(x, e, DpOp::Mov)),
    e("CMP_imm_T1", "00101nnniiiiiiii", V6M, |x, e, _| imm8_16(x, e, DpOp::Cmp)),
    e("ADD_imm_T2", "00110dddiiiiiiii", V6M, |x, e, _| imm8_16(x, e, DpOp::Add)),
    e("SUB_imm_T2", "00111dddiiiiiiii", V6M, |x, e, _| imm8_16(x, e, DpOp::Sub)),
    // A5.2.2 data processing
    e("AND_reg_T1", "0100000000mmmddd", V6M, |x, e, _| dp16(x, e, DpOp::And)),
    e("EOR_reg_T1", "0100000001mmmddd", V6M, |x, e, _| dp16(x, e, DpOp::Eor)),
    e("LSL_reg_T1", "0100000010mmmddd", V6M, |x, e, _| shift_reg16(x, e, ShiftType::Lsl)),
    e("LSR_reg_T1", "0100000011mmmddd", V6M, |x, e, _| shift_reg16(x, e, ShiftType::Lsr)),
    e("ASR_reg_T1", "0100000100mmmddd", V6M, |x, e, _| shift_reg16(x, e, ShiftType::Asr)),
    e("ADC_reg_T1", "0100000101mmmddd", V6M, |x, e, _| dp16(x, e, DpOp::Adc)),
    e("SBC_reg_T1", "0100000110mmmddd", V6M, |x, e, _| dp16(x, e, DpOp::Sbc)),
    e("ROR_reg_T1", "0100000111mmmddd", V6M, |x, e, _| shift_reg16(x, e, ShiftType::Ror)),
    e("TST_reg_T1", "0100001000mmmnnn", V6M, |x, e, _| dp16(x, e, DpOp::Tst)),
    e("RSB_imm_T1", "0100001001nnnddd", V6M, rsb16),
    e("CMP_reg_T1", "0100001010mmmnnn", V6M, |x, e, _| dp16(x, e, DpOp::Cmp)),
    e("CMN_reg_T1", "0100001011mmmnnn", V6M, |x, e, _| dp16(x, e, DpOp::Cmn)),
    e("ORR_reg_T1", "0100001100mmmddd", V6M, |x, e, _| dp16(x, e, DpOp::Orr)),
    e("MUL_T1", "0100001101nnnddd", V6M, mul16),
    e("BIC_reg_T1", "0100001110mmmddd", V6M, |x, e, _| dp16(x, e, DpOp::Bic)),
    e("MVN_reg_T1", "0100001111mmmddd", V6M, |x, e, _| dp16(x, e, DpOp::Mvn)),
    // A5.2.3 special data instructions and branch and exchange
    e("ADD_SP_reg_T1", "01000100d1101ddd", V6M, add_reg_hi),
    e("ADD_SP_reg_T2", "010001001mmmm101", V6M, add_reg_hi),
    e("ADD_reg_T2", "01000100dmmmmddd", V6M, add_reg_hi),
    e("CMP_reg_T2", "01000101nmmmmnnn", V6M, cmp_reg_hi),
    e("MOV_reg_T1", "01000110dmmmmddd", V6M, mov_reg_hi),
    e("BX_T1", "010001110mmmmzzz", V6M, bx16),
    e("BLX_reg_T1", "010001111mmmmzzz", V6M, bx16),
    // A5.2.4 load/store single data item
    e("LDR_lit_T1", "01001tttiiiiiiii", V6M, ldr_lit16),
    e("STR_reg_T1", "0101000mmmnnnttt", V6M, |x, e, _| ldst_reg16(x, e, false, MemSize::Word, false)),
    e("STRH_reg_T1", "0101001mmmnnnttt", V6M, |x, e, _| ldst_reg16(x, e, false, MemSize::Half, false)),
    e("STRB_reg_T1", "0101010mmmnnnttt", V6M, |x, e, _| ldst_reg16(x, e, false, MemSize::Byte, false)),
    e("LDRSB_reg_T1", "0101011mmmnnnttt", V6M, |x, e, _| ldst_reg16(x, e, true, MemSize::Byte, true)),
    e("LDR_reg_T1", "0101100mmmnnnttt", V6M, |x, e, _| ldst_reg16(x, e, true, MemSize::Word, false)),
    e("LDRH_reg_T1", "0101101mmmnnnttt", V6M, |x, e, _| ldst_reg16(x, e, true, MemSize::Half, false)),
    e("LDRB_reg_T1", "0101110mmmnnnttt", V6M, |x, e, _| ldst_reg16(x, e, true, MemSize::Byte, false)),
    e("LDRSH_reg_T1", "0101111mmmnnnttt", V6M, |x, e, _| ldst_reg16(x, e, true, MemSize::Half, true)),
    e("STR_imm_T1", "01100iiiiinnnttt", V6M, |x, e, _| ldst_imm5(x, e, false, MemSize::Word)),
    e("LDR_imm_T1", "01101iiiiinnnttt", V6M, |x, e, _| ldst_imm5(x, e, true, MemSize::Word)),
    e("STRB_imm_T1", "01110iiiiinnnttt", V6M, |x, e, _| ldst_imm5(x, e, false, MemSize::Byte)),
    e("LDRB_imm_T1", "01111iiiiinnnttt", V6M, |x, e, _| ldst_imm5(x, e, true, MemSize::Byte)),
    e("STRH_imm_T1", "10000iiiiinnnttt", V6M, |x, e, _| ldst_imm5(x, e, false, MemSize::Half)),
    e("LDRH_imm_T1", "10001iiiiinnnttt", V6M, |x, e, _| ldst_imm5(x, e, true, MemSize::Half)),
    e("STR_imm_T2", "10010tttiiiiiiii", V6M, |x, e, _| ldst_sp16(x, e, false)),
    e("LDR_imm_T2", "10011tttiiiiiiii", V6M, |x, e, _| ldst_sp16(x, e, true)),
    // PC- and SP-relative addresses
    e("ADR_T1", "10100dddiiiiiiii", V6M, adr16),
    e("ADD_SP_imm_T1", "10101dddiiiiiiii", V6M, add_sp_imm8),
    // A5.2.5 miscellaneous 16-bit instructions
    e("ADD_SP_imm_T2", "101100000iiiiiii", V6M, |x, e, _| sp_imm7(x, e, DpOp::Add)),
    e("SUB_SP_imm_T1", "101100001iiiiiii", V6M, |x, e, _| sp_imm7(x, e, DpOp::Sub)),
    e("CBZ_T1", "101100i1iiiiinnn", V7M, cbz),
    e("CBNZ_T1", "101110i1iiiiinnn", V7M, cbz),
    e("SXTH_T1", "1011001000mmmddd", V6M, |x, e, _| extend16(x, e, true, MemSize::Half)),
    e("SXTB_T1", "1011001001mmmddd", V6M, |x, e, _| extend16(x, e, true, MemSize::Byte)),
    e("UXTH_T1", "1011001010mmmddd", V6M, |x, e, _| extend16(x, e, false, MemSize::Half)),
    e("UXTB_T1", "1011001011mmmddd", V6M, |x, e, _| extend16(x, e, false, MemSize::Byte)),
    e("PUSH_T1", "1011010mrrrrrrrr", V6M, push16),
    e("CPS_T1", "10110110011izzif", V6M, cps16),
    e("REV_T1", "1011101000mmmddd", V6M, |x, e, _| rev16(x, e, RevOp::Rev)),
    e("REV16_T1", "1011101001mmmddd", V6M, |x, e, _| rev16(x, e, RevOp::Rev16)),
    e("REVSH_T1", "1011101011mmmddd", V6M, |x, e, _| rev16(x, e, RevOp::Revsh)),
    e("POP_T1", "1011110prrrrrrrr", V6M, pop16),
    e("BKPT_T1", "10111110iiiiiiii", V6M, bkpt),
    e("IT_T1", "10111111ccccmmmm", V7M, it),
    e("HINT_T1", "10111111hhhh0000", V6M, hint16),
    // A5.2.6/7 load/store multiple
    e("STM_T1", "11000nnnrrrrrrrr", V6M, stm16),
    e("LDM_T1", "11001nnnrrrrrrrr", V6M, ldm16),
    // A5.2.6 conditional branch, supervisor call
    e("B_T1", "1101cccciiiiiiii", V6M, b_t1),
    e("UDF_T1", "11011110iiiiiiii", V6M, udf16),
    e("SVC_T1", "11011111iiiiiiii", V6M, svc),
    e("B_T2", "11100iiiiiiiiiii", V6M, b_t2),
];

// ---------------------------------------------------------------------------------------------
// 32-bit decode functions (ARM ARM A5.3). `x` = hw1 << 16 | hw2.

/// Register restrictions shared by the data-processing forms (ARM ARM A7.7, per instruction):
/// returns true when the combination is UNPREDICTABLE.
fn dp_unpredictable(op: DpOp, rd: u8, rn: u8) -> bool {
    match op {
        DpOp::Tst | DpOp::Teq => bad(rn),
        DpOp::Cmp | DpOp::Cmn => rn == 15,
        DpOp::Mov | DpOp::Mvn => bad(rd),
        // rn == 13 is ADD/SUB (SP plus ...), where rd may be SP.
        DpOp::Add | DpOp::Sub if rn == 13 => rd == 15,
        DpOp::Add | DpOp::Sub => bad(rd) || rn == 15,
        _ => bad(rd) || bad(rn),
    }
}

fn dp_fields(op: DpOp, rd: u8, rn: u8) -> (u8, u8) {
    match op {
        DpOp::Tst | DpOp::Teq | DpOp::Cmp | DpOp::Cmn => (0, rn),
        DpOp::Mov | DpOp::Mvn => (rd, 0),
        _ => (rd, rn),
    }
}

fn dp_imm32(x: u32, enc: Enc, op: DpOp) -> Option<Instr> {
    let (rd, rn) = (r4(x, 8), r4(x, 16));
    let imm12 = f(x, 26, 1) << 11 | f(x, 12, 3) << 8 | f(x, 0, 8);
    let Some((value, carry)) = thumb_expand_imm(imm12) else {
        return unpred(enc);
    };
    unpredictable_if!(dp_unpredictable(op, rd, rn), enc);
    let (rd, rn) = dp_fields(op, rd, rn);
    Some(Instr::DataProc {
        enc,
        op,
        s: b(x, 20),
        rd,
        rn,
        op2: Operand2::Imm { value, carry },
    })
}

fn dp_reg32(x: u32, enc: Enc, op: DpOp) -> Option<Instr> {
    let (rd, rn, rm) = (r4(x, 8), r4(x, 16), r4(x, 0));
    let (shift, amount) = decode_imm_shift(f(x, 4, 2), f(x, 12, 3) << 2 | f(x, 6, 2));
    unpredictable_if!(bad(rm) || dp_unpredictable(op, rd, rn), enc);
    // ADD/SUB (SP plus register) T3/T1: rd == SP only with LSL #0..3.
    unpredictable_if!(
        rn == 13
            && rd == 13
            && matches!(op, DpOp::Add | DpOp::Sub)
            && (shift != ShiftType::Lsl || amount > 3),
        enc
    );
    let (rd, rn) = dp_fields(op, rd, rn);
    Some(Instr::DataProc {
        enc,
        op,
        s: b(x, 20),
        rd,
        rn,
        op2: Operand2::Reg { rm, shift, amount },
    })
}

/// MOV (register) T3 and the shift-by-immediate forms (ORR with Rn = PC).
fn mov_shift32(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let (rd, rm, s) = (r4(x, 8), r4(x, 0), b(x, 20));
    let (shift, amount) = decode_imm_shift(f(x, 4, 2), f(x, 12, 3) << 2 | f(x, 6, 2));
    if shift == ShiftType::Lsl && amount == 0 {
        // MOV.W: SP allowed as either operand (not both) when not setting flags.
        unpredictable_if!(s && (bad(rd) || bad(rm)), enc);
        unpredictable_if!(!s && (rd == 15 || rm == 15 || (rd == 13 && rm == 13)), enc);
    } else {
        unpredictable_if!(bad(rd) || bad(rm), enc);
    }
    Some(Instr::DataProc {
        enc,
        op: DpOp::Mov,
        s,
        rd,
        rn: 0,
        op2: Operand2::Reg { rm, shift, amount },
    })
}

fn shift_reg32(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let (rd, rn, rm) = (r4(x, 8), r4(x, 16), r4(x, 0));
    unpredictable_if!(bad(rd) || bad(rn) || bad(rm), enc);
    let (shift, _) = decode_imm_shift(f(x, 21, 2), 1);
    Some(Instr::DataProc {
        enc,
        op: DpOp::Mov,
        s: b(x, 20),
        rd,
        rn: 0,
        op2: Operand2::RegShiftedReg {
            rm: rn,
            shift,
            rs: rm,
        },
    })
}

fn imm12_plain(x: u32) -> u32 {
    f(x, 26, 1) << 11 | f(x, 12, 3) << 8 | f(x, 0, 8)
}

fn imm16_plain(x: u32) -> u16 {
    (f(x, 16, 4) << 12 | imm12_plain(x)) as u16
}

/// ADDW/SUBW (ADD/SUB immediate T4/T3, including the SP forms).
fn addw(x: u32, enc: Enc, op: DpOp) -> Option<Instr> {
    let (rd, rn) = (r4(x, 8), r4(x, 16));
    if rn == 15 {
        return None; // ADR
    }
    unpredictable_if!(if rn == 13 { rd == 15 } else { bad(rd) }, enc);
    Some(Instr::DataProc {
        enc,
        op,
        s: false,
        rd,
        rn,
        op2: Operand2::imm(imm12_plain(x)),
    })
}

fn adr32(x: u32, enc: Enc, sub: bool) -> Option<Instr> {
    let rd = r4(x, 8);
    unpredictable_if!(bad(rd), enc);
    let imm = imm12_plain(x) as i32;
    Some(Instr::Adr {
        enc,
        rd,
        offset: if sub { -imm } else { imm },
    })
}

fn movw(x: u32, enc: Enc, top: bool) -> Option<Instr> {
    let rd = r4(x, 8);
    unpredictable_if!(bad(rd), enc);
    let imm = imm16_plain(x);
    Some(if top {
        Instr::Movt { enc, rd, imm }
    } else {
        Instr::Movw { enc, rd, imm }
    })
}

fn sat32(x: u32, enc: Enc, signed: bool) -> Option<Instr> {
    let (rd, rn) = (r4(x, 8), r4(x, 16));
    let imm5 = f(x, 12, 3) << 2 | f(x, 6, 2);
    let sh = b(x, 21);
    if sh && imm5 == 0 {
        return None; // SSAT16/USAT16: DSP extension
    }
    unpredictable_if!(bad(rd) || bad(rn), enc);
    let (shift, amount) = decode_imm_shift(if sh { 2 } else { 0 }, imm5);
    let sat = f(x, 0, 5) as u8;
    Some(Instr::Sat {
        enc,
        signed,
        rd,
        rn,
        sat_bits: if signed { sat + 1 } else { sat },
        shift,
        amount,
    })
}

fn bfx(x: u32, enc: Enc, signed: bool) -> Option<Instr> {
    let (rd, rn) = (r4(x, 8), r4(x, 16));
    let lsb = (f(x, 12, 3) << 2 | f(x, 6, 2)) as u8;
    let widthm1 = f(x, 0, 5) as u8;
    unpredictable_if!(bad(rd) || bad(rn) || lsb + widthm1 > 31, enc);
    Some(Instr::Bfx {
        enc,
        signed,
        rd,
        rn,
        lsb,
        width: widthm1 + 1,
    })
}

fn bfi(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let (rd, rn) = (r4(x, 8), r4(x, 16));
    let lsb = (f(x, 12, 3) << 2 | f(x, 6, 2)) as u8;
    let msb = f(x, 0, 5) as u8;
    unpredictable_if!(bad(rd) || rn == 13 || msb < lsb, enc);
    Some(Instr::Bfi {
        enc,
        rd,
        rn,
        lsb,
        msb,
    })
}

/// The I1:I2 branch offsets of B T4 and BL (S:I1:I2:imm10:imm11:'0', I = NOT(J EOR S)).
fn branch_offset24(x: u32) -> i32 {
    let s = f(x, 26, 1);
    let i1 = !(f(x, 13, 1) ^ s) & 1;
    let i2 = !(f(x, 11, 1) ^ s) & 1;
    let imm = s << 24 | i1 << 23 | i2 << 22 | f(x, 16, 10) << 12 | f(x, 0, 11) << 1;
    sext(imm, 25)
}

fn b_t3(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let c = f(x, 22, 4);
    if c >= 14 {
        return None; // branches and miscellaneous control
    }
    let imm = f(x, 26, 1) << 20 | f(x, 11, 1) << 19 | f(x, 13, 1) << 18 | f(x, 16, 6) << 12;
    Some(Instr::B {
        enc,
        cond: Cond::from_bits(c as u8),
        offset: sext(imm | f(x, 0, 11) << 1, 21),
    })
}

fn b_t4(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::B {
        enc,
        cond: Cond::Al,
        offset: branch_offset24(x),
    })
}

fn bl(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::Bl {
        enc,
        offset: branch_offset24(x),
    })
}

/// Special registers MRS/MSR may name (ARM ARM B5.2.2/B5.2.3); v6-M lacks BASEPRI and
/// FAULTMASK.
fn sysm_valid(sysm: u8, arch: Arch) -> bool {
    match sysm {
        0..=3 | 5..=9 | 16 | 20 => true,
        17..=19 => arch >= V7M,
        _ => false,
    }
}

fn msr(x: u32, enc: Enc, arch: Arch) -> Option<Instr> {
    let rn = r4(x, 16);
    let mask = f(x, 10, 2) as u8;
    let sysm = f(x, 0, 8) as u8;
    unpredictable_if!(bad(rn) || !sysm_valid(sysm, arch) || mask == 0, enc);
    // Only the APSR views take a mask other than '10'; the GE bits (mask<0>) need the DSP
    // extension. v6-M encodes the mask as `(1)(0)`.
    unpredictable_if!(sysm > 3 && mask != 2, enc);
    unpredictable_if!(mask & 1 != 0 && arch < Arch::V7EM, enc);
    Some(Instr::Msr {
        enc,
        rn,
        sysm,
        mask,
    })
}

fn mrs(x: u32, enc: Enc, arch: Arch) -> Option<Instr> {
    let rd = r4(x, 8);
    let sysm = f(x, 0, 8) as u8;
    unpredictable_if!(bad(rd) || !sysm_valid(sysm, arch), enc);
    Some(Instr::Mrs { enc, rd, sysm })
}

fn hint32(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let op = f(x, 0, 8);
    if op & 0xF0 == 0xF0 {
        return Some(Instr::Hint {
            enc,
            hint: Hint::Dbg((op & 0xF) as u8),
        });
    }
    hint(op, enc)
}

fn barrier(x: u32, enc: Enc, kind: Barrier) -> Option<Instr> {
    Some(Instr::Barrier {
        enc,
        kind,
        option: f(x, 0, 4) as u8,
    })
}

fn udf32(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    Some(Instr::Udf {
        enc,
        imm: (f(x, 16, 4) << 12 | f(x, 0, 12)) as u16,
    })
}

fn stm32(x: u32, enc: Enc, db: bool) -> Option<Instr> {
    let rn = r4(x, 16);
    let list = f(x, 0, 16) as u16;
    let wback = b(x, 21);
    unpredictable_if!(rn == 15 || list.count_ones() < 2, enc);
    unpredictable_if!(wback && list & (1 << rn) != 0, enc);
    Some(Instr::Stm {
        enc,
        rn,
        list,
        wback,
        db,
    })
}

fn ldm32(x: u32, enc: Enc, db: bool) -> Option<Instr> {
    let rn = r4(x, 16);
    let list = f(x, 0, 16) as u16;
    let wback = b(x, 21);
    unpredictable_if!(
        rn == 15 || list.count_ones() < 2 || list & 0xC000 == 0xC000,
        enc
    );
    unpredictable_if!(wback && list & (1 << rn) != 0, enc);
    Some(Instr::Ldm {
        enc,
        rn,
        list,
        wback,
        db,
    })
}

fn strex(x: u32, enc: Enc, size: MemSize) -> Option<Instr> {
    let (rn, rt) = (r4(x, 16), r4(x, 12));
    let (rd, imm) = if size == MemSize::Word {
        (r4(x, 8), (f(x, 0, 8) << 2) as u16)
    } else {
        (r4(x, 0), 0)
    };
    unpredictable_if!(bad(rd) || bad(rt) || rn == 15 || rd == rn || rd == rt, enc);
    Some(Instr::StoreExcl {
        enc,
        size,
        rd,
        rt,
        rn,
        imm,
    })
}

fn ldrex(x: u32, enc: Enc, size: MemSize) -> Option<Instr> {
    let (rn, rt) = (r4(x, 16), r4(x, 12));
    let imm = if size == MemSize::Word {
        (f(x, 0, 8) << 2) as u16
    } else {
        0
    };
    unpredictable_if!(bad(rt) || rn == 15, enc);
    Some(Instr::LoadExcl {
        enc,
        size,
        rt,
        rn,
        imm,
    })
}

fn tbb(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let (rn, rm) = (r4(x, 16), r4(x, 0));
    unpredictable_if!(rn == 13 || bad(rm), enc);
    Some(Instr::TableBranch {
        enc,
        half: b(x, 4),
        rn,
        rm,
    })
}

fn ldrd_strd(x: u32, enc: Enc, load: bool) -> Option<Instr> {
    let (index, add, wback) = (b(x, 24), b(x, 23), b(x, 21));
    if !index && !wback {
        return None; // exclusives and table branch
    }
    let (rn, rt, rt2) = (r4(x, 16), r4(x, 12), r4(x, 8));
    unpredictable_if!(wback && (rn == rt || rn == rt2), enc);
    unpredictable_if!(bad(rt) || bad(rt2), enc);
    if load {
        unpredictable_if!(rt == rt2 || (rn == 15 && wback), enc);
    } else {
        unpredictable_if!(rn == 15, enc);
    }
    let addr = AddrMode {
        rn,
        offset: Offset::Imm((f(x, 0, 8) << 2) as u16),
        index,
        add,
        wback,
    };
    Some(if load {
        Instr::LoadDual { enc, rt, rt2, addr }
    } else {
        Instr::StoreDual { enc, rt, rt2, addr }
    })
}

/// Register restrictions on the transfer register of single loads and stores.
fn rt_unpredictable(load: bool, size: MemSize, rt: u8) -> bool {
    match (load, size) {
        // LDR may load PC (a branch); the byte/halfword loads with Rt = PC are the memory
        // hints, matched by their own (more specific) entries, so what reaches here is
        // UNPREDICTABLE.
        (true, MemSize::Word) => false,
        (true, _) => bad(rt),
        (false, MemSize::Word) => rt == 15,
        (false, _) => bad(rt),
    }
}

fn ls_result(enc: Enc, load: bool, size: MemSize, signed: bool, rt: u8, addr: AddrMode) -> Instr {
    if load {
        Instr::Load {
            enc,
            size,
            signed,
            rt,
            addr,
        }
    } else {
        Instr::Store {
            enc,
            size,
            rt,
            addr,
        }
    }
}

/// Single load/store kinds: (load, size, signed).
type Ls = (bool, MemSize, bool);

const LDR: Ls = (true, MemSize::Word, false);
const LDRH: Ls = (true, MemSize::Half, false);
const LDRSH: Ls = (true, MemSize::Half, true);
const LDRB: Ls = (true, MemSize::Byte, false);
const LDRSB: Ls = (true, MemSize::Byte, true);
const STR: Ls = (false, MemSize::Word, false);
const STRH: Ls = (false, MemSize::Half, false);
const STRB: Ls = (false, MemSize::Byte, false);

/// The base-register rule shared by the non-literal forms: loads from Rn = PC are the
/// literal encodings (declined here), stores with Rn = PC are UNDEFINED.
fn pc_base(load: bool, rn: u8, enc: Enc) -> Option<Option<Instr>> {
    if rn != 15 {
        None
    } else if load {
        Some(None)
    } else {
        Some(undef(enc))
    }
}

fn ls_imm12(x: u32, enc: Enc, (load, size, signed): Ls) -> Option<Instr> {
    let (rn, rt) = (r4(x, 16), r4(x, 12));
    if let Some(r) = pc_base(load, rn, enc) {
        return r;
    }
    unpredictable_if!(rt_unpredictable(load, size, rt), enc);
    let addr = AddrMode::imm(rn, f(x, 0, 12) as u16);
    Some(ls_result(enc, load, size, signed, rt, addr))
}

fn ls_imm8(x: u32, enc: Enc, (load, size, signed): Ls) -> Option<Instr> {
    let (rn, rt) = (r4(x, 16), r4(x, 12));
    let (index, add, wback) = (b(x, 10), b(x, 9), b(x, 8));
    if !index && !wback {
        return undef(enc);
    }
    if let Some(r) = pc_base(load, rn, enc) {
        return r;
    }
    unpredictable_if!(rt_unpredictable(load, size, rt) || (wback && rn == rt), enc);
    let addr = AddrMode {
        rn,
        offset: Offset::Imm(f(x, 0, 8) as u16),
        index,
        add,
        wback,
    };
    Some(ls_result(enc, load, size, signed, rt, addr))
}

/// LDRT/STRT and friends: unprivileged access. thimble models no MPU, so they behave as the
/// plain immediate-offset forms.
fn ls_unpriv(x: u32, enc: Enc, (load, size, signed): Ls) -> Option<Instr> {
    let (rn, rt) = (r4(x, 16), r4(x, 12));
    if let Some(r) = pc_base(load, rn, enc) {
        return r;
    }
    unpredictable_if!(bad(rt), enc);
    let addr = AddrMode::imm(rn, f(x, 0, 8) as u16);
    Some(ls_result(enc, load, size, signed, rt, addr))
}

fn ls_reg(x: u32, enc: Enc, (load, size, signed): Ls) -> Option<Instr> {
    let (rn, rt, rm) = (r4(x, 16), r4(x, 12), r4(x, 0));
    if let Some(r) = pc_base(load, rn, enc) {
        return r;
    }
    unpredictable_if!(rt_unpredictable(load, size, rt) || bad(rm), enc);
    let addr = AddrMode::reg(rn, rm, f(x, 4, 2) as u8);
    Some(ls_result(enc, load, size, signed, rt, addr))
}

fn ls_lit(x: u32, enc: Enc, (_, size, signed): Ls) -> Option<Instr> {
    let rt = r4(x, 12);
    unpredictable_if!(rt_unpredictable(true, size, rt), enc);
    let addr = AddrMode {
        rn: 15,
        offset: Offset::Imm(f(x, 0, 12) as u16),
        index: true,
        add: b(x, 23),
        wback: false,
    };
    Some(ls_result(enc, true, size, signed, rt, addr))
}

/// PLD/PLI forms: imm12 (`form` 0), negative imm8 (1), register (2), literal (3).
fn preload(x: u32, enc: Enc, instruction: bool, form: u8) -> Option<Instr> {
    let rn = r4(x, 16);
    if rn == 15 && form != 3 {
        return None; // literal form
    }
    let addr = match form {
        0 => AddrMode::imm(rn, f(x, 0, 12) as u16),
        1 => AddrMode {
            add: false,
            ..AddrMode::imm(rn, f(x, 0, 8) as u16)
        },
        2 => {
            let rm = r4(x, 0);
            unpredictable_if!(bad(rm), enc);
            AddrMode::reg(rn, rm, f(x, 4, 2) as u8)
        }
        _ => AddrMode {
            add: b(x, 23),
            ..AddrMode::imm(15, f(x, 0, 12) as u16)
        },
    };
    Some(Instr::Preload {
        enc,
        instruction,
        addr,
    })
}

/// Halfword loads with Rt = PC in the shapes of PLD: "unallocated memory hints (treat as
/// NOP)", ARM ARM A5.3.8.
fn memhint_nop(x: u32, enc: Enc, form: u8) -> Option<Instr> {
    if r4(x, 16) == 15 && form != 3 {
        return None;
    }
    if form == 2 {
        unpredictable_if!(bad(r4(x, 0)), enc);
    }
    Some(Instr::Hint {
        enc,
        hint: Hint::Nop,
    })
}

fn extend32(x: u32, enc: Enc, signed: bool, size: MemSize) -> Option<Instr> {
    let (rd, rm) = (r4(x, 8), r4(x, 0));
    unpredictable_if!(bad(rd) || bad(rm), enc);
    Some(Instr::Extend {
        enc,
        signed,
        size,
        rd,
        rm,
        rotation: (f(x, 4, 2) * 8) as u8,
    })
}

fn rev32(x: u32, enc: Enc, op: Option<RevOp>) -> Option<Instr> {
    let (rd, rm, rm2) = (r4(x, 8), r4(x, 0), r4(x, 16));
    // Rm is encoded twice; the two copies must agree.
    unpredictable_if!(bad(rd) || bad(rm) || rm != rm2, enc);
    Some(match op {
        Some(op) => Instr::Rev { enc, op, rd, rm },
        None => Instr::Clz { enc, rd, rm },
    })
}

fn mul32(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let (rd, rn, rm) = (r4(x, 8), r4(x, 16), r4(x, 0));
    unpredictable_if!(bad(rd) || bad(rn) || bad(rm), enc);
    Some(Instr::Mul {
        enc,
        s: false,
        rd,
        rn,
        rm,
    })
}

fn mla32(x: u32, enc: Enc, sub: bool) -> Option<Instr> {
    let (rd, rn, rm, ra) = (r4(x, 8), r4(x, 16), r4(x, 0), r4(x, 12));
    if ra == 15 && !sub {
        return None; // MUL
    }
    unpredictable_if!(bad(rd) || bad(rn) || bad(rm) || bad(ra), enc);
    Some(Instr::Mla {
        enc,
        sub,
        rd,
        rn,
        rm,
        ra,
    })
}

fn mul_long(x: u32, enc: Enc, op: MulLongOp) -> Option<Instr> {
    let (rdlo, rdhi, rn, rm) = (r4(x, 12), r4(x, 8), r4(x, 16), r4(x, 0));
    unpredictable_if!(
        bad(rdlo) || bad(rdhi) || bad(rn) || bad(rm) || rdlo == rdhi,
        enc
    );
    Some(Instr::MulLong {
        enc,
        op,
        rdlo,
        rdhi,
        rn,
        rm,
    })
}

fn div(x: u32, enc: Enc, signed: bool) -> Option<Instr> {
    let (rd, rn, rm) = (r4(x, 8), r4(x, 16), r4(x, 0));
    unpredictable_if!(bad(rd) || bad(rn) || bad(rm), enc);
    Some(Instr::Div {
        enc,
        signed,
        rd,
        rn,
        rm,
    })
}

/// Coprocessor space (ARM ARM A5.3.18): LDC/STC/MCR/MRC/MCRR/MRRC/CDP and their "2" forms.
/// No Cortex-M core has a coprocessor other than the FPU (which [`crate::fp`] decodes first),
/// so these are NOCP UsageFaults.
fn coproc(x: u32, enc: Enc, _: Arch) -> Option<Instr> {
    let op1 = f(x, 20, 6);
    // op1 = 00000x and 11xxxx are UNDEFINED (the latter is Advanced SIMD on A-profile).
    if op1 >> 1 == 0 || op1 >> 4 == 3 {
        return undef(enc);
    }
    Some(Instr::Coproc {
        enc,
        cp: r4(x, 8),
        raw: x,
    })
}

use DpOp::{Adc, Add, And, Bic, Cmn, Cmp, Eor, Mov, Mvn, Orn, Orr, Rsb, Sbc, Sub, Teq, Tst};

/// The 32-bit encoding table (ARM ARM A5.3), integer instructions of ARMv6-M and ARMv7-M.
#[rustfmt::skip]
pub static ENCODINGS32: &[Encoding] = &[
    // A5.3.1 data processing (modified immediate)
    e("AND_imm_T1",    "11110i00000snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, And)),
    e("TST_imm_T1",    "11110i000001nnnn0iii1111iiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Tst)),
    e("BIC_imm_T1",    "11110i00001snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Bic)),
    e("ORR_imm_T1",    "11110i00010snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Orr)),
    e("MOV_imm_T2",    "11110i00010s11110iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Mov)),
    e("ORN_imm_T1",    "11110i00011snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Orn)),
    e("MVN_imm_T1",    "11110i00011s11110iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Mvn)),
    e("EOR_imm_T1",    "11110i00100snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Eor)),
    e("TEQ_imm_T1",    "11110i001001nnnn0iii1111iiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Teq)),
    e("ADD_imm_T3",    "11110i01000snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Add)),
    e("ADD_SP_imm_T3", "11110i01000s11010iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Add)),
    e("CMN_imm_T1",    "11110i010001nnnn0iii1111iiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Cmn)),
    e("ADC_imm_T1",    "11110i01010snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Adc)),
    e("SBC_imm_T1",    "11110i01011snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Sbc)),
    e("SUB_imm_T3",    "11110i01101snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Sub)),
    e("SUB_SP_imm_T2", "11110i01101s11010iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Sub)),
    e("CMP_imm_T2",    "11110i011011nnnn0iii1111iiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Cmp)),
    e("RSB_imm_T2",    "11110i01110snnnn0iiiddddiiiiiiii", V7M, |x, e, _| dp_imm32(x, e, Rsb)),
    // A5.3.3 data processing (plain binary immediate)
    e("ADD_imm_T4",    "11110i100000nnnn0iiiddddiiiiiiii", V7M, |x, e, _| addw(x, e, Add)),
    e("ADD_SP_imm_T4", "11110i10000011010iiiddddiiiiiiii", V7M, |x, e, _| addw(x, e, Add)),
    e("ADR_T3",        "11110i10000011110iiiddddiiiiiiii", V7M, |x, e, _| adr32(x, e, false)),
    e("MOV_imm_T3",    "11110i100100iiii0iiiddddiiiiiiii", V7M, |x, e, _| movw(x, e, false)),
    e("SUB_imm_T4",    "11110i101010nnnn0iiiddddiiiiiiii", V7M, |x, e, _| addw(x, e, Sub)),
    e("SUB_SP_imm_T3", "11110i10101011010iiiddddiiiiiiii", V7M, |x, e, _| addw(x, e, Sub)),
    e("ADR_T2",        "11110i10101011110iiiddddiiiiiiii", V7M, |x, e, _| adr32(x, e, true)),
    e("MOVT_T1",       "11110i101100iiii0iiiddddiiiiiiii", V7M, |x, e, _| movw(x, e, true)),
    e("SSAT_T1",       "11110z1100h0nnnn0iiiddddiiziiiii", V7M, |x, e, _| sat32(x, e, true)),
    e("SBFX_T1",       "11110z110100nnnn0iiiddddiiziiiii", V7M, |x, e, _| bfx(x, e, true)),
    e("BFI_T1",        "11110z110110nnnn0iiiddddiiziiiii", V7M, bfi),
    e("BFC_T1",        "11110z11011011110iiiddddiiziiiii", V7M, bfi),
    e("USAT_T1",       "11110z1110h0nnnn0iiiddddiiziiiii", V7M, |x, e, _| sat32(x, e, false)),
    e("UBFX_T1",       "11110z111100nnnn0iiiddddiiziiiii", V7M, |x, e, _| bfx(x, e, false)),
    // A5.3.4 branches and miscellaneous control
    e("B_T3",          "11110scccciiiiii10j0jiiiiiiiiiii", V7M, b_t3),
    e("MSR_T1",        "11110011100znnnn10z0mmzzssssssss", V6M, msr),
    e("HINT_T2",       "111100111010oooo10z0z000hhhhhhhh", V7M, hint32),
    e("CLREX_T1",      "111100111011oooo10z0oooo0010oooo", V7M, |_, e, _| Some(Instr::Clrex { enc: e })),
    e("DSB_T1",        "111100111011oooo10z0oooo0100iiii", V6M, |x, e, _| barrier(x, e, Barrier::Dsb)),
    e("DMB_T1",        "111100111011oooo10z0oooo0101iiii", V6M, |x, e, _| barrier(x, e, Barrier::Dmb)),
    e("ISB_T1",        "111100111011oooo10z0oooo0110iiii", V6M, |x, e, _| barrier(x, e, Barrier::Isb)),
    e("MRS_T1",        "11110011111zoooo10z0ddddssssssss", V6M, mrs),
    e("UDF_T2",        "111101111111iiii1010iiiiiiiiiiii", V6M, udf32),
    e("B_T4",          "11110siiiiiiiiii10j1jiiiiiiiiiii", V7M, b_t4),
    e("BL_T1",         "11110siiiiiiiiii11j1jiiiiiiiiiii", V6M, bl),
    // A5.3.5 load/store multiple
    e("STM_T2",        "1110100010w0nnnnzrzrrrrrrrrrrrrr", V7M, |x, e, _| stm32(x, e, false)),
    e("LDM_T2",        "1110100010w1nnnnppzrrrrrrrrrrrrr", V7M, |x, e, _| ldm32(x, e, false)),
    e("POP_T2",        "1110100010111101ppzrrrrrrrrrrrrr", V7M, |x, e, _| ldm32(x, e, false)),
    e("STMDB_T1",      "1110100100w0nnnnzrzrrrrrrrrrrrrr", V7M, |x, e, _| stm32(x, e, true)),
    e("PUSH_T2",       "1110100100101101zrzrrrrrrrrrrrrr", V7M, |x, e, _| stm32(x, e, true)),
    e("LDMDB_T1",      "1110100100w1nnnnppzrrrrrrrrrrrrr", V7M, |x, e, _| ldm32(x, e, true)),
    // A5.3.6 load/store dual or exclusive, table branch
    e("STREX_T1",      "111010000100nnnnttttddddiiiiiiii", V7M, |x, e, _| strex(x, e, MemSize::Word)),
    e("LDREX_T1",      "111010000101nnnnttttooooiiiiiiii", V7M, |x, e, _| ldrex(x, e, MemSize::Word)),
    e("STRD_imm_T1",   "1110100pu1w0nnnnttttTTTTiiiiiiii", V7M, |x, e, _| ldrd_strd(x, e, false)),
    e("LDRD_imm_T1",   "1110100pu1w1nnnnttttTTTTiiiiiiii", V7M, |x, e, _| ldrd_strd(x, e, true)),
    e("LDRD_lit_T1",   "1110100pu1w11111ttttTTTTiiiiiiii", V7M, |x, e, _| ldrd_strd(x, e, true)),
    e("STREXB_T1",     "111010001100nnnnttttoooo0100dddd", V7M, |x, e, _| strex(x, e, MemSize::Byte)),
    e("STREXH_T1",     "111010001100nnnnttttoooo0101dddd", V7M, |x, e, _| strex(x, e, MemSize::Half)),
    e("TBB_T1",        "111010001101nnnnoooozzzz000hmmmm", V7M, tbb),
    e("LDREXB_T1",     "111010001101nnnnttttoooo0100oooo", V7M, |x, e, _| ldrex(x, e, MemSize::Byte)),
    e("LDREXH_T1",     "111010001101nnnnttttoooo0101oooo", V7M, |x, e, _| ldrex(x, e, MemSize::Half)),
    // A5.3.10 store single data item
    e("STRB_imm_T2",   "111110001000nnnnttttiiiiiiiiiiii", V7M, |x, e, _| ls_imm12(x, e, STRB)),
    e("STRB_imm_T3",   "111110000000nnnntttt1puwiiiiiiii", V7M, |x, e, _| ls_imm8(x, e, STRB)),
    e("STRBT_T1",      "111110000000nnnntttt1110iiiiiiii", V7M, |x, e, _| ls_unpriv(x, e, STRB)),
    e("STRB_reg_T2",   "111110000000nnnntttt000000iimmmm", V7M, |x, e, _| ls_reg(x, e, STRB)),
    e("STRH_imm_T2",   "111110001010nnnnttttiiiiiiiiiiii", V7M, |x, e, _| ls_imm12(x, e, STRH)),
    e("STRH_imm_T3",   "111110000010nnnntttt1puwiiiiiiii", V7M, |x, e, _| ls_imm8(x, e, STRH)),
    e("STRHT_T1",      "111110000010nnnntttt1110iiiiiiii", V7M, |x, e, _| ls_unpriv(x, e, STRH)),
    e("STRH_reg_T2",   "111110000010nnnntttt000000iimmmm", V7M, |x, e, _| ls_reg(x, e, STRH)),
    e("STR_imm_T3",    "111110001100nnnnttttiiiiiiiiiiii", V7M, |x, e, _| ls_imm12(x, e, STR)),
    e("STR_imm_T4",    "111110000100nnnntttt1puwiiiiiiii", V7M, |x, e, _| ls_imm8(x, e, STR)),
    e("PUSH_T3",       "1111100001001101tttt110100000100", V7M, |x, e, _| ls_imm8(x, e, STR)),
    e("STRT_T1",       "111110000100nnnntttt1110iiiiiiii", V7M, |x, e, _| ls_unpriv(x, e, STR)),
    e("STR_reg_T2",    "111110000100nnnntttt000000iimmmm", V7M, |x, e, _| ls_reg(x, e, STR)),
    // A5.3.7 load word
    e("LDR_imm_T3",    "111110001101nnnnttttiiiiiiiiiiii", V7M, |x, e, _| ls_imm12(x, e, LDR)),
    e("LDR_imm_T4",    "111110000101nnnntttt1puwiiiiiiii", V7M, |x, e, _| ls_imm8(x, e, LDR)),
    e("POP_T3",        "1111100001011101tttt101100000100", V7M, |x, e, _| ls_imm8(x, e, LDR)),
    e("LDRT_T1",       "111110000101nnnntttt1110iiiiiiii", V7M, |x, e, _| ls_unpriv(x, e, LDR)),
    e("LDR_reg_T2",    "111110000101nnnntttt000000iimmmm", V7M, |x, e, _| ls_reg(x, e, LDR)),
    e("LDR_lit_T2",    "11111000u1011111ttttiiiiiiiiiiii", V7M, |x, e, _| ls_lit(x, e, LDR)),
    // A5.3.9 load byte, memory hints
    e("LDRB_imm_T2",   "111110001001nnnnttttiiiiiiiiiiii", V7M, |x, e, _| ls_imm12(x, e, LDRB)),
    e("LDRB_imm_T3",   "111110000001nnnntttt1puwiiiiiiii", V7M, |x, e, _| ls_imm8(x, e, LDRB)),
    e("LDRBT_T1",      "111110000001nnnntttt1110iiiiiiii", V7M, |x, e, _| ls_unpriv(x, e, LDRB)),
    e("LDRB_reg_T2",   "111110000001nnnntttt000000iimmmm", V7M, |x, e, _| ls_reg(x, e, LDRB)),
    e("LDRB_lit_T1",   "11111000u0011111ttttiiiiiiiiiiii", V7M, |x, e, _| ls_lit(x, e, LDRB)),
    e("LDRSB_imm_T1",  "111110011001nnnnttttiiiiiiiiiiii", V7M, |x, e, _| ls_imm12(x, e, LDRSB)),
    e("LDRSB_imm_T2",  "111110010001nnnntttt1puwiiiiiiii", V7M, |x, e, _| ls_imm8(x, e, LDRSB)),
    e("LDRSBT_T1",     "111110010001nnnntttt1110iiiiiiii", V7M, |x, e, _| ls_unpriv(x, e, LDRSB)),
    e("LDRSB_reg_T2",  "111110010001nnnntttt000000iimmmm", V7M, |x, e, _| ls_reg(x, e, LDRSB)),
    e("LDRSB_lit_T1",  "11111001u0011111ttttiiiiiiiiiiii", V7M, |x, e, _| ls_lit(x, e, LDRSB)),
    e("PLD_imm_T1",    "111110001001nnnn1111iiiiiiiiiiii", V7M, |x, e, _| preload(x, e, false, 0)),
    e("PLD_imm_T2",    "111110000001nnnn11111100iiiiiiii", V7M, |x, e, _| preload(x, e, false, 1)),
    e("PLD_reg_T1",    "111110000001nnnn1111000000iimmmm", V7M, |x, e, _| preload(x, e, false, 2)),
    e("PLD_lit_T1",    "11111000u00111111111iiiiiiiiiiii", V7M, |x, e, _| preload(x, e, false, 3)),
    e("PLI_imm_T1",    "111110011001nnnn1111iiiiiiiiiiii", V7M, |x, e, _| preload(x, e, true, 0)),
    e("PLI_imm_T2",    "111110010001nnnn11111100iiiiiiii", V7M, |x, e, _| preload(x, e, true, 1)),
    e("PLI_reg_T1",    "111110010001nnnn1111000000iimmmm", V7M, |x, e, _| preload(x, e, true, 2)),
    e("PLI_lit_T3",    "11111001u00111111111iiiiiiiiiiii", V7M, |x, e, _| preload(x, e, true, 3)),
    // A5.3.8 load halfword, memory hints
    e("LDRH_imm_T2",   "111110001011nnnnttttiiiiiiiiiiii", V7M, |x, e, _| ls_imm12(x, e, LDRH)),
    e("LDRH_imm_T3",   "111110000011nnnntttt1puwiiiiiiii", V7M, |x, e, _| ls_imm8(x, e, LDRH)),
    e("LDRHT_T1",      "111110000011nnnntttt1110iiiiiiii", V7M, |x, e, _| ls_unpriv(x, e, LDRH)),
    e("LDRH_reg_T2",   "111110000011nnnntttt000000iimmmm", V7M, |x, e, _| ls_reg(x, e, LDRH)),
    e("LDRH_lit_T1",   "11111000u0111111ttttiiiiiiiiiiii", V7M, |x, e, _| ls_lit(x, e, LDRH)),
    e("LDRSH_imm_T1",  "111110011011nnnnttttiiiiiiiiiiii", V7M, |x, e, _| ls_imm12(x, e, LDRSH)),
    e("LDRSH_imm_T2",  "111110010011nnnntttt1puwiiiiiiii", V7M, |x, e, _| ls_imm8(x, e, LDRSH)),
    e("LDRSHT_T1",     "111110010011nnnntttt1110iiiiiiii", V7M, |x, e, _| ls_unpriv(x, e, LDRSH)),
    e("LDRSH_reg_T2",  "111110010011nnnntttt000000iimmmm", V7M, |x, e, _| ls_reg(x, e, LDRSH)),
    e("LDRSH_lit_T1",  "11111001u0111111ttttiiiiiiiiiiii", V7M, |x, e, _| ls_lit(x, e, LDRSH)),
    e("NOP_hint_imm12","1111100s1011nnnn1111iiiiiiiiiiii", V7M, |x, e, _| memhint_nop(x, e, 0)),
    e("NOP_hint_imm8", "1111100s0011nnnn11111100iiiiiiii", V7M, |x, e, _| memhint_nop(x, e, 1)),
    e("NOP_hint_reg",  "1111100s0011nnnn1111000000iimmmm", V7M, |x, e, _| memhint_nop(x, e, 2)),
    e("NOP_hint_lit",  "1111100su01111111111iiiiiiiiiiii", V7M, |x, e, _| memhint_nop(x, e, 3)),
    // A5.3.11 data processing (shifted register)
    e("AND_reg_T2",    "11101010000snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, And)),
    e("TST_reg_T2",    "111010100001nnnnziii1111iittmmmm", V7M, |x, e, _| dp_reg32(x, e, Tst)),
    e("BIC_reg_T2",    "11101010001snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Bic)),
    e("ORR_reg_T2",    "11101010010snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Orr)),
    e("MOV_reg_T3",    "11101010010s1111z000dddd0000mmmm", V7M, mov_shift32),
    e("LSL_imm_T2",    "11101010010s1111ziiiddddii00mmmm", V7M, mov_shift32),
    e("LSR_imm_T2",    "11101010010s1111ziiiddddii01mmmm", V7M, mov_shift32),
    e("ASR_imm_T2",    "11101010010s1111ziiiddddii10mmmm", V7M, mov_shift32),
    e("ROR_imm_T1",    "11101010010s1111ziiiddddii11mmmm", V7M, mov_shift32),
    e("RRX_T1",        "11101010010s1111z000dddd0011mmmm", V7M, mov_shift32),
    e("ORN_reg_T1",    "11101010011snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Orn)),
    e("MVN_reg_T2",    "11101010011s1111ziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Mvn)),
    e("EOR_reg_T2",    "11101010100snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Eor)),
    e("TEQ_reg_T1",    "111010101001nnnnziii1111iittmmmm", V7M, |x, e, _| dp_reg32(x, e, Teq)),
    e("ADD_reg_T3",    "11101011000snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Add)),
    e("ADD_SP_reg_T3", "11101011000s1101ziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Add)),
    e("CMN_reg_T2",    "111010110001nnnnziii1111iittmmmm", V7M, |x, e, _| dp_reg32(x, e, Cmn)),
    e("ADC_reg_T2",    "11101011010snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Adc)),
    e("SBC_reg_T2",    "11101011011snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Sbc)),
    e("SUB_reg_T2",    "11101011101snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Sub)),
    e("SUB_SP_reg_T1", "11101011101s1101ziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Sub)),
    e("CMP_reg_T3",    "111010111011nnnnziii1111iittmmmm", V7M, |x, e, _| dp_reg32(x, e, Cmp)),
    e("RSB_reg_T1",    "11101011110snnnnziiiddddiittmmmm", V7M, |x, e, _| dp_reg32(x, e, Rsb)),
    // A5.3.12 data processing (register)
    e("LSL_reg_T2",    "11111010000snnnn1111dddd0000mmmm", V7M, shift_reg32),
    e("LSR_reg_T2",    "11111010001snnnn1111dddd0000mmmm", V7M, shift_reg32),
    e("ASR_reg_T2",    "11111010010snnnn1111dddd0000mmmm", V7M, shift_reg32),
    e("ROR_reg_T2",    "11111010011snnnn1111dddd0000mmmm", V7M, shift_reg32),
    e("SXTH_T2",       "11111010000011111111dddd1zrrmmmm", V7M, |x, e, _| extend32(x, e, true, MemSize::Half)),
    e("UXTH_T2",       "11111010000111111111dddd1zrrmmmm", V7M, |x, e, _| extend32(x, e, false, MemSize::Half)),
    e("SXTB_T2",       "11111010010011111111dddd1zrrmmmm", V7M, |x, e, _| extend32(x, e, true, MemSize::Byte)),
    e("UXTB_T2",       "11111010010111111111dddd1zrrmmmm", V7M, |x, e, _| extend32(x, e, false, MemSize::Byte)),
    // A5.3.15 miscellaneous operations
    e("REV_T2",        "111110101001mmmm1111dddd1000mmmm", V7M, |x, e, _| rev32(x, e, Some(RevOp::Rev))),
    e("REV16_T2",      "111110101001mmmm1111dddd1001mmmm", V7M, |x, e, _| rev32(x, e, Some(RevOp::Rev16))),
    e("RBIT_T1",       "111110101001mmmm1111dddd1010mmmm", V7M, |x, e, _| rev32(x, e, Some(RevOp::Rbit))),
    e("REVSH_T2",      "111110101001mmmm1111dddd1011mmmm", V7M, |x, e, _| rev32(x, e, Some(RevOp::Revsh))),
    e("CLZ_T1",        "111110101011mmmm1111dddd1000mmmm", V7M, |x, e, _| rev32(x, e, None)),
    // A5.3.16 multiply, multiply accumulate
    e("MUL_T2",        "111110110000nnnn1111dddd0000mmmm", V7M, mul32),
    e("MLA_T1",        "111110110000nnnnaaaadddd0000mmmm", V7M, |x, e, _| mla32(x, e, false)),
    e("MLS_T1",        "111110110000nnnnaaaadddd0001mmmm", V7M, |x, e, _| mla32(x, e, true)),
    // A5.3.17 long multiply, long multiply accumulate, divide
    e("SMULL_T1",      "111110111000nnnnllllhhhh0000mmmm", V7M, |x, e, _| mul_long(x, e, MulLongOp::Smull)),
    e("SDIV_T1",       "111110111001nnnnoooodddd1111mmmm", V7M, |x, e, _| div(x, e, true)),
    e("UMULL_T1",      "111110111010nnnnllllhhhh0000mmmm", V7M, |x, e, _| mul_long(x, e, MulLongOp::Umull)),
    e("UDIV_T1",       "111110111011nnnnoooodddd1111mmmm", V7M, |x, e, _| div(x, e, false)),
    e("SMLAL_T1",      "111110111100nnnnllllhhhh0000mmmm", V7M, |x, e, _| mul_long(x, e, MulLongOp::Smlal)),
    e("UMLAL_T1",      "111110111110nnnnllllhhhh0000mmmm", V7M, |x, e, _| mul_long(x, e, MulLongOp::Umlal)),
    // A5.3.18 coprocessor instructions
    e("COPROC",        "111h11xxxxxxxxxxxxxxxxxxxxxxxxxx", V7M, coproc),
];

// ---------------------------------------------------------------------------------------------
// The compiled matcher.

struct Compiled {
    mask: u32,
    value: u32,
    sbz: u32,
    sbo: u32,
    arch: Arch,
    decode: DecodeFn,
    enc: Enc,
}

struct Matcher {
    entries: Vec<Compiled>,
    /// Per first-level key: range into `order`.
    buckets: Vec<(u32, u32)>,
    /// Entry indices, bucket after bucket, most specific first.
    order: Vec<u16>,
}

impl Matcher {
    /// `key_word(k)` gives a word with the key bits of bucket `k`; `key_mask` says which bits
    /// the key covers.
    fn build(
        table: &[Encoding],
        wide: bool,
        keys: u32,
        key_word: impl Fn(u32) -> u32,
        key_mask: u32,
    ) -> Matcher {
        let mut idx: Vec<usize> = (0..table.len()).collect();
        // Stable: ties keep table order.
        idx.sort_by_key(|&i| core::cmp::Reverse(table[i].fixed_bits()));
        let entries: Vec<Compiled> = idx
            .iter()
            .map(|&i| {
                let t = &table[i];
                Compiled {
                    mask: t.mask,
                    value: t.value,
                    sbz: t.sbz,
                    sbo: t.sbo,
                    arch: t.arch,
                    decode: t.decode,
                    enc: if wide {
                        Enc::wide(i as u16)
                    } else {
                        Enc::narrow(i as u16)
                    },
                }
            })
            .collect();
        let mut buckets = Vec::with_capacity(keys as usize);
        let mut order = Vec::new();
        for k in 0..keys {
            let w = key_word(k);
            let start = order.len() as u32;
            for (j, c) in entries.iter().enumerate() {
                if (w ^ c.value) & c.mask & key_mask == 0 {
                    order.push(j as u16);
                }
            }
            buckets.push((start, order.len() as u32 - start));
        }
        Matcher {
            entries,
            buckets,
            order,
        }
    }

    #[inline]
    fn decode(&self, key: u32, raw: u32, arch: Arch, none: Enc) -> Instr {
        let (start, len) = self.buckets[key as usize];
        for &j in &self.order[start as usize..(start + len) as usize] {
            let c = &self.entries[j as usize];
            if raw & c.mask != c.value {
                continue;
            }
            let Some(instr) = (c.decode)(raw, c.enc, arch) else {
                continue;
            };
            if c.arch > arch {
                return Instr::Undefined {
                    enc: c.enc,
                    reason: UndefReason::NotInArch,
                };
            }
            if raw & c.sbz != 0 || raw & c.sbo != c.sbo {
                return Instr::Undefined {
                    enc: c.enc,
                    reason: UndefReason::Unpredictable,
                };
            }
            return instr;
        }
        Instr::Undefined {
            enc: none,
            reason: UndefReason::Undefined,
        }
    }
}

struct Decoder {
    t16: Matcher,
    t32: Matcher,
}

fn decoder() -> &'static Decoder {
    static D: OnceLock<Decoder> = OnceLock::new();
    D.get_or_init(|| Decoder {
        t16: Matcher::build(ENCODINGS16, false, 256, |k| k << 8, 0xFF00),
        t32: Matcher::build(ENCODINGS32, true, 1024, key32_word, KEY32_MASK),
    })
}

/// Bits 28..20 and 15 of a 32-bit encoding form its first-level key.
const KEY32_MASK: u32 = 0x1FF0_0000 | 0x8000;

fn key32(raw: u32) -> u32 {
    ((raw >> 20) & 0x1FF) << 1 | (raw >> 15) & 1
}

fn key32_word(k: u32) -> u32 {
    (k >> 1) << 20 | (k & 1) << 15
}

/// True when `hw1` is the first halfword of a 32-bit instruction (bits 15:11 are 0b11101,
/// 0b11110 or 0b11111).
#[inline]
pub const fn is_32bit(hw1: u16) -> bool {
    hw1 >> 11 >= 0b11101
}

/// Decodes a 16-bit instruction for architecture `arch`. A 32-bit prefix decodes as
/// [`Instr::Undefined`].
pub fn decode16(hw: u16, arch: Arch) -> Instr {
    if is_32bit(hw) {
        return Instr::Undefined {
            enc: Enc::NONE16,
            reason: UndefReason::Undefined,
        };
    }
    decoder()
        .t16
        .decode(u32::from(hw >> 8), u32::from(hw), arch, Enc::NONE16)
}

/// Decodes a 32-bit instruction (`hw1` first in memory) for architecture `arch`.
pub fn decode32(hw1: u16, hw2: u16, arch: Arch) -> Instr {
    if !is_32bit(hw1) {
        return Instr::Undefined {
            enc: Enc::NONE32,
            reason: UndefReason::Undefined,
        };
    }
    if let Some(op) = crate::dsp::decode32(hw1, hw2) {
        return if arch >= Arch::V7EM {
            Instr::Dsp { enc: Enc::DSP, op }
        } else {
            Instr::Undefined {
                enc: Enc::DSP,
                reason: UndefReason::NotInArch,
            }
        };
    }
    if arch >= Arch::V7EM {
        if let Some(op) = crate::fp::decode32(hw1, hw2) {
            return Instr::Fp { enc: Enc::FP, op };
        }
    }
    let raw = u32::from(hw1) << 16 | u32::from(hw2);
    decoder().t32.decode(key32(raw), raw, arch, Enc::NONE32)
}

/// Decodes the instruction starting with `hw1` (`hw2` is only looked at for 32-bit ones).
pub fn decode(hw1: u16, hw2: u16, arch: Arch) -> Instr {
    if is_32bit(hw1) {
        decode32(hw1, hw2, arch)
    } else {
        decode16(hw1, arch)
    }
}

/// Like [`decode`], for a core whose FPU is `fpu`: encodings in the FPU's space that it lacks
/// (FPv5-only ones on FPv4-SP, double precision on single-precision FPUs, D16-D31, CP10/CP11
/// encodings that are no FP instruction) are [`UndefReason::NotInFpu`]: NOCP when CPACR denies
/// access, else UNDEFINSTR, as on silicon and in QEMU. With no FPU at all, FP encodings stay
/// [`Instr::Fp`]: the executor raises NOCP for them (ARMv7-M B3.2.15), not UNDEFINSTR.
pub fn decode_for(hw1: u16, hw2: u16, arch: Arch, fpu: sim_core::board::FpuKind) -> Instr {
    let has_fpu = fpu != sim_core::board::FpuKind::None;
    match decode(hw1, hw2, arch) {
        Instr::Fp { enc, op } if has_fpu && !crate::fp::available(&op, fpu) => Instr::Undefined {
            enc,
            reason: UndefReason::NotInFpu,
        },
        Instr::Coproc {
            enc, cp: 10 | 11, ..
        } if has_fpu => Instr::Undefined {
            enc,
            reason: UndefReason::NotInFpu,
        },
        other => other,
    }
}

/// The table entry an [`Enc`] names (`None` for NONE/DSP/FP).
pub fn encoding(enc: Enc) -> Option<&'static Encoding> {
    let table = if enc.is_wide() {
        ENCODINGS32
    } else {
        ENCODINGS16
    };
    table.get(enc.index())
}

/// The ARM ARM name of an encoding ("ADD_imm_T3"; "DSP"/"FP" for the extension decoders,
/// "none" when nothing matched).
pub fn encoding_name(enc: Enc) -> &'static str {
    match enc {
        Enc::DSP => "DSP",
        Enc::FP => "FP",
        _ => encoding(enc).map_or("none", |e| e.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_well_formed_and_names_unique() {
        let mut names = std::collections::BTreeSet::new();
        for (t, bits) in [(ENCODINGS16, 16), (ENCODINGS32, 32)] {
            for e in t {
                assert_eq!(e.bits(), bits, "{e:?}");
                assert!(names.insert(e.name), "duplicate name {}", e.name);
                assert_eq!(e.mask & (e.sbz | e.sbo), 0, "{e:?}");
                assert_eq!(e.value & !e.mask, 0, "{e:?}");
            }
        }
        assert!(ENCODINGS16.len() + ENCODINGS32.len() < 0x7FFD);
    }

    #[test]
    fn expand_imm() {
        assert_eq!(thumb_expand_imm(0x0AB), Some((0xAB, None)));
        assert_eq!(thumb_expand_imm(0x1AB), Some((0x00AB_00AB, None)));
        assert_eq!(thumb_expand_imm(0x2AB), Some((0xAB00_AB00, None)));
        assert_eq!(thumb_expand_imm(0x3AB), Some((0xABAB_ABAB, None)));
        assert_eq!(thumb_expand_imm(0x100), None);
        // 0x4FF: rotation 9 of 0xFF -> 0x7F800000, carry 0.
        assert_eq!(thumb_expand_imm(0x4FF), Some((0x7F80_0000, Some(false))));
        assert_eq!(thumb_expand_imm(0x400), Some((0x8000_0000, Some(true))));
    }

    #[test]
    fn sixteen_bit_samples() {
        let a = Arch::V7M;
        assert!(matches!(
            decode16(0x1888, a),
            Instr::DataProc {
                op: DpOp::Add,
                s: true,
                rd: 0,
                rn: 1,
                op2: Operand2::Reg { rm: 2, .. },
                ..
            }
        ));
        assert!(matches!(
            decode16(0xb510, a),
            Instr::Stm {
                rn: 13,
                list: 0x4010,
                wback: true,
                db: true,
                ..
            }
        ));
        assert!(matches!(
            decode16(0xbf30, a),
            Instr::Hint {
                hint: Hint::Wfi,
                ..
            }
        ));
        assert!(matches!(
            decode16(0xbf08, a),
            Instr::It {
                firstcond: 0,
                mask: 8,
                ..
            }
        ));
        assert!(matches!(
            decode16(0xbf08, Arch::V6M),
            Instr::Undefined {
                reason: UndefReason::NotInArch,
                ..
            }
        ));
        assert!(matches!(decode16(0xbeab, a), Instr::Bkpt { imm: 0xAB, .. }));
        assert!(matches!(
            decode16(0xe7fe, a),
            Instr::B {
                cond: Cond::Al,
                offset: -4,
                ..
            }
        ));
        assert!(matches!(
            decode16(0xd0fe, a),
            Instr::B {
                cond: Cond::Eq,
                offset: -4,
                ..
            }
        ));
        assert!(matches!(decode16(0xde00, a), Instr::Udf { imm: 0, .. }));
        assert_eq!(decode16(0x4770, a).width(), 2);
    }

    #[test]
    fn thirty_two_bit_samples() {
        let a = Arch::V7M;
        // bl . (f7ff fffe)
        assert!(matches!(
            decode32(0xf7ff, 0xfffe, a),
            Instr::Bl { offset: -4, .. }
        ));
        assert!(matches!(
            decode32(0xf7ff, 0xfffe, Arch::V6M),
            Instr::Bl { offset: -4, .. }
        ));
        // add.w r0, r1, #1 (f101 0001)
        assert!(matches!(
            decode32(0xf101, 0x0001, a),
            Instr::DataProc {
                op: DpOp::Add,
                s: false,
                rd: 0,
                rn: 1,
                op2: Operand2::Imm { value: 1, .. },
                ..
            }
        ));
        assert!(matches!(
            decode32(0xf101, 0x0001, Arch::V6M),
            Instr::Undefined {
                reason: UndefReason::NotInArch,
                ..
            }
        ));
        // ldr.w r0, [r1, #4] (f8d1 0004)
        assert!(matches!(
            decode32(0xf8d1, 0x0004, a),
            Instr::Load {
                size: MemSize::Word,
                rt: 0,
                addr: AddrMode {
                    rn: 1,
                    offset: Offset::Imm(4),
                    ..
                },
                ..
            }
        ));
        // push.w {r4-r11, lr} (e92d 4ff0)
        assert!(matches!(
            decode32(0xe92d, 0x4ff0, a),
            Instr::Stm {
                rn: 13,
                list: 0x4ff0,
                wback: true,
                db: true,
                ..
            }
        ));
        // sdiv r0, r1, r2 (fb91 f0f2)
        assert!(matches!(
            decode32(0xfb91, 0xf0f2, a),
            Instr::Div {
                signed: true,
                rd: 0,
                rn: 1,
                rm: 2,
                ..
            }
        ));
        // dmb sy (f3bf 8f5f)
        assert!(matches!(
            decode32(0xf3bf, 0x8f5f, Arch::V6M),
            Instr::Barrier {
                kind: Barrier::Dmb,
                option: 15,
                ..
            }
        ));
        assert_eq!(decode32(0xf3bf, 0x8f5f, a).width(), 4);
        assert_eq!(encoding_name(decode32(0xf3bf, 0x8f5f, a).enc()), "DMB_T1");
    }

    #[test]
    fn every_encoding_decodes_without_panicking_on_every_arch() {
        for arch in [Arch::V6M, Arch::V7M, Arch::V7EM] {
            for hw in 0..=0xFFFFu16 {
                let i = decode(hw, 0, arch);
                assert_eq!(i.width(), if is_32bit(hw) { 4 } else { 2 }, "{hw:04x}");
            }
            let mut seed = 0x1234_5678u32;
            for hw1 in 0xE800..=0xFFFFu16 {
                for _ in 0..8 {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    assert_eq!(decode32(hw1, seed as u16, arch).width(), 4);
                }
            }
        }
    }
}

//! Data-processing semantics on random state: results and NZCV against a straightforward
//! reference computed with 64-bit arithmetic (ARMv7-M A2.2.1, A5.3, A7.4.2).

use crate::exec_support;

use exec_support::{dp, Rig};
use isa_thumb::instr::{DpOp, Enc, Instr, Operand2, ShiftType};
use proptest::prelude::*;

/// Reference shifter: (value, carry) computed bit by bit in u64/i64.
fn ref_shift(x: u32, t: ShiftType, n: u32, c: bool) -> (u32, bool) {
    let bit = |v: u64, i: u32| v >> i & 1 != 0;
    match t {
        _ if n == 0 && t != ShiftType::Rrx => (x, c),
        ShiftType::Lsl => {
            let wide = if n >= 64 { 0 } else { u64::from(x) << n };
            (wide as u32, n <= 32 && bit(wide, 32))
        }
        ShiftType::Lsr => {
            // carry = bit n-1 of x
            let v = if n >= 64 { 0 } else { u64::from(x) >> n };
            (v as u32, n <= 32 && bit(u64::from(x), n - 1))
        }
        ShiftType::Asr => {
            let s = i64::from(x as i32);
            let v = s >> n.min(63);
            let carry = (s >> (n - 1).min(63)) & 1 != 0;
            (v as u32, carry)
        }
        ShiftType::Ror => {
            let k = n % 32;
            let doubled = u64::from(x) | (u64::from(x) << 32);
            let v = (doubled >> k) as u32;
            (v, v >> 31 != 0)
        }
        ShiftType::Rrx => ((x >> 1) | (u32::from(c) << 31), x & 1 != 0),
    }
}

/// Reference data processing: (result, n, z, c, v) for the given inputs.
fn ref_dp(op: DpOp, a: u32, b: u32, sc: bool, c: bool, v: bool) -> (u32, bool, bool, bool, bool) {
    let (ua, ub) = (u64::from(a), u64::from(b));
    let (sa, sb) = (i64::from(a as i32), i64::from(b as i32));
    let cin = u64::from(c);
    let arith = |r64: u64, s64: i64| {
        let r = r64 as u32;
        (
            r,
            r >> 31 != 0,
            r == 0,
            r64 > 0xFFFF_FFFF,
            s64 != i64::from(r as i32),
        )
    };
    let sub = |x: u64, y: u64, sx: i64, sy: i64, borrow: u64| {
        // x - y - borrow: carry = no borrow.
        let r = (x.wrapping_sub(y).wrapping_sub(borrow)) as u32;
        let s = sx - sy - borrow as i64;
        (
            r,
            r >> 31 != 0,
            r == 0,
            x >= y + borrow,
            s != i64::from(r as i32),
        )
    };
    let logic = |r: u32| (r, r >> 31 != 0, r == 0, sc, v);
    match op {
        DpOp::And | DpOp::Tst => logic(a & b),
        DpOp::Eor | DpOp::Teq => logic(a ^ b),
        DpOp::Orr => logic(a | b),
        DpOp::Orn => logic(a | !b),
        DpOp::Bic => logic(a & !b),
        DpOp::Mov => logic(b),
        DpOp::Mvn => logic(!b),
        DpOp::Add | DpOp::Cmn => arith(ua + ub, sa + sb),
        DpOp::Adc => arith(ua + ub + cin, sa + sb + cin as i64),
        DpOp::Sub | DpOp::Cmp => sub(ua, ub, sa, sb, 0),
        DpOp::Sbc => sub(ua, ub, sa, sb, 1 - cin),
        DpOp::Rsb => sub(ub, ua, sb, sa, 0),
    }
}

const OPS: [DpOp; 16] = [
    DpOp::And,
    DpOp::Bic,
    DpOp::Orr,
    DpOp::Orn,
    DpOp::Eor,
    DpOp::Add,
    DpOp::Adc,
    DpOp::Sub,
    DpOp::Sbc,
    DpOp::Rsb,
    DpOp::Mov,
    DpOp::Mvn,
    DpOp::Tst,
    DpOp::Teq,
    DpOp::Cmp,
    DpOp::Cmn,
];

const SHIFTS: [ShiftType; 5] = [
    ShiftType::Lsl,
    ShiftType::Lsr,
    ShiftType::Asr,
    ShiftType::Ror,
    ShiftType::Rrx,
];

/// Biased operands: edge values appear often.
fn word() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        Just(0u32),
        Just(1u32),
        Just(0x7FFF_FFFF),
        Just(0x8000_0000),
        Just(0xFFFF_FFFF),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn data_processing_register_shift_imm(
        op in 0usize..16, st in 0usize..5, amount in 1u8..=32, a in word(), b in word(),
        flags in 0u8..16, s in any::<bool>(),
    ) {
        let (op, st) = (OPS[op], SHIFTS[st]);
        // DecodeImmShift: LSL 0..31, LSR/ASR 1..32, ROR 1..31, RRX 1.
        let amount = match st {
            ShiftType::Lsl | ShiftType::Ror => u32::from(amount) % 32,
            ShiftType::Rrx => 1,
            _ => u32::from(amount),
        };
        let st = if st == ShiftType::Ror && amount == 0 { ShiftType::Lsl } else { st };
        let mut rig = Rig::new();
        rig.set_nzcv(flags);
        rig.cpu.r[1] = a;
        rig.cpu.r[2] = b;
        rig.cpu.r[0] = 0xDEAD_BEEF;
        let before = rig.nzcv();
        let op2 = Operand2::Reg { rm: 2, shift: st, amount: amount as u8 };
        let r = rig.ok(dp(op, s || op.is_compare(), 0, 1, op2));
        let (c_in, v_in) = (flags & 2 != 0, flags & 1 != 0);
        let (sb, sc) = ref_shift(b, st, amount, c_in);
        let (res, n, z, c, v) = ref_dp(op, a, sb, sc, c_in, v_in);
        if op.is_compare() {
            prop_assert_eq!(rig.cpu.r[0], 0xDEAD_BEEF, "compares write no register");
        } else {
            prop_assert_eq!(rig.cpu.r[0], res);
        }
        if s || op.is_compare() {
            let want = (u8::from(n) << 3) | (u8::from(z) << 2) | (u8::from(c) << 1) | u8::from(v);
            prop_assert_eq!(rig.nzcv(), want, "{:?} {:#x} {:#x}", op, a, sb);
        } else {
            prop_assert_eq!(rig.nzcv(), before, "flags must not change without S");
        }
        prop_assert_eq!(r.cycles, 1);
        prop_assert_eq!(rig.cpu.r[15], exec_support::CODE + 4);
    }

    #[test]
    fn register_shifted_register_uses_bottom_byte(
        st in 0usize..4, a in word(), rs in any::<u32>(), flags in 0u8..16,
    ) {
        let st = SHIFTS[st];
        let mut rig = Rig::new();
        rig.set_nzcv(flags);
        rig.cpu.r[1] = a;
        rig.cpu.r[3] = rs;
        let op2 = Operand2::RegShiftedReg { rm: 1, shift: st, rs: 3 };
        rig.ok(dp(DpOp::Mov, true, 0, 0, op2));
        let (want, c) = ref_shift(a, st, rs & 0xff, flags & 2 != 0);
        prop_assert_eq!(rig.cpu.r[0], want);
        prop_assert_eq!(rig.cpu.c, c);
        prop_assert_eq!(rig.cpu.v, flags & 1 != 0, "V unchanged by logical ops");
    }

    #[test]
    fn modified_immediate_carry(imm12 in 0u32..4096, a in word(), c_in in any::<bool>()) {
        let (value, carry) = isa_thumb::alu::thumb_expand_imm_c(imm12, c_in);
        // Reference: the table of A5.3.2 spelled out.
        let b = imm12 & 0xff;
        let (want, want_c) = match imm12 >> 8 {
            0 => (b, c_in),
            1 => (b * 0x0001_0001, c_in),
            2 => (b * 0x0100_0100, c_in),
            3 => (b * 0x0101_0101, c_in),
            _ => {
                let rot = imm12 >> 7;
                let x = (0x80 | (imm12 & 0x7f)).rotate_right(rot);
                (x, x >> 31 != 0)
            }
        };
        prop_assert_eq!((value, carry), (want, want_c));
        let mut rig = Rig::new();
        rig.cpu.c = c_in;
        rig.cpu.r[1] = a;
        let imm = Operand2::Imm { value, carry: (imm12 >> 10 != 0).then_some(carry) };
        rig.ok(dp(DpOp::And, true, 0, 1, imm));
        prop_assert_eq!(rig.cpu.r[0], a & want);
        prop_assert_eq!(rig.cpu.c, want_c);
    }

    #[test]
    fn saturation_matches_reference(v in any::<i32>(), bits in 1u32..=32, ubits in 0u32..=31) {
        let mut rig = Rig::new();
        rig.cpu.r[1] = v as u32;
        rig.ok(Instr::Sat { enc: Enc::wide(0), signed: true, rd: 0, rn: 1, sat_bits: bits as u8,
            shift: ShiftType::Lsl, amount: 0 });
        let (lo, hi) = (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1);
        let want = i64::from(v).clamp(lo, hi);
        prop_assert_eq!(rig.cpu.r[0], want as i32 as u32);
        prop_assert_eq!(rig.cpu.q, want != i64::from(v));
        rig.cpu.q = false;
        rig.ok(Instr::Sat { enc: Enc::wide(0), signed: false, rd: 0, rn: 1, sat_bits: ubits as u8,
            shift: ShiftType::Lsl, amount: 0 });
        let want = i64::from(v).clamp(0, (1i64 << ubits) - 1);
        prop_assert_eq!(rig.cpu.r[0], want as u32);
        prop_assert_eq!(rig.cpu.q, want != i64::from(v));
    }

    #[test]
    fn multiplies_match_wide_arithmetic(a in word(), b in word(), lo in any::<u32>(), hi in any::<u32>()) {
        use isa_thumb::instr::MulLongOp;
        let mut rig = Rig::new();
        rig.cpu.r[1] = a;
        rig.cpu.r[2] = b;
        for (op, want) in [
            (MulLongOp::Umull, u64::from(a) * u64::from(b)),
            (MulLongOp::Smull, (i64::from(a as i32) * i64::from(b as i32)) as u64),
            (MulLongOp::Umlal, (u64::from(a) * u64::from(b)).wrapping_add(u64::from(hi) << 32 | u64::from(lo))),
            (MulLongOp::Smlal, ((i64::from(a as i32) * i64::from(b as i32)) as u64)
                .wrapping_add(u64::from(hi) << 32 | u64::from(lo))),
        ] {
            rig.cpu.r[3] = lo;
            rig.cpu.r[4] = hi;
            rig.ok(Instr::MulLong { enc: Enc::wide(0), op, rdlo: 3, rdhi: 4, rn: 1, rm: 2 });
            prop_assert_eq!(u64::from(rig.cpu.r[4]) << 32 | u64::from(rig.cpu.r[3]), want, "{:?}", op);
        }
        rig.ok(Instr::Mla { enc: Enc::wide(0), sub: true, rd: 5, rn: 1, rm: 2, ra: 3 });
        prop_assert_eq!(rig.cpu.r[5], rig.cpu.r[3].wrapping_sub(a.wrapping_mul(b)));
    }

    #[test]
    fn division_matches_reference(n in word(), d in word()) {
        let mut rig = Rig::new();
        rig.cpu.r[1] = n;
        rig.cpu.r[2] = d;
        let r = rig.ok(Instr::Div { enc: Enc::wide(0), signed: false, rd: 0, rn: 1, rm: 2 });
        let want = if d == 0 { 0 } else { (u64::from(n) / u64::from(d)) as u32 };
        prop_assert_eq!(rig.cpu.r[0], want);
        prop_assert!((2..=12).contains(&r.cycles));
        rig.ok(Instr::Div { enc: Enc::wide(0), signed: true, rd: 0, rn: 1, rm: 2 });
        let want = if d == 0 { 0 } else { (i64::from(n as i32) / i64::from(d as i32)) as i32 as u32 };
        prop_assert_eq!(rig.cpu.r[0], want);
    }

    #[test]
    fn bitfields_match_reference(v in any::<u32>(), d in any::<u32>(), lsb in 0u8..32, w in 1u8..=32) {
        let w = w.min(32 - lsb);
        let mut rig = Rig::new();
        rig.cpu.r[1] = v;
        rig.ok(Instr::Bfx { enc: Enc::wide(0), signed: false, rd: 0, rn: 1, lsb, width: w });
        let field = (u64::from(v) >> lsb) & ((1u64 << w) - 1);
        prop_assert_eq!(u64::from(rig.cpu.r[0]), field);
        rig.ok(Instr::Bfx { enc: Enc::wide(0), signed: true, rd: 0, rn: 1, lsb, width: w });
        let sfield = if field >> (w - 1) & 1 != 0 { field as i64 - (1i64 << w) } else { field as i64 };
        prop_assert_eq!(rig.cpu.r[0], sfield as i32 as u32);
        rig.cpu.r[0] = d;
        rig.ok(Instr::Bfi { enc: Enc::wide(0), rd: 0, rn: 1, lsb, msb: lsb + w - 1 });
        let mask = (((1u64 << w) - 1) << lsb) as u32;
        prop_assert_eq!(rig.cpu.r[0], (d & !mask) | ((v << lsb) & mask));
        rig.ok(Instr::Bfi { enc: Enc::wide(0), rd: 0, rn: 15, lsb, msb: lsb + w - 1 });
        prop_assert_eq!(rig.cpu.r[0], d & !mask, "BFC");
    }
}

#[test]
fn sixteen_bit_forms_do_not_set_flags_inside_it() {
    let mut rig = Rig::new();
    // ITT EQ with Z set: both instructions execute.
    rig.cpu.z = true;
    rig.ok(Instr::It {
        enc: Enc::narrow(0),
        firstcond: 0,
        mask: 0b0100,
    });
    rig.cpu.r[1] = 0;
    let adds = Instr::DataProc {
        enc: Enc::narrow(0),
        op: DpOp::Add,
        s: true,
        rd: 0,
        rn: 1,
        op2: Operand2::imm(0),
    };
    rig.ok(adds); // result 0, would set Z; flags untouched anyway
    rig.cpu.z = true;
    rig.cpu.r[1] = 5;
    rig.ok(adds);
    assert_eq!(rig.cpu.r[0], 5);
    assert!(rig.cpu.z, "16-bit ADDS inside IT must not set flags");
    assert_eq!(rig.cpu.itstate, 0, "block over");
    // Outside IT it does.
    rig.ok(adds);
    assert!(!rig.cpu.z);
}

#[test]
fn rev_clz_extend() {
    let mut rig = Rig::new();
    rig.cpu.r[1] = 0x1234_80F0;
    let e = Enc::wide(0);
    use isa_thumb::instr::{MemSize, RevOp};
    for (op, want) in [
        (RevOp::Rev, 0xF080_3412),
        (RevOp::Rev16, 0x3412_F080),
        (RevOp::Revsh, 0xFFFF_F080),
        (RevOp::Rbit, 0x0F01_2C48),
    ] {
        rig.ok(Instr::Rev {
            enc: e,
            op,
            rd: 0,
            rm: 1,
        });
        assert_eq!(rig.cpu.r[0], want, "{op:?}");
    }
    rig.ok(Instr::Clz {
        enc: e,
        rd: 0,
        rm: 1,
    });
    assert_eq!(rig.cpu.r[0], 3);
    rig.ok(Instr::Extend {
        enc: e,
        signed: true,
        size: MemSize::Byte,
        rd: 0,
        rm: 1,
        rotation: 8,
    });
    assert_eq!(rig.cpu.r[0], 0xFFFF_FF80);
    rig.ok(Instr::Extend {
        enc: e,
        signed: false,
        size: MemSize::Half,
        rd: 0,
        rm: 1,
        rotation: 16,
    });
    assert_eq!(rig.cpu.r[0], 0x1234);
}

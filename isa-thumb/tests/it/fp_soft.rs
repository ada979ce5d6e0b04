//! The soft-float core against independent references: the host's IEEE operations for round
//! to nearest (non-NaN results compared bit for bit), an exact f64-plus-residual reference for
//! the directed rounding modes, and hand-checked Arm corner cases (flush-to-zero, default NaN,
//! NaN priority, saturation in conversions, alternative half precision).

use isa_thumb::fp::soft::{fpscr, Fpu, Round, F16, F32, F64};
use proptest::prelude::*;

const RN: u32 = 0;
const RP: u32 = 1 << 22;
const RM: u32 = 2 << 22;
const RZ: u32 = 3 << 22;

fn f32_op(ctl: u32, op: &str, a: f32, b: f32, c: f32) -> (u32, u32) {
    let mut s = ctl;
    let mut fpu = Fpu { fpscr: &mut s };
    let (a, b, c) = (
        u64::from(a.to_bits()),
        u64::from(b.to_bits()),
        u64::from(c.to_bits()),
    );
    let r = match op {
        "add" => fpu.add_sub(F32, a, b, false),
        "sub" => fpu.add_sub(F32, a, b, true),
        "mul" => fpu.mul(F32, a, b),
        "div" => fpu.div(F32, a, b),
        "sqrt" => fpu.sqrt(F32, a),
        "fma" => fpu.mul_add(F32, c, a, b),
        _ => unreachable!(),
    };
    (r as u32, s)
}

fn f64_op(op: &str, a: f64, b: f64, c: f64) -> u64 {
    let mut s = 0;
    let mut fpu = Fpu { fpscr: &mut s };
    let (a, b, c) = (a.to_bits(), b.to_bits(), c.to_bits());
    match op {
        "add" => fpu.add_sub(F64, a, b, false),
        "sub" => fpu.add_sub(F64, a, b, true),
        "mul" => fpu.mul(F64, a, b),
        "div" => fpu.div(F64, a, b),
        "sqrt" => fpu.sqrt(F64, a),
        _ => fpu.mul_add(F64, c, a, b),
    }
}

fn any_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<u32>().prop_map(f32::from_bits),
        (-1000.0f32..1000.0),
        (0u32..0x0080_0000).prop_map(f32::from_bits), // denormals
        (0x7f00_0000u32..0x7f80_0000).prop_map(f32::from_bits), // near overflow
        prop::sample::select(vec![
            0.0f32,
            -0.0,
            1.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE
        ]),
    ]
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        (-1e6f64..1e6),
        (0u64..(1u64 << 52)).prop_map(f64::from_bits),
        prop::sample::select(vec![0.0f64, -0.0, 1.0, f64::INFINITY, f64::MIN_POSITIVE]),
    ]
}

fn next_up(x: f32) -> f32 {
    let b = x.to_bits();
    if x.is_nan() || x == f32::INFINITY {
        x
    } else if x == 0.0 {
        f32::from_bits(1)
    } else if b >> 31 == 0 {
        f32::from_bits(b + 1)
    } else {
        f32::from_bits(b - 1)
    }
}
fn next_down(x: f32) -> f32 {
    -next_up(-x)
}

/// Rounds the exact value `x + tiny` (sign of `resid` gives the tiny part's sign, 0 = exact)
/// to f32 in a directed mode.
fn round_ref(x: f64, resid: f64, mode: u32) -> f32 {
    let c = x as f32; // nearest
    let cf = f64::from(c);
    let (lo, hi) = if cf > x || (cf == x && resid < 0.0) {
        (next_down(c), c)
    } else if cf < x || (cf == x && resid > 0.0) {
        (c, next_up(c))
    } else {
        return c;
    };
    let pos = x > 0.0 || (x == 0.0 && resid > 0.0);
    match mode {
        RP => hi,
        RM => lo,
        _ => {
            if pos {
                lo
            } else {
                hi
            }
        }
    }
}

fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bv = s - a;
    let err = (a - (s - bv)) + (b - bv);
    (s, err)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    #[test]
    fn f32_nearest_matches_host(a in any_f32(), b in any_f32(), c in any_f32(), k in 0usize..6) {
        let op = ["add", "sub", "mul", "div", "sqrt", "fma"][k];
        let host = match op {
            "add" => a + b, "sub" => a - b, "mul" => a * b, "div" => a / b,
            "sqrt" => a.sqrt(), _ => a.mul_add(b, c),
        };
        let (r, _) = f32_op(RN, op, a, b, c);
        if host.is_nan() {
            prop_assert!(f32::from_bits(r).is_nan(), "{} {:e} {:e}: {:08x}", op, a, b, r);
        } else {
            prop_assert_eq!(r, host.to_bits(), "{} {:e} {:e} {:e}", op, a, b, c);
        }
    }

    #[test]
    fn f64_nearest_matches_host(a in any_f64(), b in any_f64(), c in any_f64(), k in 0usize..6) {
        let op = ["add", "sub", "mul", "div", "sqrt", "fma"][k];
        let host = match op {
            "add" => a + b, "sub" => a - b, "mul" => a * b, "div" => a / b,
            "sqrt" => a.sqrt(), _ => a.mul_add(b, c),
        };
        let r = f64_op(op, a, b, c);
        if host.is_nan() {
            prop_assert!(f64::from_bits(r).is_nan());
        } else {
            prop_assert_eq!(r, host.to_bits(), "{} {:e} {:e} {:e}", op, a, b, c);
        }
    }

    #[test]
    fn f32_directed_modes(a in any_f32(), b in any_f32(), c in any_f32(), k in 0usize..5, m in 1u32..4) {
        let mode = m << 22;
        let op = ["add", "mul", "div", "sqrt", "fma"][k];
        let (a64, b64, c64) = (f64::from(a), f64::from(b), f64::from(c));
        let (x, resid) = match op {
            "add" => two_sum(a64, b64),
            "mul" => (a64 * b64, 0.0),
            "div" => { let q = a64 / b64; (q, (-q).mul_add(b64, a64) * b64.signum()) }
            "sqrt" => { let s = a64.sqrt(); (s, (-s).mul_add(s, a64)) }
            _ => two_sum(a64 * b64, c64),
        };
        if !x.is_finite() || (x == 0.0 && resid == 0.0) {
            return Ok(()); // NaN, infinity and exact zero results: covered by the RN test
        }
        let (r, _) = f32_op(mode, op, a, b, c);
        let want = round_ref(x, resid, mode);
        prop_assert_eq!(r, want.to_bits(), "{} {:e} {:e} {:e} mode {}", op, a, b, c, m);
    }

    #[test]
    fn f32_to_int_matches_reference(a in any_f32(), m in 0u32..4, signed in any::<bool>()) {
        let mut s = m << 22;
        let r = Fpu { fpscr: &mut s }.to_fixed(F32, u64::from(a.to_bits()), 0, 32, !signed, Round::from_fpscr(m << 22));
        let v = f64::from(a);
        let rounded = match m { 0 => { let t = v.round(); if (v - v.trunc()).abs() == 0.5 { 2.0 * (v / 2.0).round() } else { t } }, 1 => v.ceil(), 2 => v.floor(), _ => v.trunc() };
        let (lo, hi) = if signed { (f64::from(i32::MIN), f64::from(i32::MAX)) } else { (0.0, f64::from(u32::MAX)) };
        let want = if a.is_nan() { 0 } else if signed { rounded.clamp(lo, hi) as i32 as u32 } else { rounded.clamp(lo, hi) as u32 };
        prop_assert_eq!(r, want);
        let sat = a.is_nan() || rounded < lo || rounded > hi;
        prop_assert_eq!(s & fpscr::IOC != 0, sat);
        prop_assert_eq!(s & fpscr::IXC != 0, !sat && rounded != v);
    }

    #[test]
    fn f16_f32_round_trip(h in any::<u16>()) {
        let mut s = 0;
        let mut fpu = Fpu { fpscr: &mut s };
        let x = fpu.convert(F16, F32, u64::from(h));
        let back = fpu.convert(F32, F16, x);
        let is_nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
        if is_nan {
            prop_assert_eq!(back as u16, h | 0x200);
        } else {
            prop_assert_eq!(back as u16, h);
            prop_assert_eq!(s & fpscr::IXC, 0);
        }
    }
}

#[test]
fn flush_to_zero_inputs_and_outputs() {
    let denorm = f32::from_bits(0x0000_0100);
    let (r, s) = f32_op(fpscr::FZ, "add", denorm, 0.0, 0.0);
    assert_eq!(r, 0);
    assert_eq!(s & (fpscr::IDC | fpscr::UFC | fpscr::IXC), fpscr::IDC);
    let (r, s) = f32_op(fpscr::FZ, "mul", -f32::MIN_POSITIVE, 0.5, 0.0);
    assert_eq!(r, 0x8000_0000);
    assert_eq!(s & (fpscr::UFC | fpscr::IXC), fpscr::UFC);
    // Without FZ: exact denormal result, no flags; inexact tiny result: UFC + IXC.
    let (r, s) = f32_op(RN, "mul", f32::MIN_POSITIVE, 0.5, 0.0);
    assert_eq!(r, 0x0040_0000);
    assert_eq!(s, 0);
    let (_, s) = f32_op(RN, "mul", f32::from_bits(0x0080_0001), 0.25, 0.0);
    assert_eq!(s & (fpscr::UFC | fpscr::IXC), fpscr::UFC | fpscr::IXC);
}

#[test]
fn nan_rules() {
    let snan = f32::from_bits(0x7f80_0001);
    let qnan = f32::from_bits(0x7fc0_0002);
    let nqnan = f32::from_bits(0xffc0_0006);
    // A signalling NaN wins over an earlier quiet one, and is quieted.
    let (r, s) = f32_op(RN, "add", qnan, snan, 0.0);
    assert_eq!(r, 0x7fc0_0001);
    assert_eq!(s & fpscr::IOC, fpscr::IOC);
    // Two quiet NaNs: the first operand's payload and sign.
    assert_eq!(f32_op(RN, "mul", nqnan, qnan, 0.0).0, 0xffc0_0006);
    // Subtraction does not flip a NaN's sign.
    assert_eq!(f32_op(RN, "sub", 1.0, nqnan, 0.0).0, 0xffc0_0006);
    // Default NaN mode.
    assert_eq!(f32_op(fpscr::DN, "add", nqnan, 1.0, 0.0).0, 0x7fc0_0000);
    // inf * 0 + qNaN: default NaN and IOC (FPMulAdd); inf - inf: default NaN.
    let (r, s) = f32_op(RN, "fma", f32::INFINITY, 0.0, qnan);
    assert_eq!((r, s & fpscr::IOC), (0x7fc0_0000, fpscr::IOC));
    assert_eq!(
        f32_op(RN, "sub", f32::INFINITY, f32::INFINITY, 0.0).0,
        0x7fc0_0000
    );
    // sqrt(-1): default NaN, IOC. 1/0: inf, DZC.
    assert_eq!(f32_op(RN, "sqrt", -1.0, 0.0, 0.0).0, 0x7fc0_0000);
    let (r, s) = f32_op(RN, "div", 1.0, -0.0, 0.0);
    assert_eq!((r, s), (0xff80_0000, fpscr::DZC));
}

#[test]
fn signed_zero_rules() {
    assert_eq!(f32_op(RN, "add", 1.0, -1.0, 0.0).0, 0);
    assert_eq!(f32_op(RM, "add", 1.0, -1.0, 0.0).0, 0x8000_0000);
    assert_eq!(f32_op(RN, "add", -0.0, -0.0, 0.0).0, 0x8000_0000);
    assert_eq!(f32_op(RZ, "sqrt", -0.0, 0.0, 0.0).0, 0x8000_0000);
    assert_eq!(f32_op(RP, "fma", -0.0, 1.0, 0.0).0, 0);
    assert_eq!(f32_op(RM, "fma", -0.0, 1.0, 0.0).0, 0x8000_0000);
}

#[test]
fn overflow_by_mode() {
    let big = f32::MAX;
    assert_eq!(
        f32_op(RN, "mul", big, 2.0, 0.0),
        (0x7f80_0000, fpscr::OFC | fpscr::IXC)
    );
    assert_eq!(f32_op(RZ, "mul", big, 2.0, 0.0).0, big.to_bits());
    assert_eq!(f32_op(RM, "mul", big, 2.0, 0.0).0, big.to_bits());
    assert_eq!(f32_op(RM, "mul", -big, 2.0, 0.0).0, 0xff80_0000);
}

#[test]
fn half_precision_and_ahp() {
    let mut s = 0;
    let mut fpu = Fpu { fpscr: &mut s };
    assert_eq!(fpu.convert(F32, F16, u64::from(1.0f32.to_bits())), 0x3c00);
    assert_eq!(
        fpu.convert(F32, F16, u64::from(65520.0f32.to_bits())),
        0x7c00
    );
    assert_eq!(fpu.convert(F32, F16, 0x7fc1_2345), 0x7e09);
    let mut s = fpscr::AHP;
    let mut fpu = Fpu { fpscr: &mut s };
    // Alternative half: exponent 31 is a number, infinities and NaNs saturate/zero with IOC.
    assert_eq!(
        fpu.convert(F32, F16, u64::from(65536.0f32.to_bits())),
        0x7c00
    );
    assert_eq!(
        fpu.convert(F32, F16, u64::from(f32::INFINITY.to_bits())),
        0x7fff
    );
    assert_eq!(fpu.convert(F32, F16, 0xffc0_0000), 0x8000);
    assert_eq!(
        fpu.convert(F16, F32, 0x7fff),
        u64::from(131008.0f32.to_bits())
    );
    assert_eq!(s & fpscr::IOC, fpscr::IOC);
}

#[test]
fn fixed_point_and_saturation() {
    let mut s = 0;
    let mut fpu = Fpu { fpscr: &mut s };
    // 1.5 in Q16.16 and back.
    let q = fpu.to_fixed(F32, u64::from(1.5f32.to_bits()), 16, 32, false, Round::Zero);
    assert_eq!(q, 0x0001_8000);
    let f = fpu.from_fixed(F32, q, 16, 32, false, Round::Nearest);
    assert_eq!(f, u64::from(1.5f32.to_bits()));
    assert_eq!(s, 0);
    let mut s = 0;
    let mut fpu = Fpu { fpscr: &mut s };
    assert_eq!(
        fpu.to_fixed(F32, u64::from(3e9f32.to_bits()), 0, 32, false, Round::Zero),
        0x7fff_ffff
    );
    assert_eq!(
        fpu.to_fixed(
            F32,
            u64::from((-0.5f32).to_bits()),
            0,
            32,
            true,
            Round::Zero
        ),
        0
    );
    assert_eq!(s, fpscr::IOC | fpscr::IXC);
    let _ = F64;
}

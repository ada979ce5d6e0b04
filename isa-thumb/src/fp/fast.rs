//! The host fast path of the FP instructions: the common case computed with the host's IEEE
//! arithmetic, bit-exact with [`super::soft`] (result bits and FPSCR cumulative flags), and
//! `None` whenever that cannot be shown cheaply, so the caller falls back to the soft-float.
//!
//! # When the host may answer
//!
//! Rust's `f32`/`f64` `+ - * /` and `sqrt` are IEEE-754 operations rounded to nearest, ties to
//! even, with gradual underflow (x86-64 SSE2 and AArch64 never flush by default, and Rust
//! never contracts `a * b + c` into a fused operation). That is Arm's FPRound in mode RN as
//! long as none of Arm's departures from IEEE can show:
//!
//! - FPSCR.RMode must be round-to-nearest for rounding arithmetic (conversions with their
//!   own rounding take any mode, and an exact result is the same in every mode).
//! - NaN operands (propagation, DN) and infinities (invalid cases) go to the soft-float:
//!   for addition, multiplication and the fused and chained forms the host result is then a
//!   NaN or an infinity, which the result check below refuses, so no operand test is needed;
//!   division and square root test their operands. Denormal operands are IEEE values to Arm
//!   unless FPSCR.FZ flushes them (with IDC): only then do they go to the soft-float.
//! - The result must be zero *exactly* (a zero operand or an exact cancellation: the IEEE
//!   sign rules for RN are Arm's) or a normal number strictly above the smallest normal.
//!   Arm detects tininess before rounding (FPRound: UFC and, under FZ, a flushed result
//!   when the unrounded exponent is below emin); a rounded result above 2^emin cannot come
//!   from a tiny exact value (it is at least half an ulp above 2^emin), so neither UFC nor
//!   FZ can apply. A finite rounded result also rules out OFC.
//! - IXC (the only flag left) is derived exactly: an error-free transformation (TwoSum) for
//!   sums, an exact wider product for single-precision multiplication, and the odd parts of
//!   integer significands for double-precision multiplication, division and square root. The
//!   single-precision operations skip that work when FPSCR already has the sticky IXC (the
//!   FPSCR written is the old one ORed with the flags), as it has after the first inexact
//!   operation of most float code.
//!
//! VMLA/VMLS/VNMLA/VNMLS keep their two roundings (a fast multiply, then a fast add, the
//! flags of both); VFMA and friends are fused: the single-precision product is exact in
//! `f64`, the sum is split by TwoSum into `s + e`, and rounding `s` to single precision is
//! correct unless `s` is exactly halfway between two singles while `e` is not zero, in which
//! case `s` is nudged one `f64` ulp towards `e` first. Double-precision fused operations use
//! the host's correctly rounded `f64::mul_add`, whose exactness is not derived: they are
//! served only when FPSCR already has the sticky IXC.
//!
//! Operations that never round in a format are served in every rounding mode: VCMP(E),
//! VMAXNM/VMINNM (non-NaN operands), VRINT* and VCVT to integer or fixed point (the rounding
//! done on the exact value by truncation plus the exact remainder), VCVT from integer when
//! the result is exact or the mode is round-to-nearest, and the bit moves (VMOV, VABS, VNEG,
//! VMOV immediate, VSEL).

use super::soft::fpscr;
use super::{get, set, BinOp, FpInstr, IntRound, UnOp};
use sim_core::{Cpu, InstrClass};

/// FPSCR.RMode.
const RMODE: u32 = 3 << 22;

const SIGN32: u32 = 0x8000_0000;
const MIN_NORMAL32: u32 = 0x0080_0000;
const INF32: u32 = 0x7f80_0000;
const SIGN64: u64 = 0x8000_0000_0000_0000;
const MIN_NORMAL64: u64 = 0x0010_0000_0000_0000;
const INF64: u64 = 0x7ff0_0000_0000_0000;
const FRAC64: u64 = MIN_NORMAL64 - 1;

/// A host result: the value's bits and the cumulative flags to set.
type Out<T> = Option<(T, u32)>;

fn ixc(inexact: bool) -> u32 {
    if inexact {
        fpscr::IXC
    } else {
        0
    }
}

/// Normal or zero (no denormal, infinity or NaN).
#[inline]
fn plain32(x: u32) -> bool {
    let m = x & !SIGN32;
    m == 0 || m.wrapping_sub(MIN_NORMAL32) < INF32 - MIN_NORMAL32
}

/// Non-zero normal.
#[inline]
fn normal32(x: u32) -> bool {
    (x & !SIGN32).wrapping_sub(MIN_NORMAL32) < INF32 - MIN_NORMAL32
}

/// Normal and strictly above the smallest normal in magnitude: no tininess, no overflow.
#[inline]
fn roomy32(r: f32) -> bool {
    (r.to_bits() & !SIGN32).wrapping_sub(MIN_NORMAL32 + 1) < INF32 - (MIN_NORMAL32 + 1)
}

#[inline]
fn plain64(x: u64) -> bool {
    let m = x & !SIGN64;
    m == 0 || m.wrapping_sub(MIN_NORMAL64) < INF64 - MIN_NORMAL64
}

#[inline]
fn normal64(x: u64) -> bool {
    (x & !SIGN64).wrapping_sub(MIN_NORMAL64) < INF64 - MIN_NORMAL64
}

#[inline]
fn roomy64(r: f64) -> bool {
    (r.to_bits() & !SIGN64).wrapping_sub(MIN_NORMAL64 + 1) < INF64 - (MIN_NORMAL64 + 1)
}

/// The odd part of a normal double's significand.
#[inline]
fn odd64(x: f64) -> u64 {
    let s = (x.to_bits() & FRAC64) | MIN_NORMAL64;
    s >> s.trailing_zeros()
}

/// Whether `a + b` (both finite, `s` their rounded sum, finite) was rounded: Knuth's TwoSum
/// error term, exact without overflow (underflowing additions are exact).
#[inline]
fn two_sum_err32(a: f32, b: f32, s: f32) -> f32 {
    let bb = s - a;
    (a - (s - bb)) + (b - bb)
}

#[inline]
fn two_sum_err64(a: f64, b: f64, s: f64) -> f64 {
    let bb = s - a;
    (a - (s - bb)) + (b - bb)
}

/// A denormal single that FPSCR `sc` flushes to zero on input (FZ, with IDC): left to the
/// soft-float. Without FZ Arm computes with denormal operands as IEEE does, and NaN or
/// infinite operands give a NaN or infinite host result, which the result checks send to the
/// soft-float: so this is the only operand test the rounding operations need.
#[inline(always)]
fn flushed32(sc: u32, x: u32) -> bool {
    sc & fpscr::FZ != 0 && (x & !SIGN32).wrapping_sub(1) < MIN_NORMAL32 - 1
}

/// The IXC to report for an inexact-or-not result: nothing to work out when FPSCR `sc`
/// already has the sticky IXC (the FPSCR written is `sc | flags`).
#[inline(always)]
fn ixc_known(sc: u32) -> bool {
    sc & fpscr::IXC != 0
}

/// FPAdd in single precision under FPSCR `sc`, which must select round to nearest; the
/// flags are to be ORed into `sc`.
#[inline(always)]
pub fn add32(sc: u32, a: u32, b: u32) -> Out<u32> {
    if sc & RMODE != 0 || flushed32(sc, a) || flushed32(sc, b) {
        return None;
    }
    let (x, y) = (f32::from_bits(a), f32::from_bits(b));
    let s = x + y;
    // A sum of singles is a multiple of the smallest denormal: zero only when exact.
    if s == 0.0 {
        return Some((s.to_bits(), 0));
    }
    if !roomy32(s) {
        return None;
    }
    if ixc_known(sc) {
        return Some((s.to_bits(), 0));
    }
    Some((s.to_bits(), ixc(two_sum_err32(x, y, s) != 0.0)))
}

/// FPMul in single precision, round to nearest (as [`add32`]).
#[inline(always)]
pub fn mul32(sc: u32, a: u32, b: u32) -> Out<u32> {
    if sc & RMODE != 0 || flushed32(sc, a) || flushed32(sc, b) {
        return None;
    }
    // 24 x 24 significand bits: the product is exact in double precision (denormal
    // operands included), and zero only when an operand is.
    let p = f64::from(f32::from_bits(a)) * f64::from(f32::from_bits(b));
    let r = p as f32;
    if p == 0.0 {
        return Some((r.to_bits(), 0));
    }
    if !roomy32(r) {
        return None;
    }
    Some((r.to_bits(), ixc(!ixc_known(sc) && f64::from(r) != p)))
}

/// FPDiv in single precision, round to nearest (as [`add32`]).
#[inline]
pub fn div32(sc: u32, a: u32, b: u32) -> Out<u32> {
    // Only normal divisors and normal or zero dividends: x / inf and 0 / 0 must not pass
    // as an exact zero.
    if sc & RMODE != 0 || !plain32(a) || !normal32(b) {
        return None;
    }
    let (x, y) = (f32::from_bits(a), f32::from_bits(b));
    let q = x / y;
    if x == 0.0 {
        return Some((q.to_bits(), 0));
    }
    if !roomy32(q) {
        return None;
    }
    // q * y is exact in double precision; it equals x exactly iff q is the exact quotient.
    let inexact = !ixc_known(sc) && f64::from(q) * f64::from(y) != f64::from(x);
    Some((q.to_bits(), ixc(inexact)))
}

/// FPSqrt in single precision, round to nearest (as [`add32`]).
#[inline]
pub fn sqrt32(sc: u32, a: u32) -> Out<u32> {
    if sc & RMODE != 0 || !plain32(a) {
        return None;
    }
    let x = f32::from_bits(a);
    if x == 0.0 {
        return Some((a, 0)); // sqrt(-0) = -0
    }
    if a & SIGN32 != 0 {
        return None;
    }
    // The root of a normal single is normal and far from both ends of the range.
    let r = x.sqrt();
    let rr = f64::from(r);
    Some((r.to_bits(), ixc(!ixc_known(sc) && rr * rr != f64::from(x))))
}

/// FPMulAdd in single precision (addend + a * b, one rounding), round to nearest (as
/// [`add32`]).
#[inline(always)]
pub fn fma32(sc: u32, addend: u32, a: u32, b: u32) -> Out<u32> {
    if sc & RMODE != 0 || flushed32(sc, a) || flushed32(sc, b) || flushed32(sc, addend) {
        return None;
    }
    let p = f64::from(f32::from_bits(a)) * f64::from(f32::from_bits(b)); // exact
    let c = f64::from(f32::from_bits(addend));
    let s = p + c;
    if s == 0.0 {
        // Exact: a sum rounds to zero only when it is zero; IEEE's RN zero signs are Arm's.
        return Some(((s as f32).to_bits(), 0));
    }
    let sb = s.to_bits();
    // s exactly halfway between two singles (29 low bits 1000...0) while the exact sum is
    // not: the exact sum lies on e's side, so move s one double ulp that way. The error term
    // is needed for that and for IXC, not otherwise.
    let halfway = sb & 0x1fff_ffff == 0x1000_0000;
    if !halfway && ixc_known(sc) {
        let r = s as f32;
        if !roomy32(r) {
            return None;
        }
        return Some((r.to_bits(), 0));
    }
    let e = two_sum_err64(p, c, s);
    let sb = if halfway && e != 0.0 {
        if (e > 0.0) == (s > 0.0) {
            sb + 1
        } else {
            sb - 1
        }
    } else {
        sb
    };
    let r = f64::from_bits(sb) as f32;
    if !roomy32(r) {
        return None;
    }
    Some((r.to_bits(), ixc(e != 0.0 || f64::from(r) != s)))
}

/// A denormal double that FPSCR `sc` flushes to zero on input (see [`flushed32`]).
#[inline(always)]
fn flushed64(sc: u32, x: u64) -> bool {
    sc & fpscr::FZ != 0 && (x & !SIGN64).wrapping_sub(1) < MIN_NORMAL64 - 1
}

/// FPMulAdd in double precision (addend + a * b, one rounding), round to nearest, through
/// the host's fused multiply-add (`f64::mul_add`, correctly rounded by IEEE 754). Its
/// exactness is not derived, so only when FPSCR `sc` already has the sticky IXC; a zero
/// result only when both the product and the addend are zero (otherwise it may be a rounded
/// tiny value).
#[inline]
pub fn fma64(sc: u32, addend: u64, a: u64, b: u64) -> Out<u64> {
    if sc & RMODE != 0
        || !ixc_known(sc)
        || flushed64(sc, a)
        || flushed64(sc, b)
        || flushed64(sc, addend)
    {
        return None;
    }
    let (x, y, c) = (f64::from_bits(a), f64::from_bits(b), f64::from_bits(addend));
    let r = x.mul_add(y, c);
    if r == 0.0 {
        return ((x == 0.0 || y == 0.0) && c == 0.0).then_some((r.to_bits(), 0));
    }
    if !roomy64(r) {
        return None;
    }
    Some((r.to_bits(), 0))
}

/// FPAdd in double precision, round to nearest.
#[inline]
pub fn add64(a: u64, b: u64) -> Out<u64> {
    if !plain64(a) || !plain64(b) {
        return None;
    }
    let (x, y) = (f64::from_bits(a), f64::from_bits(b));
    let s = x + y;
    if s == 0.0 {
        return Some((s.to_bits(), 0));
    }
    if !roomy64(s) {
        return None;
    }
    Some((s.to_bits(), ixc(two_sum_err64(x, y, s) != 0.0)))
}

/// FPMul in double precision, round to nearest.
#[inline]
pub fn mul64(a: u64, b: u64) -> Out<u64> {
    if !plain64(a) || !plain64(b) {
        return None;
    }
    let (x, y) = (f64::from_bits(a), f64::from_bits(b));
    let r = x * y;
    if x == 0.0 || y == 0.0 {
        return Some((r.to_bits(), 0));
    }
    if !roomy64(r) {
        return None;
    }
    // Exact iff the product of the odd parts of the significands fits in 53 bits.
    let inexact = (u128::from(odd64(x)) * u128::from(odd64(y))) >> 53 != 0;
    Some((r.to_bits(), ixc(inexact)))
}

/// FPDiv in double precision, round to nearest.
#[inline]
pub fn div64(a: u64, b: u64) -> Out<u64> {
    if !plain64(a) || !normal64(b) {
        return None;
    }
    let (x, y) = (f64::from_bits(a), f64::from_bits(b));
    let q = x / y;
    if x == 0.0 {
        return Some((q.to_bits(), 0));
    }
    if !roomy64(q) {
        return None;
    }
    // q is the exact quotient iff q * y == x, i.e. (q and x being within a factor 1 +- 2^-52
    // of each other's ratio) iff the odd parts multiply up.
    let inexact = u128::from(odd64(q)) * u128::from(odd64(y)) != u128::from(odd64(x));
    Some((q.to_bits(), ixc(inexact)))
}

/// FPSqrt in double precision, round to nearest.
#[inline]
pub fn sqrt64(a: u64) -> Out<u64> {
    if !plain64(a) {
        return None;
    }
    let x = f64::from_bits(a);
    if x == 0.0 {
        return Some((a, 0));
    }
    if a & SIGN64 != 0 {
        return None;
    }
    let r = x.sqrt();
    let o = u128::from(odd64(r));
    Some((r.to_bits(), ixc(o * o != u128::from(odd64(x)))))
}

/// VMLA and friends in single precision: `acc` + (-)`a` * `b` with two roundings, round to
/// nearest (as [`add32`]); `acc` comes negated for VNMLA/VNMLS.
#[inline(always)]
pub fn mac32(sc: u32, acc: u32, a: u32, b: u32, negate_p: bool) -> Out<u32> {
    let (p, f1) = mul32(sc, a, b)?;
    let (r, f2) = add32(sc, acc, p ^ (u32::from(negate_p) << 31))?;
    Some((r, f1 | f2))
}

/// The two-operand arithmetic of [`FpInstr::Bin`] in single precision (`vd` the accumulator),
/// exactly as the soft-float path composes it; `fpscr` is read for its rounding mode, FZ and
/// IXC.
#[inline]
pub fn bin32(op: BinOp, fpscr: u32, vd: u32, vn: u32, vm: u32) -> Out<u32> {
    if let BinOp::MaxNm | BinOp::MinNm = op {
        let r = max_min(false, vn.into(), vm.into(), op == BinOp::MaxNm, fpscr)?;
        return Some((r as u32, 0));
    }
    let neg = |v: u32| v ^ SIGN32;
    let sc = fpscr;
    match op {
        BinOp::Add => add32(sc, vn, vm),
        BinOp::Sub => add32(sc, vn, neg(vm)),
        BinOp::Mul => mul32(sc, vn, vm),
        BinOp::Nmul => mul32(sc, vn, vm).map(|(r, f)| (neg(r), f)),
        BinOp::Div => div32(sc, vn, vm),
        BinOp::Mla => mac32(sc, vd, vn, vm, false),
        BinOp::Mls => mac32(sc, vd, vn, vm, true),
        BinOp::Nmla => mac32(sc, neg(vd), vn, vm, true),
        BinOp::Nmls => mac32(sc, neg(vd), vn, vm, false),
        BinOp::Fma => fma32(sc, vd, vn, vm),
        BinOp::Fms => fma32(sc, vd, neg(vn), vm),
        BinOp::Fnma => fma32(sc, neg(vd), neg(vn), vm),
        BinOp::Fnms => fma32(sc, neg(vd), vn, vm),
        BinOp::MaxNm | BinOp::MinNm => None, // above
    }
}

/// [`bin32`] in double precision (fused operations only with IXC already set, see
/// [`fma64`]).
#[inline]
pub fn bin64(op: BinOp, fpscr: u32, vd: u64, vn: u64, vm: u64) -> Out<u64> {
    if let BinOp::MaxNm | BinOp::MinNm = op {
        let r = max_min(true, vn, vm, op == BinOp::MaxNm, fpscr)?;
        return Some((r, 0));
    }
    if fpscr & RMODE != 0 {
        return None;
    }
    let neg = |v: u64| v ^ SIGN64;
    let acc = |d: u64, p: Out<u64>, negate_p: bool| {
        let (p, f1) = p?;
        let (r, f2) = add64(d, if negate_p { neg(p) } else { p })?;
        Some((r, f1 | f2))
    };
    match op {
        BinOp::Add => add64(vn, vm),
        BinOp::Sub => add64(vn, neg(vm)),
        BinOp::Mul => mul64(vn, vm),
        BinOp::Nmul => mul64(vn, vm).map(|(r, f)| (neg(r), f)),
        BinOp::Div => div64(vn, vm),
        BinOp::Mla => acc(vd, mul64(vn, vm), false),
        BinOp::Mls => acc(vd, mul64(vn, vm), true),
        BinOp::Nmla => acc(neg(vd), mul64(vn, vm), true),
        BinOp::Nmls => acc(neg(vd), mul64(vn, vm), false),
        BinOp::Fma => fma64(fpscr, vd, vn, vm),
        BinOp::Fms => fma64(fpscr, vd, neg(vn), vm),
        BinOp::Fnma => fma64(fpscr, neg(vd), neg(vn), vm),
        BinOp::Fnms => fma64(fpscr, neg(vd), vn, vm),
        BinOp::MaxNm | BinOp::MinNm => None, // above
    }
}

/// The value of a single (`dp` false, low 32 bits) or double as a double, if it is finite
/// and the soft-float would not flush it (a denormal under FZ).
#[inline]
fn finite_value(dp: bool, bits: u64, fpscr_v: u32) -> Option<f64> {
    let (x, denormal) = if dp {
        let m = bits & !SIGN64;
        if m >= INF64 {
            return None;
        }
        (f64::from_bits(bits), m != 0 && m < MIN_NORMAL64)
    } else {
        let m = bits as u32 & !SIGN32;
        if m >= INF32 {
            return None;
        }
        (
            f64::from(f32::from_bits(bits as u32)),
            m != 0 && m < MIN_NORMAL32,
        )
    };
    if denormal && fpscr_v & fpscr::FZ != 0 {
        return None;
    }
    Some(x)
}

/// The rounding an [`IntRound`] selects, by FPSCR.RMode for VCVTR: 0 nearest-even,
/// 1 towards +inf, 2 towards -inf, 3 towards zero, 4 nearest-away.
#[inline]
pub fn int_mode(r: IntRound, fpscr_v: u32) -> u32 {
    match r {
        IntRound::Zero => 3,
        IntRound::Fpscr => (fpscr_v >> 22) & 3,
        IntRound::A => 4,
        IntRound::N => 0,
        IntRound::P => 1,
        IntRound::M => 2,
    }
}

/// FPToFixed: a single (`dp` false) or double with `fbits` fraction bits to a `bits`-bit
/// integer, rounding by `mode` (see [`int_mode`]); the saturating cases (IOC) and inputs the
/// soft-float treats specially (NaN, infinity, denormal under FZ) are left to it.
#[inline]
pub fn to_fixed(
    dp: bool,
    bits_in: u64,
    fbits: u32,
    bits: u32,
    unsigned: bool,
    mode: u32,
    fpscr_v: u32,
) -> Out<u32> {
    let x = finite_value(dp, bits_in, fpscr_v)?;
    // Scaling by a power of two (at most 2^32) is exact; beyond 2^33 the result saturates.
    let y = x * f64::from_bits((1023 + u64::from(fbits)) << 52);
    if y.abs() >= 8_589_934_592.0 {
        return None;
    }
    let (v, inexact) = round_i64(y, mode);
    let (lo, hi) = if unsigned {
        (0, (1i64 << bits) - 1)
    } else {
        (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
    };
    if v < lo || v > hi {
        return None;
    }
    Some((v as u32, ixc(inexact)))
}

/// Rounds `y` (|y| < 2^62) to an integer by `mode` (see [`int_mode`]); also whether that
/// was inexact.
#[inline]
fn round_i64(y: f64, mode: u32) -> (i64, bool) {
    let t = y as i64; // truncated towards zero, exact
    let frac = y - t as f64; // exact: the bits of y below the units
    let v = match mode {
        0 => {
            if frac > 0.5 || (frac == 0.5 && t & 1 != 0) {
                t + 1
            } else if frac < -0.5 || (frac == -0.5 && t & 1 != 0) {
                t - 1
            } else {
                t
            }
        }
        1 => t + i64::from(frac > 0.0),
        2 => t - i64::from(frac < 0.0),
        3 => t,
        _ => {
            if frac >= 0.5 {
                t + 1
            } else if frac <= -0.5 {
                t - 1
            } else {
                t
            }
        }
    };
    (v, frac != 0.0)
}

/// FPRoundInt (VRINT*): a finite single (`dp` false) or double to an integral value by `mode`
/// (see [`int_mode`]); `exact` (VRINTX) signals IXC when that changed the value. A zero
/// result keeps the operand's sign.
#[inline]
pub fn round_int(dp: bool, a: u64, mode: u32, exact: bool, fpscr_v: u32) -> Out<u64> {
    let x = finite_value(dp, a, fpscr_v)?;
    // From 2^52 up every double is integral and comes back as it is (singles from 2^23 up
    // are integral too and go through the rounding below exactly).
    if x.abs() >= 4_503_599_627_370_496.0 {
        return Some((a, 0));
    }
    let (v, inexact) = round_i64(x, mode);
    let r = if v == 0 {
        if dp {
            a & SIGN64
        } else {
            a & u64::from(SIGN32)
        }
    } else if dp {
        (v as f64).to_bits()
    } else {
        u64::from((v as f32).to_bits()) // v is a single's integral value: exact
    };
    Some((r, ixc(inexact && exact)))
}

/// FPMaxNum / FPMinNum (VMAXNM/VMINNM) of two non-NaN operands: the larger (smaller) one as
/// it is, +0 over -0 for the maximum and -0 for the minimum; NaNs and flushed denormals are
/// left to the soft-float. No flags.
#[inline]
pub fn max_min(dp: bool, a: u64, b: u64, max: bool, fpscr_v: u32) -> Option<u64> {
    let x = finite_or_inf(dp, a, fpscr_v)?;
    let y = finite_or_inf(dp, b, fpscr_v)?;
    Some(if x == y {
        // Equal values have equal bits but for the two zeros: the sign bits AND (max) or
        // OR (min).
        if max {
            a & b
        } else {
            a | b
        }
    } else if (x > y) == max {
        a
    } else {
        b
    })
}

/// FixedToFP: the `bits`-bit integer `v` with `fbits` fraction bits to a single (`dp` false)
/// or double; the rounding `mode` (as for [`int_mode`]) matters only when the result is
/// inexact, which the host computes for round-to-nearest only.
#[inline]
pub fn from_fixed(dp: bool, v: u32, fbits: u32, bits: u32, unsigned: bool, mode: u32) -> Out<u64> {
    let v = if bits < 32 { v & ((1 << bits) - 1) } else { v };
    let n = if unsigned {
        i64::from(v)
    } else {
        (i64::from(v) << (64 - bits)) >> (64 - bits)
    };
    // Exact: 33 significant bits at most, scaled by a power of two no smaller than 2^-32.
    let x = n as f64 * f64::from_bits((1023 - u64::from(fbits)) << 52);
    if dp {
        return Some((x.to_bits(), 0)); // +0 for zero, as FixedToFP gives
    }
    let r = x as f32;
    let inexact = f64::from(r) != x;
    if inexact && mode != 0 {
        return None;
    }
    Some((u64::from(r.to_bits()), ixc(inexact)))
}

/// FPCompare of two non-NaN values (NZCV); NaNs and flushed denormals are left to the
/// soft-float (IOC/IDC).
#[inline]
pub fn compare(dp: bool, a: u64, b: u64, fpscr_v: u32) -> Option<u32> {
    let x = finite_or_inf(dp, a, fpscr_v)?;
    let y = finite_or_inf(dp, b, fpscr_v)?;
    Some(if x == y {
        0b0110
    } else if x < y {
        0b1000
    } else {
        0b0010
    })
}

/// Like [`finite_value`] but infinities are fine too (only NaNs and flushed denormals fail).
#[inline]
fn finite_or_inf(dp: bool, bits: u64, fpscr_v: u32) -> Option<f64> {
    let (x, denormal) = if dp {
        let m = bits & !SIGN64;
        if m > INF64 {
            return None;
        }
        (f64::from_bits(bits), m != 0 && m < MIN_NORMAL64)
    } else {
        let m = bits as u32 & !SIGN32;
        if m > INF32 {
            return None;
        }
        (
            f64::from(f32::from_bits(bits as u32)),
            m != 0 && m < MIN_NORMAL32,
        )
    };
    if denormal && fpscr_v & fpscr::FZ != 0 {
        return None;
    }
    Some(x)
}

/// FPConvert single to double (`to_dp`) or double to single.
#[inline]
pub fn convert(to_dp: bool, a: u64, fpscr_v: u32) -> Out<u64> {
    if to_dp {
        let a = a as u32;
        if !plain32(a) {
            return None;
        }
        return Some((f64::from(f32::from_bits(a)).to_bits(), 0));
    }
    if !plain64(a) {
        return None;
    }
    let x = f64::from_bits(a);
    let r = x as f32;
    if x == 0.0 {
        return Some((u64::from(r.to_bits()), 0));
    }
    if !roomy32(r) {
        return None;
    }
    let inexact = f64::from(r) != x;
    if inexact && fpscr_v & RMODE != 0 {
        return None;
    }
    Some((u64::from(r.to_bits()), ixc(inexact)))
}

/// Executes `i` on the host fast path if it is one of the operations above and its
/// operands qualify; `None` leaves the CPU untouched for the soft-float path.
#[inline]
pub fn compute(i: &FpInstr, cpu: &mut Cpu) -> Option<InstrClass> {
    let sc = cpu.fpscr;
    let (class, flags) = match *i {
        FpInstr::Bin { op, dp, d, n, m } => {
            let flags = if dp {
                let (r, f) = bin64(op, sc, cpu.d(d.into()), cpu.d(n.into()), cpu.d(m.into()))?;
                cpu.set_d(d.into(), r);
                f
            } else {
                let s = &cpu.s;
                let (r, f) = bin32(
                    op,
                    sc,
                    s[usize::from(d)],
                    s[usize::from(n)],
                    s[usize::from(m)],
                )?;
                cpu.s[usize::from(d)] = r;
                f
            };
            let class = if op == BinOp::Div {
                InstrClass::FpuDivSqrt
            } else {
                InstrClass::Fpu
            };
            (class, flags)
        }
        FpInstr::Un {
            op: UnOp::Sqrt,
            dp,
            d,
            m,
        } => {
            if sc & RMODE != 0 {
                return None;
            }
            let flags = if dp {
                let (r, f) = sqrt64(cpu.d(m.into()))?;
                cpu.set_d(d.into(), r);
                f
            } else {
                let (r, f) = sqrt32(sc, cpu.s[usize::from(m)])?;
                cpu.s[usize::from(d)] = r;
                f
            };
            (InstrClass::FpuDivSqrt, flags)
        }
        FpInstr::Un { op, dp, d, m } => {
            let sign = if dp { SIGN64 } else { u64::from(SIGN32) };
            let v = get(cpu, dp, m);
            let (mode, exact) = match op {
                UnOp::Mov | UnOp::Abs | UnOp::Neg => {
                    let r = match op {
                        UnOp::Mov => v,
                        UnOp::Abs => v & !sign,
                        _ => v ^ sign,
                    };
                    set(cpu, dp, d, r);
                    return Some(InstrClass::Fpu);
                }
                UnOp::RintR => ((sc >> 22) & 3, false),
                UnOp::RintX => ((sc >> 22) & 3, true),
                UnOp::RintZ => (3, false),
                UnOp::RintA => (4, false),
                UnOp::RintN => (0, false),
                UnOp::RintP => (1, false),
                _ => (2, false), // RintM
            };
            let (r, f) = round_int(dp, v, mode, exact, sc)?;
            set(cpu, dp, d, r);
            (InstrClass::Fpu, f)
        }
        FpInstr::MovImm { dp, d, imm8 } => {
            let f = if dp {
                super::soft::F64
            } else {
                super::soft::F32
            };
            set(cpu, dp, d, super::soft::expand_imm(f, imm8));
            return Some(InstrClass::Fpu);
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
            return Some(InstrClass::Fpu);
        }
        FpInstr::Cmp { zero, dp, d, m, .. } => {
            let b = if zero { 0 } else { get(cpu, dp, m) };
            let nzcv = compare(dp, get(cpu, dp, d), b, sc)?;
            cpu.fpscr = (sc & 0x0FFF_FFFF) | (nzcv << 28);
            return Some(InstrClass::Fpu);
        }
        FpInstr::CvtSD { to_dp, d, m } => {
            let (r, f) = convert(to_dp, get(cpu, !to_dp, m), sc)?;
            set(cpu, to_dp, d, r);
            (InstrClass::Fpu, f)
        }
        FpInstr::CvtToInt {
            dp,
            signed,
            round,
            d,
            m,
        } => {
            let mode = int_mode(round, sc);
            let (r, f) = to_fixed(dp, get(cpu, dp, m), 0, 32, !signed, mode, sc)?;
            cpu.s[usize::from(d)] = r;
            (InstrClass::Fpu, f)
        }
        FpInstr::CvtFromInt { dp, signed, d, m } => {
            let mode = (sc >> 22) & 3;
            let (r, f) = from_fixed(dp, cpu.s[usize::from(m)], 0, 32, !signed, mode)?;
            set(cpu, dp, d, r);
            (InstrClass::Fpu, f)
        }
        FpInstr::CvtFixed {
            dp,
            to_fixed: true,
            unsigned,
            size32,
            d,
            fbits,
        } => {
            let size = if size32 { 32 } else { 16 };
            let (r, f) = to_fixed(dp, get(cpu, dp, d), fbits.into(), size, unsigned, 3, sc)?;
            let r = match (size32, unsigned) {
                (true, _) => r,
                (false, true) => r & 0xffff,
                (false, false) => r as u16 as i16 as i32 as u32,
            };
            let wide = if unsigned {
                u64::from(r)
            } else {
                r as i32 as i64 as u64
            };
            set(cpu, dp, d, wide);
            (InstrClass::Fpu, f)
        }
        FpInstr::CvtFixed {
            dp,
            to_fixed: false,
            unsigned,
            size32,
            d,
            fbits,
        } => {
            // Always round to nearest (see the soft path).
            let size = if size32 { 32 } else { 16 };
            let v = get(cpu, dp, d) as u32;
            let (r, f) = from_fixed(dp, v, fbits.into(), size, unsigned, 0)?;
            set(cpu, dp, d, r);
            (InstrClass::Fpu, f)
        }
        _ => return None,
    };
    cpu.fpscr = sc | flags;
    Some(class)
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;

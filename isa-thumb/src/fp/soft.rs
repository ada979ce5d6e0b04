//! A small soft-float core with Arm's semantics (ARMv7-M ARM A2.5 pseudocode: FPUnpack,
//! FPRound, FPProcessNaNs, FPAdd/FPMul/FPMulAdd/FPDiv/FPSqrt, FPToFixed, FPConvert): every
//! operation is computed exactly on integers and rounded once, in any FPSCR rounding mode,
//! with flush-to-zero, default NaN and the cumulative exception flags. No host float
//! arithmetic is used, so no host NaN or rounding behaviour leaks in.

/// FPSCR bit positions and masks (ARMv7-M ARM A2.5.3).
pub mod fpscr {
    /// Invalid operation cumulative flag.
    pub const IOC: u32 = 1 << 0;
    /// Division by zero cumulative flag.
    pub const DZC: u32 = 1 << 1;
    /// Overflow cumulative flag.
    pub const OFC: u32 = 1 << 2;
    /// Underflow cumulative flag.
    pub const UFC: u32 = 1 << 3;
    /// Inexact cumulative flag.
    pub const IXC: u32 = 1 << 4;
    /// Input denormal cumulative flag.
    pub const IDC: u32 = 1 << 7;
    /// Flush-to-zero mode.
    pub const FZ: u32 = 1 << 24;
    /// Default NaN mode.
    pub const DN: u32 = 1 << 25;
    /// Alternative half-precision format.
    pub const AHP: u32 = 1 << 26;
    /// Bits of FPSCR that exist on M-profile (NZCV, AHP, DN, FZ, RMode, flags).
    pub const WRITABLE: u32 = 0xF7C0_009F;
}

/// A binary floating-point format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fmt {
    /// Exponent bits.
    pub e: u32,
    /// Fraction bits (excluding the implicit bit).
    pub m: u32,
}

/// IEEE half precision.
pub const F16: Fmt = Fmt { e: 5, m: 10 };
/// IEEE single precision.
pub const F32: Fmt = Fmt { e: 8, m: 23 };
/// IEEE double precision.
pub const F64: Fmt = Fmt { e: 11, m: 52 };

impl Fmt {
    fn bias(self) -> i32 {
        (1 << (self.e - 1)) - 1
    }
    fn emin(self) -> i32 {
        1 - self.bias()
    }
    fn emax_field(self) -> u64 {
        (1 << self.e) - 1
    }
    fn frac_mask(self) -> u64 {
        (1u64 << self.m) - 1
    }
    fn sign_bit(self) -> u64 {
        1u64 << (self.e + self.m)
    }
    fn quiet_bit(self) -> u64 {
        1u64 << (self.m - 1)
    }
    fn is_half(self) -> bool {
        self.e == 5
    }
    /// The default NaN.
    pub fn default_nan(self) -> u64 {
        (self.emax_field() << self.m) | self.quiet_bit()
    }
    /// Infinity with a sign.
    pub fn inf(self, sign: bool) -> u64 {
        self.zero(sign) | (self.emax_field() << self.m)
    }
    /// Zero with a sign.
    pub fn zero(self, sign: bool) -> u64 {
        if sign {
            self.sign_bit()
        } else {
            0
        }
    }
    fn max_normal(self, sign: bool) -> u64 {
        self.zero(sign) | ((self.emax_field() - 1) << self.m) | self.frac_mask()
    }
}

/// Rounding modes: the four of FPSCR.RMode plus ties-away (VRINTA, VCVTA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Round to nearest, ties to even.
    Nearest,
    /// Round towards plus infinity.
    PlusInf,
    /// Round towards minus infinity.
    MinusInf,
    /// Round towards zero.
    Zero,
    /// Round to nearest, ties away from zero.
    TiesAway,
}

impl Round {
    /// The mode FPSCR.RMode selects.
    pub fn from_fpscr(fpscr: u32) -> Round {
        match (fpscr >> 22) & 3 {
            0 => Round::Nearest,
            1 => Round::PlusInf,
            2 => Round::MinusInf,
            _ => Round::Zero,
        }
    }
}

/// Class of an unpacked operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Zero (including a flushed denormal).
    Zero,
    /// Finite non-zero.
    Finite,
    /// Infinity.
    Inf,
    /// Quiet NaN.
    QNaN,
    /// Signalling NaN.
    SNaN,
}

/// An unpacked operand: value = (-1)^sign * sig * 2^exp for finite values.
#[derive(Debug, Clone, Copy)]
pub struct Unpacked {
    /// Class.
    pub class: Class,
    /// Sign.
    pub sign: bool,
    /// Integer significand (implicit bit included).
    pub sig: u64,
    /// Exponent of the significand's unit bit.
    pub exp: i32,
}

impl Unpacked {
    fn is_nan(&self) -> bool {
        matches!(self.class, Class::QNaN | Class::SNaN)
    }
}

/// FPUnpack: classifies `bits`, flushing denormals (IDC) when FZ is set (not for half).
pub fn unpack(f: Fmt, bits: u64, fpscr: &mut u32) -> Unpacked {
    let sign = bits & f.sign_bit() != 0;
    let e = (bits >> f.m) & f.emax_field();
    let frac = bits & f.frac_mask();
    let ahp = f.is_half() && *fpscr & fpscr::AHP != 0;
    let mk = |class, sig, exp| Unpacked {
        class,
        sign,
        sig,
        exp,
    };
    if e == 0 {
        if frac == 0 {
            mk(Class::Zero, 0, 0)
        } else if *fpscr & fpscr::FZ != 0 && !f.is_half() {
            *fpscr |= fpscr::IDC;
            mk(Class::Zero, 0, 0)
        } else {
            mk(Class::Finite, frac, f.emin() - f.m as i32)
        }
    } else if e == f.emax_field() && !ahp {
        if frac == 0 {
            mk(Class::Inf, 0, 0)
        } else if frac & f.quiet_bit() != 0 {
            mk(Class::QNaN, 0, 0)
        } else {
            mk(Class::SNaN, 0, 0)
        }
    } else {
        mk(
            Class::Finite,
            frac | (1 << f.m),
            e as i32 - f.bias() - f.m as i32,
        )
    }
}

/// FPProcessNaN: quiets a signalling NaN (IOC) or returns the default NaN under DN.
pub fn process_nan(f: Fmt, bits: u64, class: Class, fpscr: &mut u32) -> u64 {
    if class == Class::SNaN {
        *fpscr |= fpscr::IOC;
    }
    if *fpscr & fpscr::DN != 0 {
        f.default_nan()
    } else {
        bits | f.quiet_bit()
    }
}

/// FPProcessNaNs / FPProcessNaNs3: the first signalling NaN, else the first quiet NaN.
pub fn process_nans(f: Fmt, ops: &[(u64, Unpacked)], fpscr: &mut u32) -> Option<u64> {
    for want in [Class::SNaN, Class::QNaN] {
        if let Some(&(b, u)) = ops.iter().find(|(_, u)| u.class == want) {
            return Some(process_nan(f, b, u.class, fpscr));
        }
    }
    None
}

fn msb128(x: u128) -> i32 {
    127 - x.leading_zeros() as i32
}

fn shift_right_jam(x: u128, n: u32) -> u128 {
    if n == 0 {
        x
    } else if n >= 128 {
        u128::from(x != 0)
    } else {
        (x >> n) | u128::from(x & ((1u128 << n) - 1) != 0)
    }
}

/// FPRound: rounds the exact non-zero value (-1)^sign * sig * 2^exp into `f`. The caller
/// guarantees that any bits lost before (a "sticky" tail) are jammed into bit 0 of `sig` and
/// that `sig` then carries at least two bits below the rounding position.
pub fn round(f: Fmt, sign: bool, sig: u128, exp: i32, mode: Round, fpscr: &mut u32) -> u64 {
    debug_assert!(sig != 0);
    let ahp = f.is_half() && *fpscr & fpscr::AHP != 0;
    let e_val = exp + msb128(sig);
    if *fpscr & fpscr::FZ != 0 && !f.is_half() && e_val < f.emin() {
        *fpscr |= fpscr::UFC;
        return f.zero(sign);
    }
    let mut biased = (e_val - f.emin() + 1).max(0) as u64;
    let lsb_exp = if biased == 0 { f.emin() } else { e_val } - f.m as i32;
    let shift = lsb_exp - exp;
    let (mut mant, above_half, exact_half, inexact) = if shift <= 0 {
        // Exactly representable at this position (shift is bounded by the format widths).
        (sig << (-shift) as u32, false, false, false)
    } else if shift >= 128 {
        (0u128, false, false, true)
    } else {
        let s = shift as u32;
        let rem = sig & ((1u128 << s) - 1);
        let half = 1u128 << (s - 1);
        (sig >> s, rem > half, rem == half, rem != 0)
    };
    if biased == 0 && inexact {
        *fpscr |= fpscr::UFC;
    }
    let odd = mant & 1 != 0;
    let up = match mode {
        Round::Nearest => above_half || (exact_half && odd),
        Round::TiesAway => above_half || exact_half,
        Round::PlusInf => inexact && !sign,
        Round::MinusInf => inexact && sign,
        Round::Zero => false,
    };
    if up {
        mant += 1;
        if mant == 1u128 << f.m && biased == 0 {
            biased = 1;
        }
        if mant == 1u128 << (f.m + 1) {
            biased += 1;
            mant >>= 1;
        }
    }
    if !ahp {
        if biased >= f.emax_field() {
            *fpscr |= fpscr::OFC | fpscr::IXC;
            let to_inf = match mode {
                Round::Nearest | Round::TiesAway => true,
                Round::PlusInf => !sign,
                Round::MinusInf => sign,
                Round::Zero => false,
            };
            return if to_inf {
                f.inf(sign)
            } else {
                f.max_normal(sign)
            };
        }
    } else if biased > f.emax_field() {
        *fpscr |= fpscr::IOC;
        return f.zero(sign) | 0x7fff;
    }
    if inexact {
        *fpscr |= fpscr::IXC;
    }
    f.zero(sign) | (biased << f.m) | (mant as u64 & f.frac_mask())
}

/// Normalises a finite unpacked value to a significand with its top bit at bit 125.
fn norm(u: &Unpacked) -> (u128, i32) {
    let s = u128::from(u.sig);
    let sh = 125 - msb128(s);
    (s << sh, u.exp - sh)
}

/// Exact sum of two finite non-zero values (jamming what falls off), then rounded; an exact
/// zero takes the sign the rounding mode gives (ARM ARM FPAdd).
fn add_exact(
    f: Fmt,
    a: (bool, u128, i32),
    b: (bool, u128, i32),
    mode: Round,
    fpscr: &mut u32,
) -> u64 {
    // Both significands have their top bit at or below 125; bring them to a common exponent.
    let (mut x, mut y) = (a, b);
    let nx = msb128(x.1);
    let ny = msb128(y.1);
    x.1 <<= 125 - nx;
    x.2 -= 125 - nx;
    y.1 <<= 125 - ny;
    y.2 -= 125 - ny;
    if y.2 > x.2 || (y.2 == x.2 && y.1 > x.1) {
        std::mem::swap(&mut x, &mut y);
    }
    let d = (x.2 - y.2) as u32;
    let ys = shift_right_jam(y.1, d);
    let (sign, sig) = if x.0 == y.0 {
        (x.0, x.1 + ys)
    } else {
        (x.0, x.1 - ys)
    };
    if sig == 0 {
        return f.zero(mode == Round::MinusInf);
    }
    round(f, sign, sig, x.2, mode, fpscr)
}

/// Arithmetic with an FPSCR: the operations of the FP instructions.
pub struct Fpu<'a> {
    /// FPSCR (controls and cumulative flags).
    pub fpscr: &'a mut u32,
}

impl Fpu<'_> {
    fn mode(&self) -> Round {
        Round::from_fpscr(*self.fpscr)
    }

    /// Unpacks with this FPSCR.
    pub fn unpack(&mut self, f: Fmt, bits: u64) -> Unpacked {
        unpack(f, bits, self.fpscr)
    }

    fn invalid(&mut self, f: Fmt) -> u64 {
        *self.fpscr |= fpscr::IOC;
        f.default_nan()
    }

    /// FPAdd, or FPSub when `sub` (NaNs propagate with their own signs).
    pub fn add_sub(&mut self, f: Fmt, a: u64, b: u64, sub: bool) -> u64 {
        let (ua, mut ub) = (self.unpack(f, a), self.unpack(f, b));
        if let Some(n) = process_nans(f, &[(a, ua), (b, ub)], self.fpscr) {
            return n;
        }
        ub.sign ^= sub;
        match (ua.class, ub.class) {
            (Class::Inf, Class::Inf) if ua.sign != ub.sign => self.invalid(f),
            (Class::Inf, _) => f.inf(ua.sign),
            (_, Class::Inf) => f.inf(ub.sign),
            (Class::Zero, Class::Zero) if ua.sign == ub.sign => f.zero(ua.sign),
            (Class::Zero, Class::Zero) => f.zero(self.mode() == Round::MinusInf),
            (Class::Zero, _) => self.finish(f, &ub),
            (_, Class::Zero) => self.finish(f, &ua),
            _ => {
                let m = self.mode();
                add_exact(
                    f,
                    (ua.sign, u128::from(ua.sig), ua.exp),
                    (ub.sign, u128::from(ub.sig), ub.exp),
                    m,
                    self.fpscr,
                )
            }
        }
    }

    /// Rounds a finite unpacked value back (exact unless FZ flushes a denormal output).
    fn finish(&mut self, f: Fmt, u: &Unpacked) -> u64 {
        let m = self.mode();
        round(f, u.sign, u128::from(u.sig), u.exp, m, self.fpscr)
    }

    /// FPMul.
    pub fn mul(&mut self, f: Fmt, a: u64, b: u64) -> u64 {
        let (ua, ub) = (self.unpack(f, a), self.unpack(f, b));
        if let Some(n) = process_nans(f, &[(a, ua), (b, ub)], self.fpscr) {
            return n;
        }
        let sign = ua.sign != ub.sign;
        match (ua.class, ub.class) {
            (Class::Inf, Class::Zero) | (Class::Zero, Class::Inf) => self.invalid(f),
            (Class::Inf, _) | (_, Class::Inf) => f.inf(sign),
            (Class::Zero, _) | (_, Class::Zero) => f.zero(sign),
            _ => {
                let m = self.mode();
                let p = u128::from(ua.sig) * u128::from(ub.sig);
                round(f, sign, p, ua.exp + ub.exp, m, self.fpscr)
            }
        }
    }

    /// FPMulAdd: addend + op1 * op2 with one rounding (negations applied by the caller).
    pub fn mul_add(&mut self, f: Fmt, addend: u64, a: u64, b: u64) -> u64 {
        let uc = self.unpack(f, addend);
        let (ua, ub) = (self.unpack(f, a), self.unpack(f, b));
        let inf_zero = matches!(
            (ua.class, ub.class),
            (Class::Inf, Class::Zero) | (Class::Zero, Class::Inf)
        );
        if let Some(n) = process_nans(f, &[(addend, uc), (a, ua), (b, ub)], self.fpscr) {
            if uc.class == Class::QNaN && inf_zero {
                return self.invalid(f);
            }
            return n;
        }
        let ps = ua.sign != ub.sign;
        let p_inf = ua.class == Class::Inf || ub.class == Class::Inf;
        let p_zero = ua.class == Class::Zero || ub.class == Class::Zero;
        if inf_zero || (uc.class == Class::Inf && p_inf && uc.sign != ps) {
            return self.invalid(f);
        }
        if uc.class == Class::Inf {
            return f.inf(uc.sign);
        }
        if p_inf {
            return f.inf(ps);
        }
        let m = self.mode();
        match (uc.class == Class::Zero, p_zero) {
            (true, true) => {
                if uc.sign == ps {
                    f.zero(ps)
                } else {
                    f.zero(m == Round::MinusInf)
                }
            }
            (false, true) => self.finish(f, &uc),
            (true, false) => {
                let p = u128::from(ua.sig) * u128::from(ub.sig);
                round(f, ps, p, ua.exp + ub.exp, m, self.fpscr)
            }
            (false, false) => {
                let p = u128::from(ua.sig) * u128::from(ub.sig);
                add_exact(
                    f,
                    (uc.sign, u128::from(uc.sig), uc.exp),
                    (ps, p, ua.exp + ub.exp),
                    m,
                    self.fpscr,
                )
            }
        }
    }

    /// FPDiv.
    pub fn div(&mut self, f: Fmt, a: u64, b: u64) -> u64 {
        let (ua, ub) = (self.unpack(f, a), self.unpack(f, b));
        if let Some(n) = process_nans(f, &[(a, ua), (b, ub)], self.fpscr) {
            return n;
        }
        let sign = ua.sign != ub.sign;
        match (ua.class, ub.class) {
            (Class::Inf, Class::Inf) | (Class::Zero, Class::Zero) => self.invalid(f),
            (Class::Inf, _) | (_, Class::Zero) => {
                if ub.class == Class::Zero && ua.class != Class::Inf {
                    *self.fpscr |= fpscr::DZC;
                }
                f.inf(sign)
            }
            (Class::Zero, _) | (_, Class::Inf) => f.zero(sign),
            _ => {
                let (na, ea) = norm(&ua);
                let sb = u128::from(ub.sig);
                let q = na / sb;
                let r = na % sb;
                let m = self.mode();
                round(f, sign, q | u128::from(r != 0), ea - ub.exp, m, self.fpscr)
            }
        }
    }

    /// FPSqrt.
    pub fn sqrt(&mut self, f: Fmt, a: u64) -> u64 {
        let ua = self.unpack(f, a);
        if let Some(n) = process_nans(f, &[(a, ua)], self.fpscr) {
            return n;
        }
        match ua.class {
            Class::Zero => f.zero(ua.sign),
            _ if ua.sign => self.invalid(f),
            Class::Inf => f.inf(false),
            _ => {
                let (mut s, mut e) = norm(&ua);
                if e & 1 != 0 {
                    s >>= 1; // exact: norm leaves 60+ zero bits at the bottom
                    e += 1;
                }
                // s < 2^126: root < 2^63, at least 62 significant bits.
                let (root, rem) = isqrt(s);
                let m = self.mode();
                round(f, false, root | u128::from(rem != 0), e / 2, m, self.fpscr)
            }
        }
    }

    /// FPCompare: NZCV (0110 equal, 1000 less, 0010 greater, 0011 unordered); `quiet_nan_ok`
    /// false (VCMPE) makes every NaN invalid, true (VCMP) only signalling ones.
    pub fn compare(&mut self, f: Fmt, a: u64, b: u64, signal_all: bool) -> u32 {
        let (ua, ub) = (self.unpack(f, a), self.unpack(f, b));
        if ua.is_nan() || ub.is_nan() {
            if signal_all || ua.class == Class::SNaN || ub.class == Class::SNaN {
                *self.fpscr |= fpscr::IOC;
            }
            return 0b0011;
        }
        match cmp_values(&ua, &ub) {
            std::cmp::Ordering::Equal => 0b0110,
            std::cmp::Ordering::Less => 0b1000,
            std::cmp::Ordering::Greater => 0b0010,
        }
    }

    /// FPMaxNum / FPMinNum (VMAXNM/VMINNM): a quiet NaN loses against a number.
    pub fn max_min_num(&mut self, f: Fmt, a: u64, b: u64, max: bool) -> u64 {
        let (ua, ub) = (self.unpack(f, a), self.unpack(f, b));
        let loser = f.inf(max);
        let a = if ua.class == Class::QNaN && !ub.is_nan() {
            loser
        } else {
            a
        };
        let b = if ub.class == Class::QNaN && !ua.is_nan() {
            loser
        } else {
            b
        };
        self.max_min(f, a, b, max)
    }

    /// FPMax / FPMin.
    pub fn max_min(&mut self, f: Fmt, a: u64, b: u64, max: bool) -> u64 {
        let (ua, ub) = (self.unpack(f, a), self.unpack(f, b));
        if let Some(n) = process_nans(f, &[(a, ua), (b, ub)], self.fpscr) {
            return n;
        }
        if ua.class == Class::Zero && ub.class == Class::Zero {
            let sign = if max {
                ua.sign && ub.sign
            } else {
                ua.sign || ub.sign
            };
            return f.zero(sign);
        }
        let pick_a = match cmp_values(&ua, &ub) {
            std::cmp::Ordering::Greater => max,
            std::cmp::Ordering::Less => !max,
            std::cmp::Ordering::Equal => true,
        };
        let u = if pick_a { ua } else { ub };
        match u.class {
            Class::Inf => f.inf(u.sign),
            Class::Zero => f.zero(u.sign),
            _ => self.finish(f, &u),
        }
    }

    /// FPRoundInt (VRINT*): rounds to an integral value; `exact` (VRINTX) signals IXC.
    pub fn round_int(&mut self, f: Fmt, a: u64, mode: Round, exact: bool) -> u64 {
        let ua = self.unpack(f, a);
        if let Some(n) = process_nans(f, &[(a, ua)], self.fpscr) {
            return n;
        }
        match ua.class {
            Class::Inf => f.inf(ua.sign),
            Class::Zero => f.zero(ua.sign),
            _ if ua.exp >= 0 => self.finish(f, &ua),
            _ => {
                let (int, inexact) = round_to_int(&ua, mode);
                if inexact && exact {
                    *self.fpscr |= fpscr::IXC;
                }
                if int == 0 {
                    return f.zero(ua.sign);
                }
                let m = self.mode();
                round(f, ua.sign, int, 0, m, self.fpscr)
            }
        }
    }

    /// FPToFixed: `fbits` fraction bits, saturating to `bits`-bit signed/unsigned, IOC on NaN
    /// or saturation, IXC when inexact.
    pub fn to_fixed(
        &mut self,
        f: Fmt,
        a: u64,
        fbits: u32,
        bits: u32,
        unsigned: bool,
        mode: Round,
    ) -> u32 {
        let ua = self.unpack(f, a);
        let (lo, hi): (i128, i128) = if unsigned {
            (0, (1i128 << bits) - 1)
        } else {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        };
        let (v, inexact): (i128, bool) = match ua.class {
            Class::QNaN | Class::SNaN => {
                *self.fpscr |= fpscr::IOC;
                return 0;
            }
            Class::Zero => (0, false),
            Class::Inf => (if ua.sign { i128::MIN } else { i128::MAX }, false),
            Class::Finite => {
                let scaled = Unpacked {
                    exp: ua.exp + fbits as i32,
                    ..ua
                };
                if scaled.exp > 70 {
                    (if ua.sign { i128::MIN } else { i128::MAX }, false)
                } else {
                    let (m, inexact) = round_to_int(&scaled, mode);
                    let m = m as i128;
                    (if ua.sign { -m } else { m }, inexact)
                }
            }
        };
        if v < lo || v > hi {
            *self.fpscr |= fpscr::IOC;
            return v.clamp(lo, hi) as u32;
        }
        if inexact {
            *self.fpscr |= fpscr::IXC;
        }
        v as u32
    }

    /// FixedToFP: the `bits`-bit integer `v` (signed or not) with `fbits` fraction bits.
    pub fn from_fixed(
        &mut self,
        f: Fmt,
        v: u32,
        fbits: u32,
        bits: u32,
        unsigned: bool,
        mode: Round,
    ) -> u64 {
        let v = if bits < 32 { v & ((1 << bits) - 1) } else { v };
        let (sign, mag) = if unsigned {
            (false, u64::from(v))
        } else {
            let s = (i64::from(v) << (64 - bits)) >> (64 - bits);
            (s < 0, s.unsigned_abs())
        };
        if mag == 0 {
            return f.zero(false);
        }
        // Give the significand room below the rounding point (see `round`).
        round(
            f,
            sign,
            u128::from(mag) << 64,
            -64 - fbits as i32,
            mode,
            self.fpscr,
        )
    }

    /// FPConvert between formats (F16/F32/F64), half precision by FPSCR.AHP.
    pub fn convert(&mut self, from: Fmt, to: Fmt, a: u64) -> u64 {
        let ua = self.unpack(from, a);
        let ahp_to = to.is_half() && *self.fpscr & fpscr::AHP != 0;
        match ua.class {
            Class::QNaN | Class::SNaN => {
                if ahp_to {
                    *self.fpscr |= fpscr::IOC;
                    return to.zero(ua.sign);
                }
                if ua.class == Class::SNaN {
                    *self.fpscr |= fpscr::IOC;
                }
                if *self.fpscr & fpscr::DN != 0 {
                    return to.default_nan();
                }
                let frac = a & from.frac_mask();
                let frac = if to.m >= from.m {
                    frac << (to.m - from.m)
                } else {
                    frac >> (from.m - to.m)
                };
                to.inf(ua.sign) | to.quiet_bit() | frac
            }
            Class::Inf => {
                if ahp_to {
                    *self.fpscr |= fpscr::IOC;
                    to.zero(ua.sign) | 0x7fff
                } else {
                    to.inf(ua.sign)
                }
            }
            Class::Zero => to.zero(ua.sign),
            Class::Finite => {
                let m = self.mode();
                round(
                    to,
                    ua.sign,
                    u128::from(ua.sig) << 64,
                    ua.exp - 64,
                    m,
                    self.fpscr,
                )
            }
        }
    }
}

/// Rounds the magnitude of a finite value to an integer in `mode` (sign taken into account
/// for the directed modes); returns the magnitude and whether it was inexact.
fn round_to_int(u: &Unpacked, mode: Round) -> (u128, bool) {
    if u.exp >= 0 {
        return (u128::from(u.sig) << u.exp as u32, false);
    }
    let s = (-u.exp) as u32;
    if s > 100 {
        let up = match mode {
            Round::PlusInf => !u.sign,
            Round::MinusInf => u.sign,
            _ => false,
        };
        return (u128::from(up), true);
    }
    let sig = u128::from(u.sig);
    let int = sig >> s;
    let rem = sig & ((1u128 << s) - 1);
    let half = 1u128 << (s - 1);
    let up = match mode {
        Round::Nearest => rem > half || (rem == half && int & 1 == 1),
        Round::TiesAway => rem >= half,
        Round::PlusInf => rem != 0 && !u.sign,
        Round::MinusInf => rem != 0 && u.sign,
        Round::Zero => false,
    };
    (int + u128::from(up), rem != 0)
}

/// Compares two non-NaN unpacked values.
fn cmp_values(a: &Unpacked, b: &Unpacked) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let key = |u: &Unpacked| -> (i32, u128) {
        match u.class {
            Class::Zero => (i32::MIN, 0),
            Class::Inf => (i32::MAX, 0),
            _ => {
                let (s, e) = norm(u);
                (e, s)
            }
        }
    };
    let az = a.class == Class::Zero;
    let bz = b.class == Class::Zero;
    if az && bz {
        return Ordering::Equal;
    }
    let sa = a.sign && !az;
    let sb = b.sign && !bz;
    match (sa, sb) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => key(a).cmp(&key(b)),
        (true, true) => key(b).cmp(&key(a)),
    }
}

/// Integer square root of a u128: (floor(sqrt(x)), x - root^2).
fn isqrt(x: u128) -> (u128, u128) {
    let mut rem = x;
    let mut root = 0u128;
    let mut bit = 1u128 << 126;
    while bit > x {
        bit >>= 2;
    }
    while bit != 0 {
        if rem >= root + bit {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    (root, rem)
}

/// VFPExpandImm: the 8-bit immediate of VMOV (immediate) as a value of format `f`.
pub fn expand_imm(f: Fmt, imm8: u8) -> u64 {
    let sign = u64::from(imm8 >> 7);
    let b6 = u64::from((imm8 >> 6) & 1);
    let e_rest = u64::from((imm8 >> 4) & 3);
    let frac4 = u64::from(imm8 & 0xf);
    // exp = NOT(b6) : Replicate(b6, E-3) : imm8<5:4>
    let rep = if b6 == 1 { (1u64 << (f.e - 3)) - 1 } else { 0 };
    let exp = ((1 - b6) << (f.e - 1)) | (rep << 2) | e_rest;
    (sign << (f.e + f.m)) | (exp << f.m) | (frac4 << (f.m - 4))
}

//! The soft-float and soft-double routines of the RP2040 boot ROM (RP2040 datasheet §2.8.3.2,
//! the tables pico_float and pico_double call through), computed natively.
//!
//! The ROM's float code is a version of Qfplib-M0-full, whose documented behaviour this
//! follows (quinapalus.com/qfplib-m0-full.html, "Limitations and deviations from the IEEE 754
//! standard"): addition, subtraction, multiplication, division and square root are correctly
//! rounded (to nearest, even on ties), which the host's IEEE arithmetic gives exactly; NaNs are
//! converted to infinities and denormals flushed to zero, on input and on output (a NaN result
//! becomes +infinity; the sign Qfplib gives it is not documented); conversions to integer and
//! fixed point round towards minus infinity and clamp to the range of the result (pico-sdk's
//! pico/float.h: "These methods round towards -Infinity"); conversions to floating point round
//! to nearest. The scientific functions (sin, cos, tan, atan2, exp, ln) Qfplib computes to
//! about 1 ulp; thimble uses the host's double-precision library rounded to the result's
//! precision, so the last bit may differ from the chip's.
//!
//! Calling convention (ARM EABI, soft float): floats in r0, r1; doubles in r0:r1 and r2:r3
//! (low word first); integers and the fixed-point position `n` after them; results in r0 or
//! r0:r1. The float `sin` also returns the cosine in r1 (pico-sdk's `sincosf` reads both),
//! and the double `sincos` (the V3 entry at 0x48) returns the sine in r0:r1 and the cosine in
//! r2:r3.

use sim_core::cpu::Cpu;

/// The operations of the soft-float table, in table order (offset = 4 × index; pico-sdk's
/// pico/bootrom/sf_table.h). The soft-double table has the same layout for doubles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names are the table's
pub enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
    CmpFast,
    CmpFastFlags,
    Sqrt,
    ToInt,
    ToFix,
    ToUint,
    ToUfix,
    FromInt,
    FromFix,
    FromUint,
    FromUfix,
    Cos,
    Sin,
    Tan,
    SinCos,
    Exp,
    Ln,
    CmpBasic,
    Atan2,
    FromInt64,
    FromFix64,
    FromUint64,
    FromUfix64,
    ToInt64,
    ToFix64,
    ToUint64,
    ToUfix64,
    /// float2double in the float table, double2float in the double table.
    Convert,
}

/// Every operation, in table order.
pub const OPS: [FloatOp; 32] = [
    FloatOp::Add,
    FloatOp::Sub,
    FloatOp::Mul,
    FloatOp::Div,
    FloatOp::CmpFast,
    FloatOp::CmpFastFlags,
    FloatOp::Sqrt,
    FloatOp::ToInt,
    FloatOp::ToFix,
    FloatOp::ToUint,
    FloatOp::ToUfix,
    FloatOp::FromInt,
    FloatOp::FromFix,
    FloatOp::FromUint,
    FloatOp::FromUfix,
    FloatOp::Cos,
    FloatOp::Sin,
    FloatOp::Tan,
    FloatOp::SinCos,
    FloatOp::Exp,
    FloatOp::Ln,
    FloatOp::CmpBasic,
    FloatOp::Atan2,
    FloatOp::FromInt64,
    FloatOp::FromFix64,
    FloatOp::FromUint64,
    FloatOp::FromUfix64,
    FloatOp::ToInt64,
    FloatOp::ToFix64,
    FloatOp::ToUint64,
    FloatOp::ToUfix64,
    FloatOp::Convert,
];

impl FloatOp {
    fn stem(self) -> &'static str {
        match self {
            FloatOp::Add => "add",
            FloatOp::Sub => "sub",
            FloatOp::Mul => "mul",
            FloatOp::Div => "div",
            FloatOp::CmpFast => "cmp_fast",
            FloatOp::CmpFastFlags => "cmp_fast_flags",
            FloatOp::Sqrt => "sqrt",
            FloatOp::ToInt => "2int",
            FloatOp::ToFix => "2fix",
            FloatOp::ToUint => "2uint",
            FloatOp::ToUfix => "2ufix",
            FloatOp::FromInt => "int2",
            FloatOp::FromFix => "fix2",
            FloatOp::FromUint => "uint2",
            FloatOp::FromUfix => "ufix2",
            FloatOp::Cos => "cos",
            FloatOp::Sin => "sin",
            FloatOp::Tan => "tan",
            FloatOp::SinCos => "sincos",
            FloatOp::Exp => "exp",
            FloatOp::Ln => "ln",
            FloatOp::CmpBasic => "cmp_basic",
            FloatOp::Atan2 => "atan2",
            FloatOp::FromInt64 => "int642",
            FloatOp::FromFix64 => "fix642",
            FloatOp::FromUint64 => "uint642",
            FloatOp::FromUfix64 => "ufix642",
            FloatOp::ToInt64 => "2int64",
            FloatOp::ToFix64 => "2fix64",
            FloatOp::ToUint64 => "2uint64",
            FloatOp::ToUfix64 => "2ufix64",
            FloatOp::Convert => "convert",
        }
    }

    fn name(self, double: bool) -> String {
        let (t, short) = if double {
            ("double", "d")
        } else {
            ("float", "f")
        };
        match self {
            FloatOp::Convert if double => "double2float".into(),
            FloatOp::Convert => "float2double".into(),
            FloatOp::ToInt
            | FloatOp::ToFix
            | FloatOp::ToUint
            | FloatOp::ToUfix
            | FloatOp::ToInt64
            | FloatOp::ToFix64
            | FloatOp::ToUint64
            | FloatOp::ToUfix64 => format!("{t}{}", self.stem()),
            FloatOp::FromInt
            | FloatOp::FromFix
            | FloatOp::FromUint
            | FloatOp::FromUfix
            | FloatOp::FromInt64
            | FloatOp::FromFix64
            | FloatOp::FromUint64
            | FloatOp::FromUfix64 => format!("{}{t}", self.stem()),
            _ => format!("{short}{}", self.stem()),
        }
    }

    /// The routine's name in the float table ("fadd", "float2int").
    pub fn float_name(self) -> String {
        self.name(false)
    }

    /// The routine's name in the double table ("dadd", "double2int").
    pub fn double_name(self) -> String {
        self.name(true)
    }

    /// Cycles the ROM routine takes: Qfplib-M0-full's published averages (calling overhead
    /// included) where it lists the function; ESTIMATES for comparisons and conversions
    /// (short shift-and-round sequences: ~20 cycles for 32-bit results, ~40 for 64-bit ones,
    /// double-precision operands costing a few more).
    pub fn cycles(self, double: bool) -> u32 {
        let (f, d) = match self {
            FloatOp::Add => (76, 94),
            FloatOp::Sub => (78, 100),
            FloatOp::Mul => (62, 163),
            FloatOp::Div => (83, 200),
            FloatOp::Sqrt => (67, 174),
            FloatOp::Cos => (595, 1623),
            FloatOp::Sin => (584, 1624),
            FloatOp::Tan => (671, 1906),
            // ESTIMATE: sine and cosine share the argument reduction and the CORDIC loop.
            FloatOp::SinCos => (620, 1750),
            FloatOp::Exp => (261, 811),
            FloatOp::Ln => (277, 464),
            FloatOp::Atan2 => (673, 2187),
            FloatOp::CmpFast | FloatOp::CmpFastFlags | FloatOp::CmpBasic => (18, 24),
            FloatOp::ToInt | FloatOp::ToFix | FloatOp::ToUint | FloatOp::ToUfix => (20, 26),
            FloatOp::FromInt | FloatOp::FromFix | FloatOp::FromUint | FloatOp::FromUfix => (22, 26),
            FloatOp::FromInt64
            | FloatOp::FromFix64
            | FloatOp::FromUint64
            | FloatOp::FromUfix64
            | FloatOp::ToInt64
            | FloatOp::ToFix64
            | FloatOp::ToUint64
            | FloatOp::ToUfix64 => (40, 52),
            FloatOp::Convert => (20, 23),
        };
        if double {
            d
        } else {
            f
        }
    }
}

/// A float argument as the ROM sees it: denormals are zero, NaNs are infinities.
pub fn f_in(bits: u32) -> f32 {
    let sign = bits & 0x8000_0000;
    match (bits >> 23) & 0xFF {
        0 => f32::from_bits(sign),
        0xFF => f32::from_bits(sign | 0x7F80_0000),
        _ => f32::from_bits(bits),
    }
}

/// A float result as the ROM returns it: denormals flushed to (signed) zero, NaN as +infinity.
pub fn f_out(x: f32) -> u32 {
    if x.is_nan() {
        return 0x7F80_0000;
    }
    let bits = x.to_bits();
    if (bits >> 23) & 0xFF == 0 {
        bits & 0x8000_0000
    } else {
        bits
    }
}

/// A double argument as the ROM sees it.
pub fn d_in(bits: u64) -> f64 {
    let sign = bits & (1 << 63);
    match (bits >> 52) & 0x7FF {
        0 => f64::from_bits(sign),
        0x7FF => f64::from_bits(sign | 0x7FF0_0000_0000_0000),
        _ => f64::from_bits(bits),
    }
}

/// A double result as the ROM returns it.
pub fn d_out(x: f64) -> u64 {
    if x.is_nan() {
        return 0x7FF0_0000_0000_0000;
    }
    let bits = x.to_bits();
    if (bits >> 52) & 0x7FF == 0 {
        bits & (1 << 63)
    } else {
        bits
    }
}

/// `x` × 2^`n` exactly (as long as the result is in range), without forming 2^n when that
/// would overflow.
fn scale(mut x: f64, mut n: i32) -> f64 {
    while n > 1000 {
        x *= 2f64.powi(1000);
        n -= 1000;
    }
    while n < -1000 {
        x *= 2f64.powi(-1000);
        n += 1000;
    }
    x * 2f64.powi(n)
}

/// floor(`x`) clamped to [`lo`, `hi`] (NaN has become an infinity before).
fn floor_clamp(x: f64, lo: f64, hi: f64) -> f64 {
    x.floor().clamp(lo, hi)
}

/// An integer as a 64-bit value from registers `lo`, `hi`.
fn pair(lo: u32, hi: u32) -> u64 {
    u64::from(lo) | u64::from(hi) << 32
}

/// Flags of `cmp a, b` for a three-way result (-1, 0, 1) against 0: N/Z/C/V as an integer
/// compare of the result with 0 leaves them, so that signed conditions (LT, GT, EQ) work.
fn set_cmp_flags(cpu: &mut Cpu, r: i32) {
    cpu.n = r < 0;
    cpu.z = r == 0;
    cpu.c = r >= 0;
    cpu.v = false;
}

fn three_way(a: f64, b: f64) -> i32 {
    if a < b {
        -1
    } else if a > b {
        1
    } else {
        0
    }
}

/// Runs `op` (double precision when `double`) on the argument registers and sets the result
/// registers; returns the cycles it takes.
pub fn call(op: FloatOp, double: bool, cpu: &mut Cpu) -> u32 {
    if double {
        call_double(op, cpu);
    } else {
        call_float(op, cpu);
    }
    op.cycles(double)
}

fn set64(cpu: &mut Cpu, v: u64) {
    cpu.r[0] = v as u32;
    cpu.r[1] = (v >> 32) as u32;
}

/// Rounds towards minus infinity to an integer of the given range (as f64 bounds) and stores
/// it as 32 or 64 bits.
fn to_int(cpu: &mut Cpu, x: f64, signed: bool, wide: bool) {
    match (signed, wide) {
        (true, false) => cpu.r[0] = floor_clamp(x, -2_147_483_648.0, 2_147_483_647.0) as i32 as u32,
        (false, false) => cpu.r[0] = floor_clamp(x, 0.0, 4_294_967_295.0) as u32,
        // f64 `as` saturates at the integer range, which is the clamp the ROM documents.
        (true, true) => set64(cpu, x.floor() as i64 as u64),
        (false, true) => set64(cpu, x.floor().max(0.0) as u64),
    }
}

fn call_float(op: FloatOp, cpu: &mut Cpu) {
    let a = f_in(cpu.r[0]);
    let b = f_in(cpu.r[1]);
    let n = cpu.r[1] as i32;
    let r0 = |x: f32| f_out(x);
    match op {
        FloatOp::Add => cpu.r[0] = r0(a + b),
        FloatOp::Sub => cpu.r[0] = r0(a - b),
        FloatOp::Mul => cpu.r[0] = r0(a * b),
        FloatOp::Div => cpu.r[0] = r0(a / b),
        FloatOp::Sqrt => cpu.r[0] = sqrt_f(a),
        FloatOp::CmpFast | FloatOp::CmpBasic => {
            cpu.r[0] = three_way(f64::from(a), f64::from(b)) as u32;
        }
        FloatOp::CmpFastFlags => set_cmp_flags(cpu, three_way(f64::from(a), f64::from(b))),
        FloatOp::ToInt => to_int(cpu, f64::from(a), true, false),
        FloatOp::ToUint => to_int(cpu, f64::from(a), false, false),
        FloatOp::ToFix => to_int(cpu, scale(f64::from(a), n), true, false),
        FloatOp::ToUfix => to_int(cpu, scale(f64::from(a), n), false, false),
        FloatOp::ToInt64 => to_int(cpu, f64::from(a), true, true),
        FloatOp::ToUint64 => to_int(cpu, f64::from(a), false, true),
        FloatOp::ToFix64 => to_int(cpu, scale(f64::from(a), n), true, true),
        FloatOp::ToUfix64 => to_int(cpu, scale(f64::from(a), n), false, true),
        FloatOp::FromInt => cpu.r[0] = r0(cpu.r[0] as i32 as f32),
        FloatOp::FromUint => cpu.r[0] = r0(cpu.r[0] as f32),
        // Scaling a correctly rounded f32 by a power of two is exact in the normal range.
        FloatOp::FromFix => cpu.r[0] = r0(scale(f64::from(cpu.r[0] as i32 as f32), -n) as f32),
        FloatOp::FromUfix => cpu.r[0] = r0(scale(f64::from(cpu.r[0] as f32), -n) as f32),
        FloatOp::FromInt64 => cpu.r[0] = r0(pair(cpu.r[0], cpu.r[1]) as i64 as f32),
        FloatOp::FromUint64 => cpu.r[0] = r0(pair(cpu.r[0], cpu.r[1]) as f32),
        FloatOp::FromFix64 => {
            let x = pair(cpu.r[0], cpu.r[1]) as i64 as f32;
            cpu.r[0] = r0(scale(f64::from(x), -(cpu.r[2] as i32)) as f32);
        }
        FloatOp::FromUfix64 => {
            let x = pair(cpu.r[0], cpu.r[1]) as f32;
            cpu.r[0] = r0(scale(f64::from(x), -(cpu.r[2] as i32)) as f32);
        }
        FloatOp::Cos => cpu.r[0] = r0(f64::from(a).cos() as f32),
        FloatOp::Sin | FloatOp::SinCos => {
            let x = f64::from(a);
            cpu.r[0] = r0(x.sin() as f32);
            cpu.r[1] = r0(x.cos() as f32);
        }
        FloatOp::Tan => cpu.r[0] = r0(f64::from(a).tan() as f32),
        FloatOp::Exp => cpu.r[0] = r0(f64::from(a).exp() as f32),
        FloatOp::Ln => cpu.r[0] = r0(ln(f64::from(a)) as f32),
        FloatOp::Atan2 => cpu.r[0] = r0(f64::from(a).atan2(f64::from(b)) as f32),
        FloatOp::Convert => set64(cpu, d_out(f64::from(a))),
    }
}

/// Square root: of a negative number, minus infinity; of -0, -0 (what pico-sdk's shim for
/// the V1 ROM returns, matching the later ROMs).
fn sqrt_f(a: f32) -> u32 {
    if a < 0.0 {
        0xFF80_0000
    } else {
        f_out(a.sqrt())
    }
}

fn sqrt_d(a: f64) -> u64 {
    if a < 0.0 {
        0xFFF0_0000_0000_0000
    } else {
        d_out(a.sqrt())
    }
}

/// Natural logarithm; of a negative number, minus infinity (NaN → infinity, with the sign of
/// the out-of-domain side).
fn ln(x: f64) -> f64 {
    if x < 0.0 {
        f64::NEG_INFINITY
    } else {
        x.ln()
    }
}

fn call_double(op: FloatOp, cpu: &mut Cpu) {
    let a = d_in(pair(cpu.r[0], cpu.r[1]));
    let b = d_in(pair(cpu.r[2], cpu.r[3]));
    let n = cpu.r[2] as i32;
    match op {
        FloatOp::Add => set64(cpu, d_out(a + b)),
        FloatOp::Sub => set64(cpu, d_out(a - b)),
        FloatOp::Mul => set64(cpu, d_out(a * b)),
        FloatOp::Div => set64(cpu, d_out(a / b)),
        FloatOp::Sqrt => set64(cpu, sqrt_d(a)),
        FloatOp::CmpFast | FloatOp::CmpBasic => cpu.r[0] = three_way(a, b) as u32,
        FloatOp::CmpFastFlags => set_cmp_flags(cpu, three_way(a, b)),
        FloatOp::ToInt => to_int(cpu, a, true, false),
        FloatOp::ToUint => to_int(cpu, a, false, false),
        FloatOp::ToFix => to_int(cpu, scale(a, n), true, false),
        FloatOp::ToUfix => to_int(cpu, scale(a, n), false, false),
        FloatOp::ToInt64 => to_int(cpu, a, true, true),
        FloatOp::ToUint64 => to_int(cpu, a, false, true),
        FloatOp::ToFix64 => to_int(cpu, scale(a, n), true, true),
        FloatOp::ToUfix64 => to_int(cpu, scale(a, n), false, true),
        FloatOp::FromInt => set64(cpu, d_out(f64::from(cpu.r[0] as i32))),
        FloatOp::FromUint => set64(cpu, d_out(f64::from(cpu.r[0]))),
        FloatOp::FromFix => {
            let n = cpu.r[1] as i32;
            set64(cpu, d_out(scale(f64::from(cpu.r[0] as i32), -n)));
        }
        FloatOp::FromUfix => {
            let n = cpu.r[1] as i32;
            set64(cpu, d_out(scale(f64::from(cpu.r[0]), -n)));
        }
        FloatOp::FromInt64 => set64(cpu, d_out(pair(cpu.r[0], cpu.r[1]) as i64 as f64)),
        FloatOp::FromUint64 => set64(cpu, d_out(pair(cpu.r[0], cpu.r[1]) as f64)),
        FloatOp::FromFix64 => {
            let x = pair(cpu.r[0], cpu.r[1]) as i64 as f64;
            set64(cpu, d_out(scale(x, -n)));
        }
        FloatOp::FromUfix64 => {
            let x = pair(cpu.r[0], cpu.r[1]) as f64;
            set64(cpu, d_out(scale(x, -n)));
        }
        FloatOp::Cos => set64(cpu, d_out(a.cos())),
        FloatOp::Sin => set64(cpu, d_out(a.sin())),
        FloatOp::SinCos => {
            let (s, c) = (d_out(a.sin()), d_out(a.cos()));
            set64(cpu, s);
            cpu.r[2] = c as u32;
            cpu.r[3] = (c >> 32) as u32;
        }
        FloatOp::Tan => set64(cpu, d_out(a.tan())),
        FloatOp::Exp => set64(cpu, d_out(a.exp())),
        FloatOp::Ln => set64(cpu, d_out(ln(a))),
        FloatOp::Atan2 => set64(cpu, d_out(a.atan2(b))),
        FloatOp::Convert => cpu.r[0] = f_out(a as f32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(op: FloatOp, double: bool, regs: [u32; 4]) -> Cpu {
        let mut cpu = Cpu::default();
        cpu.r[..4].copy_from_slice(&regs);
        call(op, double, &mut cpu);
        cpu
    }

    fn f(x: f32) -> u32 {
        x.to_bits()
    }

    #[test]
    fn float_arithmetic_is_ieee_with_denormals_flushed_and_nans_as_infinities() {
        assert_eq!(
            run(FloatOp::Add, false, [f(1.5), f(2.25), 0, 0]).r[0],
            f(3.75)
        );
        assert_eq!(
            run(FloatOp::Div, false, [f(1.0), f(3.0), 0, 0]).r[0],
            f(1.0 / 3.0)
        );
        // A denormal argument is zero; a denormal result is zero.
        assert_eq!(run(FloatOp::Add, false, [1, f(0.0), 0, 0]).r[0], 0);
        let tiny = f32::MIN_POSITIVE;
        assert_eq!(run(FloatOp::Mul, false, [f(tiny), f(0.5), 0, 0]).r[0], 0);
        // NaN in: an infinity; inf - inf out: +infinity.
        assert_eq!(
            run(FloatOp::Add, false, [0x7FC0_0000, f(1.0), 0, 0]).r[0],
            0x7F80_0000
        );
        let inf = f(f32::INFINITY);
        assert_eq!(run(FloatOp::Sub, false, [inf, inf, 0, 0]).r[0], 0x7F80_0000);
        assert_eq!(
            run(FloatOp::Sqrt, false, [f(-4.0), 0, 0, 0]).r[0],
            0xFF80_0000
        );
    }

    #[test]
    fn conversions_to_integers_round_down_and_clamp() {
        assert_eq!(
            run(FloatOp::ToInt, false, [f(-1.5), 0, 0, 0]).r[0] as i32,
            -2
        );
        assert_eq!(run(FloatOp::ToInt, false, [f(1.5), 0, 0, 0]).r[0], 1);
        assert_eq!(
            run(FloatOp::ToInt, false, [f(3e9), 0, 0, 0]).r[0],
            0x7FFF_FFFF
        );
        assert_eq!(run(FloatOp::ToUint, false, [f(-3.0), 0, 0, 0]).r[0], 0);
        assert_eq!(run(FloatOp::ToFix, false, [f(0.5), 16, 0, 0]).r[0], 0x8000);
        let c = run(FloatOp::ToInt64, false, [f(-2.5), 0, 0, 0]);
        assert_eq!(pair(c.r[0], c.r[1]) as i64, -3);
        // double2ufix64(0.5, 16) == 0x8000 (the datasheet's example).
        let h = d_out(0.5);
        let c = run(FloatOp::ToUfix64, true, [h as u32, (h >> 32) as u32, 16, 0]);
        assert_eq!(pair(c.r[0], c.r[1]), 0x8000);
    }

    #[test]
    fn conversions_to_floating_point_round_to_nearest() {
        assert_eq!(
            run(FloatOp::FromFix, false, [0x18000, 16, 0, 0]).r[0],
            f(1.5)
        );
        // 2^24 + 1 is not a float: ties to even.
        assert_eq!(
            run(FloatOp::FromInt64, false, [(1 << 24) + 1, 0, 0, 0]).r[0],
            f(16_777_216.0)
        );
        let c = run(FloatOp::FromInt, true, [(-7i32) as u32, 0, 0, 0]);
        assert_eq!(f64::from_bits(pair(c.r[0], c.r[1])), -7.0);
        let c = run(FloatOp::Convert, false, [f(0.1), 0, 0, 0]);
        assert_eq!(f64::from_bits(pair(c.r[0], c.r[1])), f64::from(0.1f32));
    }

    #[test]
    fn sin_returns_the_cosine_too_and_double_sincos_both() {
        let c = run(FloatOp::Sin, false, [f(0.5), 0, 0, 0]);
        assert_eq!(c.r[0], f(0.5f64.sin() as f32));
        assert_eq!(c.r[1], f(0.5f64.cos() as f32));
        let h = 0.5f64.to_bits();
        let c = run(FloatOp::SinCos, true, [h as u32, (h >> 32) as u32, 0, 0]);
        assert_eq!(f64::from_bits(pair(c.r[0], c.r[1])), 0.5f64.sin());
        assert_eq!(f64::from_bits(pair(c.r[2], c.r[3])), 0.5f64.cos());
    }

    #[test]
    fn names_follow_the_tables() {
        assert_eq!(FloatOp::Add.float_name(), "fadd");
        assert_eq!(FloatOp::ToInt.double_name(), "double2int");
        assert_eq!(FloatOp::FromFix64.float_name(), "fix642float");
        assert_eq!(FloatOp::Convert.double_name(), "double2float");
        assert_eq!(
            OPS.iter().position(|o| *o == FloatOp::Convert),
            Some(0x7c / 4)
        );
        assert_eq!(
            OPS.iter().position(|o| *o == FloatOp::SinCos),
            Some(0x48 / 4)
        );
    }
}

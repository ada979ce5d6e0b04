//! Reference int8 kernels in Rust, written from the TFLite int8 quantization
//! spec, for checking the firmware kernels (`firmware/nn`) bit for bit.
//!
//! Parameter structs mirror the C structs of `firmware/nn/nn.h` field by
//! field (all `i32`), so a test can fill both from one value.

/// Saturating rounding doubling high multiply: `round(a * b / 2^31)`, with
/// `i32::MIN * i32::MIN` saturated to `i32::MAX`.
pub fn srdhm(a: i32, b: i32) -> i32 {
    if a == i32::MIN && b == i32::MIN {
        return i32::MAX;
    }
    let ab = a as i64 * b as i64;
    let nudge: i64 = if ab >= 0 { 1 << 30 } else { 1 - (1 << 30) };
    // Truncating division, as in the reference.
    ((ab + nudge) / (1i64 << 31)) as i32
}

/// Rounding arithmetic right shift by `exponent`, ties away from zero.
pub fn rdbpot(x: i32, exponent: i32) -> i32 {
    if exponent <= 0 {
        return x;
    }
    let mask = ((1u32 << exponent) - 1) as i32;
    let remainder = x & mask;
    let threshold = (mask >> 1) + i32::from(x < 0);
    (x >> exponent) + i32::from(remainder > threshold)
}

/// TFLite's `MultiplyByQuantizedMultiplier`.
pub fn requantize(acc: i32, mult: i32, shift: i32) -> i32 {
    let left = shift.max(0);
    let right = (-shift).max(0);
    rdbpot(srdhm(((acc as u32) << left) as i32, mult), right)
}

/// Mirror of `nn_conv_params` (without the data pointers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)] // field names are those of nn.h
pub struct ConvParams {
    pub batches: i32,
    pub in_h: i32,
    pub in_w: i32,
    pub in_c: i32,
    pub out_h: i32,
    pub out_w: i32,
    pub out_c: i32,
    pub k_h: i32,
    pub k_w: i32,
    pub stride_h: i32,
    pub stride_w: i32,
    pub dil_h: i32,
    pub dil_w: i32,
    pub pad_h: i32,
    pub pad_w: i32,
    pub depth_mult: i32,
    pub in_offset: i32,
    pub out_offset: i32,
    pub act_min: i32,
    pub act_max: i32,
}

impl ConvParams {
    /// The fields in nn.h order.
    pub fn words(&self) -> Vec<i32> {
        vec![
            self.batches,
            self.in_h,
            self.in_w,
            self.in_c,
            self.out_h,
            self.out_w,
            self.out_c,
            self.k_h,
            self.k_w,
            self.stride_h,
            self.stride_w,
            self.dil_h,
            self.dil_w,
            self.pad_h,
            self.pad_w,
            self.depth_mult,
            self.in_offset,
            self.out_offset,
            self.act_min,
            self.act_max,
        ]
    }
}

/// Per-channel data of a convolution.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelQuant {
    /// Bias per output channel (empty = no bias).
    pub bias: Vec<i32>,
    /// Q31 significand per output channel.
    pub mult: Vec<i32>,
    /// Exponent per output channel.
    pub shift: Vec<i32>,
}

fn finish(acc: i32, q: &ChannelQuant, c: usize, out_offset: i32, lo: i32, hi: i32) -> i8 {
    let acc = acc + q.bias.get(c).copied().unwrap_or(0);
    (requantize(acc, q.mult[c], q.shift[c]) + out_offset).clamp(lo, hi) as i8
}

/// CONV_2D: input NHWC, filter `[out_c][k_h][k_w][in_c]`.
pub fn conv2d(p: &ConvParams, q: &ChannelQuant, input: &[i8], filter: &[i8]) -> Vec<i8> {
    let mut out = Vec::new();
    for b in 0..p.batches {
        for oy in 0..p.out_h {
            for ox in 0..p.out_w {
                for oc in 0..p.out_c {
                    let mut acc = 0i32;
                    for ky in 0..p.k_h {
                        let iy = oy * p.stride_h - p.pad_h + ky * p.dil_h;
                        for kx in 0..p.k_w {
                            let ix = ox * p.stride_w - p.pad_w + kx * p.dil_w;
                            if iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w {
                                continue;
                            }
                            for ic in 0..p.in_c {
                                let iv = input
                                    [(((b * p.in_h + iy) * p.in_w + ix) * p.in_c + ic) as usize]
                                    as i32;
                                let fv = filter
                                    [(((oc * p.k_h + ky) * p.k_w + kx) * p.in_c + ic) as usize]
                                    as i32;
                                acc = acc.wrapping_add((iv + p.in_offset) * fv);
                            }
                        }
                    }
                    out.push(finish(
                        acc,
                        q,
                        oc as usize,
                        p.out_offset,
                        p.act_min,
                        p.act_max,
                    ));
                }
            }
        }
    }
    out
}

/// DEPTHWISE_CONV_2D: filter `[k_h][k_w][out_c]`, `out_c = in_c * depth_mult`.
pub fn depthwise_conv2d(p: &ConvParams, q: &ChannelQuant, input: &[i8], filter: &[i8]) -> Vec<i8> {
    let mut out = Vec::new();
    for b in 0..p.batches {
        for oy in 0..p.out_h {
            for ox in 0..p.out_w {
                for ic in 0..p.in_c {
                    for m in 0..p.depth_mult {
                        let oc = ic * p.depth_mult + m;
                        let mut acc = 0i32;
                        for ky in 0..p.k_h {
                            let iy = oy * p.stride_h - p.pad_h + ky * p.dil_h;
                            for kx in 0..p.k_w {
                                let ix = ox * p.stride_w - p.pad_w + kx * p.dil_w;
                                if iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w {
                                    continue;
                                }
                                let iv = input
                                    [(((b * p.in_h + iy) * p.in_w + ix) * p.in_c + ic) as usize]
                                    as i32;
                                let fv = filter[((ky * p.k_w + kx) * p.out_c + oc) as usize] as i32;
                                acc = acc.wrapping_add((iv + p.in_offset) * fv);
                            }
                        }
                        out.push(finish(
                            acc,
                            q,
                            oc as usize,
                            p.out_offset,
                            p.act_min,
                            p.act_max,
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Mirror of `nn_fc_params` (without the data pointers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)] // field names are those of nn.h
pub struct FcParams {
    pub batches: i32,
    pub in_n: i32,
    pub out_n: i32,
    pub in_offset: i32,
    pub filter_offset: i32,
    pub out_offset: i32,
    pub mult: i32,
    pub shift: i32,
    pub act_min: i32,
    pub act_max: i32,
}

impl FcParams {
    /// The fields in nn.h order.
    pub fn words(&self) -> Vec<i32> {
        vec![
            self.batches,
            self.in_n,
            self.out_n,
            self.in_offset,
            self.filter_offset,
            self.out_offset,
            self.mult,
            self.shift,
            self.act_min,
            self.act_max,
        ]
    }
}

/// FULLY_CONNECTED: weights `[out_n][in_n]`; `bias` empty = none.
pub fn fully_connected(p: &FcParams, bias: &[i32], input: &[i8], filter: &[i8]) -> Vec<i8> {
    let mut out = Vec::new();
    for b in 0..p.batches {
        for o in 0..p.out_n {
            let mut acc = 0i32;
            for i in 0..p.in_n {
                let x = input[(b * p.in_n + i) as usize] as i32 + p.in_offset;
                let w = filter[(o * p.in_n + i) as usize] as i32 + p.filter_offset;
                acc = acc.wrapping_add(x * w);
            }
            acc += bias.get(o as usize).copied().unwrap_or(0);
            out.push(
                (requantize(acc, p.mult, p.shift) + p.out_offset).clamp(p.act_min, p.act_max) as i8,
            );
        }
    }
    out
}

/// Mirror of `nn_pool_params`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)] // field names are those of nn.h
pub struct PoolParams {
    pub batches: i32,
    pub in_h: i32,
    pub in_w: i32,
    pub c: i32,
    pub out_h: i32,
    pub out_w: i32,
    pub k_h: i32,
    pub k_w: i32,
    pub stride_h: i32,
    pub stride_w: i32,
    pub pad_h: i32,
    pub pad_w: i32,
    pub act_min: i32,
    pub act_max: i32,
}

impl PoolParams {
    /// The fields in nn.h order.
    pub fn words(&self) -> Vec<i32> {
        vec![
            self.batches,
            self.in_h,
            self.in_w,
            self.c,
            self.out_h,
            self.out_w,
            self.k_h,
            self.k_w,
            self.stride_h,
            self.stride_w,
            self.pad_h,
            self.pad_w,
            self.act_min,
            self.act_max,
        ]
    }
}

/// AVERAGE_POOL_2D (`max == false`) or MAX_POOL_2D (`max == true`).
pub fn pool(p: &PoolParams, input: &[i8], max: bool) -> Vec<i8> {
    let mut out = Vec::new();
    for b in 0..p.batches {
        for oy in 0..p.out_h {
            for ox in 0..p.out_w {
                for c in 0..p.c {
                    let mut acc: i32 = if max { -128 } else { 0 };
                    let mut count = 0;
                    for fy in 0..p.k_h {
                        let iy = oy * p.stride_h - p.pad_h + fy;
                        for fx in 0..p.k_w {
                            let ix = ox * p.stride_w - p.pad_w + fx;
                            if iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w {
                                continue;
                            }
                            let v = input[(((b * p.in_h + iy) * p.in_w + ix) * p.c + c) as usize]
                                as i32;
                            acc = if max { acc.max(v) } else { acc + v };
                            count += 1;
                        }
                    }
                    if !max {
                        acc = if count == 0 {
                            0
                        } else if acc > 0 {
                            (acc + count / 2) / count
                        } else {
                            (acc - count / 2) / count
                        };
                    }
                    out.push(acc.clamp(p.act_min, p.act_max) as i8);
                }
            }
        }
    }
    out
}

/// Mirror of `nn_add_params`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)] // field names are those of nn.h
pub struct AddParams {
    pub n: i32,
    pub in1_offset: i32,
    pub in2_offset: i32,
    pub left_shift: i32,
    pub in1_mult: i32,
    pub in1_shift: i32,
    pub in2_mult: i32,
    pub in2_shift: i32,
    pub out_mult: i32,
    pub out_shift: i32,
    pub out_offset: i32,
    pub act_min: i32,
    pub act_max: i32,
}

impl AddParams {
    /// The fields in nn.h order.
    pub fn words(&self) -> Vec<i32> {
        vec![
            self.n,
            self.in1_offset,
            self.in2_offset,
            self.left_shift,
            self.in1_mult,
            self.in1_shift,
            self.in2_mult,
            self.in2_shift,
            self.out_mult,
            self.out_shift,
            self.out_offset,
            self.act_min,
            self.act_max,
        ]
    }
}

/// ADD of two same-shape int8 tensors (TFLite's general rescaling path).
pub fn add(p: &AddParams, a: &[i8], b: &[i8]) -> Vec<i8> {
    (0..p.n as usize)
        .map(|i| {
            let x = (((a[i] as i32 + p.in1_offset) as u32) << p.left_shift) as i32;
            let y = (((b[i] as i32 + p.in2_offset) as u32) << p.left_shift) as i32;
            let sx = requantize(x, p.in1_mult, p.in1_shift);
            let sy = requantize(y, p.in2_mult, p.in2_shift);
            (requantize(sx.wrapping_add(sy), p.out_mult, p.out_shift) + p.out_offset)
                .clamp(p.act_min, p.act_max) as i8
        })
        .collect()
}

/// Mirror of `nn_softmax_params`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)] // field names are those of nn.h
pub struct SoftmaxParams {
    pub outer: i32,
    pub depth: i32,
    pub mult: i32,
    pub left_shift: i32,
    pub diff_min: i32,
}

impl SoftmaxParams {
    /// The fields in nn.h order.
    pub fn words(&self) -> Vec<i32> {
        vec![
            self.outer,
            self.depth,
            self.mult,
            self.left_shift,
            self.diff_min,
        ]
    }
}

fn mul_pot(x: i32, exponent: i32) -> i32 {
    if exponent < 0 {
        return rdbpot(x, -exponent);
    }
    let threshold = ((1u32 << (31 - exponent)) - 1) as i32;
    if x > threshold {
        i32::MAX
    } else if x < -threshold {
        i32::MIN
    } else {
        ((x as u32) << exponent) as i32
    }
}

/// exp(a) for a in [-1/4, 0) in Q0.31 (Taylor series around -1/8).
fn exp_quarter(a: i32) -> i32 {
    let c: i32 = 1_895_147_668; // exp(-1/8) in Q0.31
    let third = 715_827_883; // 1/3
    let x = a.wrapping_add(1 << 28);
    let x2 = srdhm(x, x);
    let x3 = srdhm(x2, x);
    let x4 = srdhm(x2, x2);
    let poly = mul_pot(
        srdhm(mul_pot(x4, -2).wrapping_add(x3), third).wrapping_add(x2),
        -1,
    );
    c.wrapping_add(srdhm(c, x.wrapping_add(poly)))
}

/// exp(a) for a <= 0 in Q5.26, result Q0.31.
fn exp_neg(a: i32) -> i32 {
    let quarter = 1 << 24;
    let a_mod = (a & (quarter - 1)) - quarter;
    let mut r = exp_quarter(mul_pot(a_mod, 5));
    let rem = a_mod.wrapping_sub(a);
    // exp(-2^k), k = -2..4, in Q0.31.
    let mults = [
        1_672_461_947,
        1_302_514_674,
        790_015_084,
        290_630_308,
        39_332_535,
        720_401,
        242,
    ];
    for (k, &m) in mults.iter().enumerate() {
        if rem & (1 << (24 + k)) != 0 {
            r = srdhm(r, m);
        }
    }
    if a == 0 {
        i32::MAX
    } else {
        r
    }
}

/// 1 / (1 + x) for x in [0, 1), Q0.31 in and out (Newton-Raphson).
fn one_over_one_plus_x(a: i32) -> i32 {
    let sum = a as i64 + i32::MAX as i64;
    let half = ((sum + if sum >= 0 { 1 } else { -1 }) / 2) as i32;
    let mut x = 1_515_870_810i32.wrapping_add(srdhm(half, -1_010_580_540));
    for _ in 0..3 {
        let one_minus = (1i32 << 29).wrapping_sub(srdhm(half, x));
        x = x.wrapping_add(mul_pot(srdhm(x, one_minus), 2));
    }
    mul_pot(x, 1)
}

/// SOFTMAX int8 -> int8 (output scale 1/256, zero point -128).
pub fn softmax(p: &SoftmaxParams, input: &[i8]) -> Vec<i8> {
    let d = p.depth as usize;
    let mut out = Vec::new();
    for row in input.chunks(d).take(p.outer as usize) {
        let max = row.iter().map(|&v| v as i32).max().unwrap_or(-128);
        let scaled = |v: i8| srdhm((((v as i32 - max) as u32) << p.left_shift) as i32, p.mult);
        let mut sum = 0i32;
        for &v in row {
            if v as i32 - max >= p.diff_min {
                sum = sum.wrapping_add(rdbpot(exp_neg(scaled(v)), 12));
            }
        }
        let headroom = (sum as u32).leading_zeros() as i32;
        let bits_over_unit = 12 - headroom;
        let shifted = ((sum as u32) << headroom).wrapping_sub(1 << 31) as i32;
        let scale = one_over_one_plus_x(shifted);
        for &v in row {
            if v as i32 - max >= p.diff_min {
                let e = exp_neg(scaled(v));
                let r = rdbpot(srdhm(scale, e), bits_over_unit + 31 - 8) - 128;
                out.push(r.clamp(-128, 127) as i8);
            } else {
                out.push(-128);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_basics() {
        assert_eq!(srdhm(i32::MIN, i32::MIN), i32::MAX);
        assert_eq!(srdhm(1 << 30, 1 << 30), 1 << 29);
        assert_eq!(rdbpot(5, 1), 3); // 2.5 -> 3
        assert_eq!(rdbpot(-5, 1), -3); // -2.5 -> -3
        assert_eq!(rdbpot(-4, 1), -2);
        assert_eq!(requantize(100, 1 << 30, 0), 50);
        assert_eq!(requantize(100, 1 << 30, 1), 100);
    }

    proptest::proptest! {
        /// The firmware computes srdhm as one arithmetic shift,
        /// `(a*b + 2^30) >> 31`; it must equal the reference's truncating
        /// division with a sign-dependent nudge (used here) for every input.
        #[test]
        fn srdhm_equals_the_single_shift_form(a in proptest::num::i32::ANY, b in proptest::num::i32::ANY) {
            let shifted = ((a as i64 * b as i64 + (1 << 30)) >> 31) as i32;
            if !(a == i32::MIN && b == i32::MIN) {
                proptest::prop_assert_eq!(srdhm(a, b), shifted);
            }
        }
    }

    #[test]
    fn srdhm_edges() {
        for &(a, b) in &[
            (i32::MIN, i32::MAX),
            (i32::MAX, i32::MAX),
            (-1, 1 << 30),
            (1, 1 << 30),
            (-3, 1 << 30),
        ] {
            assert_eq!(
                srdhm(a, b),
                ((a as i64 * b as i64 + (1 << 30)) >> 31) as i32,
                "{a} {b}"
            );
        }
    }

    #[test]
    fn softmax_of_equal_inputs_is_uniform() {
        let (m, s, d) = crate::quant::softmax_params(1.0, 0.1);
        let p = SoftmaxParams {
            outer: 1,
            depth: 4,
            mult: m,
            left_shift: s,
            diff_min: d,
        };
        // 1/4 with scale 1/256 and zero point -128 -> 64 - 128 = -64.
        assert_eq!(softmax(&p, &[7, 7, 7, 7]), vec![-64; 4]);
        // One dominant input takes (almost) everything.
        let out = softmax(&p, &[127, -128, -128, -128]);
        assert_eq!(out[0], 127);
        assert_eq!(&out[1..], &[-128, -128, -128]);
    }

    #[test]
    fn exp_is_close_to_real_exp() {
        for k in 0..200 {
            let x = -(k as f64) / 10.0; // 0 .. -20
            let raw = (x * (1i64 << 26) as f64) as i32;
            let got = exp_neg(raw) as f64 / 2f64.powi(31);
            assert!((got - x.exp()).abs() < 1e-6, "{x}: {got}");
        }
    }
}

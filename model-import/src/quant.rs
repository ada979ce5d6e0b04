//! Offline quantization arithmetic, computed exactly as TensorFlow Lite does
//! it at prepare time (in double precision, round half away from zero).

/// `frexp`: `x = q * 2^e` with `0.5 <= |q| < 1` (q = 0, e = 0 for zero).
pub fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (q, e) = frexp(x * 2f64.powi(64));
        return (q, e - 64);
    }
    let q = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (q, exp - 1022)
}

/// TFLite's `QuantizeMultiplier`: a real multiplier as a Q31 significand and
/// a power-of-two exponent (positive = left shift).
pub fn quantize_multiplier(m: f64) -> (i32, i32) {
    if m == 0.0 {
        return (0, 0);
    }
    let (q, mut shift) = frexp(m);
    let mut q_fixed = (q * (1i64 << 31) as f64).round() as i64;
    if q_fixed == 1i64 << 31 {
        q_fixed /= 2;
        shift += 1;
    }
    if shift < -31 {
        shift = 0;
        q_fixed = 0;
    }
    (q_fixed as i32, shift)
}

/// `Quantize(f)` used for activation ranges: `zp + round(f / scale)` in float.
pub fn quantize_f32(f: f32, scale: f32, zero_point: i32) -> i32 {
    zero_point.saturating_add((f / scale).round() as i32)
}

/// Softmax input scaling (TFLite's `PreprocessSoftmaxScaling` with 5 integer
/// bits for the Q5.26 exp input) and `diff_min` (`-CalculateInputRadius`).
pub fn softmax_params(beta: f32, input_scale: f32) -> (i32, i32, i32) {
    const INTEGER_BITS: i32 = 5;
    let max_real = ((1i64 << 31) - 1) as f64;
    let real =
        (beta as f64 * input_scale as f64 * (1i64 << (31 - INTEGER_BITS)) as f64).min(max_real);
    let (mult, shift) = quantize_multiplier(real);
    // 2^shift as a float: the same as TFLite's `1 << shift` for a real model's shift (0..=31),
    // and no overflow for what a malformed file gives (a scale so small that the shift is
    // negative, or huge; found by the tflite fuzz target, session 7).
    let max_input_rescaled = ((1i64 << INTEGER_BITS) - 1) as f64
        * (1i64 << (31 - INTEGER_BITS)) as f64
        / 2f64.powi(shift);
    let diff_min = -(max_input_rescaled.floor() as i32);
    (mult, shift, diff_min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_matches_definition() {
        for &x in &[1.0, 0.5, 0.75, 3.0, 1e-10, 123456.789, 5e-320] {
            let (q, e) = frexp(x);
            assert!((0.5..1.0).contains(&q), "{x}: {q}");
            assert_eq!(q * 2f64.powi(e + 64) * 2f64.powi(-64), x);
        }
    }

    #[test]
    fn softmax_params_take_any_scale_without_overflow() {
        // A real model's: beta 1, input scale 1/16 (shift 0..=31, as TFLite's).
        let (m, shift, diff_min) = softmax_params(1.0, 0.0625);
        assert!((0..=31).contains(&shift) && m > 0 && diff_min < 0);
        // A malformed file's: a scale so small the shift is negative, one huge, none at all.
        for (beta, scale) in [
            (1.0, 1e-9),
            (1.0, 1e-30),
            (1.0, 1e30),
            (0.0, 0.0),
            (-1.0, f32::NAN),
        ] {
            let _ = softmax_params(beta, scale);
        }
    }

    #[test]
    fn activation_bounds_saturate() {
        assert_eq!(quantize_f32(6.0, 0.5, -128), -116);
        // A bound far outside the int32 range at a tiny scale: saturated, not wrapped.
        assert_eq!(quantize_f32(1e30, 1e-30, 127), i32::MAX);
        assert_eq!(quantize_f32(-1e30, 1e-30, -128), i32::MIN);
    }

    #[test]
    fn quantize_multiplier_known_values() {
        assert_eq!(quantize_multiplier(0.5), (1 << 30, 0));
        assert_eq!(quantize_multiplier(1.0), (1 << 30, 1));
        assert_eq!(quantize_multiplier(0.25), (1 << 30, -1));
        // Rounds up to 2^31 and renormalises.
        assert_eq!(quantize_multiplier(0.999_999_999_9), (1 << 30, 1));
        assert_eq!(quantize_multiplier(1e-12), (0, 0));
        // 1/255 = 0.50196.. * 2^-7; significand round(0.50196.. * 2^31).
        let (m, s) = quantize_multiplier(1.0 / 255.0);
        assert_eq!(s, -7);
        assert_eq!(m, ((128.0 / 255.0) * 2f64.powi(31)).round() as i32);
    }
}

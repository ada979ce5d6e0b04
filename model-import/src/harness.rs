//! The kernel test harness protocol (`firmware/nn/test/kernel_harness.c`):
//! random kernel cases with reference outputs, packed into the harness ELF's
//! data symbol [`BLOB_SYMBOL`], and the parser for what the harness prints.
//!
//! A runner (QEMU in `tests/toolchain_kernels.rs`; the simulator with
//! `--load nn_test_blob=FILE`) writes [`pack`]ed cases into the symbol, runs
//! the ELF, and compares [`parse_output`] with each [`Case::want`].

use crate::quant::{quantize_multiplier, softmax_params};
use crate::reference::{
    self as r, AddParams, ChannelQuant, ConvParams, FcParams, PoolParams, SoftmaxParams,
};

/// The harness's input symbol.
pub const BLOB_SYMBOL: &str = "nn_test_blob";
/// Size of [`BLOB_SYMBOL`] in bytes.
pub const BLOB_BYTES: usize = 192 * 1024;

/// xorshift64* generator (deterministic from the seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i32
    }
    fn bytes(&mut self, n: usize, lo: i32, hi: i32) -> Vec<i8> {
        (0..n).map(|_| self.range(lo, hi) as i8).collect()
    }
    fn chance(&mut self, percent: i32) -> bool {
        self.range(0, 99) < percent
    }
}

/// One harness case: its blob bytes and the reference output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// TFLite operator name of the kernel under test.
    pub name: &'static str,
    /// The case encoded for `nn_test_blob`.
    pub blob: Vec<u8>,
    /// Expected output bytes (from [`crate::reference`]).
    pub want: Vec<i8>,
}

fn words(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|w| w.to_le_bytes()).collect()
}

fn padded(b: &[i8]) -> Vec<u8> {
    let mut v: Vec<u8> = b.iter().map(|&x| x as u8).collect();
    while v.len() % 4 != 0 {
        v.push(0);
    }
    v
}

#[allow(clippy::too_many_arguments)] // the blob layout has this many parts
fn case(
    name: &'static str,
    kernel: i32,
    params: &[i32],
    q: &ChannelQuant,
    input: &[i8],
    input2: &[i8],
    filter: &[i8],
    want: Vec<i8>,
) -> Case {
    let chans = q.mult.len();
    let mut blob = words(&[
        kernel,
        params.len() as i32,
        input.len() as i32,
        input2.len() as i32,
        filter.len() as i32,
        chans as i32,
        want.len() as i32,
        i32::from(!q.bias.is_empty()),
    ]);
    blob.extend(words(params));
    let bias = if q.bias.is_empty() {
        vec![0; chans]
    } else {
        q.bias.clone()
    };
    blob.extend(words(&bias));
    blob.extend(words(&q.mult));
    blob.extend(words(&q.shift));
    blob.extend(padded(input));
    blob.extend(padded(input2));
    blob.extend(padded(filter));
    Case { name, blob, want }
}

/// Output size and padding for SAME (true) or VALID, as TFLite computes them.
fn out_and_pad(same: bool, input: i32, k: i32, stride: i32, dil: i32) -> (i32, i32) {
    let eff = (k - 1) * dil + 1;
    let out = if same {
        (input + stride - 1) / stride
    } else {
        (input - eff + stride) / stride
    };
    let pad = (((out - 1) * stride + eff - input) / 2).max(0);
    (out, pad)
}

fn act_range(rng: &mut Rng) -> (i32, i32) {
    if rng.chance(40) {
        (-128, 127)
    } else {
        let lo = rng.range(-128, 0);
        (lo, rng.range(lo, 127))
    }
}

/// Per-channel requantization from realistic scales.
fn channel_quant(rng: &mut Rng, chans: usize, with_bias: bool) -> ChannelQuant {
    let mut q = ChannelQuant::default();
    for _ in 0..chans {
        let real = 10f64.powf(rng.range(-4000, 0) as f64 / 1000.0); // 1e-4 .. 1
        let (m, s) = quantize_multiplier(real);
        q.mult.push(m);
        q.shift.push(s);
        if with_bias {
            q.bias.push(rng.range(-20000, 20000));
        }
    }
    q
}

fn conv_case(rng: &mut Rng, depthwise: bool) -> Option<Case> {
    let mut p = ConvParams {
        batches: rng.range(1, 2),
        in_h: rng.range(1, 12),
        in_w: rng.range(1, 12),
        k_h: rng.range(1, 5),
        k_w: rng.range(1, 5),
        stride_h: rng.range(1, 3),
        stride_w: rng.range(1, 3),
        dil_h: if rng.chance(25) { rng.range(2, 3) } else { 1 },
        dil_w: if rng.chance(25) { rng.range(2, 3) } else { 1 },
        in_offset: -rng.range(-128, 127),
        out_offset: rng.range(-128, 127),
        ..ConvParams::default()
    };
    if depthwise {
        p.in_c = rng.range(1, 20);
        p.depth_mult = if rng.chance(70) { 1 } else { rng.range(2, 3) };
        p.out_c = p.in_c * p.depth_mult;
    } else {
        p.in_c = if rng.chance(30) {
            8 * rng.range(1, 6)
        } else {
            rng.range(1, 13)
        };
        p.out_c = rng.range(1, 8);
        p.depth_mult = 1;
    }
    let same = rng.chance(50);
    let (oh, ph) = out_and_pad(same, p.in_h, p.k_h, p.stride_h, p.dil_h);
    let (ow, pw) = out_and_pad(same, p.in_w, p.k_w, p.stride_w, p.dil_w);
    if oh <= 0 || ow <= 0 {
        return None;
    }
    (p.out_h, p.out_w, p.pad_h, p.pad_w) = (oh, ow, ph, pw);
    (p.act_min, p.act_max) = act_range(rng);
    let input = rng.bytes((p.batches * p.in_h * p.in_w * p.in_c) as usize, -128, 127);
    let fsize = if depthwise {
        p.k_h * p.k_w * p.out_c
    } else {
        p.out_c * p.k_h * p.k_w * p.in_c
    };
    let filter = rng.bytes(fsize as usize, -127, 127);
    let with_bias = rng.chance(80);
    let q = channel_quant(rng, p.out_c as usize, with_bias);
    Some(if depthwise {
        let want = r::depthwise_conv2d(&p, &q, &input, &filter);
        case(
            "DEPTHWISE_CONV_2D",
            2,
            &p.words(),
            &q,
            &input,
            &[],
            &filter,
            want,
        )
    } else {
        let want = r::conv2d(&p, &q, &input, &filter);
        case("CONV_2D", 1, &p.words(), &q, &input, &[], &filter, want)
    })
}

fn fc_case(rng: &mut Rng) -> Case {
    let real = 10f64.powf(rng.range(-4000, 0) as f64 / 1000.0);
    let (mult, shift) = quantize_multiplier(real);
    let (act_min, act_max) = act_range(rng);
    let p = FcParams {
        batches: rng.range(1, 3),
        in_n: rng.range(1, 100),
        out_n: rng.range(1, 20),
        in_offset: -rng.range(-128, 127),
        filter_offset: if rng.chance(10) {
            rng.range(-10, 10)
        } else {
            0
        },
        out_offset: rng.range(-128, 127),
        mult,
        shift,
        act_min,
        act_max,
    };
    let input = rng.bytes((p.batches * p.in_n) as usize, -128, 127);
    let filter = rng.bytes((p.out_n * p.in_n) as usize, -127, 127);
    let mut q = ChannelQuant::default();
    if rng.chance(80) {
        q.bias = (0..p.out_n).map(|_| rng.range(-20000, 20000)).collect();
    }
    // The harness reads bias from the per-channel arrays: one per output.
    let chans = p.out_n as usize;
    q.mult = vec![0; chans];
    q.shift = vec![0; chans];
    let want = r::fully_connected(&p, &q.bias, &input, &filter);
    case(
        "FULLY_CONNECTED",
        3,
        &p.words(),
        &q,
        &input,
        &[],
        &filter,
        want,
    )
}

fn pool_case(rng: &mut Rng, max: bool) -> Option<Case> {
    let mut p = PoolParams {
        batches: rng.range(1, 2),
        in_h: rng.range(1, 12),
        in_w: rng.range(1, 12),
        c: rng.range(1, 10),
        k_h: rng.range(1, 4),
        k_w: rng.range(1, 4),
        stride_h: rng.range(1, 3),
        stride_w: rng.range(1, 3),
        ..PoolParams::default()
    };
    let same = rng.chance(50);
    let (oh, ph) = out_and_pad(same, p.in_h, p.k_h, p.stride_h, 1);
    let (ow, pw) = out_and_pad(same, p.in_w, p.k_w, p.stride_w, 1);
    if oh <= 0 || ow <= 0 {
        return None;
    }
    (p.out_h, p.out_w, p.pad_h, p.pad_w) = (oh, ow, ph, pw);
    (p.act_min, p.act_max) = act_range(rng);
    let input = rng.bytes((p.batches * p.in_h * p.in_w * p.c) as usize, -128, 127);
    let want = r::pool(&p, &input, max);
    let (name, k) = if max {
        ("MAX_POOL_2D", 5)
    } else {
        ("AVERAGE_POOL_2D", 4)
    };
    Some(case(
        name,
        k,
        &p.words(),
        &ChannelQuant::default(),
        &input,
        &[],
        &[],
        want,
    ))
}

fn add_case(rng: &mut Rng) -> Case {
    // Derived from random real scales exactly as model-import does.
    let s1 = 10f32.powf(rng.range(-3000, 0) as f32 / 1000.0);
    let s2 = 10f32.powf(rng.range(-3000, 0) as f32 / 1000.0);
    let so = 10f32.powf(rng.range(-3000, 0) as f32 / 1000.0);
    let twice_max = 2.0 * s1.max(s2) as f64;
    let (m1, sh1) = quantize_multiplier(s1 as f64 / twice_max);
    let (m2, sh2) = quantize_multiplier(s2 as f64 / twice_max);
    let (mo, sho) = quantize_multiplier(twice_max / ((1i64 << 20) as f64 * so as f64));
    let (act_min, act_max) = act_range(rng);
    let p = AddParams {
        n: rng.range(1, 300),
        in1_offset: -rng.range(-128, 127),
        in2_offset: -rng.range(-128, 127),
        left_shift: 20,
        in1_mult: m1,
        in1_shift: sh1,
        in2_mult: m2,
        in2_shift: sh2,
        out_mult: mo,
        out_shift: sho,
        out_offset: rng.range(-128, 127),
        act_min,
        act_max,
    };
    let a = rng.bytes(p.n as usize, -128, 127);
    let b = rng.bytes(p.n as usize, -128, 127);
    let want = r::add(&p, &a, &b);
    case(
        "ADD",
        6,
        &p.words(),
        &ChannelQuant::default(),
        &a,
        &b,
        &[],
        want,
    )
}

fn softmax_case(rng: &mut Rng) -> Case {
    let scale = 10f32.powf(rng.range(-2500, 0) as f32 / 1000.0);
    let beta = if rng.chance(70) {
        1.0
    } else {
        rng.range(1, 40) as f32 / 10.0
    };
    let (mult, left_shift, diff_min) = softmax_params(beta, scale);
    let p = SoftmaxParams {
        outer: rng.range(1, 4),
        depth: rng.range(1, 40),
        mult,
        left_shift,
        diff_min,
    };
    let input = rng.bytes((p.outer * p.depth) as usize, -128, 127);
    let want = r::softmax(&p, &input);
    case(
        "SOFTMAX",
        7,
        &p.words(),
        &ChannelQuant::default(),
        &input,
        &[],
        &[],
        want,
    )
}

/// `per_kernel` random cases for each of the seven kernels (CONV_2D,
/// DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, ADD,
/// SOFTMAX), with their reference outputs.
pub fn random_cases(seed: u64, per_kernel: usize) -> Vec<Case> {
    let mut rng = Rng(seed | 1);
    let mut cases = Vec::new();
    type Gen = fn(&mut Rng) -> Option<Case>;
    let gens: [Gen; 7] = [
        |r| conv_case(r, false),
        |r| conv_case(r, true),
        |r| Some(fc_case(r)),
        |r| pool_case(r, false),
        |r| pool_case(r, true),
        |r| Some(add_case(r)),
        |r| Some(softmax_case(r)),
    ];
    for g in gens {
        let mut n = 0;
        while n < per_kernel {
            if let Some(c) = g(&mut rng) {
                cases.push(c);
                n += 1;
            }
        }
    }
    cases
}

/// Packs cases into one blob of `BLOB_BYTES` (zero-filled: kernel 0 ends the
/// list). Returns how many of `cases` fit; pack the rest into the next run.
pub fn pack(cases: &[Case]) -> (Vec<u8>, usize) {
    let mut blob = Vec::with_capacity(BLOB_BYTES);
    let mut n = 0;
    for c in cases {
        // Keep room for the 32-byte terminating header.
        if blob.len() + c.blob.len() + 32 > BLOB_BYTES {
            break;
        }
        blob.extend_from_slice(&c.blob);
        n += 1;
    }
    blob.resize(BLOB_BYTES, 0);
    (blob, n)
}

/// Parses the harness output: one `Vec<i8>` per `case <i>: <hex>` line
/// (continuation lines end in a backslash); None when the final
/// `cases: <n>` line is missing or disagrees with the cases found.
pub fn parse_output(text: &str) -> Option<Vec<Vec<i8>>> {
    let joined = text.replace("\\\n ", "");
    let mut outs = Vec::new();
    let mut total = None;
    for line in joined.lines() {
        if let Some(rest) = line.strip_prefix("case ") {
            let (_, hex) = rest.split_once(": ").unwrap_or((rest, ""));
            let hex = hex.trim();
            if hex.len() % 2 != 0 {
                return None;
            }
            let mut bytes = Vec::with_capacity(hex.len() / 2);
            for i in 0..hex.len() / 2 {
                bytes.push(u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()? as i8);
            }
            outs.push(bytes);
        } else if let Some(n) = line.strip_prefix("cases: ") {
            total = n.trim().parse::<usize>().ok();
        }
    }
    (total? == outs.len()).then_some(outs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_deterministic_and_fit() {
        let a = random_cases(7, 16);
        assert_eq!(a.len(), 7 * 16);
        assert_eq!(a, random_cases(7, 16));
        assert_ne!(a, random_cases(8, 16));
        let (blob, n) = pack(&a);
        assert_eq!(blob.len(), BLOB_BYTES);
        assert!(n > 0 && n <= a.len());
    }

    #[test]
    fn parses_continued_lines() {
        let text = "case 0: 0102\\\n ff\ncase 1: \ncases: 2\n";
        assert_eq!(parse_output(text), Some(vec![vec![1, 2, -1], vec![]]));
        assert_eq!(parse_output("case 0: 01\ncases: 2\n"), None);
        assert_eq!(parse_output("case 0: 0\ncases: 1\n"), None);
    }
}

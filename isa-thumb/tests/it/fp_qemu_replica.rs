//! Differential check of the FP executor against QEMU without the rest of the simulator:
//! replays the pseudo-random sequence of part 1 of firmware/tests/float_libm.c (every FP
//! instruction form on fixed registers, random operands full of IEEE corner cases, a random
//! FPSCR control word and APSR flags each time), runs each form through `fp::compute`, and
//! compares the checksums of result + FPSCR with QEMU's output for cortex-m4 (FPv4-SP,
//! mps2-an386) and cortex-m7 (FPv5-D16, mps2-an500) in firmware/expected/.

use isa_thumb::fp::{available, compute, decode32};
use sim_core::board::FpuKind;
use sim_core::Cpu;

const N: usize = 2000;
const FORMS: &str = include_str!("../data/float_forms.txt");
const M4: &str = include_str!("../../../firmware/expected/float_libm-cortex-m4.out");
const M7: &str = include_str!("../../../firmware/expected/float_libm-cortex-m7.out");

struct Rng(u32);
impl Rng {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
    fn fop(&mut self) -> u32 {
        const SPECIAL: [u32; 30] = [
            0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000, 0x7FC00000,
            0xFFC00001, 0x7F800001, 0xFF812345, 0x7FA00000, 0x00000001, 0x807FFFFF, 0x00800000,
            0x7F7FFFFF, 0xFF7FFFFF, 0x3F000000, 0x3FC00000, 0x40200000, 0xBFC00000, 0x4F000000,
            0xCF000000, 0x4F800000, 0x477FE000, 0x477FF000, 0x38800000, 0x33800000, 0x4EFFFFFF,
            0xCF000001, 0x387FC000,
        ];
        let r = self.next();
        let s = r & 0x8000_0000;
        match r & 7 {
            0 => SPECIAL[((r >> 3) % SPECIAL.len() as u32) as usize],
            1 => s | (self.next() & 0x007F_FFFF),
            2 => s | ((120 + (r >> 3) % 40) << 23) | (self.next() & 0x007F_8000),
            3 => {
                let e = (r >> 3) % 8 + if (r >> 6) & 1 == 1 { 1 } else { 247 };
                s | (e << 23) | (self.next() & 0x007F_FFFF)
            }
            _ => s | ((100 + (r >> 3) % 56) << 23) | (self.next() & 0x007F_FFFF),
        }
    }
    fn dop(&mut self) -> u64 {
        const SPECIAL: [u64; 23] = [
            0x0000000000000000,
            0x8000000000000000,
            0x3FF0000000000000,
            0x7FF0000000000000,
            0xFFF0000000000000,
            0x7FF8000000000000,
            0xFFF8000000000123,
            0x7FF0000000000001,
            0x7FF4000012345678,
            0x0000000000000001,
            0x000FFFFFFFFFFFFF,
            0x0010000000000000,
            0x7FEFFFFFFFFFFFFF,
            0x3FE0000000000000,
            0x41E0000000000000,
            0xC1E0000000000000,
            0x41EFFFFFFFE00000,
            0x47EFFFFFE0000000,
            0x47EFFFFFF0000000,
            0x380FFFFFF0000000,
            0x36A0000000000000,
            0x40F0000000000000,
            0x40EFFE0000000000,
        ];
        let r = self.next();
        let lo = u64::from(self.next());
        let s = r & 0x8000_0000;
        let hi = |x: u32| u64::from(x) << 32;
        match r & 7 {
            0 => SPECIAL[((r >> 3) % SPECIAL.len() as u32) as usize],
            1 => hi(s | (self.next() & 0x000F_FFFF)) | lo,
            2 => hi(s | ((1016 + (r >> 3) % 40) << 20) | (self.next() & 0x000F_F000)),
            3 => {
                let e = (r >> 3) % 8 + if (r >> 6) & 1 == 1 { 1 } else { 2039 };
                hi(s | (e << 20) | (self.next() & 0x000F_FFFF)) | lo
            }
            4 => {
                let e = if (r >> 3) & 1 == 1 { 1150 } else { 880 } + (r >> 4) % 24;
                hi(s | (e << 20) | (self.next() & 0x000F_FFFF)) | (lo & 0xF000_0000)
            }
            _ => hi(s | ((1000 + (r >> 3) % 56) << 20) | (self.next() & 0x000F_FFFF)) | lo,
        }
    }
}

fn fnv(mut h: u32, mut v: u32) -> u32 {
    for _ in 0..4 {
        h = (h ^ (v & 0xff)).wrapping_mul(16_777_619);
        v >>= 8;
    }
    h
}

struct Form {
    text: String,
    hw1: u16,
    hw2: u16,
    dp: bool,
    v5: bool,
}

fn forms() -> Vec<Form> {
    FORMS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('|').collect();
            let (a, b) = f[1].split_once(' ').unwrap();
            Form {
                text: f[0].to_string(),
                hw1: u16::from_str_radix(a, 16).unwrap(),
                hw2: u16::from_str_radix(b, 16).unwrap(),
                dp: f[2] == "1",
                v5: f[3] == "v5",
            }
        })
        .collect()
}

fn check(expected: &str, fpu: FpuKind) {
    let lines: Vec<&str> = expected.lines().collect();
    let mut rng = Rng(0x1D87_2B41);
    let mut k = 1;
    let mut bad = Vec::new();
    let mut count = 0;
    for f in forms() {
        if f.v5 && fpu == FpuKind::Fpv4Sp {
            continue;
        }
        let i = decode32(f.hw1, f.hw2).unwrap_or_else(|| panic!("{} not decoded", f.text));
        assert!(available(&i, fpu), "{} not on {fpu:?}", f.text);
        let mut h = 2_166_136_261u32;
        for _ in 0..N {
            let mut cpu = Cpu::default();
            if f.dp {
                let (a, b, c) = (rng.dop(), rng.dop(), rng.dop());
                cpu.set_nzcvq(rng.next() & 0xF000_0000);
                cpu.fpscr = rng.next() & 0x07C0_0000;
                cpu.set_d(1, a);
                cpu.set_d(2, b);
                cpu.set_d(0, c);
                compute(&i, &mut cpu);
                let r = cpu.d(0);
                h = fnv(fnv(fnv(h, r as u32), (r >> 32) as u32), cpu.fpscr);
            } else {
                let (a, b, c) = (rng.fop(), rng.fop(), rng.fop());
                cpu.set_nzcvq(rng.next() & 0xF000_0000);
                cpu.fpscr = rng.next() & 0x07C0_0000;
                cpu.s[1] = a;
                cpu.s[2] = b;
                cpu.s[0] = c;
                compute(&i, &mut cpu);
                h = fnv(fnv(h, cpu.s[0]), cpu.fpscr);
            }
        }
        let want = format!("{:<26} {h:08x}", f.text);
        if lines[k] != want {
            bad.push(format!("qemu `{}` thimble `{want}`", lines[k]));
        }
        k += 1;
        count += 1;
    }
    assert!(lines[k].starts_with("instructions "), "{}", lines[k]);
    assert!(count >= 50, "{count} forms");
    assert!(
        bad.is_empty(),
        "{fpu:?}: {} of {count} forms differ from QEMU:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn fpv4_sp_forms_match_qemu_on_cortex_m4() {
    check(M4, FpuKind::Fpv4Sp);
}

#[test]
fn fpv5_dp_forms_match_qemu_on_cortex_m7() {
    check(M7, FpuKind::Fpv5Dp);
}

//! Differential check of the DSP executor against QEMU without the rest of the simulator:
//! replays the pseudo-random sequence of firmware/tests/dsp_intrinsics.c, runs its
//! inline-assembly part (every DSP instruction form between an MSR of random NZCVQ/GE and
//! an MRS APSR) through `dsp::execute`, and compares every checksum line with what QEMU
//! printed (firmware/expected/dsp_intrinsics-cortex-m4.out, recorded by `make qemu-check`).

use isa_thumb::dsp::{execute, DspInstr, ExtOp, ParKind, ParOp, QOp, NO_REG};
use sim_core::Cpu;

const N: usize = 3000;
const EXPECTED: &str = include_str!("../../../firmware/expected/dsp_intrinsics-cortex-m4.out");

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
    fn operand(&mut self) -> u32 {
        const SPECIAL: [u32; 18] = [
            0x00000000, 0x00000001, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x7FFF7FFF, 0x80008000,
            0x7F7F7F7F, 0x80808080, 0x00010001, 0xFFFF0000, 0x0000FFFF, 0x7FFF8000, 0x80007FFF,
            0x01010101, 0xFEFEFEFE, 0x00FF00FF, 0xFF00FF00,
        ];
        let r = self.next();
        let n = SPECIAL.len() as u32;
        match r & 7 {
            0 => SPECIAL[((r >> 3) % n) as usize],
            1 => {
                (SPECIAL[((r >> 3) % n) as usize] & 0xFFFF_0000)
                    | (SPECIAL[((r >> 11) % n) as usize] & 0xFFFF)
            }
            _ => self.next(),
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

/// How the C test places its operands: d = op(a, b), d = op(a, b, c), long (lo, hi, a, b).
#[derive(Clone, Copy)]
enum Shape {
    Three,
    Four,
    Long,
}

fn forms() -> Vec<(String, DspInstr, Shape)> {
    let mut v = Vec::new();
    let kinds = [
        ParKind::S,
        ParKind::Q,
        ParKind::Sh,
        ParKind::U,
        ParKind::Uq,
        ParKind::Uh,
    ];
    let ops = [
        ParOp::Add16,
        ParOp::Asx,
        ParOp::Sax,
        ParOp::Sub16,
        ParOp::Add8,
        ParOp::Sub8,
    ];
    // Registers: d = r0, a = r1, b = r2, c = r3; long: lo = r4, hi = r5.
    let (d, a, b, c) = (0u8, 1u8, 2u8, 3u8);
    for kind in kinds {
        for op in ops {
            let i = DspInstr::Parallel {
                kind,
                op,
                rd: d,
                rn: a,
                rm: b,
            };
            v.push((i.mnemonic(), i, Shape::Three));
        }
    }
    let three = [
        DspInstr::Sel {
            rd: d,
            rn: a,
            rm: b,
        },
        DspInstr::Q32 {
            op: QOp::Qadd,
            rd: d,
            rm: a,
            rn: b,
        },
        DspInstr::Q32 {
            op: QOp::Qsub,
            rd: d,
            rm: a,
            rn: b,
        },
        DspInstr::Q32 {
            op: QOp::Qdadd,
            rd: d,
            rm: a,
            rn: b,
        },
        DspInstr::Q32 {
            op: QOp::Qdsub,
            rd: d,
            rm: a,
            rn: b,
        },
        DspInstr::Smla {
            nt: false,
            mt: false,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smla {
            nt: false,
            mt: true,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smla {
            nt: true,
            mt: false,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smla {
            nt: true,
            mt: true,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smlaw {
            mt: false,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smlaw {
            mt: true,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smlad {
            sub: false,
            x: false,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smlad {
            sub: false,
            x: true,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smlad {
            sub: true,
            x: false,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smlad {
            sub: true,
            x: true,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smmla {
            sub: false,
            round: false,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Smmla {
            sub: false,
            round: true,
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
        DspInstr::Usada8 {
            rd: d,
            rn: a,
            rm: b,
            ra: NO_REG,
        },
    ];
    for i in three {
        v.push((i.mnemonic(), i, Shape::Three));
    }
    let four = [
        DspInstr::Smla {
            nt: false,
            mt: false,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smla {
            nt: false,
            mt: true,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smla {
            nt: true,
            mt: false,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smla {
            nt: true,
            mt: true,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smlaw {
            mt: false,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smlaw {
            mt: true,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smlad {
            sub: false,
            x: false,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smlad {
            sub: false,
            x: true,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smlad {
            sub: true,
            x: false,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smlad {
            sub: true,
            x: true,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smmla {
            sub: false,
            round: false,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smmla {
            sub: false,
            round: true,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smmla {
            sub: true,
            round: false,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Smmla {
            sub: true,
            round: true,
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
        DspInstr::Usada8 {
            rd: d,
            rn: a,
            rm: b,
            ra: c,
        },
    ];
    for i in four {
        v.push((i.mnemonic(), i, Shape::Four));
    }
    let (lo, hi) = (4u8, 5u8);
    let long = [
        DspInstr::Smlalxy {
            nt: false,
            mt: false,
            rdlo: lo,
            rdhi: hi,
            rn: a,
            rm: b,
        },
        DspInstr::Smlalxy {
            nt: false,
            mt: true,
            rdlo: lo,
            rdhi: hi,
            rn: a,
            rm: b,
        },
        DspInstr::Smlalxy {
            nt: true,
            mt: false,
            rdlo: lo,
            rdhi: hi,
            rn: a,
            rm: b,
        },
        DspInstr::Smlalxy {
            nt: true,
            mt: true,
            rdlo: lo,
            rdhi: hi,
            rn: a,
            rm: b,
        },
        DspInstr::Smlald {
            sub: false,
            x: false,
            rdlo: lo,
            rdhi: hi,
            rn: a,
            rm: b,
        },
        DspInstr::Smlald {
            sub: false,
            x: true,
            rdlo: lo,
            rdhi: hi,
            rn: a,
            rm: b,
        },
        DspInstr::Smlald {
            sub: true,
            x: false,
            rdlo: lo,
            rdhi: hi,
            rn: a,
            rm: b,
        },
        DspInstr::Smlald {
            sub: true,
            x: true,
            rdlo: lo,
            rdhi: hi,
            rn: a,
            rm: b,
        },
        DspInstr::Umaal {
            rdlo: lo,
            rdhi: hi,
            rn: a,
            rm: b,
        },
    ];
    for i in long {
        v.push((i.mnemonic(), i, Shape::Long));
    }
    for op in [
        ExtOp::Sxtab16,
        ExtOp::Uxtab16,
        ExtOp::Sxtab,
        ExtOp::Uxtab,
        ExtOp::Sxtah,
        ExtOp::Uxtah,
    ] {
        for rot in [0u8, 8, 16, 24] {
            let i = DspInstr::Extend {
                op,
                rd: d,
                rn: a,
                rm: b,
                rot,
            };
            v.push((format!("{} ror{rot}", i.mnemonic()), i, Shape::Three));
        }
    }
    for op in [ExtOp::Sxtab16, ExtOp::Uxtab16] {
        for rot in [0u8, 8, 16, 24] {
            let i = DspInstr::Extend {
                op,
                rd: d,
                rn: NO_REG,
                rm: a,
                rot,
            };
            v.push((format!("{} ror{rot}", i.mnemonic()), i, Shape::Three));
        }
    }
    for s in [0u8, 1, 15, 31] {
        let i = DspInstr::Pkh {
            tb: false,
            rd: d,
            rn: a,
            rm: b,
            shift: s,
        };
        v.push((format!("pkhbt {s}"), i, Shape::Three));
    }
    for s in [1u8, 16, 31, 32] {
        let i = DspInstr::Pkh {
            tb: true,
            rd: d,
            rn: a,
            rm: b,
            shift: s % 32,
        };
        v.push((format!("pkhtb {s}"), i, Shape::Three));
    }
    for s in [1u8, 8, 16] {
        v.push((
            format!("ssat16 {s}"),
            DspInstr::Sat16 {
                unsigned: false,
                rd: d,
                rn: a,
                sat: s,
            },
            Shape::Three,
        ));
    }
    for s in [0u8, 8, 15] {
        v.push((
            format!("usat16 {s}"),
            DspInstr::Sat16 {
                unsigned: true,
                rd: d,
                rn: a,
                sat: s,
            },
            Shape::Three,
        ));
    }
    v
}

#[test]
fn asm_part_matches_qemu_checksums() {
    let lines: Vec<&str> = EXPECTED.lines().collect();
    let header = lines[0];
    assert!(
        header.starts_with("dsp_intrinsics: 69 intrinsics, 124 instruction forms"),
        "{header}"
    );
    let mut rng = Rng(0x2545_F491);
    // Part 1 (intrinsics) consumes the generator: two operands per call, plus one accumulator
    // word for the three-operand intrinsics and two for the 64-bit ones.
    let extra: Vec<usize> = std::iter::repeat_n(0, 36 + 7 + 2) // 2-operand list
        .chain(std::iter::repeat_n(0, 3)) // sxtb16, uxtb16, qdbl
        .chain(std::iter::repeat_n(1, 11)) // smlad.. smlawt
        .chain(std::iter::repeat_n(2, 4)) // smlald..
        .chain(std::iter::repeat_n(0, 6)) // sel/.., ssat16, usat16, ssat, usat
        .collect();
    assert_eq!(extra.len(), 69);
    for e in &extra {
        for _ in 0..N {
            rng.operand();
            rng.operand();
            for _ in 0..*e {
                rng.next();
            }
        }
    }
    let forms = forms();
    assert_eq!(forms.len(), 124);
    let mut mismatches = Vec::new();
    for (k, (name, instr, shape)) in forms.iter().enumerate() {
        let mut h = 2_166_136_261u32;
        for _ in 0..N {
            let (a, b, c) = (rng.operand(), rng.operand(), rng.operand());
            let fl = rng.next() & 0xF80F_0000;
            let mut cpu = Cpu::default();
            cpu.set_nzcvq(fl);
            cpu.ge = ((fl >> 16) & 0xf) as u8;
            cpu.r[1] = a;
            cpu.r[2] = b;
            cpu.r[3] = c;
            cpu.r[4] = c;
            cpu.r[5] = a ^ (b << 3);
            execute(instr, &mut cpu).unwrap();
            let d = match shape {
                Shape::Three | Shape::Four => cpu.r[0],
                Shape::Long => cpu.r[4] ^ cpu.r[5].wrapping_mul(0x9E37_79B1),
            };
            h = fnv(fnv(h, d), cpu.apsr() & 0xF80F_0000);
        }
        let line = lines[1 + 69 + k];
        let want = format!("{name:<14} {h:08x}");
        if line != want {
            mismatches.push(format!("qemu `{line}` thimble `{want}`"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} forms differ from QEMU:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

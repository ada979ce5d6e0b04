//! Architecture gating of the decoder: an instruction the selected core lacks is UNDEFINED
//! there, exactly as on silicon (ARMv6-M for cortex-m0plus, ARMv7-M for cortex-m3, ARMv7E-M
//! with the DSP extension for cortex-m4/m7).

use isa_thumb::decode::{decode32, encoding_name};
use isa_thumb::instr::{Instr, UndefReason};
use sim_core::board::Arch;

fn next(state: &mut u32) -> u32 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x
}

/// ARMv6-M's only 32-bit instructions are BL, MSR, MRS, DMB/DSB/ISB and UDF.W (ARMv6-M ARM
/// A5.3); every other 32-bit encoding decodes as UNDEFINED there.
#[test]
fn armv6m_has_only_six_32bit_instructions() {
    let mut seed = 0x0c0f_fee0;
    let mut defined = 0;
    for _ in 0..200_000 {
        let hw1 = 0xE800 + (next(&mut seed) % 0x1800) as u16;
        let hw2 = next(&mut seed) as u16;
        let i = decode32(hw1, hw2, Arch::V6M);
        match i {
            Instr::Undefined { .. } => {}
            Instr::Bl { .. }
            | Instr::Msr { .. }
            | Instr::Mrs { .. }
            | Instr::Barrier { .. }
            | Instr::Udf { .. } => defined += 1,
            other => panic!("{hw1:04x} {hw2:04x} decodes on v6-M as {other:?}"),
        }
    }
    assert!(defined > 1000, "{defined}");
    // Concrete ones.
    assert!(matches!(
        decode32(0xf000, 0xf800, Arch::V6M),
        Instr::Bl { offset: 0, .. }
    ));
    assert!(matches!(
        decode32(0xf3bf, 0x8f4f, Arch::V6M),
        Instr::Barrier { .. }
    ));
    assert!(matches!(
        decode32(0xf3ef, 0x8008, Arch::V6M),
        Instr::Mrs { rd: 0, sysm: 8, .. }
    ));
    // BASEPRI does not exist on v6-M.
    assert!(decode32(0xf3ef, 0x8011, Arch::V6M).is_undefined());
    assert!(matches!(
        decode32(0xf3ef, 0x8011, Arch::V7M),
        Instr::Mrs { sysm: 17, .. }
    ));
}

/// The DSP extension is ARMv7E-M only: UNDEFINED on cortex-m3 and cortex-m0plus.
#[test]
fn dsp_instructions_need_armv7em() {
    // uadd8 r0, r2, r0 / smlabb r0, r1, r2, r3 / qadd r0, r1, r2 / ssat16 r0, #8, r1
    for (hw1, hw2) in [
        (0xfa82, 0xf040),
        (0xfb11, 0x3002),
        (0xfa82, 0xf081),
        (0xf321, 0x0007),
    ] {
        assert!(
            matches!(decode32(hw1, hw2, Arch::V7EM), Instr::Dsp { .. }),
            "{hw1:04x} {hw2:04x}"
        );
        for arch in [Arch::V7M, Arch::V6M] {
            assert!(
                matches!(
                    decode32(hw1, hw2, arch),
                    Instr::Undefined {
                        reason: UndefReason::NotInArch,
                        ..
                    }
                ),
                "{hw1:04x} {hw2:04x} {arch:?}"
            );
        }
    }
}

/// Coprocessor space: FP on ARMv7E-M, a NOCP coprocessor instruction on ARMv7-M, UNDEFINED on
/// ARMv6-M.
#[test]
fn coprocessor_space_by_architecture() {
    // vadd.f32 s0, s0, s1
    let (hw1, hw2) = (0xee30, 0x0a20);
    assert!(matches!(decode32(hw1, hw2, Arch::V7EM), Instr::Fp { .. }));
    assert!(matches!(
        decode32(hw1, hw2, Arch::V7M),
        Instr::Coproc { cp: 10, .. }
    ));
    assert!(decode32(hw1, hw2, Arch::V6M).is_undefined());
    // mcr p15, 0, r0, c7, c5, 0
    assert!(matches!(
        decode32(0xee07, 0x0f15, Arch::V7EM),
        Instr::Coproc { cp: 15, .. }
    ));
}

/// Every v7-M encoding the table knows is named after its ARM ARM encoding.
#[test]
fn decoded_instructions_name_their_encoding() {
    assert_eq!(
        encoding_name(decode32(0xeb01, 0x0002, Arch::V7M).enc()),
        "ADD_reg_T3"
    );
    assert_eq!(
        encoding_name(decode32(0xf20d, 0x0004, Arch::V7M).enc()),
        "ADD_SP_imm_T4"
    );
    assert_eq!(
        encoding_name(decode32(0xfa82, 0xf040, Arch::V7EM).enc()),
        "DSP"
    );
}

/// FPv4-SP (cortex-m4f) lacks FPv5's VMAXNM and double precision: UNDEFINED there (NotInFpu:
/// NOCP first when CPACR denies CP10); without an FPU the encodings stay FP instructions so
/// that the executor raises NOCP.
#[test]
fn fp_instructions_follow_the_fpu() {
    use isa_thumb::decode::decode_for;
    use sim_core::board::FpuKind;
    // vmaxnm.f32 s0, s1, s2 / vadd.f64 d0, d1, d2 / vadd.f32 s0, s0, s1
    let vmaxnm = (0xfe80, 0x0a81);
    let vadd_f64 = (0xee31, 0x0b02);
    let vadd_f32 = (0xee30, 0x0a20);
    let fp = |(a, b): (u16, u16), fpu| decode_for(a, b, Arch::V7EM, fpu);
    assert!(matches!(fp(vmaxnm, FpuKind::Fpv5Sp), Instr::Fp { .. }));
    assert!(matches!(
        fp(vmaxnm, FpuKind::Fpv4Sp),
        Instr::Undefined {
            reason: UndefReason::NotInFpu,
            ..
        }
    ));
    assert!(fp(vadd_f64, FpuKind::Fpv4Sp).is_undefined());
    assert!(matches!(fp(vadd_f64, FpuKind::Fpv5Dp), Instr::Fp { .. }));
    assert!(matches!(fp(vadd_f32, FpuKind::Fpv4Sp), Instr::Fp { .. }));
    assert!(matches!(fp(vadd_f32, FpuKind::None), Instr::Fp { .. }));
}

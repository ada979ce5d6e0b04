//! FP decode vectors: every FP encoding assembled by arm-none-eabi-as for cortex-m7 with
//! fpv5-d16 (tests/data/fp_objdump.txt) decodes on an FPv5-DP core and prints as capstone
//! prints it; single-precision encodings also decode on FPv4-SP, and FPv5/double ones do not.

use crate::capstone_common::{capstone_modes, objdump_vectors, text32};
use capstone::arch::arm::ArchExtraMode;
use capstone::Capstone;
use isa_thumb::fp::{decode32, decode32_for, FpInstr};
use sim_core::board::FpuKind;

fn cs() -> Capstone {
    capstone_modes(&[ArchExtraMode::MClass, ArchExtraMode::V8])
}

fn vectors() -> Vec<(u16, u16, String)> {
    objdump_vectors(include_str!("../data/fp_objdump.txt"))
}

/// FPv5-only or double-precision instructions (by their text).
fn needs_v5_or_dp(i: &FpInstr, text: &str) -> bool {
    text.contains(".f64")
        || [
            "vsel", "vmaxnm", "vminnm", "vrint", "vcvta", "vcvtn", "vcvtp", "vcvtm",
        ]
        .iter()
        .any(|p| text.starts_with(p))
        || matches!(i, FpInstr::MovScalar { .. })
        || text.starts_with("vcvt.f64.f32")
}

#[test]
fn every_assembled_fp_instruction_decodes_like_capstone() {
    let cs = cs();
    let v = vectors();
    assert!(v.len() >= 190, "vector file too short: {}", v.len());
    let mut bad = Vec::new();
    for (a, b, objdump) in &v {
        let Some(i) = decode32_for(*a, *b, FpuKind::Fpv5Dp) else {
            bad.push(format!("{a:04x} {b:04x} not decoded ({objdump})"));
            continue;
        };
        let cap = text32(&cs, *a, *b).unwrap_or_default();
        if i.to_string() != cap {
            bad.push(format!(
                "{a:04x} {b:04x} ours `{i}` capstone `{cap}` objdump `{objdump}`"
            ));
        }
        let text = i.to_string();
        let sp = decode32_for(*a, *b, FpuKind::Fpv4Sp);
        if needs_v5_or_dp(&i, &text) {
            if sp.is_some() {
                bad.push(format!("{a:04x} {b:04x} `{text}` decodes on FPv4-SP"));
            }
        } else if sp != Some(i) {
            bad.push(format!("{a:04x} {b:04x} `{text}` not decoded on FPv4-SP"));
        }
        assert_eq!(decode32_for(*a, *b, FpuKind::None), None);
        assert_eq!(decode32(*a, *b), Some(i));
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn instr_is_small() {
    assert!(std::mem::size_of::<FpInstr>() <= 8);
}

/// M-profile FPUs have D0-D15 only: encodings naming D16-D31 (the D/N/M bit set on a
/// double-precision operand) are UNDEFINED on every FPU, as QEMU has them (and executing one
/// used to index past S31). Without an FPU they stay FP encodings, for the NOCP fault.
#[test]
fn d16_to_d31_are_undefined() {
    let cases: [(u16, u16, &str); 5] = [
        (0xEDD0, 0x0B00, "vldr d16, [r0]"),
        (0xEDC0, 0x0B02, "vstr d16, [r0, #8]"),
        (0xEC51, 0x0B30, "vmov r0, r1, d16"),
        (0xEE30, 0x0BA0, "vadd.f64 d0, d16, d16"),
        (0xEE00, 0x0B90, "vmov.32 d16[0], r0"),
    ];
    for (hw1, hw2, text) in cases {
        assert!(decode32(hw1, hw2).is_some(), "{text}: an FP encoding");
        for fpu in [FpuKind::Fpv4Sp, FpuKind::Fpv5Sp, FpuKind::Fpv5Dp] {
            assert_eq!(
                decode32_for(hw1, hw2, fpu),
                None,
                "{text} on {fpu:?}: D16-D31 do not exist"
            );
        }
    }
    // Their D0-D15 twins exist on FPv5-DP.
    for (hw1, hw2) in [(0xED90, 0x0B00), (0xEE30, 0x0B00)] {
        assert!(decode32_for(hw1, hw2, FpuKind::Fpv5Dp).is_some());
    }
}

//! Every 16-bit Thumb encoding, decoded by thimble and disassembled by capstone (Thumb +
//! M-class), must agree: same mnemonic and operands, or both undefined.

use crate::capstone_common;

use capstone_common::{capstone, theirs, Tally};
use isa_thumb::decode::{decode16, is_32bit};
use isa_thumb::instr::Instr;
use sim_core::board::Arch;

/// Known, legitimate differences between capstone and the ARM ARM, each with its reason.
fn exclude(ours: &Instr, theirs: &Option<(String, String)>) -> Option<&'static str> {
    match (ours, theirs) {
        // LLVM gives UDF #0xfe the alias `trap` (its __builtin_trap encoding).
        (Instr::Udf { imm: 0xfe, .. }, Some((m, _))) if m == "trap" => {
            Some("capstone prints udf #0xfe as LLVM's `trap` alias")
        }
        // LLVM reserves UDF #0xf9 (`__debugbreak`-style Windows encodings) and capstone rejects
        // it; the ARM ARM makes every imm8 a plain UDF.
        (Instr::Udf { imm: 0xf9, .. }, None) => Some("capstone rejects udf #0xf9 (LLVM-reserved)"),
        _ => None,
    }
}

#[test]
fn every_16bit_encoding_matches_capstone() {
    let cs = capstone();
    let mut t = Tally::default();
    for hw in 0..=0xFFFFu16 {
        if is_32bit(hw) {
            continue;
        }
        let ours = decode16(hw, Arch::V7EM);
        t.check(
            format!("{hw:04x}"),
            &ours,
            theirs(&cs, &hw.to_le_bytes()),
            exclude,
        );
    }
    t.report("16-bit");
}

/// ARMv6-M has the same 16-bit instructions as ARMv7-M except CBZ/CBNZ and IT (and CPS without
/// FAULTMASK): those are UNDEFINED on cortex-m0plus, everything else decodes identically.
#[test]
fn armv6m_16bit_differs_only_by_the_v7_additions() {
    use isa_thumb::decode::encoding_name;
    use isa_thumb::instr::UndefReason;
    let mut not_in_arch = 0;
    for hw in 0..=0xFFFFu16 {
        if is_32bit(hw) {
            continue;
        }
        let v7 = decode16(hw, Arch::V7EM);
        let v6 = decode16(hw, Arch::V6M);
        let name = encoding_name(v7.enc());
        match name {
            "CBZ_T1" | "CBNZ_T1" | "IT_T1" => {
                if !v7.is_undefined() {
                    assert!(
                        matches!(
                            v6,
                            Instr::Undefined {
                                reason: UndefReason::NotInArch,
                                ..
                            }
                        ),
                        "{hw:04x} {v6:?}"
                    );
                    not_in_arch += 1;
                }
            }
            "CPS_T1" if matches!(v7, Instr::Cps { f: true, .. } | Instr::Cps { i: false, .. }) => {
                assert!(v6.is_undefined(), "{hw:04x}");
            }
            _ => assert_eq!(v6, v7, "{hw:04x}"),
        }
    }
    // 2 x 64 x 8 CBZ/CBNZ encodings + 14 x 15 IT encodings + 4 IT AL (one instruction).
    assert_eq!(not_in_arch, 2 * 64 * 8 + 14 * 15 + 4);
}

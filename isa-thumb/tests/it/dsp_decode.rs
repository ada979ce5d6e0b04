//! DSP decode vectors: every DSP encoding assembled by arm-none-eabi-as (tests/data/
//! dsp_objdump.txt holds the halfwords objdump printed) decodes, and its text equals
//! capstone's; random encodings of the DSP spaces that we accept print as capstone does.

use crate::capstone_common::{capstone, objdump_vectors, text32};
use isa_thumb::dsp::{decode32, DspInstr};
use proptest::prelude::*;

fn vectors() -> Vec<(u16, u16, String)> {
    objdump_vectors(include_str!("../data/dsp_objdump.txt"))
}

#[test]
fn every_assembled_dsp_instruction_decodes_like_capstone() {
    let cs = capstone();
    let v = vectors();
    assert!(v.len() >= 150, "vector file too short: {}", v.len());
    for (a, b, objdump) in v {
        let i = decode32(a, b).unwrap_or_else(|| panic!("{a:04x} {b:04x} ({objdump}) not decoded"));
        let cap = text32(&cs, a, b).expect("capstone decodes it");
        assert_eq!(i.to_string(), cap, "{a:04x} {b:04x} objdump: {objdump}");
        // objdump's mnemonic agrees too (operands differ only in spacing).
        assert_eq!(
            i.mnemonic(),
            objdump.split_whitespace().next().unwrap(),
            "{a:04x} {b:04x}"
        );
    }
}

#[test]
fn undefined_in_other_spaces() {
    // MUL, SMULL, SXTH (base ARMv7-M) are not DSP encodings.
    assert_eq!(decode32(0xfb01, 0xf002), None); // mul r0, r1, r2
    assert_eq!(decode32(0xfb81, 0x0102), None); // smull r0, r1, r1, r2
    assert_eq!(decode32(0xfa0f, 0xf081), None); // sxth r0, r1
    assert_eq!(decode32(0xf301, 0x0003), None); // ssat r0, #4, r1
}

fn dsp_space() -> impl Strategy<Value = (u16, u16)> {
    prop_oneof![
        (0xfa80u16..=0xfaff, 0xf000u16..=0xf0ff, 0u16..16).prop_map(|(a, b, d)| (a, b | (d << 8))),
        (0xfa00u16..=0xfa5f, 0xf080u16..=0xf0bf, 0u16..16).prop_map(|(a, b, d)| (a, b | (d << 8))),
        (0xfb10u16..=0xfb7f, any::<u16>()).prop_map(|(a, b)| (a, b & 0xff3f)),
        (0xfbc0u16..=0xfbef, any::<u16>()).prop_map(|(a, b)| (a, b)),
        (
            prop_oneof![0xf320u16..=0xf32f, 0xf3a0u16..=0xf3af],
            0u16..0x1000
        ),
        (0xeac0u16..=0xeacf, any::<u16>()).prop_map(|(a, b)| (a, b & 0x7fef)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn accepted_encodings_print_as_capstone((a, b) in dsp_space()) {
        if let Some(i) = decode32(a, b) {
            let cs = capstone();
            let cap = text32(&cs, a, b);
            prop_assert_eq!(Some(i.to_string()), cap, "{:04x} {:04x}", a, b);
        }
    }
}

#[test]
fn instr_is_small() {
    assert!(std::mem::size_of::<DspInstr>() <= 8);
}

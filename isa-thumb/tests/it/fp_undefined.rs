//! FP instructions the core's FPU lacks are UNDEFINED when fetched from memory and stepped, as on
//! silicon (and in QEMU: `tests/it/toolchain_fp_undefined.rs` checks the same encodings there):
//! double precision on FPv4-SP (Cortex-M4F) and FPv5-SP, D16-D31 on every M-profile FPU (they
//! used to index past S31 and panic). The decode-only filter was right; the fetch path used to
//! skip it for 32-bit encodings.

use crate::exec_support;

use exec_support::{Rig, CODE};
use sim_core::board::{CoreProfile, FpuKind};
use sim_core::isa::{Isa, UsageCause};
use sim_core::{Fault, Trap};

/// Steps the 32-bit encoding `hw1 hw2` placed at CODE on `rig`.
fn step(rig: &mut Rig, hw1: u16, hw2: u16) -> Result<sim_core::Retired, Trap> {
    let bytes: Vec<u8> = [hw1, hw2].into_iter().flat_map(u16::to_le_bytes).collect();
    rig.bus.poke_bytes(CODE, &bytes).unwrap();
    rig.cpu.r[15] = CODE;
    rig.cpu.r[0] = exec_support::DATA;
    rig.bus.exc.cpacr = 0xF << 20;
    rig.isa.step(&mut rig.cpu, &mut rig.bus)
}

/// A Cortex-M4F (FPv4-SP) rig, a Cortex-M7 with FPv5-SP and one with FPv5-DP.
fn rigs() -> [(FpuKind, Rig); 3] {
    let m7dp = {
        let mut r = Rig::board("mps2-an500");
        r.cpu.r[13] = exec_support::STACK;
        r
    };
    [
        (FpuKind::Fpv4Sp, Rig::core(CoreProfile::CortexM4f)),
        (FpuKind::Fpv5Sp, Rig::core(CoreProfile::CortexM7)),
        (FpuKind::Fpv5Dp, m7dp),
    ]
}

const UNDEF: Result<sim_core::Retired, Trap> =
    Err(Trap::Fault(Fault::Usage(UsageCause::Undefined)));

#[test]
fn double_precision_is_undefined_on_single_precision_fpus() {
    // (hw1, hw2, text): objdump of arm-none-eabi-as -mfpu=fpv5-d16.
    let dp_ops: [(u16, u16, &str); 5] = [
        (0xEE31, 0x0B02, "vadd.f64 d0, d1, d2"),
        (0xEE21, 0x0B02, "vmul.f64 d0, d1, d2"),
        (0xEEA1, 0x0B02, "vfma.f64 d0, d1, d2"),
        (0xEEB4, 0x0B41, "vcmp.f64 d0, d1"),
        (0xEEB7, 0x0AC0, "vcvt.f64.f32 d0, s0"),
    ];
    for (fpu, mut rig) in rigs() {
        for (hw1, hw2, text) in dp_ops {
            let got = step(&mut rig, hw1, hw2);
            if fpu == FpuKind::Fpv5Dp {
                assert!(got.is_ok(), "{text} on {fpu:?}: {got:?}");
            } else {
                assert_eq!(got, UNDEF, "{text} on {fpu:?}");
            }
        }
        // Moves and transfers of D registers exist on every FPU (ARMv7-M A7.7: VLDR.64, VMOV
        // two core registers to/from a D register are FPv4-SP instructions).
        for (hw1, hw2, text) in [
            (0xED90, 0x1B00, "vldr d1, [r0]"),
            (0xEC41, 0x0B10, "vmov d0, r0, r1"),
        ] {
            let got = step(&mut rig, hw1, hw2);
            assert!(got.is_ok(), "{text} on {fpu:?}: {got:?}");
        }
    }
}

#[test]
fn d16_to_d31_are_undefined_on_every_fpu() {
    let cases: [(u16, u16, &str); 7] = [
        (0xEDD0, 0x0B00, "vldr d16, [r0]"),
        (0xEDC0, 0x0B02, "vstr d16, [r0, #8]"),
        (0xEC51, 0x0B30, "vmov r0, r1, d16"),
        (0xEE30, 0x0BA0, "vadd.f64 d0, d16, d16"),
        (0xEE00, 0x0B90, "vmov.32 d16[0], r0"),
        (0xECF0, 0x0B04, "vldmia r0!, {d16-d17}"),
        (0xECB0, 0xFB04, "vldmia r0!, {d15-d16}"),
    ];
    for (fpu, mut rig) in rigs() {
        for (hw1, hw2, text) in cases {
            assert_eq!(step(&mut rig, hw1, hw2), UNDEF, "{text} on {fpu:?}");
        }
    }
}

/// QEMU checks CP10 access before it decodes: with CPACR denying it, an encoding the FPU
/// lacks is NOCP like any FP instruction, not UNDEFINSTR.
#[test]
fn cp10_access_is_checked_before_the_encoding() {
    for (fpu, mut rig) in rigs() {
        for (hw1, hw2, text) in [
            (0xEE31, 0x0B02, "vadd.f64 d0, d1, d2"),
            (0xEE30, 0x0BA0, "vadd.f64 d0, d16, d16"),
            (0xECF0, 0x0B04, "vldmia r0!, {d16-d17}"),
            (0xEE30, 0x0A81, "vadd.f32 s0, s1, s2"),
        ] {
            let bytes: Vec<u8> = [hw1, hw2].into_iter().flat_map(u16::to_le_bytes).collect();
            rig.bus.poke_bytes(CODE, &bytes).unwrap();
            rig.cpu.r[15] = CODE;
            rig.bus.exc.cpacr = 0;
            assert_eq!(
                rig.isa.step(&mut rig.cpu, &mut rig.bus),
                Err(Trap::Fault(Fault::Usage(UsageCause::NoCoprocessor))),
                "{text} on {fpu:?} with CPACR = 0"
            );
        }
    }
}

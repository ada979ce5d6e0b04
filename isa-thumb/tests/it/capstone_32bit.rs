//! A million random 32-bit Thumb-2 encodings (fixed seed), decoded by thimble and disassembled
//! by capstone (Thumb + M-class), must agree: same mnemonic and operands, or both undefined.

use crate::capstone_common;

use capstone_common::{capstone, theirs, Tally};
use isa_thumb::decode::decode32;
use isa_thumb::instr::Instr;
use sim_core::board::Arch;

/// Number of random encodings checked.
const SAMPLES: u32 = 1_000_000;

/// Known, legitimate differences between capstone and the ARM ARM, each with its reason.
/// VLDM/VSTM family with a register count of 0 or past the last register (UNPREDICTABLE).
fn bad_vfp_list(hw1: u16, hw2: u16, m: &str) -> bool {
    let multi = ["vldm", "vstm", "vpush", "vpop", "fldm", "fstm"];
    if !multi.iter().any(|p| m.starts_with(p)) {
        return false;
    }
    let imm8 = u32::from(hw2 & 0xFF);
    let vd = u32::from((hw2 >> 12) & 0xF);
    let dbit = u32::from((hw1 >> 6) & 1);
    if hw2 & 0x0100 != 0 {
        let (d, regs) = (dbit << 4 | vd, imm8 / 2);
        regs == 0 || regs > 16 || d + regs > 16
    } else {
        let (d, regs) = (vd << 1 | dbit, imm8);
        regs == 0 || d + regs > 32
    }
}

/// Advanced SIMD register transfers that live in the VFP coprocessor space.
fn is_neon_in_vfp_space(m: &str, ops: &str) -> bool {
    m.starts_with("vdup")
        || m.starts_with("vmov.") && (m.contains('8') || m.contains("16") || m.contains("32"))
        || ops.contains('[')
            && ops
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|t| t.starts_with('d'))
            && m.starts_with("vmov")
        || ops
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|t| t.strip_prefix('q').is_some_and(|n| n.parse::<u8>().is_ok()))
}

/// `vmov rX, rX, ...`: two identical core destination registers.
fn same_two_core_regs(ops: &str) -> bool {
    let regs: Vec<&str> = ops.split(", ").collect();
    let fp = |r: &str| (r.starts_with('s') || r.starts_with('d')) && r[1..].parse::<u8>().is_ok();
    regs.len() == 4 && regs[0] == regs[1] && !fp(regs[0])
}

/// True when capstone's operands name one of the registers d16-d31.
fn uses_d16_d31(ops: &str) -> bool {
    ops.split(|c: char| !c.is_ascii_alphanumeric()).any(|t| {
        t.strip_prefix('d')
            .and_then(|n| n.parse::<u8>().ok())
            .is_some_and(|n| n >= 16)
    })
}

/// DSP mnemonics (ARMv7E-M) as capstone prints them.
fn is_dsp_mnemonic(m: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "pkh", "qadd", "qsub", "qdadd", "qdsub", "qasx", "qsax", "sadd", "ssub", "sasx", "ssax",
        "shadd", "shsub", "shasx", "shsax", "uadd", "usub", "uasx", "usax", "uhadd", "uhsub",
        "uhasx", "uhsax", "uqadd", "uqsub", "uqasx", "uqsax", "sel", "smla", "smul", "smua",
        "smus", "smls", "smml", "smmu", "umaal", "usad", "sxta", "uxta", "sxtb16", "uxtb16",
        "ssat16", "usat16",
    ];
    PREFIXES.iter().any(|p| m.starts_with(p))
}

/// True when a DSP encoding is UNPREDICTABLE by the ARM ARM (DDI 0403E A7.7): SP or PC as a
/// register operand, RdLo == RdHi, or a should-be-zero bit set. The dsp decoder returns `None`
/// for these (a UsageFault), while capstone prints them.
fn dsp_unpredictable(hw1: u16, hw2: u16, m: &str, ops: &str) -> bool {
    let regs: Vec<&str> = ops.split([',', ' ']).filter(|r| !r.is_empty()).collect();
    if regs.iter().any(|r| *r == "sp" || *r == "pc") {
        return true;
    }
    let long = m.starts_with("umaal") || m.starts_with("smlal") || m.starts_with("smlsld");
    if long && regs.len() >= 2 && regs[0] == regs[1] {
        return true;
    }
    if m.starts_with("pkh") {
        return hw2 & 0x8000 != 0;
    }
    if m.starts_with("sxta")
        || m.starts_with("uxta")
        || m.starts_with("sxtb16")
        || m.starts_with("uxtb16")
    {
        return hw2 & 0x0040 != 0;
    }
    if m.starts_with("ssat16") || m.starts_with("usat16") {
        return hw1 & 0x0400 != 0 || hw2 & 0x0030 != 0;
    }
    false
}

fn exclude(
    ours: &Instr,
    theirs: &Option<(String, String)>,
    hw1: u16,
    hw2: u16,
) -> Option<&'static str> {
    let their_mnemonic = theirs.as_ref().map_or("", |(m, _)| m.as_str());
    let their_ops = theirs.as_ref().map_or("", |(_, o)| o.as_str());
    if ours.is_undefined() {
        if is_dsp_mnemonic(their_mnemonic) && dsp_unpredictable(hw1, hw2, their_mnemonic, their_ops)
        {
            return Some("DSP encoding UNPREDICTABLE by the ARM ARM (SP/PC operand, RdLo == RdHi, should-be-zero bit): dsp decoder makes it a UsageFault");
        }
        if matches!(their_mnemonic, "smc" | "hvc.w" | "hvc") {
            return Some("SMC/HVC: ARMv7-A Security/Virtualization Extensions, UNDEFINED in M profile; capstone's MClass mode still decodes them");
        }
        if their_mnemonic.starts_with("lda") || their_mnemonic.starts_with("stl") {
            return Some("load-acquire/store-release (LDA*/STL*): ARMv8, not in ARMv7-M; capstone's MClass mode still decodes them");
        }
    }
    let name = isa_thumb::decode::encoding_name(ours.enc());
    if ours.is_undefined() && their_mnemonic.starts_with('v') {
        return Some(
            "Advanced SIMD (NEON) encoding: no M profile has it, capstone's MClass mode still \
             decodes it",
        );
    }
    if name.starts_with("NOP_hint") {
        return Some(
            "halfword load with Rt = PC: an unallocated memory hint (NOP) in ARMv7-M (A5.3.8); \
             capstone prints ARMv7-A's PLDW or rejects it",
        );
    }
    match ours {
        Instr::Coproc { cp: 10 | 11, .. } if theirs.is_none() => Some(
            "cp10/cp11 encoding that is no FP instruction (capstone: undefined): thimble says \
             Coproc, a NOCP UsageFault",
        ),
        Instr::Fp { .. } if their_mnemonic.starts_with("fldm") || their_mnemonic.starts_with("fstm") => Some(
            "FLDMX/FSTMX (odd imm8, double registers): capstone prints the deprecated pre-UAL \
             name, thimble VLDM/VSTM",
        ),
        Instr::Coproc { cp: 10 | 11, .. } if bad_vfp_list(hw1, hw2, their_mnemonic) => Some(
            "VLDM/VSTM/VPUSH/VPOP whose register list is empty or runs past s31/d15: \
             UNPREDICTABLE (ARM ARM A7.7.2xx), the FP decoder rejects it, capstone truncates it",
        ),
        Instr::Coproc { cp: 10 | 11, .. }
            if (their_mnemonic == "vmsr" || their_mnemonic == "vmrs") && !their_ops.contains("fpscr") =>
        {
            Some(
                "VMRS/VMSR of FPSID/FPEXC/MVFRx: ARMv7-A VFP system registers, M-profile FPUs \
                 have only FPSCR (UNDEFINED)",
            )
        }
        Instr::Coproc { cp: 10 | 11, .. } if is_neon_in_vfp_space(their_mnemonic, their_ops) => Some(
            "Advanced SIMD transfer in the cp10/cp11 space (VDUP, VMOV of a lane, Q registers): \
             no M profile has Advanced SIMD, capstone's MClass mode still decodes it",
        ),
        Instr::Coproc { cp: 10 | 11, .. }
            if their_mnemonic.starts_with("vmov")
                && (their_ops.contains("sp")
                    || their_ops.contains("pc")
                    || same_two_core_regs(their_ops)) =>
        {
            Some(
                "VMOV between core and FP registers naming SP/PC, or to Rt == Rt2: \
                 UNPREDICTABLE, the FP decoder rejects it",
            )
        }
        Instr::Coproc { cp: 10 | 11, .. } if their_mnemonic.starts_with("vcvt") && their_ops.contains("#0xfff") => Some(
            "VCVT (fixed-point) with more fraction bits than the size: UNPREDICTABLE, capstone \
             prints a negative fbits",
        ),
        Instr::Coproc { cp: 10 | 11, .. } if their_mnemonic.starts_with("vins") || their_mnemonic.starts_with("vmovx") || their_mnemonic.contains(".f16") => Some(
            "ARMv8.2 half-precision data processing in cp10 (VINS/VMOVX/.f16): not in FPv4/FPv5",
        ),
        Instr::Coproc { cp: 10 | 11, .. }
            if ["vldm", "vstm", "fldm", "fstm"].iter().any(|p| their_mnemonic.starts_with(p))
                && their_ops.starts_with("pc") =>
        {
            Some("VLDM/VSTM with base PC: UNPREDICTABLE in Thumb, the FP decoder rejects it")
        }
        Instr::Coproc { cp: 10 | 11, .. }
            if (their_mnemonic == "vmsr" || their_mnemonic == "vmrs")
                && (hw2 & 0xFF != 0x10 || their_ops.contains("sp")) =>
        {
            Some(
                "VMRS/VMSR with should-be-zero bits set or SP: UNPREDICTABLE, the FP decoder \
                 rejects it",
            )
        }
        Instr::Coproc { cp: 10 | 11, .. } if uses_d16_d31(their_ops) => Some(
            "cp10/cp11 encoding naming d16-d31: capstone assumes a 32-register VFP, M-profile \
             FPUs have D0-D15 only (UNDEFINED)",
        ),
        Instr::Coproc { cp, .. } if *cp != 10 && *cp != 11 && their_mnemonic.starts_with('v') => Some(
            "cp9/cp13 encoding: capstone decodes ARMv8.2 extensions there (half-precision VFP, \
             VSDOT/VUDOT); in ARMv7-M it is a generic coprocessor instruction (NOCP)",
        ),
        _ => None,
    }
}

/// xorshift32: deterministic, no dependency.
fn next(state: &mut u32) -> u32 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x
}

#[test]
fn a_million_random_32bit_encodings_match_capstone() {
    let cs = capstone();
    let mut t = Tally::default();
    let mut seed = 0x7468_696d; // "thim"
    for _ in 0..SAMPLES {
        let hw1 = 0xE800 + (next(&mut seed) % 0x1800) as u16;
        let hw2 = next(&mut seed) as u16;
        let ours = decode32(hw1, hw2, Arch::V7EM);
        let mut bytes = [0u8; 4];
        bytes[..2].copy_from_slice(&hw1.to_le_bytes());
        bytes[2..].copy_from_slice(&hw2.to_le_bytes());
        t.check(
            format!("{hw1:04x} {hw2:04x}"),
            &ours,
            theirs(&cs, &bytes),
            |o, t| exclude(o, t, hw1, hw2),
        );
    }
    t.report("32-bit");
}

/// Every first halfword, each with 64 random second halfwords (fixed seed), so that no corner
/// of the 32-bit space is left to chance.
#[test]
fn every_first_halfword_matches_capstone() {
    let cs = capstone();
    let mut t = Tally::default();
    let mut seed = 0x6877_3121;
    for hw1 in 0xE800..=0xFFFFu16 {
        for _ in 0..64 {
            let hw2 = next(&mut seed) as u16;
            let ours = decode32(hw1, hw2, Arch::V7EM);
            let mut bytes = [0u8; 4];
            bytes[..2].copy_from_slice(&hw1.to_le_bytes());
            bytes[2..].copy_from_slice(&hw2.to_le_bytes());
            t.check(
                format!("{hw1:04x} {hw2:04x}"),
                &ours,
                theirs(&cs, &bytes),
                |o, t| exclude(o, t, hw1, hw2),
            );
        }
    }
    t.report("32-bit, every hw1");
}

//! Cycle cost of each instruction class per core, against the Technical Reference Manuals
//! (isa-thumb/src/timing.rs cites the rows): tiny machine-code sequences (assembled with
//! arm-none-eabi-as, encodings inlined so no toolchain is needed) stepped through the decoder
//! and executor on a zero-wait-state board, one `Retired.cycles` per instruction.

use crate::exec_support;

use exec_support::{Rig, CODE, DATA, STACK};
use sim_core::board::CoreProfile::{self, CortexM0plus, CortexM3, CortexM4f, CortexM7};
use sim_core::Isa;

/// Runs the halfwords `code` placed at `at` (an offset into flash) until PC leaves them;
/// returns the cycles of each instruction. r4 = DATA, r5 = 8, r1 = 100, r2 = 7.
fn cycles_at(core: CoreProfile, at: u32, code: &[u16]) -> Vec<u32> {
    let mut rig = Rig::core(core);
    let bytes: Vec<u8> = code.iter().flat_map(|h| h.to_le_bytes()).collect();
    rig.bus.poke_bytes(at, &bytes).unwrap();
    rig.bus.exc.cpacr = 0xF << 20;
    rig.cpu.r[15] = at;
    rig.cpu.r[4] = DATA;
    rig.cpu.r[5] = 8;
    rig.cpu.r[1] = 100;
    rig.cpu.r[2] = 7;
    let end = at + 2 * code.len() as u32;
    let mut out = Vec::new();
    while (at..end).contains(&rig.cpu.r[15]) && out.len() < 64 {
        let r = rig
            .isa
            .step(&mut rig.cpu, &mut rig.bus)
            .unwrap_or_else(|t| panic!("trap {t:?} at 0x{:x}", rig.cpu.r[15]));
        out.push(r.cycles);
    }
    out
}

fn cycles(core: CoreProfile, code: &[u16]) -> Vec<u32> {
    cycles_at(core, CODE, code)
}

const ADDS: u16 = 0x1888; // adds r0, r1, r2
const MULS: u16 = 0x4348; // muls r0, r1
const MLA: [u16; 2] = [0xfb01, 0x3002]; // mla r0, r1, r2, r3
const UMULL: [u16; 2] = [0xfba2, 0x0103]; // umull r0, r1, r2, r3
const UMLAL: [u16; 2] = [0xfbe2, 0x0103]; // umlal r0, r1, r2, r3
const LDR_R0_R4: u16 = 0x6820; // ldr r0, [r4]
const LDR_R1_R4_4: u16 = 0x6861; // ldr r1, [r4, #4]
const LDR_R1_R4: u16 = 0x6821; // ldr r1, [r4]
const LDR_R1_R0: u16 = 0x6801; // ldr r1, [r0]
const STR_R0_R4: u16 = 0x6020; // str r0, [r4]
const STR_R1_R4_4: u16 = 0x6061; // str r1, [r4, #4]
const STR_R0_R4_R5: u16 = 0x5160; // str r0, [r4, r5]
const LDM4: [u16; 2] = [0xe894, 0x000f]; // ldmia.w r4, {r0-r3}
const STM4: [u16; 2] = [0xe884, 0x000f]; // stmia.w r4, {r0-r3}
const SMLAD: [u16; 2] = [0xfb21, 0x3002]; // smlad r0, r1, r2, r3
const VLDM4: [u16; 2] = [0xec94, 0x0a04]; // vldmia r4, {s0-s3}
const VLDR_S: [u16; 2] = [0xed94, 0x0a00]; // vldr s0, [r4]
const VLDR_D: [u16; 2] = [0xed94, 0x0b00]; // vldr d0, [r4]
const VMOV_R0_S0: [u16; 2] = [0xee10, 0x0a10]; // vmov r0, s0
const VADD: [u16; 2] = [0xee30, 0x0a81]; // vadd.f32 s0, s1, s2
const VDIV: [u16; 2] = [0xee80, 0x0a81]; // vdiv.f32 s0, s1, s2
const SDIV: [u16; 2] = [0xfb91, 0xf0f2]; // sdiv r0, r1, r2
const NOP: u16 = 0xbf00;
const BW: u16 = 0xe000; // b.n +0 (to the instruction after the next)

fn cat(parts: &[&[u16]]) -> Vec<u16> {
    parts.concat()
}

#[test]
fn alu_and_multiplies() {
    for core in [CortexM0plus, CortexM3, CortexM4f, CortexM7] {
        assert_eq!(cycles(core, &[ADDS, MULS]), [1, 1], "{core}: ALU 1, MULS 1");
    }
    // M4 (DDI 0439 Table 3-1): MLA 1, UMULL 1, UMLAL 1. M3 (DDI 0337 Table 18-1): MLA 2,
    // UMULL 3..5, UMLAL 4..7 (lower bounds taken).
    let seq = cat(&[&MLA, &UMULL, &UMLAL]);
    assert_eq!(cycles(CortexM4f, &seq), [1, 1, 1]);
    assert_eq!(cycles(CortexM3, &seq), [2, 3, 4]);
}

#[test]
fn divide_depends_on_the_operands() {
    // 100 / 7: a 4-bit quotient: 2 + ceil(4 * 10 / 32) = 4 (range 2..12, DDI 0439 Table 3-1).
    assert_eq!(cycles(CortexM4f, &SDIV), [4]);
    assert_eq!(cycles(CortexM3, &SDIV), [4]);
}

#[test]
fn dsp_and_fpu() {
    assert_eq!(cycles(CortexM4f, &SMLAD), [1], "DSP 1");
    // DDI 0439 Table 7-1: VLDM 1 + N, VLDR.32 2, VLDR.64 3, VMOV core<-S 1, VADD 1, VDIV 14.
    let seq = cat(&[&VLDM4, &VLDR_S, &VLDR_D, &VMOV_R0_S0, &VADD, &VDIV]);
    assert_eq!(cycles(CortexM4f, &seq), [5, 2, 3, 1, 1, 14]);
}

#[test]
fn single_loads_and_stores_pipeline_on_m3_m4() {
    for core in [CortexM3, CortexM4f] {
        // Two independent loads: 2 + 1.
        assert_eq!(cycles(core, &[LDR_R0_R4, LDR_R1_R4_4]), [2, 1], "{core}");
        // The second load's address is the first one's result: no pipelining.
        assert_eq!(cycles(core, &[LDR_R0_R4, LDR_R1_R0]), [2, 2], "{core}");
        // STR with an immediate offset: 1; a load after it pipelines.
        assert_eq!(cycles(core, &[STR_R0_R4, STR_R1_R4_4]), [1, 1], "{core}");
        assert_eq!(cycles(core, &[STR_R0_R4, LDR_R1_R4_4]), [1, 1], "{core}");
        // STR with a register offset: 2, 1 behind a load; nothing pipelines after it.
        assert_eq!(cycles(core, &[STR_R0_R4_R5, LDR_R1_R4]), [2, 2], "{core}");
        assert_eq!(cycles(core, &[LDR_R1_R4, STR_R0_R4_R5]), [2, 1], "{core}");
        // Something in between breaks the pipelining.
        assert_eq!(cycles(core, &[LDR_R0_R4, NOP, LDR_R1_R4_4]), [2, 1, 2]);
    }
    // M0+ (DDI 0484 Table 3-1): loads and stores 2, no pipelining.
    assert_eq!(
        cycles(
            CortexM0plus,
            &[LDR_R0_R4, LDR_R1_R4_4, STR_R0_R4, STR_R0_R4_R5]
        ),
        [2, 2, 2, 2]
    );
}

#[test]
fn multiple_transfers_cost_one_plus_n() {
    for core in [CortexM3, CortexM4f] {
        assert_eq!(cycles(core, &cat(&[&LDM4, &STM4])), [5, 5], "{core}");
    }
}

#[test]
fn branch_refill_depends_on_target_width_and_alignment() {
    // b.n over one instruction to a 16-bit target: 1 + P, P = 1.
    assert_eq!(cycles(CortexM4f, &[BW, NOP, NOP]), [2, 1]);
    // To a 32-bit instruction at a halfword address (CODE + 4 + 2): P = 2.
    assert_eq!(
        cycles(CortexM4f, &[NOP, BW, NOP, MLA[0], MLA[1]]),
        [1, 3, 1]
    );
    // ... and at a word address: P = 1.
    assert_eq!(cycles(CortexM4f, &[BW, NOP, MLA[0], MLA[1]]), [2, 1]);
    // M0+: taken branch 2 whatever the target; M7 (approximation): 2.
    assert_eq!(cycles(CortexM0plus, &[BW, NOP, NOP]), [2, 1]);
    assert_eq!(cycles(CortexM7, &[NOP, BW, NOP, MLA[0], MLA[1]]), [1, 2, 1]);
}

#[test]
fn pop_with_pc_costs_one_plus_n_plus_refill() {
    // pop {r4, pc} returning to a word-aligned address: M3/M4 1 + N + P = 1 + 2 + 1;
    // M0+ (DDI 0484 Table 3-1): POP with PC 3 + N = 5.
    for (core, want) in [(CortexM4f, 4), (CortexM3, 4), (CortexM0plus, 5)] {
        let mut rig = Rig::core(core);
        rig.bus.poke_bytes(CODE, &0xbd10u16.to_le_bytes()).unwrap();
        let sp = STACK - 8;
        let mut frame = 0x1234u32.to_le_bytes().to_vec();
        frame.extend_from_slice(&((CODE + 0x40) | 1).to_le_bytes());
        rig.bus.poke_bytes(sp, &frame).unwrap();
        rig.cpu.r[13] = sp;
        rig.cpu.r[15] = CODE;
        let r = rig.isa.step(&mut rig.cpu, &mut rig.bus).unwrap();
        assert_eq!((r.cycles, rig.cpu.r[15]), (want, CODE + 0x40), "{core}");
    }
}

#[test]
fn conditional_branch_not_taken_costs_one() {
    // bne.n to itself with Z set: falls through.
    let mut rig = Rig::core(CortexM4f);
    rig.bus.poke_bytes(CODE, &0xd1feu16.to_le_bytes()).unwrap();
    rig.cpu.r[15] = CODE;
    rig.cpu.z = true;
    let r = rig.isa.step(&mut rig.cpu, &mut rig.bus).unwrap();
    assert_eq!(r.cycles, 1);
}

/// The flash accelerator of nucleo-l4r5zi (ART, 5 wait states as FLASH_ACR.LATENCY 5 sets
/// them at 120 MHz): the first fetch of a granule misses, a loop then runs from the I-cache
/// at zero wait states; a data read of flash pays the wait states once per 64-bit granule.
#[test]
fn art_hides_flash_wait_states_in_a_loop() {
    let mut rig = Rig::board("nucleo-l4r5zi");
    // The board resets at LATENCY 0; the chip's FLASH_ACR model does this for LATENCY 5.
    rig.bus.map.set_flash_wait_states(5);
    // loop: adds r0, r1, r2 ; subs r3, #1 ; bne loop   (at 0x0800_1000, word aligned)
    let code: [u16; 3] = [ADDS, 0x3b01, 0xd1fc];
    let base = 0x0800_1000;
    let bytes: Vec<u8> = code.iter().flat_map(|h| h.to_le_bytes()).collect();
    rig.bus.poke_bytes(base, &bytes).unwrap();
    rig.cpu.r[15] = base;
    rig.cpu.r[3] = 3;
    let mut per_iter = Vec::new();
    for _ in 0..3 {
        let mut c = 0;
        for _ in 0..3 {
            let r = rig.isa.step(&mut rig.cpu, &mut rig.bus).unwrap();
            rig.bus.now += u64::from(r.cycles);
            c += r.cycles;
        }
        per_iter.push(c);
    }
    // First pass: 1 + 1 + 2 (bne taken) plus 5 wait states for the first granule; then the
    // loop stays in its 64-bit granule (no flash access at all); the last bne falls through.
    assert_eq!(per_iter, [4 + 5, 4, 3]);
    // A data read of flash: 5 wait states, then free within the same 64-bit granule.
    rig.bus.take_wait();
    rig.bus.read32(0x0800_2000).unwrap();
    assert_eq!(rig.bus.take_wait(), 5);
    rig.bus.read32(0x0800_2004).unwrap();
    assert_eq!(rig.bus.take_wait(), 0);
}

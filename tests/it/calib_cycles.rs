//! The calibration microbenchmarks (firmware/calib/: dependent and independent ALU chains,
//! loads and load-use, pointer chasing, stores, multiplies and MACs, branch patterns, FP)
//! time themselves with DWT CYCCNT (SysTick on Cortex-M0+) and print what 16 loop
//! iterations cost; each count must equal the one derived by hand from the core's timing
//! rules below (docs/timing.md, "Calibration"). Uses the committed
//! firmware/prebuilt/calib-<cpu>.elf; no toolchain needed.

use crate::common;
use common::*;

/// Runs calib-<cpu> on its MPS2 board and returns (kernel, cycles of 16 iterations) as
/// printed.
fn measure(cpu: &str) -> Vec<(String, u64)> {
    measure_on(&format!("calib-{cpu}"), &board_args(cpu))
}

/// Runs the prebuilt `name` with `board` and returns (kernel, cycles) as printed.
fn measure_on(name: &str, board: &[&str]) -> Vec<(String, u64)> {
    let elf = prebuilt(name);
    let mut args = vec!["run", s(&elf)];
    args.extend(board);
    args.push("--quiet");
    let out = thimble(&args);
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (k, c) = l.split_once(' ').expect("<kernel> <cycles>");
            (k.to_string(), c.parse().expect("cycles"))
        })
        .collect()
}

/// Checks every kernel's cycles against `want16` (cycles of 16 loop iterations, written as
/// 16 x one iteration: the 8-instruction body plus `subs` and the taken `bne`), and that no
/// kernel is missing.
fn check(cpu: &str, want16: &[(&str, u64)]) {
    compare(&format!("calib-{cpu}"), measure(cpu), want16);
}

/// Checks printed (kernel, cycles) against the expected ones, kernel by kernel.
fn compare(cpu: &str, got: Vec<(String, u64)>, want16: &[(&str, u64)]) {
    let names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    let want: Vec<&str> = want16.iter().map(|(k, _)| *k).collect();
    assert_eq!(names, want, "{cpu}: kernels printed");
    let bad: Vec<String> = got
        .iter()
        .zip(want16)
        .filter(|((_, c), (_, w))| c != w)
        .map(|((k, c), (_, w))| format!("{k}: {c} cycles, expected {w}"))
        .collect();
    assert!(bad.is_empty(), "{cpu}:\n{}", bad.join("\n"));
}

/// Cortex-M0+ (DDI 0484C Table 3-1): ALU, MULS (single-cycle multiplier) 1; LDR/STR 2 with
/// no pipelining; B taken 2, not taken 1. The loop: SUBS 1 + BNE 2 = 3.
#[test]
fn calibration_kernels_on_cortex_m0plus() {
    check(
        "cortex-m0plus",
        &[
            ("k_empty", 16 * 3),
            ("k_alu_dep", 16 * (8 + 3)),
            ("k_alu_indep", 16 * (8 + 3)),
            ("k_load_indep", 16 * (8 * 2 + 3)),
            ("k_load_bank", 16 * (8 * 2 + 3)),
            ("k_load_use", 16 * (4 * (2 + 1) + 3)),
            ("k_load_use_far", 16 * (4 * (2 + 1 + 1) + 3)),
            // MOV 1, then 8 loads of 2.
            ("k_ptr_chase", 16 * (1 + 8 * 2 + 3)),
            ("k_store", 16 * (8 * 2 + 3)),
            ("k_mul_dep", 16 * (8 + 3)),
            ("k_branch", 16 * (8 * 2 + 3)),
            // MOVS, EORS, then BEQ taken (2) or not taken (1) + ADD (1): 2 either way.
            ("k_branch_alt", 16 * (1 + 1 + 2 + 3)),
        ],
    );
}

/// Cortex-M4 (DDI 0439B Table 3-1, §3.3.2): ALU, MUL, MLA, DSP, VADD 1 (VFMA approximated
/// 1, see docs/timing.md), VDIV 14; LDR 2, 1 when it pipelines behind a load or an immediate-offset
/// store and does not use that load's result as address; STR immediate 1; B taken 1 + P,
/// P = 1 for these 16-bit targets. The loop: SUBS 1 + BNE 2 = 3.
#[test]
fn calibration_kernels_on_cortex_m4() {
    check(
        "cortex-m4",
        &[
            ("k_empty", 16 * 3),
            ("k_alu_dep", 16 * (8 + 3)),
            ("k_alu_indep", 16 * (8 + 3)),
            // The first load follows the BNE: 2; the other 7 pipeline: 1.
            ("k_load_indep", 16 * (2 + 7 + 3)),
            // The M4 has one load path: the addresses do not matter.
            ("k_load_bank", 16 * (2 + 7 + 3)),
            // An ADD between loads: none pipelines.
            ("k_load_use", 16 * (4 * (2 + 1) + 3)),
            ("k_load_use_far", 16 * (4 * (2 + 1 + 1) + 3)),
            // Each load's address is the previous load's result: none pipelines.
            ("k_ptr_chase", 16 * (1 + 8 * 2 + 3)),
            ("k_store", 16 * (8 + 3)),
            ("k_mul_dep", 16 * (8 + 3)),
            ("k_branch", 16 * (8 * 2 + 3)),
            ("k_branch_alt", 16 * (1 + 1 + 2 + 3)),
            ("k_mla_dep", 16 * (8 + 3)),
            ("k_mla_indep", 16 * (8 + 3)),
            ("k_load_alu", 16 * (4 * (2 + 1) + 3)),
            ("k_shift_indep", 16 * (8 + 3)),
            ("k_fadd_dep", 16 * (8 + 3)),
            ("k_fadd_indep", 16 * (8 + 3)),
            ("k_fma_dep", 16 * (8 + 3)),
            ("k_fma_indep", 16 * (8 + 3)),
            // VDIV 14 (DDI 0439B Table 7-1).
            ("k_fdiv_dep", 16 * (8 * 14 + 3)),
            // VLDR.32 2 (Table 7-1), ADD 1.
            ("k_vldr_alu", 16 * (4 * (2 + 1) + 3)),
        ],
    );
}

/// Cortex-M7 (the pipeline model of isa-thumb/src/pipeline.rs, parameters in timing.rs;
/// docs/timing.md "Cortex-M7"): single-issue costs 1 (loads and stores included); a 1-cycle
/// instruction issues beside the one before it (cost 0) when the pair is allowed (ALU + ALU,
/// ALU or MAC or FP + load/store, ..., a branch only second; one shifter op, one load/store,
/// one MAC, one FP op per cycle) and it does not use that one's result; a load or multiply
/// result used in the next issue cycle stalls 1 (an MLA's accumulator does not); a
/// correctly predicted branch costs 1, a mispredicted one 1 + 3; an FP result is ready its
/// latency after issue (F32: VADD 3, VFMA 5 with the accumulator read 2 late, VDIV 16;
/// F64: VADD 4, VFMA 11 with the accumulator 3 late, VDIV 30). The loop: SUBS pairs with
/// the body's last instruction (0) and the predicted BNE takes 1 — or SUBS 1 and BNE paired
/// behind it when the body ends in a branch.
#[test]
fn calibration_kernels_on_cortex_m7() {
    check(
        "cortex-m7",
        &[
            // SUBS 1, BNE paired 0.
            ("k_empty", 16),
            // No pair: each add reads the previous one's result.
            ("k_alu_dep", 16 * (8 + 1)),
            // Four pairs.
            ("k_alu_indep", 16 * (4 + 1)),
            // Two loads per cycle when their addresses are on different halves of the
            // 64-bit data path (address bit 2: D0TCM / D1TCM, DDI 0489F §5.1; two load
            // pipes, LLVM ARMScheduleM7.td): [r1] + [r1, #4], [r1, #8] + [r1, #12], ...
            // four pairs; SUBS 1 (the last load took the second slot), BNE paired.
            ("k_load_indep", 16 * (4 + 1)),
            // All on the low half (offsets 0, 8, 16, 24): one load per cycle; SUBS pairs
            // with the last load, BNE 1.
            ("k_load_bank", 16 * (8 + 1)),
            // LDR 1; the ADD waits for it: 1 + 1; the next LDR pairs with that ADD (0).
            ("k_load_use", 16 * (1 + 2 + 3 * 2 + 1)),
            // LDR + the independent ADD in one cycle, so the use is still in the next: 2.
            ("k_load_use_far", 16 * (1 + 2 + 3 * 2 + 1)),
            // MOV 1, LDR 1 (it uses MOV's result: no pair), then 7 loads of 1 + 1.
            ("k_ptr_chase", 16 * (1 + 1 + 7 * 2 + 1)),
            ("k_store", 16 * (8 + 1)),
            // MULS 1, then 7 of 1 + 1 (each uses the previous product).
            ("k_mul_dep", 16 * (1 + 7 * 2 + 1)),
            // 8 predicted B of 1 (none pairs: a branch only takes the second slot and the
            // next one is not issued with it); SUBS 1 after the last, BNE paired.
            ("k_branch", 16 * (8 + 1)),
            // The BEQ alternates taken / not taken: the 2-bit counter mispredicts it every
            // time (1 + 3 for it). Taken: MOVS 1, EORS 1 (uses R6), BEQ 4, SUBS 1, BNE 0 = 7;
            // not taken: MOVS 1, EORS 1, BEQ 4, ADD 1, SUBS 0, BNE 1 = 8.
            ("k_branch_alt", 8 * (7 + 8)),
            ("k_mla_dep", 16 * (8 + 1)),
            // One MAC per cycle.
            ("k_mla_indep", 16 * (8 + 1)),
            // LDR and ADD pair: 4 cycles.
            ("k_load_alu", 16 * (4 + 1)),
            // One shifter op per cycle.
            ("k_shift_indep", 16 * (8 + 1)),
            // FP results (timing.rs CORTEX_M7, from Arm's LLVM and GCC Cortex-M7 models):
            // VADD.F32 ready 3 cycles after issue, so a chain issues every 3 cycles; the
            // loop's SUBS pairs with the last VADD and BNE fills one of the gap's cycles: 8 x
            // 3 per iteration.
            ("k_fadd_dep", 16 * (8 * 3)),
            // Four accumulators: each is ready again before its next use; one FP op per
            // cycle.
            ("k_fadd_indep", 16 * (8 + 1)),
            // VFMA.F32: result 5, accumulator read 2 late: a chain issues every 3 cycles.
            ("k_fma_dep", 16 * (8 * 3)),
            ("k_fma_indep", 16 * (8 + 1)),
            // VDIV.F32: 16, one at a time; the loop hides in the wait.
            ("k_fdiv_dep", 16 * (8 * 16)),
            // VLDR.32 issues in one cycle (LLVM ARMScheduleM7.td M7LoadSP: one load pipe)
            // and the independent ADD pairs with it: 4 cycles; SUBS 1 (the ADD was second),
            // BNE paired. With the M4's VLDR of 2 it would take 13.
            ("k_vldr_alu", 16 * (4 + 1)),
            // Double precision: VADD.F64 4; VFMA.F64 11 with the accumulator 3 late: 8;
            // VDIV.F64 30.
            ("k_dadd_dep", 16 * (8 * 4)),
            ("k_dfma_dep", 16 * (8 * 8)),
            ("k_ddiv_dep", 16 * (8 * 30)),
            // A double-precision op only starts an issue group (LLVM ARMScheduleM7.td:
            // BeginGroup on the F64 writes): ADD 1; VADD.F64 + the next ADD, three times;
            // the last VADD.F64 + SUBS; BNE 1 (alone: the SUBS was second). 6 cycles, where
            // ADD + VADD.F64 pairs would take 5.
            ("k_dadd_alu", 16 * 6),
        ],
    );
}

/// TCM vs AXI RAM on the Cortex-M7 of disco-f746ng (firmware/calib/calib_mem.c: the load
/// kernels on a buffer in DTCM, in SRAM1 with the L1 D-cache off, and in SRAM1 with it on),
/// from the board file's banks (sim-core/boards/disco-f746ng.toml: DTCM on the TCM port,
/// 0 wait states; SRAM1 behind AXIM, 4 wait states per uncached read or D-cache miss) and
/// the M7 pipeline rules of `calibration_kernels_on_cortex_m7`. An access that waits costs
/// more than one cycle, so it never takes the second slot of a pair; two loads without
/// waits pair when address bit 2 differs (DTCM: D0TCM / D1TCM, DDI 0489F §5.1; the
/// D-cache's data path is taken to be split the same way, an estimate).
#[test]
fn tcm_and_axi_ram_on_the_cortex_m7_of_disco_f746ng() {
    let axi = 4; // SRAM1 wait_states in the board file
    let got = measure_on("calib_mem-disco-f746ng", &["--board", "disco-f746ng"]);
    compare(
        "calib_mem-disco-f746ng",
        got,
        &[
            // DTCM: as on mps2-an500 (single-cycle loads, two per cycle on D0TCM +
            // D1TCM: four pairs; SUBS 1, BNE paired).
            ("dtcm_load_indep", 16 * (4 + 1)),
            // LDR 1, ADD 1 + 1 waiting for the load; the next LDR pairs with the ADD.
            ("dtcm_load_use", 16 * (1 + 2 + 3 * 2 + 1)),
            // All on D0TCM: one per cycle; SUBS pairs with the last load, BNE 1.
            ("dtcm_load_bank", 16 * (8 + 1)),
            // Uncached SRAM1: every load 1 + 4 and alone in its cycle; SUBS 1 (nothing to pair
            // with: the load before it took 5), BNE paired.
            ("sram1_load_indep", 16 * (8 * (1 + axi) + 1)),
            // LDR 1 + 4, ADD 1 + 1; SUBS pairs with the last ADD, BNE 1.
            ("sram1_load_use", 16 * (4 * ((1 + axi) + 2) + 1)),
            // D-cache on: the buffer's line stays cached between runs, every load hits: as
            // DTCM.
            ("sram1_cached_load_indep", 16 * (4 + 1)),
            ("sram1_cached_load_use", 16 * (1 + 2 + 3 * 2 + 1)),
            ("sram1_cached_load_bank", 16 * (8 + 1)),
        ],
    );
}

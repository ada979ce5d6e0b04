//! The calibration microbenchmarks (firmware/calib/: dependent and independent ALU chains,
//! loads and load-use, pointer chasing, stores, multiplies and MACs, branch patterns, FP)
//! time themselves with DWT CYCCNT (SysTick on Cortex-M0+) and print what 16 loop
//! iterations cost; each count must equal the one derived by hand from the core's timing
//! rules below (docs/timing.md, "Calibration"). Uses the committed
//! firmware/prebuilt/calib-<cpu>.elf; no toolchain needed.

mod common;
use common::*;

/// Runs calib-<cpu> and returns (kernel, cycles of 16 iterations) as printed.
fn measure(cpu: &str) -> Vec<(String, u64)> {
    let elf = prebuilt(&format!("calib-{cpu}"));
    let mut args = vec!["run", s(&elf)];
    args.extend(board_args(cpu));
    args.push("--quiet");
    let out = thimble(&args);
    assert!(
        out.status.success(),
        "calib-{cpu}: {}",
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

/// Checks every kernel's cycles against `per_iteration` (cycles of one loop iteration: the
/// 8-instruction body plus `subs` and the taken `bne`), and that no kernel is missing.
fn check(cpu: &str, per_iteration: &[(&str, u64)]) {
    let got = measure(cpu);
    let names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    let want: Vec<&str> = per_iteration.iter().map(|(k, _)| *k).collect();
    assert_eq!(names, want, "calib-{cpu}: kernels printed");
    let bad: Vec<String> = got
        .iter()
        .zip(per_iteration)
        .filter(|((_, c), (_, per))| *c != 16 * per)
        .map(|((k, c), (_, per))| format!("{k}: {c} cycles, expected 16 x {per} = {}", 16 * per))
        .collect();
    assert!(bad.is_empty(), "calib-{cpu}:\n{}", bad.join("\n"));
}

/// Cortex-M0+ (DDI 0484C Table 3-1): ALU, MULS (single-cycle multiplier) 1; LDR/STR 2 with
/// no pipelining; B taken 2, not taken 1. The loop: SUBS 1 + BNE 2 = 3.
#[test]
fn calibration_kernels_on_cortex_m0plus() {
    check(
        "cortex-m0plus",
        &[
            ("k_empty", 3),
            ("k_alu_dep", 8 + 3),
            ("k_alu_indep", 8 + 3),
            ("k_load_indep", 8 * 2 + 3),
            ("k_load_use", 4 * (2 + 1) + 3),
            ("k_load_use_far", 4 * (2 + 1 + 1) + 3),
            // MOV 1, then 8 loads of 2.
            ("k_ptr_chase", 1 + 8 * 2 + 3),
            ("k_store", 8 * 2 + 3),
            ("k_mul_dep", 8 + 3),
            ("k_branch", 8 * 2 + 3),
            // MOVS, EORS, then BEQ taken (2) or not taken (1) + ADD (1): 2 either way.
            ("k_branch_alt", 1 + 1 + 2 + 3),
        ],
    );
}

/// Cortex-M4 (DDI 0439B Table 3-1, §3.3.2): ALU, MUL, MLA, DSP, VADD 1 (VFMA approximated
/// 1, see docs/timing.md); LDR 2, 1 when it pipelines behind a load or an immediate-offset
/// store and does not use that load's result as address; STR immediate 1; B taken 1 + P,
/// P = 1 for these 16-bit targets. The loop: SUBS 1 + BNE 2 = 3.
#[test]
fn calibration_kernels_on_cortex_m4() {
    check(
        "cortex-m4",
        &[
            ("k_empty", 3),
            ("k_alu_dep", 8 + 3),
            ("k_alu_indep", 8 + 3),
            // The first load follows the BNE: 2; the other 7 pipeline: 1.
            ("k_load_indep", 2 + 7 + 3),
            // An ADD between loads: none pipelines.
            ("k_load_use", 4 * (2 + 1) + 3),
            ("k_load_use_far", 4 * (2 + 1 + 1) + 3),
            // Each load's address is the previous load's result: none pipelines.
            ("k_ptr_chase", 1 + 8 * 2 + 3),
            ("k_store", 8 + 3),
            ("k_mul_dep", 8 + 3),
            ("k_branch", 8 * 2 + 3),
            ("k_branch_alt", 1 + 1 + 2 + 3),
            ("k_mla_dep", 8 + 3),
            ("k_mla_indep", 8 + 3),
            ("k_load_alu", 4 * (2 + 1) + 3),
            ("k_shift_indep", 8 + 3),
            ("k_fadd_dep", 8 + 3),
            ("k_fadd_indep", 8 + 3),
            ("k_fma_dep", 8 + 3),
        ],
    );
}

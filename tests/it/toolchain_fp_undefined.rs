//! FP encodings the core's FPU lacks fault as in QEMU, on held-out ELFs built here with
//! arm-none-eabi-gcc: double precision on FPv4-SP (mps2-an386, Cortex-M4F) is UNDEFINSTR while
//! FPv5-D16 (mps2-an500, Cortex-M7) runs it; D16-D31 are UNDEFINSTR on both; with CPACR
//! denying CP10 every FP-space encoding is NOCP. Each program enables the UsageFault handler,
//! runs one instruction and exits through SYS_EXIT_EXTENDED with 0x55 when it retired, else
//! with IPSR << 4 | UFSR[3:0] (0x61: UsageFault UNDEFINSTR, 0x68: UsageFault NOCP).

use crate::common;
use common::{require_tool, s, temp_path, thimble};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PROGRAM: &str = r#"
    .syntax unified
    .thumb
    .section .vectors,"a"
    .word 0x20001000
    .word reset + 1
    .rept 5
    .word fault + 1
    .endr
    .text
    .thumb_func
reset:
    ldr r0, =0xE000ED88   @ CPACR
    ldr r1, =CPACR
    str r1, [r0]
    ldr r0, =0xE000ED24   @ SHCSR: UsageFault, BusFault, MemManage enabled
    ldr r1, =0x00070000
    str r1, [r0]
    dsb
    isb
    ldr r0, =0x20000100
    INSN
    movs r1, #0x55
    b exit
    .thumb_func
fault:
    ldr r0, =0xE000ED28   @ CFSR: UFSR is bits 31:16
    ldr r1, [r0]
    lsrs r1, r1, #16
    movs r3, #15
    ands r1, r1, r3
    mrs r2, ipsr
    lsls r2, r2, #4
    orrs r1, r1, r2
exit:
    ldr r0, =blk
    str r1, [r0, #4]
    movs r1, r0
    movs r0, #0x20        @ SYS_EXIT_EXTENDED
    bkpt 0xab
    b .
    .data
    .align 2
blk: .word 0x20026, 0
"#;

fn build(dir: &Path, name: &str, insn: &str, cpacr: u32) -> PathBuf {
    let src = dir.join("fp.S");
    std::fs::write(&src, PROGRAM).unwrap();
    let elf = dir.join(format!("{name}.elf"));
    let st = Command::new("arm-none-eabi-gcc")
        .args([
            "-mcpu=cortex-m7",
            "-mfpu=fpv5-d16",
            "-mfloat-abi=hard",
            "-mthumb",
        ])
        .args(["-nostdlib", "-nostartfiles", "-Wl,-e,reset"])
        .arg(format!("-DINSN={insn}"))
        .arg(format!("-DCPACR={cpacr:#x}"))
        .args([
            "-Wl,--section-start=.vectors=0",
            "-Wl,-Ttext=0x100",
            "-Wl,-Tdata=0x20000000",
            "-Wl,--no-warn-rwx-segments",
        ])
        .arg(&src)
        .arg("-o")
        .arg(&elf)
        .status()
        .unwrap();
    assert!(st.success(), "arm-none-eabi-gcc failed for {name} ({insn})");
    elf
}

fn qemu(elf: &Path, board: &str) -> i32 {
    Command::new("timeout")
        .args([
            "20",
            "qemu-system-arm",
            "-M",
            board,
            "-nographic",
            "-semihosting",
        ])
        .arg("-kernel")
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .code()
        .expect("qemu exited normally")
}

#[test]
#[ignore = "toolchain: needs arm-none-eabi-gcc and qemu-system-arm; run by .ci/run"]
fn missing_fp_instructions_fault_as_in_qemu() {
    require_tool("arm-none-eabi-gcc");
    require_tool("qemu-system-arm");
    let dir = temp_path("fp-undef");
    std::fs::create_dir_all(&dir).unwrap();
    // (name, instruction, expected on an386 (FPv4-SP), on an500 (FPv5-D16)).
    let cases = [
        ("vadd_f32", "vadd.f32 s0, s1, s2", 0x55, 0x55),
        ("vldr_d1", "vldr d1, [r0]", 0x55, 0x55),
        ("vadd_f64", "vadd.f64 d0, d1, d2", 0x61, 0x55),
        ("vfma_f64", "vfma.f64 d0, d1, d2", 0x61, 0x55),
        ("vcvt_f64_f32", "vcvt.f64.f32 d0, s0", 0x61, 0x55),
        ("vrinta_f32", "vrinta.f32 s0, s1", 0x61, 0x55),
        // D16-D31 (raw: the assembler refuses them for fpv5-d16).
        ("vadd_d16", ".inst.w 0xee300ba0", 0x61, 0x61),
        ("vldr_d16", ".inst.w 0xedd00b00", 0x61, 0x61),
        ("vmov_r_d16", ".inst.w 0xec510b30", 0x61, 0x61),
        ("vldm_d16", ".inst.w 0xecf00b04", 0x61, 0x61),
        ("vldm_d15_d16", ".inst.w 0xecb0fb04", 0x61, 0x61),
    ];
    let mut bad = Vec::new();
    for (name, insn, m4, m7) in cases {
        for (cpacr, m4, m7) in [(0x00F0_0000, m4, m7), (0, 0x68, 0x68)] {
            let elf = build(&dir, &format!("{name}-{cpacr:x}"), insn, cpacr);
            for (board, want) in [("mps2-an386", m4), ("mps2-an500", m7)] {
                let q = qemu(&elf, board);
                let t = thimble(&["run", s(&elf), "--board", board, "--quiet"])
                    .status
                    .code()
                    .unwrap_or(-1);
                if q != want || t != want {
                    bad.push(format!(
                        "{insn} (CPACR {cpacr:#x}) on {board}: QEMU {q:#x}, thimble {t:#x}, expected {want:#x}"
                    ));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

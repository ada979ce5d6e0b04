//! Bad input gets one clear line and a documented exit status — never a panic or a hang.

use crate::common;
use common::*;

/// Exit statuses documented in src/exit.rs and the README.
const BAD_ARGUMENT: i32 = 64;
const BAD_ELF: i32 = 65;
const NO_INPUT: i32 = 66;
const DOES_NOT_FIT: i32 = 67;
const GUEST_FAULT: i32 = 70;
const LIMIT: i32 = 71;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_one_clear_line(o: &std::process::Output, code: i32, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "want exactly one line, got: {err}");
    assert!(lines[0].starts_with("thimble: error: "), "{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn text_file_is_refused() {
    let dir = temp_path("text");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("notes.txt");
    std::fs::write(&p, "not firmware\n").unwrap();
    let o = thimble(&["run", s(&p)]);
    assert_one_clear_line(&o, BAD_ELF, &["notes.txt", "not an ELF file"]);
}

#[test]
fn x86_64_elf_is_refused() {
    // The test binary itself is an x86-64 ELF.
    let me = std::env::current_exe().unwrap();
    let o = thimble(&["run", s(&me)]);
    assert_one_clear_line(
        &o,
        BAD_ELF,
        &[
            "64-bit little-endian x86-64 ELF",
            "32-bit little-endian ARM",
        ],
    );
}

#[test]
fn truncated_elf_is_refused() {
    let full = std::fs::read(prebuilt("hello-cortex-m4")).unwrap();
    let dir = temp_path("trunc");
    std::fs::create_dir_all(&dir).unwrap();
    for cut in [40usize, 300, full.len() / 2] {
        let p = dir.join(format!("cut{cut}.elf"));
        std::fs::write(&p, &full[..cut]).unwrap();
        let o = thimble(&["run", s(&p)]);
        assert_one_clear_line(&o, BAD_ELF, &[&format!("cut{cut}.elf"), "malformed ELF"]);
    }
}

#[test]
fn missing_file_is_named() {
    let o = thimble(&["run", "no/such/firmware.elf"]);
    assert_one_clear_line(&o, NO_INPUT, &["no/such/firmware.elf", "cannot read"]);
}

#[test]
fn bss_larger_than_nano33ble_sram_is_refused_with_the_overflow() {
    let o = thimble(&["run", s(&prebuilt("bad-big-bss-nano33ble"))]);
    assert_one_clear_line(
        &o,
        DOES_NOT_FIT,
        &["section .bss", "does not fit SRAM (256.0 KiB)", "over"],
    );
}

/// A build without the `jit` feature (the default) knows the name and says what it lacks.
#[cfg(not(feature = "jit"))]
#[test]
fn engine_jit_without_the_feature_names_it() {
    let elf = prebuilt("hello-cortex-m4");
    let o = thimble(&["run", s(&elf), "--board", "mps2-an386", "--engine", "jit"]);
    assert_one_clear_line(
        &o,
        BAD_ARGUMENT,
        &[
            "--engine jit",
            "without the `jit` feature",
            "--features jit",
        ],
    );
}

#[test]
fn unknown_board_and_core_are_bad_arguments() {
    let elf = prebuilt("hello-cortex-m4");
    let o = thimble(&["run", s(&elf), "--board", "nano34"]);
    assert_one_clear_line(&o, BAD_ARGUMENT, &["unknown board 'nano34'", "nano33ble"]);
    let o = thimble(&["run", s(&elf), "--core", "cortex-m9"]);
    assert_one_clear_line(
        &o,
        BAD_ARGUMENT,
        &["unknown core 'cortex-m9'", "cortex-m0plus"],
    );
}

#[test]
fn program_that_never_exits_stops_at_max_cycles() {
    let o = thimble(&[
        "run",
        s(&prebuilt("bad-spin-nano33ble")),
        "--max-cycles",
        "200000",
        "--quiet",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(LIMIT), "{err}");
    assert!(err.contains("cycle limit of 200000 reached"), "{err}");
}

#[test]
fn a_spin_on_a_ready_bit_no_model_sets_names_the_register_and_bit_at_the_limit() {
    let o = thimble(&[
        "run",
        s(&prebuilt("bad-poll-nucleo-l4r5zi")),
        "--board",
        "nucleo-l4r5zi",
        "--max-instructions",
        "3000000",
        "--json",
        "target/bad-poll-report.json",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(LIMIT), "{err}");
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.contains("instruction limit of 3000000 reached")
            && last.contains("firmware polled ADC_ISR (0x50040000) bit 0 ADRDY ")
            && last.contains(" times; it never changed"),
        "{err}"
    );
    // Each unmodelled register is warned about once and listed in the report.
    assert_eq!(err.matches("(ADC.ISR) is not modelled").count(), 1, "{err}");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("target/bad-poll-report.json")).unwrap(),
    )
    .unwrap();
    let names: Vec<String> = json["unmodelled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{}.{}",
                u["peripheral"].as_str().unwrap(),
                u["register"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(names, ["ADC.ISR", "ADC.CR"]);
    // --strict-mmio makes the first unmodelled access a BusFault.
    let o = thimble(&[
        "run",
        s(&prebuilt("bad-poll-nucleo-l4r5zi")),
        "--board",
        "nucleo-l4r5zi",
        "--strict-mmio",
        "--quiet",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(GUEST_FAULT), "{err}");
    assert!(err.contains("0x50040008"), "{err}");
}

#[test]
fn jump_to_unmapped_memory_reports_a_hardfault_with_the_pc() {
    let o = thimble(&[
        "run",
        s(&prebuilt("bad-jump-unmapped-nano33ble")),
        "--quiet",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(GUEST_FAULT), "{err}");
    assert!(err.contains("HardFault"), "{err}");
    assert!(err.contains("pc 0x90000000"), "{err}");
}

#[test]
fn semihosting_open_of_etc_hostname_is_refused_by_default() {
    let o = thimble(&[
        "run",
        s(&prebuilt("bad-open-hostname-nano33ble")),
        "--quiet",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("open /etc/hostname -> -1"),
        "the guest must see -1 from SYS_OPEN: {out}"
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "the program exits 0 when refused: {out}"
    );
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    if !host.trim().is_empty() {
        assert!(
            !out.contains(host.trim()),
            "host file content leaked: {out}"
        );
    }
}

#[test]
fn load_size_mismatch_and_unknown_symbol_are_named() {
    let elf = prebuilt("hello-cortex-m4");
    let dir = temp_path("load");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("in.bin");
    std::fs::write(&f, [1u8, 2, 3]).unwrap();
    let spec = format!("no_such_symbol={}", s(&f));
    let o = thimble(&["run", s(&elf), "--board", "mps2-an386", "--load", &spec]);
    assert_one_clear_line(&o, BAD_ARGUMENT, &["no symbol 'no_such_symbol'"]);
}

#[test]
fn model_import_refuses_a_non_tflite_file_and_disasm_a_missing_function() {
    let o = thimble(&[
        "model",
        "import",
        "README.md",
        "-o",
        &std::env::temp_dir().display().to_string(),
    ]);
    assert_one_clear_line(&o, BAD_ELF, &["README.md", "tflite"]);
    let o = thimble(&[
        "disasm",
        s(&prebuilt("hello-cortex-m4")),
        "--symbol",
        "no_such_fn",
    ]);
    assert_one_clear_line(&o, BAD_ARGUMENT, &["no function 'no_such_fn'"]);
}

#[test]
fn disasm_prints_main_as_objdump_would() {
    let o = thimble(&[
        "disasm",
        s(&prebuilt("conv_int8-cortex-m4")),
        "--board",
        "mps2-an386",
        "--symbol",
        "main",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("<main>:"), "{out}");
    assert!(
        out.contains("e92d 4ff0  push.w {r4, r5, r6, r7, r8, sb, sl, fp, lr}"),
        "{out}"
    );
}

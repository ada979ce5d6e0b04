//! `--trace FILE`: one line per retired instruction (PC, disassembly, cycles so far, registers
//! changed), `--trace-from SYMBOL`, `--trace-limit N`, and their errors. The PC sequence is
//! checked against QEMU's in tests/it/toolchain_qemu.rs.

use crate::common;
use common::*;

fn trace_of(args: &[&str], file: &str) -> (std::process::Output, String) {
    let path = root().join("target").join(file);
    let mut a = vec!["run", "--trace", s(&path)];
    a.extend_from_slice(args);
    let out = thimble(&a);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    (out, text)
}

#[test]
fn trace_from_main_with_a_limit_starts_at_main_and_stops_after_n_lines() {
    let elf = prebuilt("hello-cortex-m4");
    let (out, text) = trace_of(
        &[
            s(&elf),
            "--board",
            "mps2-an386",
            "--quiet",
            "--trace-from",
            "main",
            "--trace-limit",
            "5",
        ],
        "trace-main.txt",
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr_text(&out));
    assert!(stderr_text(&out).contains("stopped after 5 lines (--trace-limit)"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    let first: Vec<&str> = lines[0].split_whitespace().collect();
    assert!(
        first[0].starts_with("0x") && first[0].len() == 10,
        "{}",
        lines[0]
    );
    let cycles: Vec<u64> = lines
        .iter()
        .map(|l| {
            let f = l.split("cycles=").nth(1).expect("cycles field");
            f.split_whitespace().next().unwrap().parse().unwrap()
        })
        .collect();
    assert!(
        cycles.windows(2).all(|w| w[0] < w[1]),
        "cycles grow: {cycles:?}"
    );
}

#[test]
fn trace_lines_name_the_registers_an_instruction_changed() {
    let elf = prebuilt("hello-cortex-m4");
    let (_, text) = trace_of(
        &[
            s(&elf),
            "--board",
            "mps2-an386",
            "--quiet",
            "--trace-limit",
            "3",
        ],
        "trace-regs.txt",
    );
    // Start-up's first instruction of hello-cortex-m4: `ldr r2, [pc, #0x8c]` loads _sdata.
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("0x000000d4  ldr r2, [pc, #0x8c]  cycles="),
        "{first}"
    );
    assert!(first.ends_with("r2=0x20000000"), "{first}");
}

#[test]
fn bad_trace_arguments_get_one_clear_line() {
    let elf = prebuilt("hello-cortex-m4");
    let (out, _) = trace_of(
        &[
            s(&elf),
            "--board",
            "mps2-an386",
            "--trace-from",
            "no_such_fn",
        ],
        "trace-bad.txt",
    );
    assert_eq!(out.status.code(), Some(64));
    assert!(
        stderr_text(&out).contains("--trace-from no_such_fn: the ELF has no function 'no_such_fn'")
    );
    let out = thimble(&[
        "run",
        s(&elf),
        "--board",
        "mps2-an386",
        "--trace",
        "/nonexistent-dir/trace.txt",
    ]);
    assert_eq!(out.status.code(), Some(75), "{}", stderr_text(&out));
    assert!(stderr_text(&out).contains("--trace /nonexistent-dir/trace.txt: cannot create"));
}

fn stderr_text(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

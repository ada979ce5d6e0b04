//! A guest fault reads as one plain line, the fault registers decoded and a backtrace with
//! function+offset and file:line from DWARF; addresses outside every function stay bare.

use crate::common;
use common::*;

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_bus_fault_three_calls_deep_reads_plainly_with_its_backtrace() {
    let o = thimble(&["run", s(&prebuilt("ci_fault-nano33ble")), "--quiet"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(70), "{e}");
    assert!(
        e.contains("HardFault (forced) from BusFault: data access at 0x60000000, not mapped"),
        "{e}"
    );
    assert!(!e.contains("Bus {"), "no Rust debug text: {e}");
    assert!(
        e.contains("CFSR 0x00008200 HFSR 0x40000000 BFAR 0x60000000 = BFSR.PRECISERR BFSR.BFARVALID HFSR.FORCED"),
        "{e}"
    );
    // The chain, innermost first, each with its source line (line numbers of
    // firmware/tests/ci/ci_fault.c).
    let frames: Vec<&str> = e
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect();
    let want = [
        ("in read_sample", "ci_fault.c:16"),
        ("called from filter_block", "ci_fault.c:23"),
        ("called from run_pipeline", "ci_fault.c:32"),
        ("called from main+", "ci_fault.c:40"),
    ];
    assert!(frames.len() >= want.len(), "{e}");
    for (frame, (func, line)) in frames.iter().zip(want) {
        assert!(
            frame.contains(func) && frame.contains(line),
            "{frame} should be {func} {line}: {e}"
        );
    }
    let src = std::fs::read_to_string(root().join("firmware/tests/ci/ci_fault.c")).unwrap();
    let line = |n: usize| src.lines().nth(n - 1).unwrap_or_default();
    assert!(
        line(16).contains("return fifo[i]"),
        "line 16 is the load: {}",
        line(16)
    );
    assert!(
        line(23).contains("read_sample("),
        "line 23 calls read_sample: {}",
        line(23)
    );
}

#[test]
fn an_address_outside_every_function_is_shown_bare() {
    let o = thimble(&[
        "run",
        s(&prebuilt("bad-jump-unmapped-nano33ble")),
        "--json",
        "-",
        "-q",
    ]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(70), "{e}");
    assert!(
        e.contains("unhandled fault at pc 0x90000000: HardFault (forced) from BusFault: instruction fetch at 0x90000000, not mapped"),
        "{e}"
    );
    assert!(e.contains("#0 0x90000000 outside every function"), "{e}");
    assert!(e.contains("called from main+0x"), "{e}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let f = &v["faults"][0];
    assert_eq!(f["location"], "0x90000000");
    assert_eq!(f["registers"]["hfsr"], "0x40000000");
    assert_eq!(f["backtrace"][0]["location"], "0x90000000");
    assert!(f["backtrace"][1]["source"]
        .as_str()
        .is_some_and(|s| s.starts_with("tests/bad/jump_unmapped.c:")));
}

//! Acceptance (issue 4): a recursion whose frame sizes are known from GCC's -fstack-usage
//! reports a stack peak within 64 bytes of their sum, and `--roi` counts its calls exactly.
//! firmware/tests/recursion.c recurses DEPTH times through `recurse` down to `leaf`;
//! firmware/prebuilt/recursion-cortex-m4.su is GCC's stack-usage report of that very build
//! (the Makefile writes it beside the ELF; `make -C firmware check` reproduces both).

use crate::common;
use common::*;
use std::collections::BTreeMap;

/// `#define DEPTH` of firmware/tests/recursion.c (the guest prints it too; checked below).
const DEPTH: u64 = 100;

/// Frame size per function from a .su file ("file:line:col:function<TAB>bytes<TAB>static").
fn stack_usage(text: &str) -> BTreeMap<String, u64> {
    let mut frames = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "malformed .su line {line:?}");
        assert_eq!(
            fields[2], "static",
            "{line:?}: a dynamic frame has no fixed size"
        );
        let func = fields[0].rsplit(':').next().unwrap().to_string();
        let bytes: u64 = fields[1].parse().unwrap();
        frames.insert(func, bytes);
    }
    frames
}

#[test]
fn recursion_stack_peak_is_the_sum_of_its_frames_and_roi_counts_every_call() {
    let su = std::fs::read_to_string(root().join("firmware/prebuilt/recursion-cortex-m4.su"))
        .expect("firmware/prebuilt/recursion-cortex-m4.su (make -C firmware)");
    let frames = stack_usage(&su);
    let frame = |f: &str| {
        *frames
            .get(f)
            .unwrap_or_else(|| panic!("{f} not in the .su"))
    };
    // The deepest chain: Reset_Handler -> main -> recurse x DEPTH -> leaf.
    let expected =
        frame("Reset_Handler") + frame("main") + DEPTH * frame("recurse") + frame("leaf");
    assert!(frame("recurse") > 0 && expected > 64 * 10, "{frames:?}");

    let json = temp_path("recursion.json");
    let elf = prebuilt("recursion-cortex-m4");
    let o = thimble(&[
        "run",
        s(&elf),
        "--board",
        "mps2-an386",
        "--quiet",
        "--roi",
        "recurse",
        "--roi",
        "leaf",
        "--json",
        s(&json),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(&format!("recursion depth {DEPTH}:")), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let _ = std::fs::remove_file(&json);

    let peak = v["memory"]["stack_peak"].as_u64().unwrap();
    assert!(
        peak.abs_diff(expected) <= 64,
        "stack peak {peak} B, frames from -fstack-usage sum to {expected} B ({frames:?})"
    );
    let calls = |sym: &str| {
        v["roi"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["symbol"] == sym)
            .unwrap_or_else(|| panic!("no roi {sym}"))["calls"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(calls("recurse"), DEPTH);
    assert_eq!(calls("leaf"), 1);
}

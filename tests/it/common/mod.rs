//! Helpers shared by the end-to-end tests: run the real `thimble` binary on real ELFs.

#![allow(dead_code)] // each test file uses a subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A committed firmware ELF.
pub fn prebuilt(name: &str) -> PathBuf {
    let p = root().join("firmware/prebuilt").join(format!("{name}.elf"));
    assert!(p.exists(), "missing prebuilt firmware {}", p.display());
    p
}

/// Runs `thimble ARGS` and returns its output.
pub fn thimble(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thimble"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run thimble")
}

/// The board (and core override) that runs a `<prog>-<cpu>` ELF unchanged in QEMU and thimble.
pub fn board_args(cpu: &str) -> Vec<&'static str> {
    match cpu {
        "cortex-m0plus" => vec!["--board", "mps2-an385", "--core", "cortex-m0plus"],
        "cortex-m3" => vec!["--board", "mps2-an385"],
        "cortex-m4" => vec!["--board", "mps2-an386"],
        "cortex-m7" => vec!["--board", "mps2-an500"],
        other => panic!("no MPS2 board for {other}"),
    }
}

/// Splits "conv_int8-cortex-m4" into ("conv_int8", "cortex-m4").
pub fn split_name(name: &str) -> (&str, &str) {
    let i = name.find("-cortex-").expect("name is <prog>-<cpu>");
    (&name[..i], &name[i + 1..])
}

/// Runs a prebuilt ELF in thimble on its MPS2 board; returns stdout with "exit=N" appended,
/// the form of firmware/expected/*.out.
pub fn thimble_transcript(name: &str) -> String {
    let (_, cpu) = split_name(name);
    let elf = prebuilt(name);
    let mut args = vec![
        "run",
        elf.to_str().unwrap(),
        "--quiet",
        "--max-instructions",
        "2000000000",
    ];
    args.extend(board_args(cpu));
    let out = thimble(&args);
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&format!("exit={}\n", out.status.code().unwrap_or(-1)));
    if !out.stderr.is_empty() {
        eprintln!("{name} stderr:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    s
}

/// The committed QEMU transcript of a prebuilt ELF.
pub fn expected(name: &str) -> String {
    let p = root().join("firmware/expected").join(format!("{name}.out"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Side-by-side diff of two transcripts, `*` marking lines that differ.
pub fn diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out = String::from("  line | QEMU (expected) | thimble\n");
    for i in 0..w.len().max(g.len()) {
        let a = w.get(i).copied().unwrap_or("<none>");
        let b = g.get(i).copied().unwrap_or("<none>");
        let mark = if a == b { ' ' } else { '*' };
        out.push_str(&format!("{mark} {i:4} | {a} | {b}\n"));
    }
    out
}

/// Panics with a clear message when a tool the test needs is missing (toolchain tests).
pub fn require_tool(tool: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{tool} is missing: this test needs it (install it as .ci/run does)"
    );
}

/// A fresh path in the temporary directory for one run's output (a JSON report, a log),
/// unique to this process and to this call: the tests of one binary run in parallel threads
/// and several may run the same ELF. `tag` names the file for a reader.
pub fn temp_path(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("thimble-{}-{n}-{tag}", std::process::id()))
}

/// Path as &str.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

//! The committed firmware ELFs (firmware/prebuilt/) on the Thumb executor with this crate's
//! devices: guest output and exit status must equal QEMU's, recorded in firmware/expected/
//! (the `exit=N` line is the status). Needs no ARM toolchain or QEMU.

use peripherals::{attach, PeripheralOptions};
use sim_core::board::{Board, CoreProfile};
use sim_core::console::Console;
use sim_core::machine::{Machine, StopReason};
use sim_core::Image;
use std::path::{Path, PathBuf};

fn firmware() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../firmware")
}

/// Runs `elf` on `board` (with `core` overriding the board's core) and returns the output and
/// why it stopped.
fn run(
    elf: &str,
    board: &str,
    core: Option<CoreProfile>,
    root: Option<&Path>,
) -> (String, StopReason) {
    let mut board = Board::load(board).unwrap();
    if let Some(c) = core {
        board.set_core(c);
    }
    let image = Image::from_file(&firmware().join("prebuilt").join(elf)).unwrap();
    let isa = Box::new(isa_thumb::Thumb::new(board.core, board.fpu()));
    let mut m = Machine::new(board, image, isa, Console::new(false)).unwrap();
    let opts = PeripheralOptions {
        semihosting_root: root.map(Path::to_path_buf),
        cmdline: elf.to_string(),
    };
    attach(&mut m, &opts).expect("the board's chip attaches");
    m.limits.max_instructions = Some(50_000_000);
    m.reset().unwrap();
    let stop = m.run();
    (m.bus.console.text(), stop)
}

/// Output and exit status QEMU produced for `name`.
fn expected(name: &str) -> (String, i32) {
    let text =
        std::fs::read_to_string(firmware().join("expected").join(format!("{name}.out"))).unwrap();
    let mut out = String::new();
    let mut code = None;
    for line in text.split_inclusive('\n') {
        match line.strip_prefix("exit=") {
            Some(c) => code = Some(c.trim().parse().unwrap()),
            None => out.push_str(line),
        }
    }
    (out, code.expect("expected output has an exit= line"))
}

fn check(name: &str, board: &str, core: Option<CoreProfile>) {
    let (out, stop) = run(&format!("{name}.elf"), board, core, None);
    let (want, code) = expected(name);
    assert_eq!(out, want, "{name}: output differs from QEMU's");
    assert_eq!(stop, StopReason::Exit(code), "{name}");
}

#[test]
fn exceptions_match_qemu_on_cortex_m4() {
    check("exceptions-cortex-m4", "mps2-an386", None);
}

#[test]
fn exceptions_match_qemu_on_cortex_m3() {
    check("exceptions-cortex-m3", "mps2-an385", None);
}

#[test]
fn exceptions_match_qemu_on_cortex_m0plus() {
    check(
        "exceptions-cortex-m0plus",
        "mps2-an385",
        Some(CoreProfile::CortexM0plus),
    );
}

#[test]
fn semihosting_calls_match_qemu() {
    check("semihost-cortex-m4", "mps2-an386", None);
    check(
        "semihost-cortex-m0plus",
        "mps2-an385",
        Some(CoreProfile::CortexM0plus),
    );
}

#[test]
fn uart_output_matches_qemu() {
    check("hello_uart-cortex-m3", "mps2-an385", None);
}

#[test]
fn opening_etc_hostname_is_refused_by_default() {
    let (out, stop) = run("bad-open-hostname-nano33ble.elf", "nano33ble", None, None);
    assert!(out.contains("/etc/hostname -> -1"), "{out}");
    assert_eq!(stop, StopReason::Exit(0));
}

#[test]
fn sandbox_root_allows_inside_only() {
    let (out, stop) = run("bad-sandbox-nano33ble.elf", "nano33ble", None, None);
    assert!(out.contains("open inside.txt -> -1"), "no root: {out}");
    assert_eq!(stop, StopReason::Exit(0));

    let dir = std::env::temp_dir().join(format!("thimble-fw-sandbox-{}", std::process::id()));
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("inside.txt"), "hello from the root").unwrap();
    std::fs::write(dir.join("outside.txt"), "must not be read").unwrap();
    let (out, stop) = run("bad-sandbox-nano33ble.elf", "nano33ble", None, Some(&root));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.contains("open inside.txt -> ok"), "{out}");
    assert!(out.contains("hello from the root"), "{out}");
    assert!(out.contains("open ../outside.txt -> -1"), "{out}");
    assert!(out.contains("open /etc/hostname -> -1"), "{out}");
    assert!(!out.contains("must not be read"), "{out}");
    assert_eq!(stop, StopReason::Exit(0), "the sandbox held");
}

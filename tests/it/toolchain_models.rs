//! The five MLPerf Tiny / micro_speech models, run through `thimble run --load model_input=...
//! --dump model_output=...` on random inputs (a fresh seed every run, printed), give output
//! bytes identical to the TFLite Micro reference interpreter (python tflite-micro).
//! Needs python3 with tflite-micro and numpy, and ../shared/models: run by `.ci/run`.

use crate::common;
use common::*;
use std::process::Command;

fn verify(board: &str) {
    require_tool("python3");
    let ok = Command::new("python3")
        .args(["-c", "import tflite_micro, numpy"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "python3 with tflite-micro and numpy is missing (pip install tflite-micro numpy)"
    );
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 100_000;
    eprintln!("{board}: seed {seed}");
    let out = Command::new("python3")
        .arg(root().join("firmware/nn/test/verify_qemu.py"))
        .args([
            "--thimble",
            env!("CARGO_BIN_EXE_thimble"),
            "--board",
            board,
            "--inputs",
            "2",
        ])
        .args(["--seed", &seed.to_string()])
        .current_dir(root())
        .output()
        .expect("run verify_qemu.py");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{text}");
    assert!(
        out.status.success(),
        "thimble differs from TFLite Micro on {board} (seed {seed}):\n{text}"
    );
    for model in ["kws", "vww", "ic", "ad", "micro_speech"] {
        assert!(
            text.contains(&format!("{model}: 2/2 bit-exact")),
            "{model} not checked:\n{text}"
        );
    }
}

#[test]
#[ignore = "toolchain: needs python3 tflite-micro; run by .ci/run"]
fn all_five_models_are_bit_exact_with_tflite_micro_on_nano33ble() {
    verify("nano33ble");
}

#[test]
#[ignore = "toolchain: needs python3 tflite-micro; run by .ci/run"]
fn all_five_models_are_bit_exact_with_tflite_micro_on_nucleo_l4r5zi() {
    verify("nucleo-l4r5zi");
}

#[test]
#[ignore = "toolchain: needs python3 tflite-micro; run by .ci/run"]
fn all_five_models_are_bit_exact_with_tflite_micro_on_disco_f746ng() {
    verify("disco-f746ng");
}

#[test]
#[ignore = "toolchain: needs python3 tflite-micro; run by .ci/run"]
fn all_five_models_are_bit_exact_with_tflite_micro_on_pico() {
    verify("pico");
}

//! Every firmware program in firmware/prebuilt prints in thimble exactly what QEMU printed
//! (firmware/expected, recorded by `make -C firmware qemu-check`), exit status included.
//! One test per program; a completeness test makes sure no recorded program is left out.

use crate::common;
use common::*;

fn check(name: &str) {
    let want = expected(name);
    let got = thimble_transcript(name);
    assert!(
        want == got,
        "{name}: thimble differs from QEMU\n{}",
        diff(&want, &got)
    );
}

macro_rules! firmware_tests {
    ($($test:ident => $name:literal),* $(,)?) => {
        $( #[test] fn $test() { check($name); } )*
        const ALL: &[&str] = &[$($name),*];
    };
}

firmware_tests! {
    hello_m0plus => "hello-cortex-m0plus",
    hello_m3 => "hello-cortex-m3",
    hello_m4 => "hello-cortex-m4",
    hello_uart_m0plus => "hello_uart-cortex-m0plus",
    hello_uart_m3 => "hello_uart-cortex-m3",
    hello_uart_m4 => "hello_uart-cortex-m4",
    conv_int8_m0plus => "conv_int8-cortex-m0plus",
    conv_int8_m3 => "conv_int8-cortex-m3",
    conv_int8_m4 => "conv_int8-cortex-m4",
    alu_m0plus => "alu-cortex-m0plus",
    alu_m3 => "alu-cortex-m3",
    alu_m4 => "alu-cortex-m4",
    loadstore_m0plus => "loadstore-cortex-m0plus",
    loadstore_m3 => "loadstore-cortex-m3",
    loadstore_m4 => "loadstore-cortex-m4",
    exceptions_m0plus => "exceptions-cortex-m0plus",
    exceptions_m3 => "exceptions-cortex-m3",
    exceptions_m4 => "exceptions-cortex-m4",
    float_m4 => "float-cortex-m4",
    semihost_m0plus => "semihost-cortex-m0plus",
    semihost_m3 => "semihost-cortex-m3",
    semihost_m4 => "semihost-cortex-m4",
    heap_m0plus => "heap-cortex-m0plus",
    heap_m3 => "heap-cortex-m3",
    heap_m4 => "heap-cortex-m4",
    dsp_intrinsics_m4 => "dsp_intrinsics-cortex-m4",
    dsp_intrinsics_m7 => "dsp_intrinsics-cortex-m7",
    float_libm_m4 => "float_libm-cortex-m4",
    float_libm_m7 => "float_libm-cortex-m7",
    recursion_m4 => "recursion-cortex-m4",
}

#[test]
fn every_recorded_program_has_a_test() {
    let mut missing = Vec::new();
    for e in std::fs::read_dir(root().join("firmware/expected")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".out") {
            // Model apps are checked against TFLite Micro instead (tests/models.rs).
            if stem.contains("-cortex-") && !ALL.contains(&stem) {
                missing.push(stem.to_string());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "recorded in firmware/expected but not tested: {missing:?}"
    );
}

#[test]
fn demo_reports_cycles_per_inference_arena_and_energy() {
    let o = thimble(&["demo"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(out.contains("model: kws") && out.contains("top: "), "{out}");
    for needle in [
        "nano33ble",
        "roi model_invoke",
        "cycles/call",
        "ms/call",
        "µJ",
        "tensor_arena",
        "of 256.0 KiB",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in report:\n{err}");
    }
}

#[test]
fn identical_runs_give_identical_reports() {
    let run = || {
        let json = temp_path("det.json");
        let o = thimble(&["demo", "--quiet", "--json", s(&json)]);
        assert_eq!(o.status.code(), Some(0));
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("host");
        v
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b);
    assert!(a["instructions"].as_u64().unwrap() > 1_000_000);
    assert!(a["energy_uj"].as_f64().unwrap() > 0.0);
}

#[test]
fn profile_out_writes_folded_stacks_and_duty_gives_battery_life() {
    let f = temp_path("folded.txt");
    let o = thimble(&[
        "demo",
        "--profile-out",
        s(&f),
        "--duty",
        "1",
        "--battery",
        "220",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("battery       run every 1 s") && err.contains("on 220 mAh"),
        "{err}"
    );
    let folded = std::fs::read_to_string(&f).unwrap();
    let conv = folded
        .lines()
        .find(|l| l.starts_with("main;model_invoke;nn_conv2d_s8 "))
        .unwrap_or_else(|| panic!("no conv line in:\n{folded}"));
    let cycles: u64 = conv.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(cycles > 1_000_000, "{conv}");
}

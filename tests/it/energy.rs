//! The energy model on real int8 inference firmware: average power of an int8 loop on a board
//! lies in the band around the board's datasheet run current, the per-call energy of a region
//! of interest adds up with the run's, and identical runs give identical energy.

use crate::common;
use common::*;
use serde_json::Value;

fn run_json(elf: &str, board: &str, roi: &[&str]) -> Value {
    let json = temp_path(&format!("energy-{elf}-{board}.json"));
    let path = prebuilt(elf);
    let mut args = vec![
        "run",
        s(&path),
        "--board",
        board,
        "--quiet",
        "--json",
        s(&json),
    ];
    for r in roi {
        args.extend(["--roi", r]);
    }
    let o = thimble(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{elf} on {board}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let _ = std::fs::remove_file(&json);
    v
}

fn roi<'a>(v: &'a Value, symbol: &str) -> &'a Value {
    v["roi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["symbol"] == symbol)
        .unwrap_or_else(|| panic!("no roi {symbol} in {}", v["roi"]))
}

/// Checks the whole run and each int8 kernel's calls against `[lo, hi]` mW.
fn check_band(elf: &str, board: &str, lo: f64, hi: f64) -> Value {
    let kernels = ["model_invoke", "nn_conv2d_s8", "nn_depthwise_conv2d_s8"];
    let v = run_json(elf, board, &kernels);
    let mw = v["avg_power_mw"].as_f64().unwrap();
    assert!(
        (lo..=hi).contains(&mw),
        "{elf} on {board}: average {mw:.3} mW outside the datasheet band {lo:.2}..{hi:.2} mW"
    );
    for k in kernels {
        let r = roi(&v, k);
        assert!(r["calls"].as_u64().unwrap() >= 1, "{k}: {r}");
        let p = r["avg_power_mw"].as_f64().unwrap();
        assert!(
            (lo..=hi).contains(&p),
            "{elf} on {board}: {k} draws {p:.3} mW outside {lo:.2}..{hi:.2} mW"
        );
    }
    // The inference is most of the run: its calls' energy is below the run's and most of it.
    let total = v["energy_uj"].as_f64().unwrap();
    let invoke = roi(&v, "model_invoke");
    let e = invoke["energy_uj"].as_f64().unwrap() * invoke["calls"].as_f64().unwrap();
    assert!(
        e <= total && e > 0.5 * total,
        "model_invoke {e} µJ of {total} µJ"
    );
    // The breakdown sums to the total.
    let b = &v["energy"];
    let parts: f64 = [
        "core_uj",
        "fetch_uj",
        "sram_uj",
        "flash_uj",
        "static_uj",
        "sleep_uj",
    ]
    .iter()
    .map(|k| b[k].as_f64().unwrap())
    .sum();
    assert!((parts - total).abs() <= 1e-6 * total, "{b} vs {total}");
    assert!(b["core_uj"].as_f64().unwrap() > 0.0 && b["fetch_uj"].as_f64().unwrap() > 0.0);
    // The model's weights are const data in flash: their reads are priced as flash reads
    // (counted by the board's flash accelerator model).
    assert!(b["flash_uj"].as_f64().unwrap() > 0.0, "{b}");
    assert!(b["sram_uj"].as_f64().unwrap() > 0.0, "{b}");
    v
}

/// nano33ble (nRF52840 at 64 MHz, 3.0 V, DC/DC). Source: nRF52840 Product Specification v1.7
/// §5.2 "CPU running": CoreMark from flash, cache on, DC/DC: 52 µA/MHz -> 3.33 mA at 64 MHz,
/// 9.98 mW at 3.0 V. An int8 inference is not CoreMark (more loads, DSP MACs), so the band is
/// that figure ±25 %: 7.49..12.48 mW. The tolerance is ours, not the datasheet's.
#[test]
fn int8_inference_on_nano33ble_draws_the_datasheet_run_power() {
    let datasheet_mw = 52.0 * 64.0 * 3.0 / 1000.0;
    check_band(
        "kws-nano33ble",
        "nano33ble",
        0.75 * datasheet_mw,
        1.25 * datasheet_mw,
    );
}

/// nucleo-l4r5zi (STM32L4R5 at 120 MHz, 3.3 V). Source: STM32L4R5xx datasheet DS12023: run
/// from flash with the ART accelerator on, range 1 boost: about 100-110 µA/MHz -> 12-13.2 mA at
/// 120 MHz, 39.6-43.6 mW at 3.3 V; the band is 100 µA/MHz -25 % .. 110 µA/MHz +25 %.
#[test]
fn int8_inference_on_nucleo_l4r5zi_draws_the_datasheet_run_power() {
    let at = |ua_per_mhz: f64| ua_per_mhz * 120.0 * 3.3 / 1000.0;
    check_band(
        "kws-nucleo-l4r5zi",
        "nucleo-l4r5zi",
        0.75 * at(100.0),
        1.25 * at(110.0),
    );
}

#[test]
fn identical_runs_give_identical_energy() {
    let a = run_json("micro_speech-nano33ble", "nano33ble", &["model_invoke"]);
    let b = run_json("micro_speech-nano33ble", "nano33ble", &["model_invoke"]);
    for k in ["energy_uj", "avg_power_mw", "energy", "roi", "cycles"] {
        assert_eq!(a[k], b[k], "{k} differs between identical runs");
    }
    assert!(a["energy_uj"].as_f64().unwrap() > 0.0);
}

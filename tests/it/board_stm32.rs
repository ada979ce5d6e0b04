//! Every prebuilt ELF of the STM32 boards (nucleo-l4r5zi: STM32L4R5, disco-f746ng: STM32F746)
//! runs on its board: its own start-up brings the clock to full speed through the chip's RCC,
//! PWR and FLASH_ACR models (the report says 120 / 216 MHz, configured by the firmware), it
//! prints over the board's console UART (LPUART1 / USART1) exactly what the silicon would,
//! and it touches no register the models leave unmodelled. No toolchain needed.

use crate::common;
use common::*;

const BOARDS: [&str; 2] = ["nucleo-l4r5zi", "disco-f746ng"];
const APPS: [&str; 5] = ["kws", "vww", "ic", "ad", "micro_speech"];

struct Run {
    stdout: String,
    code: i32,
    json: serde_json::Value,
}

fn run(name: &str, board: &str, extra: &[&str]) -> Run {
    let elf = prebuilt(name);
    let json = temp_path(&format!("{name}.json"));
    let mut args = vec![
        "run",
        s(&elf),
        "--board",
        board,
        "--quiet",
        "--json",
        s(&json),
    ];
    if !extra.contains(&"--max-instructions") {
        args.extend_from_slice(&["--max-instructions", "200000000"]);
    }
    args.extend_from_slice(extra);
    let out = thimble(&args);
    let j: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&json).unwrap_or_else(|e| panic!("{name}: no JSON report: {e}")),
    )
    .unwrap();
    std::fs::remove_file(&json).ok();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        code: out.status.code().unwrap_or(-1),
        json: j,
    }
}

/// The report of a run on an STM32 board: the clock the firmware set, nothing unmodelled.
fn check_report(name: &str, r: &Run, hz: u64) {
    assert_eq!(r.code, 0, "{name} exit status; stdout:\n{}", r.stdout);
    assert_eq!(r.json["clock_hz"], hz, "{name}: clock_hz");
    assert_eq!(r.json["clock_source"], "firmware", "{name}: clock_source");
    assert_eq!(
        r.json["unmodelled"].as_array().map(Vec::len),
        Some(0),
        "{name}: unmodelled registers: {}",
        r.json["unmodelled"]
    );
}

fn full_speed(board: &str) -> u64 {
    match board {
        "nucleo-l4r5zi" => 120_000_000,
        _ => 216_000_000,
    }
}

#[test]
fn hello_prints_the_clocks_and_ids_read_back_from_the_chip() {
    let want = [
        (
            "nucleo-l4r5zi",
            "hello from nucleo-l4r5zi over LPUART1 at 115200 Bd\n\
             SYSCLK 120000000 Hz, HCLK 120000000 Hz, PCLK1 120000000 Hz, PCLK2 120000000 Hz\n\
             flash latency 5 wait states, 2048 KiB\n\
             DEV_ID 0x470 REV_ID 0x1001\n\
             UID 00410020 49485407 454c424d\n",
        ),
        (
            "disco-f746ng",
            "hello from disco-f746ng over USART1 at 115200 Bd\n\
             SYSCLK 216000000 Hz, HCLK 216000000 Hz, PCLK1 54000000 Hz, PCLK2 108000000 Hz\n\
             flash latency 7 wait states, 1024 KiB\n\
             DEV_ID 0x449 REV_ID 0x1001\n\
             UID 00410020 49485407 454c424d\n",
        ),
    ];
    for (board, text) in want {
        let name = format!("hello-{board}");
        let r = run(&name, board, &[]);
        assert_eq!(r.stdout, text, "{name}");
        check_report(&name, &r, full_speed(board));
    }
}

#[test]
fn hello_takes_the_time_of_its_bytes_at_115200_baud() {
    // 226 bytes of 10 bits at 115200 Bd leave the UART in 19.6 ms; the program waits for
    // each, so the run lasts at least that long (and not much longer: printf is cheap).
    let r = run("hello-nucleo-l4r5zi", "nucleo-l4r5zi", &[]);
    let bytes = r.stdout.len() as f64;
    let line_s = bytes * 10.0 / 115_200.0;
    let s = r.json["seconds"].as_f64().unwrap();
    assert!(s > line_s && s < line_s * 1.05, "{s} s for {bytes} bytes");
}

#[test]
fn timer_interrupts_come_every_millisecond() {
    for (board, timclk, psc, hclk) in [
        ("nucleo-l4r5zi", 120_000_000, 119, 120_000_000),
        ("disco-f746ng", 108_000_000, 107, 216_000_000),
    ] {
        let name = format!("timer-{board}");
        let r = run(&name, board, &[]);
        let period = hclk / 1000;
        assert_eq!(
            r.stdout,
            format!(
                "TIM2 at {timclk} Hz, PSC {psc}, ARR 999: 10 update interrupts\n\
                 period {period}..{period} cycles (interrupts 2..10) at HCLK {hclk} Hz = 1000 us\n"
            ),
            "{name}"
        );
        check_report(&name, &r, full_speed(board));
        // The core slept in WFI between interrupts.
        assert!(r.json["sleep_cycles"].as_u64().unwrap() > 9 * period / 2);
    }
}

#[test]
fn flash_acr_latency_sets_the_wait_states() {
    // 4096 words read from flash, every 64-bit (L4) / 256-bit (F7) line from the array:
    // three more wait states cost 3 cycles per line: 2048 x 3 on the L4R5, 512 x 3 on the
    // F746. The Cortex-M7's third run is 3 cycles faster than its first: its branch
    // predictor holds the loop's branches by then (issue 17's pipeline model).
    for (board, hclk, lat, base, more, again) in [
        ("nucleo-l4r5zi", 120_000_000, 5, 34_827, 40_971, 34_827),
        ("disco-f746ng", 216_000_000, 7, 19_987, 21_523, 19_984),
    ] {
        let name = format!("flashws-{board}");
        let r = run(&name, board, &[]);
        assert_eq!(
            r.stdout,
            format!(
                "sum of 4096 flash words at HCLK {hclk} Hz:\n\
                 LATENCY {lat}: {base} cycles\n\
                 LATENCY {}: {more} cycles\n\
                 LATENCY {lat}: {again} cycles\n",
                lat + 3
            ),
            "{name}"
        );
        check_report(&name, &r, full_speed(board));
    }
}

#[test]
fn model_apps_print_what_they_print_on_qemus_board() {
    for app in APPS {
        // The same app on mps2-an386 (checked against TFLite Micro, firmware/nn/VERIFIED.md)
        // also dumps its output bytes in hex.
        let reference = run(&format!("{app}-mps2-an386"), "mps2-an386", &[]);
        let want: String = reference
            .stdout
            .lines()
            .filter(|l| !l.starts_with("output-hex:"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(want.contains("score"), "{app}: {want}");
        for board in BOARDS {
            let name = format!("{app}-{board}");
            let r = run(&name, board, &["--roi", "model_invoke"]);
            assert_eq!(r.stdout, want, "{name}\n{}", diff(&want, &r.stdout));
            check_report(&name, &r, full_speed(board));
            let roi = &r.json["roi"][0];
            assert_eq!(roi["calls"], 1, "{name}");
        }
    }
}

#[test]
fn every_prebuilt_elf_of_the_stm32_boards_has_a_test() {
    let known: Vec<String> = BOARDS
        .iter()
        .flat_map(|b| {
            ["hello", "timer", "flashws"]
                .iter()
                .chain(APPS.iter())
                .map(move |p| format!("{p}-{b}.elf"))
        })
        // cyccnt-nucleo-l4r5zi: tests/it/cyccnt_roi.rs; calib_mem-disco-f746ng:
        // tests/it/calib_cycles.rs.
        .chain(["cyccnt-nucleo-l4r5zi.elf", "calib_mem-disco-f746ng.elf"].map(String::from))
        .collect();
    for e in std::fs::read_dir(root().join("firmware/prebuilt")).unwrap() {
        let f = e.unwrap().file_name().into_string().unwrap();
        // bad-*: the loader/run error fixtures (tests/it/cli_errors.rs).
        if BOARDS.iter().any(|b| f.ends_with(&format!("-{b}.elf"))) && !f.starts_with("bad-") {
            assert!(
                known.contains(&f),
                "{f} has no test in tests/it/board_stm32.rs"
            );
        }
    }
    for k in &known {
        assert!(
            root().join("firmware/prebuilt").join(k).exists(),
            "{k} is not built"
        );
    }
}

#[test]
fn firmware_that_never_touches_the_clock_runs_at_the_reset_clock() {
    // bad-poll-nucleo-l4r5zi has no board start-up: MSI at 4 MHz, as the chip resets.
    let r = run(
        "bad-poll-nucleo-l4r5zi",
        "nucleo-l4r5zi",
        &["--max-instructions", "400000"],
    );
    assert_eq!(r.json["clock_hz"], 4_000_000);
    assert_eq!(r.json["clock_source"], "reset");
    let cycles = r.json["cycles"].as_f64().unwrap();
    let s = r.json["seconds"].as_f64().unwrap();
    assert!((s - cycles / 4e6).abs() < 1e-9, "{s} s for {cycles} cycles");
    // --clock pins the rate and the report says so; the firmware's own start-up is then
    // ignored but remembered.
    let r = run(
        "hello-nucleo-l4r5zi",
        "nucleo-l4r5zi",
        &["--clock", "80000000"],
    );
    assert_eq!(r.json["clock_hz"], 80_000_000);
    assert_eq!(r.json["clock_source"], "override");
    assert_eq!(r.json["clock_requested_hz"], 120_000_000);
}

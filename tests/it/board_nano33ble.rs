//! Every prebuilt nano33ble ELF on the nRF52840 models (issue 13): our own register-level
//! firmware (firmware/boards/nano33ble/) starts the HFXO, turns the NVMC instruction cache on
//! and prints through UARTE0 at 115200 baud. Checks the exact UART output, the clock the
//! report gives (64 MHz, configured by the firmware), timer periods measured by the firmware
//! itself, and that our own firmware touches no register the models do not handle.

use crate::common;
use common::*;

use serde_json::Value;

/// Runs `elf` on nano33ble with a JSON report; returns (exit status, stdout, report).
fn run(elf: &str, extra: &[&str]) -> (i32, String, Value) {
    let path = prebuilt(elf);
    let json = temp_path(&format!("{elf}.json"));
    let mut args = vec!["run", s(&path), "--board", "nano33ble", "--json", s(&json)];
    args.extend(extra);
    let out = thimble(&args);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap_or_else(|e| {
        panic!(
            "{elf}: no report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    }))
    .unwrap();
    std::fs::remove_file(&json).ok();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        report,
    )
}

/// What every run of our own nano33ble firmware must show: 64 MHz set up by the firmware
/// (HFXO started), nothing unmodelled.
fn check_board_facts(elf: &str, report: &Value) {
    assert_eq!(report["clock_hz"], 64_000_000, "{elf}");
    assert_eq!(report["clock_source"], "firmware", "{elf}: {report}");
    let unmodelled = report["unmodelled"].as_array().expect("unmodelled[]");
    assert!(
        unmodelled.is_empty(),
        "{elf} touched registers no model handles: {unmodelled:?}"
    );
}

#[test]
fn hello_prints_the_chip_and_the_clock_it_set_up() {
    let (code, out, report) = run("hello-nano33ble", &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        "hello from nano33ble: nRF52840 variant AAD0, 1024 KiB flash, 256 KiB RAM\n\
         device id 00656c626d696874\n\
         clock: HFXO crystal, running, CPU at 64 MHz (HFCLKSTAT 0x00010001)\n\
         instruction cache on (ICACHECNF 0x00000001)\n"
    );
    check_board_facts("hello-nano33ble", &report);
    // 211 characters at 115108 baud (10 bits of 139/16 us each) take 18.33 ms; the run
    // cannot be shorter than its own UART output.
    let seconds = report["seconds"].as_f64().unwrap();
    let uart = out.len() as f64 * 10.0 * 139.0 / 16e6;
    assert!(
        seconds > uart && seconds < uart + 0.002,
        "{seconds} s vs {uart} s of UART"
    );
}

#[test]
fn timer_interrupts_fire_at_their_periods() {
    let (code, out, report) = run("timer-nano33ble", &[]);
    assert_eq!(
        out,
        "LFCLK running from RC (LFCLKSTAT 0x00010000)\n\
         rtc0 compare0 every 328 ticks: 640625 640625 640625 640625 640625 cycles \
         (each 640625 = 10009765 ns at 64 MHz)\n\
         timer1 compare0 every 1000 us: 64000 64000 64000 64000 64000 cycles \
         (each 64000 = 1000000 ns at 64 MHz)\n"
    );
    assert_eq!(code, 0);
    check_board_facts("timer-nano33ble", &report);
    // The core sleeps (WFI) between the interrupts: most of the run.
    let sleep = report["sleep_cycles"].as_u64().unwrap();
    let cycles = report["cycles"].as_u64().unwrap();
    assert!(sleep * 2 > cycles, "{sleep} of {cycles} cycles asleep");
}

/// TIMER1's interrupt line is level-sensitive to the NVIC (firmware/boards/nano33ble/level.c):
/// a handler returning with its event still set is entered again, ICPR leaves the interrupt
/// pending while the event is set, an event that waited is taken when the NVIC enables it,
/// and PRIMASK holds it off until CPSIE.
#[test]
fn a_peripheral_interrupt_is_level_sensitive() {
    let (code, out, report) = run("level-nano33ble", &[]);
    assert_eq!(
        out,
        "1. handler returned twice with COMPARE0 set: entered 3 times\n\
         2. ICPR with COMPARE0 set: still pending; after clearing COMPARE0: cleared\n\
         3. event set while disabled: 0 entries before ISER, 1 after\n\
         4. under PRIMASK: 0 entries, pending; after CPSIE: 1 entry, not pending\n"
    );
    assert_eq!(code, 0);
    check_board_facts("level-nano33ble", &report);
}

/// The model apps print through UARTE0 exactly what their QEMU-board build prints through
/// semihosting (less the hex dump only the QEMU build has, checked against TFLite Micro).
#[test]
fn model_apps_print_over_the_uart_what_the_qemu_build_prints() {
    for app in ["kws", "vww", "ic", "ad", "micro_speech"] {
        let (code, out, report) = run(&format!("{app}-nano33ble"), &[]);
        assert_eq!(code, 0, "{app}: {out}");
        check_board_facts(app, &report);
        let mps2 = thimble(&[
            "run",
            s(&prebuilt(&format!("{app}-mps2-an386"))),
            "--board",
            "mps2-an386",
            "--quiet",
        ]);
        assert_eq!(mps2.status.code(), Some(0));
        let want: String = String::from_utf8(mps2.stdout)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("output-hex:"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(want.starts_with(&format!("model: {app}\n")), "{want}");
        assert_eq!(out, want, "{app}");
    }
}

#[test]
fn cyccnt_runs_with_the_board_start_up() {
    let (code, out, report) = run("cyccnt-nano33ble", &[]);
    assert_eq!(code, 0, "{out}");
    check_board_facts("cyccnt-nano33ble", &report);
    assert!(out.contains("dot_int8 "), "{out}");
}

/// --clock pins the rate: the report says so, and that the firmware's HFXO start asked for
/// 64 MHz.
#[test]
fn clock_override_is_reported_with_what_the_firmware_asked() {
    let (code, _, report) = run("hello-nano33ble", &["--clock", "32000000"]);
    assert_eq!(code, 0);
    assert_eq!(report["clock_hz"], 32_000_000);
    assert_eq!(report["clock_source"], "override");
    assert_eq!(report["clock_requested_hz"], 64_000_000);
}

//! What a CI job gates on, end to end on real ELFs: watched texts (`--expect-text`,
//! `--fail-text`), stack collisions, run limits (60 s of simulated time by default) and the
//! JSON report on stdout (`--json -`).

use crate::common;
use common::*;

const LIMIT: i32 = 71;
const COLLISION: i32 = 76;
const TEXT: i32 = 77;

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The instruction count of a run's JSON report on stdout.
fn json_instructions(o: &std::process::Output) -> u64 {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not the JSON report ({e}): {}", out(o)));
    v["instructions"].as_u64().expect("instructions")
}

#[test]
fn expect_text_ends_the_run_with_success_as_soon_as_it_appears() {
    // ci_gate prints PASS, then FAIL, then a heartbeat for ever.
    let elf = prebuilt("ci_gate-nano33ble");
    let o = thimble(&["run", s(&elf), "--expect-text", "checksum: PASS", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let stdout = out(&o);
    assert!(stdout.contains("test checksum: PASS"), "{stdout}");
    assert!(
        !stdout.contains("FAIL"),
        "the run must end at the PASS line, before the FAIL one: {stdout}"
    );
}

#[test]
fn fail_text_fails_with_77_at_once() {
    let elf = prebuilt("ci_gate-nano33ble");
    let o = thimble(&["run", s(&elf), "--fail-text", "FAIL", "--quiet"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(TEXT), "{e}");
    assert!(e.contains("fail text \"FAIL\""), "{e}");
    assert!(!out(&o).contains("heartbeat"), "stopped at the FAIL line");
}

#[test]
fn guest_exit_before_the_expected_text_fails_with_77_and_names_it() {
    let elf = prebuilt("hello-cortex-m4");
    let o = thimble(&[
        "run",
        s(&elf),
        "--board",
        "mps2-an386",
        "--expect-text",
        "hello from",
        "--expect-text",
        "all tests passed",
        "--quiet",
    ]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(TEXT), "{e}");
    assert!(e.contains("exited (status 3)"), "{e}");
    assert!(e.contains("missing: \"all tests passed\""), "{e}");
    assert!(!e.contains("\"hello from\""), "hello did appear: {e}");
}

#[test]
fn expect_text_on_uart_output_stops_within_the_write() {
    // hello_uart writes through the CMSDK UART (a device write inside a batch of
    // instructions): the stop must come right after the text, not a batch later.
    let elf = prebuilt("hello_uart-cortex-m4");
    let full = thimble(&["run", s(&elf), "--board", "mps2-an386", "--json", "-", "-q"]);
    assert_eq!(full.status.code(), Some(3), "hello exits 3: {}", err(&full));
    let first_line = err(&full).lines().next().unwrap_or_default().to_string();
    assert!(
        !first_line.is_empty(),
        "guest output goes to stderr with --json -"
    );
    let cut = thimble(&[
        "run",
        s(&elf),
        "--board",
        "mps2-an386",
        "--json",
        "-",
        "-q",
        "--expect-text",
        &first_line,
    ]);
    assert_eq!(cut.status.code(), Some(0), "{}", err(&cut));
    let (n_full, n_cut) = (json_instructions(&full), json_instructions(&cut));
    assert!(
        n_cut < n_full,
        "stopping at the first line ({n_cut} instructions) must run less than the whole program ({n_full})"
    );
}

#[test]
fn a_stack_collision_exits_76_unless_allowed() {
    let elf = prebuilt("bad-stack-overflow-nano33ble");
    let o = thimble(&["run", s(&elf), "--quiet"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(COLLISION), "{e}");
    assert!(e.contains("stack collision"), "{e}");
    assert!(e.contains("dive"), "names the function: {e}");
    assert!(e.contains("--allow-collision"), "{e}");
    let o = thimble(&["run", s(&elf), "--allow-collision"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(e.contains("COLLISION"), "reported either way: {e}");
    assert!(out(&o).contains("canary words overwritten"), "{}", out(&o));
}

/// The stack running into the heap (far above static data) is a collision too: the heap's
/// break is followed through the program's `_sbrk`.
#[test]
fn a_stack_running_into_the_heap_exits_76_naming_the_break() {
    let elf = prebuilt("bad-heap-collision-nano33ble");
    let o = thimble(&["run", s(&elf), "--quiet"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(COLLISION), "{e}");
    assert!(e.contains("below the heap's break"), "{e}");
    assert!(e.contains("dive"), "names the function: {e}");
    let o = thimble(&["run", s(&elf), "--allow-collision", "--json", "-"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(
        e.contains("heap words overwritten"),
        "the guest ran on: {e}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = v["memory"]["collision"].as_str().unwrap_or_default();
    assert!(c.contains("heap's break"), "{v}");
}

#[test]
fn the_default_limit_is_60_s_of_simulated_time() {
    // At a 1 kHz clock, 60 s of simulated time is 60,000 cycles: the limit is quick to reach.
    let elf = prebuilt("bad-spin-nano33ble");
    let o = thimble(&["run", s(&elf), "--clock", "1000", "--json", "-", "--quiet"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(LIMIT), "{e}");
    assert!(
        e.contains("60 s of simulated time, the default limit"),
        "{e}"
    );
    assert!(e.contains("--no-limit"), "{e}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["stop_reason"], "time_limit");
    let cycles = v["cycles"].as_u64().unwrap();
    assert!((60_000..60_100).contains(&cycles), "{cycles} cycles");
}

#[test]
fn max_seconds_names_its_limit_and_other_limits_replace_the_default() {
    let elf = prebuilt("bad-spin-nano33ble");
    let o = thimble(&["run", s(&elf), "--max-seconds", "0.002", "--quiet"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(LIMIT), "{e}");
    assert!(
        e.contains("simulated-time limit of 0.002 s reached (--max-seconds)"),
        "{e}"
    );
    // 2 ms at nano33ble's 64 MHz.
    let o = thimble(&[
        "run",
        s(&elf),
        "--max-seconds",
        "0.002",
        "--json",
        "-",
        "--quiet",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cycles = v["cycles"].as_u64().unwrap();
    assert!((128_000..128_100).contains(&cycles), "{cycles} cycles");
    // An explicit cycle limit replaces the 60 s default (60 s at 1 kHz would stop first).
    let o = thimble(&[
        "run",
        s(&elf),
        "--clock",
        "1000",
        "--max-cycles",
        "100000",
        "--quiet",
    ]);
    assert!(
        err(&o).contains("cycle limit of 100000 reached"),
        "{}",
        err(&o)
    );
    let o = thimble(&["run", s(&elf), "--max-seconds", "0", "--quiet"]);
    assert_eq!(o.status.code(), Some(64), "{}", err(&o));
    let o = thimble(&["run", s(&elf), "--no-limit", "--max-cycles", "5"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--no-limit conflicts with a limit"
    );
}

#[test]
fn json_dash_writes_the_report_to_stdout_and_guest_output_to_stderr() {
    let elf = prebuilt("hello-cortex-m4");
    let o = thimble(&["run", s(&elf), "--board", "mps2-an386", "--json", "-"]);
    assert_eq!(o.status.code(), Some(3), "hello exits 3: {}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout must be only the JSON ({e}): {}", out(&o)));
    assert_eq!(v["stop_reason"], "exit");
    let e = err(&o);
    assert!(
        e.to_lowercase().contains("hello"),
        "guest output on stderr: {e}"
    );
    assert!(
        e.contains("thimble report"),
        "text report still on stderr: {e}"
    );
    assert!(!std::path::Path::new("-").exists(), "no file named '-'");
}

#[test]
fn budgets_take_units_hold_the_slowest_roi_call_and_speak_in_the_users_units() {
    let elf = prebuilt("kws-nano33ble");
    let ok = thimble(&[
        "run",
        s(&elf),
        "--roi",
        "model_invoke",
        "--budget",
        "flash=1MiB,sram=256KiB,stack=8K,roi.latency_ms=1000,roi.cycles=100M",
        "--quiet",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", err(&ok));
    let o = thimble(&[
        "run",
        s(&elf),
        "--roi",
        "model_invoke",
        "--budget",
        "roi.latency_ms=20,flash=32KiB",
        "--quiet",
    ]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(73), "{e}");
    let line = e
        .lines()
        .find(|l| l.contains("roi.latency_ms:"))
        .unwrap_or_else(|| panic!("no roi.latency_ms line: {e}"));
    // "roi.latency_ms: 192 ms > 20 ms (over by 859%) in model_invoke, its only call"
    assert!(line.contains(" ms > 20 ms (over by "), "{line}");
    assert!(line.contains("%) in model_invoke, its only call"), "{line}");
    let flash = e
        .lines()
        .find(|l| l.contains("flash:"))
        .expect("flash line");
    assert!(
        flash.contains(" KiB > 32 KiB (over by "),
        "in KiB as written: {flash}"
    );
    let o = thimble(&["run", s(&elf), "--budget", "roi.cycles=1M", "--quiet"]);
    assert_eq!(o.status.code(), Some(64), "{}", err(&o));
    assert!(err(&o).contains("needs --roi"), "{}", err(&o));
}

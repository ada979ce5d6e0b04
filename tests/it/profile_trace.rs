//! `--profile-out FILE.json` writes a Chrome Trace Event Format file: one complete event per
//! call, properly nested per thread, whose durations agree with `--roi`'s cycles exactly.

use crate::common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;

fn temp(name: &str) -> std::path::PathBuf {
    temp_path(name)
}

/// Per thread, events nest: sorted by start (longer first), each lies inside every event still
/// open when it starts.
fn assert_nested(calls: &[&Value]) {
    let mut by_tid: BTreeMap<u64, Vec<(u64, u64, String)>> = BTreeMap::new();
    for c in calls {
        let start = c["args"]["start_cycle"].as_u64().unwrap();
        let end = start + c["args"]["cycles"].as_u64().unwrap();
        by_tid.entry(c["tid"].as_u64().unwrap()).or_default().push((
            start,
            end,
            c["name"].as_str().unwrap().to_string(),
        ));
    }
    for (tid, mut v) in by_tid {
        v.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut open: Vec<(u64, u64, String)> = Vec::new();
        for e in v {
            while open.last().is_some_and(|o| o.1 <= e.0) {
                open.pop();
            }
            if let Some(o) = open.last() {
                assert!(
                    e.1 <= o.1,
                    "tid {tid}: {e:?} overlaps {o:?} without nesting in it"
                );
            }
            open.push(e);
        }
    }
}

#[test]
fn chrome_trace_nests_calls_and_matches_roi_cycles() {
    let (trace, json) = (temp("kws.json"), temp("kws-report.json"));
    let elf = prebuilt("kws-nano33ble");
    let o = thimble(&[
        "run",
        s(&elf),
        "--board",
        "nano33ble",
        "--quiet",
        "--roi",
        "model_invoke",
        "--roi",
        "nn_conv2d_s8",
        "--json",
        s(&json),
        "--profile-out",
        s(&trace),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&trace).unwrap())
        .expect("the trace is valid JSON");
    let _ = (std::fs::remove_file(&trace), std::fs::remove_file(&json));
    assert_eq!(t["otherData"]["dropped_calls"], 0);
    let clock = report["clock_hz"].as_f64().unwrap();
    assert_eq!(t["otherData"]["clock_hz"].as_f64().unwrap(), clock);

    let events = t["traceEvents"].as_array().unwrap();
    let calls: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
    assert!(calls.len() > 1000, "only {} calls", calls.len());
    // Every thread used has a name.
    for c in &calls {
        assert!(
            events
                .iter()
                .any(|e| e["ph"] == "M" && e["name"] == "thread_name" && e["tid"] == c["tid"]),
            "no thread_name for tid {}",
            c["tid"]
        );
    }

    // Durations in µs are the exact cycle counts at the board clock.
    for c in &calls {
        let cycles = c["args"]["cycles"].as_u64().unwrap() as f64;
        let start = c["args"]["start_cycle"].as_u64().unwrap() as f64;
        let (ts, dur) = (c["ts"].as_f64().unwrap(), c["dur"].as_f64().unwrap());
        assert!((dur - cycles * 1e6 / clock).abs() < 1e-3, "{c}");
        assert!((ts - start * 1e6 / clock).abs() < 1e-3, "{c}");
    }

    // --roi's figures are the trace's: same number of calls, same cycles per call.
    for r in report["roi"].as_array().unwrap() {
        let name = r["symbol"].as_str().unwrap();
        let mut cycles: Vec<u64> = calls
            .iter()
            .filter(|c| c["name"] == name)
            .map(|c| c["args"]["cycles"].as_u64().unwrap())
            .collect();
        cycles.sort_unstable();
        assert_eq!(cycles.len() as u64, r["calls"].as_u64().unwrap(), "{name}");
        assert!(!cycles.is_empty());
        assert_eq!(cycles[0], r["cycles_min"].as_u64().unwrap(), "{name}");
        assert_eq!(
            *cycles.last().unwrap(),
            r["cycles_max"].as_u64().unwrap(),
            "{name}"
        );
        let mean = cycles.iter().sum::<u64>() as f64 / cycles.len() as f64;
        assert!(
            (mean - r["cycles"].as_f64().unwrap()).abs() < 1e-6,
            "{name}"
        );
    }

    assert_nested(&calls);

    // The kernels run inside model_invoke, which runs inside main.
    let span = |name: &str| -> Vec<(u64, u64)> {
        calls
            .iter()
            .filter(|c| c["name"] == name)
            .map(|c| {
                let s = c["args"]["start_cycle"].as_u64().unwrap();
                (s, s + c["args"]["cycles"].as_u64().unwrap())
            })
            .collect()
    };
    let invoke = span("model_invoke")[0];
    for (s, e) in span("nn_conv2d_s8") {
        assert!(invoke.0 <= s && e <= invoke.1);
    }
    let main = span("main")[0];
    assert!(main.0 <= invoke.0 && invoke.1 <= main.1);
}

#[test]
fn profile_out_without_json_extension_still_writes_folded_stacks() {
    let f = temp("hello.folded");
    let elf = prebuilt("hello-cortex-m4");
    let o = thimble(&[
        "run",
        s(&elf),
        "--board",
        "mps2-an386",
        "--quiet",
        "--profile-out",
        s(&f),
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "hello exits with 3 (firmware/expected)"
    );
    let text = std::fs::read_to_string(&f).unwrap();
    let _ = std::fs::remove_file(&f);
    assert!(!text.trim_start().starts_with('{'), "{text}");
    for line in text.lines() {
        let (_, cycles) = line.rsplit_once(' ').unwrap();
        assert!(cycles.parse::<u64>().is_ok(), "{line}");
    }
    assert!(text.lines().any(|l| l.starts_with("main")), "{text}");
}

#[test]
fn calls_running_when_the_run_stops_last_to_the_end_and_say_so() {
    let (trace, json) = (temp("limit.json"), temp("limit-report.json"));
    let elf = prebuilt("kws-nano33ble");
    let o = thimble(&[
        "run",
        s(&elf),
        "--quiet",
        "--max-instructions",
        "1000000",
        "--json",
        s(&json),
        "--profile-out",
        s(&trace),
    ]);
    assert_eq!(o.status.code(), Some(71), "instruction limit");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    let _ = (std::fs::remove_file(&trace), std::fs::remove_file(&json));
    let invoke = t["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "model_invoke")
        .expect("model_invoke was entered");
    assert_eq!(invoke["args"]["unfinished"], true, "{invoke}");
    let end = invoke["args"]["start_cycle"].as_u64().unwrap()
        + invoke["args"]["cycles"].as_u64().unwrap();
    assert_eq!(end, report["cycles"].as_u64().unwrap());
}

#[test]
fn exception_handlers_are_spans_on_their_own_threads() {
    let trace = temp("exceptions.json");
    let elf = prebuilt("exceptions-cortex-m4");
    let o = thimble(&[
        "run",
        s(&elf),
        "--board",
        "mps2-an386",
        "--quiet",
        "--profile-out",
        s(&trace),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    let _ = std::fs::remove_file(&trace);
    let events = t["traceEvents"].as_array().unwrap();
    let calls: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
    // The program takes SVC, SysTick, faults and nested/tail-chained IRQs: each handler is a
    // span on the thread of its exception number, finished by its exception return.
    for (tid, handler) in [
        (11, "SVC_Handler"),
        (15, "SysTick_Handler"),
        (6, "UsageFault_Handler"),
    ] {
        let spans: Vec<&&Value> = calls
            .iter()
            .filter(|c| c["tid"] == tid && c["name"] == handler)
            .collect();
        assert!(!spans.is_empty(), "no {handler} span on tid {tid}");
        for sp in spans {
            assert!(sp["args"]["unfinished"].is_null(), "{sp}");
        }
        let name = events
            .iter()
            .find(|e| e["ph"] == "M" && e["name"] == "thread_name" && e["tid"] == tid)
            .unwrap_or_else(|| panic!("no thread_name for {tid}"));
        assert!(
            name["args"]["name"].as_str().unwrap().ends_with("handler"),
            "{name}"
        );
    }
    // Calls made inside a handler lie inside one of its spans.
    assert_nested(&calls);
    for c in calls.iter().filter(|c| c["tid"].as_u64().unwrap() >= 2) {
        let start = c["args"]["start_cycle"].as_u64().unwrap();
        assert!(
            calls.iter().any(|h| h["tid"] == c["tid"]
                && h["name"].as_str().unwrap().ends_with("_Handler")
                && h["args"]["start_cycle"].as_u64().unwrap() <= start),
            "{c} outside any handler span"
        );
    }
}

//! Differential tests against QEMU, the oracle: the committed transcripts in firmware/expected
//! are what QEMU prints today, and thimble's instruction count equals the number of
//! instructions QEMU executes (counted independently from QEMU's per-instruction exec trace).
//! Needs qemu-system-arm: run by `.ci/run` through `cargo test -- --ignored`.

use crate::common;
use common::*;
use std::process::Command;

fn qemu_transcript(name: &str) -> String {
    require_tool("qemu-system-arm");
    let elf = prebuilt(name);
    let out = Command::new("sh")
        .arg(root().join("scripts/qemu-run.sh"))
        .arg(&elf)
        .output()
        .expect("run qemu");
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&format!("exit={}\n", out.status.code().unwrap_or(-1)));
    s
}

fn programs() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("firmware/expected"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".out").map(str::to_string))
        .filter(|n| n.contains("-cortex-"))
        .collect();
    v.sort();
    v
}

#[test]
#[ignore = "toolchain: needs qemu-system-arm; run by .ci/run"]
fn qemu_prints_what_is_recorded_and_thimble_prints_the_same() {
    let mut failures = Vec::new();
    for name in programs() {
        let q = qemu_transcript(&name);
        let t = thimble_transcript(&name);
        if q != expected(&name) {
            failures.push(format!(
                "{name}: firmware/expected is stale (rerun make -C firmware qemu-check)\n{}",
                diff(&expected(&name), &q)
            ));
        }
        if q != t {
            failures.push(format!(
                "{name}: thimble differs from QEMU\n{}",
                diff(&q, &t)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Instructions QEMU executes, from `-singlestep -d exec,nochain` (one trace line per
/// executed instruction when every translation block holds one instruction).
fn qemu_instruction_count(name: &str) -> u64 {
    qemu_pcs(name).len() as u64
}

/// The PC of every instruction QEMU executes, in order (see [`qemu_instruction_count`]): the
/// second field of each `Trace` line's `[.../pc/...]`.
fn qemu_pcs(name: &str) -> Vec<u32> {
    require_tool("qemu-system-arm");
    let (_, cpu) = split_name(name);
    let machine = match cpu {
        "cortex-m4" => "mps2-an386",
        "cortex-m7" => "mps2-an500",
        _ => "mps2-an385",
    };
    // Its own file per call: two tests trace the same ELF at once (conv_int8-cortex-m0plus).
    let log = temp_path(&format!("qemu-{name}.log"));
    let status = Command::new("timeout")
        .args([
            "120",
            "qemu-system-arm",
            "-M",
            machine,
            "-display",
            "none",
            "-monitor",
            "none",
            "-serial",
            "null",
        ])
        .args([
            "-semihosting-config",
            "enable=on,target=native",
            "-singlestep",
            "-d",
            "exec,nochain",
            "-D",
        ])
        .arg(&log)
        .arg("-kernel")
        .arg(prebuilt(name))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run qemu");
    assert!(status.code().is_some(), "qemu killed");
    let text = std::fs::read_to_string(&log).expect("qemu log");
    let _ = std::fs::remove_file(&log);
    text.lines()
        .filter(|l| l.starts_with("Trace "))
        .map(|l| {
            let fields = l.split('[').nth(1).expect("Trace line has [..]");
            let pc = fields.split('/').nth(1).expect("Trace line has a PC");
            u32::from_str_radix(pc, 16).expect("hex PC")
        })
        .collect()
}

fn thimble_instruction_count(name: &str) -> u64 {
    let (_, cpu) = split_name(name);
    let json = temp_path(&format!("count-{name}.json"));
    let elf = prebuilt(name);
    let mut args = vec!["run", s(&elf), "--quiet", "--json", s(&json)];
    args.extend(board_args(cpu));
    let out = thimble(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    v["instructions"].as_u64().expect("instructions in JSON")
}

#[test]
#[ignore = "toolchain: needs qemu-system-arm; run by .ci/run"]
fn int8_convolution_instruction_count_equals_qemus_on_m4_and_m0plus() {
    counts_equal_qemus(&["conv_int8-cortex-m4", "conv_int8-cortex-m0plus"], 10_000);
}

/// For each prebuilt ELF: thimble's instruction count equals QEMU's trace, which must hold
/// more than `at_least` instructions (a vacuous trace fails).
fn counts_equal_qemus(names: &[&str], at_least: u64) {
    for &name in names {
        let q = qemu_instruction_count(name);
        let t = thimble_instruction_count(name);
        assert!(
            q > at_least,
            "{name}: implausibly few instructions from QEMU: {q}"
        );
        assert_eq!(
            t, q,
            "{name}: thimble counted {t} instructions, QEMU executed {q}"
        );
    }
}

/// Issue 3's acceptance: the DSP-intrinsics and float/libm checksum programs retire exactly
/// the instructions QEMU executes, on cortex-m4 and cortex-m7 (double precision). The
/// `_count` builds are the same sources with 40 operands per operation instead of 2000-3000
/// (the full programs run 28-76 M instructions, too many to trace per instruction in CI).
#[test]
#[ignore = "toolchain: needs qemu-system-arm; run by .ci/run"]
fn dsp_and_float_instruction_counts_equal_qemus_on_m4_and_m7() {
    counts_equal_qemus(
        &[
            "dsp_intrinsics_count-cortex-m4",
            "dsp_intrinsics_count-cortex-m7",
            "float_libm_count-cortex-m4",
            "float_libm_count-cortex-m7",
        ],
        100_000,
    );
}

/// Issue 17's trace: `--trace` lists the PC of every retired instruction; QEMU's
/// per-instruction exec log lists the same sequence, with two kinds of entries thimble has
/// not retired, each checked to be one of them: a faulting instruction (UDF, a bad access:
/// the faults of thimble's report), and the instruction after one that pended an interrupt,
/// which QEMU logs before it leaves for the handler (thimble's next line is then the
/// handler's first instruction, not the fall-through).
#[test]
#[ignore = "toolchain: needs qemu-system-arm; run by .ci/run"]
fn trace_pc_sequence_matches_qemus_with_exceptions_and_interrupts() {
    for name in [
        "hello-cortex-m4",
        "exceptions-cortex-m4",
        "exceptions-cortex-m3",
        "exceptions-cortex-m0plus",
        "float-cortex-m4",
        "conv_int8-cortex-m0plus",
    ] {
        let (_, cpu) = split_name(name);
        let trace = temp_path(&format!("trace-{name}.txt"));
        let json = temp_path(&format!("trace-{name}.json"));
        let elf = prebuilt(name);
        let mut args = vec![
            "run",
            s(&elf),
            "--quiet",
            "--trace",
            s(&trace),
            "--json",
            s(&json),
        ];
        args.extend(board_args(cpu));
        let out = thimble(&args);
        let want: i32 = expected(name)
            .lines()
            .last()
            .and_then(|l| l.strip_prefix("exit="))
            .and_then(|c| c.parse().ok())
            .expect("expected transcript ends with exit=N");
        assert_eq!(
            out.status.code(),
            Some(want),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&trace).unwrap();
        let _ = std::fs::remove_file(&trace);
        let t: Vec<u32> = text
            .lines()
            .map(|l| {
                let pc = l.split_whitespace().next().unwrap();
                u32::from_str_radix(pc.trim_start_matches("0x"), 16).unwrap()
            })
            .collect();
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let faults: Vec<u32> = report["faults"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                u32::from_str_radix(f["pc"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
            })
            .collect();
        assert_eq!(
            t.len() as u64,
            report["instructions"].as_u64().unwrap(),
            "{name}: one line per instruction"
        );
        // QEMU's timers follow the host's clock (its -icount mode, which would fix them,
        // logs re-executed blocks twice), so on a busy host its SysTick can fire a few
        // instructions early, before the WFI the program waits in; thimble's own sequence is
        // deterministic. QEMU gets three tries; the last disagreement fails the test.
        let mut verdict = Err(String::new());
        for _ in 0..3 {
            verdict = same_sequence(name, &t, &qemu_pcs(name), &faults);
            if verdict.is_ok() {
                break;
            }
        }
        if let Err(e) = verdict {
            panic!("{e}");
        }
        assert!(
            t.len() > 1000,
            "{name}: implausibly short trace ({})",
            t.len()
        );
    }
}

/// Whether QEMU's PC sequence `q` is thimble's `t` with only the entries thimble does not
/// retire added (faulting instructions, interrupted fall-throughs; at most 16).
fn same_sequence(name: &str, t: &[u32], q: &[u32], faults: &[u32]) -> Result<(), String> {
    let (mut i, mut j, mut extra) = (0, 0, 0);
    while i < t.len() && j < q.len() {
        if t[i] == q[j] {
            i += 1;
            j += 1;
            continue;
        }
        let fault = faults.contains(&q[j]);
        // QEMU's entry follows thimble's previous line directly (2 or 4 bytes on).
        let fallthrough = i > 0 && (q[j] == t[i - 1] + 2 || q[j] == t[i - 1] + 4);
        if !(fault || fallthrough) {
            return Err(format!(
                "{name}: at thimble line {} (pc 0x{:08x}) QEMU executed 0x{:08x}, which is neither a fault nor an interrupted fall-through",
                i + 1,
                t[i],
                q[j]
            ));
        }
        extra += 1;
        j += 1;
    }
    if (i, j) != (t.len(), q.len()) {
        return Err(format!(
            "{name}: the sequences end apart (thimble {} lines, QEMU {})",
            t.len(),
            q.len()
        ));
    }
    if extra > 16 {
        return Err(format!("{name}: {extra} entries only QEMU has"));
    }
    Ok(())
}

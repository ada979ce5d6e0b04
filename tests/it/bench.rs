//! `thimble bench` end to end on real ELFs: the matrix into one table, CSV and JSON; rows
//! that cannot run say why; a baseline diff with --max-regress; shards that merge back into
//! the whole; model inputs with labels and top-1 accuracy.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    let d = temp_path(&format!("bench-{name}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run_ok(args: &[&str]) -> std::process::Output {
    let o = thimble(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "thimble {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn rows(p: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 1);
    v["rows"].as_array().unwrap().clone()
}

#[test]
fn a_matrix_gives_one_table_csv_and_json_and_rows_that_do_not_fit_say_why() {
    let d = tmp("matrix");
    let (json, csv) = (d.join("b.json"), d.join("b.csv"));
    let ms = prebuilt("micro_speech-nano33ble");
    let ic = prebuilt("ic-nucleo-l4r5zi");
    let o = run_ok(&[
        "bench",
        s(&ms),
        s(&ic),
        "--board",
        "nano33ble,nucleo-l4r5zi",
        "--roi",
        "model_invoke",
        "--json",
        s(&json),
        "--csv",
        s(&csv),
    ]);
    let table = String::from_utf8_lossy(&o.stdout);
    let r = rows(&json);
    assert_eq!(r.len(), 4, "2 ELFs x 2 boards");
    let cell = |elf: &str, board: &str| {
        r.iter()
            .find(|x| x["elf_name"] == elf && x["board"] == board)
            .unwrap_or_else(|| panic!("no row {elf} {board}"))
            .clone()
    };
    let ok = cell("micro_speech-nano33ble.elf", "nano33ble");
    assert_eq!(ok["status"], "ok");
    assert!(ok["cycles"].as_u64().unwrap() > 1_000_000);
    assert_eq!(ok["roi"][0]["symbol"], "model_invoke");
    assert_eq!(ok["elf_sha256"].as_str().unwrap().len(), 64);
    let no = cell("micro_speech-nano33ble.elf", "nucleo-l4r5zi");
    assert_eq!(no["status"], "does not fit");
    assert!(no["detail"]
        .as_str()
        .unwrap()
        .contains("outside every memory region"));
    assert_eq!(
        cell("ic-nucleo-l4r5zi.elf", "nucleo-l4r5zi")["status"],
        "ok"
    );
    // The table: a header with units and one line per row, then why rows did not run.
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].contains("latency_ms") && lines[0].contains("model_invoke cycles/call"));
    assert!(lines[0].contains("flash_free") && lines[0].contains("sram_free"));
    assert!(table.contains("micro_speech-nano33ble.elf on nucleo-l4r5zi: does not fit:"));
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(csv.starts_with("elf,board,input,status,instructions,cycles,latency_ms"));
}

#[test]
fn a_baseline_diff_names_each_regression_and_exits_73_beyond_max_regress() {
    let d = tmp("baseline");
    let now = d.join("now.json");
    let elf = prebuilt("micro_speech-nano33ble");
    run_ok(&["bench", s(&elf), "--json", s(&now)]);
    // A baseline 10% faster than today: today regressed by 11%.
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&now).unwrap()).unwrap();
    let cycles = v["rows"][0]["cycles"].as_u64().unwrap();
    v["rows"][0]["cycles"] = serde_json::json!(cycles * 9 / 10);
    let base = d.join("base.json");
    std::fs::write(&base, serde_json::to_string(&v).unwrap()).unwrap();
    let o = thimble(&["bench", s(&elf), "--baseline", s(&base)]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(73), "{out}");
    let line = out.lines().find(|l| l.contains("REGRESSION")).expect(&out);
    assert!(
        line.contains("micro_speech-nano33ble.elf on nano33ble: cycles"),
        "{line}"
    );
    assert!(line.contains("(+11.1"), "{line}");
    let o = thimble(&[
        "bench",
        s(&elf),
        "--baseline",
        s(&base),
        "--max-regress",
        "12",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Against itself nothing changed.
    let o = run_ok(&["bench", s(&elf), "--baseline", s(&now)]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 figures changed"));
}

#[test]
fn shards_merge_into_the_whole_matrix() {
    let d = tmp("shard");
    let elfs = [
        prebuilt("micro_speech-nano33ble"),
        prebuilt("cyccnt-nano33ble"),
        prebuilt("hello-nano33ble"),
        prebuilt("ad-nano33ble"),
    ];
    let mut args = vec!["bench".to_string()];
    args.extend(elfs.iter().map(|e| s(e).to_string()));
    args.extend(["--board".into(), "nano33ble".into()]);
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(extra);
        run_ok(&a)
    };
    let (all, one, two, merged) = (
        d.join("all.json"),
        d.join("1.json"),
        d.join("2.json"),
        d.join("m.json"),
    );
    with(&["--json", s(&all)]);
    with(&["--shard", "1/2", "--json", s(&one)]);
    with(&["--shard", "2/2", "--json", s(&two)]);
    assert_eq!(rows(&one).len(), 2);
    assert_eq!(rows(&two).len(), 2);
    run_ok(&["bench", "--merge", s(&one), s(&two), "--json", s(&merged)]);
    let key = |r: &serde_json::Value| format!("{} {}", r["elf_name"], r["board"]);
    let mut whole = rows(&all);
    whole.sort_by_key(key);
    assert_eq!(
        rows(&merged),
        whole,
        "merged shards equal the whole run, figure for figure"
    );
    let o = thimble(&["bench", "--merge", s(&one), s(&one)]);
    assert_eq!(o.status.code(), Some(64), "a slice twice is refused");
}

#[test]
fn inputs_run_through_the_model_with_labels_give_top1_accuracy() {
    let d = tmp("inputs");
    let inputs = d.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let elf = prebuilt("kws-nano33ble");
    // The bundled clip's features (the model hears "on", class 5), all zeros, and the clip
    // reversed.
    let clip = inputs.join("clip.bin");
    run_ok(&[
        "run",
        s(&elf),
        "-q",
        "--dump",
        &format!("model_input={}", s(&clip)),
    ]);
    let bytes = std::fs::read(&clip).unwrap();
    assert_eq!(bytes.len(), 2000, "500 floats");
    std::fs::write(inputs.join("zeros.bin"), vec![0u8; 2000]).unwrap();
    let mut rev: Vec<[u8; 4]> = bytes
        .chunks_exact(4)
        .map(|c| [c[0], c[1], c[2], c[3]])
        .collect();
    rev.reverse();
    std::fs::write(inputs.join("reversed.bin"), rev.concat()).unwrap();
    let labels = d.join("labels.txt");
    std::fs::write(
        &labels,
        "# file class\nclip.bin 5\nzeros.bin 10\nreversed.bin 5\n",
    )
    .unwrap();
    let json = d.join("b.json");
    let o = run_ok(&[
        "bench",
        s(&elf),
        "--inputs",
        s(&inputs),
        "--load",
        "model_input",
        "--dump",
        "model_output",
        "--dtype",
        "float32",
        "--labels",
        s(&labels),
        "--json",
        s(&json),
    ]);
    let r = rows(&json);
    assert_eq!(r.len(), 3, "one row per input");
    let clip_row = r.iter().find(|x| x["input"] == "clip.bin").unwrap();
    assert_eq!(clip_row["class"], 5, "{clip_row}");
    assert_eq!(clip_row["output"].as_array().unwrap().len(), 12);
    let right = r.iter().filter(|x| x["class"] == x["label"]).count();
    let table = String::from_utf8_lossy(&o.stdout);
    let line = table
        .lines()
        .find(|l| l.starts_with("top-1 accuracy of kws-nano33ble.elf on nano33ble"))
        .expect(&table);
    assert!(
        line.contains(&format!(": {right}/3 = ")),
        "{line} ({right} right)"
    );
}

/// A cell that faults fails the bench (78) once the whole matrix has run: the table and the
/// JSON still hold every row, the good ones included.
#[test]
fn a_failing_cell_exits_78_after_the_whole_matrix_is_written() {
    let d = tmp("failing");
    let json = d.join("b.json");
    let bad = prebuilt("bad-jump-unmapped-nano33ble");
    let ms = prebuilt("micro_speech-nano33ble");
    let o = thimble(&[
        "bench",
        s(&bad),
        s(&ms),
        "--board",
        "nano33ble",
        "--json",
        s(&json),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(78), "{err}");
    assert!(err.contains("1 of 2 cells failed"), "{err}");
    let r = rows(&json);
    assert_eq!(r.len(), 2);
    let status = |elf: &str| {
        r.iter()
            .find(|x| x["elf_name"] == elf)
            .map(|x| x["status"].clone())
            .unwrap()
    };
    assert_eq!(status("bad-jump-unmapped-nano33ble.elf"), "fault");
    assert_eq!(status("micro_speech-nano33ble.elf"), "ok");
}

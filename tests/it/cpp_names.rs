//! C++ firmware: names are shown demangled and accepted demangled, and a name without
//! parameters names every overload (firmware/tests/ci/cpp_roi.cpp: two overloads of
//! tiny::infer and the member function tiny::Model::run).

use crate::common;
use common::*;

const INFER_I8: &str = "tiny::infer(tiny::Layer const&, signed char const*, unsigned long)";
const INFER_I16: &str = "tiny::infer(tiny::Layer const&, short const*, unsigned long)";

fn json(args: &[&str]) -> serde_json::Value {
    let o = thimble(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON report on stdout")
}

#[test]
fn roi_without_parameters_measures_every_overload_one_row_each() {
    let elf = prebuilt("cpp_roi-nano33ble");
    let v = json(&["run", s(&elf), "--roi", "tiny::infer", "--json", "-", "-q"]);
    let rows = v["roi"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["symbol"].as_str().unwrap()).collect();
    assert_eq!(names, vec![INFER_I8, INFER_I16]);
    for r in rows {
        assert_eq!(r["calls"], 3, "Model::run calls each overload 3 times: {r}");
    }
    // The full demangled name picks one overload; the mangled name still works.
    let v = json(&["run", s(&elf), "--roi", INFER_I16, "--json", "-", "-q"]);
    assert_eq!(v["roi"].as_array().unwrap().len(), 1);
    assert_eq!(v["roi"][0]["symbol"], INFER_I16);
    let v = json(&[
        "run",
        s(&elf),
        "--roi",
        "_ZNK4tiny5Model3runEPKaPKsm",
        "--json",
        "-",
        "-q",
    ]);
    assert_eq!(
        v["roi"][0]["symbol"],
        "tiny::Model::run(signed char const*, short const*, unsigned long) const"
    );
    let names: Vec<&str> = v["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&INFER_I8),
        "report functions demangled: {names:?}"
    );
    assert!(!names.iter().any(|n| n.starts_with("_Z")), "{names:?}");
}

#[test]
fn disasm_takes_and_shows_demangled_names() {
    let o = thimble(&[
        "disasm",
        s(&prebuilt("cpp_roi-nano33ble")),
        "--symbol",
        "tiny::infer",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains(&format!("<{INFER_I8}>:")), "{out}");
    assert!(out.contains(&format!("<{INFER_I16}>:")), "{out}");
    let o = thimble(&[
        "disasm",
        s(&prebuilt("cpp_roi-nano33ble")),
        "--symbol",
        "tiny::nothing",
    ]);
    assert_eq!(o.status.code(), Some(64));
}

//! Imports the five reference models from `../shared/models` (beside the
//! repository) and checks their structure, and that the committed
//! `firmware/models/<model>/` files are exactly what the importer emits now.

use std::path::PathBuf;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crate has a parent directory")
        .to_path_buf()
}

/// `shared/models` beside the repository (CI), or beside one of its parents
/// (a git worktree nested one level deeper); `THIMBLE_MODELS_DIR` overrides.
fn models_dir() -> PathBuf {
    if let Ok(d) = std::env::var("THIMBLE_MODELS_DIR") {
        return PathBuf::from(d);
    }
    let root = repo_root();
    for up in [root.join(".."), root.join("..").join("..")] {
        let d = up.join("shared").join("models");
        if d.is_dir() {
            return d;
        }
    }
    panic!(
        "reference models not found: expected shared/models/ beside the repository clone ({})",
        root.join("..").join("shared").join("models").display()
    );
}

fn model_bytes(file: &str) -> Vec<u8> {
    let path = models_dir().join(file);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read reference model {} ({e})", path.display()))
}

const MODELS: [(&str, &str); 5] = [
    ("kws", "keyword_spotting.tflite"),
    ("vww", "visual_wake_words.tflite"),
    ("ic", "image_classification.tflite"),
    ("ad", "anomaly_detection.tflite"),
    ("micro_speech", "tflite_micro_speech.tflite"),
];

fn op_counts(m: &model_import::ImportedModel) -> Vec<(&'static str, usize)> {
    let mut v: Vec<(&'static str, usize)> = Vec::new();
    for o in &m.ops {
        match v.iter_mut().find(|(n, _)| *n == o.op) {
            Some(e) => e.1 += 1,
            None => v.push((o.op, 1)),
        }
    }
    v.sort();
    v
}

#[test]
fn kws_structure() {
    let m = model_import::import(&model_bytes("keyword_spotting.tflite"), "kws").unwrap();
    assert_eq!(
        op_counts(&m),
        vec![
            ("AVERAGE_POOL_2D", 1),
            ("CONV_2D", 5),
            ("DEPTHWISE_CONV_2D", 4),
            ("DEQUANTIZE", 1),
            ("FULLY_CONNECTED", 1),
            ("QUANTIZE", 1),
            ("RESHAPE", 1),
            ("SOFTMAX", 1),
        ]
    );
    assert!(m.header.contains("extern float model_input[500];"));
    assert!(m.header.contains("extern float model_output[12];"));
    // Two 25x5x64 int8 activations live at once: at least 16000 bytes.
    assert!(
        m.arena_bytes >= 16000 && m.arena_bytes <= 24000,
        "{}",
        m.arena_bytes
    );
}

#[test]
fn all_models_import() {
    for (name, file) in MODELS {
        let m = model_import::import(&model_bytes(file), name)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(m.c_source.contains("int model_invoke(void)"));
        assert!(m.arena_bytes % 16 == 0 && m.arena_bytes > 0);
        assert!(m.const_bytes > 0);
    }
}

#[test]
fn op_lists_match_the_readme() {
    let expect: [(&str, &[(&str, usize)]); 4] = [
        (
            "visual_wake_words.tflite",
            &[
                ("AVERAGE_POOL_2D", 1),
                ("CONV_2D", 14),
                ("DEPTHWISE_CONV_2D", 13),
                ("DEQUANTIZE", 1),
                ("FULLY_CONNECTED", 1),
                ("QUANTIZE", 1),
                ("RESHAPE", 1),
                ("SOFTMAX", 1),
            ],
        ),
        (
            "image_classification.tflite",
            &[
                ("ADD", 3),
                ("AVERAGE_POOL_2D", 1),
                ("CONV_2D", 9),
                ("FULLY_CONNECTED", 1),
                ("RESHAPE", 1),
                ("SOFTMAX", 1),
            ],
        ),
        (
            "anomaly_detection.tflite",
            &[
                ("DEQUANTIZE", 1),
                ("FULLY_CONNECTED", 10),
                ("PACK", 1),
                ("QUANTIZE", 1),
                ("RESHAPE", 2),
                ("SHAPE", 1),
                ("STRIDED_SLICE", 1),
            ],
        ),
        (
            "tflite_micro_speech.tflite",
            &[
                ("CONV_2D", 1),
                ("FULLY_CONNECTED", 1),
                ("RESHAPE", 1),
                ("SOFTMAX", 1),
            ],
        ),
    ];
    for (file, ops) in expect {
        let m = model_import::import(&model_bytes(file), "m").unwrap();
        assert_eq!(op_counts(&m), ops.to_vec(), "{file}");
    }
}

#[test]
fn committed_firmware_models_are_current() {
    for (name, file) in MODELS {
        let m = model_import::import(&model_bytes(file), name).unwrap();
        let dir = repo_root().join("firmware").join("models").join(name);
        for (f, want) in [("model.c", &m.c_source), ("model.h", &m.header)] {
            let got = std::fs::read_to_string(dir.join(f))
                .unwrap_or_else(|e| panic!("{}: {e}", dir.join(f).display()));
            assert!(
                &got == want,
                "{} is stale: regenerate with `cargo run -p model-import --example generate -- ../shared/models firmware/models`",
                dir.join(f).display()
            );
        }
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let kws = model_bytes("keyword_spotting.tflite");
    assert!(matches!(
        model_import::import(&kws[..100], "x"),
        Err(model_import::ImportError::Malformed { .. })
    ));
    assert!(model_import::import(b"", "x").is_err());
    // Corrupt single bytes across the file: never a panic.
    for pos in (0..kws.len()).step_by(97) {
        let mut b = kws.clone();
        b[pos] ^= 0xa5;
        let _ = model_import::import(&b, "x");
    }
}

#[test]
fn corrupted_models_never_panic() {
    // Deterministic pseudo-random corruptions of every model: single bytes,
    // 32-bit words set to extreme values, and truncations. Tests run with
    // overflow checks, so arithmetic overflow would panic here too.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (_, file) in MODELS {
        let orig = model_bytes(file);
        for k in 0..90 {
            let mut b = orig.clone();
            let pos = (next() as usize) % (b.len() - 4);
            match k % 3 {
                0 => b[pos] ^= (next() as u8) | 1,
                1 => {
                    let v: u32 =
                        [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff][(next() % 5) as usize];
                    b[pos..pos + 4].copy_from_slice(&v.to_le_bytes());
                }
                _ => b.truncate(pos),
            }
            let _ = model_import::import(&b, "x");
        }
    }
}

#[test]
fn unsupported_operator_names_it_and_its_index() {
    // Patch the kws model's SOFTMAX opcode (builtin_code 25) into TANH (28).
    let mut b = model_bytes("keyword_spotting.tflite");
    // Find the operator_codes entry: deprecated_builtin_code byte 25 and builtin_code int 25.
    let needle = 25i32.to_le_bytes();
    let mut patched = false;
    for i in 0..b.len() - 4 {
        if b[i..i + 4] == needle {
            let mut t = b.clone();
            t[i..i + 4].copy_from_slice(&28i32.to_le_bytes());
            if let Err(model_import::ImportError::Unsupported { what, op }) =
                model_import::import(&t, "x")
            {
                if what.contains("TANH") {
                    assert_eq!(op, 13);
                    assert_eq!(
                        model_import::ImportError::Unsupported { what, op }.to_string(),
                        "unsupported operator TANH at operator 13"
                    );
                    patched = true;
                    b = t;
                    break;
                }
            }
        }
    }
    assert!(patched, "could not patch SOFTMAX into TANH");
    drop(b);
}

/// The malformed models the fuzzer found (`fuzz/corpus/tflite/regress-*`, each a bit-flipped
/// micro_speech) import to a result or an error, never a panic; the shape and zero-point ones
/// are refused, naming what is wrong.
#[test]
fn fuzz_found_models_are_results_not_panics() {
    let dir = repo_root().join("fuzz").join("corpus").join("tflite");
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).expect("fuzz corpus") {
        let path = e.expect("dir entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("regress-") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read corpus input");
        let r = model_import::import(&bytes, "fuzz_model");
        let refused = match name.as_str() {
            "regress-zero-dim-shape-overflow" => Some("shape"),
            "regress-zero-point-negate-overflow" => Some("zero point"),
            _ => None,
        };
        if let Some(what) = refused {
            let Err(e) = r else {
                panic!("{name}: must be refused (its {what})");
            };
            assert!(e.to_string().contains(what), "{name}: {e}");
        }
        seen += 1;
    }
    assert!(seen >= 3, "regression inputs found in {}", dir.display());
}

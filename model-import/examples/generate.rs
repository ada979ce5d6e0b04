//! Regenerates `firmware/models/<model>/model.{c,h}` from `../shared/models`.
//!
//! Usage (from the repository root):
//! `cargo run -p model-import --example generate -- ../shared/models firmware/models`

use std::path::PathBuf;

/// (directory name, file in the models directory).
const MODELS: [(&str, &str); 5] = [
    ("kws", "keyword_spotting.tflite"),
    ("vww", "visual_wake_words.tflite"),
    ("ic", "image_classification.tflite"),
    ("ad", "anomaly_detection.tflite"),
    ("micro_speech", "tflite_micro_speech.tflite"),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: generate MODELS_DIR OUT_DIR");
        std::process::exit(2);
    }
    let (src, out) = (PathBuf::from(&args[1]), PathBuf::from(&args[2]));
    for (name, file) in MODELS {
        let path = src.join(file);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                std::process::exit(1);
            }
        };
        let m = match model_import::import(&bytes, name) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                std::process::exit(1);
            }
        };
        let dir = out.join(name);
        let write = |f: &str, s: &str| {
            if let Err(e) =
                std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(dir.join(f), s))
            {
                eprintln!("{}: {e}", dir.join(f).display());
                std::process::exit(1);
            }
        };
        write("model.c", &m.c_source);
        write("model.h", &m.header);
        let macs: u64 = m.ops.iter().map(|o| o.macs).sum();
        println!(
            "{name}: {} ops, arena {} bytes, weights {} bytes, {macs} MACs",
            m.ops.len(),
            m.arena_bytes,
            m.const_bytes
        );
    }
}

//! Runs every input of the corpus through its target once, without libFuzzer (stable
//! toolchain, no instrumentation): `replay` alone replays `fuzz/corpus/<target>/` for every
//! target; `replay TARGET FILE...` replays chosen files (a crash reproducer, say). A panic
//! aborts with the input's name printed first; a slow input is named.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn run(target: &str, f: fn(&[u8]), file: &Path) -> Duration {
    let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    eprintln!("{target}: {}", file.display());
    let t = Instant::now();
    f(&data);
    t.elapsed()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut total = 0usize;
    let mut slowest = (Duration::ZERO, String::new());
    let mut note = |d: Duration, what: String| {
        total += 1;
        if d > slowest.0 {
            slowest = (d, what);
        }
    };
    if let Some((name, files)) = args.split_first() {
        let (_, f) = thimble_fuzz::TARGETS
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no target {name}"));
        for file in files {
            note(run(name, *f, Path::new(file)), file.clone());
        }
    } else {
        for (name, f) in thimble_fuzz::TARGETS {
            let dir = corpus.join(name);
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|e| e.expect("corpus entry").path())
                .collect();
            files.sort();
            assert!(!files.is_empty(), "{}: empty corpus", dir.display());
            for file in files {
                note(run(name, f, &file), file.display().to_string());
            }
        }
    }
    println!(
        "replay: {total} inputs, no panic; slowest {:.1} ms ({})",
        slowest.0.as_secs_f64() * 1e3,
        slowest.1
    );
}

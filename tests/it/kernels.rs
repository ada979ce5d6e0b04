//! Every int8 firmware kernel, running inside thimble, against the Rust reference
//! (`model_import::reference`), bit for bit: 256 random cases per kernel (shapes, strides,
//! padding, dilations, depth multipliers, quantization parameters, data) from
//! `model_import::harness::random_cases`, packed into the harness ELF's `nn_test_blob` symbol
//! with `thimble run --load` — no rebuild, no toolchain. Both builds: cortex-m4 (DSP kernels)
//! and cortex-m0plus (portable kernels). The seed comes from the clock and is printed;
//! `NN_KERNEL_SEED` reproduces a run.

use crate::common;
use common::*;
use model_import::harness::{pack, parse_output, random_cases, Case, BLOB_SYMBOL};

const CASES_PER_KERNEL: usize = 256;

fn run_harness(elf: &str, board: &[&str], blob: &[u8], tag: &str) -> String {
    let f = temp_path(&format!("kernels-{tag}.bin"));
    std::fs::write(&f, blob).unwrap();
    let spec = format!("{BLOB_SYMBOL}={}", s(&f));
    let elf = prebuilt(elf);
    let mut args = vec!["run", s(&elf), "--quiet", "--load", &spec];
    args.extend_from_slice(board);
    let out = thimble(&args);
    let _ = std::fs::remove_file(&f);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn int8_kernels_in_the_simulator_are_bit_exact_with_the_reference() {
    let seed = std::env::var("NN_KERNEL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    eprintln!("kernel seed {seed} (NN_KERNEL_SEED={seed} reproduces)");
    let cases = random_cases(seed, CASES_PER_KERNEL);
    for (elf, board) in [
        ("nn_harness-cortex-m4", board_args("cortex-m4")),
        ("nn_harness-cortex-m0plus", board_args("cortex-m0plus")),
    ] {
        let mut rest: &[Case] = &cases;
        let mut checked = 0;
        let mut batch = 0;
        while !rest.is_empty() {
            let (blob, n) = pack(rest);
            assert!(n > 0, "a case does not fit the blob");
            let text = run_harness(elf, &board, &blob, &format!("{elf}-{batch}"));
            let got = parse_output(&text).unwrap_or_else(|| {
                panic!(
                    "{elf}: harness output incomplete:\n{}",
                    &text[..text.len().min(2000)]
                )
            });
            assert_eq!(got.len(), n, "{elf}: outputs missing");
            for (c, g) in rest[..n].iter().zip(&got) {
                assert!(
                    *g == c.want,
                    "{elf}: {} differs from the reference (seed {seed})\n got  {:?}\n want {:?}",
                    c.name,
                    &g[..g.len().min(64)],
                    &c.want[..c.want.len().min(64)]
                );
                checked += 1;
            }
            rest = &rest[n..];
            batch += 1;
        }
        assert_eq!(checked, 7 * CASES_PER_KERNEL);
        eprintln!("{elf}: {checked} cases bit-exact in thimble ({CASES_PER_KERNEL} per kernel)");
    }
}

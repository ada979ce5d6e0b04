//! Every firmware kernel against the Rust reference (`model_import::reference`),
//! bit for bit, on random shapes, strides, padding, dilations, depth
//! multipliers, quantization parameters and data: 256 cases per kernel
//! (`model_import::harness::random_cases`), run in QEMU through the kernel
//! test harness (`firmware/nn/test/kernel_harness.c`) for both builds:
//! cortex-m4 (DSP kernels, mps2-an386) and cortex-m0plus (portable kernels,
//! mps2-an385). The cases are written into the harness ELF's `nn_test_blob`
//! symbol (a copy of the committed prebuilt ELF). Needs qemu-system-arm:
//! fails when CI=true and it is missing, otherwise skips with a notice. The
//! seed comes from the clock and is printed (NN_KERNEL_SEED reproduces).
//! `NN_HARNESS_RUNNER=BIN` runs `BIN ELF BOARD` instead of QEMU, e.g. the
//! simulator: `NN_HARNESS_RUNNER=target/release/examples/bench_loop`.

use model_import::harness::{pack, parse_output, random_cases, Case, BLOB_BYTES, BLOB_SYMBOL};
use std::path::PathBuf;
use std::process::Command;

const CASES_PER_KERNEL: usize = 256;

fn blob_file_range(elf: &[u8]) -> (usize, usize) {
    let e = goblin::elf::Elf::parse(elf).expect("harness ELF parses");
    for sym in e.syms.iter() {
        if e.strtab.get_at(sym.st_name) == Some(BLOB_SYMBOL) {
            let sh = &e.section_headers[sym.st_shndx];
            let off = (sh.sh_offset + (sym.st_value - sh.sh_addr)) as usize;
            return (off, sym.st_size as usize);
        }
    }
    panic!("{BLOB_SYMBOL} not found in the harness ELF");
}

/// Runs the packed cases in QEMU; returns the harness output text.
fn run_qemu(elf: &[u8], machine: &str, blob: &[u8]) -> String {
    let (off, size) = blob_file_range(elf);
    assert_eq!(size, BLOB_BYTES);
    let mut image = elf.to_vec();
    image[off..off + size].copy_from_slice(blob);
    let path = std::env::temp_dir().join(format!(
        "thimble-nn-harness-{}-{machine}.elf",
        std::process::id()
    ));
    std::fs::write(&path, &image).expect("write patched harness");
    let out = match std::env::var("NN_HARNESS_RUNNER") {
        // Any simulator taking `ELF BOARD` that serves semihosting output.
        Ok(runner) => Command::new(runner)
            .arg(&path)
            .arg(machine)
            .output()
            .expect("runner runs"),
        Err(_) => Command::new("qemu-system-arm")
            .args(["-M", machine, "-nographic", "-semihosting", "-kernel"])
            .arg(&path)
            .output()
            .expect("qemu runs"),
    };
    let _ = std::fs::remove_file(&path);
    // QEMU sends semihosting output to stderr; accept either stream.
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
#[ignore = "toolchain: needs qemu-system-arm; run by .ci/run"]
fn kernels_match_the_rust_reference_in_qemu() {
    let present = std::env::var("NN_HARNESS_RUNNER").is_ok()
        || Command::new("qemu-system-arm")
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
    if !present {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("qemu-system-arm missing (required when CI=true)");
        }
        eprintln!("notice: qemu-system-arm not found, skipping the kernel harness test");
        return;
    }
    let seed = std::env::var("NN_KERNEL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    eprintln!("kernel harness seed {seed} (NN_KERNEL_SEED={seed} reproduces)");
    let cases = random_cases(seed, CASES_PER_KERNEL);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    for (elf_name, machine) in [
        ("nn_harness-cortex-m4.elf", "mps2-an386"),
        ("nn_harness-cortex-m0plus.elf", "mps2-an385"),
    ] {
        let elf =
            std::fs::read(root.join("firmware/prebuilt").join(elf_name)).expect("harness ELF");
        let mut rest: &[Case] = &cases;
        let mut checked = 0;
        while !rest.is_empty() {
            let (blob, n) = pack(rest);
            assert!(n > 0, "a case does not fit the blob");
            let text = run_qemu(&elf, machine, &blob);
            let got = parse_output(&text).unwrap_or_else(|| {
                panic!(
                    "{elf_name}: harness output incomplete:\n{}",
                    &text[..text.len().min(2000)]
                )
            });
            assert_eq!(got.len(), n, "{elf_name}: outputs missing");
            for (c, g) in rest[..n].iter().zip(&got) {
                assert!(
                    *g == c.want,
                    "{elf_name}: {} differs from the reference (seed {seed})\n got  {:?}\n want {:?}",
                    c.name,
                    &g[..g.len().min(64)],
                    &c.want[..c.want.len().min(64)]
                );
                checked += 1;
            }
            rest = &rest[n..];
        }
        assert_eq!(checked, 7 * CASES_PER_KERNEL);
        eprintln!("{elf_name}: {checked} cases bit-exact ({CASES_PER_KERNEL} per kernel)");
    }
}

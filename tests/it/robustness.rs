//! Untrusted input never panics, hangs or grows without bound (issue 15): each case that once
//! did is run here on the real binary and must end with one clear line and a documented exit
//! status. The fuzz targets in `fuzz/` search for more; `docs/robustness.md` lists the limits.

use crate::common;
use common::*;
use std::path::PathBuf;

const GUEST_FAULT: i32 = 70;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory for this test process.
fn scratch(name: &str) -> PathBuf {
    let d = temp_path(&format!("robust-{name}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn u16le(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}
fn u32le(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// The file offset of ELF32 symbol `name`'s entry in .symtab.
fn symbol_entry(elf: &[u8], name: &str) -> usize {
    let (shoff, shentsize, shnum) = (u32le(elf, 32), u16le(elf, 46), u16le(elf, 48));
    let sh = |i: usize| shoff + i * shentsize;
    for i in 0..shnum {
        if u32le(elf, sh(i) + 4) != 2 {
            continue; // not SHT_SYMTAB
        }
        let (off, size) = (u32le(elf, sh(i) + 16), u32le(elf, sh(i) + 20));
        let strtab = u32le(elf, sh(u32le(elf, sh(i) + 24)) + 16);
        for e in (off..off + size).step_by(16) {
            let n = strtab + u32le(elf, e);
            if elf[n..].starts_with(name.as_bytes()) && elf[n + name.len()] == 0 {
                return e;
            }
        }
    }
    panic!("no symbol {name}");
}

/// `thimble disasm` on function symbols whose size is odd or ends inside a 32-bit instruction
/// (it used to index past the bytes it had and panic).
#[test]
fn disasm_survives_odd_function_sizes() {
    let mut elf = std::fs::read(prebuilt("hello-cortex-m4")).unwrap();
    let dir = scratch("disasm");
    let main = symbol_entry(&elf, "main");
    for size in [1u32, 3, 5, 7, 0xFFFF_FFFF] {
        elf[main + 8..main + 12].copy_from_slice(&size.to_le_bytes());
        let p = dir.join(format!("odd{size}.elf"));
        std::fs::write(&p, &elf).unwrap();
        let o = thimble(&["disasm", s(&p), "--symbol", "main"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "size {size}: {}", stderr(&o));
        assert!(out.contains("<main>:"), "size {size}: {out}");
        if size < 8 {
            assert!(
                out.contains("the symbol ends inside an instruction"),
                "size {size}: {out}"
            );
        }
    }
}

/// One flipped bit in the kws ELF turns `vpush {d8-d9}` into `vpush {d24-d25}`: D16-D31 do not
/// exist on an M-profile FPU, so it is a UsageFault (UNDEFINSTR), not a panic.
#[test]
fn flipped_bit_naming_d24_is_a_guest_fault() {
    let mut elf = std::fs::read(prebuilt("kws-nano33ble")).unwrap();
    // vpush {d8-d9} = ed2d 8b04; the D bit is bit 6 of the first halfword.
    let at = elf
        .windows(4)
        .position(|w| w == [0x2d, 0xed, 0x04, 0x8b])
        .expect("kws has a vpush {d8-d9}");
    elf[at] ^= 0x40;
    let p = scratch("flip").join("kws-flip.elf");
    std::fs::write(&p, &elf).unwrap();
    let o = thimble(&["run", s(&p), "--quiet"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(GUEST_FAULT), "{err}");
    assert!(err.contains("UFSR.UNDEFINSTR"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

const NO_INPUT: i32 = 66;
const BAD_ELF: i32 = 65;
const DOES_NOT_FIT: i32 = 67;
const BAD_ARGUMENT: i32 = 64;

/// Runs thimble with a deadline: a hang fails the test instead of stalling it.
fn thimble_within(args: &[&str], secs: u64) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_thimble"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run thimble");
    let t0 = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t0.elapsed().as_secs() >= secs {
            let _ = child.kill();
            let _ = child.wait();
            panic!("thimble {args:?} still running after {secs} s (a hang)");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(p: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .expect("mkfifo");
    assert!(ok.success());
}

fn one_line(o: &std::process::Output, code: i32, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in: {err}");
    }
}

/// A FIFO or a device as the ELF, a `--load` file or a board file ends at once with one line
/// (they used to block forever or read gigabytes).
#[test]
fn fifos_and_devices_are_not_read() {
    let dir = scratch("fifo");
    let fifo = dir.join("pipe.elf");
    mkfifo(&fifo);
    let kws = prebuilt("kws-nano33ble");
    for (args, needles) in [
        (
            vec!["run", s(&fifo)],
            vec!["pipe.elf", "not a regular file (a FIFO)"],
        ),
        (
            vec!["run", "/dev/zero"],
            vec!["/dev/zero", "a character device"],
        ),
        (vec!["disasm", s(&fifo)], vec!["pipe.elf", "a FIFO"]),
        (
            vec![
                "run",
                s(&kws),
                "--load",
                &format!("model_input={}", s(&fifo)),
            ],
            vec!["--load", "a FIFO"],
        ),
        (
            vec!["run", s(&kws), "--load", "model_input=/dev/urandom"],
            vec!["--load /dev/urandom", "a character device"],
        ),
        (
            vec!["model", "import", "/dev/zero", "-o", s(&dir)],
            vec!["/dev/zero", "a character device"],
        ),
    ] {
        let o = thimble_within(&args, 20);
        one_line(&o, NO_INPUT, &needles);
    }
    let o = thimble_within(&["run", s(&kws), "--board", s(&fifo)], 20);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("a FIFO"), "{err}");
}

/// The guest opening a FIFO through semihosting gets -1 at once (it used to block the run).
#[test]
fn guest_open_of_a_fifo_is_refused() {
    let dir = scratch("guest-fifo");
    mkfifo(&dir.join("inside.txt"));
    let elf = prebuilt("bad-sandbox-nano33ble");
    let o = thimble_within(&["run", s(&elf), "--semihosting-root", s(&dir)], 20);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("open inside.txt -> -1"), "{out}{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A minimal ELF32 ARM executable without sections: one program header per (paddr, vaddr,
/// filesz, memsz), every segment's file bytes at the same offset unless `offsets` says.
fn elf(segments: &[(u32, u32, u32, u32)], file_len: usize, offsets: Option<&[u32]>) -> Vec<u8> {
    let mut b = vec![0u8; file_len.max(52 + 32 * segments.len())];
    b[..4].copy_from_slice(b"\x7fELF");
    b[4] = 1; // ELFCLASS32
    b[5] = 1; // little-endian
    b[6] = 1;
    b[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    b[18..20].copy_from_slice(&40u16.to_le_bytes()); // EM_ARM
    b[20..24].copy_from_slice(&1u32.to_le_bytes());
    b[28..32].copy_from_slice(&52u32.to_le_bytes()); // e_phoff
    b[40..42].copy_from_slice(&52u16.to_le_bytes()); // e_ehsize
    b[42..44].copy_from_slice(&32u16.to_le_bytes()); // e_phentsize
    b[44..46].copy_from_slice(&(segments.len() as u16).to_le_bytes());
    for (i, &(paddr, vaddr, filesz, memsz)) in segments.iter().enumerate() {
        let h = 52 + 32 * i;
        let off = offsets.map_or(0, |o| o[i]);
        for (k, v) in [1, off, vaddr, paddr, filesz, memsz, 5, 4]
            .into_iter()
            .enumerate()
        {
            b[h + 4 * k..h + 4 * k + 4].copy_from_slice(&v.to_le_bytes());
        }
    }
    b
}

fn run_elf(name: &str, bytes: &[u8]) -> std::process::Output {
    let p = scratch("elf").join(name);
    std::fs::write(&p, bytes).unwrap();
    thimble_within(&["run", s(&p), "--board", "mps2-an386"], 20)
}

/// 65,535 overlapping PT_LOAD segments took 4.1 GB and 17 s; segment count, total file bytes
/// and overlaps are now refused before anything is copied.
#[test]
fn forged_segments_are_refused() {
    let many = vec![(0u32, 0u32, 0x10000u32, 0x10000u32); 65_535];
    let o = run_elf("many.elf", &elf(&many, 0, None));
    one_line(
        &o,
        BAD_ELF,
        &["65535 loadable (PT_LOAD) segments", "more than the 256"],
    );

    let shared = vec![(0u32, 0u32, 0x8000u32, 0x8000u32); 200];
    let o = run_elf("shared.elf", &elf(&shared, 0x8000, None));
    one_line(
        &o,
        BAD_ELF,
        &["claim", "file bytes", "overlapping segments"],
    );

    let overlap = [(0u32, 0u32, 0x100u32, 0x100u32), (0x80, 0x80, 0x100, 0x100)];
    let o = run_elf("overlap.elf", &elf(&overlap, 0x1000, Some(&[0x200, 0x400])));
    one_line(
        &o,
        BAD_ELF,
        &["segments 0 and 1 overlap at load address 0x00000080"],
    );

    let run_overlap = [
        (0u32, 0x2000_0000u32, 0x100u32, 0x1000u32),
        (0x100, 0x2000_0800, 0x100, 0x100),
    ];
    let o = run_elf(
        "runoverlap.elf",
        &elf(&run_overlap, 0x1000, Some(&[0x200, 0x400])),
    );
    one_line(&o, BAD_ELF, &["overlap at run address 0x20000800"]);
}

/// A section-less ELF whose segment claims p_memsz 0xFFFFFFFF was accepted; its run extent
/// is now checked against the board like a section's.
#[test]
fn huge_memsz_without_sections_does_not_fit() {
    let o = run_elf(
        "memsz.elf",
        &elf(&[(0, 0, 0x100, 0xFFFF_FFFF)], 0x400, Some(&[0x200])),
    );
    one_line(&o, DOES_NOT_FIT, &["segment 0", "does not fit FLASH"]);
}

/// A bad EI_CLASS or EI_DATA byte is named as such, not as a "32-bit little-endian" ELF that
/// thimble then says it runs.
#[test]
fn bad_ident_bytes_are_named() {
    let mut b = elf(&[(0, 0, 0x100, 0x100)], 0x400, Some(&[0x200]));
    b[4] = 7;
    let o = run_elf("class.elf", &b);
    one_line(&o, BAD_ELF, &["invalid class 7 (EI_CLASS)"]);
    b[4] = 1;
    b[5] = 9;
    let o = run_elf("data.elf", &b);
    one_line(&o, BAD_ELF, &["invalid data encoding 9 (EI_DATA)"]);
}

/// `--load` of a file larger than the symbol is refused by its size, not read.
#[test]
fn load_file_larger_than_the_symbol_is_refused() {
    let dir = scratch("load");
    let big = dir.join("big.bin");
    std::fs::write(&big, vec![0u8; 1 << 20]).unwrap();
    let kws = prebuilt("kws-nano33ble");
    let o = thimble_within(
        &[
            "run",
            s(&kws),
            "--load",
            &format!("model_input={}", s(&big)),
        ],
        20,
    );
    one_line(
        &o,
        BAD_ARGUMENT,
        &["the file has 1048576 bytes but model_input is"],
    );
}

/// Limits and budgets outside what can mean anything are refused, not taken silently.
#[test]
fn out_of_range_limits_and_budgets_are_refused() {
    let elf = prebuilt("hello-cortex-m4");
    for (args, code, needle) in [
        (
            vec!["--max-cycles", "18446744073709551615"],
            2,
            "not in 1..=1000000000000000",
        ),
        (
            vec!["--max-instructions", "0"],
            2,
            "not in 1..=1000000000000000",
        ),
        (
            vec!["--clock", "18446744073709551615"],
            2,
            "not in 0..=10000000000",
        ),
        (vec!["--duty", "1e300", "--battery", "5"], 2, "out of range"),
        (
            vec!["--budget", "sram=5000000M"],
            BAD_ARGUMENT,
            "out of range (at most 4 GiB)",
        ),
        (
            vec!["--budget", "cycles=100000000000000000000"],
            BAD_ARGUMENT,
            "at most 2^64 - 1 cycles",
        ),
    ] {
        let mut a = vec!["run", s(&elf), "--board", "mps2-an386"];
        a.extend(&args);
        let o = thimble_within(&a, 20);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

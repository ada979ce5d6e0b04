//! Untrusted input never panics, hangs or grows without bound (issue 15): each case that once
//! did is run here on the real binary and must end with one clear line and a documented exit
//! status. The fuzz targets in `fuzz/` search for more; `docs/robustness.md` lists the limits.

mod common;
use common::*;
use std::path::PathBuf;

const GUEST_FAULT: i32 = 70;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory for this test process.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("thimble-robust-{name}-{}", std::process::id()));
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

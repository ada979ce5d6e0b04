//! thimble's fuzz targets: one function per kind of untrusted input, each taking the fuzzer's
//! bytes. Every target must return for every input; a panic, a hang or unbounded memory is a
//! bug (docs/robustness.md). The libFuzzer binaries in `fuzz_targets/` and the corpus replayer
//! (`src/bin/replay.rs`) call these.

use arbitrary::Unstructured;
use sim_core::board::{Board, CoreProfile, FpuKind};
use sim_core::console::Console;
use sim_core::loader::{Image, Segment};
use sim_core::machine::Machine;
use sim_core::report::Report;
use std::io::{self, Read, Write};
use std::sync::OnceLock;

/// One fuzz target: runs one input.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/corpus/<name>/` and the libFuzzer binaries call them.
pub const TARGETS: [(&str, Target); 6] = [
    ("elf", elf),
    ("exec", exec),
    ("gdb_packet", gdb_packet),
    ("tflite", tflite),
    ("board_toml", board_toml),
    ("budget", budget),
];

/// Instructions a fuzzed program may run (bounded so that every input returns quickly).
const MAX_INSTRUCTIONS: u64 = 1_000;
/// Instructions of one `exec` input.
const EXEC_INSTRUCTIONS: u64 = 300;
/// Cycles a fuzzed program may run, asleep included, as every `thimble run` has a limit of
/// simulated time (60 s by default): an instruction limit alone never ends a core asleep in
/// WFI beside a periodic event that cannot wake it (SysTick reloading every 2 cycles, its
/// exception pending but masked by BASEPRI), which exec's long run found (session 7).
const MAX_CYCLES: u64 = 200_000;

fn board(name: &str) -> &'static Board {
    static AN386: OnceLock<Board> = OnceLock::new();
    static SMALL: OnceLock<Board> = OnceLock::new();
    match name {
        "mps2-an386" => AN386.get_or_init(|| Board::load("mps2-an386").expect("built-in board")),
        _ => SMALL.get_or_init(|| Board::from_toml(SMALL_BOARD, "fuzz").expect("fuzz board")),
    }
}

/// 64 KiB of flash and of SRAM: small, so that building a machine per input stays cheap.
const SMALL_BOARD: &str = r#"
name = "fuzz-small"
description = "64 KiB flash + 64 KiB SRAM"
core = "cortex-m4f"
clock_hz = 25_000_000
priority_bits = 3
irqs = 32

[[region]]
name = "FLASH"
kind = "flash"
base = 0x0000_0000
size = 0x0001_0000

[[region]]
name = "SRAM"
kind = "sram"
base = 0x2000_0000
size = 0x0001_0000
"#;

/// A machine with the board's devices and semihosting (no host files), reset, limited.
fn machine(board: Board, image: Image) -> Option<Machine> {
    let isa = Box::new(isa_thumb::Thumb::new(board.core, board.fpu()));
    let mut m = Machine::new(board, image, isa, Console::new(false)).ok()?;
    peripherals::attach(&mut m, &peripherals::PeripheralOptions::default()).ok()?;
    m.limits.max_instructions = Some(MAX_INSTRUCTIONS);
    m.limits.max_cycles = Some(MAX_CYCLES);
    Some(m)
}

/// The ELF loader: parse, place on mps2-an386, run a few thousand instructions, report.
pub fn elf(data: &[u8]) {
    let Ok(image) = Image::parse(data.to_vec(), "fuzz.elf") else {
        return;
    };
    for s in image.symbols.iter().take(16) {
        let _ = image.describe_addr(s.addr.wrapping_add(3));
    }
    let Some(mut m) = machine(board("mps2-an386").clone(), image) else {
        return;
    };
    let reason = match m.reset() {
        Ok(()) => m.run(),
        Err(r) => r,
    };
    let report = Report::new(&m, &reason);
    let _ = report.text(None);
    let _ = serde_json::to_string(&report);
}

/// The decoder and executor: a random halfword stream run from flash (or from SRAM, where
/// nothing is cached) on one of the core profiles, with random registers, CPACR and a vector
/// table whose handlers run the same stream.
pub fn exec(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(profile), Ok(flags)) = (u.arbitrary::<u8>(), u.arbitrary::<u8>()) else {
        return;
    };
    let mut regs = [0u32; 13];
    for r in &mut regs {
        let (sel, v) = (
            u.arbitrary::<u8>().unwrap_or(0),
            u.arbitrary::<u32>().unwrap_or(0),
        );
        // Mostly addresses that are mapped, so that loads and stores reach memory and devices.
        *r = match sel & 3 {
            0 => 0x2000_0000 + (v & 0xFFFC),
            1 => v & 0xFFFF,
            2 => 0xE000_E000 + (v & 0xFFC),
            _ => v,
        };
    }
    let code = u.take_rest();
    let code = &code[..code.len().min(0x1000) & !1];
    let mut board = board("small").clone();
    let (core, fpu) = [
        (CoreProfile::CortexM0plus, None),
        (CoreProfile::CortexM3, None),
        (CoreProfile::CortexM4, None),
        (CoreProfile::CortexM4f, None),
        (CoreProfile::CortexM7, None),
        (CoreProfile::CortexM7, Some(FpuKind::Fpv5Dp)),
    ][usize::from(profile) % 6];
    board.set_core(core);
    board.fpu = fpu;
    // Vector table: SP, then every exception (reset included) at the code, Thumb bit set.
    const CODE: u32 = 0x200;
    let mut vectors = 0x2000_8000u32.to_le_bytes().to_vec();
    for _ in 1..(16 + 32) {
        vectors.extend((CODE | 1).to_le_bytes());
    }
    let seg = |addr: u32, data: Vec<u8>, exec: bool| Segment {
        paddr: addr,
        vaddr: addr,
        mem_size: data.len() as u32,
        data,
        exec,
        write: false,
    };
    let image = Image {
        entry: CODE | 1,
        segments: vec![seg(0, vectors, false), seg(CODE, code.to_vec(), true)],
        sections: Vec::new(),
        symbols: Vec::new(),
        bytes: Vec::new(),
    };
    let Some(mut m) = machine(board, image) else {
        return;
    };
    if m.reset().is_err() {
        return;
    }
    m.cpu.r[..13].copy_from_slice(&regs);
    if flags & 1 != 0 {
        m.bus.exc.cpacr = 0xF << 20;
    }
    // Random code faults within a few instructions; the handlers run the stream again.
    m.limits.max_instructions = Some(EXEC_INSTRUCTIONS);
    if flags & 2 != 0 && !code.is_empty() {
        // The same code in SRAM: decoded afresh on every step, and writable by itself.
        if m.bus.poke_bytes(0x2000_1000, code).is_ok() {
            m.cpu.r[15] = 0x2000_1000;
        }
    }
    let _ = m.run();
}

/// Bytes in memory as the wire to gdb: reads come from the input, writes are dropped.
struct MemWire {
    input: Vec<u8>,
    pos: usize,
}

impl Read for MemWire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.input.len() - self.pos).min(64);
        buf[..n].copy_from_slice(&self.input[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Write for MemWire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl gdb::Wire for MemWire {
    fn read_now(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        self.read(buf).map(Some)
    }
}

/// The gdb server: the input's first byte chooses raw bytes or lines framed as packets with
/// right checksums (so that the fuzzer reaches the commands), served on hello-cortex-m4.
pub fn gdb_packet(data: &[u8]) {
    static ELF: &[u8] = include_bytes!("../../firmware/prebuilt/hello-cortex-m4.elf");
    static IMAGE: OnceLock<Image> = OnceLock::new();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let input = if mode & 1 == 0 {
        let mut out = Vec::new();
        for line in rest.split(|&b| b == b'\n') {
            if line == [3] || line == b"+" {
                out.extend_from_slice(line);
                continue;
            }
            let sum = line.iter().fold(0u8, |a, b| a.wrapping_add(*b));
            out.push(b'$');
            out.extend_from_slice(line);
            out.extend(format!("#{sum:02x}").bytes());
        }
        out
    } else {
        rest.to_vec()
    };
    let image = IMAGE
        .get_or_init(|| Image::parse(ELF.to_vec(), "hello-cortex-m4.elf").expect("prebuilt ELF"));
    let Some(mut m) = machine(board("mps2-an386").clone(), image.clone()) else {
        return;
    };
    let _ = m.reset();
    let mut target = gdb::GdbTarget::new(m);
    let _ = gdb::session(&mut target, MemWire { input, pos: 0 });
}

/// The `.tflite` reader and C emitter of `thimble model import`.
pub fn tflite(data: &[u8]) {
    let _ = model_import::import(data, "fuzz_model");
}

/// Board TOML (`--board FILE.toml`): parse, then build its memory map, devices and chip on a
/// one-instruction image, and run that.
pub fn board_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(b) = Board::from_toml(text, "fuzz.toml") else {
        return;
    };
    let base = b.reset_vtor();
    let mut table = 0x2000_8000u32.to_le_bytes().to_vec();
    table.extend((base + 9).to_le_bytes());
    table.extend([0xFE, 0xE7]); // b .
    let image = Image {
        entry: base + 9,
        segments: vec![Segment {
            paddr: base,
            vaddr: base,
            mem_size: table.len() as u32,
            data: table,
            exec: true,
            write: false,
        }],
        sections: Vec::new(),
        symbols: Vec::new(),
        bytes: Vec::new(),
    };
    if let Some(mut m) = machine(b, image) {
        m.limits.max_instructions = Some(100);
        let reason = match m.reset() {
            Ok(()) => m.run(),
            Err(r) => r,
        };
        let _ = Report::new(&m, &reason).text(None);
    }
}

/// `--budget KEY=VALUE,...`: each input line is one `--budget` argument.
pub fn budget(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let args: Vec<String> = text.lines().map(str::to_string).collect();
    let _ = sim_core::budget::Budgets::parse(&args);
}

//! The block engine and the JIT against the interpreter (the reference): every prebuilt test
//! ELF on its board, and random programs with interrupts, run under the three engines in
//! lockstep batches of odd sizes; after every batch the machines must agree exactly —
//! instructions, cycles, registers, memory, statistics and energy — and at the end on the
//! whole report. The JIT compiles every block after its first bulk run here (`hot: 1`), so
//! that the compiled code runs as much as possible.

use isa_thumb::{Engine, Thumb};
use proptest::prelude::*;
use sim_core::board::{Board, CoreProfile, RegionKind};
use sim_core::loader::{Image, Segment};
use sim_core::machine::{Limits, Machine};
use sim_core::power::Activity;
use sim_core::report::Report;
use std::path::Path;

/// A machine for `image` on `board` with the devices and semihosting of `thimble run`.
fn machine(board: &Board, image: Image, engine: Engine) -> Option<Machine> {
    let opts = bench::compose::Options {
        engine,
        ..bench::compose::Options::default()
    };
    bench::compose::machine(board.clone(), image, "engines", &opts).ok()
}

/// The engines checked against the interpreter.
#[cfg(feature = "jit")]
const FAST: &[Engine] = &[Engine::Block, Engine::Jit { hot: 1 }];
/// The engines checked against the interpreter (built without the JIT).
#[cfg(not(feature = "jit"))]
const FAST: &[Engine] = &[Engine::Block];

/// A machine for `image` on `board` under each engine of [`FAST`].
fn fast_machines(board: &Board, image: &Image) -> Option<Vec<(Engine, Machine)>> {
    FAST.iter()
        .map(|&e| Some((e, machine(board, image.clone(), e)?)))
        .collect()
}

/// FNV-1a over every region's contents and written-word map.
fn memory_hash(m: &Machine) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for r in &m.bus.map.regions {
        for b in &r.data {
            h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
        for w in &r.written {
            h = (h ^ w).wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

/// Everything of the machine's state the two engines must agree on after a batch (memory
/// with `memory`: hashing all of it after every small batch would dominate the test).
fn state(m: &Machine, memory: bool) -> String {
    format!(
        "now {} next_event {} wait {} fetch_at {:#x}\ncpu {:?}\nmemory {:016x}\nactivity {:?}\n\
         instructions {} exceptions {} msp_low {:#x} psp {:#x}..{:#x} collision {:?} \
         calls {} depth {}\nexc dirty {} console {} bytes",
        m.bus.now,
        m.bus.next_event,
        m.bus.wait,
        m.bus.fetch_at,
        m.cpu,
        if memory { memory_hash(m) } else { 0 },
        Activity::of_machine(m),
        m.stats.instructions,
        m.stats.exceptions,
        m.stats.msp_low,
        m.stats.psp_low,
        m.stats.psp_high,
        m.stats.collision,
        m.stats.calls.values().sum::<u64>(),
        m.stats.call_stack.len(),
        m.bus.exc.dirty,
        m.bus.console.captured.len(),
    )
}

/// Runs `a` (interpreter) and the machines of `bs` (the other engines) in lockstep batches of
/// `batches` sizes (cycled) until all stop or `max` instructions ran; panics at the first
/// difference.
fn lockstep(what: &str, a: &mut Machine, bs: &mut [(Engine, Machine)], batches: &[u64], max: u64) {
    a.limits = Limits {
        max_instructions: Some(max),
        ..Limits::default()
    };
    let ra = a.reset();
    for (e, b) in bs.iter_mut() {
        b.limits = a.limits;
        let rb = b.reset();
        assert_eq!(ra, rb, "{what}: reset under {}", e.name());
    }
    if ra.is_err() {
        return;
    }
    run_prepared(what, a, bs, |i| batches[(i - 1) % batches.len()], max);
}

/// The board a prebuilt ELF is built for: `<prog>-cortex-<m>` on its MPS2 board (as QEMU
/// runs it), `<prog>-<board>` on that board.
fn board_for(name: &str) -> Option<Board> {
    if let Some(i) = name.find("-cortex-") {
        let (board, core) = match &name[i + 1..] {
            "cortex-m0plus" => ("mps2-an385", Some(CoreProfile::CortexM0plus)),
            "cortex-m3" => ("mps2-an385", None),
            "cortex-m4" => ("mps2-an386", None),
            "cortex-m7" => ("mps2-an500", None),
            _ => return None,
        };
        let mut b = Board::load(board).ok()?;
        if let Some(c) = core {
            b.set_core(c);
        }
        return Some(b);
    }
    name.match_indices('-')
        .find_map(|(i, _)| Board::load(&name[i + 1..]).ok())
}

/// Instructions each prebuilt ELF runs at most (the quick ones run to their end).
const ELF_INSTRUCTIONS: u64 = 400_000;

#[test]
fn every_prebuilt_elf_runs_the_same_under_both_engines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("firmware/prebuilt");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "elf").then(|| p.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    assert!(names.len() > 50, "prebuilt ELFs: {}", names.len());
    let mut ran = 0;
    for name in &names {
        let board = board_for(name).unwrap_or_else(|| panic!("{name}: no board"));
        let image = Image::from_file(&dir.join(format!("{name}.elf"))).unwrap();
        let (Some(mut a), Some(mut bs)) = (
            machine(&board, image.clone(), Engine::Interp),
            fast_machines(&board, &image),
        ) else {
            // Does not fit the board (bad-big-bss): nothing runs.
            continue;
        };
        // Batches of odd sizes end inside blocks; a large one lets blocks chain.
        lockstep(
            name,
            &mut a,
            &mut bs,
            &[1, 3, 97, 50_000, 7, 4_999],
            ELF_INSTRUCTIONS,
        );
        ran += 1;
    }
    assert!(ran > 50, "ran {ran} ELFs");
}

#[test]
fn chip_boards_with_interrupts_run_to_their_end_the_same() {
    // Timer interrupts from each chip's timer models, to the end of the program.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("firmware/prebuilt");
    for name in [
        "timer-nucleo-l4r5zi",
        "timer-nano33ble",
        "timer-pico",
        "level-nano33ble",
        "exceptions-cortex-m4",
        "exceptions-cortex-m0plus",
    ] {
        let board = board_for(name).unwrap();
        let image = Image::from_file(&dir.join(format!("{name}.elf"))).unwrap();
        let mut a = machine(&board, image.clone(), Engine::Interp).unwrap();
        let mut bs = fast_machines(&board, &image).unwrap();
        lockstep(name, &mut a, &mut bs, &[65_536], 5_000_000);
        assert!(
            matches!(a.stopped(), Some(sim_core::StopReason::Exit(0))),
            "{name}: {:?}",
            a.stopped()
        );
    }
}

// ---- Random programs ----

/// A small xorshift generator (the programs come from a proptest seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u32) as usize]
    }
}

/// Registers random instructions write: r0-r6 (16-bit forms) and r10-r12. r7 holds the data
/// area, r8 the loop count, r9 a pointer that the writeback forms move (reset every
/// iteration); SP moves only by balanced PUSH/POP.
const LOW: [u16; 7] = [0, 1, 2, 3, 4, 5, 6];
const HIGH: [u16; 10] = [0, 1, 2, 3, 4, 5, 6, 10, 11, 12];
/// Where r7 and r9 point: SRAM + 0x1000 (the data area, 1 KiB).
const DATA_OFFSET: u32 = 0x1000;

/// One unit of a random program: its halfwords; a forward branch skips whole units.
type Unit = Vec<u16>;

fn wide(hw1: u16, hw2: u16) -> Unit {
    vec![hw1, hw2]
}

/// A random straight-line unit (no branches): ARMv7-M encodings with `v7`, FP ones with
/// `fpu`, DSP ones with `dsp`.
fn unit(rng: &mut Rng, v7: bool, fpu: bool, dsp: bool) -> Unit {
    let lo = |rng: &mut Rng| rng.pick(&LOW);
    let hi = |rng: &mut Rng| rng.pick(&HIGH);
    let any = |rng: &mut Rng| rng.below(13) as u16; // r0-r12 as a source
    let kinds = if v7 { 30 } else { 14 };
    match rng.below(kinds) {
        0 => vec![0x2000 | lo(rng) << 8 | rng.below(256) as u16], // MOVS #imm8
        1 => vec![0x3000 | lo(rng) << 8 | rng.below(256) as u16], // ADDS #imm8
        2 => vec![0x3800 | lo(rng) << 8 | rng.below(256) as u16], // SUBS #imm8
        3 => vec![0x2800 | lo(rng) << 8 | rng.below(256) as u16], // CMP #imm8
        4 => vec![(0x1800 | (rng.below(2) as u16) << 9) | lo(rng) << 6 | lo(rng) << 3 | lo(rng)], // ADDS/SUBS reg
        5 => {
            vec![(rng.below(3) as u16) << 11 | (rng.below(32) as u16) << 6 | lo(rng) << 3 | lo(rng)]
        } // LSLS/LSRS/ASRS #imm
        6 => vec![0x4000 | (rng.below(16) as u16) << 6 | lo(rng) << 3 | lo(rng)], // ALU reg (MULS, ADCS, RORS, ...)
        7 => vec![0x4600 | any(rng) << 3 | lo(rng)],                              // MOV rd, r0-r12
        8 => {
            // LDR/STR (word, byte, halfword) [r7, #imm5]
            let op = rng.pick(&[0x6800, 0x6000, 0x7800, 0x7000, 0x8800, 0x8000]);
            vec![op | (rng.below(32) as u16) << 6 | 7 << 3 | lo(rng)]
        }
        9 => {
            // Register offset: a small aligned offset in r6 first.
            let op = rng.pick(&[
                0x5000, 0x5200, 0x5400, 0x5600, 0x5800, 0x5A00, 0x5C00, 0x5E00,
            ]);
            vec![
                0x2600 | ((rng.below(64) as u16) * 4),
                op | 6 << 6 | 7 << 3 | lo(rng),
            ]
        }
        10 => vec![0x4800 | lo(rng) << 8 | rng.below(256) as u16], // LDR literal (flash data)
        11 => {
            // Balanced PUSH ... POP of r0-r3 around another unit.
            let list = 1 + rng.below(15) as u16;
            let mut u = vec![0xB400 | list];
            u.extend(unit(rng, v7, false, false));
            u.push(0xBC00 | list);
            u
        }
        12 => vec![
            rng.pick(&[0xBA00, 0xBA40, 0xBAC0, 0xB200, 0xB240, 0xB280, 0xB2C0])
                | lo(rng) << 3
                | lo(rng),
        ], // REV*, extends
        13 => vec![0xBF00], // NOP
        // ARMv7-M from here.
        14 => {
            // MUL/MLA/MLS
            let (rd, rn, rm, ra) = (hi(rng), any(rng), any(rng), any(rng));
            match rng.below(3) {
                0 => wide(0xFB00 | rn, 0xF000 | rd << 8 | rm),
                1 => wide(0xFB00 | rn, ra << 12 | rd << 8 | rm),
                _ => wide(0xFB00 | rn, ra << 12 | rd << 8 | 0x10 | rm),
            }
        }
        15 => {
            // SDIV/UDIV (early termination: the latency depends on the operands)
            let op = rng.pick(&[0xFB90, 0xFBB0]);
            wide(op | any(rng), 0xF0F0 | hi(rng) << 8 | any(rng))
        }
        16 => {
            // UMULL/SMULL/UMLAL/SMLAL
            let lo_ = hi(rng);
            let hi_ = loop {
                let r = hi(rng);
                if r != lo_ {
                    break r;
                }
            };
            let op = rng.pick(&[0xFBA0, 0xFB80, 0xFBE0, 0xFBC0]);
            wide(op | any(rng), lo_ << 12 | hi_ << 8 | any(rng))
        }
        17 => {
            // Data processing, register with shift (AND BIC ORR ORN EOR ADD ADC SBC SUB RSB)
            let op = rng.pick(&[0u16, 1, 2, 3, 4, 8, 10, 11, 13, 14]);
            let s = rng.below(2) as u16;
            let imm = rng.below(32) as u16;
            wide(
                0xEA00 | op << 5 | s << 4 | any(rng),
                (imm >> 2) << 12
                    | hi(rng) << 8
                    | (imm & 3) << 6
                    | (rng.below(4) as u16) << 4
                    | any(rng),
            )
        }
        18 => {
            // ADD/SUB/AND/ORR/EOR.W #imm8 (S random)
            let op = rng.pick(&[8u16, 13, 0, 2, 4]);
            let s = rng.below(2) as u16;
            wide(
                0xF000 | op << 5 | s << 4 | any(rng),
                hi(rng) << 8 | rng.below(256) as u16,
            )
        }
        19 => {
            // MOVW/MOVT
            let imm = rng.next() as u16;
            let op = rng.pick(&[0xF240, 0xF2C0]);
            wide(
                op | ((imm >> 11) & 1) << 10 | imm >> 12,
                ((imm >> 8) & 7) << 12 | hi(rng) << 8 | (imm & 0xff),
            )
        }
        20 => {
            // LDR/STR.W (all sizes) [r7, #imm12]
            let op = rng.pick(&[
                0xF8D0, 0xF8C0, 0xF890, 0xF880, 0xF8B0, 0xF8A0, 0xF990, 0xF9B0,
            ]);
            wide(op | 7, hi(rng) << 12 | rng.below(1020) as u16)
        }
        21 => {
            // LDR/STR with writeback on r9, pre or post, up or down
            let op = rng.pick(&[0xF850, 0xF840, 0xF810, 0xF800]);
            let (p, u) = (rng.below(2) as u16, rng.below(2) as u16);
            wide(
                op | 9,
                hi(rng) << 12 | 1 << 11 | p << 10 | u << 9 | 1 << 8 | ((rng.below(16) as u16) * 4),
            )
        }
        22 => {
            // LDRD/STRD [r7, #imm8*4]
            let (t, t2) = (hi(rng), hi(rng));
            if rng.below(2) == 0 && t != t2 {
                wide(0xE9D0 | 7, t << 12 | t2 << 8 | rng.below(250) as u16)
            } else {
                wide(0xE9C0 | 7, t << 12 | t2 << 8 | rng.below(250) as u16)
            }
        }
        23 => {
            // LDM/STM r7 (no writeback), r0-r6
            let list = 1 + rng.below(127) as u16;
            let list = if list.count_ones() < 2 {
                list | 0x11
            } else {
                list
            };
            wide(rng.pick(&[0xE890, 0xE880]) | 7, list)
        }
        24 if dsp => {
            // DSP: SMLAD, QADD8, SADD16, UADD8, SEL, SXTB16, USADA8, SMUAD
            let (rd, rn, rm, ra) = (hi(rng), any(rng), any(rng), any(rng));
            match rng.below(8) {
                0 => wide(0xFB20 | rn, ra << 12 | rd << 8 | rm),
                1 => wide(0xFA80 | rn, 0xF010 | rd << 8 | rm),
                2 => wide(0xFA90 | rn, 0xF000 | rd << 8 | rm),
                3 => wide(0xFA80 | rn, 0xF040 | rd << 8 | rm),
                4 => wide(0xFAA0 | rn, 0xF080 | rd << 8 | rm),
                5 => wide(0xFA2F, 0xF080 | rd << 8 | (rng.below(4) as u16) << 4 | rm),
                6 => wide(0xFB70 | rn, ra << 12 | rd << 8 | rm),
                _ => wide(0xFB20 | rn, 0xF000 | rd << 8 | rm),
            }
        }
        25 => {
            // SSAT/USAT rd, #n, rn
            let op = rng.pick(&[0xF300, 0xF380]);
            wide(op | any(rng), hi(rng) << 8 | rng.below(32) as u16)
        }
        26 if fpu => {
            // VADD/VSUB/VMUL/VFMA/VDIV.F32 on S0-S15
            let (d, n, m) = (
                rng.below(16) as u16,
                rng.below(16) as u16,
                rng.below(16) as u16,
            );
            let (h1, h2) = rng.pick(&[
                (0xEE30, 0x0A00),
                (0xEE30, 0x0A40),
                (0xEE20, 0x0A00),
                (0xEEA0, 0x0A00),
                (0xEE80, 0x0A00),
            ]);
            wide(
                h1 | (d & 1) << 6 | n >> 1,
                h2 | (d >> 1) << 12 | (n & 1) << 7 | (m & 1) << 5 | m >> 1,
            )
        }
        27 if fpu => {
            // VLDR/VSTR S, [r7, #imm8*4], VMOV S <-> R
            let s = rng.below(16) as u16;
            match rng.below(3) {
                0 => wide(
                    0xED90 | (s & 1) << 6 | 7,
                    0x0A00 | (s >> 1) << 12 | rng.below(250) as u16,
                ),
                1 => wide(
                    0xED80 | (s & 1) << 6 | 7,
                    0x0A00 | (s >> 1) << 12 | rng.below(250) as u16,
                ),
                _ => wide(0xEE00 | s >> 1, 0x0A10 | any(rng) << 12 | (s & 1) << 7),
            }
        }
        _ => vec![0x4600 | any(rng) << 3 | lo(rng)],
    }
}

/// Halfwords of a conditional unit: an IT block of 1-4 16-bit units, or a forward B<c>/CBZ
/// over the next `skip` units (patched by the caller).
enum Item {
    Plain(Unit),
    /// B<c> (cond) or CBZ/CBNZ (cond 16 + nonzero) over `skip` following items.
    Skip {
        cond: u16,
        rn: u16,
        skip: usize,
    },
    /// IT with `firstcond` and `mask`, then its units.
    It(u16, u16, Vec<Unit>),
    /// BL to the leaf function.
    Call,
}

/// A random body of `n` items.
fn body(rng: &mut Rng, n: usize, v7: bool, fpu: bool, dsp: bool, calls: bool) -> Vec<Item> {
    (0..n)
        .map(|_| match rng.below(12) {
            0 => Item::Skip {
                cond: if v7 && rng.below(3) == 0 {
                    16 + rng.below(2) as u16
                } else {
                    rng.below(14) as u16
                },
                rn: rng.pick(&LOW),
                skip: 1 + rng.below(3) as usize,
            },
            1 if v7 => {
                let count = 1 + rng.below(4);
                let mut units = Vec::new();
                while units.len() < count as usize {
                    let u = unit(rng, false, false, false);
                    if u.len() == 1 {
                        units.push(u);
                    }
                }
                // mask: the then/else pattern, ending with a 1 at position 4 - count.
                let pattern = rng.below(8) as u16;
                let end = 1u16 << (4 - count);
                let mask = (pattern << (4 - count + 1)) & 0xf | end;
                Item::It(rng.below(14) as u16, mask, units)
            }
            2 if calls => Item::Call,
            _ => Item::Plain(unit(rng, v7, fpu, dsp)),
        })
        .collect()
}

/// Lays out `items` at `addr`; `leaf` is the BL target. Returns the halfwords.
fn assemble(items: &[Item], addr: u32, leaf: u32) -> Vec<u16> {
    // Sizes first (every item has a fixed size), then the code.
    let size = |it: &Item| -> usize {
        match it {
            Item::Plain(u) => u.len(),
            Item::Skip { .. } => 1,
            Item::It(_, _, us) => 1 + us.iter().map(Vec::len).sum::<usize>(),
            Item::Call => 2,
        }
    };
    let mut starts = vec![0usize];
    for it in items {
        starts.push(starts.last().unwrap() + size(it));
    }
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let here = addr + 2 * starts[i] as u32;
        match it {
            Item::Plain(u) => out.extend(u),
            Item::Skip { cond, rn, skip } => {
                let target = addr + 2 * starts[(i + 1 + skip).min(items.len())] as u32;
                if target == here + 2 {
                    // Nothing to skip: the last item.
                    out.push(0xBF00);
                    continue;
                }
                let off = target - (here + 4);
                if *cond >= 16 {
                    // CBZ/CBNZ: offset i:imm5:0
                    let nz = cond - 16;
                    let o = off as u16;
                    out.push(0xB100 | nz << 11 | (o >> 6 & 1) << 9 | (o >> 1 & 31) << 3 | rn);
                } else {
                    out.push(0xD000 | cond << 8 | (off / 2) as u16);
                }
            }
            Item::It(first, mask, units) => {
                out.push(0xBF00 | first << 4 | mask);
                for u in units {
                    out.extend(u);
                }
            }
            Item::Call => {
                let off = leaf.wrapping_sub(here + 4) as i32;
                let s = u16::from(off < 0);
                let imm11 = (off >> 1) as u16 & 0x7ff;
                let imm10 = (off >> 12) as u16 & 0x3ff;
                let i1 = (off >> 23) as u16 & 1;
                let i2 = (off >> 22) as u16 & 1;
                let (j1, j2) = ((!(i1 ^ s)) & 1, (!(i2 ^ s)) & 1);
                out.push(0xF000 | s << 10 | imm10);
                out.push(0xD000 | j1 << 13 | j2 << 11 | imm11);
            }
        }
    }
    out
}

/// A random program image for `board`: vector table, a main loop over a random body (r8
/// iterations, then WFI and again), a random leaf function it calls, and a random SysTick
/// handler; HardFault spins (the run ends there).
fn program(rng: &mut Rng, board: &Board) -> (Image, u32) {
    let flash = board
        .regions
        .iter()
        .find(|r| r.kind == RegionKind::Flash)
        .unwrap()
        .base;
    let sram = board
        .regions
        .iter()
        .find(|r| r.kind == RegionKind::Sram)
        .unwrap()
        .base;
    let v7 = board.core != CoreProfile::CortexM0plus;
    let fpu = v7 && board.fpu() != sim_core::board::FpuKind::None;
    let dsp = matches!(
        board.core,
        CoreProfile::CortexM4 | CoreProfile::CortexM4f | CoreProfile::CortexM7
    );
    let (main, leaf, handler, spin) = (
        flash + 0x200,
        flash + 0x1000,
        flash + 0x1800,
        flash + 0x1f00,
    );
    let mut code = vec![0u16; 0x2000 / 2];
    let mut put = |at: u32, hws: &[u16]| {
        let i = ((at - flash) / 2) as usize;
        code[i..i + hws.len()].copy_from_slice(hws);
    };
    // B (T2) from `at` back to `to`.
    let b_to = |at: u32, to: u32| 0xE000 | (((to as i32 - (at as i32 + 4)) / 2) as u16 & 0x7ff);
    // main: r9 = r7; body; r8 -= 1 (through r6: 16-bit MOV/SUBS); beq over the B; b main;
    // wfi; b main.
    let n = 4 + rng.below(40) as usize;
    let items = body(rng, n, v7, fpu, dsp, true);
    let mut m = vec![0x46B9]; // mov r9, r7
    m.extend(assemble(&items, main + 2, leaf));
    m.extend([0x4646, 0x3E01, 0x46B0, 0xD000]); // mov r6, r8; subs r6, #1; mov r8, r6; beq
    m.push(b_to(main + 2 * m.len() as u32, main));
    m.push(0xBF30); // wfi
    m.push(b_to(main + 2 * m.len() as u32, main));
    assert!(m.len() * 2 < 0xe00, "main too long");
    put(main, &m);
    let n = 1 + rng.below(12) as usize;
    let items = body(rng, n, v7, fpu, dsp, false);
    let mut l = assemble(&items, leaf, 0);
    l.push(0x4770); // bx lr
    put(leaf, &l);
    // The handler moves r9 from r7 too (it interrupts main anywhere).
    let n = 1 + rng.below(12) as usize;
    let items = body(rng, n, v7, fpu, dsp, false);
    let mut h = vec![0x46B9];
    h.extend(assemble(&items, handler + 2, 0));
    h.push(0x4770);
    put(handler, &h);
    put(spin, &[0xE7FE]);
    let mut bytes: Vec<u8> = code.iter().flat_map(|h| h.to_le_bytes()).collect();
    let sp = sram + 0x8000;
    let mut vectors = vec![sp, main | 1];
    vectors.extend(std::iter::repeat_n(spin | 1, 13));
    vectors.push(handler | 1); // SysTick (15)
    for (i, v) in vectors.iter().enumerate() {
        bytes[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
    }
    let image = Image {
        entry: main | 1,
        segments: vec![Segment {
            paddr: flash,
            vaddr: flash,
            mem_size: bytes.len() as u32,
            data: bytes,
            exec: true,
            write: false,
        }],
        sections: Vec::new(),
        symbols: Vec::new(),
        bytes: Vec::new(),
    };
    (image, sram)
}

/// Registers, FPU access and SysTick for a random program, the same on both machines.
fn prepare(m: &mut Machine, seed: u64, sram: u32, reload: u32) {
    let mut rng = Rng(seed | 1);
    for r in 0..13 {
        m.cpu.r[r] = rng.next();
    }
    m.cpu.r[7] = sram + DATA_OFFSET;
    m.cpu.r[8] = 1 + rng.below(20);
    for s in 0..16 {
        m.cpu.s[s] = rng.next();
    }
    if seed & 2 != 0 {
        // Thread mode on the process stack: every exception switches stacks and back.
        m.cpu.set_psp(sram + 0x6000);
        m.cpu.set_control(sim_core::cpu::control::SPSEL);
    }
    // CPACR: full access to CP10/CP11 (no such register on ARMv6-M); SysTick: reload,
    // enabled with its interrupt.
    let bus = &mut m.bus;
    let _ = bus.write32(0xE000_ED88, 0xF << 20);
    bus.write32(0xE000_E014, reload).unwrap();
    bus.write32(0xE000_E018, 0).unwrap();
    bus.write32(0xE000_E010, 0b111).unwrap();
    bus.take_wait();
}

/// Runs a random program under both engines in lockstep.
fn random_program(board: &str, core: Option<CoreProfile>, seed: u64, reload: u32, batch: u64) {
    let mut b = Board::load(board).unwrap();
    if let Some(c) = core {
        b.set_core(c);
    }
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (image, sram) = program(&mut rng, &b);
    let mut x = machine(&b, image.clone(), Engine::Interp).unwrap();
    let mut ys = fast_machines(&b, &image).unwrap();
    let what = format!("{board} {core:?} seed {seed:#x} reload {reload} batch {batch}");
    x.reset().unwrap();
    prepare(&mut x, seed, sram, reload);
    for (_, m) in ys.iter_mut() {
        m.reset().unwrap();
        prepare(m, seed, sram, reload);
    }
    // Odd batches short (1-13 instructions), even ones `batch`.
    let batch_of = |i: usize| {
        if i % 2 == 0 {
            batch
        } else {
            1 + (i as u64 * 7) % 13
        }
    };
    run_prepared(&what, &mut x, &mut ys, batch_of, 20_000);
}

/// [`lockstep`] without the reset (registers and devices were set up after it): batch `i`
/// (from 1) runs `batch_of(i)` instructions.
fn run_prepared(
    what: &str,
    a: &mut Machine,
    bs: &mut [(Engine, Machine)],
    batch_of: impl Fn(usize) -> u64,
    max: u64,
) {
    a.limits.max_instructions = Some(max);
    for (_, b) in bs.iter_mut() {
        b.limits.max_instructions = Some(max);
    }
    let mut i = 0;
    loop {
        i += 1;
        let n = batch_of(i);
        let sa = a.run_for(n);
        let mut ended = sa.is_some();
        for (e, b) in bs.iter_mut() {
            let sb = b.run_for(n);
            let end = sa.is_some() || sb.is_some() || i % 64 == 0;
            let (ta, tb) = (state(a, end), state(b, end));
            if ta != tb || sa != sb {
                panic!(
                    "{what}: the engines differ after batch {i} ({} instructions)\n\
                     interp: {sa:?}\n{ta}\n{}: {sb:?}\n{tb}",
                    a.stats.instructions,
                    e.name()
                );
            }
            ended |= sb.is_some();
        }
        if let Some(reason) = sa {
            let ja = serde_json::to_string_pretty(&Report::new(a, &reason)).unwrap();
            for (e, b) in bs.iter() {
                let jb = serde_json::to_string_pretty(&Report::new(b, &reason)).unwrap();
                assert_eq!(ja, jb, "{what}: reports differ under {}", e.name());
                assert_eq!(
                    a.bus.console.captured,
                    b.bus.console.captured,
                    "{what}: guest output differs under {}",
                    e.name()
                );
            }
            return;
        }
        assert!(!ended, "{what}: one engine stopped, not the interpreter");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random programs (ALU, shifts, multiplies, divides, DSP, FP, loads and stores of every
    /// size and addressing mode, LDM/STM, PUSH/POP, IT blocks, forward branches and CBZ, calls)
    /// with SysTick interrupts at random cycles, on a board without a flash accelerator, one
    /// with one (nano33ble's cache and wait states), Cortex-M7 and Cortex-M0+.
    #[test]
    fn random_programs_run_the_same_under_both_engines(
        seed in any::<u64>(),
        reload in 20u32..3000,
        batch in 1u64..5000,
        which in 0usize..4,
    ) {
        let (board, core) = [
            ("mps2-an386", None),
            ("nano33ble", None),
            ("mps2-an500", None),
            ("mps2-an385", Some(CoreProfile::CortexM0plus)),
        ][which];
        random_program(board, core, seed, reload, batch);
    }
}

/// The random programs decode to what the generator meant: no UNDEFINED encodings on the
/// cores they are made for (a typo in an encoding would silently test less).
#[test]
fn random_programs_decode_without_undefined_instructions() {
    for (board, core) in [
        ("mps2-an386", None),
        ("mps2-an385", Some(CoreProfile::CortexM0plus)),
    ] {
        let mut b = Board::load(board).unwrap();
        if let Some(c) = core {
            b.set_core(c);
        }
        for seed in 0..200u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let (image, _) = program(&mut rng, &b);
            let code = &image.segments[0].data;
            let mut at = 0x200usize;
            let isa = Thumb::new(b.core, b.fpu());
            let m = machine(&b, image.clone(), Engine::Interp).unwrap();
            while at < 0x1000 {
                let hw = u16::from_le_bytes([code[at], code[at + 1]]);
                if hw == 0 && code[at..at + 8].iter().all(|&x| x == 0) {
                    break;
                }
                let text = sim_core::Isa::disassemble(&isa, &m.bus, at as u32).unwrap();
                assert!(
                    !text.contains("udf") && !text.starts_with('<'),
                    "{board} seed {seed}: {text} at {at:#x}"
                );
                at += if isa_thumb::decode::is_32bit(hw) {
                    4
                } else {
                    2
                };
            }
        }
    }
}

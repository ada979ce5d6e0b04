//! Speed of an FPU-heavy loop through the real run loop (`Thumb::run`, decode cache,
//! statistics): a TFLM-style dequantize / accumulate / requantize kernel over 256 int8
//! values, 11 of its 17 instructions FP (VCVT both ways, VMUL, VMLA, VFMA, VDIV, VADD,
//! VMOV), all on normal operands in round-to-nearest: the case the host fast path of
//! `fp::fast` serves.
//!
//! usage: cargo run --release -p isa-thumb --example fp_loop [BOARD [INSTRUCTIONS]]
//!   BOARD: a built-in board with an FPU (default mps2-an386); INSTRUCTIONS default 50 M.
//! Prints simulated instructions per second and a checksum of the final state (output
//! bytes, S registers, FPSCR) that must not depend on which FP path ran.

use isa_thumb::Thumb;
use sim_core::board::Board;
use sim_core::console::Console;
use sim_core::exception::ExceptionState;
use sim_core::isa::RunExit;
use sim_core::memory::MemoryMap;
use sim_core::stats::Stats;
use sim_core::{Bus, Cpu, InstrClass, Isa};
use std::process::ExitCode;
use std::time::Instant;

/// The loop, assembled with `arm-none-eabi-as -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mthumb`
/// (the source is on the right, halfwords in memory order).
const CODE: &[u16] = &[
    0xf241, 0x0000, //        movw  r0, #0x1000
    0xf2c2, 0x0000, //        movt  r0, #0x2000        @ int8 input at 0x2000_1000
    0xf500, 0x5180, //        add.w r1, r0, #0x1000    @ int8 output at 0x2000_2000
    0x2503, //                movs  r5, #3             @ input zero point
    0xeef4, 0x0a00, //        vmov.f32 s1, #0.125      @ input scale
    0xeef6, 0x1a08, //        vmov.f32 s3, #0.75       @ output scale
    0xeeb7, 0x4a00, //        vmov.f32 s8, #1.0        @ accumulators
    0xeef6, 0x4a00, //        vmov.f32 s9, #0.5
    0xeeb6, 0x5a08, //        vmov.f32 s10, #0.75      @ decay
    0xeef6, 0x5a00, //        vmov.f32 s11, #0.5       @ output zero point
    0x2400, //        outer:  movs  r4, #0
    0x5703, //        inner:  ldrsb r3, [r0, r4]
    0x1b5b, //                subs  r3, r3, r5
    0xee00, 0x3a10, //        vmov  s0, r3
    0xeeb8, 0x0ac0, //        vcvt.f32.s32 s0, s0
    0xee20, 0x0a20, //        vmul.f32 s0, s0, s1      @ dequantize
    0xee00, 0x4a05, //        vmla.f32 s8, s0, s10     @ two roundings
    0xee24, 0x4a05, //        vmul.f32 s8, s8, s10
    0xeee0, 0x4a20, //        vfma.f32 s9, s0, s1      @ one rounding
    0xee64, 0x4a85, //        vmul.f32 s9, s9, s10
    0xee80, 0x1a21, //        vdiv.f32 s2, s0, s3      @ requantize
    0xee31, 0x1a25, //        vadd.f32 s2, s2, s11
    0xeebd, 0x1ac1, //        vcvt.s32.f32 s2, s2
    0xee11, 0x3a10, //        vmov  r3, s2
    0x550b, //                strb  r3, [r1, r4]
    0x3401, //                adds  r4, #1
    0xf5b4, 0x7f80, //        cmp.w r4, #256
    0xd1e2, //                bne.n inner
    0xe7e0, //                b.n   outer
];

const INPUT: u32 = 0x2000_1000;
const OUTPUT: u32 = 0x2000_2000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let board_name = args.get(1).map_or("mps2-an386", String::as_str);
    let total: u64 = match args.get(2).map(|s| s.parse()) {
        None => 50_000_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("fp_loop: instruction count {:?}: {e}", args[2]);
            return ExitCode::from(2);
        }
    };
    let board = match Board::load(board_name) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("fp_loop: {e}");
            return ExitCode::from(2);
        }
    };
    let map = MemoryMap::new(&board);
    let mut bus = Bus::new(map, ExceptionState::new(&board), Console::new(false));
    if !bus.exc.has_fpu {
        eprintln!("fp_loop: board {board_name} has no FPU");
        return ExitCode::from(2);
    }
    bus.exc.cpacr |= 0xf << 20; // CP10 and CP11 full access, as the startup code would
    let code: Vec<u8> = CODE.iter().flat_map(|h| h.to_le_bytes()).collect();
    let flash = board.regions[0].base;
    let mut seed = 0x1234_5678u32;
    let input: Vec<u8> = (0..256)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as u8
        })
        .collect();
    if let Err(e) = bus
        .poke_bytes(flash, &code)
        .and_then(|()| bus.poke_bytes(INPUT, &input))
    {
        eprintln!("fp_loop: board {board_name}: cannot place the loop: {e:?}");
        return ExitCode::from(2);
    }
    let mut cpu = Cpu::default();
    cpu.r[15] = flash;
    let mut isa = Thumb::new(board.core, board.fpu());
    let mut stats = Stats::default();
    let start = Instant::now();
    while stats.instructions < total {
        let budget = (total - stats.instructions).min(1 << 20);
        if let RunExit::Trap(t) = isa.run(&mut cpu, &mut bus, &mut stats, budget) {
            eprintln!("fp_loop: trapped at {:#010x}: {t:?}", cpu.r[15]);
            return ExitCode::FAILURE;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let fp: u64 = [
        InstrClass::Fpu,
        InstrClass::FpuDivSqrt,
        InstrClass::FpuLoadStore,
    ]
    .iter()
    .map(|&c| stats.by_class[c as usize])
    .sum();
    let out = bus.peek_bytes(OUTPUT, 256).unwrap_or(&[]);
    let state = cpu.s.iter().flat_map(|s| s.to_le_bytes());
    let mut h = 0x811c_9dc5u32;
    for b in out
        .iter()
        .copied()
        .chain(state)
        .chain(cpu.fpscr.to_le_bytes())
    {
        h = (h ^ u32::from(b)).wrapping_mul(16_777_619);
    }
    println!(
        "{board_name}: {} instructions ({:.0}% FP) in {secs:.3} s: {:.1} M simulated instructions/s; state checksum {h:08x}",
        stats.instructions,
        100.0 * fp as f64 / stats.instructions.max(1) as f64,
        stats.instructions as f64 / secs / 1e6
    );
    ExitCode::SUCCESS
}

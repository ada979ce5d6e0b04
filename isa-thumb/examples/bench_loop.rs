//! Runs a firmware ELF on the Thumb executor and prints the simulated instructions per second,
//! with all accounting (statistics, stack high-water marks, call/profile tracking, the clock)
//! and without it (`Machine::untracked`, the overhead baseline), best of three runs each, and
//! the overhead of the accounting in percent (issue 4 asks for at most 25%).
//!
//! usage: cargo run --release -p isa-thumb --example bench_loop -- ELF [BOARD] [CORE]
//!
//! Defaults: firmware/prebuilt/bench_conv_int8-cortex-m4.elf on mps2-an386. A minimal
//! semihosting (console output, exit, clock, heap info) is served here so that the example
//! depends on nothing but sim-core and isa-thumb; the real one lives in `peripherals`.

use isa_thumb::Thumb;
use sim_core::board::{Board, CoreProfile};
use sim_core::console::Console;
use sim_core::machine::{HostAction, Machine, Semihost};
use sim_core::{Bus, Cpu, Image, StopReason};
use std::io::Write;
use std::time::Instant;

struct MiniHost {
    /// Drop the guest's output (the repeated benchmark runs).
    quiet: bool,
}

impl MiniHost {
    fn word(bus: &Bus, a: u32) -> u32 {
        bus.peek(a, 4).unwrap_or(0)
    }
}

impl Semihost for MiniHost {
    fn call(&mut self, op: u32, param: u32, _cpu: &Cpu, bus: &mut Bus) -> HostAction {
        let mut out: Box<dyn Write> = if self.quiet {
            Box::new(std::io::sink())
        } else {
            Box::new(std::io::stdout())
        };
        match op {
            0x03 => {
                let c = bus.peek(param, 1).unwrap_or(0) as u8;
                let _ = out.write_all(&[c]);
                HostAction::Return(0)
            }
            0x04 => {
                let mut a = param;
                while let Some(c) = bus.peek(a, 1).filter(|&c| c != 0) {
                    let _ = out.write_all(&[c as u8]);
                    a += 1;
                }
                HostAction::Return(0)
            }
            0x05 => {
                let (fd, buf, len) = (
                    Self::word(bus, param),
                    Self::word(bus, param + 4),
                    Self::word(bus, param + 8),
                );
                if let Some(b) = bus.peek_bytes(buf, len) {
                    if fd == 1 || fd == 2 {
                        let _ = out.write_all(b);
                    }
                }
                HostAction::Return(0)
            }
            0x01 => HostAction::Return(1), // SYS_OPEN ":tt" -> handle 1
            0x02 => HostAction::Return(0), // SYS_CLOSE
            0x09 => HostAction::Return(1), // SYS_ISTTY
            0x10 => HostAction::Return((bus.now / 250_000) as u32), // centiseconds @25 MHz
            0x11 => HostAction::Return(0),
            0x16 => {
                let block = Self::word(bus, param);
                let _ = bus.poke_bytes(block, &[0; 16]);
                HostAction::Return(0)
            }
            0x18 => HostAction::Exit(if param == 0x20026 { 0 } else { 1 }),
            0x20 => {
                let (reason, code) = (Self::word(bus, param), Self::word(bus, param + 4));
                HostAction::Exit(if reason == 0x20026 { code as i32 } else { 1 })
            }
            _ => HostAction::Return(u32::MAX),
        }
    }
}

/// One run: (stop, instructions, cycles, seconds).
fn run_once(
    board: &Board,
    image: &Image,
    untracked: bool,
    quiet: bool,
) -> (StopReason, u64, u64, f64) {
    // The interpreter: the accounting's cost is measured on the reference engine (the block
    // engine accounts a block's body at once only with the accounting on).
    let mut isa = Box::new(Thumb::new(board.core, board.fpu()));
    isa.set_engine(isa_thumb::Engine::Interp);
    let mut m =
        Machine::new(board.clone(), image.clone(), isa, Console::new(!quiet)).expect("fits");
    m.semihost = Some(Box::new(MiniHost { quiet }));
    m.untracked = untracked;
    if !untracked {
        m.limits.max_instructions = Some(2_000_000_000);
    }
    m.reset().expect("reset");
    let t0 = Instant::now();
    let stop = m.run();
    let secs = t0.elapsed().as_secs_f64();
    let _ = std::io::stdout().flush();
    (stop, m.stats.instructions, m.bus.now, secs)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let elf = args
        .next()
        .unwrap_or_else(|| "firmware/prebuilt/bench_conv_int8-cortex-m4.elf".into());
    let board_name = args.next().unwrap_or_else(|| "mps2-an386".into());
    let mut board = Board::load(&board_name).expect("board");
    if let Some(core) = args.next() {
        board.set_core(CoreProfile::parse(&core).expect("core name"));
    }
    let image = Image::from_file(elf.as_ref()).expect("ELF");
    let (stop, n, cycles, first) = run_once(&board, &image, false, false);
    let mut tracked = first;
    let mut bare = f64::MAX;
    for _ in 0..3 {
        let (s, _, _, t) = run_once(&board, &image, true, true);
        assert_eq!(
            s, stop,
            "the untracked run must stop as the tracked one did"
        );
        bare = bare.min(t);
        tracked = tracked.min(run_once(&board, &image, false, true).3);
    }
    let mips = |t: f64| n as f64 / t / 1e6;
    eprintln!("{elf}: {stop:?}; {n} instructions, {cycles} cycles");
    eprintln!(
        "  with accounting    {tracked:.3} s = {:.1} M instructions/s",
        mips(tracked)
    );
    eprintln!(
        "  without accounting {bare:.3} s = {:.1} M instructions/s",
        mips(bare)
    );
    eprintln!(
        "  accounting overhead {:.1}% of the instructions per second without it",
        (1.0 - bare / tracked) * 100.0
    );
    if let StopReason::Exit(code) = stop {
        std::process::exit(code);
    }
    std::process::exit(100);
}

//! A small in-memory board for single-instruction executor tests: mps2-an386 memory, a CPU
//! with PC in flash and SP in SRAM, and a `Thumb` for the board's core.

#![allow(dead_code)] // each test file uses a different subset

use isa_thumb::instr::{AddrMode, DpOp, Enc, Instr, Operand2};
use isa_thumb::Thumb;
use sim_core::board::{Board, CoreProfile, RegionKind};
use sim_core::console::Console;
use sim_core::exception::ExceptionState;
use sim_core::memory::MemoryMap;
use sim_core::{Bus, Cpu, Retired, Trap};

/// Where test instructions "are": flash, so a PC write to it is a plain branch.
pub const CODE: u32 = 0x0000_1000;
/// Initial SP.
pub const STACK: u32 = 0x2000_8000;
/// A scratch data area in SRAM.
pub const DATA: u32 = 0x2000_1000;

/// A board, CPU and executor.
pub struct Rig {
    /// Registers.
    pub cpu: Cpu,
    /// Memory and exception state.
    pub bus: Bus,
    /// The executor.
    pub isa: Thumb,
}

impl Rig {
    /// A small Cortex-M4F board: 64 KiB flash at 0, 64 KiB SRAM at 0x2000_0000 (small so that
    /// thousands of proptest cases stay cheap).
    pub fn new() -> Rig {
        Rig::core(CoreProfile::CortexM4f)
    }

    /// The small board with another core.
    pub fn core(core: CoreProfile) -> Rig {
        let mut board = Board::from_toml(SMALL_BOARD, "exec tests").expect("test board");
        board.set_core(core);
        Rig::from_board(board)
    }

    /// Any built-in board.
    pub fn board(name: &str) -> Rig {
        Rig::from_board(Board::load(name).expect("built-in board"))
    }

    fn from_board(board: Board) -> Rig {
        let map = MemoryMap::new(&board);
        let bus = Bus::new(map, ExceptionState::new(&board), Console::new(false));
        let mut cpu = Cpu::default();
        cpu.r[13] = STACK;
        let flash = board
            .regions
            .iter()
            .find(|r| r.kind == RegionKind::Flash)
            .expect("a flash region");
        cpu.r[15] = flash.base + CODE;
        let isa = Thumb::new(board.core, board.fpu());
        Rig { cpu, bus, isa }
    }

    /// Executes one instruction at the current PC.
    pub fn exec(&mut self, i: Instr) -> Result<Retired, Trap> {
        self.isa.execute_instr(&mut self.cpu, &mut self.bus, i)
    }

    /// Executes and expects success.
    pub fn ok(&mut self, i: Instr) -> Retired {
        self.exec(i)
            .unwrap_or_else(|t| panic!("{i:?} trapped: {t:?}"))
    }

    /// Flags as "NZCV" bits.
    pub fn nzcv(&self) -> u8 {
        (u8::from(self.cpu.n) << 3)
            | (u8::from(self.cpu.z) << 2)
            | (u8::from(self.cpu.c) << 1)
            | u8::from(self.cpu.v)
    }

    /// Sets NZCV from bits.
    pub fn set_nzcv(&mut self, f: u8) {
        self.cpu.n = f & 8 != 0;
        self.cpu.z = f & 4 != 0;
        self.cpu.c = f & 2 != 0;
        self.cpu.v = f & 1 != 0;
    }
}

const SMALL_BOARD: &str = r#"
name = "exec-test"
description = "small Cortex-M4F test board"
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

/// A 32-bit encoding tag (the executor only looks at the width).
pub const W: Enc = Enc::wide(0);
/// A 16-bit encoding tag.
pub const N: Enc = Enc::narrow(0);

/// Data processing `op rd, rn, op2` (32-bit form).
pub fn dp(op: DpOp, s: bool, rd: u8, rn: u8, op2: Operand2) -> Instr {
    Instr::DataProc {
        enc: W,
        op,
        s,
        rd,
        rn,
        op2,
    }
}

/// `[rn, #imm]`.
pub fn at(rn: u8, imm: u16) -> AddrMode {
    AddrMode::imm(rn, imm)
}

//! A small in-memory board for single-instruction executor tests: mps2-an386 memory, a CPU
//! with PC in flash and SP in SRAM, and a `Thumb` for the board's core.

#![allow(dead_code)] // each test file uses a different subset

use isa_thumb::instr::{AddrMode, DpOp, Enc, Instr, Operand2};
use isa_thumb::Thumb;
use sim_core::board::{Board, RegionKind};
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
    /// mps2-an386 (Cortex-M4F).
    pub fn new() -> Rig {
        Rig::board("mps2-an386")
    }

    /// Any built-in board.
    pub fn board(name: &str) -> Rig {
        let board = Board::load(name).expect("built-in board");
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

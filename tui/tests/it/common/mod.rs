//! Test support shared by the debugger tests (TUI and gdb): a Machine built from the real
//! committed ELF tests/data/demo.elf with a stand-in instruction set, until the Thumb executor
//! lands. The stand-in knows just enough Thumb to walk demo.elf's calls: BL, BX LR, PUSH/POP,
//! MOVS imm, LDR literal and BKPT; everything else advances PC. It never ships outside tests.
#![allow(dead_code)]

use sim_core::bus::Bus;
use sim_core::console::Console;
use sim_core::cpu::{Cpu, Mode};
use sim_core::isa::{BusFaultKind, Fault, Flow, InstrClass, Isa, Retired, Trap};
use sim_core::machine::{HostAction, Machine, Semihost};
use sim_core::{Board, Image};
use std::path::PathBuf;

/// tests/data of the tui crate (also from the gdb crate's tests).
pub fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tui/tests/data"))
}

/// The stand-in ISA.
pub struct StandIn;

fn fetch(bus: &mut Bus, a: u32) -> Result<u32, Trap> {
    bus.read16(a).map_err(|e| {
        Trap::Fault(Fault::Bus {
            kind: BusFaultKind::Instruction,
            addr: e.addr(),
        })
    })
}

fn data(r: Result<u32, sim_core::bus::BusError>) -> Result<u32, Trap> {
    r.map_err(|e| {
        Trap::Fault(Fault::Bus {
            kind: BusFaultKind::Data,
            addr: e.addr(),
        })
    })
}

fn retired(class: InstrClass, cycles: u32, flow: Flow) -> Result<Retired, Trap> {
    Ok(Retired {
        class,
        cycles,
        flow,
    })
}

impl Isa for StandIn {
    fn step(&mut self, cpu: &mut Cpu, bus: &mut Bus) -> Result<Retired, Trap> {
        let pc = cpu.pc();
        let hw = fetch(bus, pc)?;
        bus.take_wait();
        if hw >> 8 == 0xBE {
            return Err(Trap::Breakpoint(hw as u8));
        }
        if hw == 0x4770 {
            cpu.r[15] = cpu.r[14] & !1;
            return retired(InstrClass::Branch, 3, Flow::Return);
        }
        if hw & 0xF800 == 0x2000 {
            cpu.r[((hw >> 8) & 7) as usize] = hw & 0xff;
            cpu.r[15] = pc + 2;
            return retired(InstrClass::Alu, 1, Flow::Plain);
        }
        if hw & 0xF800 == 0x4800 {
            let a = ((pc + 4) & !3) + 4 * (hw & 0xff);
            cpu.r[((hw >> 8) & 7) as usize] = data(bus.read32(a))?;
            cpu.r[15] = pc + 2;
            return retired(InstrClass::Load, 2, Flow::Plain);
        }
        if hw & 0xFE00 == 0xB400 {
            let list = (hw & 0xff) | if hw & 0x100 != 0 { 1 << 14 } else { 0 };
            let n = list.count_ones();
            let mut a = cpu.r[13] - 4 * n;
            cpu.r[13] = a;
            for i in 0..15 {
                if list & (1 << i) != 0 {
                    data(bus.write32(a, cpu.r[i]).map(|_| 0))?;
                    a += 4;
                }
            }
            cpu.r[15] = pc + 2;
            return retired(InstrClass::LoadStoreMulti, 1 + n, Flow::Plain);
        }
        if hw & 0xFE00 == 0xBC00 {
            let list = (hw & 0xff) | if hw & 0x100 != 0 { 1 << 15 } else { 0 };
            let mut a = cpu.r[13];
            for i in 0..16 {
                if list & (1 << i) != 0 {
                    cpu.r[i] = data(bus.read32(a))?;
                    a += 4;
                }
            }
            cpu.r[13] = a;
            if list & (1 << 15) != 0 {
                cpu.r[15] &= !1;
                return retired(
                    InstrClass::LoadStoreMulti,
                    4 + list.count_ones(),
                    Flow::Return,
                );
            }
            cpu.r[15] = pc + 2;
            return retired(
                InstrClass::LoadStoreMulti,
                1 + list.count_ones(),
                Flow::Plain,
            );
        }
        if hw & 0xF800 == 0xF000 {
            let hw2 = fetch(bus, pc + 2)?;
            if hw2 & 0xD000 == 0xD000 {
                let s = (hw >> 10) & 1;
                let j1 = (hw2 >> 13) & 1;
                let j2 = (hw2 >> 11) & 1;
                let i1 = !(j1 ^ s) & 1;
                let i2 = !(j2 ^ s) & 1;
                let imm = (s << 24)
                    | (i1 << 23)
                    | (i2 << 22)
                    | ((hw & 0x3ff) << 12)
                    | ((hw2 & 0x7ff) << 1);
                let off = ((imm << 7) as i32) >> 7;
                cpu.r[14] = (pc + 4) | 1;
                cpu.r[15] = (pc + 4).wrapping_add(off as u32);
                return retired(InstrClass::Branch, 2, Flow::Call);
            }
        }
        if hw == 0xE7FE {
            return retired(InstrClass::Branch, 2, Flow::Plain);
        }
        cpu.r[15] = pc + if hw >> 11 >= 0b11101 { 4 } else { 2 };
        retired(InstrClass::Alu, 1, Flow::Plain)
    }

    fn enter_exception(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        exception: u16,
    ) -> Result<u32, Trap> {
        let v = data(bus.read32(bus.exc.vtor + 4 * u32::from(exception)))?;
        cpu.set_mode(Mode::Handler);
        cpu.ipsr = exception;
        cpu.r[15] = v & !1;
        Ok(12)
    }

    fn reset(&mut self, cpu: &mut Cpu, bus: &mut Bus) -> Result<(), Trap> {
        *cpu = Cpu::default();
        let vtor = bus.exc.vtor;
        cpu.set_msp(data(bus.read32(vtor))?);
        cpu.r[15] = data(bus.read32(vtor + 4))? & !1;
        cpu.r[14] = 0xFFFF_FFFF;
        Ok(())
    }

    fn flush_decode_cache(&mut self) {}
}

/// Semihosting enough for demo.elf: SYS_WRITE0, SYS_WRITEC, SYS_EXIT.
pub struct TestHost;

impl Semihost for TestHost {
    fn call(&mut self, op: u32, param: u32, _cpu: &Cpu, bus: &mut Bus) -> HostAction {
        match op {
            0x03 => {
                let c = bus.peek(param, 1).unwrap_or(0) as u8;
                bus.console.write(&[c]);
                HostAction::Return(0)
            }
            0x04 => {
                let mut s = Vec::new();
                for i in 0..4096 {
                    match bus.peek(param + i, 1) {
                        Some(0) | None => break,
                        Some(b) => s.push(b as u8),
                    }
                }
                bus.console.write(&s);
                HostAction::Return(0)
            }
            0x18 => HostAction::Exit(if param == 0x20026 { 0 } else { 1 }),
            _ => HostAction::Return(u32::MAX),
        }
    }
}

/// demo.elf on mps2-an386 with the stand-in ISA, reset.
pub fn demo_machine() -> Machine {
    demo_machine_on("mps2-an386")
}

/// demo.elf on a board with the stand-in ISA, reset.
pub fn demo_machine_on(board: &str) -> Machine {
    let image = Image::from_file(&data_dir().join("demo.elf")).expect("demo.elf loads");
    let board = Board::load(board).expect("board");
    let mut m = Machine::new(board, image, Box::new(StandIn), Console::new(false)).expect("fits");
    m.semihost = Some(Box::new(TestHost));
    m.reset().expect("reset");
    m
}

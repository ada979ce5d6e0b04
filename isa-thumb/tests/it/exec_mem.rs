//! Loads and stores: addressing modes, alignment rules per architecture (ARMv7-M A3.2.1,
//! ARMv6-M A3.2.1), bus errors as precise BusFaults, LDM/STM/PUSH/POP, LDRD/STRD and the
//! local exclusive monitor.

use crate::exec_support;

use exec_support::{at, Rig, DATA, N, STACK, W};
use isa_thumb::instr::{AddrMode, Instr, MemSize, Offset};
use sim_core::board::CoreProfile;
use sim_core::exception::ccr;
use sim_core::isa::{BusFaultKind, Fault, InstrClass, UsageCause};
use sim_core::Trap;

fn ldr(size: MemSize, signed: bool, rt: u8, addr: AddrMode) -> Instr {
    Instr::Load {
        enc: W,
        size,
        signed,
        rt,
        addr,
    }
}

fn str_(size: MemSize, rt: u8, addr: AddrMode) -> Instr {
    Instr::Store {
        enc: W,
        size,
        rt,
        addr,
    }
}

#[test]
fn sizes_sign_extension_and_writeback() {
    let mut rig = Rig::new();
    rig.cpu.r[1] = DATA;
    rig.cpu.r[2] = 0x8081_F0FE;
    rig.ok(str_(MemSize::Word, 2, at(1, 0)));
    for (size, signed, want) in [
        (MemSize::Byte, false, 0xFE),
        (MemSize::Byte, true, 0xFFFF_FFFE),
        (MemSize::Half, false, 0xF0FE),
        (MemSize::Half, true, 0xFFFF_F0FE),
        (MemSize::Word, false, 0x8081_F0FE),
    ] {
        let r = rig.ok(ldr(size, signed, 0, at(1, 0)));
        assert_eq!(rig.cpu.r[0], want, "{size:?} signed={signed}");
        assert_eq!(r.class, InstrClass::Load);
    }
    // Post-indexed with writeback: [r1], #-4.
    let post = AddrMode {
        rn: 1,
        offset: Offset::Imm(4),
        index: false,
        add: false,
        wback: true,
    };
    rig.ok(ldr(MemSize::Word, false, 0, post));
    assert_eq!(rig.cpu.r[0], 0x8081_F0FE, "post-index uses the old base");
    assert_eq!(rig.cpu.r[1], DATA - 4);
    // Register offset with shift: [r1, r3, lsl #2].
    rig.cpu.r[3] = 1;
    rig.ok(ldr(MemSize::Word, false, 0, AddrMode::reg(1, 3, 2)));
    assert_eq!(rig.cpu.r[0], 0x8081_F0FE);
}

#[test]
fn literal_loads_use_aligned_pc() {
    let mut rig = Rig::new();
    // Instruction at CODE + 2: Align(PC + 4, 4) = CODE + 4.
    rig.cpu.r[15] = exec_support::CODE + 2;
    rig.bus
        .poke_bytes(exec_support::CODE + 4 + 8, &0x1234_5678u32.to_le_bytes())
        .unwrap();
    rig.ok(ldr(MemSize::Word, false, 0, at(15, 8)));
    assert_eq!(rig.cpu.r[0], 0x1234_5678);
}

#[test]
fn unaligned_single_accesses_follow_ccr_on_v7m_and_fault_on_v6m() {
    let mut rig = Rig::new();
    rig.cpu.r[1] = DATA + 1;
    rig.cpu.r[2] = 0xAABB_CCDD;
    rig.ok(str_(MemSize::Word, 2, at(1, 0)));
    rig.ok(ldr(MemSize::Word, false, 0, at(1, 0)));
    assert_eq!(
        rig.cpu.r[0], 0xAABB_CCDD,
        "unaligned LDR is allowed on v7-M"
    );
    rig.bus.exc.ccr |= ccr::UNALIGN_TRP;
    let pc = rig.cpu.r[15];
    assert_eq!(
        rig.exec(ldr(MemSize::Half, false, 0, at(1, 0))),
        Err(Trap::Fault(Fault::Usage(UsageCause::Unaligned)))
    );
    assert_eq!(
        rig.cpu.r[15], pc,
        "a fault leaves PC at the faulting instruction"
    );
    // Byte accesses never fault on alignment.
    rig.ok(ldr(MemSize::Byte, false, 0, at(1, 0)));

    let mut m0 = Rig::core(CoreProfile::CortexM0plus);
    m0.cpu.r[1] = DATA + 2;
    assert_eq!(
        m0.exec(ldr(MemSize::Word, false, 0, at(1, 0))),
        Err(Trap::Fault(Fault::Usage(UsageCause::Unaligned)))
    );
    m0.ok(ldr(MemSize::Half, false, 0, at(1, 0)));
}

#[test]
fn multiple_and_dual_accesses_must_be_aligned() {
    let mut rig = Rig::new();
    rig.cpu.r[1] = DATA + 2;
    let unaligned = Err(Trap::Fault(Fault::Usage(UsageCause::Unaligned)));
    assert_eq!(
        rig.exec(Instr::Ldm {
            enc: W,
            rn: 1,
            list: 0b1100,
            wback: false,
            db: false
        }),
        unaligned
    );
    assert_eq!(
        rig.exec(Instr::LoadDual {
            enc: W,
            rt: 2,
            rt2: 3,
            addr: at(1, 0)
        }),
        unaligned
    );
    assert_eq!(
        rig.exec(Instr::LoadExcl {
            enc: W,
            size: MemSize::Word,
            rt: 2,
            rn: 1,
            imm: 0
        }),
        unaligned
    );
}

#[test]
fn bus_errors_are_precise_data_faults() {
    let mut rig = Rig::new();
    rig.cpu.r[1] = 0x9000_0000;
    assert_eq!(
        rig.exec(ldr(MemSize::Word, false, 0, at(1, 4))),
        Err(Trap::Fault(Fault::Bus {
            kind: BusFaultKind::Data,
            addr: 0x9000_0004
        }))
    );
    // Flash is read-only at run time.
    rig.cpu.r[1] = 0x100;
    assert_eq!(
        rig.exec(str_(MemSize::Word, 0, at(1, 0))),
        Err(Trap::Fault(Fault::Bus {
            kind: BusFaultKind::Data,
            addr: 0x100
        }))
    );
}

#[test]
fn push_pop_round_trip_and_cost() {
    let mut rig = Rig::new();
    for i in 0..8 {
        rig.cpu.r[i] = 0x100 + i as u32;
    }
    rig.cpu.r[14] = 0x0000_2001;
    let push = Instr::Stm {
        enc: N,
        rn: 13,
        list: 0b0100_0000_1111_0000,
        wback: true,
        db: true,
    };
    let r = rig.ok(push);
    assert_eq!(rig.cpu.r[13], STACK - 20);
    assert_eq!(r.cycles, 1 + 5, "STM costs 1 + N");
    assert_eq!(rig.bus.peek(STACK - 4, 4), Some(0x2001), "LR highest");
    assert_eq!(rig.bus.peek(STACK - 20, 4), Some(0x104), "r4 lowest");
    for i in 4..8 {
        rig.cpu.r[i] = 0;
    }
    // POP {r4-r7, pc}: a return through interworking.
    let pop = Instr::Ldm {
        enc: N,
        rn: 13,
        list: 0b1000_0000_1111_0000,
        wback: true,
        db: false,
    };
    let r = rig.ok(pop);
    assert_eq!(rig.cpu.r[13], STACK);
    assert_eq!(rig.cpu.r[4..8], [0x104, 0x105, 0x106, 0x107]);
    assert_eq!(rig.cpu.r[15], 0x2000);
    assert!(rig.cpu.thumb);
    assert_eq!(r.flow, sim_core::isa::Flow::Return);
    assert_eq!(r.class, InstrClass::LoadStoreMulti);
}

#[test]
fn dual_loads_and_stores() {
    let mut rig = Rig::new();
    rig.cpu.r[1] = DATA;
    rig.cpu.r[2] = 11;
    rig.cpu.r[3] = 22;
    let pre_wb = AddrMode {
        rn: 1,
        offset: Offset::Imm(8),
        index: true,
        add: true,
        wback: true,
    };
    rig.ok(Instr::StoreDual {
        enc: W,
        rt: 2,
        rt2: 3,
        addr: pre_wb,
    });
    assert_eq!(rig.cpu.r[1], DATA + 8);
    rig.ok(Instr::LoadDual {
        enc: W,
        rt: 4,
        rt2: 5,
        addr: at(1, 0),
    });
    assert_eq!((rig.cpu.r[4], rig.cpu.r[5]), (11, 22));
}

#[test]
fn exclusive_monitor() {
    let mut rig = Rig::new();
    rig.cpu.r[1] = DATA;
    rig.cpu.r[2] = 77;
    let strex = Instr::StoreExcl {
        enc: W,
        size: MemSize::Word,
        rd: 0,
        rt: 2,
        rn: 1,
        imm: 0,
    };
    rig.ok(strex);
    assert_eq!(rig.cpu.r[0], 1, "STREX without LDREX fails");
    assert_ne!(rig.bus.peek(DATA, 4), Some(77));
    rig.ok(Instr::LoadExcl {
        enc: W,
        size: MemSize::Word,
        rt: 3,
        rn: 1,
        imm: 0,
    });
    assert!(rig.isa.exclusive_monitor());
    rig.ok(strex);
    assert_eq!(rig.cpu.r[0], 0, "STREX after LDREX succeeds");
    assert_eq!(rig.bus.peek(DATA, 4), Some(77));
    rig.ok(strex);
    assert_eq!(rig.cpu.r[0], 1, "the monitor is open again");
    rig.ok(Instr::LoadExcl {
        enc: W,
        size: MemSize::Byte,
        rt: 3,
        rn: 1,
        imm: 0,
    });
    rig.ok(Instr::Clrex { enc: W });
    rig.ok(strex);
    assert_eq!(rig.cpu.r[0], 1, "CLREX clears the monitor");
}

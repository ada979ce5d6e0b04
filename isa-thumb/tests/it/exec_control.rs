//! Control flow and system instructions: branches and their cycle costs, interworking and
//! INVSTATE, IT blocks (condition-failed instructions retire as Skipped), TBB/TBH, CBZ,
//! MRS/MSR/CPS, SVC, BKPT, UDF, WFI/WFE/SEV, divide-by-zero trap, fetch faults, and the decode
//! cache (stepping real encodings from flash and SRAM).

use crate::exec_support;

use exec_support::{Rig, CODE, DATA, N, W};
use isa_thumb::instr::{Cond, Hint, Instr};
use sim_core::exception::{ccr, num};
use sim_core::isa::{BusFaultKind, Fault, Flow, InstrClass, UsageCause};
use sim_core::{Isa, Trap};

#[test]
fn branches_cost_one_plus_refill_and_skip_when_not_taken() {
    let mut rig = Rig::new();
    let b = Instr::B {
        enc: N,
        cond: Cond::Eq,
        offset: 0x20,
    };
    rig.cpu.z = false;
    let r = rig.ok(b);
    assert_eq!((r.class, r.cycles), (InstrClass::Skipped, 1));
    assert_eq!(rig.cpu.r[15], CODE + 2);
    rig.cpu.z = true;
    let r = rig.ok(b);
    assert_eq!(
        (r.class, r.cycles),
        (InstrClass::Branch, 2),
        "M4: 1 + P, P = 1 for a target that is not a halfword-aligned 32-bit instruction"
    );
    assert_eq!(rig.cpu.r[15], CODE + 2 + 4 + 0x20);
    let r = rig.ok(Instr::Bl { enc: W, offset: -8 });
    assert_eq!(r.flow, Flow::Call);
    assert_eq!(rig.cpu.r[14], (CODE + 0x26 + 4) | 1);
    assert_eq!(rig.cpu.r[15], CODE + 0x26 + 4 - 8);
}

#[test]
fn bx_to_an_arm_address_faults_on_the_next_instruction() {
    let mut rig = Rig::new();
    rig.cpu.r[3] = 0x2000;
    let r = rig.ok(Instr::Bx {
        enc: N,
        link: false,
        rm: 3,
    });
    assert_eq!(
        r.flow,
        Flow::Plain,
        "BX to a register other than LR is not a return"
    );
    assert!(!rig.cpu.thumb);
    assert_eq!(rig.cpu.r[15], 0x2000);
    assert_eq!(
        rig.exec(Instr::Hint {
            enc: N,
            hint: Hint::Nop
        }),
        Err(Trap::Fault(Fault::Usage(UsageCause::InvalidState)))
    );
    let mut rig = Rig::new();
    rig.cpu.r[14] = 0x3001;
    let r = rig.ok(Instr::Bx {
        enc: N,
        link: false,
        rm: 14,
    });
    assert_eq!(
        (r.flow, rig.cpu.r[15], rig.cpu.thumb),
        (Flow::Return, 0x3000, true)
    );
}

#[test]
fn it_block_skips_failed_instructions_and_counts_them() {
    let mut rig = Rig::new();
    // ITE NE with Z set: first (NE) skipped, second (EQ) executes. For E the mask's top bit
    // is NOT firstcond[0] (A7.7.38): 0b0100.
    rig.cpu.z = true;
    rig.ok(Instr::It {
        enc: N,
        firstcond: Cond::Ne as u8,
        mask: 0b0100,
    });
    let mov = |rd: u8, v: u16| Instr::Movw { enc: W, rd, imm: v };
    let r = rig.ok(mov(0, 1));
    assert_eq!(r.class, InstrClass::Skipped);
    assert_eq!(rig.cpu.r[0], 0);
    let r = rig.ok(mov(1, 2));
    assert_eq!(r.class, InstrClass::Alu);
    assert_eq!(rig.cpu.r[1], 2);
    assert_eq!(rig.cpu.itstate, 0);
    assert_eq!(rig.cpu.r[15], CODE + 2 + 4 + 4);
}

#[test]
fn fault_inside_it_block_keeps_itstate() {
    let mut rig = Rig::new();
    rig.cpu.z = true;
    rig.ok(Instr::It {
        enc: N,
        firstcond: Cond::Eq as u8,
        mask: 0b1000,
    });
    let it = rig.cpu.itstate;
    assert!(rig.exec(Instr::Udf { enc: N, imm: 0 }).is_err());
    assert_eq!(rig.cpu.itstate, it);
}

#[test]
fn cbz_and_table_branches() {
    let mut rig = Rig::new();
    rig.cpu.r[1] = 0;
    rig.ok(Instr::Cbz {
        enc: N,
        nonzero: false,
        rn: 1,
        offset: 10,
    });
    assert_eq!(rig.cpu.r[15], CODE + 4 + 10);
    let here = rig.cpu.r[15];
    rig.ok(Instr::Cbz {
        enc: N,
        nonzero: true,
        rn: 1,
        offset: 10,
    });
    assert_eq!(rig.cpu.r[15], here + 2);
    // TBH [r2, r3, lsl #1] with table entry 3 at index 1.
    rig.bus.poke_bytes(DATA, &[9, 0, 3, 0]).unwrap();
    rig.cpu.r[2] = DATA;
    rig.cpu.r[3] = 1;
    let pc = rig.cpu.r[15];
    rig.ok(Instr::TableBranch {
        enc: W,
        half: true,
        rn: 2,
        rm: 3,
    });
    assert_eq!(rig.cpu.r[15], pc + 4 + 6);
    let pc = rig.cpu.r[15];
    rig.ok(Instr::TableBranch {
        enc: W,
        half: false,
        rn: 2,
        rm: 3,
    });
    assert_eq!(rig.cpu.r[15], pc + 4, "TBB entry 0 at index 1");
}

#[test]
fn special_registers() {
    let mut rig = Rig::new();
    rig.cpu.r[0] = 0xF800_0000;
    rig.ok(Instr::Msr {
        enc: W,
        rn: 0,
        sysm: 0,
        mask: 0b10,
    });
    assert!(rig.cpu.n && rig.cpu.z && rig.cpu.c && rig.cpu.v && rig.cpu.q);
    rig.ok(Instr::Mrs {
        enc: W,
        rd: 1,
        sysm: 3,
    });
    assert_eq!(
        rig.cpu.r[1], 0xF800_0000,
        "xPSR reads APSR | IPSR, EPSR as zero"
    );
    rig.cpu.r[0] = 0x60;
    rig.bus.exc.dirty = false;
    rig.ok(Instr::Msr {
        enc: W,
        rn: 0,
        sysm: 17,
        mask: 0,
    });
    assert_eq!(rig.cpu.basepri, 0x60);
    assert!(rig.bus.exc.dirty);
    rig.cpu.r[0] = 0x80;
    rig.ok(Instr::Msr {
        enc: W,
        rn: 0,
        sysm: 18,
        mask: 0,
    });
    assert_eq!(
        rig.cpu.basepri, 0x60,
        "BASEPRI_MAX only raises the priority"
    );
    rig.ok(Instr::Cps {
        enc: N,
        disable: true,
        i: true,
        f: false,
    });
    assert!(rig.cpu.primask);
    // PSP via MSR, then CONTROL.SPSEL switches the active SP.
    rig.cpu.r[0] = 0x2000_4000;
    rig.ok(Instr::Msr {
        enc: W,
        rn: 0,
        sysm: 9,
        mask: 0,
    });
    rig.cpu.r[0] = 2;
    rig.ok(Instr::Msr {
        enc: W,
        rn: 0,
        sysm: 20,
        mask: 0,
    });
    assert_eq!(rig.cpu.sp(), 0x2000_4000);
    // Unprivileged: writes to PRIMASK are ignored.
    rig.cpu.r[0] = 3;
    rig.ok(Instr::Msr {
        enc: W,
        rn: 0,
        sysm: 20,
        mask: 0,
    });
    rig.cpu.r[0] = 0;
    rig.ok(Instr::Msr {
        enc: W,
        rn: 0,
        sysm: 16,
        mask: 0,
    });
    assert!(rig.cpu.primask, "unprivileged MSR PRIMASK is ignored");
}

#[test]
fn svc_bkpt_udf_and_sleep() {
    let mut rig = Rig::new();
    rig.ok(Instr::Svc { enc: N, imm: 1 });
    assert!(rig.bus.exc.is_pending(num::SVCALL));
    assert_eq!(rig.cpu.r[15], CODE + 2);
    assert_eq!(
        rig.exec(Instr::Bkpt { enc: N, imm: 0xAB }),
        Err(Trap::Breakpoint(0xAB))
    );
    assert_eq!(rig.cpu.r[15], CODE + 2, "BKPT leaves PC at itself");
    assert_eq!(
        rig.exec(Instr::Udf { enc: N, imm: 0 }),
        Err(Trap::Fault(Fault::Usage(UsageCause::Undefined)))
    );
    let r = rig.ok(Instr::Hint {
        enc: N,
        hint: Hint::Wfi,
    });
    assert_eq!(
        (r.class, r.flow),
        (InstrClass::Sleep, Flow::WaitForInterrupt)
    );
    rig.ok(Instr::Hint {
        enc: N,
        hint: Hint::Sev,
    });
    assert!(rig.cpu.event);
}

#[test]
fn divide_by_zero_traps_only_with_div_0_trp() {
    let mut rig = Rig::new();
    rig.cpu.r[1] = 10;
    rig.cpu.r[2] = 0;
    let div = Instr::Div {
        enc: W,
        signed: true,
        rd: 0,
        rn: 1,
        rm: 2,
    };
    rig.cpu.r[0] = 5;
    rig.ok(div);
    assert_eq!(rig.cpu.r[0], 0);
    rig.bus.exc.ccr |= ccr::DIV_0_TRP;
    assert_eq!(
        rig.exec(div),
        Err(Trap::Fault(Fault::Usage(UsageCause::DivideByZero)))
    );
}

/// Assembled little-endian halfwords placed at `addr`.
fn place(rig: &mut Rig, addr: u32, halfwords: &[u16]) {
    let bytes: Vec<u8> = halfwords.iter().flat_map(|h| h.to_le_bytes()).collect();
    rig.bus.poke_bytes(addr, &bytes).unwrap();
}

#[test]
fn step_decodes_from_flash_and_sram_and_follows_code_changes() {
    let mut rig = Rig::new();
    // movs r0, #5 ; adds r0, #3 ; b .   (encodings from the ARM ARM: MOV T1, ADD T2, B T2)
    place(&mut rig, CODE, &[0x2005, 0x3003, 0xE7FE]);
    let (cpu, bus) = (&mut rig.cpu, &mut rig.bus);
    rig.isa.step(cpu, bus).unwrap();
    rig.isa.step(cpu, bus).unwrap();
    assert_eq!(cpu.r[0], 8);
    let r = rig.isa.step(cpu, bus).unwrap();
    assert_eq!((r.class, cpu.r[15]), (InstrClass::Branch, CODE + 4));
    // A debugger write to flash bumps code_epoch: the cache must see the new instruction.
    place(&mut rig, CODE + 4, &[0x2107]); // movs r1, #7
    let (cpu, bus) = (&mut rig.cpu, &mut rig.bus);
    rig.isa.step(cpu, bus).unwrap();
    assert_eq!(cpu.r[1], 7);
    // Code in SRAM that the guest itself rewrites is decoded afresh.
    cpu.r[15] = DATA;
    bus.write16(DATA, 0x2209).unwrap(); // movs r2, #9
    rig.isa.step(cpu, bus).unwrap();
    assert_eq!(cpu.r[2], 9);
    cpu.r[15] = DATA;
    bus.write16(DATA, 0x220A).unwrap(); // movs r2, #10
    rig.isa.step(cpu, bus).unwrap();
    assert_eq!(cpu.r[2], 10);
}

#[test]
fn fetch_faults() {
    let mut rig = Rig::new();
    rig.cpu.r[15] = 0x4000_4000;
    assert_eq!(
        rig.isa.step(&mut rig.cpu, &mut rig.bus),
        Err(Trap::Fault(Fault::MemManage {
            addr: 0x4000_4000,
            instruction: true
        })),
        "device space is execute-never"
    );
    rig.cpu.r[15] = 0x1000_0000;
    assert_eq!(
        rig.isa.step(&mut rig.cpu, &mut rig.bus),
        Err(Trap::Fault(Fault::Bus {
            kind: BusFaultKind::Instruction,
            addr: 0x1000_0000
        }))
    );
}

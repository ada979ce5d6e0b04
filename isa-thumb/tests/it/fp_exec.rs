//! FP instructions executed on a real bus (mps2-an386 / mps2-an500 boards): NOCP gating by
//! CPACR, loads/stores/VPUSH/VPOP against memory, VMRS/VMSR, VCMP + VMRS APSR_nzcv, lazy
//! state preservation and CONTROL.FPCA, fused vs. unfused multiply-add, rounding modes.

use isa_thumb::fp::{decode32_for, execute, FpInstr};
use sim_core::board::{Board, FpuKind};
use sim_core::console::Console;
use sim_core::cpu::control;
use sim_core::exception::ExceptionState;
use sim_core::isa::UsageCause;
use sim_core::memory::MemoryMap;
use sim_core::{Bus, Cpu, Fault, InstrClass};

const SRAM: u32 = 0x2000_0000;

fn machine(board: &str) -> (Cpu, Bus) {
    let b = Board::load(board).unwrap();
    let mut bus = Bus::new(
        MemoryMap::new(&b),
        ExceptionState::new(&b),
        Console::new(false),
    );
    bus.exc.cpacr = 0xF << 20;
    let mut cpu = Cpu::default();
    cpu.r[15] = 0x100;
    (cpu, bus)
}

/// Assembles `text` with the halfwords objdump gave (kept literal here).
fn op(hw1: u16, hw2: u16, fpu: FpuKind) -> FpInstr {
    decode32_for(hw1, hw2, fpu).unwrap_or_else(|| panic!("{hw1:04x} {hw2:04x}"))
}

fn run(cpu: &mut Cpu, bus: &mut Bus, hw1: u16, hw2: u16) -> Result<InstrClass, Fault> {
    let i = op(hw1, hw2, FpuKind::Fpv5Dp);
    execute(&i, cpu, bus)
}

#[test]
fn cpacr_gates_with_nocp() {
    let (mut cpu, mut bus) = machine("mps2-an386");
    bus.exc.cpacr = 0;
    // vadd.f32 s0, s1, s2 = ee30 0a81
    assert_eq!(
        run(&mut cpu, &mut bus, 0xee30, 0x0a81),
        Err(Fault::Usage(UsageCause::NoCoprocessor))
    );
    // Privileged-only access from unprivileged thread mode.
    bus.exc.cpacr = 0x5 << 20;
    cpu.set_control(control::NPRIV);
    assert_eq!(
        run(&mut cpu, &mut bus, 0xee30, 0x0a81),
        Err(Fault::Usage(UsageCause::NoCoprocessor))
    );
    cpu.set_control(0);
    assert_eq!(run(&mut cpu, &mut bus, 0xee30, 0x0a81), Ok(InstrClass::Fpu));
    assert_ne!(
        cpu.control & control::FPCA,
        0,
        "FP use sets CONTROL.FPCA (ASPEN)"
    );
}

#[test]
fn loads_stores_push_pop() {
    let (mut cpu, mut bus) = machine("mps2-an500");
    cpu.r[0] = SRAM + 0x100;
    bus.write32(SRAM + 0x108, 0x3f80_0000).unwrap();
    // vldr s4, [r0, #8] = ed90 2a02
    run(&mut cpu, &mut bus, 0xed90, 0x2a02).unwrap();
    assert_eq!(cpu.s[4], 0x3f80_0000);
    // vstr d9, [r0, #-8] = ed00 9b02
    cpu.set_d(9, 0x1122_3344_5566_7788);
    run(&mut cpu, &mut bus, 0xed00, 0x9b02).unwrap();
    assert_eq!(bus.read32(SRAM + 0xf8).unwrap(), 0x5566_7788);
    assert_eq!(bus.read32(SRAM + 0xfc).unwrap(), 0x1122_3344);
    // vpush {d8-d15} = ed2d 8b10 ; vpop {d8} = ecbd 8b02
    cpu.r[13] = SRAM + 0x1000;
    for k in 0..16 {
        cpu.s[16 + k] = 0xa000 + k as u32;
    }
    assert_eq!(
        run(&mut cpu, &mut bus, 0xed2d, 0x8b10),
        Ok(InstrClass::FpuLoadStore)
    );
    assert_eq!(cpu.r[13], SRAM + 0x1000 - 64);
    assert_eq!(bus.read32(SRAM + 0x1000 - 64).unwrap(), 0xa000);
    cpu.s[16] = 0;
    cpu.s[17] = 0;
    run(&mut cpu, &mut bus, 0xecbd, 0x8b02).unwrap();
    assert_eq!((cpu.s[16], cpu.s[17]), (0xa000, 0xa001));
    assert_eq!(cpu.r[13], SRAM + 0x1000 - 56);
    // Unaligned VLDR: UsageFault UNALIGNED.
    cpu.r[0] = SRAM + 2;
    assert_eq!(
        run(&mut cpu, &mut bus, 0xed90, 0x2a02),
        Err(Fault::Usage(UsageCause::Unaligned))
    );
    // PC-relative: vldr s0, [pc, #8] at 0x102 (r15 = its address) loads Align(0x106, 4) + 8.
    cpu.r[15] = 0x0102;
    bus.poke_bytes(0x10c, &0x4049_0fdbu32.to_le_bytes())
        .unwrap();
    // vldr s0, [pc, #8] = ed9f 0a02
    run(&mut cpu, &mut bus, 0xed9f, 0x0a02).unwrap();
    assert_eq!(cpu.s[0], 0x4049_0fdb);
}

#[test]
fn compare_and_vmrs_apsr() {
    let (mut cpu, mut bus) = machine("mps2-an386");
    cpu.s[1] = 1.0f32.to_bits();
    cpu.s[2] = 2.0f32.to_bits();
    // vcmp.f32 s1, s2 = eef4 0a41 ; vmrs APSR_nzcv, fpscr = eef1 fa10
    run(&mut cpu, &mut bus, 0xeef4, 0x0a41).unwrap();
    run(&mut cpu, &mut bus, 0xeef1, 0xfa10).unwrap();
    assert!(cpu.n && !cpu.z && !cpu.c && !cpu.v, "less than: N");
    cpu.s[2] = 0x7fc0_0000;
    // vcmpe.f32 s1, s2 = eef4 0ac1: unordered, IOC for a quiet NaN.
    run(&mut cpu, &mut bus, 0xeef4, 0x0ac1).unwrap();
    assert_eq!(cpu.fpscr >> 28, 0b0011);
    assert_eq!(cpu.fpscr & 1, 1);
    // vmsr fpscr, r5 masks reserved bits; vmrs r3, fpscr reads it back.
    cpu.r[5] = 0xffff_ffff;
    run(&mut cpu, &mut bus, 0xeee1, 0x5a10).unwrap();
    run(&mut cpu, &mut bus, 0xeef1, 0x3a10).unwrap();
    assert_eq!(cpu.r[3], 0xF7C0_009F);
}

#[test]
fn lazy_state_is_preserved_before_first_fp_instruction() {
    let (mut cpu, mut bus) = machine("mps2-an386");
    bus.exc.fpccr |= 1; // LSPACT
    bus.exc.fpcar = SRAM + 0x200;
    for k in 0..16 {
        cpu.s[k] = 0x100 + k as u32;
    }
    cpu.fpscr = 0x0300_0000;
    // vmov.f32 s0, s1 = eeb0 0a60
    run(&mut cpu, &mut bus, 0xeeb0, 0x0a60).unwrap();
    assert_eq!(bus.exc.fpccr & 1, 0);
    assert_eq!(bus.read32(SRAM + 0x200).unwrap(), 0x100);
    assert_eq!(bus.read32(SRAM + 0x23c).unwrap(), 0x10f);
    assert_eq!(bus.read32(SRAM + 0x240).unwrap(), 0x0300_0000);
    assert_eq!(cpu.s[0], 0x101);
}

#[test]
fn fused_and_unfused_multiply_add_differ_by_one_rounding() {
    let (mut cpu, mut bus) = machine("mps2-an386");
    // a*a - p with a = 1 + 2^-12: the fused form keeps the 2^-24 term.
    let a = 1.0f32 + f32::powi(2.0, -12);
    let p = a * a; // rounded
    let set = |cpu: &mut Cpu| {
        cpu.s[1] = a.to_bits();
        cpu.s[2] = a.to_bits();
        cpu.s[0] = (-p).to_bits();
    };
    set(&mut cpu);
    // vfma.f32 s0, s1, s2 = eea0 0a81
    run(&mut cpu, &mut bus, 0xeea0, 0x0a81).unwrap();
    assert_eq!(f32::from_bits(cpu.s[0]), a.mul_add(a, -p));
    assert_ne!(cpu.s[0], 0);
    set(&mut cpu);
    // vmla.f32 s0, s1, s2 = ee00 0a81
    run(&mut cpu, &mut bus, 0xee00, 0x0a81).unwrap();
    assert_eq!(cpu.s[0], 0);
}

#[test]
fn vcvt_rounding_behaviours() {
    let (mut cpu, mut bus) = machine("mps2-an386");
    cpu.s[1] = (-2.5f32).to_bits();
    // vcvt.s32.f32 s0, s1 (towards zero) = eebd 0ae0 ; vcvtr.s32.f32 s0, s1 = eebd 0a60
    run(&mut cpu, &mut bus, 0xeebd, 0x0ae0).unwrap();
    assert_eq!(cpu.s[0] as i32, -2);
    run(&mut cpu, &mut bus, 0xeebd, 0x0a60).unwrap();
    assert_eq!(cpu.s[0] as i32, -2, "ties to even");
    cpu.fpscr = 2 << 22; // RM
    run(&mut cpu, &mut bus, 0xeebd, 0x0a60).unwrap();
    assert_eq!(cpu.s[0] as i32, -3);
    assert_eq!(cpu.fpscr & 0x10, 0x10, "IXC");
}

#[test]
fn double_precision_only_on_fpv5_dp() {
    // vadd.f64 d0, d1, d2 = ee31 0b02
    assert!(decode32_for(0xee31, 0x0b02, FpuKind::Fpv4Sp).is_none());
    assert!(decode32_for(0xee31, 0x0b02, FpuKind::Fpv5Sp).is_none());
    let (mut cpu, mut bus) = machine("mps2-an500");
    cpu.set_d(1, 1.5f64.to_bits());
    cpu.set_d(2, 0.25f64.to_bits());
    run(&mut cpu, &mut bus, 0xee31, 0x0b02).unwrap();
    assert_eq!(f64::from_bits(cpu.d(0)), 1.75);
}

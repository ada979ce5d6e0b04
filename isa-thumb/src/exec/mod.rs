//! The executor: runs one decoded [`Instr`] on the CPU and bus with the ARM ARM pseudocode's
//! semantics (ARMv7-M DDI 0403E, ARMv6-M DDI 0419) and reports what it did as a [`Retired`]
//! or a [`Trap`].
//!
//! While an instruction executes, `cpu.r[15]` holds its address + 4 (what a PC operand reads
//! as); afterwards it holds the next instruction's address. A trapping instruction leaves PC at
//! its own address (precise faults, BKPT) and the caller restores ITSTATE.

pub(crate) mod fast;
pub mod mem;
pub mod ops;
pub mod sys;

use crate::alu::{self, shift, shift_c};
use crate::instr::{Barrier, DpOp, Hint, Instr, MemSize, Offset, Operand2, UndefReason};
use crate::thumb::Core;
use mem::Align;
use ops::{address, bx_write_pc, count, dp, Dp};
use sim_core::board::{Arch, FpuKind};
use sim_core::exception::{ccr, FaultOutcome};
use sim_core::isa::{Flow, InstrClass, UsageCause};
use sim_core::{Bus, Cpu, Fault, Retired, Trap};

/// A [`Retired`] packed into one word: cycles in bits 31:0, class in 39:32, flow in 47:40.
/// The hot loop passes this in a register; a `Retired` assembled from partial stores and read
/// back whole stalls store forwarding (measured: a third of the run time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done(pub u64);

impl Done {
    /// Not an instruction's result: the out-of-line generic executor's word for "trapped".
    pub(crate) const TRAPPED: Done = Done(u64::MAX);

    /// Cycles.
    #[inline(always)]
    pub fn cycles(self) -> u32 {
        self.0 as u32
    }

    /// Instruction class.
    #[inline(always)]
    pub fn class(self) -> InstrClass {
        match (self.0 >> 32) as u8 {
            0 => InstrClass::Alu,
            1 => InstrClass::Mul,
            2 => InstrClass::MulLong,
            3 => InstrClass::Div,
            4 => InstrClass::Load,
            5 => InstrClass::Store,
            6 => InstrClass::LoadStoreMulti,
            7 => InstrClass::Branch,
            8 => InstrClass::Dsp,
            9 => InstrClass::Fpu,
            10 => InstrClass::FpuDivSqrt,
            11 => InstrClass::FpuLoadStore,
            12 => InstrClass::System,
            13 => InstrClass::Sleep,
            _ => InstrClass::Skipped,
        }
    }

    /// The class as its number (`InstrClass as usize`), for indexing per-class counters.
    #[inline(always)]
    pub fn class_index(self) -> usize {
        usize::from((self.0 >> 32) as u8)
    }

    /// Control-flow effect.
    #[inline(always)]
    pub fn flow(self) -> Flow {
        match (self.0 >> 40) as u8 {
            0 => Flow::Plain,
            1 => Flow::Call,
            2 => Flow::Return,
            3 => Flow::ExceptionReturn,
            4 => Flow::WaitForInterrupt,
            _ => Flow::WaitForEvent,
        }
    }

    /// Whether the flow is [`Flow::Plain`] (the common case, tested without decoding).
    #[inline(always)]
    pub fn plain(self) -> bool {
        self.0 >> 40 == 0
    }

    /// Adds cycles (bus wait states).
    #[inline(always)]
    pub fn plus(self, cycles: u32) -> Done {
        Done(self.0 + u64::from(cycles))
    }

    /// The unpacked form.
    #[inline(always)]
    pub fn retired(self) -> Retired {
        Retired {
            class: self.class(),
            cycles: self.cycles(),
            flow: self.flow(),
        }
    }
}

const FLOW_EXC_RETURN: u64 = 3;

#[inline(always)]
pub(crate) fn retired(class: InstrClass, cycles: u32, flow: Flow) -> Done {
    let f: u64 = match flow {
        Flow::Plain => 0,
        Flow::Call => 1,
        Flow::Return => 2,
        Flow::ExceptionReturn => 3,
        Flow::WaitForInterrupt => 4,
        Flow::WaitForEvent => 5,
    };
    Done(u64::from(cycles) | ((class as u64) << 32) | (f << 40))
}

/// Pipeline refill for a branch to `target` (DDI 0439 §3.3.1: P depends on the target's width
/// and alignment); reads the target's first halfword only when it is not word aligned.
#[inline(always)]
pub(crate) fn refill(t: &crate::timing::Timing, bus: &Bus, target: u32) -> u32 {
    if target & 2 == 0 || t.refill_unaligned_wide == 0 {
        return t.refill;
    }
    t.refill_for(target, bus.peek(target, 2))
}

/// Cycles of an FP instruction (DDI 0439 §7.2.3, Table 7-1): VLDR/VSTR by `Timing::fpu_ldr`,
/// multiple transfers 1 + one per word.
#[inline]
pub(crate) fn fp_cycles(
    t: &crate::timing::Timing,
    op: &crate::fp::FpInstr,
    class: InstrClass,
) -> u32 {
    use crate::fp::FpInstr;
    let words = |dp: bool| if dp { 2 } else { 1 };
    match *op {
        FpInstr::LdSt { dp, .. } => t.fpu_ldr[usize::from(dp)],
        FpInstr::LdStM { dp, count, .. } => t.fpu_load_store + u32::from(count) * words(dp),
        FpInstr::MovCore2 { .. } => 2 * t.fpu_mov,
        FpInstr::MovCore { .. }
        | FpInstr::MovScalar { .. }
        | FpInstr::Vmrs { .. }
        | FpInstr::Vmsr { .. } => t.fpu_mov,
        _ => match class {
            InstrClass::FpuDivSqrt => t.fpu_div_sqrt,
            _ => t.fpu,
        },
    }
}

#[inline(always)]
fn undefined() -> Trap {
    Trap::Fault(Fault::Usage(UsageCause::Undefined))
}

#[inline(always)]
fn dp_of(op: DpOp) -> Dp {
    match op {
        DpOp::And => Dp::And,
        DpOp::Bic => Dp::Bic,
        DpOp::Orr => Dp::Orr,
        DpOp::Orn => Dp::Orn,
        DpOp::Eor => Dp::Eor,
        DpOp::Add => Dp::Add,
        DpOp::Adc => Dp::Adc,
        DpOp::Sub => Dp::Sub,
        DpOp::Sbc => Dp::Sbc,
        DpOp::Rsb => Dp::Rsb,
        DpOp::Mov => Dp::Mov,
        DpOp::Mvn => Dp::Mvn,
        DpOp::Tst => Dp::Tst,
        DpOp::Teq => Dp::Teq,
        DpOp::Cmp => Dp::Cmp,
        DpOp::Cmn => Dp::Cmn,
    }
}

/// The second operand and the shifter carry out.
#[inline(always)]
fn operand2(cpu: &Cpu, op2: Operand2) -> (u32, bool) {
    match op2 {
        Operand2::Imm { value, carry } => (value, carry.unwrap_or(cpu.c)),
        Operand2::Reg { rm, shift, amount } => {
            shift_c(cpu.r[rm as usize], shift, u32::from(amount), cpu.c)
        }
        Operand2::RegShiftedReg { rm, shift, rs } => {
            shift_c(cpu.r[rm as usize], shift, cpu.r[rs as usize] & 0xff, cpu.c)
        }
    }
}

/// Base register value of a load/store: `Align(PC, 4)` for the literal forms.
#[inline(always)]
fn base(cpu: &Cpu, rn: u8) -> u32 {
    if rn == 15 {
        cpu.r[15] & !3
    } else {
        cpu.r[rn as usize]
    }
}

#[inline(always)]
fn offset_value(cpu: &Cpu, off: Offset) -> u32 {
    match off {
        Offset::Imm(i) => u32::from(i),
        Offset::Reg { rm, shift } => cpu.r[rm as usize] << shift,
    }
}

impl Core {
    /// [`Core::execute`] for the run loop: the generic executor is large and runs rarely in
    /// hot loops, so it is called out of line rather than inlined beside the fast forms, and
    /// it returns a plain [`Done`] word (its trap, if any, left in `self.trap` and marked by
    /// [`Done::TRAPPED`]) that the loop keeps in a register.
    #[inline(always)]
    pub(crate) fn execute_generic(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        instr: &Instr,
        pc: u32,
        len: u32,
        in_it: bool,
    ) -> Result<Done, Trap> {
        let d = self.execute_outlined(cpu, bus, instr, pc, len, in_it);
        if d == Done::TRAPPED {
            if let Some(t) = self.trap.take() {
                return Err(t);
            }
        }
        Ok(d)
    }

    /// The out-of-line part of [`Core::execute_generic`].
    #[inline(never)]
    fn execute_outlined(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        instr: &Instr,
        pc: u32,
        len: u32,
        in_it: bool,
    ) -> Done {
        match self.execute(cpu, bus, instr, pc, len, in_it) {
            Ok(d) => d,
            Err(t) => {
                self.trap = Some(t);
                Done::TRAPPED
            }
        }
    }

    /// Executes `instr` at address `pc` of length `len`; `in_it` says whether it is inside an
    /// IT block (its condition already passed). Cycles include the bus wait states.
    #[inline(always)]
    pub(crate) fn execute(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        instr: &Instr,
        pc: u32,
        len: u32,
        in_it: bool,
    ) -> Result<Done, Trap> {
        self.fp_ok = false;
        cpu.r[15] = pc.wrapping_add(4);
        let r = self.body(cpu, bus, instr, pc, pc.wrapping_add(len), in_it);
        // System instructions (MSR, CPS, exception return, ...) may make an exception
        // takeable: the run loop then stops after this instruction (`Bus::next_event`).
        bus.attention();
        match r {
            Ok(d) => {
                let d = d.plus(bus.take_wait());
                if d.plain() || d.0 >> 40 != FLOW_EXC_RETURN {
                    return Ok(d);
                }
                // Exception return clears the local monitor; with SLEEPONEXIT the core sleeps
                // instead of resuming thread code.
                self.monitor = false;
                if crate::exception::sleeps_on_exit(cpu, bus) {
                    Ok(retired(d.class(), d.cycles(), Flow::WaitForInterrupt))
                } else {
                    Ok(d)
                }
            }
            Err(t) => {
                bus.take_wait();
                cpu.r[15] = pc;
                Err(t)
            }
        }
    }

    #[inline(always)]
    fn body(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        instr: &Instr,
        pc: u32,
        next: u32,
        in_it: bool,
    ) -> Result<Done, Trap> {
        let t = &self.timing;
        match *instr {
            Instr::DataProc {
                enc,
                op,
                s,
                rd,
                rn,
                op2,
            } => {
                // 16-bit flag-setting forms do not set flags inside an IT block (A6.7: "setflags
                // = !InITBlock()"); compares always do.
                let setflags = s && !(in_it && !enc.is_wide() && !op.is_compare());
                let (b, sc) = operand2(cpu, op2);
                let a = cpu.r[rn as usize];
                let (r, write) = dp(cpu, dp_of(op), a, b, sc, setflags);
                if write {
                    if rd == 15 {
                        // ALUWritePC = BranchWritePC on M profile.
                        cpu.r[15] = r & !1;
                        let flow = if op == DpOp::Mov && op2 == Operand2::reg(14) {
                            Flow::Return
                        } else {
                            Flow::Plain
                        };
                        let cycles = 1 + refill(t, bus, cpu.r[15]);
                        return Ok(retired(InstrClass::Branch, cycles, flow));
                    }
                    cpu.r[rd as usize] = if rd == 13 { r & !3 } else { r };
                }
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Adr { rd, offset, .. } => {
                cpu.r[rd as usize] = (cpu.r[15] & !3).wrapping_add(offset as u32);
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Movw { rd, imm, .. } => {
                cpu.r[rd as usize] = u32::from(imm);
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Movt { rd, imm, .. } => {
                let r = &mut cpu.r[rd as usize];
                *r = (*r & 0xffff) | (u32::from(imm) << 16);
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Mul { s, rd, rn, rm, .. } => {
                let r = cpu.r[rn as usize].wrapping_mul(cpu.r[rm as usize]);
                cpu.r[rd as usize] = r;
                if s && !in_it {
                    ops::set_nz(cpu, r);
                }
                cpu.r[15] = next;
                Ok(retired(InstrClass::Mul, t.mul, Flow::Plain))
            }
            Instr::Mla {
                sub,
                rd,
                rn,
                rm,
                ra,
                ..
            } => {
                let p = cpu.r[rn as usize].wrapping_mul(cpu.r[rm as usize]);
                let a = cpu.r[ra as usize];
                cpu.r[rd as usize] = if sub {
                    a.wrapping_sub(p)
                } else {
                    a.wrapping_add(p)
                };
                cpu.r[15] = next;
                Ok(retired(InstrClass::Mul, t.mla, Flow::Plain))
            }
            Instr::MulLong {
                op,
                rdlo,
                rdhi,
                rn,
                rm,
                ..
            } => {
                let (n, m) = (cpu.r[rn as usize], cpu.r[rm as usize]);
                let acc = crate::dsp::acc64(&cpu.r, rdlo, rdhi);
                let (r, cycles) = ops::mul_long(op, n, m, acc, t.mul_long, t.mla_long);
                crate::dsp::set64(&mut cpu.r, rdlo, rdhi, r);
                cpu.r[15] = next;
                Ok(retired(InstrClass::MulLong, cycles, Flow::Plain))
            }
            Instr::Div {
                signed, rd, rn, rm, ..
            } => {
                let (n, m) = (cpu.r[rn as usize], cpu.r[rm as usize]);
                if m == 0 && bus.exc.ccr & ccr::DIV_0_TRP != 0 {
                    return Err(Fault::Usage(UsageCause::DivideByZero).into());
                }
                let (r, cycles) = if signed {
                    (
                        alu::sdiv(n, m),
                        t.div((n as i32).unsigned_abs(), (m as i32).unsigned_abs()),
                    )
                } else {
                    (alu::udiv(n, m), t.div(n, m))
                };
                cpu.r[rd as usize] = r;
                cpu.r[15] = next;
                Ok(retired(InstrClass::Div, cycles, Flow::Plain))
            }
            Instr::Bfi {
                rd, rn, lsb, msb, ..
            } => {
                let width = u32::from(msb) - u32::from(lsb) + 1;
                let mask = (((1u64 << width) - 1) as u32) << lsb;
                let src = if rn == 15 {
                    0
                } else {
                    cpu.r[rn as usize] << lsb
                };
                let d = &mut cpu.r[rd as usize];
                *d = (*d & !mask) | (src & mask);
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Bfx {
                signed,
                rd,
                rn,
                lsb,
                width,
                ..
            } => {
                let v = cpu.r[rn as usize];
                let (lsb, width) = (u32::from(lsb), u32::from(width));
                let up = 32 - lsb - width;
                cpu.r[rd as usize] = if signed {
                    (((v << up) as i32) >> (32 - width)) as u32
                } else {
                    (v << up) >> (32 - width)
                };
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Extend {
                signed,
                size,
                rd,
                rm,
                rotation,
                ..
            } => {
                let v = cpu.r[rm as usize].rotate_right(u32::from(rotation));
                cpu.r[rd as usize] = match (size, signed) {
                    (MemSize::Byte, false) => v & 0xff,
                    (MemSize::Byte, true) => v as u8 as i8 as i32 as u32,
                    (_, false) => v & 0xffff,
                    (_, true) => v as u16 as i16 as i32 as u32,
                };
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Clz { rd, rm, .. } => {
                cpu.r[rd as usize] = cpu.r[rm as usize].leading_zeros();
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Rev { op, rd, rm, .. } => {
                cpu.r[rd as usize] = ops::rev(op, cpu.r[rm as usize]);
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Sat {
                signed,
                rd,
                rn,
                sat_bits,
                shift: st,
                amount,
                ..
            } => {
                let v = shift(cpu.r[rn as usize], st, u32::from(amount), cpu.c) as i32;
                cpu.r[rd as usize] = if signed {
                    ops::ssat(cpu, v, u32::from(sat_bits))
                } else {
                    ops::usat(cpu, v, u32::from(sat_bits))
                };
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::Load {
                size,
                signed,
                rt,
                addr: am,
                ..
            } => {
                let (a, wb) = address(
                    base(cpu, am.rn),
                    offset_value(cpu, am.offset),
                    am.add,
                    am.index,
                );
                let v = match size {
                    MemSize::Word => mem::read32(bus, a, Align::Single)?,
                    MemSize::Half => {
                        let h = mem::read16(bus, a, Align::Single)?;
                        if signed {
                            h as u16 as i16 as i32 as u32
                        } else {
                            h
                        }
                    }
                    MemSize::Byte => {
                        let b = mem::read8(bus, a)?;
                        if signed {
                            b as u8 as i8 as i32 as u32
                        } else {
                            b
                        }
                    }
                };
                if am.wback {
                    cpu.r[am.rn as usize] = wb;
                }
                if rt == 15 {
                    // LoadWritePC: a word load to PC must be word aligned (A7.7.43).
                    if a & 3 != 0 {
                        return Err(Fault::Usage(UsageCause::Unaligned).into());
                    }
                    self.ls_next = 1;
                    let mut cycles = t.load;
                    let flow = bx_write_pc(cpu, bus, v, &mut cycles)?;
                    cycles += refill(t, bus, cpu.r[15]);
                    return Ok(retired(InstrClass::Load, cycles, flow));
                }
                cpu.r[rt as usize] = if rt == 13 { v & !3 } else { v };
                cpu.r[15] = next;
                self.ls_addr = a;
                // Pipelines behind the previous load/store unless its address uses that load's
                // result (DDI 0439 §3.3.2).
                let rm = match am.offset {
                    Offset::Reg { rm, .. } => rm,
                    Offset::Imm(_) => 0xFE,
                };
                let cycles = if pc == self.ls_next && am.rn != self.ls_rt && rm != self.ls_rt {
                    t.load_pipelined
                } else {
                    t.load
                };
                self.ls_next = next;
                self.ls_rt = rt;
                Ok(retired(InstrClass::Load, cycles, Flow::Plain))
            }
            Instr::Store {
                size, rt, addr: am, ..
            } => {
                let (a, wb) = address(
                    base(cpu, am.rn),
                    offset_value(cpu, am.offset),
                    am.add,
                    am.index,
                );
                let v = cpu.r[rt as usize];
                match size {
                    MemSize::Word => mem::write32(bus, a, v, Align::Single)?,
                    MemSize::Half => mem::write16(bus, a, v & 0xffff, Align::Single)?,
                    MemSize::Byte => mem::write8(bus, a, v & 0xff)?,
                }
                if am.wback {
                    cpu.r[am.rn as usize] = wb;
                }
                cpu.r[15] = next;
                // Immediate offset: 1, and a following load may pipeline. Register offset: 2,
                // or 1 behind a load it does not depend on; nothing pipelines after it.
                let cycles = match am.offset {
                    Offset::Imm(_) => {
                        self.ls_next = next;
                        self.ls_rt = 0xFF;
                        t.store
                    }
                    Offset::Reg { rm, .. } => {
                        let ls_rt = self.ls_rt;
                        let piped =
                            pc == self.ls_next && ls_rt != 0xFF && am.rn != ls_rt && rm != ls_rt;
                        self.ls_next = 1;
                        if piped {
                            t.load_pipelined
                        } else {
                            t.store_reg
                        }
                    }
                };
                Ok(retired(InstrClass::Store, cycles, Flow::Plain))
            }
            Instr::LoadDual {
                rt, rt2, addr: am, ..
            } => {
                let (a, wb) = address(
                    base(cpu, am.rn),
                    offset_value(cpu, am.offset),
                    am.add,
                    am.index,
                );
                let v1 = mem::read32(bus, a, Align::Strict)?;
                let v2 = mem::read32(bus, a.wrapping_add(4), Align::Strict)?;
                if am.wback {
                    cpu.r[am.rn as usize] = wb;
                }
                cpu.r[rt as usize] = v1;
                cpu.r[rt2 as usize] = v2;
                cpu.r[15] = next;
                Ok(retired(
                    InstrClass::LoadStoreMulti,
                    t.multi_base + 2,
                    Flow::Plain,
                ))
            }
            Instr::StoreDual {
                rt, rt2, addr: am, ..
            } => {
                let (a, wb) = address(
                    base(cpu, am.rn),
                    offset_value(cpu, am.offset),
                    am.add,
                    am.index,
                );
                mem::write32(bus, a, cpu.r[rt as usize], Align::Strict)?;
                mem::write32(bus, a.wrapping_add(4), cpu.r[rt2 as usize], Align::Strict)?;
                if am.wback {
                    cpu.r[am.rn as usize] = wb;
                }
                cpu.r[15] = next;
                Ok(retired(
                    InstrClass::LoadStoreMulti,
                    t.multi_base + 2,
                    Flow::Plain,
                ))
            }
            Instr::LoadExcl {
                size, rt, rn, imm, ..
            } => {
                let a = cpu.r[rn as usize].wrapping_add(u32::from(imm));
                let v = match size {
                    MemSize::Word => mem::read32(bus, a, Align::Strict)?,
                    MemSize::Half => mem::read16(bus, a, Align::Strict)?,
                    MemSize::Byte => mem::read8(bus, a)?,
                };
                self.monitor = true;
                cpu.r[rt as usize] = v;
                cpu.r[15] = next;
                Ok(retired(InstrClass::Load, t.load, Flow::Plain))
            }
            Instr::StoreExcl {
                size,
                rd,
                rt,
                rn,
                imm,
                ..
            } => {
                let a = cpu.r[rn as usize].wrapping_add(u32::from(imm));
                // ExclusiveMonitorsPass checks alignment before the monitor (A3.4.5).
                let align = match size {
                    MemSize::Word => 3,
                    MemSize::Half => 1,
                    MemSize::Byte => 0,
                };
                if a & align != 0 {
                    return Err(Fault::Usage(UsageCause::Unaligned).into());
                }
                let status = if self.monitor {
                    let v = cpu.r[rt as usize];
                    match size {
                        MemSize::Word => mem::write32(bus, a, v, Align::Strict)?,
                        MemSize::Half => mem::write16(bus, a, v & 0xffff, Align::Strict)?,
                        MemSize::Byte => mem::write8(bus, a, v & 0xff)?,
                    }
                    0
                } else {
                    1
                };
                self.monitor = false;
                cpu.r[rd as usize] = status;
                cpu.r[15] = next;
                Ok(retired(InstrClass::Store, t.store, Flow::Plain))
            }
            Instr::Clrex { .. } => {
                self.monitor = false;
                cpu.r[15] = next;
                Ok(retired(InstrClass::System, t.alu, Flow::Plain))
            }
            Instr::Ldm {
                rn,
                list,
                wback,
                db,
                ..
            } => {
                let n = count(list);
                let b = cpu.r[rn as usize];
                let (start, end) = if db {
                    (b.wrapping_sub(4 * n), b.wrapping_sub(4 * n))
                } else {
                    (b, b.wrapping_add(4 * n))
                };
                let mut cycles = t.multi_base + n;
                let flow = ops::load_multiple(
                    cpu,
                    bus,
                    rn as usize,
                    list,
                    start,
                    wback.then_some(end),
                    &mut cycles,
                )?;
                match flow {
                    Some(f) => Ok(retired(
                        InstrClass::LoadStoreMulti,
                        cycles + t.load_pc_extra + refill(t, bus, cpu.r[15]),
                        f,
                    )),
                    None => {
                        cpu.r[15] = next;
                        Ok(retired(InstrClass::LoadStoreMulti, cycles, Flow::Plain))
                    }
                }
            }
            Instr::Stm {
                rn,
                list,
                wback,
                db,
                ..
            } => {
                let n = count(list);
                let b = cpu.r[rn as usize];
                let (start, end) = if db {
                    (b.wrapping_sub(4 * n), b.wrapping_sub(4 * n))
                } else {
                    (b, b.wrapping_add(4 * n))
                };
                ops::store_multiple(cpu, bus, list, start)?;
                if wback {
                    cpu.r[rn as usize] = end;
                }
                cpu.r[15] = next;
                Ok(retired(
                    InstrClass::LoadStoreMulti,
                    t.multi_base + n,
                    Flow::Plain,
                ))
            }
            Instr::Preload { .. } => {
                cpu.r[15] = next;
                Ok(retired(InstrClass::Alu, t.alu, Flow::Plain))
            }
            Instr::B { cond, offset, .. } => {
                let c = cond as u8;
                if c < 14 && !alu::condition_passed(c, cpu.n, cpu.z, cpu.c, cpu.v) {
                    cpu.r[15] = next;
                    return Ok(retired(InstrClass::Skipped, t.alu, Flow::Plain));
                }
                let target = pc.wrapping_add(4).wrapping_add(offset as u32);
                cpu.r[15] = target;
                Ok(retired(
                    InstrClass::Branch,
                    1 + refill(t, bus, target),
                    Flow::Plain,
                ))
            }
            Instr::Bl { offset, .. } => {
                cpu.r[14] = next | 1;
                let target = pc.wrapping_add(4).wrapping_add(offset as u32);
                cpu.r[15] = target;
                let cycles = 1 + t.bl_extra + refill(t, bus, target);
                Ok(retired(InstrClass::Branch, cycles, Flow::Call))
            }
            Instr::Bx { link, rm, .. } => {
                let target = cpu.r[rm as usize];
                let mut cycles = 1 + refill(t, bus, target & !1);
                if link {
                    // BLXWritePC: no exception return through BLX.
                    cpu.r[14] = next | 1;
                    cpu.thumb = target & 1 != 0;
                    if !cpu.thumb {
                        // End the run batch: EPSR.T is checked when a batch starts.
                        bus.exc.dirty = true;
                    }
                    cpu.r[15] = target & !1;
                    return Ok(retired(InstrClass::Branch, cycles, Flow::Call));
                }
                let flow = bx_write_pc(cpu, bus, target, &mut cycles)?;
                let flow = if flow == Flow::Return && rm != 14 {
                    Flow::Plain
                } else {
                    flow
                };
                Ok(retired(InstrClass::Branch, cycles, flow))
            }
            Instr::Cbz {
                nonzero,
                rn,
                offset,
                ..
            } => {
                if (cpu.r[rn as usize] == 0) != nonzero {
                    let target = pc.wrapping_add(4).wrapping_add(u32::from(offset));
                    cpu.r[15] = target;
                    Ok(retired(
                        InstrClass::Branch,
                        1 + refill(t, bus, target),
                        Flow::Plain,
                    ))
                } else {
                    cpu.r[15] = next;
                    Ok(retired(InstrClass::Skipped, t.alu, Flow::Plain))
                }
            }
            Instr::TableBranch { half, rn, rm, .. } => {
                let b = cpu.r[rn as usize];
                let i = cpu.r[rm as usize];
                let v = if half {
                    mem::read16(bus, b.wrapping_add(i << 1), Align::Single)?
                } else {
                    mem::read8(bus, b.wrapping_add(i))?
                };
                let target = pc.wrapping_add(4).wrapping_add(v << 1);
                cpu.r[15] = target;
                Ok(retired(
                    InstrClass::Branch,
                    t.load + refill(t, bus, target),
                    Flow::Plain,
                ))
            }
            Instr::It {
                firstcond, mask, ..
            } => {
                cpu.itstate = (firstcond << 4) | (mask & 0xf);
                cpu.r[15] = next;
                Ok(retired(InstrClass::System, t.alu, Flow::Plain))
            }
            Instr::Hint { hint, .. } => {
                cpu.r[15] = next;
                match hint {
                    Hint::Wfi => Ok(retired(InstrClass::Sleep, t.alu, Flow::WaitForInterrupt)),
                    Hint::Wfe => Ok(retired(InstrClass::Sleep, t.alu, Flow::WaitForEvent)),
                    Hint::Sev => {
                        cpu.event = true;
                        Ok(retired(InstrClass::System, t.alu, Flow::Plain))
                    }
                    Hint::Nop | Hint::Yield | Hint::Dbg(_) | Hint::Unallocated(_) => {
                        Ok(retired(InstrClass::System, t.alu, Flow::Plain))
                    }
                }
            }
            Instr::Barrier { kind, .. } => {
                cpu.r[15] = next;
                let cycles = match kind {
                    // ISB flushes the pipeline (DDI 0439 §3.3.1: ISB 1 + P).
                    Barrier::Isb => t.barrier + t.refill,
                    Barrier::Dsb | Barrier::Dmb => t.barrier,
                };
                Ok(retired(InstrClass::System, cycles, Flow::Plain))
            }
            Instr::Mrs { rd, sysm, .. } => {
                cpu.r[rd as usize] = sys::mrs(cpu, sysm, self.fpu != FpuKind::None);
                cpu.r[15] = next;
                Ok(retired(InstrClass::System, t.system, Flow::Plain))
            }
            Instr::Msr { rn, sysm, mask, .. } => {
                let v = cpu.r[rn as usize];
                sys::msr(
                    cpu,
                    bus,
                    sysm,
                    mask,
                    v,
                    self.arch == Arch::V7EM,
                    self.fpu != FpuKind::None,
                );
                cpu.r[15] = next;
                Ok(retired(InstrClass::System, t.system, Flow::Plain))
            }
            Instr::Cps { disable, i, f, .. } => {
                sys::cps(cpu, bus, !disable, i, f);
                cpu.r[15] = next;
                Ok(retired(InstrClass::System, t.system, Flow::Plain))
            }
            Instr::Svc { .. } => {
                cpu.r[15] = next;
                // SVCall escalates to HardFault when it cannot preempt (B1.5.6).
                if bus.exc.pend_svc(cpu) == FaultOutcome::Lockup {
                    cpu.lockup = true;
                }
                Ok(retired(InstrClass::System, t.alu, Flow::Plain))
            }
            Instr::Bkpt { imm, .. } => Err(Trap::Breakpoint(imm)),
            Instr::Undefined {
                reason: UndefReason::NotInFpu,
                ..
            } if !crate::exception::fp_access_allowed(cpu, bus) => {
                Err(Fault::Usage(UsageCause::NoCoprocessor).into())
            }
            Instr::Udf { .. } | Instr::Undefined { .. } => Err(undefined()),
            Instr::Dsp { op, .. } => {
                crate::dsp::execute(&op, cpu)?;
                cpu.r[15] = next;
                Ok(retired(InstrClass::Dsp, t.dsp, Flow::Plain))
            }
            Instr::Fp { op, .. } => {
                // fp::execute expects r15 = the instruction's address (its module doc, afa13ee).
                cpu.r[15] = pc;
                let lazy = bus.exc.fpccr & crate::exception::fpccr::LSPACT;
                let class = crate::fp::execute(&op, cpu, bus)?;
                cpu.r[15] = next;
                let mut cycles = fp_cycles(t, &op, class);
                if lazy != 0 && bus.exc.fpccr & crate::exception::fpccr::LSPACT == 0 {
                    // This instruction triggered lazy state preservation.
                    cycles += t.fp_lazy_preserve;
                }
                Ok(retired(class, cycles, Flow::Plain))
            }
            // No Cortex-M core has a coprocessor other than the FPU (CP10/CP11).
            Instr::Coproc { .. } => Err(Fault::Usage(UsageCause::NoCoprocessor).into()),
        }
    }
}

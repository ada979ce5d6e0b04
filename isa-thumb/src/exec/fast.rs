//! Fast forms of the hottest instructions: when the decode cache stores an instruction it also
//! lowers it to a [`Fast`] form when the instruction is one of the common shapes of compiled
//! loops (data processing without PC, SP frame adjustments, single, dual and multiple loads
//! and stores without PC, branches, BL and BX LR, CBZ, IT, the multiplies,
//! bitfield/extend/saturate, every DSP-extension instruction, and the FP forms of
//! `crate::fp::lower`). A fast form is the same instruction with every decode-time choice
//! already made (operand kind, operation, flag setting, literal address, branch target), so
//! executing it is one dispatch instead of the nested matches of the generic executor. The DSP
//! forms call the same per-instruction functions of `crate::dsp` as the generic executor.
//!
//! Code layout matters here: this dispatch is inlined into the run loop, and the generic
//! executor is called out of line (`Core::execute_generic`) so that it does not crowd the fast
//! forms' registers. New variants go last in [`Fast`] and in its match: placed first, they
//! have moved unrelated loops by a few percent.
//!
//! Contract: outside an IT block, executing a fast form leaves the CPU, the bus and the core in
//! exactly the state the generic executor (`Core::execute`) leaves them, and returns the same
//! [`Done`] or [`Trap`] — cycles, class and flow included. The property test
//! `fast_forms_equal_the_generic_executor` in this file checks that on random instructions and
//! states; a change of the generic executor's semantics or cycle costs must be mirrored here.
//! Inside an IT block, once the condition passed, the forms of [`Fast::same_in_it`] run as
//! outside it and the others take the generic executor (flag suppression); [`Fast::props`]
//! is the one table of such per-form properties.

use super::mem::{self, Align};
use super::ops::{self, count};
use super::{dp_of, refill, retired, Done};
use crate::alu::{self, add_with_carry, shift_c};
use crate::dsp::{self, DspInstr, ExtOp, QOp, NO_REG};
use crate::instr::{Cond, DpOp, Instr, MemSize, MulLongOp, Offset, Operand2, RevOp, ShiftType};
use crate::thumb::Core;
use crate::timing::Timing;
use sim_core::board::RegionKind;
use sim_core::cpu::Mode;
use sim_core::isa::{Flow, InstrClass};
use sim_core::{Bus, Cpu, Trap};

/// An instruction lowered for the fast path (see the module documentation). Registers are
/// never 13 or 15 unless said so; `Generic` means "run the generic executor".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fast {
    /// No fast form.
    Generic,
    /// An FP instruction's fast form ([`crate::fp::lower`]), its class and cycles.
    Fp {
        op: crate::fp::lower::FpFast,
        class: InstrClass,
        cycles: u8,
    },
    /// rd = rn + imm (SUB folded as the negated immediate), flags unchanged.
    AddImm { rd: u8, rn: u8, imm: u32 },
    /// rd = imm - rn, flags unchanged.
    RsbImm { rd: u8, rn: u8, imm: u32 },
    /// rd = rn & imm (BIC folded as the inverted immediate), flags unchanged.
    AndImm { rd: u8, rn: u8, imm: u32 },
    /// rd = rn | imm, flags unchanged.
    OrrImm { rd: u8, rn: u8, imm: u32 },
    /// rd = rn ^ imm, flags unchanged.
    EorImm { rd: u8, rn: u8, imm: u32 },
    /// rd = imm (MVN folded), flags unchanged.
    MovImm { rd: u8, imm: u32 },
    /// rd = imm; N and Z set from it, C and V unchanged (MOVS without a rotated immediate).
    MovsImm { rd: u8, imm: u32 },
    /// rd = rn + rm, flags unchanged.
    AddReg { rd: u8, rn: u8, rm: u8 },
    /// rd = rn - rm, flags unchanged.
    SubReg { rd: u8, rn: u8, rm: u8 },
    /// rd = rm, flags unchanged.
    MovReg { rd: u8, rm: u8 },
    /// rd = rn OP (rm SHIFT amount), flags unchanged (logical and arithmetic ops).
    ShiftedReg {
        op: DpOp,
        rd: u8,
        rn: u8,
        rm: u8,
        shift: ShiftType,
        amount: u8,
    },
    /// rd = rn + imm with NZCV (rd = 16: compare only, CMN).
    AddsImm { rd: u8, rn: u8, imm: u32 },
    /// rd = rn - imm with NZCV (rd = 16: compare only, CMP).
    SubsImm { rd: u8, rn: u8, imm: u32 },
    /// rd = rn + rm with NZCV (rd = 16: CMN).
    AddsReg { rd: u8, rn: u8, rm: u8 },
    /// rd = rn - rm with NZCV (rd = 16: CMP).
    SubsReg { rd: u8, rn: u8, rm: u8 },
    /// B: unconditional, to a resolved target.
    B {
        target: u32,
        /// Cycles when taken (1 + refill for this target), or 0: compute them at run time.
        taken: u8,
    },
    /// B<cond>: to a resolved target when `cond` passes.
    BCond {
        cond: u8,
        target: u32,
        /// As in [`Fast::B`].
        taken: u8,
    },
    /// CBZ/CBNZ rn to a resolved target (`taken` as in [`Fast::B`]).
    Cbz {
        nonzero: bool,
        rn: u8,
        target: u32,
        taken: u8,
    },
    /// IT: ITSTATE = `state`.
    It { state: u8 },
    /// LDR rt, \[rn, #imm\] (any size; `signed` sign-extends).
    LoadImm {
        size: MemSize,
        signed: bool,
        rt: u8,
        rn: u8,
        imm: u32,
    },
    /// LDR rt, \[rn, rm, LSL #shift\].
    LoadReg {
        size: MemSize,
        signed: bool,
        rt: u8,
        rn: u8,
        rm: u8,
        shift: u8,
    },
    /// LDR rt, \[rn, #off\]! or \[rn\], #off (`index` = pre-indexed).
    LoadWb {
        size: MemSize,
        signed: bool,
        rt: u8,
        rn: u8,
        off: u32,
        index: bool,
    },
    /// LDR rt, =literal: the address resolved at decode time.
    LoadLit { rt: u8, addr: u32 },
    /// STR rt, \[rn, #imm\].
    StoreImm {
        size: MemSize,
        rt: u8,
        rn: u8,
        imm: u32,
    },
    /// STR rt, \[rn, rm, LSL #shift\].
    StoreReg {
        size: MemSize,
        rt: u8,
        rn: u8,
        rm: u8,
        shift: u8,
    },
    /// STR rt, \[rn, #off\]! or \[rn\], #off.
    StoreWb {
        size: MemSize,
        rt: u8,
        rn: u8,
        off: u32,
        index: bool,
    },
    /// rd = ra + rn * rm (MLA) or ra - rn * rm (MLS).
    Mla {
        sub: bool,
        rd: u8,
        rn: u8,
        rm: u8,
        ra: u8,
    },
    /// rd = rn * rm, flags unchanged.
    Mul { rd: u8, rn: u8, rm: u8 },
    /// SXTB16 rd, rm, ROR #rot.
    Sxtb16 { rd: u8, rm: u8, rot: u8 },
    /// SXTAB16 rd, rn, rm, ROR #rot.
    Sxtab16 { rd: u8, rn: u8, rm: u8, rot: u8 },
    /// SMLAD rd, rn, rm, ra (no exchange); Q on overflow.
    Smlad { rd: u8, rn: u8, rm: u8, ra: u8 },
    /// SMLA<x><y> rd, rn, rm, ra (`nt`/`mt`: top halves); Q on overflow.
    Smla {
        nt: bool,
        mt: bool,
        rd: u8,
        rn: u8,
        rm: u8,
        ra: u8,
    },
    /// SMUL<x><y> rd, rn, rm.
    Smul {
        nt: bool,
        mt: bool,
        rd: u8,
        rn: u8,
        rm: u8,
    },
    /// A parallel add/subtract (SADD16, QADD8, SHSUB16, USUB8, UHADD8, ...): `f` indexes
    /// `dsp::PARALLEL` (see `dsp::parallel_index`); the S and U kinds set GE.
    Parallel { f: u8, rd: u8, rn: u8, rm: u8 },
    /// QADD/QSUB/QDADD/QDSUB rd, rm, rn; Q on saturation.
    Q32 { op: QOp, rd: u8, rn: u8, rm: u8 },
    /// SEL rd, rn, rm (bytes by GE).
    Sel { rd: u8, rn: u8, rm: u8 },
    /// The other extend-and-add forms (SXTAH, UXTAH, SXTAB, UXTAB, UXTAB16, UXTB16; `rn` =
    /// `NO_REG` adds 0).
    DspExtend {
        op: ExtOp,
        rd: u8,
        rn: u8,
        rm: u8,
        rot: u8,
    },
    /// PKHBT rd, rn, rm, LSL #shift.
    PkhBt { rd: u8, rn: u8, rm: u8, shift: u8 },
    /// PKHTB rd, rn, rm, ASR #shift (0 meaning 32).
    PkhTb { rd: u8, rn: u8, rm: u8, shift: u8 },
    /// SSAT16/USAT16 rd, #sat, rn; Q on saturation.
    Sat16 {
        unsigned: bool,
        rd: u8,
        rn: u8,
        sat: u8,
    },
    /// SMLAW<y>/SMULW<y> (`ra` = `NO_REG`).
    Smlaw {
        mt: bool,
        rd: u8,
        rn: u8,
        rm: u8,
        ra: u8,
    },
    /// The other SMLAD/SMLSD/SMUAD/SMUSD forms (X, subtract, no accumulator: `ra` = `NO_REG`).
    SmladAny {
        sub: bool,
        x: bool,
        rd: u8,
        rn: u8,
        rm: u8,
        ra: u8,
    },
    /// SMMUL/SMMLA/SMMLS(R) (`ra` = `NO_REG`: SMMUL).
    Smmla {
        sub: bool,
        round: bool,
        rd: u8,
        rn: u8,
        rm: u8,
        ra: u8,
    },
    /// USADA8/USAD8 (`ra` = `NO_REG`).
    Usada8 { rd: u8, rn: u8, rm: u8, ra: u8 },
    /// SMLAL<x><y> rdlo, rdhi, rn, rm.
    Smlalxy {
        nt: bool,
        mt: bool,
        rdlo: u8,
        rdhi: u8,
        rn: u8,
        rm: u8,
    },
    /// SMLALD(X)/SMLSLD(X) rdlo, rdhi, rn, rm.
    Smlald {
        sub: bool,
        x: bool,
        rdlo: u8,
        rdhi: u8,
        rn: u8,
        rm: u8,
    },
    /// UMAAL rdlo, rdhi, rn, rm.
    Umaal { rdlo: u8, rdhi: u8, rn: u8, rm: u8 },
    /// UMULL/SMULL/UMLAL/SMLAL rdlo, rdhi, rn, rm.
    MulLong {
        op: MulLongOp,
        rdlo: u8,
        rdhi: u8,
        rn: u8,
        rm: u8,
    },
    /// MULS rd, rn, rm: N and Z from the result.
    Muls { rd: u8, rn: u8, rm: u8 },
    /// BFI rd, rn, #lsb, #width: `mask` is the field (BFC is lowered to [`Fast::AndImm`]).
    Bfi { rd: u8, rn: u8, lsb: u8, mask: u32 },
    /// SBFX/UBFX rd, rn: (rn << up) >> down, arithmetic when `signed`.
    Bfx {
        signed: bool,
        rd: u8,
        rn: u8,
        up: u8,
        down: u8,
    },
    /// SXTB/SXTH/UXTB/UXTH rd, rm, ROR #rot (UXTB/UXTH without rotation are [`Fast::AndImm`]).
    Ext {
        signed: bool,
        half: bool,
        rd: u8,
        rm: u8,
        rot: u8,
    },
    /// CLZ rd, rm.
    Clz { rd: u8, rm: u8 },
    /// REV/REV16/REVSH/RBIT rd, rm.
    Rev { op: RevOp, rd: u8, rm: u8 },
    /// SSAT/USAT rd, #bits, rn, shift #amount; Q on saturation.
    Sat {
        signed: bool,
        rd: u8,
        rn: u8,
        bits: u8,
        shift: ShiftType,
        amount: u8,
    },
    /// MOVT rd, #imm.
    Movt { rd: u8, imm: u16 },
    /// Any other data processing on a register with an immediate shift (flag setting when
    /// `s`; compares write nothing): the generic executor's `ops::dp`.
    Dp {
        op: DpOp,
        s: bool,
        rd: u8,
        rn: u8,
        rm: u8,
        shift: ShiftType,
        amount: u8,
    },
    /// Data processing with a register-shifted register (LSL/LSR/ASR/ROR rd, rm, rs).
    DpRs {
        op: DpOp,
        s: bool,
        rd: u8,
        rn: u8,
        rm: u8,
        rs: u8,
        shift: ShiftType,
    },
    /// Flag-setting data processing with an immediate whose expansion leaves C alone (ANDS,
    /// TST, ORRS, EORS, BICS, ADCS, SBCS, RSBS, ...): `ops::dp`.
    DpsImm { op: DpOp, rd: u8, rn: u8, imm: u32 },
    /// LDRD rt, rt2, \[rn, #off\] (`index`: pre-indexed; `wback`: write rn back).
    LoadDual {
        rt: u8,
        rt2: u8,
        rn: u8,
        index: bool,
        wback: bool,
        off: i16,
    },
    /// STRD rt, rt2, \[rn, #off\] (as [`Fast::LoadDual`]).
    StoreDual {
        rt: u8,
        rt2: u8,
        rn: u8,
        index: bool,
        wback: bool,
        off: i16,
    },
    /// LDM/STM/PUSH/POP without PC (`db`: decrement before).
    Multi {
        store: bool,
        rn: u8,
        wback: bool,
        db: bool,
        list: u16,
    },
    /// SP = (SP + imm) with bits 1:0 cleared (ADD/SUB SP, SP, #imm: frames), flags unchanged.
    AddSpImm { imm: u32 },
    /// BL: LR = the next instruction (Thumb bit set), a call to a resolved target (`taken`:
    /// its cycles when fixed at decode, else 0).
    Bl { target: u32, taken: u8 },
    /// BX LR: a return to LR when it is a Thumb address and not an EXC_RETURN in Handler
    /// mode (those run the generic executor).
    BxLr,
    /// The two hottest FP forms of float kernels with a variant of their own (one dispatch
    /// instead of `Fp`'s two): VFMA/VFMS/VFNMA/VFNMS.F32 ([`crate::fp::lower::fused`]) ...
    FpFused {
        d: u8,
        n: u8,
        m: u8,
        neg_d: bool,
        neg_n: bool,
        cycles: u8,
    },
    /// ... and VLDR of an S register ([`crate::fp::lower::ldr`]).
    FpLdr { s: u8, rn: u8, off: i16, cycles: u8 },
}

/// A register a fast form may write as a plain value (not SP, whose bits 1:0 are forced to
/// zero, and not PC).
fn plain(r: u8) -> bool {
    r < 13 || r == 14
}

/// A register a fast form may read as a plain value (not PC, which reads as address + 4).
fn readable(r: u8) -> bool {
    r < 15
}

/// An immediate offset as the value added to the base (`add` false: its negation).
fn offset(add: bool, i: u16) -> u32 {
    if add {
        u32::from(i)
    } else {
        u32::from(i).wrapping_neg()
    }
}

/// The immediate value of an operand that is an immediate whose carry-out does not matter.
fn imm_value(op2: Operand2) -> Option<u32> {
    match op2 {
        Operand2::Imm { value, .. } => Some(value),
        _ => None,
    }
}

/// The register of an unshifted register operand.
fn reg_value(op2: Operand2) -> Option<u8> {
    match op2 {
        Operand2::Reg {
            rm,
            shift: ShiftType::Lsl,
            amount: 0,
        } if readable(rm) => Some(rm),
        _ => None,
    }
}

/// What the engines need to know of a fast form, as data: one row per variant in
/// [`Fast::props`] (the interpreter's IT path and the block engine read the same row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Props {
    /// The form does inside an IT block (condition passed) exactly what it does outside.
    /// Not so for the flag-setting forms, which may come from 16-bit encodings that set no
    /// flags inside an IT block (ARMv7-M A7.3.3): those run the generic executor there.
    pub(crate) same_in_it: bool,
    /// The form may write SP (the stack marks look at SP after it). Every other form writes
    /// only registers that [`lower`] checked to be neither SP nor PC, or none at all.
    pub(crate) may_write_sp: bool,
    /// The form may leave the straight line: it may write PC (branches, BL, BX LR), or it is
    /// [`Fast::Generic`] (the generic executor may do anything). It ends a block.
    pub(crate) ends_block: bool,
}

impl Fast {
    /// The form's properties (see [`Props`]). Every variant has its own row and no
    /// wildcard: a new variant does not compile until it is classified.
    pub(crate) fn props(&self) -> Props {
        // (same_in_it, may_write_sp, ends_block)
        let (same_in_it, may_write_sp, ends_block) = match *self {
            Fast::Generic => (false, true, true),
            Fast::Fp { ref op, .. } => (true, fp_may_write_sp(op), false),
            Fast::AddImm { .. }
            | Fast::RsbImm { .. }
            | Fast::AndImm { .. }
            | Fast::OrrImm { .. }
            | Fast::EorImm { .. }
            | Fast::MovImm { .. }
            | Fast::AddReg { .. }
            | Fast::SubReg { .. }
            | Fast::MovReg { .. }
            | Fast::ShiftedReg { .. } => (true, false, false),
            Fast::MovsImm { .. }
            | Fast::AddsImm { .. }
            | Fast::SubsImm { .. }
            | Fast::AddsReg { .. }
            | Fast::SubsReg { .. }
            | Fast::Muls { .. }
            | Fast::DpsImm { .. } => (false, false, false),
            Fast::Dp { s, .. } | Fast::DpRs { s, .. } => (!s, false, false),
            Fast::B { .. } | Fast::BCond { .. } | Fast::Cbz { .. } => (false, false, true),
            // IT inside an IT block is UNPREDICTABLE: the generic executor decides.
            Fast::It { .. } => (false, false, false),
            Fast::LoadImm { .. }
            | Fast::LoadReg { .. }
            | Fast::LoadLit { .. }
            | Fast::StoreImm { .. }
            | Fast::StoreReg { .. } => (true, false, false),
            Fast::LoadWb { rn, .. } | Fast::StoreWb { rn, .. } => (true, rn == 13, false),
            Fast::LoadDual { rn, wback, .. }
            | Fast::StoreDual { rn, wback, .. }
            | Fast::Multi { rn, wback, .. } => (true, wback && rn == 13, false),
            Fast::Mla { .. }
            | Fast::Mul { .. }
            | Fast::Sxtb16 { .. }
            | Fast::Sxtab16 { .. }
            | Fast::Smlad { .. }
            | Fast::Smla { .. }
            | Fast::Smul { .. }
            | Fast::Parallel { .. }
            | Fast::Q32 { .. }
            | Fast::Sel { .. }
            | Fast::DspExtend { .. }
            | Fast::PkhBt { .. }
            | Fast::PkhTb { .. }
            | Fast::Sat16 { .. }
            | Fast::Smlaw { .. }
            | Fast::SmladAny { .. }
            | Fast::Smmla { .. }
            | Fast::Usada8 { .. }
            | Fast::Smlalxy { .. }
            | Fast::Smlald { .. }
            | Fast::Umaal { .. }
            | Fast::MulLong { .. }
            | Fast::Bfi { .. }
            | Fast::Bfx { .. }
            | Fast::Ext { .. }
            | Fast::Clz { .. }
            | Fast::Rev { .. }
            | Fast::Sat { .. }
            | Fast::Movt { .. }
            | Fast::FpFused { .. }
            | Fast::FpLdr { .. } => (true, false, false),
            Fast::AddSpImm { .. } => (true, true, false),
            Fast::Bl { .. } | Fast::BxLr => (true, false, true),
        };
        Props {
            same_in_it,
            may_write_sp,
            ends_block,
        }
    }

    /// Whether this form does inside an IT block (condition passed) exactly what it does
    /// outside ([`Props::same_in_it`]).
    #[inline]
    pub(crate) fn same_in_it(&self) -> bool {
        self.props().same_in_it
    }
}

/// Whether an FP form may write SP: VPUSH/VPOP (writeback to SP); VMOV to a core register
/// never targets SP (`crate::fp::lower`); `Compute` runs any register-only instruction and
/// is taken as writing it.
fn fp_may_write_sp(op: &crate::fp::lower::FpFast) -> bool {
    use crate::fp::lower::FpFast;
    match *op {
        FpFast::LdStM { rn, wback, .. } => wback && rn == 13,
        FpFast::Compute => true,
        FpFast::Ldr { .. }
        | FpFast::Str { .. }
        | FpFast::LdSt { .. }
        | FpFast::LdLit { .. }
        | FpFast::ToCore { .. }
        | FpFast::FromCore { .. }
        | FpFast::Flags
        | FpFast::Add { .. }
        | FpFast::Mul { .. }
        | FpFast::Fused { .. }
        | FpFast::Mac { .. }
        | FpFast::Bits { .. }
        | FpFast::Imm { .. }
        | FpFast::Bin64 { .. }
        | FpFast::Bin32 { .. } => false,
    }
}

/// Lowers `instr` (at `pc`) to its fast form, or [`Fast::Generic`].
pub(crate) fn lower(instr: &Instr, pc: u32, bus: &Bus, t: &Timing) -> Fast {
    lower_inner(instr, pc, bus, t).unwrap_or(Fast::Generic)
}

/// The cycles of a taken branch to `target` when they can be fixed at decode time: the target
/// is in flash (its width and alignment, which set the refill, cannot change while the
/// decode cache holds this branch); otherwise 0 (computed when the branch executes).
fn taken_cycles(bus: &Bus, t: &Timing, target: u32) -> u8 {
    let in_flash = bus
        .map
        .find(target, 2)
        .is_some_and(|(i, _)| bus.map.regions[i].kind == RegionKind::Flash);
    if in_flash {
        u8::try_from(1 + refill(t, bus, target)).unwrap_or(0)
    } else {
        0
    }
}

fn lower_inner(instr: &Instr, pc: u32, bus: &Bus, t: &Timing) -> Option<Fast> {
    Some(match *instr {
        Instr::Fp { ref op, .. } if bus.exc.has_fpu => {
            use crate::fp::lower::FpFast;
            match crate::fp::lower::lower(op, pc, t)? {
                (
                    FpFast::Fused {
                        d,
                        n,
                        m,
                        neg_d,
                        neg_n,
                    },
                    _,
                    cycles,
                ) => Fast::FpFused {
                    d,
                    n,
                    m,
                    neg_d,
                    neg_n,
                    cycles,
                },
                (FpFast::Ldr { s, rn, off }, _, cycles) => Fast::FpLdr { s, rn, off, cycles },
                (op, class, cycles) => Fast::Fp { op, class, cycles },
            }
        }
        Instr::DataProc {
            op, s, rd, rn, op2, ..
        } => lower_dp(op, s, rd, rn, op2)?,
        Instr::B { cond, offset, .. } => {
            let target = pc.wrapping_add(4).wrapping_add(offset as u32);
            let taken = taken_cycles(bus, t, target);
            if cond == Cond::Al {
                Fast::B { target, taken }
            } else {
                Fast::BCond {
                    cond: cond as u8,
                    target,
                    taken,
                }
            }
        }
        Instr::Bl { offset, .. } => {
            let target = pc.wrapping_add(4).wrapping_add(offset as u32);
            let taken = match taken_cycles(bus, t, target) {
                0 => 0,
                c => u8::try_from(u32::from(c) + t.bl_extra).unwrap_or(0),
            };
            Fast::Bl { target, taken }
        }
        Instr::Bx {
            link: false,
            rm: 14,
            ..
        } => Fast::BxLr,
        Instr::Cbz {
            nonzero,
            rn,
            offset,
            ..
        } if readable(rn) => {
            let target = pc.wrapping_add(4).wrapping_add(u32::from(offset));
            Fast::Cbz {
                nonzero,
                rn,
                target,
                taken: taken_cycles(bus, t, target),
            }
        }
        Instr::It {
            firstcond, mask, ..
        } => Fast::It {
            state: (firstcond << 4) | (mask & 0xf),
        },
        Instr::Load {
            size,
            signed,
            rt,
            addr: am,
            ..
        } => {
            if !plain(rt) {
                return None;
            }
            match am.offset {
                Offset::Imm(i) if am.rn == 15 => {
                    if am.wback || !am.index {
                        return None;
                    }
                    let base = pc.wrapping_add(4) & !3;
                    let addr = base.wrapping_add(offset(am.add, i));
                    if size != MemSize::Word {
                        return None;
                    }
                    Fast::LoadLit { rt, addr }
                }
                _ if !readable(am.rn) => return None,
                Offset::Imm(i) if am.index && !am.wback => Fast::LoadImm {
                    size,
                    signed,
                    rt,
                    rn: am.rn,
                    imm: offset(am.add, i),
                },
                Offset::Imm(i) if am.wback && rt != am.rn => Fast::LoadWb {
                    size,
                    signed,
                    rt,
                    rn: am.rn,
                    off: offset(am.add, i),
                    index: am.index,
                },
                Offset::Reg { rm, shift } if am.index && !am.wback && am.add && readable(rm) => {
                    Fast::LoadReg {
                        size,
                        signed,
                        rt,
                        rn: am.rn,
                        rm,
                        shift,
                    }
                }
                _ => return None,
            }
        }
        Instr::Store {
            size, rt, addr: am, ..
        } => {
            if !readable(rt) || !readable(am.rn) {
                return None;
            }
            match am.offset {
                Offset::Imm(i) if am.index && !am.wback => Fast::StoreImm {
                    size,
                    rt,
                    rn: am.rn,
                    imm: offset(am.add, i),
                },
                Offset::Imm(i) if am.wback && rt != am.rn => Fast::StoreWb {
                    size,
                    rt,
                    rn: am.rn,
                    off: offset(am.add, i),
                    index: am.index,
                },
                Offset::Reg { rm, shift } if am.index && !am.wback && am.add && readable(rm) => {
                    Fast::StoreReg {
                        size,
                        rt,
                        rn: am.rn,
                        rm,
                        shift,
                    }
                }
                _ => return None,
            }
        }
        Instr::Mla {
            sub,
            rd,
            rn,
            rm,
            ra,
            ..
        } if plain(rd) && readable(rn) && readable(rm) && readable(ra) => Fast::Mla {
            sub,
            rd,
            rn,
            rm,
            ra,
        },
        Instr::Mul {
            s: false,
            rd,
            rn,
            rm,
            ..
        } if plain(rd) && readable(rn) && readable(rm) => Fast::Mul { rd, rn, rm },
        Instr::Mul {
            s: true,
            rd,
            rn,
            rm,
            ..
        } if plain(rd) && readable(rn) && readable(rm) => Fast::Muls { rd, rn, rm },
        Instr::MulLong {
            op,
            rdlo,
            rdhi,
            rn,
            rm,
            ..
        } if plain(rdlo) && plain(rdhi) && readable(rn) && readable(rm) => Fast::MulLong {
            op,
            rdlo,
            rdhi,
            rn,
            rm,
        },
        Instr::Bfi {
            rd, rn, lsb, msb, ..
        } if plain(rd) && msb >= lsb && msb < 32 => {
            let width = u32::from(msb) - u32::from(lsb) + 1;
            let mask = (((1u64 << width) - 1) as u32) << lsb;
            if rn == 15 {
                // BFC: the generic executor inserts zeros.
                Fast::AndImm {
                    rd,
                    rn: rd,
                    imm: !mask,
                }
            } else if readable(rn) {
                Fast::Bfi { rd, rn, lsb, mask }
            } else {
                return None;
            }
        }
        Instr::Bfx {
            signed,
            rd,
            rn,
            lsb,
            width,
            ..
        } if plain(rd) && readable(rn) && width >= 1 && u32::from(lsb) + u32::from(width) <= 32 => {
            Fast::Bfx {
                signed,
                rd,
                rn,
                up: 32 - lsb - width,
                down: 32 - width,
            }
        }
        Instr::Extend {
            signed,
            size,
            rd,
            rm,
            rotation,
            ..
        } if plain(rd) && readable(rm) => {
            let half = size != MemSize::Byte;
            if !signed && rotation == 0 {
                Fast::AndImm {
                    rd,
                    rn: rm,
                    imm: if half { 0xffff } else { 0xff },
                }
            } else {
                Fast::Ext {
                    signed,
                    half,
                    rd,
                    rm,
                    rot: rotation,
                }
            }
        }
        Instr::Clz { rd, rm, .. } if plain(rd) && readable(rm) => Fast::Clz { rd, rm },
        Instr::Rev { op, rd, rm, .. } if plain(rd) && readable(rm) => Fast::Rev { op, rd, rm },
        Instr::Sat {
            signed,
            rd,
            rn,
            sat_bits,
            shift,
            amount,
            ..
        } if plain(rd) && readable(rn) => Fast::Sat {
            signed,
            rd,
            rn,
            bits: sat_bits,
            shift,
            amount,
        },
        Instr::Movw { rd, imm, .. } if plain(rd) => Fast::MovImm {
            rd,
            imm: u32::from(imm),
        },
        Instr::Movt { rd, imm, .. } if plain(rd) => Fast::Movt { rd, imm },
        Instr::Adr { rd, offset, .. } if plain(rd) => Fast::MovImm {
            rd,
            imm: (pc.wrapping_add(4) & !3).wrapping_add(offset as u32),
        },
        Instr::LoadDual {
            rt, rt2, addr: am, ..
        } => lower_dual(false, rt, rt2, am)?,
        Instr::StoreDual {
            rt, rt2, addr: am, ..
        } => lower_dual(true, rt, rt2, am)?,
        Instr::Ldm {
            rn,
            list,
            wback,
            db,
            ..
        } if readable(rn) && list & 0x8000 == 0 => Fast::Multi {
            store: false,
            rn,
            wback,
            db,
            list,
        },
        Instr::Stm {
            rn,
            list,
            wback,
            db,
            ..
        } if readable(rn) && list & 0x8000 == 0 => Fast::Multi {
            store: true,
            rn,
            wback,
            db,
            list,
        },
        Instr::Dsp { op, .. } => lower_dsp(op)?,
        _ => return None,
    })
}

/// LDRD/STRD with an immediate offset and a base other than PC.
fn lower_dual(store: bool, rt: u8, rt2: u8, am: crate::instr::AddrMode) -> Option<Fast> {
    let regs_ok = if store {
        readable(rt) && readable(rt2)
    } else {
        plain(rt) && plain(rt2)
    };
    match am.offset {
        Offset::Imm(i) if regs_ok && readable(am.rn) => {
            let (rn, index, wback) = (am.rn, am.index, am.wback);
            let off = i16::try_from(offset(am.add, i) as i32).ok()?;
            Some(if store {
                Fast::StoreDual {
                    rt,
                    rt2,
                    rn,
                    index,
                    wback,
                    off,
                }
            } else {
                Fast::LoadDual {
                    rt,
                    rt2,
                    rn,
                    index,
                    wback,
                    off,
                }
            })
        }
        _ => None,
    }
}

/// An accumulator operand: a readable register or `NO_REG` (no accumulator).
fn acc_ok(ra: u8) -> bool {
    ra == NO_REG || readable(ra)
}

fn lower_dsp(op: DspInstr) -> Option<Fast> {
    Some(match op {
        DspInstr::Extend {
            op: ExtOp::Sxtab16,
            rd,
            rn,
            rm,
            rot,
        } if plain(rd) && readable(rm) => {
            if rn == NO_REG {
                Fast::Sxtb16 { rd, rm, rot }
            } else {
                Fast::Sxtab16 { rd, rn, rm, rot }
            }
        }
        DspInstr::Extend {
            op,
            rd,
            rn,
            rm,
            rot,
        } if plain(rd) && readable(rm) && acc_ok(rn) => Fast::DspExtend {
            op,
            rd,
            rn,
            rm,
            rot,
        },
        DspInstr::Smlad {
            sub: false,
            x: false,
            rd,
            rn,
            rm,
            ra,
        } if plain(rd) && readable(rn) && readable(rm) && readable(ra) => {
            Fast::Smlad { rd, rn, rm, ra }
        }
        DspInstr::Smlad {
            sub,
            x,
            rd,
            rn,
            rm,
            ra,
        } if plain(rd) && readable(rn) && readable(rm) && acc_ok(ra) => Fast::SmladAny {
            sub,
            x,
            rd,
            rn,
            rm,
            ra,
        },
        DspInstr::Smla {
            nt,
            mt,
            rd,
            rn,
            rm,
            ra,
        } if plain(rd) && readable(rn) && readable(rm) && readable(ra) => Fast::Smla {
            nt,
            mt,
            rd,
            rn,
            rm,
            ra,
        },
        DspInstr::Smla {
            nt,
            mt,
            rd,
            rn,
            rm,
            ra: NO_REG,
        } if plain(rd) && readable(rn) && readable(rm) => Fast::Smul { nt, mt, rd, rn, rm },
        DspInstr::Parallel {
            kind,
            op,
            rd,
            rn,
            rm,
        } if plain(rd) && readable(rn) && readable(rm) => Fast::Parallel {
            f: dsp::parallel_index(kind, op),
            rd,
            rn,
            rm,
        },
        DspInstr::Q32 { op, rd, rn, rm } if plain(rd) && readable(rn) && readable(rm) => {
            Fast::Q32 { op, rd, rn, rm }
        }
        DspInstr::Sel { rd, rn, rm } if plain(rd) && readable(rn) && readable(rm) => {
            Fast::Sel { rd, rn, rm }
        }
        DspInstr::Pkh {
            tb,
            rd,
            rn,
            rm,
            shift,
        } if plain(rd) && readable(rn) && readable(rm) => {
            if tb {
                Fast::PkhTb { rd, rn, rm, shift }
            } else {
                Fast::PkhBt { rd, rn, rm, shift }
            }
        }
        DspInstr::Sat16 {
            unsigned,
            rd,
            rn,
            sat,
        } if plain(rd) && readable(rn) => Fast::Sat16 {
            unsigned,
            rd,
            rn,
            sat,
        },
        DspInstr::Smlaw { mt, rd, rn, rm, ra }
            if plain(rd) && readable(rn) && readable(rm) && acc_ok(ra) =>
        {
            Fast::Smlaw { mt, rd, rn, rm, ra }
        }
        DspInstr::Smmla {
            sub,
            round,
            rd,
            rn,
            rm,
            ra,
        } if plain(rd) && readable(rn) && readable(rm) && acc_ok(ra) => Fast::Smmla {
            sub,
            round,
            rd,
            rn,
            rm,
            ra,
        },
        DspInstr::Usada8 { rd, rn, rm, ra }
            if plain(rd) && readable(rn) && readable(rm) && acc_ok(ra) =>
        {
            Fast::Usada8 { rd, rn, rm, ra }
        }
        DspInstr::Smlalxy {
            nt,
            mt,
            rdlo,
            rdhi,
            rn,
            rm,
        } if plain(rdlo) && plain(rdhi) && readable(rn) && readable(rm) => Fast::Smlalxy {
            nt,
            mt,
            rdlo,
            rdhi,
            rn,
            rm,
        },
        DspInstr::Smlald {
            sub,
            x,
            rdlo,
            rdhi,
            rn,
            rm,
        } if plain(rdlo) && plain(rdhi) && readable(rn) && readable(rm) => Fast::Smlald {
            sub,
            x,
            rdlo,
            rdhi,
            rn,
            rm,
        },
        DspInstr::Umaal { rdlo, rdhi, rn, rm }
            if plain(rdlo) && plain(rdhi) && readable(rn) && readable(rm) =>
        {
            Fast::Umaal { rdlo, rdhi, rn, rm }
        }
        _ => return None,
    })
}

fn lower_dp(op: DpOp, s: bool, rd: u8, rn: u8, op2: Operand2) -> Option<Fast> {
    if (rd, rn, s) == (13, 13, false) {
        return match (op, imm_value(op2)) {
            (DpOp::Add, Some(imm)) => Some(Fast::AddSpImm { imm }),
            (DpOp::Sub, Some(imm)) => Some(Fast::AddSpImm {
                imm: imm.wrapping_neg(),
            }),
            _ => None,
        };
    }
    // Compares write no register; MOV/MVN read no rn.
    let rd_ok = op.is_compare() || plain(rd);
    let rn_ok = matches!(op, DpOp::Mov | DpOp::Mvn) || readable(rn);
    if !rd_ok || !rn_ok {
        return None;
    }
    if !s && !op.is_compare() {
        if let Some(imm) = imm_value(op2) {
            return Some(match op {
                DpOp::Add => Fast::AddImm { rd, rn, imm },
                DpOp::Sub => Fast::AddImm {
                    rd,
                    rn,
                    imm: imm.wrapping_neg(),
                },
                DpOp::Rsb => Fast::RsbImm { rd, rn, imm },
                DpOp::And => Fast::AndImm { rd, rn, imm },
                DpOp::Bic => Fast::AndImm { rd, rn, imm: !imm },
                DpOp::Orr => Fast::OrrImm { rd, rn, imm },
                DpOp::Orn => Fast::OrrImm { rd, rn, imm: !imm },
                DpOp::Eor => Fast::EorImm { rd, rn, imm },
                DpOp::Mov => Fast::MovImm { rd, imm },
                DpOp::Mvn => Fast::MovImm { rd, imm: !imm },
                _ => return None,
            });
        }
        if let Some(rm) = reg_value(op2) {
            match op {
                DpOp::Add => return Some(Fast::AddReg { rd, rn, rm }),
                DpOp::Sub => return Some(Fast::SubReg { rd, rn, rm }),
                DpOp::Mov => return Some(Fast::MovReg { rd, rm }),
                _ => {}
            }
        }
        if let Operand2::Reg { rm, shift, amount } = op2 {
            let simple_op = shifted_register_op(op);
            if simple_op && readable(rm) && shift != ShiftType::Rrx {
                return Some(Fast::ShiftedReg {
                    op,
                    rd,
                    rn,
                    rm,
                    shift,
                    amount,
                });
            }
        }
        return lower_dp_any(op, s, rd, rn, op2);
    }
    // Flag setting (the 16-bit forms have s = true outside IT; the fast path runs outside IT
    // only, so s is what the instruction does).
    let rd_cmp = if op.is_compare() { 16 } else { rd };
    if let Some(imm) = imm_value(op2) {
        return match op {
            DpOp::Add | DpOp::Cmn => Some(Fast::AddsImm {
                rd: rd_cmp,
                rn,
                imm,
            }),
            DpOp::Sub | DpOp::Cmp => Some(Fast::SubsImm {
                rd: rd_cmp,
                rn,
                imm,
            }),
            DpOp::Mov => match op2 {
                Operand2::Imm { carry: None, .. } => Some(Fast::MovsImm { rd, imm }),
                _ => None,
            },
            _ => lower_dp_any(op, s, rd, rn, op2),
        };
    }
    if let Some(rm) = reg_value(op2) {
        match op {
            DpOp::Add | DpOp::Cmn => return Some(Fast::AddsReg { rd: rd_cmp, rn, rm }),
            DpOp::Sub | DpOp::Cmp => return Some(Fast::SubsReg { rd: rd_cmp, rn, rm }),
            _ => {}
        }
    }
    lower_dp_any(op, s, rd, rn, op2)
}

/// The data-processing forms without a dedicated fast form, run through `ops::dp` (the generic
/// executor's own function): register operands with any shift, register-shifted registers,
/// and flag-setting immediates whose expansion leaves C alone.
fn lower_dp_any(op: DpOp, s: bool, rd: u8, rn: u8, op2: Operand2) -> Option<Fast> {
    // MOV/MVN read no rn: read r0 instead (a value that is never used).
    let rn = if matches!(op, DpOp::Mov | DpOp::Mvn) {
        0
    } else {
        rn
    };
    match op2 {
        Operand2::Reg { rm, shift, amount } if readable(rm) => Some(Fast::Dp {
            op,
            s,
            rd,
            rn,
            rm,
            shift,
            amount,
        }),
        Operand2::RegShiftedReg { rm, shift, rs } if readable(rm) && readable(rs) => {
            Some(Fast::DpRs {
                op,
                s,
                rd,
                rn,
                rm,
                rs,
                shift,
            })
        }
        Operand2::Imm {
            value, carry: None, ..
        } if s => Some(Fast::DpsImm {
            op,
            rd,
            rn,
            imm: value,
        }),
        _ => None,
    }
}

/// Condition masks: bit `nzcv` of `COND_PASS[cond]` says whether `cond` passes with those
/// flags (ARMv7-M A7.3, Table A7-1; 0b1110 and 0b1111 always pass).
pub(crate) const COND_PASS: [u16; 16] = {
    let mut t = [0u16; 16];
    let mut cond = 0;
    while cond < 16 {
        let mut f = 0;
        while f < 16 {
            let (n, z, c, v) = (f & 8 != 0, f & 4 != 0, f & 2 != 0, f & 1 != 0);
            let base = match cond >> 1 {
                0 => z,
                1 => c,
                2 => n,
                3 => v,
                4 => c && !z,
                5 => n == v,
                6 => !z && n == v,
                _ => true,
            };
            let pass = if cond & 1 != 0 && cond < 14 {
                !base
            } else {
                base
            };
            if pass {
                t[cond] |= 1 << f;
            }
            f += 1;
        }
        cond += 1;
    }
    t
};

#[inline(always)]
fn passes(cond: u8, cpu: &Cpu) -> bool {
    let f = (u32::from(cpu.n) << 3) | (u32::from(cpu.z) << 2) | (u32::from(cpu.c) << 1);
    let f = f | u32::from(cpu.v);
    (COND_PASS[usize::from(cond & 15)] >> f) & 1 != 0
}

#[inline(always)]
fn pick(c: bool, a: u32, b: u32) -> u32 {
    if c {
        a
    } else {
        b
    }
}

/// Cycles of a taken B/B<cond>: fixed at decode time when `taken` is not 0.
#[inline(always)]
fn branch_cycles(t: &Timing, bus: &Bus, target: u32, taken: u8) -> u32 {
    if taken != 0 {
        u32::from(taken)
    } else {
        1 + refill(t, bus, target)
    }
}

#[inline(always)]
fn set_nzcv(cpu: &mut Cpu, r: u32, c: bool, v: bool) {
    cpu.n = r >> 31 != 0;
    cpu.z = r == 0;
    cpu.c = c;
    cpu.v = v;
}

impl Core {
    /// Executes `instr` at `pc` outside an IT block through its fast form `f`, or through the
    /// generic executor when it has none: see the module documentation.
    #[inline(always)]
    pub(crate) fn execute_fast(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        f: &Fast,
        instr: &Instr,
        pc: u32,
        len: u32,
    ) -> Result<Done, Trap> {
        let next = pc.wrapping_add(len);
        let t = &self.timing;
        // Computed in the arms that use them (a value computed before the match costs every
        // instruction).
        macro_rules! alu {
            () => {
                retired(InstrClass::Alu, t.alu, Flow::Plain)
            };
        }
        macro_rules! dsp_done {
            () => {
                retired(InstrClass::Dsp, t.dsp, Flow::Plain)
            };
        }
        // The FP forms run only when ExecuteFPCheck would pass and change nothing (cached in
        // `fp_ok`); otherwise the generic executor does what it must.
        macro_rules! fp_check {
            () => {
                if !self.fp_ok {
                    if !crate::exception::fp_ready(cpu, bus) {
                        return self.execute_generic(cpu, bus, instr, pc, len, false);
                    }
                    self.fp_ok = true;
                }
            };
        }
        // What an FP form's run says: done (its class and cycles), declined (nothing changed:
        // the generic executor runs), or a bus fault after the same partial transfer.
        macro_rules! fp_ran {
            ($ran:expr, $class:expr, $cycles:expr) => {
                match $ran {
                    Ok(true) => retired($class, u32::from($cycles), Flow::Plain),
                    Ok(false) => return self.execute_generic(cpu, bus, instr, pc, len, false),
                    Err(fault) => return Err(trap(bus, fault)),
                }
            };
        }
        let r = &mut cpu.r;
        let mut npc = next;
        let d = match *f {
            Fast::Generic => return self.execute_generic(cpu, bus, instr, pc, len, false),
            Fast::Fp {
                ref op,
                class,
                cycles,
            } => {
                fp_check!();
                fp_ran!(crate::fp::lower::run(op, instr, cpu, bus), class, cycles)
            }
            Fast::AddImm { rd, rn, imm } => {
                r[rd as usize] = r[rn as usize].wrapping_add(imm);
                alu!()
            }
            Fast::RsbImm { rd, rn, imm } => {
                r[rd as usize] = imm.wrapping_sub(r[rn as usize]);
                alu!()
            }
            Fast::AndImm { rd, rn, imm } => {
                r[rd as usize] = r[rn as usize] & imm;
                alu!()
            }
            Fast::OrrImm { rd, rn, imm } => {
                r[rd as usize] = r[rn as usize] | imm;
                alu!()
            }
            Fast::EorImm { rd, rn, imm } => {
                r[rd as usize] = r[rn as usize] ^ imm;
                alu!()
            }
            Fast::MovImm { rd, imm } => {
                r[rd as usize] = imm;
                alu!()
            }
            Fast::MovsImm { rd, imm } => {
                r[rd as usize] = imm;
                cpu.n = imm >> 31 != 0;
                cpu.z = imm == 0;
                alu!()
            }
            Fast::AddReg { rd, rn, rm } => {
                r[rd as usize] = r[rn as usize].wrapping_add(r[rm as usize]);
                alu!()
            }
            Fast::SubReg { rd, rn, rm } => {
                r[rd as usize] = r[rn as usize].wrapping_sub(r[rm as usize]);
                alu!()
            }
            Fast::MovReg { rd, rm } => {
                r[rd as usize] = r[rm as usize];
                alu!()
            }
            Fast::ShiftedReg {
                op,
                rd,
                rn,
                rm,
                shift,
                amount,
            } => {
                let (b, _) = shift_c(r[rm as usize], shift, u32::from(amount), false);
                let a = r[rn as usize];
                r[rd as usize] = match op {
                    DpOp::Add => a.wrapping_add(b),
                    DpOp::Sub => a.wrapping_sub(b),
                    DpOp::Rsb => b.wrapping_sub(a),
                    DpOp::And => a & b,
                    DpOp::Bic => a & !b,
                    DpOp::Orr => a | b,
                    DpOp::Orn => a | !b,
                    DpOp::Eor => a ^ b,
                    DpOp::Mov => b,
                    _ => !b, // Mvn: lower() admits no other op
                };
                alu!()
            }
            Fast::AddsImm { rd, rn, imm } => {
                let (v, c, o) = add_with_carry(r[rn as usize], imm, false);
                if rd < 16 {
                    r[rd as usize] = v;
                }
                set_nzcv(cpu, v, c, o);
                alu!()
            }
            Fast::SubsImm { rd, rn, imm } => {
                let (v, c, o) = add_with_carry(r[rn as usize], !imm, true);
                if rd < 16 {
                    r[rd as usize] = v;
                }
                set_nzcv(cpu, v, c, o);
                alu!()
            }
            Fast::AddsReg { rd, rn, rm } => {
                let (v, c, o) = add_with_carry(r[rn as usize], r[rm as usize], false);
                if rd < 16 {
                    r[rd as usize] = v;
                }
                set_nzcv(cpu, v, c, o);
                alu!()
            }
            Fast::SubsReg { rd, rn, rm } => {
                let (v, c, o) = add_with_carry(r[rn as usize], !r[rm as usize], true);
                if rd < 16 {
                    r[rd as usize] = v;
                }
                set_nzcv(cpu, v, c, o);
                alu!()
            }
            Fast::B { target, taken } => {
                npc = target;
                retired(
                    InstrClass::Branch,
                    branch_cycles(t, bus, target, taken),
                    Flow::Plain,
                )
            }
            Fast::BCond {
                cond,
                target,
                taken,
            } => {
                if passes(cond, cpu) {
                    npc = target;
                    retired(
                        InstrClass::Branch,
                        branch_cycles(t, bus, target, taken),
                        Flow::Plain,
                    )
                } else {
                    retired(InstrClass::Skipped, t.alu, Flow::Plain)
                }
            }
            Fast::Cbz {
                nonzero,
                rn,
                target,
                taken,
            } => {
                if (r[rn as usize] == 0) != nonzero {
                    npc = target;
                    retired(
                        InstrClass::Branch,
                        branch_cycles(t, bus, target, taken),
                        Flow::Plain,
                    )
                } else {
                    retired(InstrClass::Skipped, t.alu, Flow::Plain)
                }
            }
            Fast::It { state } => {
                cpu.itstate = state;
                retired(InstrClass::System, t.alu, Flow::Plain)
            }
            Fast::LoadImm {
                size,
                signed,
                rt,
                rn,
                imm,
            } => {
                let a = r[rn as usize].wrapping_add(imm);
                r[rt as usize] = load(bus, size, signed, a)?;
                self.ls_addr = a;
                let piped = pc == self.ls_next && rn != self.ls_rt;
                self.ls_next = next;
                self.ls_rt = rt;
                retired(
                    InstrClass::Load,
                    pick(piped, t.load_pipelined, t.load),
                    Flow::Plain,
                )
            }
            Fast::LoadReg {
                size,
                signed,
                rt,
                rn,
                rm,
                shift,
            } => {
                let a = r[rn as usize].wrapping_add(r[rm as usize] << shift);
                r[rt as usize] = load(bus, size, signed, a)?;
                self.ls_addr = a;
                let piped = pc == self.ls_next && rn != self.ls_rt && rm != self.ls_rt;
                self.ls_next = next;
                self.ls_rt = rt;
                retired(
                    InstrClass::Load,
                    pick(piped, t.load_pipelined, t.load),
                    Flow::Plain,
                )
            }
            Fast::LoadWb {
                size,
                signed,
                rt,
                rn,
                off,
                index,
            } => {
                let b = r[rn as usize];
                let wb = b.wrapping_add(off);
                let a = if index { wb } else { b };
                let v = load(bus, size, signed, a)?;
                self.ls_addr = a;
                r[rn as usize] = wb;
                r[rt as usize] = v;
                let piped = pc == self.ls_next && rn != self.ls_rt;
                self.ls_next = next;
                self.ls_rt = rt;
                retired(
                    InstrClass::Load,
                    pick(piped, t.load_pipelined, t.load),
                    Flow::Plain,
                )
            }
            Fast::LoadLit { rt, addr } => {
                r[rt as usize] = load(bus, MemSize::Word, false, addr)?;
                self.ls_addr = addr;
                let piped = pc == self.ls_next && self.ls_rt != 15;
                self.ls_next = next;
                self.ls_rt = rt;
                retired(
                    InstrClass::Load,
                    pick(piped, t.load_pipelined, t.load),
                    Flow::Plain,
                )
            }
            Fast::StoreImm { size, rt, rn, imm } => {
                let a = r[rn as usize].wrapping_add(imm);
                store(bus, size, a, r[rt as usize])?;
                self.ls_next = next;
                self.ls_rt = 0xFF;
                retired(InstrClass::Store, t.store, Flow::Plain)
            }
            Fast::StoreReg {
                size,
                rt,
                rn,
                rm,
                shift,
            } => {
                let a = r[rn as usize].wrapping_add(r[rm as usize] << shift);
                store(bus, size, a, r[rt as usize])?;
                let ls_rt = self.ls_rt;
                let piped = pc == self.ls_next && ls_rt != 0xFF && rn != ls_rt && rm != ls_rt;
                self.ls_next = 1;
                retired(
                    InstrClass::Store,
                    pick(piped, t.load_pipelined, t.store_reg),
                    Flow::Plain,
                )
            }
            Fast::StoreWb {
                size,
                rt,
                rn,
                off,
                index,
            } => {
                let b = r[rn as usize];
                let wb = b.wrapping_add(off);
                store(bus, size, if index { wb } else { b }, r[rt as usize])?;
                r[rn as usize] = wb;
                self.ls_next = next;
                self.ls_rt = 0xFF;
                retired(InstrClass::Store, t.store, Flow::Plain)
            }
            Fast::Mla {
                sub,
                rd,
                rn,
                rm,
                ra,
            } => {
                let p = r[rn as usize].wrapping_mul(r[rm as usize]);
                let a = r[ra as usize];
                r[rd as usize] = if sub {
                    a.wrapping_sub(p)
                } else {
                    a.wrapping_add(p)
                };
                retired(InstrClass::Mul, t.mla, Flow::Plain)
            }
            Fast::Sxtb16 { rd, rm, rot } => {
                r[rd as usize] = dsp::extend(ExtOp::Sxtab16, 0, r[rm as usize], rot);
                dsp_done!()
            }
            Fast::Sxtab16 { rd, rn, rm, rot } => {
                r[rd as usize] = dsp::extend(ExtOp::Sxtab16, r[rn as usize], r[rm as usize], rot);
                dsp_done!()
            }
            Fast::Smlad { rd, rn, rm, ra } => {
                let (v, q) =
                    dsp::smlad(false, false, r[rn as usize], r[rm as usize], r[ra as usize]);
                r[rd as usize] = v;
                cpu.q |= q;
                dsp_done!()
            }
            Fast::Smla {
                nt,
                mt,
                rd,
                rn,
                rm,
                ra,
            } => {
                let (v, q) = dsp::smlaxy(nt, mt, r[rn as usize], r[rm as usize], r[ra as usize]);
                r[rd as usize] = v;
                cpu.q |= q;
                dsp_done!()
            }
            Fast::Smul { nt, mt, rd, rn, rm } => {
                r[rd as usize] = dsp::smulxy(nt, mt, r[rn as usize], r[rm as usize]) as u32;
                dsp_done!()
            }
            Fast::Parallel { f, rd, rn, rm } => {
                let (n, m) = (r[rn as usize], r[rm as usize]);
                r[rd as usize] = dsp::parallel_fn(f)(n, m, &mut cpu.ge);
                dsp_done!()
            }
            Fast::Q32 { op, rd, rn, rm } => {
                let (v, q) = dsp::q32(op, r[rn as usize], r[rm as usize]);
                r[rd as usize] = v;
                cpu.q |= q;
                dsp_done!()
            }
            Fast::Sel { rd, rn, rm } => {
                r[rd as usize] = dsp::sel(cpu.ge, r[rn as usize], r[rm as usize]);
                dsp_done!()
            }
            Fast::DspExtend {
                op,
                rd,
                rn,
                rm,
                rot,
            } => {
                let n = if rn == NO_REG { 0 } else { r[rn as usize] };
                r[rd as usize] = dsp::extend(op, n, r[rm as usize], rot);
                dsp_done!()
            }
            Fast::PkhBt { rd, rn, rm, shift } => {
                r[rd as usize] = dsp::pkh(false, r[rn as usize], r[rm as usize], shift);
                dsp_done!()
            }
            Fast::PkhTb { rd, rn, rm, shift } => {
                r[rd as usize] = dsp::pkh(true, r[rn as usize], r[rm as usize], shift);
                dsp_done!()
            }
            Fast::Sat16 {
                unsigned,
                rd,
                rn,
                sat,
            } => {
                let (v, q) = dsp::sat16(unsigned, sat, r[rn as usize]);
                r[rd as usize] = v;
                cpu.q |= q;
                dsp_done!()
            }
            Fast::Smlaw { mt, rd, rn, rm, ra } => {
                let a = (ra != NO_REG).then(|| r[ra as usize]);
                let (v, q) = dsp::smlaw(mt, r[rn as usize], r[rm as usize], a);
                r[rd as usize] = v;
                cpu.q |= q;
                dsp_done!()
            }
            Fast::SmladAny {
                sub,
                x,
                rd,
                rn,
                rm,
                ra,
            } => {
                let a = if ra == NO_REG { 0 } else { r[ra as usize] };
                let (v, q) = dsp::smlad(sub, x, r[rn as usize], r[rm as usize], a);
                r[rd as usize] = v;
                cpu.q |= q;
                dsp_done!()
            }
            Fast::Smmla {
                sub,
                round,
                rd,
                rn,
                rm,
                ra,
            } => {
                let a = (ra != NO_REG).then(|| r[ra as usize]);
                r[rd as usize] = dsp::smmla(sub, round, r[rn as usize], r[rm as usize], a);
                dsp_done!()
            }
            Fast::Usada8 { rd, rn, rm, ra } => {
                let a = if ra == NO_REG { 0 } else { r[ra as usize] };
                r[rd as usize] = dsp::usad8(r[rn as usize], r[rm as usize]).wrapping_add(a);
                dsp_done!()
            }
            Fast::Smlalxy {
                nt,
                mt,
                rdlo,
                rdhi,
                rn,
                rm,
            } => {
                let acc = dsp::acc64(r, rdlo, rdhi);
                let v = dsp::smlalxy(nt, mt, r[rn as usize], r[rm as usize], acc);
                dsp::set64(r, rdlo, rdhi, v);
                dsp_done!()
            }
            Fast::Smlald {
                sub,
                x,
                rdlo,
                rdhi,
                rn,
                rm,
            } => {
                let acc = dsp::acc64(r, rdlo, rdhi);
                let v = dsp::smlald(sub, x, r[rn as usize], r[rm as usize], acc);
                dsp::set64(r, rdlo, rdhi, v);
                dsp_done!()
            }
            Fast::Umaal { rdlo, rdhi, rn, rm } => {
                let v = dsp::umaal(
                    r[rn as usize],
                    r[rm as usize],
                    r[rdlo as usize],
                    r[rdhi as usize],
                );
                dsp::set64(r, rdlo, rdhi, v);
                dsp_done!()
            }
            Fast::MulLong {
                op,
                rdlo,
                rdhi,
                rn,
                rm,
            } => {
                let acc = dsp::acc64(r, rdlo, rdhi);
                let (v, cycles) = ops::mul_long(
                    op,
                    r[rn as usize],
                    r[rm as usize],
                    acc,
                    t.mul_long,
                    t.mla_long,
                );
                dsp::set64(r, rdlo, rdhi, v);
                retired(InstrClass::MulLong, cycles, Flow::Plain)
            }
            Fast::Muls { rd, rn, rm } => {
                let v = r[rn as usize].wrapping_mul(r[rm as usize]);
                r[rd as usize] = v;
                ops::set_nz(cpu, v);
                retired(InstrClass::Mul, t.mul, Flow::Plain)
            }
            Fast::Bfi { rd, rn, lsb, mask } => {
                let d = r[rd as usize];
                r[rd as usize] = (d & !mask) | ((r[rn as usize] << lsb) & mask);
                alu!()
            }
            Fast::Bfx {
                signed,
                rd,
                rn,
                up,
                down,
            } => {
                let v = r[rn as usize] << up;
                r[rd as usize] = if signed {
                    ((v as i32) >> down) as u32
                } else {
                    v >> down
                };
                alu!()
            }
            Fast::Ext {
                signed,
                half,
                rd,
                rm,
                rot,
            } => {
                let v = r[rm as usize].rotate_right(u32::from(rot));
                r[rd as usize] = match (half, signed) {
                    (false, false) => v & 0xff,
                    (false, true) => v as u8 as i8 as i32 as u32,
                    (true, false) => v & 0xffff,
                    (true, true) => v as u16 as i16 as i32 as u32,
                };
                alu!()
            }
            Fast::Clz { rd, rm } => {
                r[rd as usize] = r[rm as usize].leading_zeros();
                alu!()
            }
            Fast::Rev { op, rd, rm } => {
                r[rd as usize] = ops::rev(op, r[rm as usize]);
                alu!()
            }
            Fast::Sat {
                signed,
                rd,
                rn,
                bits,
                shift,
                amount,
            } => {
                let v = alu::shift(r[rn as usize], shift, u32::from(amount), cpu.c) as i32;
                let (v, q) = if signed {
                    alu::signed_sat_q(i64::from(v), u32::from(bits))
                } else {
                    alu::unsigned_sat_q(i64::from(v), u32::from(bits))
                };
                r[rd as usize] = v;
                cpu.q |= q;
                alu!()
            }
            Fast::Movt { rd, imm } => {
                r[rd as usize] = (r[rd as usize] & 0xffff) | (u32::from(imm) << 16);
                alu!()
            }
            Fast::Dp {
                op,
                s,
                rd,
                rn,
                rm,
                shift,
                amount,
            } => {
                let (b, sc) = shift_c(r[rm as usize], shift, u32::from(amount), cpu.c);
                let a = r[rn as usize];
                let (v, write) = ops::dp(cpu, dp_of(op), a, b, sc, s);
                if write {
                    cpu.r[rd as usize] = v;
                }
                alu!()
            }
            Fast::DpRs {
                op,
                s,
                rd,
                rn,
                rm,
                rs,
                shift,
            } => {
                let (b, sc) = shift_c(r[rm as usize], shift, r[rs as usize] & 0xff, cpu.c);
                let a = r[rn as usize];
                let (v, write) = ops::dp(cpu, dp_of(op), a, b, sc, s);
                if write {
                    cpu.r[rd as usize] = v;
                }
                alu!()
            }
            Fast::DpsImm { op, rd, rn, imm } => {
                let a = r[rn as usize];
                let c = cpu.c;
                let (v, write) = ops::dp(cpu, dp_of(op), a, imm, c, true);
                if write {
                    cpu.r[rd as usize] = v;
                }
                alu!()
            }
            Fast::LoadDual {
                rt,
                rt2,
                rn,
                index,
                wback,
                off,
            } => {
                let b = r[rn as usize];
                let wb = b.wrapping_add(off as i32 as u32);
                let a = if index { wb } else { b };
                let v1 = mem::read32(bus, a, Align::Strict).map_err(|f| trap(bus, f))?;
                let v2 =
                    mem::read32(bus, a.wrapping_add(4), Align::Strict).map_err(|f| trap(bus, f))?;
                if wback {
                    r[rn as usize] = wb;
                }
                r[rt as usize] = v1;
                r[rt2 as usize] = v2;
                retired(InstrClass::LoadStoreMulti, t.multi_base + 2, Flow::Plain)
            }
            Fast::StoreDual {
                rt,
                rt2,
                rn,
                index,
                wback,
                off,
            } => {
                let b = r[rn as usize];
                let wb = b.wrapping_add(off as i32 as u32);
                let a = if index { wb } else { b };
                mem::write32(bus, a, r[rt as usize], Align::Strict).map_err(|f| trap(bus, f))?;
                mem::write32(bus, a.wrapping_add(4), r[rt2 as usize], Align::Strict)
                    .map_err(|f| trap(bus, f))?;
                if wback {
                    r[rn as usize] = wb;
                }
                retired(InstrClass::LoadStoreMulti, t.multi_base + 2, Flow::Plain)
            }
            Fast::Multi {
                store,
                rn,
                wback,
                db,
                list,
            } => {
                let n = count(list);
                let b = r[rn as usize];
                let (start, end) = if db {
                    (b.wrapping_sub(4 * n), b.wrapping_sub(4 * n))
                } else {
                    (b, b.wrapping_add(4 * n))
                };
                let mut cycles = t.multi_base + n;
                if store {
                    ops::store_multiple(cpu, bus, list, start).map_err(|f| trap(bus, f))?;
                    if wback {
                        cpu.r[rn as usize] = end;
                    }
                } else {
                    let end = wback.then_some(end);
                    ops::load_multiple(cpu, bus, rn as usize, list, start, end, &mut cycles)
                        .map_err(|f| trap(bus, f))?;
                }
                retired(InstrClass::LoadStoreMulti, cycles, Flow::Plain)
            }
            Fast::Mul { rd, rn, rm } => {
                r[rd as usize] = r[rn as usize].wrapping_mul(r[rm as usize]);
                retired(InstrClass::Mul, t.mul, Flow::Plain)
            }
            Fast::AddSpImm { imm } => {
                r[13] = r[13].wrapping_add(imm) & !3;
                alu!()
            }
            Fast::Bl { target, taken } => {
                r[14] = next | 1;
                npc = target;
                let cycles = if taken != 0 {
                    u32::from(taken)
                } else {
                    1 + t.bl_extra + refill(t, bus, target)
                };
                retired(InstrClass::Branch, cycles, Flow::Call)
            }
            Fast::BxLr => {
                let target = r[14];
                if target & 1 == 0 || (target >> 28 == 0xF && cpu.mode == Mode::Handler) {
                    return self.execute_generic(cpu, bus, instr, pc, len, false);
                }
                npc = target & !1;
                retired(InstrClass::Branch, 1 + refill(t, bus, npc), Flow::Return)
            }
            Fast::FpFused {
                d,
                n,
                m,
                neg_d,
                neg_n,
                cycles,
            } => {
                fp_check!();
                if !crate::fp::lower::fused(cpu, d, n, m, neg_d, neg_n) {
                    return self.execute_generic(cpu, bus, instr, pc, len, false);
                }
                retired(InstrClass::Fpu, u32::from(cycles), Flow::Plain)
            }
            Fast::FpLdr { s, rn, off, cycles } => {
                fp_check!();
                let ran = crate::fp::lower::ldr(cpu, bus, s, rn, off);
                fp_ran!(ran, InstrClass::FpuLoadStore, cycles)
            }
        };
        cpu.r[15] = npc;
        Ok(d.plus(bus.take_wait()))
    }
}
/// A fault of a memory access: it takes the accumulated wait states as the generic executor
/// does.
#[inline(always)]
fn trap(bus: &mut Bus, f: sim_core::Fault) -> Trap {
    bus.take_wait();
    f.into()
}

/// A single load with the generic executor's alignment rule and fault; a fault takes the
/// accumulated wait states as the generic executor does.
#[inline(always)]
pub(crate) fn load(bus: &mut Bus, size: MemSize, signed: bool, a: u32) -> Result<u32, Trap> {
    let r = match size {
        MemSize::Word => mem::read32(bus, a, Align::Single),
        MemSize::Half => mem::read16(bus, a, Align::Single).map(|h| {
            if signed {
                h as u16 as i16 as i32 as u32
            } else {
                h
            }
        }),
        MemSize::Byte => mem::read8(bus, a).map(|b| {
            if signed {
                b as u8 as i8 as i32 as u32
            } else {
                b
            }
        }),
    };
    r.map_err(|f| {
        bus.take_wait();
        f.into()
    })
}

/// A single store (see [`load`]).
#[inline(always)]
pub(crate) fn store(bus: &mut Bus, size: MemSize, a: u32, v: u32) -> Result<(), Trap> {
    let r = match size {
        MemSize::Word => mem::write32(bus, a, v, Align::Single),
        MemSize::Half => mem::write16(bus, a, v & 0xffff, Align::Single),
        MemSize::Byte => mem::write8(bus, a, v & 0xff),
    };
    r.map_err(|f| {
        bus.take_wait();
        f.into()
    })
}

/// The data-processing operations with a fast form for a shifted register operand (the
/// block engine's, and so the ones the JIT compiles in that form).
pub(crate) const fn shifted_register_op(op: DpOp) -> bool {
    matches!(
        op,
        DpOp::Add
            | DpOp::Sub
            | DpOp::Rsb
            | DpOp::And
            | DpOp::Bic
            | DpOp::Orr
            | DpOp::Orn
            | DpOp::Eor
            | DpOp::Mov
            | DpOp::Mvn
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{decode_for, is_32bit};
    use sim_core::board::{Board, FpuKind};
    use sim_core::console::Console;
    use sim_core::exception::{ccr, ExceptionState};
    use sim_core::memory::MemoryMap;
    use sim_core::CoreProfile;

    /// A small board so that comparing all of memory after every instruction is cheap.
    const BOARD: &str = r#"
name = "fast-test"
description = "64 KiB flash and SRAM"
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

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 16) as u32
        }
    }

    fn bus(board: &Board) -> Bus {
        Bus::new(
            MemoryMap::new(board),
            ExceptionState::new(board),
            Console::new(false),
        )
    }

    /// A register value: mostly pointers into SRAM (some unaligned, some near the end), else
    /// anything (faults on unmapped or flash addresses are compared too).
    fn value(rng: &mut Rng) -> u32 {
        match rng.next() % 8 {
            0..=3 => 0x2000_0000 + rng.next() % 0x1_0000,
            4 => 0x2000_0000 + (rng.next() % 0x4000) * 4,
            5 => rng.next() % 0x40,
            6 => rng.next() % 0x1_0000,
            _ => rng.next(),
        }
    }

    /// 32-bit encodings (value, random field mask) of forms random words rarely hit: SMLAD(X),
    /// SXTAB16/SXTB16, SMLA<x><y>, the T4 loads/stores with pre/post-index and writeback, and
    /// the other DSP and integer forms with a fast form (ARMv7-M A5.3, A7.7).
    const TEMPLATES: [(u32, u32); 34] = [
        (0xFB20_0000, 0x000F_FF1F), // SMLAD{X} / SMUAD{X}
        (0xFA20_F080, 0x000F_0F3F), // SXTAB16 / SXTB16
        (0xFB10_0000, 0x000F_FF3F), // SMLA<x><y> / SMUL<x><y>
        (0xF810_0800, 0x000F_F7FF), // LDRB T3/T4
        (0xF830_0800, 0x000F_F7FF), // LDRH
        (0xF850_0800, 0x000F_F7FF), // LDR
        (0xF910_0800, 0x000F_F7FF), // LDRSB
        (0xF930_0800, 0x000F_F7FF), // LDRSH
        (0xF800_0800, 0x000F_F7FF), // STRB
        (0xF820_0800, 0x000F_F7FF), // STRH
        (0xF840_0800, 0x000F_F7FF), // STR
        (0xFA80_F000, 0x007F_0F7F), // parallel add/subtract, signed and unsigned (A5.3.13/14)
        (0xFA80_F080, 0x000F_0F3F), // QADD / QDADD / QSUB / QDSUB
        (0xFAA0_F080, 0x000F_0F0F), // SEL
        (0xFA00_F080, 0x007F_0F3F), // extend (with add): SXTAH .. UXTAB, SXTB .. UXTH
        (0xFB00_0000, 0x007F_FF3F), // multiply (accumulate): SMLAxy .. USADA8, MUL/MLA/MLS
        (0xFB80_0000, 0x007F_FFFF), // long multiply: SMULL .. UMAAL, SMLALxy, SMLALD, SMLSLD
        (0xF300_0000, 0x00AF_7FDF), // SSAT / USAT / SSAT16 / USAT16
        (0xF340_0000, 0x00AF_7FDF), // SBFX / UBFX / BFI / BFC
        (0xEAC0_0000, 0x000F_7FEF), // PKHBT / PKHTB
        (0xEA00_0000, 0x01FF_7FFF), // data processing, shifted register (incl. TST, CMP, ADC)
        (0xEA00_0000, 0x01FF_0F0F), // the same without shift (ADD.W/SUB.W/MOV.W register)
        (0xF000_0000, 0x05FF_7FFF), // data processing, modified immediate
        (0xFA00_F000, 0x007F_0F0F), // LSL/LSR/ASR/ROR by register
        (0xFAB0_F080, 0x000F_0F0F), // CLZ
        (0xFA90_F080, 0x000F_0F3F), // REV / REV16 / RBIT / REVSH
        (0xFB00_0000, 0x000F_FF1F), // MUL / MLA / MLS
        (0xF240_0000, 0x048F_7FFF), // MOVW / MOVT
        (0xF20F_0000, 0x04A0_7FFF), // ADR (ADDW / SUBW from PC)
        (0xE840_0000, 0x01BF_FFFF), // LDRD / STRD (and LDREX/STREX/TBB, not lowered)
        (0xE880_0000, 0x01BF_DFFF), // LDM / STM (IA, DB)
        (0xB400_0000, 0x0BFF_0000), // 16-bit PUSH / POP (the second halfword is ignored)
        (0xB100_0000, 0x0AFF_0000), // CBZ / CBNZ
        (0xBF00_0000, 0x00FF_0000), // IT (and hints where the mask is 0)
    ];

    /// FP encodings (ARMv7-M A6.4, A6.5): VLDR/VSTR (S and D), VLDM/VSTM, VMOV between a core register
    /// and an S register, VMRS, and the data-processing space (VADD...VDIV, VFMA..., VMOV
    /// immediate, VABS/VNEG/VSQRT, VCMP, VCVT, and FPv5's VSEL/VMAXNM/VRINT/VCVT{A,N,P,M}).
    const FP_TEMPLATES: [(u32, u32); 7] = [
        (0xED00_0A00, 0x00DF_F1FF), // VLDR / VSTR
        (0xEC00_0A00, 0x01FF_F1FF), // VLDM / VSTM / VPUSH / VPOP (any P, U, W)
        (0xEC00_0A00, 0x01FF_F10F), // the same with few registers
        (0xEE00_0A10, 0x001F_F080), // VMOV Sn <-> Rt
        (0xEEF1_0A10, 0x0000_F000), // VMRS Rt / APSR_nzcv, FPSCR
        (0xEE00_0A00, 0x00FF_F1EF), // VFP data processing
        (0xFE00_0A00, 0x00FF_F1EF), // FPv5 additions (VSEL, VMAXNM, VRINT, VCVT with rounding)
    ];

    /// An S-register value: normal floats of moderate size (the host fast path's case),
    /// zeros, denormals, infinities, NaNs or any bits.
    fn fp_value(rng: &mut Rng) -> u32 {
        match rng.next() % 8 {
            0..=3 => {
                let x = (rng.next() % 20_000) as f32 / 64.0 - 150.0;
                x.to_bits()
            }
            4 => (rng.next() & 0x8000_0000) | (rng.next() % 0x0080_0000 * (rng.next() % 2)),
            5 => [0x7F80_0000, 0xFF80_0000, 0x7FC0_0001, 0x7F80_0123][rng.next() as usize % 4],
            _ => rng.next(),
        }
    }

    /// Random FP state: S registers, FPSCR (mostly round-to-nearest without FZ/DN), and the
    /// FP access and lazy-stacking controls (mostly ready, sometimes not: NOCP, an unprivileged
    /// CPACR grant, a lazy frame pending at `fpcar`, a new context under ASPEN).
    fn fp_state(rng: &mut Rng, cpu: &mut Cpu, bus: &mut Bus) {
        use crate::exception::fpccr;
        for s in cpu.s.iter_mut() {
            *s = fp_value(rng);
        }
        cpu.fpscr = match rng.next() % 4 {
            0 => rng.next() & 0x07C0_009F,
            _ => rng.next() & 0xF000_009F,
        };
        bus.exc.cpacr = match rng.next() % 8 {
            0 => 0,
            1 => 0x5 << 20,
            _ => 0xF << 20,
        };
        bus.exc.fpcar = 0x2000_8000;
        bus.exc.fpccr = match rng.next() % 8 {
            0 => fpccr::ASPEN | fpccr::LSPEN | fpccr::LSPACT,
            1 => fpccr::ASPEN,
            _ => fpccr::ASPEN | fpccr::LSPEN,
        };
        if rng.next() % 4 == 0 {
            cpu.control &= !sim_core::cpu::control::FPCA;
        } else {
            cpu.control |= sim_core::cpu::control::FPCA;
        }
    }

    /// Runs `cases` random instructions through both executors; returns how many had a fast
    /// form and the names of the fast forms seen.
    fn check_profile(
        profile: CoreProfile,
        fpu: Option<FpuKind>,
        seed: u64,
        cases: usize,
    ) -> (usize, std::collections::BTreeSet<String>) {
        let mut board = Board::from_toml(BOARD, "fast-test").unwrap();
        board.set_core(profile);
        board.fpu = fpu;
        let fpu = board.fpu();
        let arch = profile.arch();
        let (mut bus_a, mut bus_b) = (bus(&board), bus(&board));
        let mut rng = Rng(seed);
        let mut lowered = 0;
        let mut seen = std::collections::BTreeSet::new();
        for case in 0..cases {
            let (hw1, hw2) = if case % 2 == 0 {
                (rng.next() as u16, rng.next() as u16)
            } else {
                // Half the cases: a form of the hot loops with random fields.
                let (value, fields) = TEMPLATES[rng.next() as usize % TEMPLATES.len()];
                let e = value | (rng.next() & fields);
                ((e >> 16) as u16, e as u16)
            };
            let (hw1, hw2) = if case % 8 == 7 {
                // An eighth: an FP form (VLDR/VSTR, VMOV, VMRS, data processing).
                let (value, fields) = FP_TEMPLATES[rng.next() as usize % FP_TEMPLATES.len()];
                let e = value | (rng.next() & fields);
                ((e >> 16) as u16, e as u16)
            } else {
                (hw1, hw2)
            };
            let (instr, len) = if is_32bit(hw1) {
                (decode_for(hw1, hw2, arch, fpu), 4)
            } else {
                (decode_for(hw1, 0, arch, fpu), 2)
            };
            let pc = 0x1000 + (rng.next() % 0x4000) * 2;
            let f = lower(&instr, pc, &bus_a, &Core::new(profile, fpu).timing);
            if f == Fast::Generic {
                continue;
            }
            lowered += 1;
            // FP forms by their FP variant.
            let name = match f {
                Fast::Fp { op, .. } => format!("Fp::{op:?}"),
                _ => format!("{f:?}"),
            };
            let end = name.find([' ', '{']).unwrap_or(name.len());
            seen.insert(name[..end].to_string());
            let mut cpu = Cpu::default();
            for r in 0..15 {
                cpu.r[r] = value(&mut rng);
            }
            cpu.r[13] &= !3;
            cpu.r[15] = pc;
            cpu.thumb = true;
            fp_state(&mut rng, &mut cpu, &mut bus_a);
            bus_b.exc.cpacr = bus_a.exc.cpacr;
            bus_b.exc.fpccr = bus_a.exc.fpccr;
            bus_b.exc.fpcar = bus_a.exc.fpcar;
            let flags = rng.next();
            (cpu.n, cpu.z, cpu.c, cpu.v, cpu.q) = (
                flags & 1 != 0,
                flags & 2 != 0,
                flags & 4 != 0,
                flags & 8 != 0,
                flags & 16 != 0,
            );
            cpu.ge = (flags >> 5) as u8 & 15;
            if rng.next() % 4 == 0 {
                // Edge values for the saturating and halfword forms.
                const EDGE: [u32; 8] = [
                    0,
                    0x7fff_ffff,
                    0x8000_0000,
                    0xffff_ffff,
                    0x7fff_8000,
                    0x8000_7fff,
                    0x7f80_807f,
                    0x0001_ffff,
                ];
                for r in 0..13 {
                    if rng.next() % 2 == 0 {
                        cpu.r[r] = EDGE[rng.next() as usize % EDGE.len()];
                    }
                }
            }
            let trap = if rng.next() % 4 == 0 {
                ccr::UNALIGN_TRP
            } else {
                0
            };
            bus_a.exc.ccr = (bus_a.exc.ccr & !ccr::UNALIGN_TRP) | trap;
            bus_b.exc.ccr = bus_a.exc.ccr;
            let mut core_a = Core::new(profile, fpu);
            let mut core_b = core_a.clone();
            let mut cpu_a = cpu.clone();
            let mut cpu_b = cpu;
            let it = if f.same_in_it() {
                // Inside an IT block (condition passed) the generic executor must do what it
                // does outside, since run_instr then takes the fast form too. Run first on
                // the same bus: a repeated load or store of the same state changes nothing.
                let mut core_c = core_a.clone();
                let mut cpu_c = cpu_a.clone();
                let exc = bus_a.exc.clone();
                let r = core_c.execute(&mut cpu_c, &mut bus_a, &instr, pc, len, true);
                bus_a.exc = exc; // lazy FP preservation clears FPCCR.LSPACT
                bus_a.take_wait();
                Some((r, cpu_c, core_c))
            } else {
                None
            };
            let want = core_a.execute(&mut cpu_a, &mut bus_a, &instr, pc, len, false);
            let got = core_b.execute_fast(&mut cpu_b, &mut bus_b, &f, &instr, pc, len);
            if let Some((r, cpu_c, core_c)) = it {
                let what = format!("case {case}: {instr:?} lowered to {f:?} in an IT block");
                assert_eq!(r, want, "{what}: result");
                assert_eq!(cpu_c, cpu_a, "{what}: CPU");
                assert_eq!(core_c, core_a, "{what}: core");
            }
            let what = format!(
                "case {case}: {instr:?} at {pc:#x} lowered to {f:?}: the fast form must do what \
                 the generic executor does (update isa-thumb/src/exec/fast.rs to match it)"
            );
            assert_eq!(got, want, "{what}: result");
            assert_eq!(cpu_b, cpu_a, "{what}: CPU");
            // fp_ok caches the FP check across fast forms only (the generic path clears it).
            core_b.fp_ok = core_a.fp_ok;
            assert_eq!(core_b, core_a, "{what}: core");
            assert_eq!(bus_b.wait, bus_a.wait, "{what}: wait states");
            for (ra, rb) in bus_a.map.regions.iter().zip(&bus_b.map.regions) {
                assert!(ra.data == rb.data, "{what}: memory of {}", ra.name);
                assert_eq!(ra.written, rb.written, "{what}: written map of {}", ra.name);
            }
        }
        (lowered, seen)
    }

    /// Every fast form (the [`Fast`] variants other than `Generic`).
    const FORMS: &[&str] = &[
        "AddImm",
        "RsbImm",
        "AndImm",
        "OrrImm",
        "EorImm",
        "MovImm",
        "MovsImm",
        "AddReg",
        "SubReg",
        "MovReg",
        "ShiftedReg",
        "AddsImm",
        "SubsImm",
        "AddsReg",
        "SubsReg",
        "B",
        "BCond",
        "Cbz",
        "It",
        "LoadImm",
        "LoadReg",
        "LoadWb",
        "LoadLit",
        "StoreImm",
        "StoreReg",
        "StoreWb",
        "Mla",
        "Mul",
        "Sxtb16",
        "Sxtab16",
        "Smlad",
        "Smla",
        "Smul",
        "Parallel",
        "Q32",
        "Sel",
        "DspExtend",
        "PkhBt",
        "PkhTb",
        "Sat16",
        "Smlaw",
        "SmladAny",
        "Smmla",
        "Usada8",
        "Smlalxy",
        "Smlald",
        "Umaal",
        "MulLong",
        "Muls",
        "Bfi",
        "Bfx",
        "Ext",
        "Clz",
        "Rev",
        "Sat",
        "Movt",
        "Dp",
        "DpRs",
        "DpsImm",
        "Multi",
        "LoadDual",
        "StoreDual",
        "AddSpImm",
        "Bl",
        "BxLr",
        "FpFused",
        "FpLdr",
        "Fp::Str",
        "Fp::LdSt",
        "Fp::LdStM",
        "Fp::LdLit",
        "Fp::ToCore",
        "Fp::FromCore",
        "Fp::Flags",
        "Fp::Add",
        "Fp::Mul",
        "Fp::Mac",
        "Fp::Bits",
        "Fp::Imm",
        "Fp::Bin64",
        "Fp::Bin32",
        "Fp::Compute",
    ];

    #[test]
    fn fast_form_stays_twelve_bytes() {
        // The decode cache stores one per halfword of code (LoadWb/StoreWb set the size).
        assert!(
            std::mem::size_of::<Fast>() <= 12,
            "{}",
            std::mem::size_of::<Fast>()
        );
    }

    /// Every DSP-extension encoding of the templates is UNDEFINED on cores without the
    /// extension: no fast form, and executing it through `execute_fast` takes the UsageFault.
    #[test]
    fn dsp_forms_stay_undefined_without_the_dsp_extension() {
        let dsp_templates = [
            (0xFB20_0000, 0x000F_FF1F),
            (0xFA20_F080, 0x000F_0F3F),
            (0xFB10_0000, 0x000F_FF3F),
            (0xFA80_F000, 0x007F_0F7F),
            (0xFA80_F080, 0x000F_0F3F),
            (0xFAA0_F080, 0x000F_0F0F),
            (0xFB00_0000, 0x007F_FF3F),
            (0xFB80_0000, 0x007F_FFFF),
            (0xF320_0000, 0x008F_0F0F),
            (0xEAC0_0000, 0x000F_7FEF),
        ];
        let mut rng = Rng(0x5eed);
        let mut checked = 0;
        for profile in [CoreProfile::CortexM3, CoreProfile::CortexM0plus] {
            let mut board = Board::from_toml(BOARD, "fast-test").unwrap();
            board.set_core(profile);
            let mut bus = bus(&board);
            for _ in 0..20_000 {
                let (value, fields) = dsp_templates[rng.next() as usize % dsp_templates.len()];
                let e = value | (rng.next() & fields);
                let (hw1, hw2) = ((e >> 16) as u16, e as u16);
                if crate::dsp::decode32(hw1, hw2).is_none() {
                    continue; // not a DSP encoding (or an integer one in the same space)
                }
                let instr = decode_for(hw1, hw2, profile.arch(), board.fpu());
                let mut core = Core::new(profile, board.fpu());
                let f = lower(&instr, 0x1000, &bus, &core.timing);
                assert_eq!(f, Fast::Generic, "{profile:?}: {e:#010x} {instr:?}");
                let mut cpu = Cpu::default();
                cpu.r[15] = 0x1000;
                cpu.thumb = true;
                let got = core.execute_fast(&mut cpu, &mut bus, &f, &instr, 0x1000, 4);
                assert_eq!(
                    got,
                    Err(Trap::Fault(sim_core::Fault::Usage(
                        sim_core::isa::UsageCause::Undefined
                    ))),
                    "{profile:?}: {e:#010x} {instr:?}"
                );
                checked += 1;
            }
        }
        assert!(checked > 20_000, "only {checked} DSP encodings checked");
    }

    #[test]
    fn fast_forms_equal_the_generic_executor() {
        let mut all_seen = std::collections::BTreeSet::new();
        // The M7 twice: single-precision FPv5 (its default) and double precision.
        for (i, (p, fpu)) in [
            (CoreProfile::CortexM4f, None),
            (CoreProfile::CortexM3, None),
            (CoreProfile::CortexM0plus, None),
            (CoreProfile::CortexM7, None),
            (CoreProfile::CortexM7, Some(FpuKind::Fpv5Dp)),
        ]
        .into_iter()
        .enumerate()
        {
            let seed = 0x9e37_79b9_7f4a_7c15 + i as u64;
            let (lowered, seen) = check_profile(p, fpu, seed, 200_000);
            // A decent share of random encodings has a fast form: the check is not vacuous.
            assert!(
                lowered > 20_000,
                "{p:?}: only {lowered} fast forms exercised"
            );
            all_seen.extend(seen);
        }
        // The templates reach every fast form (the double-precision ones on the M7).
        let missing: Vec<_> = FORMS.iter().filter(|f| !all_seen.contains(**f)).collect();
        assert!(
            missing.is_empty(),
            "fast forms never exercised: {missing:?}"
        );
    }
}

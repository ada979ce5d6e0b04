//! The Cortex-M7 pipeline model: dual issue, result latencies and branch prediction, applied
//! to each retired instruction's cycles after it executed (so that every engine — the
//! interpreter's fast forms, its generic executor, a block translator — gets the same
//! timing by calling [`Pipe::retire`] with the instruction's [`Issue`]).
//!
//! The per-core numbers and the pairing table are data in [`crate::timing`]; this module
//! holds what the model must know of one instruction ([`Issue`], computed once at decode)
//! and the state it carries from one instruction to the next ([`Pipe`], kept in the
//! executor's `Core` beside the load/store pipelining state).
//!
//! The model, one instruction at a time, in program order (the M7 is in-order):
//! - an instruction that costs 1 cycle may issue in the same cycle as the one before it (cost
//!   0) when that one issued alone in its cycle, also cost 1, the pair is allowed by
//!   [`Timing::pairs`], and the second neither reads nor writes a register the first writes
//!   (a conditional branch may read the flags the first sets);
//! - a register written by a load or a multiply arrives one cycle late: an instruction that
//!   reads it as an early operand in the very next issue cycle stalls
//!   [`Timing::result_stall`] cycles (an accumulator or a store's data is read late);
//! - branches are predicted by a table of [`BTAC_ENTRIES`] entries (see [`Pipe::predict`]).

use crate::dsp::DspInstr;
use crate::exec::Done;
use crate::fp::FpInstr;
use crate::instr::{DpOp, Instr, MulLongOp, Offset, Operand2, ShiftType};
use crate::timing::{IssueClass, Timing, ISSUE_CLASSES};
use sim_core::isa::{Flow, InstrClass};

/// What the pipeline model needs of one instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Issue {
    /// Issue class (which pairs it can take part in).
    pub class: IssueClass,
    /// Core registers it reads (bit n: Rn; PC never).
    pub src: u16,
    /// The subset of `src` needed at issue (not an accumulator, not a store's data).
    pub early: u16,
    /// Core registers it writes (PC never).
    pub dst: u16,
    /// Whether it reads the APSR flags.
    pub flags_in: bool,
    /// Whether it writes the APSR flags.
    pub flags_out: bool,
    /// Whether its result arrives one cycle late (loads, multiplies).
    pub late: bool,
}

fn bit(r: u8) -> u16 {
    if r < 15 {
        1 << r
    } else {
        0
    }
}

fn bits(rs: &[u8]) -> u16 {
    rs.iter().fold(0, |m, &r| m | bit(r))
}

impl Issue {
    /// An instruction the model never pairs and that has no dependencies.
    pub const SERIAL: Issue = Issue {
        class: IssueClass::Serial,
        src: 0,
        early: 0,
        dst: 0,
        flags_in: false,
        flags_out: false,
        late: false,
    };

    fn new(class: IssueClass, src: u16, dst: u16) -> Issue {
        Issue {
            class,
            src,
            early: src,
            dst,
            ..Issue::SERIAL
        }
    }

    /// The issue description of `instr`.
    pub fn of(instr: &Instr) -> Issue {
        use IssueClass as C;
        match *instr {
            Instr::DataProc {
                op, s, rd, rn, op2, ..
            } => {
                let (class, op2_regs, carry_in) = match op2 {
                    // Immediates beyond 8 bits take the shifter (public M7 microbenchmarks).
                    Operand2::Imm { value, .. } => {
                        (if value > 0xff { C::AluShift } else { C::Alu }, 0, false)
                    }
                    Operand2::Reg { rm, shift, amount } => (
                        if amount == 0 && shift != ShiftType::Rrx {
                            C::Alu
                        } else {
                            C::AluShift
                        },
                        bit(rm),
                        shift == ShiftType::Rrx,
                    ),
                    Operand2::RegShiftedReg { rm, rs, .. } => (C::AluShift, bits(&[rm, rs]), false),
                };
                let rn_used = !matches!(op, DpOp::Mov | DpOp::Mvn);
                let src = op2_regs | if rn_used { bit(rn) } else { 0 };
                let writes = !matches!(op, DpOp::Tst | DpOp::Teq | DpOp::Cmp | DpOp::Cmn);
                let class = if writes && rd == 15 {
                    C::Indirect
                } else {
                    class
                };
                Issue {
                    flags_in: carry_in || matches!(op, DpOp::Adc | DpOp::Sbc),
                    flags_out: s,
                    ..Issue::new(class, src, if writes { bit(rd) } else { 0 })
                }
            }
            Instr::Adr { rd, .. } | Instr::Movw { rd, .. } => Issue::new(C::Alu, 0, bit(rd)),
            Instr::Movt { rd, .. } => Issue::new(C::Alu, bit(rd), bit(rd)),
            Instr::Mul { s, rd, rn, rm, .. } => Issue {
                flags_out: s,
                late: true,
                ..Issue::new(C::Mul, bits(&[rn, rm]), bit(rd))
            },
            Instr::Mla { rd, rn, rm, ra, .. } => Issue::mac(bits(&[rn, rm]), bit(ra), bit(rd)),
            Instr::MulLong {
                op,
                rdlo,
                rdhi,
                rn,
                rm,
                ..
            } => {
                let acc = match op {
                    MulLongOp::Smlal | MulLongOp::Umlal => bits(&[rdlo, rdhi]),
                    _ => 0,
                };
                Issue::mac(bits(&[rn, rm]), acc, bits(&[rdlo, rdhi]))
            }
            Instr::Div { rd, rn, rm, .. } => Issue::new(C::Serial, bits(&[rn, rm]), bit(rd)),
            Instr::Bfi { rd, rn, .. } => Issue::new(C::AluShift, bits(&[rd, rn]), bit(rd)),
            Instr::Bfx { rd, rn, .. } | Instr::Sat { rd, rn, .. } => {
                Issue::new(C::AluShift, bit(rn), bit(rd))
            }
            Instr::Extend { rd, rm, .. } => Issue::new(C::AluShift, bit(rm), bit(rd)),
            Instr::Clz { rd, rm, .. } => Issue::new(C::Alu, bit(rm), bit(rd)),
            // REV takes the DSP slot (public M7 microbenchmarks).
            Instr::Rev { rd, rm, .. } => Issue::new(C::Dsp, bit(rm), bit(rd)),
            Instr::Load { rt, addr, .. } => {
                let rm = match addr.offset {
                    Offset::Reg { rm, .. } => bit(rm),
                    Offset::Imm(_) => 0,
                };
                let wb = if addr.wback { bit(addr.rn) } else { 0 };
                let class = if rt == 15 { C::Indirect } else { C::Load };
                Issue {
                    late: true,
                    ..Issue::new(class, bit(addr.rn) | rm, bit(rt) | wb)
                }
            }
            Instr::Store { rt, addr, .. } => {
                let rm = match addr.offset {
                    Offset::Reg { rm, .. } => bit(rm),
                    Offset::Imm(_) => 0,
                };
                let wb = if addr.wback { bit(addr.rn) } else { 0 };
                Issue {
                    src: bit(addr.rn) | rm | bit(rt),
                    early: bit(addr.rn) | rm,
                    ..Issue::new(C::Store, 0, wb)
                }
            }
            Instr::Preload { addr, .. } => Issue::new(C::Load, bit(addr.rn), 0),
            Instr::LoadDual { rt, rt2, addr, .. } => Issue {
                late: true,
                ..Issue::new(C::Serial, bit(addr.rn), bits(&[rt, rt2, addr.rn]))
            },
            Instr::StoreDual { rt, rt2, addr, .. } => {
                Issue::new(C::Serial, bits(&[rt, rt2, addr.rn]), bit(addr.rn))
            }
            Instr::Ldm { rn, list, .. } => Issue {
                late: true,
                ..Issue::new(
                    if list & 0x8000 != 0 {
                        C::Indirect
                    } else {
                        C::Serial
                    },
                    bit(rn),
                    (list & 0x7fff) | bit(rn),
                )
            },
            Instr::Stm { rn, list, .. } => {
                Issue::new(C::Serial, (list & 0x7fff) | bit(rn), bit(rn))
            }
            Instr::B { cond, .. } => Issue {
                flags_in: (cond as u8) < 14,
                ..Issue::new(C::Branch, 0, 0)
            },
            Instr::Bl { .. } => Issue::new(C::Branch, 0, bit(14)),
            Instr::Cbz { rn, .. } => Issue::new(C::Branch, bit(rn), 0),
            Instr::Bx { link, rm, .. } => {
                Issue::new(C::Indirect, bit(rm), if link { bit(14) } else { 0 })
            }
            Instr::TableBranch { rn, rm, .. } => Issue::new(C::Indirect, bits(&[rn, rm]), 0),
            Instr::It { .. } => Issue::new(C::Alu, 0, 0),
            Instr::Hint { .. } => Issue::new(C::Alu, 0, 0),
            Instr::Dsp { op, .. } => Issue::dsp(&op),
            Instr::Fp { op, .. } => Issue::fp(&op),
            _ => Issue::SERIAL,
        }
    }

    /// A multiply-accumulate: `mul` read at issue, `acc` (the accumulator) late.
    fn mac(mul: u16, acc: u16, dst: u16) -> Issue {
        Issue {
            src: mul | acc,
            early: mul,
            late: true,
            ..Issue::new(IssueClass::Mul, 0, dst)
        }
    }

    fn dsp(op: &DspInstr) -> Issue {
        use IssueClass as C;
        match *op {
            DspInstr::Parallel { rd, rn, rm, .. }
            | DspInstr::Q32 { rd, rn, rm, .. }
            | DspInstr::Sel { rd, rn, rm }
            | DspInstr::Extend { rd, rn, rm, .. }
            | DspInstr::Pkh { rd, rn, rm, .. } => Issue::new(C::Dsp, bits(&[rn, rm]), bit(rd)),
            DspInstr::Sat16 { rd, rn, .. } => Issue::new(C::Dsp, bit(rn), bit(rd)),
            DspInstr::Smla { rd, rn, rm, ra, .. }
            | DspInstr::Smlaw { rd, rn, rm, ra, .. }
            | DspInstr::Smlad { rd, rn, rm, ra, .. }
            | DspInstr::Smmla { rd, rn, rm, ra, .. }
            | DspInstr::Usada8 { rd, rn, rm, ra } => Issue::mac(bits(&[rn, rm]), bit(ra), bit(rd)),
            DspInstr::Smlalxy {
                rdlo, rdhi, rn, rm, ..
            }
            | DspInstr::Smlald {
                rdlo, rdhi, rn, rm, ..
            }
            | DspInstr::Umaal { rdlo, rdhi, rn, rm } => {
                let acc = bits(&[rdlo, rdhi]);
                Issue::mac(bits(&[rn, rm]), acc, acc)
            }
        }
    }

    fn fp(op: &FpInstr) -> Issue {
        use IssueClass as C;
        match *op {
            FpInstr::LdSt { load, rn, .. } => {
                Issue::new(if load { C::Load } else { C::Store }, bit(rn), 0)
            }
            FpInstr::LdStM { rn, wback, .. } => {
                Issue::new(C::Serial, bit(rn), if wback { bit(rn) } else { 0 })
            }
            FpInstr::MovCore { to_core, rt, .. } | FpInstr::MovScalar { to_core, rt, .. } => {
                if to_core {
                    Issue::new(C::Fp, 0, bit(rt))
                } else {
                    Issue::new(C::Fp, bit(rt), 0)
                }
            }
            FpInstr::MovCore2 {
                to_core, rt, rt2, ..
            } => {
                if to_core {
                    Issue::new(C::Fp, 0, bits(&[rt, rt2]))
                } else {
                    Issue::new(C::Fp, bits(&[rt, rt2]), 0)
                }
            }
            FpInstr::Vmrs { rt } => Issue {
                flags_out: rt == 15,
                ..Issue::new(C::Serial, 0, bit(rt))
            },
            FpInstr::Vmsr { rt } => Issue::new(C::Serial, bit(rt), 0),
            _ => Issue::new(C::Fp, 0, 0),
        }
    }
}

/// Entries of the branch predictor's table (an estimate: Arm documents a BTAC for the
/// Cortex-M7 — DDI 0489 §1.2 "branch target address cache" — but not its size).
pub const BTAC_ENTRIES: usize = 64;

/// One predictor entry: the branch's address (0: empty), its last target, a 2-bit counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Btac {
    pc: u32,
    target: u32,
    counter: u8,
}

/// Pipeline state carried from one instruction to the next (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Pipe {
    /// The pairing row ([`Timing::pairs`]) of the previous instruction when it issued alone
    /// in its cycle and may take a partner (0 otherwise: nothing pairs), with the registers
    /// and flags it writes.
    open: u16,
    open_dst: u16,
    open_flags: bool,
    /// Registers written by loads/multiplies issued in the current issue cycle, and in the
    /// one before it.
    late: u16,
    late_prev: u16,
    btac: [Btac; BTAC_ENTRIES],
}

impl Default for Pipe {
    fn default() -> Pipe {
        Pipe {
            open: 0,
            open_dst: 0,
            open_flags: false,
            late: 0,
            late_prev: 0,
            btac: [Btac::default(); BTAC_ENTRIES],
        }
    }
}

impl Pipe {
    /// Empties the pipeline (exception entry and return, reset): nothing pairs with or waits
    /// for what came before. The predictor keeps its entries.
    pub fn flush(&mut self) {
        self.open = 0;
        self.late = 0;
        self.late_prev = 0;
    }

    /// Branch prediction for a branch `is` at `pc` (of class `Branch` or `Indirect`) that
    /// went to `target` (`taken`): the executor charged `cycles` (the refill P when
    /// taken, wait states included); returns what the M7 takes. A direct branch is
    /// predicted taken when its entry holds it with the counter at 2 or 3, else not taken;
    /// an indirect one (BX, POP/LDR PC, TBB, MOV PC) is predicted to go where it went last
    /// time from this address. A correct prediction saves the refill (the target's fetch
    /// started early); a wrong one costs [`Timing::mispredict`] more than the executor's
    /// figure without refill. An unconditional direct branch seen for the first time keeps
    /// the executor's cost: its target is known at decode.
    #[inline(never)]
    pub fn predict(
        &mut self,
        t: &Timing,
        is: &Issue,
        pc: u32,
        taken: bool,
        target: u32,
        cycles: u32,
    ) -> u32 {
        let class = is.class;
        // `B<c>` reads the flags, CBZ a register; B and BL neither.
        let conditional = class == IssueClass::Branch && (is.flags_in || is.src != 0);
        let e = &mut self.btac[((pc >> 1) as usize) & (BTAC_ENTRIES - 1)];
        let hit = e.pc == pc;
        let right = if class == IssueClass::Indirect {
            hit && e.target == target
        } else {
            taken == (hit && e.counter >= 2)
        };
        if taken {
            let counter = if hit { (e.counter + 1).min(3) } else { 2 };
            *e = Btac {
                pc,
                target,
                counter,
            };
        } else if hit {
            e.counter = e.counter.saturating_sub(1);
        }
        let base = if taken {
            cycles.saturating_sub(t.refill)
        } else {
            cycles
        };
        if right {
            base
        } else if taken && !hit && !conditional && class == IssueClass::Branch {
            cycles
        } else {
            base + t.mispredict
        }
    }

    /// The cycles of an instruction that retired as `d` (executed at `pc`; `next` is the
    /// address it went on to), after dual issue, result latencies and branch prediction;
    /// updates the state. Runs after every instruction on the M7: kept lean (the pairing
    /// row of the open instruction is looked up once, when it opens).
    #[inline(always)]
    pub fn retire(&mut self, t: &Timing, is: &Issue, pc: u32, next: u32, d: Done) -> Done {
        let mut cycles = d.cycles();
        let class = is.class as u8;
        let branch = class.wrapping_sub(IssueClass::Branch as u8) < 2;
        if branch && d.flow() != Flow::ExceptionReturn {
            // The executor classes a taken direct branch `Branch` (a not-taken one
            // `Skipped`), also one to the next instruction; an indirect one always writes PC.
            let taken = is.class == IssueClass::Indirect || d.class() == InstrClass::Branch;
            cycles = self.predict(t, is, pc, taken, next, cycles);
        }
        let rest = d.0 & !0xFFFF_FFFF;
        // Second slot of the previous instruction's cycle?
        if cycles == 1
            && self.open & (1 << class) != 0
            && (is.src | is.dst) & self.open_dst == 0
            && !(is.flags_in && self.open_flags && !branch)
            && is.early & self.late_prev == 0
        {
            self.open = 0;
            if is.late {
                self.late |= is.dst;
            }
            return Done(rest);
        }
        // A new issue cycle.
        let stall = if is.early & self.late != 0 {
            t.result_stall
        } else {
            0
        };
        self.late_prev = if stall != 0 { 0 } else { self.late };
        self.late = if is.late { is.dst } else { 0 };
        self.open = if cycles == 1 {
            t.pairs[usize::from(class) % ISSUE_CLASSES]
        } else {
            0
        };
        self.open_dst = is.dst;
        self.open_flags = is.flags_out;
        Done(rest | u64::from(cycles + stall))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode16;
    use sim_core::board::Arch;

    fn issue(hw: u16) -> Issue {
        Issue::of(&decode16(hw, Arch::V7EM))
    }

    fn alu(c: u32) -> Done {
        Done(u64::from(c))
    }

    #[test]
    fn independent_alu_ops_pair_and_dependent_ones_do_not() {
        let t = Timing::CORTEX_M7;
        let mut p = Pipe::default();
        // add r2, r3 ; add r4, r6 (independent): the second issues beside the first.
        assert_eq!(
            p.retire(&t, &issue(0x441a), 0x100, 0x102, alu(1)).cycles(),
            1
        );
        assert_eq!(
            p.retire(&t, &issue(0x4434), 0x102, 0x104, alu(1)).cycles(),
            0
        );
        // add r2, r3 ; add r2, r3 (the second reads the first's r2): no pair.
        let mut p = Pipe::default();
        assert_eq!(
            p.retire(&t, &issue(0x441a), 0x100, 0x102, alu(1)).cycles(),
            1
        );
        assert_eq!(
            p.retire(&t, &issue(0x441a), 0x102, 0x104, alu(1)).cycles(),
            1
        );
    }

    #[test]
    fn a_load_result_used_next_cycle_stalls() {
        let t = Timing::CORTEX_M7;
        let mut p = Pipe::default();
        // ldr r2, [r1] ; add r3, r2
        let ld = Done(1 | ((InstrClass::Load as u64) << 32));
        assert_eq!(p.retire(&t, &issue(0x680a), 0x100, 0x102, ld).cycles(), 1);
        assert_eq!(
            p.retire(&t, &issue(0x4413), 0x102, 0x104, alu(1)).cycles(),
            2
        );
    }

    #[test]
    fn the_predictor_learns_a_loop_branch() {
        let t = Timing::CORTEX_M7;
        let mut p = Pipe::default();
        let bne = issue(0xd1fe); // bne . (conditional)
        let taken = Done(2 | ((InstrClass::Branch as u64) << 32));
        // First sight: predicted not taken, mispredicted: 1 + 3.
        assert_eq!(
            p.retire(&t, &bne, 0x100, 0x80, taken).cycles(),
            1 + t.mispredict
        );
        // Then predicted taken: 1.
        assert_eq!(p.retire(&t, &bne, 0x100, 0x80, taken).cycles(), 1);
        // Falling through is a misprediction.
        let not_taken = Done(1 | ((InstrClass::Skipped as u64) << 32));
        assert_eq!(
            p.retire(&t, &bne, 0x100, 0x102, not_taken).cycles(),
            1 + t.mispredict
        );
    }
}

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
//! - two single loads issue together only when their effective addresses take different
//!   load paths ([`Timing::loads_pair`]: the two 32-bit halves of the DTCM and D-cache, by
//!   address bit 2) — decided here at run time from the address the executor leaves in
//!   `Core::ls_addr`, so every engine gets it;
//! - branches are predicted by a table of [`BTAC_ENTRIES`] entries (see [`Pipe::predict`]);
//! - an FP register is ready [`Timing::fp_latency`] cycles after the instruction writing it
//!   issued (by its [`FpLat`] class); an instruction reading it waits until then (an operand
//!   read late, an accumulator or a store's data, [`Timing::fp_late_read`] cycles less), and
//!   a divide or square root waits for the previous one to finish. The model keeps its own
//!   count of issue cycles for this (`Pipe::now`).

use crate::dsp::DspInstr;
use crate::exec::Done;
use crate::fp::FpInstr;
use crate::fp::{BinOp, UnOp};
use crate::instr::{DpOp, Instr, MulLongOp, Offset, Operand2, ShiftType};
use crate::timing::{FpLat, IssueClass, Timing, ISSUE_CLASSES};
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
    /// FP registers read at issue (bit n: Sn; a D register is its two S halves).
    pub fp_src: u32,
    /// FP registers read late (a multiply-accumulate's accumulator, a store's data).
    pub fp_late: u32,
    /// FP registers written.
    pub fp_dst: u32,
    /// Latency class of what it writes (and of its late reads).
    pub fp_lat: FpLat,
    /// Whether it reads or writes an FP register (any of the three sets is not empty): the
    /// one test `Pipe::retire` makes for every instruction.
    pub fp: bool,
    /// Whether it is a single load to a core register whose effective address the executor
    /// leaves in `Core::ls_addr` (LDR/LDRB/LDRH/LDRSB/LDRSH, not to PC): two of these may
    /// issue together when their addresses allow it ([`Timing::loads_pair`]). Other loads
    /// (VLDR, PLD) never take the second load slot.
    pub addressed: bool,
}

/// The S registers of FP register `r` (a D register when `dp`: its two halves).
fn fs(dp: bool, r: u8) -> u32 {
    if dp {
        3u32.checked_shl(2 * u32::from(r)).unwrap_or(0)
    } else {
        1u32.checked_shl(u32::from(r)).unwrap_or(0)
    }
}

/// `count` consecutive FP registers from `r` (VLDM/VSTM).
fn fs_run(dp: bool, r: u8, count: u8) -> u32 {
    (0..count).fold(0, |m, i| m | fs(dp, r.wrapping_add(i)))
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
        fp_src: 0,
        fp_late: 0,
        fp_dst: 0,
        fp_lat: FpLat::None,
        fp: false,
        addressed: false,
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
        let is = Issue::of_parts(instr);
        Issue {
            fp: is.fp_src | is.fp_late | is.fp_dst != 0,
            ..is
        }
    }

    fn of_parts(instr: &Instr) -> Issue {
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
                    addressed: rt != 15,
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

    /// An FP instruction's issue: `fp_parts`, in class `FpDp` when it is a double-precision
    /// operation that only starts an issue group (see [`IssueClass::FpDp`]).
    fn fp(op: &FpInstr) -> Issue {
        let is = Issue::fp_parts(op);
        let first_only = match *op {
            FpInstr::Bin { dp, .. }
            | FpInstr::Cmp { dp, .. }
            | FpInstr::CvtToInt { dp, .. }
            | FpInstr::CvtFromInt { dp, .. }
            | FpInstr::CvtFixed { dp, .. } => dp,
            FpInstr::Un { op, dp, .. } => dp && !matches!(op, UnOp::Mov),
            FpInstr::CvtSD { to_dp, .. } => !to_dp,
            _ => false,
        };
        if first_only {
            Issue {
                class: IssueClass::FpDp,
                ..is
            }
        } else {
            is
        }
    }

    fn fp_parts(op: &FpInstr) -> Issue {
        use IssueClass as C;
        // An FP data-processing instruction: reads `src` at issue and `acc` late, writes `dst`.
        let dp_op = |lat: FpLat, src: u32, acc: u32, dst: u32| Issue {
            fp_src: src,
            fp_late: acc,
            fp_dst: dst,
            fp_lat: lat,
            ..Issue::new(C::Fp, 0, 0)
        };
        let alu = |dp: bool| if dp { FpLat::DpAdd } else { FpLat::Sp };
        match *op {
            FpInstr::Bin { op, dp, d, n, m } => {
                let (src, acc, dst) = (fs(dp, n) | fs(dp, m), fs(dp, d), fs(dp, d));
                match op {
                    BinOp::Mla | BinOp::Mls | BinOp::Nmla | BinOp::Nmls => {
                        dp_op(if dp { FpLat::DpMac } else { FpLat::SpMac }, src, acc, dst)
                    }
                    BinOp::Fma | BinOp::Fms | BinOp::Fnma | BinOp::Fnms => {
                        dp_op(if dp { FpLat::DpMac } else { FpLat::SpFma }, src, acc, dst)
                    }
                    BinOp::Div => dp_op(if dp { FpLat::DivDp } else { FpLat::DivSp }, src, 0, dst),
                    BinOp::Mul | BinOp::Nmul => {
                        dp_op(if dp { FpLat::DpMul } else { FpLat::Sp }, src, 0, dst)
                    }
                    BinOp::Add | BinOp::Sub | BinOp::MaxNm | BinOp::MinNm => {
                        dp_op(alu(dp), src, 0, dst)
                    }
                }
            }
            FpInstr::Un { op, dp, d, m } => {
                let lat = match (op, dp) {
                    (UnOp::Sqrt, true) => FpLat::DivDp,
                    (UnOp::Sqrt, false) => FpLat::DivSp,
                    _ => alu(dp),
                };
                dp_op(lat, fs(dp, m), 0, fs(dp, d))
            }
            FpInstr::MovImm { dp, d, .. } => dp_op(alu(dp), 0, 0, fs(dp, d)),
            FpInstr::Cmp { dp, d, m, zero, .. } => dp_op(
                FpLat::None,
                fs(dp, d) | if zero { 0 } else { fs(dp, m) },
                0,
                0,
            ),
            FpInstr::CvtSD { to_dp, d, m } => dp_op(FpLat::DpAdd, fs(!to_dp, m), 0, fs(to_dp, d)),
            FpInstr::CvtHalf {
                to_half, dp, d, m, ..
            } => dp_op(alu(dp), fs(dp && to_half, m), 0, fs(dp && !to_half, d)),
            FpInstr::CvtToInt { dp, d, m, .. } => dp_op(alu(dp), fs(dp, m), 0, fs(false, d)),
            FpInstr::CvtFromInt { dp, d, m, .. } => dp_op(alu(dp), fs(false, m), 0, fs(dp, d)),
            FpInstr::CvtFixed { dp, d, .. } => dp_op(alu(dp), fs(dp, d), 0, fs(dp, d)),
            FpInstr::Sel { dp, d, n, m, .. } => Issue {
                flags_in: true,
                ..dp_op(alu(dp), fs(dp, n) | fs(dp, m), 0, fs(dp, d))
            },
            FpInstr::LdSt {
                load, dp, d, rn, ..
            } => {
                // The 64-bit forms take both load pipes or both FP port halves: alone in
                // their cycle (LLVM ARMScheduleM7.td: M7LoadDP, M7StoreDP `SingleIssue`).
                let class = match (dp, load) {
                    (true, _) => C::Serial,
                    (false, true) => C::Load,
                    (false, false) => C::Store,
                };
                if load {
                    Issue {
                        fp_dst: fs(dp, d),
                        fp_lat: FpLat::Load,
                        ..Issue::new(class, bit(rn), 0)
                    }
                } else {
                    Issue {
                        fp_late: fs(dp, d),
                        fp_lat: FpLat::Store,
                        ..Issue::new(class, bit(rn), 0)
                    }
                }
            }
            FpInstr::LdStM {
                load,
                dp,
                d,
                count,
                rn,
                wback,
                ..
            } => {
                let regs = fs_run(dp, d, count);
                let wb = if wback { bit(rn) } else { 0 };
                if load {
                    Issue {
                        fp_dst: regs,
                        fp_lat: FpLat::Load,
                        ..Issue::new(C::Serial, bit(rn), wb)
                    }
                } else {
                    Issue {
                        fp_late: regs,
                        fp_lat: FpLat::Store,
                        ..Issue::new(C::Serial, bit(rn), wb)
                    }
                }
            }
            FpInstr::MovCore { to_core, s, rt } => {
                if to_core {
                    Issue {
                        fp_src: fs(false, s),
                        ..Issue::new(C::Fp, 0, bit(rt))
                    }
                } else {
                    Issue {
                        fp_dst: fs(false, s),
                        fp_lat: FpLat::Sp,
                        ..Issue::new(C::Fp, bit(rt), 0)
                    }
                }
            }
            FpInstr::MovScalar { to_core, d, x, rt } => {
                let half = 1u32
                    .checked_shl(2 * u32::from(d) + u32::from(x & 1))
                    .unwrap_or(0);
                if to_core {
                    Issue {
                        fp_src: half,
                        ..Issue::new(C::Fp, 0, bit(rt))
                    }
                } else {
                    Issue {
                        fp_dst: half,
                        fp_lat: FpLat::Sp,
                        ..Issue::new(C::Fp, bit(rt), 0)
                    }
                }
            }
            FpInstr::MovCore2 {
                to_core,
                dp,
                m,
                rt,
                rt2,
            } => {
                let regs = if dp {
                    fs(true, m)
                } else {
                    fs(false, m) | fs(false, m.wrapping_add(1))
                };
                if to_core {
                    Issue {
                        fp_src: regs,
                        ..Issue::new(C::Fp, 0, bits(&[rt, rt2]))
                    }
                } else {
                    Issue {
                        fp_dst: regs,
                        fp_lat: FpLat::Sp,
                        ..Issue::new(C::Fp, bits(&[rt, rt2]), 0)
                    }
                }
            }
            FpInstr::Vmrs { rt } => Issue {
                flags_out: rt == 15,
                ..Issue::new(C::Serial, 0, bit(rt))
            },
            FpInstr::Vmsr { rt } => Issue::new(C::Serial, bit(rt), 0),
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
    /// Whether that instruction is a load (class `Load`), and its effective address when
    /// it is an addressed one ([`Issue::addressed`]): a second load pairs with it only by
    /// the addresses ([`Timing::loads_pair`]).
    open_load: bool,
    open_addr: Option<u32>,
    /// Registers written by loads/multiplies issued in the current issue cycle, and in the
    /// one before it.
    late: u16,
    late_prev: u16,
    btac: [Btac; BTAC_ENTRIES],
    /// Issue cycles so far (the sum of what `retire` returned): the cycle the next issue
    /// cycle starts at; and the cycle the current one started at.
    now: u64,
    start: u64,
    /// The cycle each FP register's pending result is ready (S0-S31), and the cycle the
    /// divider is free.
    fp_ready: [u64; 32],
    div_free: u64,
}

impl Default for Pipe {
    fn default() -> Pipe {
        Pipe {
            open: 0,
            open_dst: 0,
            open_flags: false,
            open_load: false,
            open_addr: None,
            late: 0,
            late_prev: 0,
            btac: [Btac::default(); BTAC_ENTRIES],
            now: 0,
            start: 0,
            fp_ready: [0; 32],
            div_free: 0,
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
        // Pending FP results complete during the exception entry or return.
        self.fp_ready = [0; 32];
        self.div_free = 0;
    }

    /// The cycle an FP instruction `is` can issue at, by its operands and the divider.
    #[inline(never)]
    fn fp_ready_at(&self, t: &Timing, is: &Issue) -> u64 {
        let mut at = 0;
        let mut src = is.fp_src;
        while src != 0 {
            at = at.max(self.fp_ready[src.trailing_zeros() as usize]);
            src &= src - 1;
        }
        let early = u64::from(t.fp_late_read[is.fp_lat as usize]);
        let mut late = is.fp_late;
        while late != 0 {
            at = at.max(self.fp_ready[late.trailing_zeros() as usize].saturating_sub(early));
            late &= late - 1;
        }
        if is.fp_lat.divider() {
            at = at.max(self.div_free);
        }
        at
    }

    /// Records the results of an FP instruction `is` that issued at cycle `at`.
    #[inline(never)]
    fn fp_issued(&mut self, t: &Timing, is: &Issue, at: u64) {
        let ready = at + u64::from(t.fp_latency[is.fp_lat as usize]);
        let mut dst = is.fp_dst;
        while dst != 0 {
            self.fp_ready[dst.trailing_zeros() as usize] = ready;
            dst &= dst - 1;
        }
        if is.fp_lat.divider() {
            self.div_free = ready;
        }
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

    /// Whether a load `is` at effective address `addr` may take the second slot beside the
    /// open load: both are addressed single loads and their addresses go to different
    /// load paths ([`Timing::loads_pair`]).
    #[inline(never)]
    fn second_load(&self, t: &Timing, is: &Issue, addr: u32) -> bool {
        is.addressed && self.open_addr.is_some_and(|a| t.loads_pair(a, addr))
    }

    /// The cycles of an instruction that retired as `d` (executed at `pc`; `next` is the
    /// address it went on to; `addr` the effective address when it is an addressed single
    /// load, [`Issue::addressed`], and anything otherwise), after dual issue, result
    /// latencies and branch prediction; updates the state. Runs after every instruction on
    /// the M7: kept lean (the pairing row of the open instruction is looked up once, when it
    /// opens; the addresses are compared only for a load behind a load).
    #[inline(always)]
    pub fn retire(
        &mut self,
        t: &Timing,
        is: &Issue,
        pc: u32,
        next: u32,
        addr: u32,
        d: Done,
    ) -> Done {
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
        let fp = is.fp;
        let fp_at = if fp { self.fp_ready_at(t, is) } else { 0 };
        // Second slot of the previous instruction's cycle?
        if cycles == 1
            && self.open & (1 << class) != 0
            && (is.src | is.dst) & self.open_dst == 0
            && !(is.flags_in && self.open_flags && !branch)
            && is.early & self.late_prev == 0
            && fp_at <= self.start
            && (!self.open_load || is.class != IssueClass::Load || self.second_load(t, is, addr))
        {
            self.open = 0;
            if is.late {
                self.late |= is.dst;
            }
            if fp {
                self.fp_issued(t, is, self.start);
            }
            return Done(rest);
        }
        // A new issue cycle.
        let mut stall = if is.early & self.late != 0 {
            t.result_stall
        } else {
            0
        };
        if fp {
            stall = stall.max(fp_at.saturating_sub(self.now) as u32);
            self.fp_issued(t, is, self.now + u64::from(stall));
        }
        self.start = self.now + u64::from(stall);
        self.now = self.start + u64::from(cycles);
        self.late_prev = if stall != 0 { 0 } else { self.late };
        self.late = if is.late { is.dst } else { 0 };
        self.open = if cycles == 1 {
            t.pairs[usize::from(class) % ISSUE_CLASSES]
        } else {
            0
        };
        self.open_dst = is.dst;
        self.open_flags = is.flags_out;
        self.open_load = is.class == IssueClass::Load;
        self.open_addr = is.addressed.then_some(addr);
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
            p.retire(&t, &issue(0x441a), 0x100, 0x102, 0, alu(1))
                .cycles(),
            1
        );
        assert_eq!(
            p.retire(&t, &issue(0x4434), 0x102, 0x104, 0, alu(1))
                .cycles(),
            0
        );
        // add r2, r3 ; add r2, r3 (the second reads the first's r2): no pair.
        let mut p = Pipe::default();
        assert_eq!(
            p.retire(&t, &issue(0x441a), 0x100, 0x102, 0, alu(1))
                .cycles(),
            1
        );
        assert_eq!(
            p.retire(&t, &issue(0x441a), 0x102, 0x104, 0, alu(1))
                .cycles(),
            1
        );
    }

    #[test]
    fn a_load_result_used_next_cycle_stalls() {
        let t = Timing::CORTEX_M7;
        let mut p = Pipe::default();
        // ldr r2, [r1] ; add r3, r2
        let ld = Done(1 | ((InstrClass::Load as u64) << 32));
        assert_eq!(
            p.retire(&t, &issue(0x680a), 0x100, 0x102, 0, ld).cycles(),
            1
        );
        assert_eq!(
            p.retire(&t, &issue(0x4413), 0x102, 0x104, 0, alu(1))
                .cycles(),
            2
        );
    }

    #[test]
    fn two_loads_pair_only_on_different_halves_of_the_data_path() {
        let t = Timing::CORTEX_M7;
        let ld = Done(1 | ((InstrClass::Load as u64) << 32));
        // ldr r2, [r1] ; ldr r3, [r1, #4]: D0 then D1 (address bit 2 differs): one cycle.
        let mut p = Pipe::default();
        assert_eq!(
            p.retire(&t, &issue(0x680a), 0x100, 0x102, 0x2000_0000, ld)
                .cycles(),
            1
        );
        assert_eq!(
            p.retire(&t, &issue(0x684b), 0x102, 0x104, 0x2000_0004, ld)
                .cycles(),
            0
        );
        // ldr r2, [r1] ; ldr r3, [r1, #8]: both on D0: one per cycle.
        let mut p = Pipe::default();
        assert_eq!(
            p.retire(&t, &issue(0x680a), 0x100, 0x102, 0x2000_0000, ld)
                .cycles(),
            1
        );
        assert_eq!(
            p.retire(&t, &issue(0x688b), 0x102, 0x104, 0x2000_0008, ld)
                .cycles(),
            1
        );
        // Peripheral addresses never pair.
        let mut p = Pipe::default();
        assert_eq!(
            p.retire(&t, &issue(0x680a), 0x100, 0x102, 0x4000_0000, ld)
                .cycles(),
            1
        );
        assert_eq!(
            p.retire(&t, &issue(0x684b), 0x102, 0x104, 0x4000_0004, ld)
                .cycles(),
            1
        );
        // ldr r2, [r1] ; ldr r3, [r2]: the second's address is the first's result.
        let mut p = Pipe::default();
        assert_eq!(
            p.retire(&t, &issue(0x680a), 0x100, 0x102, 0x2000_0000, ld)
                .cycles(),
            1
        );
        assert_eq!(
            p.retire(&t, &issue(0x6813), 0x102, 0x104, 0x2000_0004, ld)
                .cycles(),
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
            p.retire(&t, &bne, 0x100, 0x80, 0, taken).cycles(),
            1 + t.mispredict
        );
        // Then predicted taken: 1.
        assert_eq!(p.retire(&t, &bne, 0x100, 0x80, 0, taken).cycles(), 1);
        // Falling through is a misprediction.
        let not_taken = Done(1 | ((InstrClass::Skipped as u64) << 32));
        assert_eq!(
            p.retire(&t, &bne, 0x100, 0x102, 0, not_taken).cycles(),
            1 + t.mispredict
        );
    }
}

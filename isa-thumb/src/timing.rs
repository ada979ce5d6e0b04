//! Per-core cycle costs of the instruction classes: one table per core profile, each number
//! citing its Technical Reference Manual. Provisional: issue 4 (timing) refines them; a
//! calibration is a change of this table, never of the executor.
//!
//! All costs assume zero wait states; the bus adds the wait states of each access on top
//! (`Bus::take_wait`).

use sim_core::CoreProfile;

/// Cycle costs of one core profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Data processing, moves, shifts, compares, extends, bitfield, IT, NOP, hints.
    pub alu: u32,
    /// Pipeline refill P after a taken branch or any write to PC (the branch costs 1 + P), for
    /// a target that is a 16-bit instruction or a word-aligned 32-bit one.
    pub refill: u32,
    /// Extra refill when the target is a 32-bit instruction at a halfword (not word) address:
    /// it takes two fetches.
    pub refill_unaligned_wide: u32,
    /// Extra cycles of BL over a taken B (ARMv6-M executes BL as two halves).
    pub bl_extra: u32,
    /// Extra cycles when LDM/POP loads PC, beyond 1 + N + P (Cortex-M0+: POP with PC 3 + N).
    pub load_pc_extra: u32,
    /// MUL (32-bit result).
    pub mul: u32,
    /// MLA/MLS (32-bit result with accumulate).
    pub mla: u32,
    /// UMULL/SMULL (64-bit result).
    pub mul_long: u32,
    /// UMLAL/SMLAL (64-bit result with accumulate).
    pub mla_long: u32,
    /// Minimum cycles of SDIV/UDIV (early termination), or 0 when the core has no divider.
    pub div_min: u32,
    /// Maximum cycles of SDIV/UDIV.
    pub div_max: u32,
    /// Single load (LDR/LDRB/LDRH/LDRSB/LDRSH/LDREX).
    pub load: u32,
    /// Single load that pipelines behind the previous load or immediate-offset store (its
    /// address does not depend on that load's result).
    pub load_pipelined: u32,
    /// Single store with an immediate offset (the write buffer retires it).
    pub store: u32,
    /// Single store with a register offset (1 when it pipelines behind a load).
    pub store_reg: u32,
    /// Base cost of LDM/STM/PUSH/POP/LDRD/STRD; each register adds one more cycle.
    pub multi_base: u32,
    /// MSR/MRS/CPS.
    pub system: u32,
    /// DMB/DSB/ISB.
    pub barrier: u32,
    /// DSP-extension instructions.
    pub dsp: u32,
    /// FPU data processing.
    pub fpu: u32,
    /// VDIV/VSQRT.
    pub fpu_div_sqrt: u32,
    /// Base of FPU load and store multiples: VLDM/VSTM/VPUSH/VPOP cost this plus one cycle
    /// per 32-bit word transferred.
    pub fpu_load_store: u32,
    /// VLDR/VSTR: cycles of a single-precision and of a double-precision transfer.
    pub fpu_ldr: [u32; 2],
    /// VMOV between core and FPU registers (per register moved), VMRS, VMSR.
    pub fpu_mov: u32,
    /// Lazy FP state preservation (S0-S15 and FPSCR stored into the reserved frame) when the
    /// first FP instruction of a handler triggers it.
    pub fp_lazy_preserve: u32,
    /// Whether the superscalar pipeline model of `crate::pipeline` applies (Cortex-M7: dual
    /// issue, result latencies, branch prediction); the other cores take the costs above as
    /// they are.
    pub pipeline: bool,
    /// Pipeline model: cycles an instruction waits when it needs, in the next issue cycle,
    /// the result of a load or a multiply (their results arrive one cycle later than an ALU
    /// result).
    pub result_stall: u32,
    /// Pipeline model: extra cycles of a mispredicted branch (the refill of the stages
    /// between fetch and the branch's resolution).
    pub mispredict: u32,
    /// Pipeline model: which issue class may take the second slot beside which: bit `s` of
    /// `pairs[f]` is set when an instruction of class `s` may issue in the same cycle as the
    /// instruction of class `f` before it (see [`IssueClass`]).
    pub pairs: [u16; ISSUE_CLASSES],
    /// Pipeline model: the address bits that choose a load's data path. Two single loads
    /// issue in the same cycle (the second in the second slot, [`Timing::loads_pair`]) when
    /// their effective addresses differ in one of these bits, i.e. they use different paths;
    /// 0: loads never pair (one load per cycle).
    pub load_banks: u32,
    /// Pipeline model: FP result latency by [`FpLat`] class — cycles from an FP instruction's
    /// issue until an instruction that reads its result at issue can issue (1: no wait).
    /// All 0 on cores without the pipeline model (their FP costs are the table's above).
    pub fp_latency: [u8; FP_LAT_CLASSES],
    /// Pipeline model: cycles by which an operand read late (a multiply-accumulate's
    /// accumulator, a store's data) may arrive after issue, by [`FpLat`] class.
    pub fp_late_read: [u8; FP_LAT_CLASSES],
}

/// What an FP instruction's result latency is (`crate::pipeline`); the classes index
/// [`Timing::fp_latency`] and [`Timing::fp_late_read`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FpLat {
    /// No FP result (compares, moves to core registers, VMRS/VMSR).
    None = 0,
    /// VLDR/VLDM/VPOP.
    Load = 1,
    /// VSTR/VSTM/VPUSH (their data is read late).
    Store = 2,
    /// Single precision VADD/VSUB/VMUL/VNMUL/VABS/VNEG/VMOV/VCVT/VRINT/VSEL/VMAXNM, and moves
    /// from core registers.
    Sp = 3,
    /// Single precision VFMA/VFMS/VFNMA/VFNMS (fused).
    SpFma = 4,
    /// Single precision VMLA/VMLS/VNMLA/VNMLS (chained).
    SpMac = 5,
    /// Double precision VADD/VSUB/VABS/VNEG/VMOV/VCVT/...
    DpAdd = 6,
    /// Double precision VMUL/VNMUL.
    DpMul = 7,
    /// Double precision multiply-accumulates, fused or chained.
    DpMac = 8,
    /// Single precision VDIV/VSQRT (the divider takes one at a time).
    DivSp = 9,
    /// Double precision VDIV/VSQRT.
    DivDp = 10,
}

/// Number of [`FpLat`] classes.
pub const FP_LAT_CLASSES: usize = 11;

impl FpLat {
    /// Whether it uses the (unpipelined) divide/square-root unit.
    #[inline]
    pub fn divider(self) -> bool {
        matches!(self, FpLat::DivSp | FpLat::DivDp)
    }
}

/// How an instruction takes part in dual issue (`crate::pipeline`); the classes index
/// [`Timing::pairs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum IssueClass {
    /// Data processing with a register or 8-bit immediate operand, MOVW/MOVT, CLZ, IT, NOP.
    Alu = 0,
    /// Data processing through the shifter: a shifted register, an immediate wider than 8
    /// bits, extend, bitfield, saturate.
    AluShift = 1,
    /// DSP-extension SIMD and saturating instructions, REV.
    Dsp = 2,
    /// Single loads (LDR, VLDR, PLD).
    Load = 3,
    /// Single stores (STR, VSTR).
    Store = 4,
    /// Multiplies and multiply-accumulates (MUL, MLA, long multiplies, DSP MACs).
    Mul = 5,
    /// Direct branches: B, `B<c>`, BL, CBZ/CBNZ.
    Branch = 6,
    /// Branches to a register or a loaded address: BX, BLX, LDR/POP PC, TBB/TBH, MOV PC.
    Indirect = 7,
    /// FP data processing and moves between core and FP registers.
    Fp = 8,
    /// Never paired: LDM/STM/LDRD/STRD, divide, system, barriers, exceptions.
    Serial = 9,
    /// Double-precision FP data processing (VADD/VSUB/VMUL/VMLA/VFMA/VDIV/VSQRT/VABS/VNEG/
    /// VCMP/VCVT with an F64 operand, not VMOV): the first of a pair only — it takes both
    /// halves of the FP register port (Arm's LLVM model `ARMScheduleM7.td`: `WriteFPALU64`,
    /// `WriteFPMUL64`, `WriteFPMAC64`, `WriteFPDIV64`, `WriteFPSQRT64`, `M7WriteVCMPD` use
    /// `M7UnitVPortL` and `M7UnitVPortH` with `BeginGroup`).
    FpDp = 10,
}

/// Number of [`IssueClass`]es.
pub const ISSUE_CLASSES: usize = 11;

impl IssueClass {
    /// The class of its number (`Serial` for anything out of range).
    #[inline]
    pub fn from_u8(v: u8) -> IssueClass {
        use IssueClass::*;
        [
            Alu, AluShift, Dsp, Load, Store, Mul, Branch, Indirect, Fp, Serial, FpDp,
        ]
        .get(usize::from(v))
        .copied()
        .unwrap_or(Serial)
    }
}

/// A set of issue classes as a `Timing::pairs` row.
const fn classes(cs: &[IssueClass]) -> u16 {
    let mut m = 0;
    let mut i = 0;
    while i < cs.len() {
        m |= 1 << cs[i] as u16;
        i += 1;
    }
    m
}

/// Cortex-M7 dual-issue pairs, first instruction (row) and second. Arm documents the pairs
/// only in outline (Cortex-M7 product brief and DDI 0489 §1.2: "dual-issue of common
/// instruction pairs" — ALU + ALU, ALU + load/store, load/store + MAC, FP + integer); the
/// restrictions come from published microbenchmarks of the M7 (one shifter per cycle: a
/// shifted operand, extend, bitfield or wide immediate pairs with a plain ALU op only; DSP
/// SIMD and REV only as the first of a pair; one load/store, one multiplier, one FP
/// instruction per cycle; a branch only as the second; double-precision FP only as the
/// first, `IssueClass::FpDp`). Pairs not listed are estimates
/// that follow those rules. Load + load is in the table but pairs only by the two
/// addresses (`Timing::load_banks`): the M7 has two load pipes (Arm's LLVM model,
/// `ARMScheduleM7.td`: `M7UnitLoadL`, `M7UnitLoadH`; SLOTHY's Cortex-M7 model: `LOAD0`,
/// `LOAD1`) but one store pipe, so stores take one slot per cycle.
const M7_PAIRS: [u16; ISSUE_CLASSES] = {
    use IssueClass::*;
    let second_of_alu = classes(&[Alu, AluShift, Load, Store, Mul, Branch, Fp]);
    [
        second_of_alu,                                           // Alu
        classes(&[Alu, Load, Store, Mul, Branch, Fp]),           // AluShift
        classes(&[Alu, AluShift, Load, Store, Mul, Branch, Fp]), // Dsp
        classes(&[Alu, AluShift, Load, Mul, Branch, Fp]),        // Load
        classes(&[Alu, AluShift, Mul, Branch, Fp]),              // Store
        classes(&[Alu, AluShift, Load, Store, Branch, Fp]),      // Mul
        0,                                                       // Branch
        0,                                                       // Indirect
        classes(&[Alu, AluShift, Load, Store, Mul, Branch]),     // Fp
        0,                                                       // Serial
        classes(&[Alu, AluShift, Load, Store, Mul, Branch]),     // FpDp (never second)
    ]
};

impl Timing {
    /// Cortex-M4 (DDI 0439B §3.3.1, Table 3-1, zero wait states), row by row:
    /// - data processing, MOV, shifts, compares, extends, bitfield, IT, NOP: 1;
    /// - B/BL/BX/BLX, CBZ taken: 1 + P; "P ranges from 1 to 3 depending on the alignment and
    ///   width of the target instruction": P = 1, +1 when the target is a 32-bit instruction
    ///   that is not word aligned (two fetches). Not taken: 1;
    /// - LDR (any single load): 2; "neighboring load and store single instructions can
    ///   pipeline their address and data phases": a load after a load or an immediate-offset
    ///   store whose result it does not use as address costs 1; nothing pipelines after a
    ///   register-offset store (§3.3.2);
    /// - STR with immediate offset: 1 (§3.3.2: the store's data phase overlaps the next
    ///   instruction); with register offset: 2 (1 when pipelined behind a load);
    /// - LDR PC: 2 + P; LDM/STM/PUSH/POP: 1 + N, + P with PC; LDRD/STRD: 1 + 2; TBB/TBH: 2 + P;
    /// - MUL/MLA/MLS, UMULL/SMULL/UMLAL/SMLAL: 1; SDIV/UDIV: 2..12 (early termination);
    /// - MSR/MRS/CPS: 1 (MSR 1-2); DMB/DSB: 1 (+ wait for memory), ISB: 1 + P;
    /// - DSP extension (SMLAD, QADD8, SEL, SSAT16, USADA8, ...): 1.
    ///
    /// FP (DDI 0439B §7.2.3, Table 7-1): VADD/VSUB/VMUL/VCVT/VCMP/VABS/VNEG: 1 (VMLA/VFMA
    /// 3 issue-wise, approximated 1); VDIV/VSQRT: 14; VLDR.32/VSTR.32: 2, VLDR.64: 3;
    /// VLDM/VSTM/VPUSH/VPOP: 1 + N words; VMOV core<->S: 1 per register; VMRS/VMSR: 1.
    /// Lazy preservation writes 17 words: 17 (the FP part of the 29-cycle entry, ARM AN298).
    pub const CORTEX_M4: Timing = Timing {
        alu: 1,
        refill: 1,
        refill_unaligned_wide: 1,
        bl_extra: 0,
        load_pc_extra: 0,
        mul: 1,
        mla: 1,
        mul_long: 1,
        mla_long: 1,
        div_min: 2,
        div_max: 12,
        load: 2,
        load_pipelined: 1,
        store: 1,
        store_reg: 2,
        multi_base: 1,
        system: 1,
        barrier: 1,
        dsp: 1,
        fpu: 1,
        fpu_div_sqrt: 14,
        fpu_load_store: 1,
        fpu_ldr: [2, 3],
        fpu_mov: 1,
        fp_lazy_preserve: 17,
        pipeline: false,
        result_stall: 0,
        mispredict: 0,
        pairs: [0; ISSUE_CLASSES],
        load_banks: 0,
        fp_latency: [0; FP_LAT_CLASSES],
        fp_late_read: [0; FP_LAT_CLASSES],
    };

    /// Cortex-M3 (DDI 0337H §18.2, Table 18-1): as M4 (same pipeline, same load/store
    /// pipelining and branch refill rules) but MLA/MLS 2, UMULL/SMULL 3..5 (3 taken),
    /// UMLAL/SMLAL 4..7 (4 taken), no DSP extension or FPU.
    pub const CORTEX_M3: Timing = Timing {
        mla: 2,
        mul_long: 3,
        mla_long: 4,
        ..Timing::CORTEX_M4
    };

    /// Cortex-M0+ (DDI 0484C §3.3, Table 3-1): ALU 1; B taken 2 (P = 1, the 2-stage pipeline
    /// fetches 32 bits so target alignment does not matter), not taken 1; BL 3; BX/BLX 2;
    /// LDR/STR 2 (no pipelining); LDM/STM/PUSH/POP 1 + N, POP with PC 3 + N (1 + N + P with
    /// P = 1, plus `load_pc_extra` 1); MULS 1 (single-cycle multiplier option);
    /// MSR/MRS 4/3 (3 taken); DMB/DSB/ISB 3; no divider, long multiply, DSP or FPU.
    pub const CORTEX_M0PLUS: Timing = Timing {
        alu: 1,
        refill: 1,
        refill_unaligned_wide: 0,
        bl_extra: 1,
        load_pc_extra: 1,
        mul: 1,
        mla: 1,
        mul_long: 1,
        mla_long: 1,
        div_min: 0,
        div_max: 0,
        load: 2,
        load_pipelined: 2,
        store: 2,
        store_reg: 2,
        multi_base: 1,
        system: 3,
        barrier: 3,
        dsp: 1,
        fpu: 1,
        fpu_div_sqrt: 14,
        fpu_load_store: 1,
        fpu_ldr: [2, 3],
        fpu_mov: 1,
        fp_lazy_preserve: 17,
        pipeline: false,
        result_stall: 0,
        mispredict: 0,
        pairs: [0; ISSUE_CLASSES],
        load_banks: 0,
        fp_latency: [0; FP_LAT_CLASSES],
        fp_late_read: [0; FP_LAT_CLASSES],
    };

    /// Cortex-M7. DDI 0489 (the M7 TRM) gives no cycle table: the M7 is a 6-stage in-order
    /// superscalar pipeline with branch prediction (DDI 0489 §1.2), modelled in
    /// `crate::pipeline` with these parameters on top of per-instruction costs:
    /// - single-issue costs: the M4's (DDI 0439 Table 3-1) with loads of 1 from TCM/cache
    ///   (64-bit load path, DDI 0489 §1.2), register-offset stores 1, and no target-alignment
    ///   penalty (the prefetch unit fetches 64 bits);
    /// - dual issue of the pairs of `M7_PAIRS` (a pair costs the cycle of its first
    ///   instruction);
    /// - `result_stall` 1: load and multiply results reach an early operand one cycle later
    ///   than ALU results (estimate from published M7 microbenchmarks; Arm publishes no
    ///   figure);
    /// - `mispredict` 3: a mispredicted branch costs 1 + 3 — it resolves in the first
    ///   execute stage of the six (fetch, decode, issue, execute 1, execute 2, write), so
    ///   the three stages behind it refill (estimate from the pipeline's published stages;
    ///   Arm gives no penalty); a correctly predicted one costs 1 and can issue beside the
    ///   instruction before it;
    /// - `load_banks` 4: two single loads issue together when their addresses differ in bit 2.
    ///   The M7 has two load pipes (LLVM `ARMScheduleM7.td`: `M7UnitLoadL`/`M7UnitLoadH`,
    ///   LDRD takes both; SLOTHY's Cortex-M7 model: two load units), and the data side is 64
    ///   bits wide as two 32-bit halves: the DTCM is "two 32-bit wide interfaces, D0TCM and
    ///   D1TCM. The upper 32-bits of data is on the D1TCM interface and the lower 32-bits
    ///   ... on the D0TCM interface" (DDI 0489F §5.1), i.e. address bit 2 picks the
    ///   interface, and each interface serves one access per cycle. The L1 D-cache's data
    ///   RAM is taken to be split the same way (an estimate: DDI 0489 does not describe its
    ///   banking). Only accesses without wait states pair (a load that waits costs more than
    ///   one cycle), and only in Normal memory (Code, SRAM and RAM regions of the ARMv7-M
    ///   memory map, ARMv7-M ARM B3.1): peripheral and system addresses go one at a time.
    ///
    /// FP (FPv5, single and double precision): Arm publishes no FP timing for the M7 in DDI
    /// 0489 either; the latencies are those of the two Cortex-M7 pipeline descriptions Arm
    /// contributed to the public compilers, LLVM's `ARMScheduleM7.td` (2021) and GCC's
    /// `cortex-m7.md` (2014), which agree where both give a figure unless said:
    /// - FP data processing issues at one per cycle (`fpu` 1) into a pipeline whose result
    ///   is ready 3 cycles after issue for single precision (VADD/VSUB/VMUL/VABS/VNEG/VCVT/
    ///   VMOV: LLVM `WriteFPALU32`/`WriteFPMUL32` 3, GCC `cortex_m7_fpalu` 3);
    /// - VFMA.F32 (fused): result 5, accumulator read 2 cycles late (LLVM: "single-precision
    ///   fused MACs look like latency 5 with advance of 2"; GCC gives 6), so a chain through
    ///   the accumulator runs at 3 cycles per VFMA; VMLA.F32 (chained): 6, accumulator 3 late
    ///   (LLVM `WriteFPMAC32` 6, `ReadFPMAC` 3; GCC 6);
    /// - double precision: VADD.F64 4 (LLVM `WriteFPALU64`; GCC 3), VMUL.F64 7 (LLVM; GCC 6),
    ///   VFMA/VMLA.F64 11, accumulator 3 late (LLVM `WriteFPMAC64`; GCC 10);
    /// - VDIV/VSQRT: result 16 (F32) and 30 (F64; GCC 31), one at a time in the divider,
    ///   issue 1 (`fpu_div_sqrt` 1: other instructions go on meanwhile, LLVM's "effective
    ///   scheduling latency is 3");
    /// - VLDR: result 2, as a core load (LLVM `LoadLatency` 2); VSTR's data read 2 late
    ///   (LLVM `M7Read_EX3`);
    /// - VLDR/VSTR issue in one cycle (`fpu_ldr` [1, 1]), not the M4's 2 and 3: LLVM's
    ///   `M7LoadSP` takes one load pipe and one FP register port for a cycle (`M7UnitLoad`,
    ///   `M7UnitVPort`), `M7StoreSP` the store pipe; the 64-bit forms take both load pipes
    ///   or both port halves at once (`M7LoadDP`, `M7StoreDP`: the data path is 64 bits
    ///   wide) and issue alone (`SingleIssue`: `crate::pipeline` puts them in no pair).
    ///   VLDM/VSTM keep the M4's 1 + one per word (LLVM gives no figure).
    pub const CORTEX_M7: Timing = Timing {
        refill: 1,
        refill_unaligned_wide: 0,
        load: 1,
        load_pipelined: 1,
        store_reg: 1,
        fpu_div_sqrt: 1,
        fpu_ldr: [1, 1],
        pipeline: true,
        result_stall: 1,
        mispredict: 3,
        pairs: M7_PAIRS,
        load_banks: 4,
        // None, Load, Store, Sp, SpFma, SpMac, DpAdd, DpMul, DpMac, DivSp, DivDp.
        fp_latency: [0, 2, 0, 3, 5, 6, 4, 7, 11, 16, 30],
        fp_late_read: [0, 0, 2, 0, 2, 3, 0, 0, 3, 0, 0],
        ..Timing::CORTEX_M4
    };

    /// The table of a core profile.
    pub fn for_profile(profile: CoreProfile) -> Timing {
        match profile {
            CoreProfile::CortexM0plus => Timing::CORTEX_M0PLUS,
            CoreProfile::CortexM3 => Timing::CORTEX_M3,
            CoreProfile::CortexM4 | CoreProfile::CortexM4f => Timing::CORTEX_M4,
            CoreProfile::CortexM7 => Timing::CORTEX_M7,
        }
    }

    /// Whether an instruction of class `second` may issue in the same cycle as one of class
    /// `first` just before it (the registers aside: see `crate::pipeline`).
    #[inline(always)]
    pub fn pairs(&self, first: IssueClass, second: IssueClass) -> bool {
        self.pairs[first as usize] & (1 << second as u16) != 0
    }

    /// Whether a single load at `second` may issue in the same cycle as a single load at
    /// `first` (pipeline model): they go to different load paths (`load_banks`) and both
    /// are in Normal memory — the Code, SRAM and RAM regions (0x0000_0000-0x3FFF_FFFF,
    /// 0x6000_0000-0x9FFF_FFFF) of the ARMv7-M default memory map (ARMv7-M ARM B3.1), where
    /// the DTCM and the L1 D-cache serve loads; Peripheral, Device and System addresses do
    /// not pair.
    #[inline]
    pub fn loads_pair(&self, first: u32, second: u32) -> bool {
        let normal = |a: u32| a < 0x4000_0000 || (0x6000_0000..0xA000_0000).contains(&a);
        (first ^ second) & self.load_banks != 0 && normal(first) && normal(second)
    }

    /// Cycles of a taken branch (or a write to PC) to a 16-bit or word-aligned target: 1 + P.
    #[inline(always)]
    pub fn branch_taken(&self) -> u32 {
        1 + self.refill
    }

    /// Pipeline refill P for a branch to `target` whose first halfword is `hw` (`None` when
    /// the target cannot be read: the plain refill; the fetch will fault anyway).
    #[inline]
    pub fn refill_for(&self, target: u32, hw: Option<u32>) -> u32 {
        if target & 2 != 0 && hw.is_some_and(|h| crate::decode::is_32bit(h as u16)) {
            self.refill + self.refill_unaligned_wide
        } else {
            self.refill
        }
    }

    /// Cycles of SDIV/UDIV (operand magnitudes) with early termination: DDI 0439 §3.3.1
    /// note: "division operations use early termination to minimize the number of cycles
    /// required based on the number of leading ones and zeroes in the input operands". The
    /// cost grows linearly with the quotient's bit length, from `div_min` (quotient 0) to
    /// `div_max` (a 32-bit quotient).
    #[inline]
    pub fn div(&self, dividend: u32, divisor: u32) -> u32 {
        if divisor == 0 || dividend < divisor {
            return self.div_min;
        }
        let quotient_bits = divisor.leading_zeros() - dividend.leading_zeros() + 1;
        self.div_min + (quotient_bits * (self.div_max - self.div_min)).div_ceil(32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div_cost_stays_in_the_trm_range() {
        let t = Timing::CORTEX_M4;
        assert_eq!(t.div(1, 7), 2);
        assert_eq!(t.div(100, 0), 2);
        assert_eq!(t.div(u32::MAX, 1), 12);
        let mid = t.div(1 << 16, 3);
        assert!((3..12).contains(&mid), "{mid}");
    }

    #[test]
    fn branch_costs_follow_refill() {
        let m4 = Timing::CORTEX_M4;
        assert_eq!(m4.branch_taken(), 2);
        assert_eq!(Timing::CORTEX_M0PLUS.branch_taken(), 2);
        // A 32-bit target at a halfword address takes one more refill cycle on M3/M4.
        assert_eq!(m4.refill_for(0x102, Some(0xF000)), 2);
        assert_eq!(m4.refill_for(0x100, Some(0xF000)), 1);
        assert_eq!(m4.refill_for(0x102, Some(0x4770)), 1);
        assert_eq!(Timing::CORTEX_M7.refill_for(0x102, Some(0xF000)), 1);
    }
}

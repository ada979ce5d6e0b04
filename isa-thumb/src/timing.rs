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
    /// Pipeline refill P after a taken branch or any write to PC (the branch costs 1 + P).
    pub refill: u32,
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
    /// Single store.
    pub store: u32,
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
    /// FPU loads, stores and core<->FPU moves.
    pub fpu_load_store: u32,
}

impl Timing {
    /// Cortex-M4 (DDI 0439B §3.3.1, Table 3-1, zero wait states): ALU 1; branch 1 + P with
    /// P = 1..3 (provisional P = 2); LDR 2, STR 2 (STR with immediate offset can be 1 when
    /// pipelined; provisional 2 for single loads, 1 for stores); LDM/STM 1 + N; MUL/MLA/MLS 1;
    /// UMULL/SMULL/UMLAL/SMLAL 1; SDIV/UDIV 2..12 by operand size; MSR/MRS 1..2; DSP 1;
    /// FP (DDI 0439 §7.2.2): VADD/VMUL 1, VDIV/VSQRT 14, VLDR 2.
    pub const CORTEX_M4: Timing = Timing {
        alu: 1,
        refill: 2,
        mul: 1,
        mla: 1,
        mul_long: 1,
        mla_long: 1,
        div_min: 2,
        div_max: 12,
        load: 2,
        store: 1,
        multi_base: 1,
        system: 1,
        barrier: 1,
        dsp: 1,
        fpu: 1,
        fpu_div_sqrt: 14,
        fpu_load_store: 2,
    };

    /// Cortex-M3 (DDI 0337H §18.2, Table 18-1): as M4 but MLA/MLS 2, UMULL/SMULL 3..5
    /// (provisional 3), UMLAL/SMLAL 4..7 (provisional 4), no DSP or FPU.
    pub const CORTEX_M3: Timing = Timing {
        mla: 2,
        mul_long: 3,
        mla_long: 4,
        ..Timing::CORTEX_M4
    };

    /// Cortex-M0+ (DDI 0484C §3.3, Table 3-1): ALU 1, branch taken 2 (P = 1), loads and
    /// stores 2, LDM/STM 1 + N, MULS 1 with the single-cycle multiplier option, MSR/MRS 4/3
    /// (provisional 3); no divider (SDIV/UDIV are UNDEFINED there), no long multiply.
    pub const CORTEX_M0PLUS: Timing = Timing {
        alu: 1,
        refill: 1,
        mul: 1,
        mla: 1,
        mul_long: 1,
        mla_long: 1,
        div_min: 0,
        div_max: 0,
        load: 2,
        store: 2,
        multi_base: 1,
        system: 3,
        barrier: 3,
        dsp: 1,
        fpu: 1,
        fpu_div_sqrt: 14,
        fpu_load_store: 2,
    };

    /// Cortex-M7 (DDI 0489 §3.3 gives no cycle table; approximation, stated as such): single
    /// issue of M4 costs with a shorter refill thanks to the branch predictor (P = 1), loads
    /// of 1 from TCM/cache. Dual issue is not modelled yet.
    pub const CORTEX_M7: Timing = Timing {
        refill: 1,
        load: 1,
        fpu_div_sqrt: 14,
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

    /// Cycles of a taken branch (or a write to PC): 1 + P.
    #[inline(always)]
    pub fn branch_taken(&self) -> u32 {
        1 + self.refill
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
        assert_eq!(Timing::CORTEX_M4.branch_taken(), 3);
        assert_eq!(Timing::CORTEX_M0PLUS.branch_taken(), 2);
    }
}

//! The integer arithmetic of the ARM ARM pseudocode (ARMv7-M A2.2, A2.3): shifts with carry
//! out, `AddWithCarry`, `ThumbExpandImm_C`, saturation, condition codes and ITSTATE.
//!
//! Every function here is pure, so the executor and the property tests share one definition.

use crate::instr::ShiftType;

/// `LSL_C(x, n)` for n >= 1 (any n, including >= 32).
#[inline(always)]
pub fn lsl_c(x: u32, n: u32) -> (u32, bool) {
    debug_assert!(n > 0);
    if n < 32 {
        (x << n, (x >> (32 - n)) & 1 != 0)
    } else if n == 32 {
        (0, x & 1 != 0)
    } else {
        (0, false)
    }
}

/// `LSR_C(x, n)` for n >= 1.
#[inline(always)]
pub fn lsr_c(x: u32, n: u32) -> (u32, bool) {
    debug_assert!(n > 0);
    if n < 32 {
        (x >> n, (x >> (n - 1)) & 1 != 0)
    } else if n == 32 {
        (0, x >> 31 != 0)
    } else {
        (0, false)
    }
}

/// `ASR_C(x, n)` for n >= 1.
#[inline(always)]
pub fn asr_c(x: u32, n: u32) -> (u32, bool) {
    debug_assert!(n > 0);
    if n < 32 {
        (((x as i32) >> n) as u32, ((x as i32) >> (n - 1)) & 1 != 0)
    } else {
        let r = ((x as i32) >> 31) as u32;
        (r, r & 1 != 0)
    }
}

/// `ROR_C(x, n)` for n >= 1 (n taken modulo 32; carry is the new bit 31).
#[inline(always)]
pub fn ror_c(x: u32, n: u32) -> (u32, bool) {
    debug_assert!(n > 0);
    let r = x.rotate_right(n % 32);
    (r, r >> 31 != 0)
}

/// `RRX_C(x, carry_in)`.
#[inline(always)]
pub fn rrx_c(x: u32, carry_in: bool) -> (u32, bool) {
    ((x >> 1) | (u32::from(carry_in) << 31), x & 1 != 0)
}

/// `Shift_C(value, type, amount, carry_in)` (A7.4.2). An amount of 0 returns the value and
/// carry unchanged (except RRX, whose amount is always 1).
#[inline(always)]
pub fn shift_c(x: u32, t: ShiftType, amount: u32, carry_in: bool) -> (u32, bool) {
    if t == ShiftType::Rrx {
        return rrx_c(x, carry_in);
    }
    if amount == 0 {
        return (x, carry_in);
    }
    match t {
        ShiftType::Lsl => lsl_c(x, amount),
        ShiftType::Lsr => lsr_c(x, amount),
        ShiftType::Asr => asr_c(x, amount),
        ShiftType::Ror => ror_c(x, amount),
        ShiftType::Rrx => unreachable!("handled above"),
    }
}

/// `Shift(value, type, amount, carry_in)` without the carry.
#[inline(always)]
pub fn shift(x: u32, t: ShiftType, amount: u32, carry_in: bool) -> u32 {
    shift_c(x, t, amount, carry_in).0
}

/// `AddWithCarry(x, y, carry_in)` -> (result, carry_out, overflow).
#[inline(always)]
pub fn add_with_carry(x: u32, y: u32, carry_in: bool) -> (u32, bool, bool) {
    let (s1, c1) = x.overflowing_add(y);
    let (r, c2) = s1.overflowing_add(u32::from(carry_in));
    let v = ((x ^ r) & (y ^ r)) >> 31 != 0;
    (r, c1 | c2, v)
}

/// `ThumbExpandImm_C(imm12, carry_in)` (A5.3.2): the modified immediate and its carry out.
#[inline]
pub fn thumb_expand_imm_c(imm12: u32, carry_in: bool) -> (u32, bool) {
    let imm12 = imm12 & 0xfff;
    if imm12 >> 10 == 0 {
        let b = imm12 & 0xff;
        let v = match (imm12 >> 8) & 3 {
            0 => b,
            1 => (b << 16) | b,
            2 => (b << 24) | (b << 8),
            _ => (b << 24) | (b << 16) | (b << 8) | b,
        };
        (v, carry_in)
    } else {
        let unrotated = 0x80 | (imm12 & 0x7f);
        ror_c(unrotated, imm12 >> 7)
    }
}

/// `SignedSatQ(i, n)` for 1 <= n <= 32: the saturated value and whether it saturated.
#[inline]
pub fn signed_sat_q(i: i64, n: u32) -> (u32, bool) {
    debug_assert!((1..=32).contains(&n));
    let max = (1i64 << (n - 1)) - 1;
    let min = -(1i64 << (n - 1));
    if i > max {
        (max as u32, true)
    } else if i < min {
        (min as u32, true)
    } else {
        (i as u32, false)
    }
}

/// `UnsignedSatQ(i, n)` for 0 <= n <= 31: the saturated value and whether it saturated.
#[inline]
pub fn unsigned_sat_q(i: i64, n: u32) -> (u32, bool) {
    debug_assert!(n <= 32);
    let max = (1i64 << n) - 1;
    if i > max {
        (max as u32, true)
    } else if i < 0 {
        (0, true)
    } else {
        (i as u32, false)
    }
}

/// `ConditionPassed` for condition code `cond` (A7.3) given N, Z, C, V.
#[inline(always)]
pub fn condition_passed(cond: u8, n: bool, z: bool, c: bool, v: bool) -> bool {
    let base = match cond >> 1 {
        0 => z,
        1 => c,
        2 => n,
        3 => v,
        4 => c && !z,
        5 => n == v,
        6 => !z && n == v,
        _ => return true, // AL (and 0b1111, treated as AL)
    };
    if cond & 1 != 0 {
        !base
    } else {
        base
    }
}

/// `ITAdvance()` (A7.3.2): ITSTATE after an instruction of the block executed.
#[inline(always)]
pub fn it_advance(itstate: u8) -> u8 {
    if itstate & 0x07 == 0 {
        0
    } else {
        (itstate & 0xe0) | ((itstate << 1) & 0x1f)
    }
}

/// Whether ITSTATE says "inside an IT block" (`InITBlock()`).
#[inline(always)]
pub fn in_it_block(itstate: u8) -> bool {
    itstate & 0x0f != 0
}

/// Whether the instruction being executed is the last of its IT block (`LastInITBlock()`).
#[inline(always)]
pub fn last_in_it_block(itstate: u8) -> bool {
    itstate & 0x0f == 0x08
}

/// Unsigned division as SDIV/UDIV define it for a non-zero divisor.
#[inline(always)]
pub fn udiv(n: u32, d: u32) -> u32 {
    n.checked_div(d).unwrap_or(0)
}

/// Signed division rounding toward zero; `0x8000_0000 / -1` gives `0x8000_0000` (A7.7.127).
#[inline(always)]
pub fn sdiv(n: u32, d: u32) -> u32 {
    if d == 0 {
        0
    } else {
        (n as i32).wrapping_div(d as i32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_imm_patterns_and_rotation() {
        assert_eq!(thumb_expand_imm_c(0x0AB, false), (0xAB, false));
        assert_eq!(thumb_expand_imm_c(0x1AB, true), (0x00AB_00AB, true));
        assert_eq!(thumb_expand_imm_c(0x2AB, false), (0xAB00_AB00, false));
        assert_eq!(thumb_expand_imm_c(0x3AB, false), (0xABAB_ABAB, false));
        // imm12 = 0b0100_0000_0000: rotate 0x80 right by 8 -> 0x8000_0000, carry = bit 31.
        assert_eq!(thumb_expand_imm_c(0x400, false), (0x8000_0000, true));
        // 0xFF rotated by 31: 0x1FE... ror 31 of 0xFF = 0x1FE.
        assert_eq!(thumb_expand_imm_c(0xFFF, false), (0x1FE, false));
    }

    #[test]
    fn it_state_advances_and_ends() {
        // ITE EQ: firstcond=0000, mask=1100 -> IT[7:0] = 0000_1100.
        let s = 0b0000_1100;
        assert!(in_it_block(s));
        let s2 = it_advance(s);
        assert_eq!(s2, 0b0001_1000);
        assert!(last_in_it_block(s2));
        assert_eq!(it_advance(s2), 0);
    }

    #[test]
    fn conditions() {
        assert!(condition_passed(0, false, true, false, false)); // EQ
        assert!(condition_passed(0xA, true, false, false, true)); // GE
        assert!(!condition_passed(0xC, false, true, false, false)); // GT
        assert!(condition_passed(0xE, false, false, false, false)); // AL
    }

    #[test]
    fn division_edge_cases() {
        assert_eq!(sdiv(0x8000_0000, 0xFFFF_FFFF), 0x8000_0000);
        assert_eq!(sdiv(7, 0), 0);
        assert_eq!(udiv(7, 0), 0);
        assert_eq!(sdiv((-7i32) as u32, 2), (-3i32) as u32);
    }
}

//! Which bits a polling loop waits on: firmware that spins on a ready flag no model sets reads
//! one device register again and again and tests a bit of it. Given a PC inside such a loop,
//! [`polled_bits`] finds the loop (the backward branch that closes it), the load in it and the
//! instruction that tests the loaded value, and returns the tested bits, so that the run's
//! final message can say `bit 25 PLLRDY` rather than only the register.
//!
//! The forms GCC emits for `while (!(REG & BIT))` at -O0..-O3: `TST rt, #imm`, `ANDS rd, rt,
//! #imm`, `LSLS rd, rt, #n` (the bit into N or C), `LSRS rd, rt, #n` (into C), `UBFX`, and
//! `CBZ/CBNZ`/`CMP` on the whole value.

use crate::decode::{decode, is_32bit};
use crate::instr::{Cond, DpOp, Instr, Operand2, ShiftType};
use sim_core::board::Arch;
use sim_core::bus::Bus;

/// Most instructions looked at on each side of the loop.
const WINDOW: u32 = 24;

fn at(bus: &Bus, pc: u32, arch: Arch) -> Option<(Instr, u32)> {
    let hw1 = bus.peek(pc, 2)? as u16;
    let hw2 = if is_32bit(hw1) {
        bus.peek(pc.wrapping_add(2), 2)? as u16
    } else {
        0
    };
    let i = decode(hw1, hw2, arch);
    Some((i, i.width()))
}

/// The target of a branch that may close a loop, and its condition.
fn branch(i: &Instr, pc: u32) -> Option<(u32, Option<Cond>)> {
    match *i {
        Instr::B { cond, offset, .. } => Some((
            pc.wrapping_add(4).wrapping_add(offset as u32),
            (cond != Cond::Al).then_some(cond),
        )),
        Instr::Cbz { offset, .. } => Some((pc.wrapping_add(4 + u32::from(offset)), None)),
        _ => None,
    }
}

/// The bits of the value loaded in the loop around `pc` that the loop tests, if the loop has
/// one of the recognised forms.
pub fn polled_bits(bus: &Bus, arch: Arch, pc: u32) -> Option<u32> {
    // The backward branch closing the loop: at or after pc, to at or before pc.
    let mut a = pc;
    let mut start = None;
    for _ in 0..WINDOW {
        let (i, w) = at(bus, a, arch)?;
        if let Some((t, _)) = branch(&i, a) {
            if t <= pc && pc.wrapping_sub(t) < 4 * WINDOW {
                start = Some((t, a));
                break;
            }
        }
        a = a.wrapping_add(w);
    }
    let (start, end) = start?;
    // The first load in the loop, then the first test of its destination.
    let mut a = start;
    let mut rt = None;
    while a <= end {
        let (i, w) = at(bus, a, arch)?;
        match (rt, i) {
            (None, Instr::Load { rt: r, .. }) => rt = Some(r),
            (Some(r), i) => {
                if let Some(bits) = tested(&i, r, bus, arch, a.wrapping_add(w), end) {
                    return Some(bits);
                }
            }
            _ => {}
        }
        a = a.wrapping_add(w);
    }
    None
}

/// The bits instruction `i` tests of register `r`; `next..=end` is the rest of the loop (the
/// branch after a shift tells which flag, and so which bit, is tested).
fn tested(i: &Instr, r: u8, bus: &Bus, arch: Arch, next: u32, end: u32) -> Option<u32> {
    let cond = || {
        let mut a = next;
        while a <= end {
            let (i, w) = at(bus, a, arch)?;
            if let Some((_, c)) = branch(&i, a) {
                return c;
            }
            a = a.wrapping_add(w);
        }
        None
    };
    match *i {
        Instr::DataProc {
            op: DpOp::Tst | DpOp::And,
            rn,
            op2: Operand2::Imm { value, .. },
            ..
        } if rn == r => Some(value),
        Instr::DataProc {
            op: DpOp::Cmp | DpOp::Cmn | DpOp::Teq,
            rn,
            ..
        } if rn == r => Some(u32::MAX),
        Instr::DataProc {
            op: DpOp::Mov,
            s: true,
            op2: Operand2::Reg { rm, shift, amount },
            ..
        } if rm == r && amount > 0 => {
            let n = u32::from(amount);
            match (shift, cond()) {
                (ShiftType::Lsl, Some(Cond::Mi | Cond::Pl)) => Some(1 << (31 - n)),
                (ShiftType::Lsl, Some(Cond::Cs | Cond::Cc)) => Some(1 << (32 - n)),
                (ShiftType::Lsl, _) => Some(u32::MAX >> n),
                (ShiftType::Lsr, Some(Cond::Cs | Cond::Cc)) => Some(1 << (n - 1)),
                (ShiftType::Lsr, _) => (n < 32).then(|| u32::MAX << n),
                _ => None,
            }
        }
        Instr::Bfx { rn, lsb, width, .. } if rn == r => {
            let m = if width >= 32 {
                u32::MAX
            } else {
                (1u32 << width) - 1
            };
            Some(m << lsb)
        }
        Instr::Cbz { rn, .. } if rn == r => Some(u32::MAX),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::board::Board;
    use sim_core::console::Console;
    use sim_core::exception::ExceptionState;
    use sim_core::memory::MemoryMap;

    /// A bus with `code` (halfwords, as arm-none-eabi-objdump prints them) at 0x100.
    fn bus_with(code: &[u16]) -> Bus {
        let b = Board::load("mps2-an386").unwrap();
        let mut bus = Bus::new(
            MemoryMap::new(&b),
            ExceptionState::new(&b),
            Console::new(false),
        );
        let bytes: Vec<u8> = code.iter().flat_map(|h| h.to_le_bytes()).collect();
        bus.poke_bytes(0x100, &bytes).unwrap();
        bus
    }

    #[test]
    fn lsls_then_bpl_tests_the_bit_shifted_into_n() {
        // ldr r3, [r2, #0]; lsls r3, r3, #6; bpl.n <ldr>  (bit 25, e.g. RCC_CR PLLRDY)
        let bus = bus_with(&[0x6813, 0x019b, 0xd5fc]);
        for pc in [0x100, 0x102, 0x104] {
            assert_eq!(
                polled_bits(&bus, Arch::V7EM, pc),
                Some(1 << 25),
                "pc {pc:#x}"
            );
        }
    }

    #[test]
    fn tst_immediate_and_ubfx_and_cbz() {
        // ldr r3, [r2]; tst.w r3, #0x20000; beq.n <ldr>
        let bus = bus_with(&[0x6813, 0xf413, 0x3f00, 0xd0fb]);
        assert_eq!(polled_bits(&bus, Arch::V7EM, 0x100), Some(0x2_0000));
        // ldr r3, [r2]; ubfx r3, r3, #3, #2; cmp r3, #0; beq.n <ldr>
        let bus = bus_with(&[0x6813, 0xf3c3, 0x03c1, 0x2b00, 0xd0fa]);
        assert_eq!(polled_bits(&bus, Arch::V7EM, 0x104), Some(0b11 << 3));
        // ldr r3, [r2]; cmp r3, #0; beq.n <ldr>  (a whole-register event, nRF style)
        let bus = bus_with(&[0x6813, 0x2b00, 0xd0fc]);
        assert_eq!(polled_bits(&bus, Arch::V6M, 0x102), Some(u32::MAX));
    }

    #[test]
    fn straight_line_code_is_no_loop() {
        // ldr r3, [r2]; lsls r3, r3, #6; nop; nop  (no backward branch)
        let bus = bus_with(&[0x6813, 0x019b, 0xbf00, 0xbf00]);
        assert_eq!(polled_bits(&bus, Arch::V7EM, 0x100), None);
    }
}

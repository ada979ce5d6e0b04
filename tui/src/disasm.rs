//! Thumb disassembly for the debugger (capstone, M-class), with branch targets named by the
//! ELF's symbols, and the few instruction facts the stepping keys need (length, is it a call).

use crate::TuiError;
use capstone::arch::arm::{ArchExtraMode, ArchMode};
use capstone::prelude::*;
use sim_core::bus::Bus;
use sim_core::loader::Image;

/// One disassembled instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insn {
    /// Its address.
    pub addr: u32,
    /// Its length in bytes (2 or 4).
    pub len: u32,
    /// Its encoding as objdump prints it ("4b03", "fb03 f000").
    pub hex: String,
    /// Mnemonic and operands, branch targets annotated with `<symbol+off>`.
    pub text: String,
}

/// Length of the Thumb instruction whose first halfword is `hw`.
pub fn insn_len(hw: u16) -> u32 {
    // 32-bit encodings start with 0b11101, 0b11110 or 0b11111 (ARMv7-M A5.1).
    if hw >> 11 >= 0b11101 {
        4
    } else {
        2
    }
}

/// If the instruction at `pc` is a call (BL, or BLX register), its length.
pub fn call_len(bus: &Bus, pc: u32) -> Option<u32> {
    let hw1 = bus.peek(pc, 2)? as u16;
    if hw1 & 0xff87 == 0x4780 {
        return Some(2); // BLX Rm (T1)
    }
    let hw2 = bus.peek(pc.wrapping_add(2), 2)? as u16;
    // BL (T1): 11110 S imm10 | 11 J1 1 J2 imm11.
    (hw1 & 0xf800 == 0xf000 && hw2 & 0xd000 == 0xd000).then_some(4)
}

/// A capstone Thumb disassembler.
pub struct Disassembler {
    cs: Capstone,
}

impl Disassembler {
    /// Thumb, M-class.
    pub fn new() -> Result<Disassembler, TuiError> {
        let cs = Capstone::new()
            .arm()
            .mode(ArchMode::Thumb)
            .extra_mode([ArchExtraMode::MClass].into_iter())
            .build()
            .map_err(|e| TuiError::Disassembler(e.to_string()))?;
        Ok(Disassembler { cs })
    }

    /// Disassembles the instruction at `addr`; `None` when nothing is mapped there. Encodings
    /// capstone rejects show as `.short`/`.word`.
    pub fn decode(&self, bus: &Bus, image: &Image, addr: u32) -> Option<Insn> {
        let addr = addr & !1;
        let hw1 = bus.peek(addr, 2)? as u16;
        let len = insn_len(hw1);
        let mut bytes = hw1.to_le_bytes().to_vec();
        let mut hex = format!("{hw1:04x}");
        if len == 4 {
            if let Some(hw2) = bus.peek(addr.wrapping_add(2), 2) {
                bytes.extend_from_slice(&(hw2 as u16).to_le_bytes());
                hex.push_str(&format!(" {hw2:04x}"));
            }
        }
        let text = match self.cs.disasm_count(&bytes, u64::from(addr), 1) {
            Ok(insns) if !insns.is_empty() => {
                let i = insns.iter().next()?;
                let m = i.mnemonic().unwrap_or("?");
                let ops = i.op_str().unwrap_or("");
                let mut t = if ops.is_empty() {
                    m.to_string()
                } else {
                    format!("{m} {ops}")
                };
                if let Some(target) = branch_target(m, ops) {
                    t.push_str(&format!(" <{}>", image.describe_addr(target)));
                }
                t
            }
            _ if len == 4 && bytes.len() == 4 => {
                format!(
                    ".word 0x{:08x}",
                    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
                )
            }
            _ => format!(".short 0x{hw1:04x}"),
        };
        Some(Insn {
            addr,
            len: bytes.len() as u32,
            hex,
            text,
        })
    }

    /// Instructions around `center`: up to `before` ahead of it and `after` following it.
    /// Thumb cannot be decoded backwards, so decoding starts at the enclosing function (or a
    /// little before `center`) and keeps the alignment that lands on `center`.
    pub fn window(
        &self,
        bus: &Bus,
        image: &Image,
        center: u32,
        before: usize,
        after: usize,
    ) -> Vec<Insn> {
        let center = center & !1;
        let back = (before as u32 + 2) * 4;
        let mut start = center.saturating_sub(back);
        if let Some(f) = image.function_at(center) {
            start = start.max(f.addr);
        }
        for attempt in 0..3u32 {
            let s = start + 2 * attempt;
            if s > center {
                break;
            }
            let mut out = Vec::new();
            let mut a = s;
            while a < center {
                let Some(i) = self.decode(bus, image, a) else {
                    break;
                };
                a += i.len;
                out.push(i);
            }
            if a == center {
                let skip = out.len().saturating_sub(before);
                let mut out: Vec<Insn> = out.split_off(skip);
                let mut a = center;
                for _ in 0..=after {
                    let Some(i) = self.decode(bus, image, a) else {
                        break;
                    };
                    a += i.len;
                    out.push(i);
                }
                return out;
            }
        }
        let mut out = Vec::new();
        let mut a = center;
        for _ in 0..=after {
            let Some(i) = self.decode(bus, image, a) else {
                break;
            };
            a += i.len;
            out.push(i);
        }
        out
    }
}

/// The target of a direct branch ("b #0x42", "cbz r3, #0x7a"), if this is one.
fn branch_target(mnemonic: &str, ops: &str) -> Option<u32> {
    let m = mnemonic.trim_end_matches(".w").trim_end_matches(".n");
    let is_branch = m.starts_with("cb")
        || (m.starts_with('b')
            && !m.starts_with("bkpt")
            && !m.starts_with("bic")
            && !m.starts_with("bf"));
    if !is_branch {
        return None;
    }
    let last = ops.rsplit(", ").next()?;
    u32::from_str_radix(last.strip_prefix("#0x")?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumb_lengths_follow_the_first_halfword() {
        assert_eq!(insn_len(0x4770), 2); // bx lr
        assert_eq!(insn_len(0xf7ff), 4); // bl prefix
        assert_eq!(insn_len(0xe7fe), 2); // b .
        assert_eq!(insn_len(0xe92d), 4); // push.w
    }

    #[test]
    fn branch_targets_are_found_only_on_branches() {
        assert_eq!(branch_target("bl", "#0x42"), Some(0x42));
        assert_eq!(branch_target("cbz", "r3, #0x7a"), Some(0x7a));
        assert_eq!(branch_target("bne.n", "#0x64"), Some(0x64));
        assert_eq!(branch_target("bkpt", "#0xab"), None);
        assert_eq!(branch_target("bic", "r0, r0, #3"), None);
        assert_eq!(branch_target("bx", "lr"), None);
    }
}

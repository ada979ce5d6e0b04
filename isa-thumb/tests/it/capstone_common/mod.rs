//! Shared harness of the capstone cross-checks: decode with thimble, disassemble with capstone
//! (Thumb + M-class), compare mnemonic and operands, and classify every encoding.

#![allow(dead_code)] // each test file uses part of it

use std::collections::BTreeMap;

use capstone::prelude::*;
use isa_thumb::disasm::parts;
use isa_thumb::instr::{Instr, UndefReason};

/// Address the instructions are disassembled at (branch targets are absolute).
pub const ADDR: u32 = 0x1000;

/// Capstone for Thumb-2 M-profile.
pub fn capstone() -> Capstone {
    capstone_modes(&[arch::arm::ArchExtraMode::MClass])
}

/// Capstone for Thumb with these extra modes (M-class, and V8 for the FPv5 encodings).
pub fn capstone_modes(extra: &[arch::arm::ArchExtraMode]) -> Capstone {
    Capstone::new()
        .arm()
        .mode(arch::arm::ArchMode::Thumb)
        .extra_mode(extra.iter().copied())
        .build()
        .expect("capstone builds")
}

/// Capstone's text (`mnemonic operands`) of the 32-bit encoding `hw1:hw2`, or `None` when it
/// does not decode all four bytes as one instruction.
pub fn text32(cs: &Capstone, hw1: u16, hw2: u16) -> Option<String> {
    let mut b = hw1.to_le_bytes().to_vec();
    b.extend(hw2.to_le_bytes());
    theirs(cs, &b).map(|(m, o)| format!("{m} {o}"))
}

/// The vectors of a `tests/data/*_objdump.txt` file: per non-empty line, the two halfwords
/// in hex and the text objdump printed.
pub fn objdump_vectors(text: &str) -> Vec<(u16, u16, String)> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut it = l.splitn(3, ' ');
            let a = u16::from_str_radix(it.next().unwrap(), 16).unwrap();
            let b = u16::from_str_radix(it.next().unwrap(), 16).unwrap();
            (a, b, it.next().unwrap().to_string())
        })
        .collect()
}

/// Capstone's mnemonic and operands, or `None` when it does not decode the bytes.
pub fn theirs(cs: &Capstone, bytes: &[u8]) -> Option<(String, String)> {
    let insns = cs.disasm_count(bytes, u64::from(ADDR), 1).ok()?;
    let i = insns.iter().next()?;
    if i.bytes().len() != bytes.len() {
        return None;
    }
    Some((
        i.mnemonic().unwrap_or("").to_string(),
        i.op_str().unwrap_or("").to_string(),
    ))
}

/// Outcome counts and the mismatches, grouped by encoding name.
#[derive(Default)]
pub struct Tally {
    /// Same mnemonic and operands.
    pub matched: u64,
    /// Both sides undefined.
    pub both_undefined: u64,
    /// Excluded, by reason.
    pub excluded: BTreeMap<&'static str, u64>,
    /// Mismatches: encoding name -> (count, first examples).
    pub mismatches: BTreeMap<String, (u64, Vec<String>)>,
}

impl Tally {
    /// Records one mismatch.
    pub fn mismatch(&mut self, name: &str, hex: String, ours: &str, theirs: &str) {
        let e = self.mismatches.entry(name.to_string()).or_default();
        e.0 += 1;
        if e.1.len() < 4 {
            e.1.push(format!("{hex}: ours `{ours}` capstone `{theirs}`"));
        }
    }

    /// Compares one decoded instruction with capstone's view, applying `exclude` (which returns
    /// a documented reason for a known, legitimate difference).
    pub fn check(
        &mut self,
        hex: String,
        ours: &Instr,
        theirs: Option<(String, String)>,
        exclude: impl Fn(&Instr, &Option<(String, String)>) -> Option<&'static str>,
    ) {
        if let Instr::Undefined {
            reason: UndefReason::Unpredictable,
            ..
        } = ours
        {
            *self
                .excluded
                .entry("UNPREDICTABLE (thimble: UsageFault)")
                .or_default() += 1;
            return;
        }
        if let Some(reason) = exclude(ours, &theirs) {
            *self.excluded.entry(reason).or_default() += 1;
            return;
        }
        let name = isa_thumb::decode::encoding_name(ours.enc());
        match (ours.is_undefined(), theirs) {
            (true, None) => self.both_undefined += 1,
            (false, Some((m, o))) => {
                let (om, oo) = parts(ours, ADDR);
                if om == m && oo == o {
                    self.matched += 1;
                } else {
                    let key = if om.starts_with('<') {
                        format!("{name} (capstone {m})")
                    } else {
                        name.to_string()
                    };
                    self.mismatch(&key, hex, &format!("{om} {oo}"), &format!("{m} {o}"));
                }
            }
            (true, Some((m, o))) => {
                let (om, _) = parts(ours, ADDR);
                self.mismatch(
                    &format!("{name} (ours undefined, capstone {m})"),
                    hex,
                    &om,
                    &format!("{m} {o}"),
                );
            }
            (false, None) => {
                let (om, oo) = parts(ours, ADDR);
                self.mismatch(name, hex, &format!("{om} {oo}"), "<undefined>");
            }
        }
    }

    /// Prints the summary and fails listing the mismatches, if any.
    pub fn report(&self, what: &str) {
        eprintln!(
            "{what}: {} matched, {} undefined on both sides, {} excluded, {} mismatched",
            self.matched,
            self.both_undefined,
            self.excluded.values().sum::<u64>(),
            self.mismatches.values().map(|m| m.0).sum::<u64>()
        );
        for (reason, n) in &self.excluded {
            eprintln!("  excluded {n:>8}: {reason}");
        }
        let mut msg = String::new();
        for (name, (n, ex)) in &self.mismatches {
            msg.push_str(&format!("{name}: {n} mismatches\n"));
            for e in ex {
                msg.push_str(&format!("    {e}\n"));
            }
        }
        assert!(self.mismatches.is_empty(), "{what} mismatches:\n{msg}");
    }
}

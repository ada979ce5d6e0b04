//! FPv4-SP / FPv5 floating-point instructions (placeholder).
//!
//! Helper "dsp" replaces this file: it defines the [`FpInstr`] operations and their encoding
//! table entries. Until then no encoding decodes to [`crate::instr::Instr::Fp`], so coprocessor
//! encodings are UNDEFINED on every core. Keep [`FpInstr`] at most 12 bytes so that
//! [`crate::instr::Instr`] stays within 16.

/// A floating-point operation (no variants yet: filled in by helper "dsp").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FpInstr {}

/// Decodes a 32-bit FPU instruction (`None`: not an FPU encoding). The integer decoder calls
/// this first on ARMv7E-M cores; the placeholder claims nothing.
pub fn decode32(_hw1: u16, _hw2: u16) -> Option<FpInstr> {
    None
}

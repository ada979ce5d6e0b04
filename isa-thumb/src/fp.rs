//! FPv4-SP / FPv5 floating-point instructions (placeholder).
//!
//! Helper "dsp" replaces this file: it defines the [`FpInstr`] operations and their encoding
//! table entries. Until then no encoding decodes to [`crate::instr::Instr::Fp`], so coprocessor
//! encodings are UNDEFINED on every core. Keep [`FpInstr`] at most 12 bytes so that
//! [`crate::instr::Instr`] stays within 16.

/// A floating-point operation (no variants yet: filled in by helper "dsp").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FpInstr {}

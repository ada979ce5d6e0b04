//! Thumb and Thumb-2 for M-profile cores: a typed decoder built from one declarative encoding
//! table, an executor that returns facts ([`sim_core::Retired`]) or traps, and the exception
//! entry/return rules.

pub mod decode;
pub mod disasm;
pub mod dsp;
pub mod exception;
pub mod fp;
pub mod instr;
pub mod pipeline;
pub mod poll;

pub mod alu;
pub mod block;
pub mod exec;
#[cfg(feature = "jit")]
pub mod jit;
pub mod thumb;
pub mod timing;

pub use block::Engine;
pub use thumb::Thumb;

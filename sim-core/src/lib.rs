//! The thimble machine: CPU state, boards, ELF loader, memory map with limits, bus, exception
//! state, run loop and statistics.
//!
//! Data flows one way: an ELF becomes an [`loader::Image`], a [`board::Board`] becomes a
//! [`memory::MemoryMap`] on a [`bus::Bus`], and a [`machine::Machine`] steps an [`isa::Isa`]
//! over them. This crate knows no other crate of the workspace: instruction sets and devices
//! plug in through the [`isa::Isa`] and [`device::Device`] traits.

pub mod board;
pub mod budget;
pub mod bus;
pub mod chip;
pub mod clock;
pub mod console;
pub mod cpu;
pub mod debug;
pub mod device;
pub mod dwarf;
pub mod exception;
pub mod fetch;
pub mod input;
pub mod isa;
pub mod loader;
pub mod machine;
pub mod memory;
pub mod names;
pub mod power;
pub mod report;
pub mod stats;
pub mod trace;
pub mod units;

pub use board::{Board, CoreProfile};
pub use bus::Bus;
pub use cpu::Cpu;
pub use isa::{Fault, InstrClass, Isa, Retired, Trap};
pub use loader::Image;
pub use machine::{Machine, StopReason};

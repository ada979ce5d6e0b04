//! `thimble bench`: runs every firmware ELF on every board (and, for model firmware, every
//! input file) in parallel, one machine per thread, into one table of what the hardware would
//! say — cycles, latency, energy, flash, peak SRAM, stack, regions of interest, how much room
//! each limit leaves — written as text, CSV and JSON, and compared with a baseline.
//!
//! The matrix is [`Matrix::cells`]: ELFs x boards (x inputs), in that order; `--shard K/N`
//! keeps every N-th cell from the K-th, so CI jobs can split a sweep and [`merge`] joins the
//! slices' JSON again. A cell that cannot run (the ELF does not fit the board, the guest
//! faults) becomes a row saying why; it never stops the matrix.

pub mod compose;
pub mod matrix;
pub mod output;
pub mod symbols;

pub use matrix::{merge, BenchReport, Cell, InputSpec, Matrix, Row, Shard, SCHEMA_VERSION};

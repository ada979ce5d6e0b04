//! thimble's terminal debugger: a ratatui + crossterm UI over a [`sim_core::Machine`].
//!
//! [`App`] holds the machine and the debugger state; [`App::update`] is its only mutator, fed
//! [`Event`]s by the terminal loop in [`run_tui`]. Every pane is a pure `draw_*` function in
//! [`panes`] over `&App`, so a fixed state renders the same screen (snapshot-tested with
//! ratatui's `TestBackend`). Keys are data ([`keymap::KEYMAP`]); `?` shows them.

pub mod app;
pub mod command;
pub mod disasm;
pub mod dwarf;
pub mod keymap;
pub mod panes;
mod term;

pub use app::{App, Event, TuiOptions};
pub use term::run_tui;

/// Why the debugger could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    /// The terminal could not be set up, drawn or read.
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
    /// Capstone could not be initialised for Thumb.
    #[error("disassembler (capstone): {0}")]
    Disassembler(String),
}

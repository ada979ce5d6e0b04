//! tui's integration tests (pane snapshots, C++ names, the real terminal under tmux), one module
//! per topic, built as one test binary: every test binary links the crate and all its dependencies
//! again, so each crate's integration tests are one binary (`tests/it`), not 3. One module alone:
//! `cargo test -p tui --test it MODULE::`.

mod common;

mod cpp_names;
mod panes;
mod toolchain_tmux;

//! gdb's integration tests (the server over TCP, and real gdb-multiarch), one module per topic,
//! built as one test binary: every test binary links the crate and all its dependencies again, so
//! each crate's integration tests are one binary (`tests/it`), not 2. One module alone: `cargo
//! test -p gdb --test it MODULE::`.

mod server;
mod toolchain_gdb;

//! model-import's integration tests (the importer on the real models, the generated firmware and
//! kernels), one module per topic, built as one test binary: every test binary links the crate and
//! all its dependencies again, so each crate's integration tests are one binary (`tests/it`), not
//! 3. One module alone: `cargo test -p model-import --test it MODULE::`.

mod models;
mod toolchain_firmware;
mod toolchain_kernels;

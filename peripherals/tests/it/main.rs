//! peripherals's integration tests (chip devices under real firmware), one module per topic, built
//! as one test binary: every test binary links the crate and all its dependencies again, so each
//! crate's integration tests are one binary (`tests/it`), not 2. One module alone: `cargo test -p
//! peripherals --test it MODULE::`.

mod firmware;
mod toolchain_semihosting_exit;

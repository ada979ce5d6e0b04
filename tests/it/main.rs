//! thimble's integration tests (the command line on real firmware ELFs, against QEMU, TFLite Micro
//! and gdb), one module per topic, built as one test binary: every test binary links the crate and
//! all its dependencies again, so each crate's integration tests are one binary (`tests/it`), not
//! 22. One module alone: `cargo test --test it MODULE::`.

mod common;

mod bench;
mod board_linker_scripts;
mod board_nano33ble;
mod board_pico;
mod board_stm32;
mod calib_cycles;
mod ci_gating;
mod cli_errors;
mod cpp_names;
mod cyccnt_roi;
mod energy;
mod engines;
mod faults;
mod firmware_outputs;
mod kernels;
mod profile_trace;
mod robustness;
mod stack_recursion;
mod toolchain_fp_undefined;
mod toolchain_models;
mod toolchain_qemu;
mod trace;

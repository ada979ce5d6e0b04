//! isa-thumb's integration tests (the decoder against capstone and objdump, the executor, the
//! timing tables), one module per topic, built as one test binary: every test binary links the
//! crate and all its dependencies again, so each crate's integration tests are one binary
//! (`tests/it`), not 16. One module alone: `cargo test -p isa-thumb --test it MODULE::`.

mod capstone_common;
mod exec_support;

mod capstone_16bit;
mod capstone_32bit;
mod decode_arch;
mod decode_objdump;
mod dsp_decode;
mod dsp_exec;
mod dsp_qemu_replica;
mod exec_alu;
mod exec_control;
mod exec_mem;
mod fp_decode;
mod fp_exec;
mod fp_qemu_replica;
mod fp_soft;
mod fp_undefined;
mod timing;

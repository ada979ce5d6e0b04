//! libFuzzer entry for [`thimble_fuzz::gdb_packet`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| thimble_fuzz::gdb_packet(data));

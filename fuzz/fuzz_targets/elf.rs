//! libFuzzer entry for [`thimble_fuzz::elf`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| thimble_fuzz::elf(data));

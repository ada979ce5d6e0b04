//! libFuzzer entry for [`thimble_fuzz::budget`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| thimble_fuzz::budget(data));

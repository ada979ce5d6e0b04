//! libFuzzer entry for [`thimble_fuzz::exec`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| thimble_fuzz::exec(data));

//! libFuzzer entry for [`thimble_fuzz::board_toml`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| thimble_fuzz::board_toml(data));

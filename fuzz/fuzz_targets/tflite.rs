//! libFuzzer entry for [`thimble_fuzz::tflite`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| thimble_fuzz::tflite(data));

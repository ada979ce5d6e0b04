//! Raspberry Pi RP2040: its register map (generated from the SVD in pico-sdk) and the
//! behaviour of the peripherals firmware waits on.

#[rustfmt::skip]
pub mod rp2040_map;

use crate::chips::{no_setup, storage_only, Family};

/// The RP2040.
pub fn family() -> Family {
    Family {
        desc: &rp2040_map::CHIP,
        model: storage_only,
        setup: no_setup,
    }
}

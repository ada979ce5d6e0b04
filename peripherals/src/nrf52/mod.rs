//! Nordic nRF52840: its register map (generated from Nordic's SVD) and the behaviour of the
//! peripherals firmware waits on.

#[rustfmt::skip]
pub mod nrf52840_map;

use crate::chips::{no_setup, storage_only, Family};

/// The nRF52840.
pub fn family() -> Family {
    Family {
        desc: &nrf52840_map::CHIP,
        model: storage_only,
        setup: no_setup,
    }
}

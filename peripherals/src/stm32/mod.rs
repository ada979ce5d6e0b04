//! STMicroelectronics STM32L4R5 and STM32F746: their register maps (generated from ST's SVDs)
//! and the behaviour of the peripherals firmware waits on, shared by both where the
//! peripheral is the same IP.

#[rustfmt::skip]
pub mod stm32f746_map;
#[rustfmt::skip]
pub mod stm32l4r5_map;

use crate::chips::{no_setup, storage_only, Family};

/// The STM32L4R5 (NUCLEO-L4R5ZI).
pub fn l4r5() -> Family {
    Family {
        desc: &stm32l4r5_map::CHIP,
        model: storage_only,
        setup: no_setup,
    }
}

/// The STM32F746 (32F746G-DISCO).
pub fn f746() -> Family {
    Family {
        desc: &stm32f746_map::CHIP,
        model: storage_only,
        setup: no_setup,
    }
}

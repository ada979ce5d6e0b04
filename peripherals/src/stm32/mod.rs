//! STMicroelectronics STM32L4R5 and STM32F746: their register maps (generated from ST's SVDs)
//! and the behaviour of the peripherals firmware waits on, one model per IP shared by both
//! chips and parameterised where the IP differs:
//!
//! | file | peripherals | L4R5 (RM0432) | F746 (RM0385) |
//! |---|---|---|---|
//! | `rcc.rs` | RCC: oscillators, PLLs, clock tree | MSI 4 MHz at reset | HSI 16 MHz at reset |
//! | `pwr.rs` | PWR: voltage scaling | VOS, VOSF, CR5.R1MODE (boost) | over-drive ODEN/ODSWEN |
//! | `flash.rs` | FLASH_ACR: wait states, accelerator | LATENCY, PRFTEN, ICEN, DCEN | LATENCY, PRFTEN, ARTEN |
//! | `usart.rs` | USART1-3, UART4/5, LPUART1 (+USART6, UART7/8) | FIFO, PRESC | |
//! | `gpio.rs` | GPIOA-I (A-K) | BRR | |
//! | `tim.rs` | TIM2-TIM7 as time bases | | |
//! | `rng.rs` | RNG, deterministic | | |
//! | `dbgmcu.rs` | DBGMCU IDCODE 0x470 / 0x449 | | |
//! | `signature.rs` | unique ID and flash size in system memory | | |
//!
//! Everything else the SVD describes is storage that names each access as unmodelled.

pub mod dbgmcu;
pub mod flash;
pub mod gpio;
pub mod pwr;
pub mod rcc;
pub mod rng;
pub mod signature;
#[rustfmt::skip]
pub mod stm32f746_map;
#[rustfmt::skip]
pub mod stm32l4r5_map;
pub mod tim;
pub mod usart;

use crate::chips::{Family, Model};
use crate::PeripheralOptions;
use sim_core::board::{Board, RegionKind};
use sim_core::chip::{register_name, PeripheralDesc, RegisterFile};
use sim_core::device::{Device, DeviceCtx, DeviceError};
use sim_core::Machine;

/// The two chips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chip {
    /// STM32L4R5 (STM32L4+).
    L4r5,
    /// STM32F746 (STM32F7).
    F746,
}

impl Chip {
    /// DBGMCU_IDCODE: REV_ID 0x1001 (revision Z, RM0432 §57.6.1 / RM0385 §44.6.1) and
    /// DEV_ID 0x470 (STM32L4R5/R7/R9/S5/S7/S9) or 0x449 (STM32F74x/F75x).
    pub fn idcode(self) -> u32 {
        match self {
            Chip::L4r5 => 0x1001_0470,
            Chip::F746 => 0x1001_0449,
        }
    }

    fn rcc(self) -> rcc::Variant {
        match self {
            Chip::L4r5 => rcc::Variant::L4,
            Chip::F746 => rcc::Variant::F7,
        }
    }

    fn flash(self) -> flash::Variant {
        match self {
            Chip::L4r5 => flash::Variant::L4,
            Chip::F746 => flash::Variant::F7,
        }
    }

    fn pwr(self) -> pwr::Variant {
        match self {
            Chip::L4r5 => pwr::Variant::L4,
            Chip::F746 => pwr::Variant::F7,
        }
    }

    /// The device electronic signature window: base, size, UID and flash-size offsets.
    fn signature(self) -> (u32, u32, u32, u32) {
        match self {
            // RM0432 §58: package 0x1FFF_7500, UID 0x1FFF_7590, flash size 0x1FFF_75E0.
            Chip::L4r5 => (0x1FFF_7500, 0x100, 0x90, 0xE0),
            // RM0385 §45: UID 0x1FF0_F420, flash size 0x1FF0_F442.
            Chip::F746 => (0x1FF0_F420, 0x40, 0x00, 0x22),
        }
    }
}

/// Logs an access to a register of `regs` the model does not handle (Err with
/// `--strict-mmio`).
fn unmodelled(
    regs: &RegisterFile,
    offset: u32,
    write: bool,
    ctx: &mut DeviceCtx,
) -> Result<(), DeviceError> {
    let d = regs.desc;
    ctx.mmio
        .unmodelled(d.base + offset, d.name, &register_name(d, offset), write)
}

/// The behaviour model of peripheral `d` of `chip`, if it has one.
fn model(chip: Chip, d: &'static PeripheralDesc, board: &Board) -> Option<Box<dyn Device>> {
    let l4 = chip == Chip::L4r5;
    let dev: Box<dyn Device> = match d.name {
        "RCC" => Box::new(rcc::Rcc::new(chip.rcc(), d, board)),
        "PWR" => Box::new(pwr::Pwr::new(chip.pwr(), d)),
        "FLASH" => Box::new(flash::Flash::new(chip.flash(), d)),
        "LPUART1" => Box::new(usart::Usart::new(usart::Kind::Lpuart, d, l4)),
        n if n.starts_with("USART") || n.starts_with("UART") => {
            Box::new(usart::Usart::new(usart::Kind::Usart, d, l4))
        }
        n if n.starts_with("GPIO") => Box::new(gpio::Gpio::new(d, l4)),
        // TIM2-TIM7 sit on APB1 (RM0432 §2.2.2, RM0385 §2.2.2); TIM2 and TIM5 count 32 bits.
        "TIM2" | "TIM5" => Box::new(tim::Tim::new(d, "TIMCLK1", true)),
        "TIM3" | "TIM4" | "TIM6" | "TIM7" => Box::new(tim::Tim::new(d, "TIMCLK1", false)),
        "RNG" => Box::new(rng::Rng::new(d)),
        "DBGMCU" | "DBG" => Box::new(dbgmcu::Dbgmcu::new(d, chip.idcode())),
        _ => return None,
    };
    Some(dev)
}

fn l4r5_model(descs: &[&'static PeripheralDesc], board: &Board) -> Option<Model> {
    let d = descs.first()?;
    model(Chip::L4r5, d, board).map(|device| Model {
        device,
        size: d.size,
    })
}

fn f746_model(descs: &[&'static PeripheralDesc], board: &Board) -> Option<Model> {
    let d = descs.first()?;
    model(Chip::F746, d, board).map(|device| Model {
        device,
        size: d.size,
    })
}

/// What the chip is at reset beyond its registers: the clock tree's named clocks, the
/// flash timing FLASH_ACR's reset value gives (zero wait states; on the L4R5 its caches on,
/// on the F746 the Cortex-M7 caches off until CCR.IC/DC), and the signature in system memory.
fn setup(chip: Chip, machine: &mut Machine) {
    let rcc_desc = machine
        .bus
        .chip
        .and_then(|c| c.peripheral("RCC"))
        .expect("STM32 chips describe their RCC");
    let r = rcc::Rcc::new(chip.rcc(), rcc_desc, &machine.board);
    for (name, hz) in r.tree().domains() {
        machine.bus.clock.set_domain(name, hz);
    }
    let f = chip.flash();
    flash::apply(f, f.acr_reset(), &mut machine.bus.map);
    if chip == Chip::F746 {
        if let Some(a) = &mut machine.bus.map.accel {
            a.set_switches(false, false, false);
        }
    }
    let flash_bytes = machine
        .board
        .regions
        .iter()
        .find(|r| r.kind == RegionKind::Flash)
        .map_or(0, |r| r.size);
    let (base, size, uid, fsize) = chip.signature();
    machine.bus.add_device(
        base,
        size,
        Box::new(signature::Signature::new(
            "SIGNATURE",
            base,
            uid,
            fsize,
            flash_bytes,
        )),
    );
}

fn l4r5_setup(machine: &mut Machine, _: &PeripheralOptions) -> Result<(), String> {
    setup(Chip::L4r5, machine);
    Ok(())
}

fn f746_setup(machine: &mut Machine, _: &PeripheralOptions) -> Result<(), String> {
    setup(Chip::F746, machine);
    Ok(())
}

/// The STM32L4R5 (NUCLEO-L4R5ZI).
pub fn l4r5() -> Family {
    Family {
        desc: &stm32l4r5_map::CHIP,
        model: l4r5_model,
        setup: l4r5_setup,
    }
}

/// The STM32F746 (32F746G-DISCO).
pub fn f746() -> Family {
    Family {
        desc: &stm32f746_map::CHIP,
        model: f746_model,
        setup: f746_setup,
    }
}

#[cfg(test)]
mod tests;

//! Nordic nRF52840: its register map (generated from Nordic's SVD) and the behaviour of the
//! peripherals firmware waits on, one file each: FICR and UICR, CLOCK/POWER, NVMC, UART(E),
//! RTC, TIMER, GPIO, GPIOTE, PPI, RNG, TEMP. Every other described peripheral is storage that
//! names each access as unmodelled.
//!
//! Facts come from the nRF52840 Product Specification v1.7 (PS) and Nordic's SVD; each model
//! says which. At power-on the chip runs at 64 MHz from HFINT with the NVMC's instruction
//! cache off, flash that holds no program reads erased (0xFF), and the clocks are published
//! for the models that consume them (see [`clock`]).

#[rustfmt::skip]
pub mod nrf52840_map;

pub mod clock;
pub mod events;
pub mod ficr;
pub mod gpio;
pub mod gpiote;
pub mod nvmc;
pub mod ppi;
pub mod rng;
pub mod rtc;
pub mod temp;
pub mod timer;
pub mod uarte;
pub mod uicr;

use crate::chips::{Family, Model};
use crate::PeripheralOptions;
use events::Block;
use sim_core::board::{Board, RegionKind};
use sim_core::chip::PeripheralDesc;
use sim_core::device::Device;
use sim_core::Machine;

/// The nRF52840.
pub fn family() -> Family {
    Family {
        desc: &nrf52840_map::CHIP,
        model,
        setup,
    }
}

/// Size of one peripheral's address block.
const BLOCK: u32 = 0x1000;

/// The behaviour model of the peripherals at one base address.
fn model(group: &[&'static PeripheralDesc], _: &Board) -> Option<Model> {
    let first = group[0];
    let (device, size): (Box<dyn Device>, u32) = match first.name {
        "FICR" => (Box::new(Block(ficr::Ficr::new(first))), BLOCK),
        "UICR" => (Box::new(Block(uicr::Uicr::new(first))), BLOCK),
        // APPROTECT, CLOCK and POWER share 0x4000_0000.
        "APPROTECT" | "CLOCK" | "POWER" => (Box::new(Block(clock::ClockPower::new(group))), BLOCK),
        // UART0/UARTE0 share a block; UARTE1 is alone.
        "UART0" | "UARTE1" => (Box::new(Block(uarte::Uarte::new(group))), BLOCK),
        // PS: RTC0 has 3 compare registers, RTC1 and RTC2 have 4.
        "RTC0" => (Box::new(Block(rtc::Rtc::new(first, 3))), BLOCK),
        "RTC1" | "RTC2" => (Box::new(Block(rtc::Rtc::new(first, 4))), BLOCK),
        // PS: TIMER0-2 have 4 CC registers, TIMER3-4 have 6.
        "TIMER0" | "TIMER1" | "TIMER2" => (Box::new(Block(timer::Timer::new(first, 4))), BLOCK),
        "TIMER3" | "TIMER4" => (Box::new(Block(timer::Timer::new(first, 6))), BLOCK),
        // ACL and NVMC share 0x4001_E000.
        "ACL" | "NVMC" => (Box::new(Block(nvmc::Nvmc::new(group))), BLOCK),
        // P0's model serves P1 too (0x300 above, inside P0's block).
        "P0" => (Box::new(Block(gpio::Gpio::new(first))), gpio::WINDOW),
        "GPIOTE" => (Box::new(Block(gpiote::Gpiote::new(first))), BLOCK),
        "PPI" => (Box::new(Block(ppi::Ppi::new(first))), BLOCK),
        "RNG" => (Box::new(Block(rng::Rng::new(first))), BLOCK),
        "TEMP" => (Box::new(Block(temp::Temp::new(first))), BLOCK),
        _ => return None,
    };
    Some(Model { device, size })
}

/// Power-on state beyond each model's own: erased flash around the program, the NVMC's reset
/// switches (instruction cache off, flash read-only), the published clocks.
fn setup(machine: &mut Machine, _: &PeripheralOptions) -> Result<(), String> {
    erase_unprogrammed_flash(machine);
    nvmc::Nvmc::apply_reset(&mut machine.bus.map);
    clock::publish(&mut machine.bus.clock, false);
    machine.bus.reschedule();
    Ok(())
}

/// Flash bytes no segment of the program loads read 0xFF, as on a chip erased and then
/// programmed (the memory map starts zeroed).
fn erase_unprogrammed_flash(machine: &mut Machine) {
    let loaded: Vec<(u64, u64)> = machine
        .image
        .segments
        .iter()
        .filter(|s| !s.data.is_empty())
        .map(|s| (u64::from(s.paddr), u64::from(s.paddr) + s.data.len() as u64))
        .collect();
    for r in &mut machine.bus.map.regions {
        if r.kind != RegionKind::Flash {
            continue;
        }
        let base = u64::from(r.base);
        let mut keep = vec![false; r.data.len()];
        for &(a, b) in &loaded {
            let a = a.max(base);
            let b = b.min(base + r.data.len() as u64);
            if a < b {
                keep[(a - base) as usize..(b - base) as usize].fill(true);
            }
        }
        for (d, k) in r.data.iter_mut().zip(keep) {
            if !k {
                *d = 0xFF;
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! A nano33ble machine with no program, and a way to let simulated time pass.

    use sim_core::bus::Bus;
    use sim_core::Machine;

    /// nano33ble with its chip attached (no program loaded).
    pub fn nrf() -> Machine {
        crate::testutil::chip_machine("nano33ble")
    }

    /// Lets `us` microseconds pass on `bus`, running every device event on its cycle.
    pub fn advance_us(bus: &mut Bus, us: u64) {
        let seg = bus.clock.segment();
        let target = seg.cycle_at(seg.ps_at(bus.now) + us * 1_000_000);
        for _ in 0..1_000_000 {
            bus.reschedule();
            if bus.next_event > target {
                bus.now = target;
                return;
            }
            bus.now = bus.now.max(bus.next_event);
            bus.service_events();
        }
        panic!("a device keeps its event in the past");
    }
}

//! Chips on the bus: a board names its chip; every peripheral of the chip's register map is
//! mapped, served by its family's behaviour model where one exists and otherwise by plain
//! storage ([`Described`]) that names each access as unmodelled. Addresses outside every
//! described peripheral fault, as on silicon.

use crate::PeripheralOptions;
use sim_core::board::Board;
use sim_core::chip::{ChipDesc, Described, PeripheralDesc};
use sim_core::clock::{Clock, ClockSource};
use sim_core::device::Device;
use sim_core::Machine;

/// A behaviour model for the peripherals at one base address, and the size of the address
/// window it serves (e.g. the RP2040's atomic set/clear/xor aliases make it 0x4000).
pub struct Model {
    /// The device.
    pub device: Box<dyn Device>,
    /// Bytes from the base that it serves.
    pub size: u32,
}

/// A chip family's behaviour, for one chip.
pub struct Family {
    /// The chip's register map.
    pub desc: &'static ChipDesc,
    /// The model for the peripherals described at one base address (several on nRF chips),
    /// or `None` to leave them plain storage.
    pub model: fn(&[&'static PeripheralDesc], &Board) -> Option<Model>,
    /// What else the chip needs once its peripherals are mapped (a boot ROM, native
    /// routines); errors name what is wrong with the program or board.
    pub setup: fn(&mut Machine, &PeripheralOptions) -> Result<(), String>,
}

/// The chips thimble knows, by the name a board file gives.
pub const CHIPS: [&str; 4] = ["nrf52840", "stm32l4r5", "stm32f746", "rp2040"];

/// The family behaviour of chip `name`.
pub fn family(name: &str) -> Option<Family> {
    match name {
        "nrf52840" => Some(crate::nrf52::family()),
        "stm32l4r5" => Some(crate::stm32::l4r5()),
        "stm32f746" => Some(crate::stm32::f746()),
        "rp2040" => Some(crate::rp2040::family()),
        _ => None,
    }
}

/// Maps the board's chip, if it names one: its clock starts at the reset rate (unless
/// `--clock` fixed it), its peripherals go on the bus, then the family's set-up runs.
pub fn attach(machine: &mut Machine, opts: &PeripheralOptions) -> Result<(), String> {
    let Some(name) = machine.board.chip.clone() else {
        return Ok(());
    };
    let fam = family(&name).ok_or_else(|| {
        format!(
            "board {}: unknown chip '{name}' (known: {})",
            machine.board.name,
            CHIPS.join(", ")
        )
    })?;
    machine.bus.chip = Some(fam.desc);
    if !machine.board.clock_pinned {
        machine.bus.clock = Clock::new(machine.board.clock_hz, ClockSource::Reset);
    }
    let board = machine.board.clone();
    let ps = fam.desc.peripherals;
    let mut i = 0;
    while i < ps.len() {
        let base = ps[i].base;
        let j = i + ps[i..].iter().take_while(|p| p.base == base).count();
        let group: Vec<&'static PeripheralDesc> = ps[i..j].iter().collect();
        i = j;
        // A model's window is what the model says (one model may serve the next peripheral
        // too: nRF P0 and P1 in one GPIO model). Described blocks may overlap the next
        // peripheral's (nRF P0's 4 KiB holds P1): their window ends where the next
        // peripheral's first register is.
        let (device, end): (Box<dyn Device>, u64) = match (fam.model)(&group, &board) {
            Some(m) => (m.device, u64::from(base) + u64::from(m.size)),
            None => {
                let size = group.iter().map(|d| d.size).max().unwrap_or(0);
                let next = ps.get(j).map(|n| {
                    u64::from(n.base) + u64::from(n.registers.first().map_or(0, |r| r.offset))
                });
                let end = (u64::from(base) + u64::from(size)).min(next.unwrap_or(u64::MAX));
                (Box::new(Described::new(&group)), end)
            }
        };
        let size = (end - u64::from(base)) as u32;
        // The Cortex-M system peripherals (SCS, DWT) are the core's, already mapped.
        let taken = machine.bus.devices.iter().any(|m| {
            u64::from(m.base) < end && u64::from(base) < u64::from(m.base) + u64::from(m.size)
        });
        if size > 0 && !taken {
            machine.bus.add_device(base, size, device);
        }
    }
    (fam.setup)(machine, opts)
}

/// A family's `setup` that needs nothing more.
pub fn no_setup(_: &mut Machine, _: &PeripheralOptions) -> Result<(), String> {
    Ok(())
}

/// A family's `model` that has no behaviour models yet.
pub fn storage_only(_: &[&'static PeripheralDesc], _: &Board) -> Option<Model> {
    None
}

//! Devices of the modelled boards: the Cortex-M system control space (NVIC, SCB, SysTick, DWT,
//! FPU control), the CMSDK UART of the MPS2 boards, and ARM semihosting with a host sandbox.

pub mod chips;
pub mod dwt;
pub mod nrf52;
pub mod rp2040;
pub mod scs;
pub mod semihosting;
pub mod stm32;
pub mod uart;

use sim_core::board::RegionKind;
use sim_core::Machine;
use std::path::PathBuf;

/// What the command line decides about the devices.
#[derive(Debug, Clone, Default)]
pub struct PeripheralOptions {
    /// Semihosting may open host files only inside this directory; `None`: never.
    pub semihosting_root: Option<PathBuf>,
    /// What SYS_GET_CMDLINE returns (the program name by default).
    pub cmdline: String,
}

/// Where the program's heap and stack may go: heap from the end of the statically allocated
/// SRAM (.data/.bss) up to the initial SP, the stack below the initial SP down to the same point.
pub fn heap_info(machine: &Machine) -> semihosting::HeapInfo {
    let sram = |a: u64| {
        machine
            .board
            .regions
            .iter()
            .any(|r| r.kind == RegionKind::Sram && a >= u64::from(r.base) && a < r.end())
    };
    let static_end = machine
        .image
        .sections
        .iter()
        .filter(|s| s.alloc && s.write && sram(u64::from(s.addr)))
        .map(|s| u64::from(s.addr) + s.size)
        .max();
    let sram_base = machine
        .board
        .regions
        .iter()
        .find(|r| r.kind == RegionKind::Sram)
        .map_or(0, |r| r.base);
    let heap_base = static_end.map_or(sram_base, |e| ((e + 7) & !7) as u32);
    let sp = machine.bus.peek(machine.bus.exc.vtor, 4).unwrap_or(0) & !7;
    let top = if sp > heap_base { sp } else { heap_base };
    semihosting::HeapInfo {
        heap_base,
        heap_limit: top,
        stack_base: top,
        stack_limit: heap_base,
    }
}

/// Adds the SCS (0xE000_E000), the DWT (0xE000_1000), the board's chip (its register map and
/// peripheral models, see [`chips`]), the board's devices (`cmsdk-uart`) and semihosting to
/// `machine`. Errors name a chip the board file names but thimble does not know, or what the
/// chip's set-up refuses (e.g. an RP2040 image without a valid boot2).
pub fn attach(machine: &mut Machine, opts: &PeripheralOptions) -> Result<(), String> {
    let board = machine.board.clone();
    machine.bus.add_device(
        scs::SCS_BASE,
        scs::SCS_SIZE,
        Box::new(scs::Scs::new(&board)),
    );
    machine.bus.add_device(
        dwt::DWT_BASE,
        dwt::DWT_SIZE,
        Box::new(dwt::Dwt::new(&board)),
    );
    chips::attach(machine, opts)?;
    for d in &board.devices {
        if d.kind == "cmsdk-uart" {
            machine.bus.add_device(
                d.base,
                uart::UART_SIZE,
                Box::new(uart::CmsdkUart::new(&d.name, d.irq)),
            );
        }
    }
    let heap = heap_info(machine);
    machine.semihost = Some(Box::new(semihosting::Semihosting::new(
        opts.semihosting_root.as_deref(),
        &opts.cmdline,
        heap,
    )));
    Ok(())
}

#[cfg(test)]
mod testutil;

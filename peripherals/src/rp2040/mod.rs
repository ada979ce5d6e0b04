//! Raspberry Pi RP2040: its register map (generated from the SVD in pico-sdk), the boot ROM
//! thimble generates with its routines served natively, and the behaviour of the peripherals
//! firmware waits on. Every peripheral sits behind the chip's bus fabric ([`fabric`]: 32-bit
//! registers, atomic XOR/SET/CLR aliases); peripherals without a model are storage whose
//! accesses are named as unmodelled.
//!
//! Core 1 is not run: see `sio` for how its launch through the FIFO is answered.

pub mod clocks;
pub mod fabric;
pub mod float;
pub mod pll;
pub mod resets;
pub mod rom;
pub mod rosc;
#[rustfmt::skip]
pub mod rp2040_map;
pub mod sio;
pub mod ssi;
pub mod timer;
pub mod uart;
pub mod watchdog;
pub mod xip;
pub mod xosc;

/// The chip's clocks as the models publish them (`Clock::set_domain`) and read them: each
/// source publishes its output, CLOCKS the generated clocks, WATCHDOG the tick rate; a
/// consumer that sees a value change (in its `next_event`) updates itself at once.
pub mod domain {
    /// Ring oscillator output (rosc_clksrc), Hz; 0 when stopped.
    pub const ROSC: &str = "rosc";
    /// Crystal oscillator output (xosc_clksrc), Hz; 0 until stable.
    pub const XOSC: &str = "xosc";
    /// PLL_SYS output, Hz; 0 unless locked and powered.
    pub const PLL_SYS: &str = "pll_sys";
    /// PLL_USB output, Hz.
    pub const PLL_USB: &str = "pll_usb";
    /// clk_ref, Hz.
    pub const CLK_REF: &str = "clk_ref";
    /// clk_sys, Hz (the core clock unless `--clock` pins it).
    pub const CLK_SYS: &str = "clk_sys";
    /// clk_peri (UART and SPI reference), Hz; 0 when disabled.
    pub const CLK_PERI: &str = "clk_peri";
    /// clk_usb, Hz.
    pub const CLK_USB: &str = "clk_usb";
    /// clk_adc, Hz.
    pub const CLK_ADC: &str = "clk_adc";
    /// clk_rtc, Hz.
    pub const CLK_RTC: &str = "clk_rtc";
    /// The watchdog's tick (TIMER and watchdog counting rate), ticks per second.
    pub const TICK: &str = "tick";
}

/// Whether the clock does not (yet) publish `value` under `name`: the model must publish.
pub(crate) fn stale(clock: &sim_core::clock::Clock, name: &str, value: u64) -> bool {
    clock.domain(name) != Some(value)
}

/// The value of domain `name`, 0 when nothing published it.
pub(crate) fn hz(clock: &sim_core::clock::Clock, name: &str) -> u64 {
    clock.domain(name).unwrap_or(0)
}

use crate::chips::{Family, Model};
use crate::PeripheralOptions;
use fabric::{Fabric, Storage, Unmodelled, ALIASED_WINDOW};
use sim_core::board::{Board, RegionKind};
use sim_core::chip::PeripheralDesc;
use sim_core::loader::{Symbol, SymbolKind};
use sim_core::Machine;

/// The RP2040.
pub fn family() -> Family {
    Family {
        desc: &rp2040_map::CHIP,
        model,
        setup,
    }
}

/// SYSINFO.CHIP_ID of an RP2040-B2 (datasheet §2.20: MANUFACTURER 0x927, PART 0x0002,
/// REVISION 2) and PLATFORM.ASIC; the SVD gives both as 0.
const SYSINFO_VALUES: [(u32, u32); 2] = [(0x0, 0x2000_2927), (0x4, 0x2)];
/// PSM.DONE: every power domain is up (the SVD's reset value is 0).
const PSM_VALUES: [(u32, u32); 1] = [(0xC, 0x1_FFFF)];
/// USB.SIE_CTRL's offset (RP2040 datasheet §4.1.4, USB register list).
const USB_SIE_CTRL: u32 = 0x4C;

fn aliased<B: fabric::Block + 'static>(b: B) -> Option<Model> {
    Some(Model {
        device: Box::new(Fabric::aliased(b)),
        size: ALIASED_WINDOW,
    })
}

fn model(descs: &[&'static PeripheralDesc], _board: &Board) -> Option<Model> {
    let d = descs[0];
    match d.name {
        // The SVD's list of spare interrupt numbers, not a register block: the boot ROM is at
        // 0x0000_0000.
        "SPARE_IRQ" => Some(Model {
            device: Box::new(Fabric::plain(Unmodelled::new(d))),
            size: 0,
        }),
        // The Cortex-M0+'s own system peripherals, already on the bus.
        "PPB" => None,
        "SSI" => Some(Model {
            device: Box::new(Fabric::plain(ssi::Ssi::new(d))),
            size: 0x100,
        }),
        // The SIO has no atomic aliases; its window is its registers.
        "SIO" => Some(Model {
            device: Box::new(Fabric::plain(sio::Sio::new(d))),
            size: 0x180,
        }),
        "XIP_CTRL" => aliased(xip::XipCtrl::new(d)),
        "CLOCKS" => aliased(clocks::Clocks::new(d, rosc::BOOT_HZ)),
        "RESETS" => aliased(resets::Resets::new(d)),
        "XOSC" => aliased(xosc::Xosc::new(d)),
        "ROSC" => aliased(rosc::Rosc::new(d)),
        "PLL_SYS" | "PLL_USB" => aliased(pll::Pll::new(d)),
        "WATCHDOG" => aliased(watchdog::Watchdog::new(d)),
        "TIMER" => aliased(timer::Timer::new(d)),
        "UART0" | "UART1" => aliased(uart::Uart::new(d)),
        "SYSINFO" => aliased(Storage::with_values(d, &SYSINFO_VALUES)),
        "PSM" => aliased(Storage::with_values(d, &PSM_VALUES)),
        // USB is not modelled, but every pico-sdk program's runtime start-up reads SIE_CTRL
        // and, at its reset value, sets TRANSCEIVER_PD (runtime_init_usb_power_down): powering
        // down a PHY thimble does not have is what storage does. Every other USB register is
        // named as unmodelled.
        "USB" => aliased(Storage::only(d, &[USB_SIE_CTRL])),
        // Configuration the firmware writes and reads back; the storage is the model.
        "SYSCFG"
        | "IO_BANK0"
        | "IO_QSPI"
        | "PADS_BANK0"
        | "PADS_QSPI"
        | "BUSCTRL"
        | "VREG_AND_CHIP_RESET"
        | "TBMAN" => aliased(Storage::new(d)),
        _ => aliased(Unmodelled::new(d)),
    }
}

/// The boot ROM's region, its contents and native routines, boot2's check.
fn setup(m: &mut Machine, _opts: &PeripheralOptions) -> Result<(), String> {
    let has_rom =
        m.board.regions.iter().any(|r| {
            r.kind == RegionKind::Rom && r.base == rom::ROM_BASE && r.size >= rom::ROM_SIZE
        });
    if !has_rom {
        return Err(format!(
            "board {}: the RP2040 needs its boot ROM, a region of kind \"rom\" of {} KiB at \
             0x{:08x}",
            m.board.name,
            rom::ROM_SIZE / 1024,
            rom::ROM_BASE
        ));
    }
    rom::check_boot2(m.bus.peek_bytes(rom::BOOT2_FLASH, rom::BOOT2_SIZE as u32))?;
    // The stack peak is the image's: measured from the stack top its vector table gives, and
    // not counting the ROM's and boot2's stack (below boot2's copy at 0x2004_1F00).
    m.image_sp = m.bus.peek(rom::IMAGE_VECTORS, 4);
    m.stats.boot_code = vec![
        (rom::ROM_BASE, rom::ROM_BASE + rom::ROM_SIZE),
        (rom::BOOT2_SRAM, rom::BOOT2_SRAM + rom::BOOT2_SIZE as u32),
    ];
    let img = rom::image();
    m.bus
        .poke_bytes(rom::ROM_BASE, &img.bytes)
        .map_err(|e| format!("boot ROM: {e}"))?;
    m.add_native(
        rom::ROM_BASE..rom::ROM_BASE + rom::ROM_SIZE,
        Box::new(rom::BootRom::new()),
    );
    for (addr, name) in img.symbols {
        m.image.symbols.push(Symbol {
            name,
            addr,
            size: 4,
            kind: SymbolKind::Func,
        });
    }
    m.image
        .symbols
        .sort_by(|a, b| a.addr.cmp(&b.addr).then_with(|| a.name.cmp(&b.name)));
    Ok(())
}

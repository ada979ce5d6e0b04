//! Test helpers: a bus of a built-in board with the SCS, DWT and UARTs mapped.

use sim_core::board::Board;
use sim_core::bus::Bus;
use sim_core::console::Console;
use sim_core::exception::ExceptionState;
use sim_core::memory::MemoryMap;

pub fn bus(board: &str) -> Bus {
    let b = Board::load(board).unwrap();
    let mut bus = Bus::new(
        MemoryMap::new(&b),
        ExceptionState::new(&b),
        Console::new(false),
    );
    bus.clock = sim_core::clock::Clock::new(b.clock_hz, sim_core::clock::ClockSource::Board);
    bus.add_device(
        crate::scs::SCS_BASE,
        crate::scs::SCS_SIZE,
        Box::new(crate::scs::Scs::new(&b)),
    );
    bus.add_device(
        crate::dwt::DWT_BASE,
        crate::dwt::DWT_SIZE,
        Box::new(crate::dwt::Dwt::new(&b)),
    );
    for d in &b.devices {
        bus.add_device(
            d.base,
            crate::uart::UART_SIZE,
            Box::new(crate::uart::CmsdkUart::new(&d.name, d.irq)),
        );
    }
    bus
}

/// A machine of a built-in chip board with an empty program: the chip's peripherals mapped
/// as `thimble run` maps them.
pub fn chip_machine(board: &str) -> sim_core::Machine {
    let b = Board::load(board).unwrap();
    let image = sim_core::loader::Image {
        entry: 0,
        segments: Vec::new(),
        sections: Vec::new(),
        symbols: Vec::new(),
        bytes: Vec::new(),
    };
    let isa = Box::new(isa_thumb::Thumb::new(b.core, b.fpu()));
    let mut m = sim_core::Machine::new(b, image, isa, Console::new(false)).unwrap();
    crate::attach(&mut m, &crate::PeripheralOptions::default()).unwrap();
    m
}

/// Advances the bus to cycle `to`, running every device event on the way.
pub fn run_to(bus: &mut Bus, to: u64) {
    while bus.next_event <= to {
        bus.now = bus.now.max(bus.next_event);
        bus.service_events();
    }
    bus.now = bus.now.max(to);
}

/// Advances the bus by `us` microseconds of simulated time (at the clock rates in force).
pub fn run_us(bus: &mut Bus, us: u64) {
    let target_ps = bus.clock.ps_at(bus.now) + us * 1_000_000;
    loop {
        let to = bus.clock.segment().cycle_at(target_ps);
        if bus.next_event > to {
            bus.now = bus.now.max(to);
            return;
        }
        bus.now = bus.now.max(bus.next_event);
        bus.service_events();
    }
}

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

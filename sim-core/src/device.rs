//! The device contract: memory-mapped registers that own their state, see the clock, memory
//! and exception state through a [`DeviceCtx`], and schedule their own events in simulated
//! time (picoseconds, see [`crate::clock`]).

use crate::chip::Mmio;
use crate::clock::Clock;
use crate::console::Console;
use crate::exception::ExceptionState;
use crate::memory::MemoryMap;

/// Access width in bytes (1, 2 or 4).
pub type Width = u8;

/// What a device sees of the machine during an access, an event or a reset.
pub struct DeviceCtx<'a> {
    /// Core cycles since reset.
    pub now: u64,
    /// The device's base address (as mapped).
    pub base: u32,
    /// The core clock and the chip's named clocks; a clock controller changes them here.
    pub clock: &'a mut Clock,
    /// NVIC/SCB state: devices pend interrupts here.
    pub exc: &'a mut ExceptionState,
    /// Guest output.
    pub console: &'a mut Console,
    /// Memory: DMA reads and writes RAM here; a flash controller sets the flash region's wait
    /// states and its accelerator's switches here (then bumps `code_epoch`).
    pub map: &'a mut MemoryMap,
    /// Bump when flash contents or flash timing change (drops decoded instructions).
    pub code_epoch: &'a mut u64,
    /// The log of unmodelled register accesses.
    pub mmio: &'a mut Mmio,
}

impl DeviceCtx<'_> {
    /// Simulated time now, in picoseconds since reset.
    pub fn now_ps(&self) -> u64 {
        self.clock.segment().ps_at(self.now)
    }

    /// The frequency of a named clock of the chip, falling back to the core clock when the
    /// clock controller has not published it.
    pub fn clock_hz(&self, name: &str) -> u64 {
        self.clock.domain(name).unwrap_or_else(|| self.clock.hz())
    }
}

/// What a side-effect-free read sees (TUI, gdb).
pub struct Peek<'a> {
    /// Core cycles since reset.
    pub now: u64,
    /// The clock.
    pub clock: &'a Clock,
    /// NVIC/SCB state.
    pub exc: &'a ExceptionState,
}

impl Peek<'_> {
    /// Simulated time now, in picoseconds since reset.
    pub fn now_ps(&self) -> u64 {
        self.clock.segment().ps_at(self.now)
    }
}

/// A device register access the device refuses: the bus turns it into a precise BusFault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceError;

/// The pins of one GPIO port as its chip's GPIO model shows them (the TUI draws them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortPins {
    /// Port name as the vendor spells it ("P0", "GPIOA").
    pub name: String,
    /// Pins the port has (at most 32): pin `n` is bit `n` of the masks.
    pub count: u8,
    /// Pins the chip drives (configured as outputs).
    pub output: u32,
    /// Pin levels: the driven level of an output, what an input reads.
    pub level: u32,
}

/// A memory-mapped device.
pub trait Device {
    /// Instance name for reports ("UART0", "SysTick").
    fn name(&self) -> &str;

    /// Reads `width` bytes at `offset` from the device's base. May have side effects.
    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError>;

    /// Writes `width` bytes at `offset`.
    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError>;

    /// Reads without side effects (TUI, gdb); `None` where a read would have side effects
    /// that cannot be avoided or the register does not exist.
    fn peek(&self, offset: u32, width: Width, at: &Peek) -> Option<u32>;

    /// The time of this device's next event in picoseconds since reset (a timer reaching
    /// zero, a byte finishing transmission), if any. A device counting core cycles turns its
    /// cycle into time with `clock.segment().ps_at(cycle)`.
    fn next_event(&self, _clock: &Clock) -> Option<u64> {
        None
    }

    /// Called when time reaches [`Device::next_event`].
    fn on_event(&mut self, _ctx: &mut DeviceCtx) {}

    /// Back to the reset state (system reset).
    fn reset(&mut self, _ctx: &mut DeviceCtx) {}

    /// The GPIO ports this device drives, for the TUI (none unless it is a GPIO model).
    fn pins(&self) -> Vec<PortPins> {
        Vec::new()
    }
}

//! The device contract: memory-mapped registers that own their state, see the clock and the
//! exception state through a [`DeviceCtx`], and schedule their own events.

use crate::console::Console;
use crate::exception::ExceptionState;

/// Access width in bytes (1, 2 or 4).
pub type Width = u8;

/// What a device sees of the machine during an access or an event.
pub struct DeviceCtx<'a> {
    /// Cycles since reset.
    pub now: u64,
    /// NVIC/SCB state: devices pend interrupts here.
    pub exc: &'a mut ExceptionState,
    /// Guest output.
    pub console: &'a mut Console,
}

/// A device register access the device refuses: the bus turns it into a precise BusFault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceError;

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
    fn peek(&self, offset: u32, width: Width, now: u64, exc: &ExceptionState) -> Option<u32>;

    /// The cycle of this device's next event (a timer reaching zero), if any.
    fn next_event(&self) -> Option<u64> {
        None
    }

    /// Called when time reaches [`Device::next_event`].
    fn on_event(&mut self, _ctx: &mut DeviceCtx) {}

    /// Back to the reset state.
    fn reset(&mut self) {}
}

//! What every nRF52 peripheral shares (nRF52840 Product Specification v1.7, "Peripheral
//! interface"): tasks at 0x000.., events at 0x100 + 4·n, SHORTS at 0x200, INTEN at 0x300 with
//! INTENSET/INTENCLR at 0x304/0x308, where INTEN bit `n` enables the interrupt of the event at
//! 0x100 + 4·n; the peripheral's interrupt line is high while an enabled event is set. Plus the
//! storage of a peripheral's described registers at one base address ([`Regs`]), which names
//! what a model does not handle in the run's unmodelled log, and the one [`Device`] every model
//! is served by ([`Block`] over a word-level [`Peripheral`]).

use sim_core::chip::{merge_sub_word, register_name, sub_word, PeripheralDesc, RegisterFile};
use sim_core::clock::Clock;
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, PortPins, Width};
use sim_core::exception::IrqLine;

/// First event register.
pub const EVENTS: u32 = 0x100;
/// One past the last event register.
pub const EVENTS_END: u32 = 0x180;
/// Interrupt enable (read/write).
pub const INTEN: u32 = 0x300;
/// Interrupt enable: write one to set.
pub const INTENSET: u32 = 0x304;
/// Interrupt enable: write one to clear.
pub const INTENCLR: u32 = 0x308;

/// The index of the event register at `offset` (0x100 + 4·n), if it is one.
pub fn event_index(offset: u32) -> Option<u32> {
    (EVENTS..EVENTS_END)
        .contains(&offset)
        .then(|| (offset - EVENTS) / 4)
}

/// A peripheral's events and interrupt enables, and the interrupt line they drive: high while
/// an enabled event is set (level-sensitive to the NVIC: a handler that returns without
/// clearing its event is entered again, see [`sim_core::exception`]).
#[derive(Debug, Clone)]
pub struct Events {
    /// Set events, one bit per event index.
    set: u32,
    /// Interrupt enables (INTEN).
    pub inten: u32,
    line: IrqLine,
}

impl Events {
    /// No events, interrupts off, driving IRQ `irq`.
    pub fn new(irq: Option<u16>) -> Events {
        Events {
            set: 0,
            inten: 0,
            line: IrqLine::new(irq),
        }
    }

    /// Hardware generates event `n`.
    pub fn fire(&mut self, n: u32, ctx: &mut DeviceCtx) {
        self.set |= 1 << n;
        self.drive(ctx);
    }

    /// Whether event `n` is set.
    pub fn is_set(&self, n: u32) -> bool {
        self.set & (1 << n) != 0
    }

    fn drive(&mut self, ctx: &mut DeviceCtx) {
        self.line.drive(self.set & self.inten != 0, ctx.exc);
    }

    /// Serves the shared registers: an event register, INTEN, INTENSET, INTENCLR. `None` when
    /// `offset` (word aligned) is none of them. Writing 0 to an event clears it; writing 1 sets
    /// it, as software may (PS, "Peripheral interface").
    pub fn access(&mut self, offset: u32, write: Option<u32>, ctx: &mut DeviceCtx) -> Option<u32> {
        if let Some(n) = event_index(offset) {
            if let Some(v) = write {
                if v & 1 != 0 {
                    self.set |= 1 << n;
                } else {
                    self.set &= !(1 << n);
                }
                self.drive(ctx);
            }
            return Some(u32::from(self.is_set(n)));
        }
        match (offset, write) {
            (INTEN, Some(v)) => self.inten = v,
            (INTENSET, Some(v)) => self.inten |= v,
            (INTENCLR, Some(v)) => self.inten &= !v,
            (INTEN | INTENSET | INTENCLR, None) => {}
            _ => return None,
        }
        self.drive(ctx);
        Some(self.inten)
    }

    /// What [`Events::access`] reads, without side effects.
    pub fn peek(&self, offset: u32) -> Option<u32> {
        if let Some(n) = event_index(offset) {
            return Some(u32::from(self.is_set(n)));
        }
        matches!(offset, INTEN | INTENSET | INTENCLR).then_some(self.inten)
    }

    /// Back to reset: no events, interrupts off, the line low.
    pub fn reset(&mut self, ctx: &mut DeviceCtx) {
        (self.set, self.inten) = (0, 0);
        self.drive(ctx);
    }
}

/// The described registers of the peripherals at one base address (nRF chips put several
/// views of one block there: UART0 and UARTE0; CLOCK, POWER and APPROTECT) as storage with
/// reset values; the first description naming an offset serves it.
#[derive(Debug, Clone)]
pub struct Regs {
    files: Vec<RegisterFile>,
}

impl Regs {
    /// Storage for `descs` (at least one).
    pub fn new(descs: &[&'static PeripheralDesc]) -> Regs {
        Regs {
            files: descs.iter().map(|d| RegisterFile::new(d)).collect(),
        }
    }

    /// The first description (names the device).
    pub fn desc(&self) -> &'static PeripheralDesc {
        self.files[0].desc
    }

    fn file(&self, offset: u32) -> Option<usize> {
        self.files
            .iter()
            .position(|f| f.desc.register_holding(offset).is_some())
    }

    /// Whether a described register holds byte `offset`.
    pub fn describes(&self, offset: u32) -> bool {
        self.file(offset).is_some()
    }

    /// The stored value of the register at `offset` (0 when none is described there).
    pub fn get(&self, offset: u32) -> u32 {
        self.file(offset)
            .and_then(|i| self.files[i].get(offset))
            .unwrap_or(0)
    }

    /// Sets the register at `offset` as hardware would.
    pub fn set(&mut self, offset: u32, value: u32) {
        if let Some(i) = self.file(offset) {
            self.files[i].set(offset, value);
        }
    }

    /// A software read (`None`: no register there).
    pub fn read(&self, offset: u32, width: Width) -> Option<u32> {
        self.files[self.file(offset)?].read(offset, width)
    }

    /// A software write with the register's masks; returns the register's new value.
    pub fn write(&mut self, offset: u32, width: Width, value: u32) -> Option<u32> {
        let i = self.file(offset)?;
        self.files[i].write(offset, width, value).map(|(_, v)| v)
    }

    /// Back to reset values.
    pub fn reset(&mut self) {
        for f in &mut self.files {
            f.reset();
        }
    }

    /// Names an access at `offset` that the model does not handle in the unmodelled log
    /// (`Err` with `--strict-mmio`).
    pub fn unmodelled(
        &self,
        offset: u32,
        write: bool,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let d = self
            .file(offset)
            .map_or(self.desc(), |i| self.files[i].desc);
        ctx.mmio
            .unmodelled(d.base + offset, d.name, &register_name(d, offset), write)
    }

    /// Names an unmodelled behaviour of the register at `offset` ("TXD.PTR (not in RAM)").
    pub fn unmodelled_as(
        &self,
        offset: u32,
        what: &str,
        write: bool,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let d = self
            .file(offset)
            .map_or(self.desc(), |i| self.files[i].desc);
        let name = format!("{} ({what})", register_name(d, offset));
        ctx.mmio.unmodelled(d.base + offset, d.name, &name, write)
    }
}

/// An nRF52 peripheral model, a word at a time; [`Block`] serves it on the bus. The models work
/// on aligned words: a sub-word read takes its bytes of the word, a sub-word write merges into
/// [`Peripheral::merge_base`] (PS, "Peripheral interface": registers are 32 bits wide).
pub trait Peripheral {
    /// Instance name for reports.
    fn name(&self) -> &str;

    /// Its described registers (they name what the model does not handle).
    fn regs(&self) -> &Regs;

    /// What a read of the word at `off` returns, without side effects; `None` where the model
    /// has no register.
    fn word(&self, off: u32, at: &Peek) -> Option<u32>;

    /// What a read of a word with no register returns, once it is named as unmodelled: 0
    /// (FICR and UICR read erased, 0xFFFF_FFFF).
    fn absent(&self) -> u32 {
        0
    }

    /// A read of the word at `off`: [`Peripheral::word`], or [`Peripheral::absent`] after
    /// naming the access in the unmodelled log (`Err` with `--strict-mmio`).
    fn read_word(&mut self, off: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        match self.word(off, &peek_of(ctx)) {
            Some(v) => Ok(v),
            None => {
                self.regs().unmodelled(off, false, ctx)?;
                Ok(self.absent())
            }
        }
    }

    /// The word a sub-word write at `off` merges into: what a read returns.
    fn merge_base(&self, off: u32, at: &Peek) -> u32 {
        self.word(off, at).unwrap_or(0)
    }

    /// A write of the whole word `v` at `off`.
    fn write_word(&mut self, off: u32, v: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError>;

    /// See [`Device::next_event`].
    fn next_event(&self, _clock: &Clock) -> Option<u64> {
        None
    }

    /// See [`Device::on_event`].
    fn on_event(&mut self, _ctx: &mut DeviceCtx) {}

    /// See [`Device::reset`].
    fn reset(&mut self, _ctx: &mut DeviceCtx) {}

    /// See [`Device::pins`].
    fn pins(&self) -> Vec<PortPins> {
        Vec::new()
    }
}

/// What a side-effect-free read sees during an access.
pub fn peek_of<'a>(ctx: &'a DeviceCtx) -> Peek<'a> {
    Peek {
        now: ctx.now,
        clock: ctx.clock,
        exc: ctx.exc,
    }
}

/// An nRF52 [`Peripheral`] on the bus.
#[derive(Debug, Clone)]
pub struct Block<P>(pub P);

impl<P: Peripheral> Device for Block<P> {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        Ok(sub_word(self.0.read_word(offset & !3, ctx)?, offset, width))
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let off = offset & !3;
        let v = if width < 4 {
            merge_sub_word(self.0.merge_base(off, &peek_of(ctx)), offset, width, value)
        } else {
            value
        };
        self.0.write_word(off, v, ctx)
    }

    fn peek(&self, offset: u32, width: Width, at: &Peek) -> Option<u32> {
        Some(sub_word(self.0.word(offset & !3, at)?, offset, width))
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        self.0.next_event(clock)
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.0.on_event(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.0.reset(ctx);
    }

    fn pins(&self) -> Vec<PortPins> {
        self.0.pins()
    }
}

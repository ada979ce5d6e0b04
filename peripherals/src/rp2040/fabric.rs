//! The RP2040's bus fabric as every peripheral sees it (RP2040 datasheet §2.1):
//!
//! - IO registers are 32 bits wide and ignore the width of an access: a byte or halfword
//!   write is replicated across the 32-bit bus and written to the whole register, a narrow
//!   read returns its lanes of the register (§2.1.4 "Narrow IO Register Writes");
//! - every APB and AHB-lite peripheral has four views of its 4 KiB register block (§2.1.2
//!   "Atomic Register Access"): +0x0000 normal, +0x1000 XOR on write, +0x2000 bitmask set on
//!   write, +0x3000 bitmask clear on write, so a model's window is 0x4000 bytes. The SIO has no
//!   aliases (it sits on the cores' IO port, §2.3.1).
//!
//! A model implements [`Block`] (word registers at offsets below 0x1000) and [`Fabric`] turns
//! it into a [`Device`]. An atomic write is a read-modify-write of the register's current value
//! (the hardware performs it in the peripheral), then an ordinary write of the result; bits a
//! write of one clears (W1C status flags) take the alias write's own bits, whatever the alias:
//! a SET of one flag does not clear the others, and a CLR of a flag clears it. pico-examples'
//! `timer_lowlevel` acknowledges its alarm with `hw_clear_bits(&timer_hw->intr, 1)` (the CLR
//! alias) and expects the next alarm to interrupt again; rp2040js, a second RP2040 model,
//! applies the raw written value to its W1C registers in the same way.

use sim_core::chip::{register_name, sub_word, Described, PeripheralDesc, RegisterFile};
use sim_core::clock::Clock;
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};

/// Window of a peripheral with atomic aliases (four 4 KiB views).
pub const ALIASED_WINDOW: u32 = 0x4000;

/// The atomic alias an access used (address bits 13:12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alias {
    /// +0x0000: normal access.
    Normal,
    /// +0x1000: XOR on write.
    Xor,
    /// +0x2000: set bits on write.
    Set,
    /// +0x3000: clear bits on write.
    Clear,
}

impl Alias {
    /// The alias of byte offset `offset` in a 0x4000 window.
    pub fn of(offset: u32) -> Alias {
        match (offset >> 12) & 3 {
            0 => Alias::Normal,
            1 => Alias::Xor,
            2 => Alias::Set,
            _ => Alias::Clear,
        }
    }

    /// The value an atomic write of `value` leaves in a register holding `old`; `w1c` are its
    /// write-one-to-clear bits, which take the written bits as they are (a one clears the
    /// flag through any alias).
    pub fn apply(self, old: u32, value: u32, w1c: u32) -> u32 {
        let new = match self {
            Alias::Normal => return value,
            Alias::Xor => old ^ value,
            Alias::Set => old | value,
            Alias::Clear => old & !value,
        };
        (new & !w1c) | (value & w1c)
    }
}

/// A register block of the RP2040: 32-bit registers at word offsets below 0x1000.
pub trait Block {
    /// Instance name ("UART0").
    fn name(&self) -> &str;
    /// Reads the register at word offset `offset` (side effects allowed).
    fn read(&mut self, offset: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError>;
    /// Writes the register at word offset `offset`.
    fn write(&mut self, offset: u32, value: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError>;
    /// The register's value without side effects (TUI, gdb, and the read half of an atomic
    /// alias write); `None` where a read has side effects that cannot be avoided.
    fn peek(&self, offset: u32, at: &Peek) -> Option<u32>;
    /// The write-one-to-clear bits of the register at `offset`.
    fn w1c(&self, _offset: u32) -> u32 {
        0
    }
    /// See [`Device::next_event`].
    fn next_event(&self, _clock: &Clock) -> Option<u64> {
        None
    }
    /// See [`Device::on_event`].
    fn on_event(&mut self, _ctx: &mut DeviceCtx) {}
    /// See [`Device::reset`].
    fn reset(&mut self, _ctx: &mut DeviceCtx) {}
}

/// A read of a register without side effects: the block's [`Block::peek`], or 0 after naming
/// the access as unmodelled where it has none (`Err` with `--strict-mmio`).
pub fn read_peeked<B: Block>(
    block: &B,
    desc: &'static PeripheralDesc,
    off: u32,
    ctx: &mut DeviceCtx,
) -> Result<u32, DeviceError> {
    let at = Peek {
        now: ctx.now,
        clock: ctx.clock,
        exc: ctx.exc,
    };
    match block.peek(off, &at) {
        Some(v) => Ok(v),
        None => unmodelled(desc, off, false, ctx).map(|()| 0),
    }
}

/// Something that becomes ready a delay after it starts (an oscillator stabilising, a PLL
/// locking): the time it is (or became) ready, and whether its output runs, which it does once
/// that time has been seen by an event or an access (so that the clock it publishes changes
/// at an event of its own).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ready {
    at: Option<u64>,
    running: bool,
}

impl Ready {
    /// Starts at `now_ps`: ready `delay_ps` later, not running until then.
    pub fn start(&mut self, now_ps: u64, delay_ps: u64) {
        *self = Ready {
            at: Some(now_ps.saturating_add(delay_ps)),
            running: false,
        };
    }

    /// Stopped: not ready, not running.
    pub fn stop(&mut self) {
        *self = Ready::default();
    }

    /// Whether it is ready at `now_ps` (a status bit reads this).
    pub fn is_ready(&self, now_ps: u64) -> bool {
        self.at.is_some_and(|t| now_ps >= t)
    }

    /// Follows time to `now_ps`: the output runs once ready. Returns whether it runs.
    pub fn update(&mut self, now_ps: u64) -> bool {
        self.running = self.is_ready(now_ps);
        self.running
    }

    /// Whether the output runs (as of the last [`Ready::update`]).
    pub fn running(&self) -> bool {
        self.running
    }

    /// The time it becomes ready, while that has not been seen yet.
    pub fn next_event(&self) -> Option<u64> {
        self.at.filter(|_| !self.running)
    }
}

/// A [`Block`] on the bus: narrow accesses widened, atomic aliases applied when `aliased`.
pub struct Fabric<B: Block> {
    /// The block.
    pub block: B,
    aliased: bool,
}

impl<B: Block> Fabric<B> {
    /// `block` with the atomic aliases of an APB/AHB-lite peripheral.
    pub fn aliased(block: B) -> Fabric<B> {
        Fabric {
            block,
            aliased: true,
        }
    }

    /// `block` without aliases (the SIO).
    pub fn plain(block: B) -> Fabric<B> {
        Fabric {
            block,
            aliased: false,
        }
    }

    fn split(&self, offset: u32) -> (Alias, u32) {
        if self.aliased {
            (Alias::of(offset), offset & 0xFFC)
        } else {
            (Alias::Normal, offset & !3)
        }
    }
}

/// The 32-bit value a write of `width` bytes puts on the bus (§2.1.4: replicated lanes).
pub fn widen(value: u32, width: Width) -> u32 {
    match width {
        1 => (value & 0xFF) * 0x0101_0101,
        2 => (value & 0xFFFF) * 0x0001_0001,
        _ => value,
    }
}

impl<B: Block> Device for Fabric<B> {
    fn name(&self) -> &str {
        self.block.name()
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        let (_, reg) = self.split(offset);
        let v = self.block.read(reg, ctx)?;
        Ok(sub_word(v, offset, width))
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        let (alias, reg) = self.split(offset);
        let value = widen(value, width);
        let value = if alias == Alias::Normal {
            value
        } else {
            let at = Peek {
                now: ctx.now,
                clock: ctx.clock,
                exc: ctx.exc,
            };
            let old = self.block.peek(reg, &at).unwrap_or(0);
            alias.apply(old, value, self.block.w1c(reg))
        };
        self.block.write(reg, value, ctx)
    }

    fn peek(&self, offset: u32, width: Width, at: &Peek) -> Option<u32> {
        let (_, reg) = self.split(offset);
        self.block.peek(reg, at).map(|v| sub_word(v, offset, width))
    }

    fn next_event(&self, clock: &Clock) -> Option<u64> {
        self.block.next_event(clock)
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.block.on_event(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.block.reset(ctx);
    }
}

/// A peripheral whose registers are plain configuration storage and whose storage is the
/// whole model (pads, IO muxing, bus priorities): reads return what was written, nothing is
/// logged as unmodelled.
pub struct Storage {
    regs: RegisterFile,
    /// Values that replace the description's reset values (identification registers the SVD
    /// gives as 0): (offset, value).
    fixed: Vec<(u32, u32)>,
    /// The registers whose storage is the model, when not all of them are: accesses to the
    /// others are stored too but logged as unmodelled.
    only: Option<Vec<u32>>,
}

impl Storage {
    /// Storage for `desc`, at its reset values.
    pub fn new(desc: &'static PeripheralDesc) -> Storage {
        Storage::with_values(desc, &[])
    }

    /// Storage for `desc` with the registers at `fixed` (offset, value) holding those values
    /// after reset instead of the description's.
    pub fn with_values(desc: &'static PeripheralDesc, fixed: &[(u32, u32)]) -> Storage {
        let mut s = Storage {
            regs: RegisterFile::new(desc),
            fixed: fixed.to_vec(),
            only: None,
        };
        s.preset();
        s
    }

    /// Storage for `desc` where only the registers at `offsets` are modelled by their storage
    /// (a power-down bit the firmware sets in a block thimble does not otherwise model); every
    /// access to another register is named as unmodelled.
    pub fn only(desc: &'static PeripheralDesc, offsets: &[u32]) -> Storage {
        let mut s = Storage::new(desc);
        s.only = Some(offsets.to_vec());
        s
    }

    fn handled(&self, offset: u32) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(&offset))
    }

    fn preset(&mut self) {
        for &(off, v) in &self.fixed {
            self.regs.set(off, v);
        }
    }

    /// The register file.
    pub fn regs(&self) -> &RegisterFile {
        &self.regs
    }
}

impl Block for Storage {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, offset: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        if !self.handled(offset) {
            unmodelled(self.regs.desc, offset, false, ctx)?;
        }
        match self.regs.read(offset, 4) {
            Some(v) => Ok(v),
            None if self.handled(offset) => {
                unmodelled(self.regs.desc, offset, false, ctx).map(|()| 0)
            }
            None => Ok(0),
        }
    }

    fn write(&mut self, offset: u32, value: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        if !self.handled(offset) {
            unmodelled(self.regs.desc, offset, true, ctx)?;
        }
        match self.regs.write(offset, 4, value) {
            Some(_) => Ok(()),
            None if self.handled(offset) => unmodelled(self.regs.desc, offset, true, ctx),
            None => Ok(()),
        }
    }

    fn peek(&self, offset: u32, _: &Peek) -> Option<u32> {
        self.regs.read(offset, 4)
    }

    fn w1c(&self, offset: u32) -> u32 {
        self.regs.desc.register(offset).map_or(0, |r| r.w1c_mask)
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.regs.reset();
        self.preset();
    }
}

/// An access to offset `offset` of `desc` that no model handles (a register the model leaves
/// to storage, or an offset naming no register): logged as unmodelled, named once on stderr,
/// a BusFault with `--strict-mmio`.
pub fn unmodelled(
    desc: &PeripheralDesc,
    offset: u32,
    write: bool,
    ctx: &mut DeviceCtx,
) -> Result<(), DeviceError> {
    ctx.mmio.unmodelled(
        desc.base + offset,
        desc.name,
        &register_name(desc, offset),
        write,
    )
}

/// A described peripheral without a model (USB, PIO, SPI, ...): storage with every access
/// logged as unmodelled, seen through the fabric like every other block.
pub struct Unmodelled {
    inner: Described,
    desc: &'static PeripheralDesc,
}

impl Unmodelled {
    /// Storage for `desc`.
    pub fn new(desc: &'static PeripheralDesc) -> Unmodelled {
        Unmodelled {
            inner: Described::new(&[desc]),
            desc,
        }
    }
}

impl Block for Unmodelled {
    fn name(&self) -> &str {
        self.desc.name
    }

    fn read(&mut self, offset: u32, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        self.inner.read(offset, 4, ctx)
    }

    fn write(&mut self, offset: u32, value: u32, ctx: &mut DeviceCtx) -> Result<(), DeviceError> {
        self.inner.write(offset, 4, value, ctx)
    }

    fn peek(&self, offset: u32, at: &Peek) -> Option<u32> {
        self.inner.peek(offset, 4, at)
    }

    fn w1c(&self, offset: u32) -> u32 {
        self.desc.register(offset).map_or(0, |r| r.w1c_mask)
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.inner.reset(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_aliases_set_clear_and_toggle_without_touching_other_flags() {
        assert_eq!(Alias::of(0x2004), Alias::Set);
        assert_eq!(Alias::Set.apply(0b0101, 0b0010, 0), 0b0111);
        assert_eq!(Alias::Clear.apply(0b0111, 0b0010, 0), 0b0101);
        assert_eq!(Alias::Xor.apply(0b0101, 0b0011, 0), 0b0110);
        // W1C flags 0b1100 set in the register: a SET of bit 0 keeps them (writes 0 there), a
        // SET of flag bit 2 clears only that flag.
        assert_eq!(Alias::Set.apply(0b1100, 0b0001, 0b1100), 0b0001);
        assert_eq!(Alias::Set.apply(0b1100, 0b0100, 0b1100), 0b0100);
        assert_eq!(Alias::Clear.apply(0b1101, 0b0001, 0b1100), 0);
        // A CLR of flag bit 2 clears that flag (hw_clear_bits on TIMER.INTR), not the other.
        assert_eq!(Alias::Clear.apply(0b1100, 0b0100, 0b1100), 0b0100);
        assert_eq!(Alias::Xor.apply(0b1100, 0b1000, 0b1100), 0b1000);
    }

    #[test]
    fn narrow_writes_replicate_across_the_word() {
        assert_eq!(widen(0xAB, 1), 0xABAB_ABAB);
        assert_eq!(widen(0x1234, 2), 0x1234_1234);
        assert_eq!(widen(0x1234_5678, 4), 0x1234_5678);
    }
}

//! The bus: routes every guest access to a backed region, a device, or a fault; owns the clock
//! (`now`, `next_event`, the core clock's rate over time) so that time advances in one place;
//! logs accesses to unmodelled device registers for the report, and notices firmware polling
//! a register that never changes.

use crate::chip::Mmio;
use crate::clock::{Clock, ClockSource};
use crate::console::Console;
use crate::device::{Device, DeviceCtx, Peek, Width};
use crate::exception::ExceptionState;
use crate::memory::{MemoryMap, BANKED};
use std::ops::Range;

/// Peripheral space (vendor peripherals). On boards without a chip description (QEMU's MPS2),
/// unmodelled addresses here read 0 and ignore writes, as in QEMU; on boards with one, an
/// address outside every described peripheral faults as on silicon.
pub const PERIPHERAL_SPACE: Range<u32> = 0x4000_0000..0x6000_0000;
/// Private peripheral bus (SCS and debug components): unmodelled components read as zero.
pub const PPB: Range<u32> = 0xE000_0000..0xE010_0000;

/// The context a device sees during an access or event: split borrows of the bus's fields
/// (the device itself is borrowed from `devices` at the same time).
macro_rules! device_ctx {
    ($bus:ident, $now:expr, $base:expr) => {
        DeviceCtx {
            now: $now,
            base: $base,
            clock: &mut $bus.clock,
            exc: &mut $bus.exc,
            console: &mut $bus.console,
            map: &mut $bus.map,
            code_epoch: &mut $bus.code_epoch,
            mmio: &mut $bus.mmio,
        }
    };
}

/// A failed bus access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BusError {
    /// Nothing is mapped at the address.
    #[error("no memory or device at 0x{0:08x}")]
    Unmapped(u32),
    /// A write to flash (read-only at run time).
    #[error("write to read-only memory at 0x{0:08x}")]
    ReadOnly(u32),
    /// A device refused the access.
    #[error("device refused access at 0x{0:08x}")]
    Device(u32),
}

impl BusError {
    /// The address that faulted.
    pub fn addr(self) -> u32 {
        match self {
            BusError::Unmapped(a) | BusError::ReadOnly(a) | BusError::Device(a) => a,
        }
    }
}

/// Firmware reading the same device address and getting the same value, again and again:
/// what a spin on a ready bit that no model sets looks like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Poll {
    /// Address read.
    pub addr: u32,
    /// The value it kept returning.
    pub value: u32,
    /// Consecutive device reads of `addr` that returned `value`.
    pub count: u64,
    /// Cycle of the last of them.
    pub last: u64,
}

/// A device placed at an address range.
pub struct Mapped {
    /// First address.
    pub base: u32,
    /// Size of its register window.
    pub size: u32,
    /// The device.
    pub dev: Box<dyn Device>,
    /// Its next event (picoseconds) as [`Bus::reschedule`] last asked it.
    pub next_ps: Option<u64>,
}

/// Memory, devices, exception state and the clock.
pub struct Bus {
    /// Flash and SRAM.
    pub map: MemoryMap,
    /// Devices, searched in order.
    pub devices: Vec<Mapped>,
    /// NVIC/SCB architectural state.
    pub exc: ExceptionState,
    /// Guest output.
    pub console: Console,
    /// Cycles since reset: the one counter of the run loop (turned into time by `clock`).
    pub now: u64,
    /// The core clock's rate over time and the chip's named clocks.
    pub clock: Clock,
    /// Cycle of the earliest device event (`u64::MAX` when none), or 0 when the machine must
    /// look before the next instruction: whatever sets `exc.dirty` while instructions run
    /// (device accesses here, the executor's system instructions) also sets this to 0 (see
    /// [`Bus::attention`]), so that the run loop has a single check per instruction. The
    /// machine's next [`Bus::service_events`] reschedules.
    pub next_event: u64,
    /// Wait states of accesses since the executor last took them.
    pub wait: u32,
    /// Accesses to unmodelled device registers and read-as-zero windows, by address.
    pub mmio: Mmio,
    /// Address windows where nothing is mapped but reads return 0 and writes are ignored
    /// (logged as unmodelled): see [`PERIPHERAL_SPACE`] and [`PPB`].
    pub raz: Vec<Range<u32>>,
    /// The current run of identical device reads (see [`Poll`]).
    pub poll: Poll,
    /// The chip's register map, when the board has one (names registers in messages).
    pub chip: Option<&'static crate::chip::ChipDesc>,
    /// Bumped when code memory is written outside normal execution (debugger, `--load`).
    pub code_epoch: u64,
    /// An address in the flash granule instruction fetch is in (see [`Bus::fetch_moved`]).
    pub fetch_at: u32,
    /// Granule mask of the flash accelerator; 0 when the board has none, so that
    /// `(pc ^ fetch_at) & fetch_mask != 0` (the run loop's test) is never true.
    pub fetch_mask: u32,
    /// By 256 MiB window of the address space (`addr >> 28`): the region of the last data
    /// access there that hit backed memory, tried first by the next one in the window (one
    /// bounds test instead of a search of the map; code, SRAM and peripherals lie in
    /// different windows, so that a kernel reading weights from flash and activations from
    /// SRAM hits both).
    hot: [usize; 16],
}

impl Bus {
    /// A bus over `map` with no devices, a clock at `hz` and the read-as-zero windows of a
    /// board without a chip description.
    pub fn new(map: MemoryMap, exc: ExceptionState, console: Console) -> Bus {
        Bus {
            devices: Vec::new(),
            exc,
            console,
            now: 0,
            clock: Clock::new(1, ClockSource::Board),
            next_event: u64::MAX,
            wait: 0,
            mmio: Mmio::default(),
            raz: vec![PERIPHERAL_SPACE, PPB],
            poll: Poll::default(),
            chip: None,
            code_epoch: 0,
            fetch_at: 0,
            fetch_mask: map.accel.as_ref().map_or(0, |a| a.granule_mask()),
            hot: [0; 16],
            map,
        }
    }

    /// Instruction fetch moved to another flash granule (the executor calls this when
    /// `(pc ^ fetch_at) & fetch_mask != 0`): adds the accelerator's stall cycles to `wait`.
    #[cold]
    #[inline(never)]
    pub fn fetch_moved(&mut self, pc: u32) {
        self.fetch_at = pc;
        if let Some(a) = &mut self.map.accel {
            self.wait += a.fetch(pc, self.now);
        }
    }

    /// Forgets the accelerator's cached lines and buffers (core reset).
    pub fn reset_fetch(&mut self) {
        self.fetch_at = 0;
        if let Some(a) = &mut self.map.accel {
            a.reset();
        }
    }

    /// Wait states of a data read at `addr` in a region with `ws` wait states: through the
    /// flash accelerator when it covers `addr`.
    #[cold]
    #[inline(never)]
    fn read_wait(&mut self, addr: u32, ws: u32) -> u32 {
        if ws == BANKED {
            return self.bank_wait(addr, false);
        }
        match &mut self.map.accel {
            Some(a) if a.covers(addr) => a.data(addr, self.now),
            _ => ws,
        }
    }

    /// Wait states of a write at `addr` in a region with `ws` (non-zero) wait states.
    #[cold]
    #[inline(never)]
    fn write_wait(&mut self, addr: u32, ws: u32) -> u32 {
        if ws == BANKED {
            self.bank_wait(addr, true)
        } else {
            ws
        }
    }

    /// Wait states of an access to the bank holding `addr` (a region with [`BANKED`] wait
    /// states): a cached bank goes through the data cache while it is on (a hit costs
    /// nothing, a miss the bank's wait states); an uncached one pays its wait states on
    /// every read. Writes never wait: the core's store buffer takes them (a cached write
    /// allocates its line).
    fn bank_wait(&mut self, addr: u32, write: bool) -> u32 {
        let Some(bank) = self
            .map
            .region_at(addr)
            .and_then(|r| r.bank_at(addr))
            .copied()
        else {
            return 0;
        };
        match &mut self.map.accel {
            Some(a) if bank.cached && a.data_cache_on() => {
                let miss = a.cached_data(addr);
                if write || !miss {
                    0
                } else {
                    bank.wait_states
                }
            }
            _ if write => 0,
            _ => bank.wait_states,
        }
    }

    /// Maps a device at `base` (devices are kept sorted by base address).
    pub fn add_device(&mut self, base: u32, size: u32, dev: Box<dyn Device>) {
        let i = self.devices.partition_point(|m| m.base <= base);
        self.devices.insert(
            i,
            Mapped {
                base,
                size,
                dev,
                next_ps: None,
            },
        );
        self.reschedule();
    }

    /// The device mapped at exactly `base`, for composition and tests.
    pub fn device_mut(&mut self, base: u32) -> Option<&mut Box<dyn Device>> {
        self.devices
            .iter_mut()
            .find(|m| m.base == base)
            .map(|m| &mut m.dev)
    }

    /// Recomputes `next_event` (in cycles at the current core clock) from the devices' next
    /// events (in time), asking every device.
    pub fn reschedule(&mut self) {
        for m in &mut self.devices {
            m.next_ps = m.dev.next_event(&self.clock);
        }
        self.next_event_from_devices();
    }

    /// `next_event` from the devices' next events as last asked.
    fn next_event_from_devices(&mut self) {
        let seg = self.clock.segment();
        self.next_event = self
            .devices
            .iter()
            .filter_map(|m| m.next_ps)
            .min()
            .map_or(u64::MAX, |ps| seg.cycle_at(ps));
    }

    /// Makes the run loop return to the machine after the current instruction when
    /// `exc.dirty` is set (see [`Bus::next_event`]).
    #[inline(always)]
    pub fn attention(&mut self) {
        if self.exc.dirty {
            self.next_event = 0;
        }
    }

    /// Runs every device event due at `now`, then reschedules.
    pub fn service_events(&mut self) {
        let now = self.now;
        for m in &mut self.devices {
            let seg = self.clock.segment();
            if m.dev
                .next_event(&self.clock)
                .is_some_and(|t| seg.cycle_at(t) <= now)
            {
                let mut ctx = device_ctx!(self, now, m.base);
                m.dev.on_event(&mut ctx);
            }
        }
        self.reschedule();
    }

    /// System reset of every device (core and memory are the machine's).
    pub fn reset_devices(&mut self) {
        self.clock.reset(self.now);
        for m in &mut self.devices {
            let mut ctx = device_ctx!(self, self.now, m.base);
            m.dev.reset(&mut ctx);
        }
        self.code_epoch += 1;
        self.reschedule();
    }

    /// Reads a byte.
    #[inline(always)]
    pub fn read8(&mut self, addr: u32) -> Result<u32, BusError> {
        if let Some(r) = self.map.regions.get(self.hot[(addr >> 28) as usize]) {
            if let Some(off) = r.offset(addr, 1) {
                let (v, ws) = (u32::from(r.data[off]), r.wait_states);
                if ws != 0 {
                    self.wait += self.read_wait(addr, ws);
                }
                return Ok(v);
            }
        }
        self.read_miss(addr, 1)
    }

    /// Reads a little-endian halfword (any alignment; alignment rules are the executor's).
    #[inline(always)]
    pub fn read16(&mut self, addr: u32) -> Result<u32, BusError> {
        if let Some(r) = self.map.regions.get(self.hot[(addr >> 28) as usize]) {
            if let Some(off) = r.offset(addr, 2) {
                let v = u32::from(u16::from_le_bytes([r.data[off], r.data[off + 1]]));
                let ws = r.wait_states;
                if ws != 0 {
                    self.wait += self.read_wait(addr, ws);
                }
                return Ok(v);
            }
        }
        self.read_miss(addr, 2)
    }

    /// Reads a little-endian word.
    #[inline(always)]
    pub fn read32(&mut self, addr: u32) -> Result<u32, BusError> {
        if let Some(r) = self.map.regions.get(self.hot[(addr >> 28) as usize]) {
            if let Some(off) = r.offset(addr, 4) {
                let b = &r.data[off..off + 4];
                let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                let ws = r.wait_states;
                if ws != 0 {
                    self.wait += self.read_wait(addr, ws);
                }
                return Ok(v);
            }
        }
        self.read_miss(addr, 4)
    }

    /// Writes a byte.
    #[inline(always)]
    pub fn write8(&mut self, addr: u32, v: u32) -> Result<(), BusError> {
        self.write(addr, 1, v)
    }

    /// Writes a halfword.
    #[inline(always)]
    pub fn write16(&mut self, addr: u32, v: u32) -> Result<(), BusError> {
        self.write(addr, 2, v)
    }

    /// Writes a word.
    #[inline(always)]
    pub fn write32(&mut self, addr: u32, v: u32) -> Result<(), BusError> {
        self.write(addr, 4, v)
    }

    /// Writes `width` bytes of `v`, little-endian.
    #[inline(always)]
    pub fn write(&mut self, addr: u32, width: Width, v: u32) -> Result<(), BusError> {
        if let Some(r) = self.map.regions.get_mut(self.hot[(addr >> 28) as usize]) {
            if let Some(off) = r.offset(addr, u32::from(width)) {
                if !r.writable() {
                    return self.program_flash(addr, width, v);
                }
                let ws = r.wait_states;
                let b = v.to_le_bytes();
                r.data[off..off + usize::from(width)].copy_from_slice(&b[..usize::from(width)]);
                r.mark_written(off, usize::from(width));
                if ws != 0 {
                    self.wait += self.write_wait(addr, ws);
                }
                return Ok(());
            }
        }
        self.write_miss(addr, width, v)
    }

    /// A read outside the region of the last access: another region becomes the hot one,
    /// or the read goes to a device.
    #[cold]
    #[inline(never)]
    fn read_miss(&mut self, addr: u32, width: Width) -> Result<u32, BusError> {
        match self.map.find(addr, u32::from(width)) {
            Some((i, _)) => {
                self.hot[(addr >> 28) as usize] = i;
                match width {
                    1 => self.read8(addr),
                    2 => self.read16(addr),
                    _ => self.read32(addr),
                }
            }
            None => self.read_slow(addr, width),
        }
    }

    /// A write outside the region of the last access (see [`Bus::read_miss`]).
    #[cold]
    #[inline(never)]
    fn write_miss(&mut self, addr: u32, width: Width, v: u32) -> Result<(), BusError> {
        match self.map.find(addr, u32::from(width)) {
            Some((i, _)) => {
                self.hot[(addr >> 28) as usize] = i;
                self.write(addr, width, v)
            }
            None => self.write_slow(addr, width, v),
        }
    }

    fn device_at(&self, addr: u32) -> Option<usize> {
        let i = self.devices.partition_point(|m| m.base <= addr);
        let i = i.checked_sub(1)?;
        (addr - self.devices[i].base < self.devices[i].size).then_some(i)
    }

    /// Whether anything answers at `addr`: memory, a device or a read-as-zero window.
    pub fn is_mapped(&self, addr: u32) -> bool {
        self.map.find(addr, 1).is_some() || self.device_at(addr).is_some() || self.in_raz(addr)
    }

    fn in_raz(&self, addr: u32) -> bool {
        self.raz.iter().any(|r| r.contains(&addr))
    }

    /// A device access: runs `f` on the device at index `i` with its context, then
    /// reschedules (the access may have started or stopped a timer, or changed the clock).
    fn with_device<R>(
        &mut self,
        i: usize,
        f: impl FnOnce(&mut dyn Device, u32, &mut DeviceCtx) -> R,
    ) -> R {
        let hz = self.clock.hz();
        let revision = self.clock.revision();
        let epoch = self.code_epoch;
        let m = &mut self.devices[i];
        let mut ctx = device_ctx!(self, self.now, m.base);
        let r = f(m.dev.as_mut(), m.base, &mut ctx);
        if self.clock.revision() == revision {
            // Only this device changed (a device reaches no other one, and every rate is as
            // it was, so the others' events stay at the same times): ask it alone. A UART
            // polled for every character otherwise asks all of a chip's devices per read.
            let m = &mut self.devices[i];
            m.next_ps = m.dev.next_event(&self.clock);
            self.next_event_from_devices();
        } else {
            self.reschedule();
        }
        self.attention();
        if self.clock.hz() != hz || self.console.decided || self.code_epoch != epoch {
            // Every pending event now falls on another cycle, and the statistics keep the
            // clock's current rate; or a watched text decided the run (`--expect-text`,
            // `--fail-text`); or a flash controller changed the code or its timing and the
            // decoded instructions must go: the machine must look before the next instruction.
            self.next_event = 0;
        }
        r
    }

    #[cold]
    fn read_slow(&mut self, addr: u32, width: Width) -> Result<u32, BusError> {
        let r = if let Some(i) = self.device_at(addr) {
            self.with_device(i, |d, base, ctx| d.read(addr - base, width, ctx))
                .map_err(|_| BusError::Device(addr))
        } else if self.in_raz(addr) {
            self.mmio
                .unmodelled(addr, "-", "read-as-zero", false)
                .map(|()| 0)
                .map_err(|_| BusError::Device(addr))
        } else {
            return Err(BusError::Unmapped(addr));
        };
        if let Ok(v) = r {
            let p = &mut self.poll;
            if p.addr == addr && p.value == v && p.count > 0 {
                p.count += 1;
            } else {
                p.addr = addr;
                p.value = v;
                p.count = 1;
            }
            p.last = self.now;
        }
        r
    }

    /// A guest write to flash: programs it when a flash controller enables programming
    /// ([`MemoryMap::flash_program`]), stalling the core for the write time; otherwise the
    /// write is refused (flash is read-only at run time).
    #[cold]
    #[inline(never)]
    fn program_flash(&mut self, addr: u32, width: Width, v: u32) -> Result<(), BusError> {
        let Some(p) = self.map.flash_program else {
            return Err(BusError::ReadOnly(addr));
        };
        let b = v.to_le_bytes();
        if !self.map.program_flash(addr, &b[..usize::from(width)]) {
            return Err(BusError::ReadOnly(addr));
        }
        // The new contents must be decoded again (the run loop syncs with the code epoch when
        // it starts: make it return); the core waits for the write to finish.
        self.code_epoch += 1;
        self.next_event = 0;
        let seg = self.clock.segment();
        let t = seg.ps_at(self.now).saturating_add(p.write_ps);
        self.wait += u32::try_from(seg.cycle_at(t) - self.now).unwrap_or(u32::MAX);
        Ok(())
    }

    /// The GPIO pins every device exposes (see [`Device::pins`]), in address order.
    pub fn pins(&self) -> Vec<crate::device::PortPins> {
        self.devices.iter().flat_map(|m| m.dev.pins()).collect()
    }

    #[cold]
    fn write_slow(&mut self, addr: u32, width: Width, v: u32) -> Result<(), BusError> {
        if let Some(i) = self.device_at(addr) {
            return self
                .with_device(i, |d, base, ctx| d.write(addr - base, width, v, ctx))
                .map_err(|_| BusError::Device(addr));
        }
        if self.in_raz(addr) {
            return self
                .mmio
                .unmodelled(addr, "-", "read-as-zero", true)
                .map_err(|_| BusError::Device(addr));
        }
        Err(BusError::Unmapped(addr))
    }

    /// Reads without side effects or wait states (TUI, gdb, reports).
    pub fn peek(&self, addr: u32, width: Width) -> Option<u32> {
        if let Some((i, off)) = self.map.find(addr, u32::from(width)) {
            let d = &self.map.regions[i].data[off..off + usize::from(width)];
            let mut b = [0u8; 4];
            b[..d.len()].copy_from_slice(d);
            return Some(u32::from_le_bytes(b));
        }
        let i = self.device_at(addr)?;
        let m = &self.devices[i];
        let at = Peek {
            now: self.now,
            clock: &self.clock,
            exc: &self.exc,
        };
        m.dev.peek(addr - m.base, width, &at)
    }

    /// Bytes of backed memory without side effects; `None` if any byte is not backed.
    pub fn peek_bytes(&self, addr: u32, len: u32) -> Option<&[u8]> {
        let (i, off) = self.map.find(addr, len)?;
        Some(&self.map.regions[i].data[off..off + len as usize])
    }

    /// Writes backed memory from outside the guest (debugger, `--load`), flash included.
    pub fn poke_bytes(&mut self, addr: u32, bytes: &[u8]) -> Result<(), BusError> {
        let (i, off) = self
            .map
            .find(addr, bytes.len() as u32)
            .ok_or(BusError::Unmapped(addr))?;
        self.map.regions[i].data[off..off + bytes.len()].copy_from_slice(bytes);
        self.code_epoch += 1;
        Ok(())
    }

    /// Takes the wait states accumulated since the last call.
    #[inline(always)]
    pub fn take_wait(&mut self) -> u32 {
        std::mem::take(&mut self.wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::Board;

    fn bus() -> Bus {
        let board = Board::load("nano33ble").unwrap();
        Bus::new(
            MemoryMap::new(&board),
            ExceptionState::new(&board),
            Console::new(false),
        )
    }

    #[test]
    fn sram_reads_back_little_endian_at_any_alignment() {
        let mut b = bus();
        b.write32(0x2000_0001, 0xA1B2_C3D4).unwrap();
        assert_eq!(b.read8(0x2000_0001).unwrap(), 0xD4);
        assert_eq!(b.read16(0x2000_0003).unwrap(), 0xA1B2);
        assert_eq!(b.read32(0x2000_0001).unwrap(), 0xA1B2_C3D4);
        assert_eq!(b.peek(0x2000_0001, 4), Some(0xA1B2_C3D4));
    }

    #[test]
    fn guest_writes_are_tracked_per_word() {
        let mut b = bus();
        b.write8(0x2000_0105, 1).unwrap();
        b.write32(0x2000_0203, 1).unwrap(); // straddles two words
        let r = &b.map.regions[1];
        assert!(r.was_written(0x104) && !r.was_written(0x100));
        assert!(r.was_written(0x200) && r.was_written(0x204));
        assert_eq!(r.written_bytes(0x100, 0x200), 12);
        assert_eq!(r.highest_written(0, 0x1000), Some(0x204));
        // Debugger/loader writes are not the guest's.
        b.poke_bytes(0x2000_0800, &[1, 2, 3, 4]).unwrap();
        assert!(!b.map.regions[1].was_written(0x800));
    }

    #[test]
    fn flash_is_read_only_and_unmapped_faults() {
        let mut b = bus();
        assert_eq!(b.write32(0x100, 1), Err(BusError::ReadOnly(0x100)));
        assert_eq!(b.read32(0x9000_0000), Err(BusError::Unmapped(0x9000_0000)));
        // The last word of SRAM is fine, one byte past it is not.
        assert!(b.read32(0x2003_fffc).is_ok());
        assert_eq!(b.read32(0x2003_fffd), Err(BusError::Unmapped(0x2003_fffd)));
    }

    #[test]
    fn flash_programs_with_nor_semantics_only_while_enabled() {
        let mut b = bus();
        b.clock = Clock::new(64_000_000, ClockSource::Board);
        b.map.fill_flash(0x1000, 8, 0xFF);
        assert_eq!(
            b.write32(0x1000, 0x1234_5678),
            Err(BusError::ReadOnly(0x1000))
        );
        b.map.flash_program = Some(crate::memory::FlashProgram {
            write_ps: 41_000_000, // 41 us
        });
        let epoch = b.code_epoch;
        b.write32(0x1000, 0x1234_5678).unwrap();
        assert_eq!(b.take_wait(), 2624, "41 us at 64 MHz");
        assert_eq!(b.code_epoch, epoch + 1);
        b.write32(0x1000, 0xFFFF_00FF).unwrap(); // only clears bits
        assert_eq!(b.read32(0x1000).unwrap(), 0x1234_0078);
        b.write8(0x1004, 0x0F).unwrap();
        assert_eq!(b.read32(0x1004).unwrap(), 0xFFFF_FF0F);
        assert!(!b.map.region_at(0x1000).unwrap().was_written(0));
        // Not flash: SRAM keeps its plain semantics, unmapped stays unmapped.
        assert!(!b.map.program_flash(0x2000_0000, &[0]));
        assert!(!b.map.fill_flash(0x2000_0000, 4, 0xFF));
    }

    #[test]
    fn read_as_zero_windows_are_counted_and_strict_mode_faults() {
        let mut b = bus();
        assert_eq!(b.read32(0x4000_0100).unwrap(), 0);
        b.write32(0x4000_0100, 7).unwrap();
        let e = &b.mmio.entries[&0x4000_0100];
        assert_eq!((e.reads, e.writes), (1, 1));
        b.mmio.strict = true;
        assert_eq!(b.read32(0x4000_0104), Err(BusError::Device(0x4000_0104)));
        b.raz.clear();
        assert_eq!(b.read32(0x4000_0108), Err(BusError::Unmapped(0x4000_0108)));
    }

    #[test]
    fn repeated_identical_device_reads_are_a_poll() {
        let mut b = bus();
        for _ in 0..5 {
            b.read32(0x4000_0200).unwrap();
        }
        assert_eq!(
            (b.poll.addr, b.poll.value, b.poll.count),
            (0x4000_0200, 0, 5)
        );
        b.read32(0x4000_0204).unwrap();
        assert_eq!(b.poll.count, 1);
    }
}

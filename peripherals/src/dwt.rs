//! The Data Watchpoint and Trace unit at 0xE000_1000 (ARMv7-M C1.8): DWT_CTRL and the cycle
//! counter CYCCNT that firmware uses to time inference. CYCCNT counts core cycles (`now`) while
//! DWT_CTRL.CYCCNTENA and DEMCR.TRCENA are both set; DEMCR is in the SCS and keeps its own
//! clock of TRCENA-enabled cycles ([`ExceptionState::trace_cycles`]) that this counter follows,
//! so either enable may come first.
//!
//! Modelled: CTRL (NUMCOMP, CYCCNTENA), CYCCNT (read/write), the lock access registers (LAR
//! accepts the key, LSR reports "unlocked"), peripheral ID registers. The profiling counters
//! (CPICNT, EXCCNT, SLEEPCNT, LSUCNT, FOLDCNT) and the comparators read as zero; PCSR reads
//! zero. ARMv6-M's DWT has no cycle counter (NOCYCCNT is set, CYCCNT reads as zero).

use sim_core::board::{Arch, Board};
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};
use sim_core::exception::ExceptionState;

/// Base address of the DWT.
pub const DWT_BASE: u32 = 0xE000_1000;
/// Size of the DWT window.
pub const DWT_SIZE: u32 = 0x1000;

const CTRL: u32 = 0x000;
const CYCCNT: u32 = 0x004;
const LAR: u32 = 0xFB0;
const LSR: u32 = 0xFB4;
const CYCCNTENA: u32 = 1 << 0;
const NOCYCCNT: u32 = 1 << 25;

/// Peripheral and component ID registers at 0xFD0..0xFFC (PID4..7, PID0..3, CID0..3) of the
/// ARMv7-M DWT (Cortex-M4 TRM DDI 0439 §8.3).
const IDS: [u32; 12] = [
    0x04, 0x00, 0x00, 0x00, 0x02, 0xB0, 0x3B, 0x00, 0x0D, 0xE0, 0x05, 0xB1,
];

/// The DWT device.
#[derive(Debug, Clone)]
pub struct Dwt {
    v6m: bool,
    numcomp: u32,
    ctrl: u32,
    /// CYCCNT at trace-clock time `since`.
    cyc_base: u32,
    since: u64,
}

impl Dwt {
    /// The DWT of `board`'s core (4 comparators on v7-M, 2 on Cortex-M0+).
    pub fn new(board: &Board) -> Dwt {
        let v6m = board.core.arch() == Arch::V6M;
        Dwt {
            v6m,
            numcomp: if v6m { 2 } else { 4 },
            ctrl: 0,
            cyc_base: 0,
            since: 0,
        }
    }

    fn cyccnt(&self, now: u64, exc: &ExceptionState) -> u32 {
        if self.v6m {
            return 0;
        }
        if self.ctrl & CYCCNTENA == 0 {
            return self.cyc_base;
        }
        let t = exc.trace_cycles(now);
        self.cyc_base
            .wrapping_add(t.saturating_sub(self.since) as u32)
    }

    fn rebase(&mut self, now: u64, exc: &ExceptionState) {
        self.cyc_base = self.cyccnt(now, exc);
        self.since = exc.trace_cycles(now);
    }

    fn read_word(&self, offset: u32, now: u64, exc: &ExceptionState) -> u32 {
        match offset {
            CTRL => {
                let mut v = (self.numcomp << 28) | self.ctrl;
                if self.v6m {
                    v = self.numcomp << 28 | NOCYCCNT;
                }
                v
            }
            CYCCNT => self.cyccnt(now, exc),
            LSR => 0, // not locked (SLK = 0), lock mechanism implemented? reported as absent
            0xFD0..=0xFFC => IDS[((offset - 0xFD0) / 4) as usize],
            _ => 0,
        }
    }
}

impl Device for Dwt {
    fn name(&self) -> &str {
        "DWT"
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        let v = self.read_word(offset & !3, ctx.now, ctx.exc);
        Ok(sub_word(v, offset, width))
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        if self.v6m || width != 4 {
            return Ok(());
        }
        match offset {
            CTRL => {
                self.rebase(ctx.now, ctx.exc);
                // CYCCNTENA and the (unmodelled) event/PC-sampling enables are writable.
                self.ctrl = value & 0x007F_1FFF;
            }
            CYCCNT => {
                self.rebase(ctx.now, ctx.exc);
                self.cyc_base = value;
            }
            LAR => {} // the key 0xC5ACCE55 unlocks; the model is never locked
            _ => {}
        }
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, at: &Peek) -> Option<u32> {
        let (now, exc) = (at.now, at.exc);
        Some(sub_word(
            self.read_word(offset & !3, now, exc),
            offset,
            width,
        ))
    }

    fn reset(&mut self, _: &mut DeviceCtx) {
        self.ctrl = 0;
        self.cyc_base = 0;
        self.since = 0;
    }
}

/// The `width` bytes at `offset` of a register word.
pub(crate) fn sub_word(v: u32, offset: u32, width: Width) -> u32 {
    let shift = 8 * (offset & 3);
    match width {
        1 => (v >> shift) & 0xFF,
        2 => (v >> shift) & 0xFFFF,
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::bus;

    const DEMCR: u32 = 0xE000_EDFC;
    const CTRL: u32 = 0xE000_1000;
    const CYCCNT: u32 = 0xE000_1004;

    #[test]
    fn cyccnt_counts_core_cycles_only_with_trcena_and_cyccntena() {
        let mut b = bus("mps2-an386");
        b.write32(CTRL, 1).unwrap();
        b.now = 500;
        assert_eq!(b.read32(CYCCNT).unwrap(), 0, "TRCENA clear: frozen");
        b.write32(DEMCR, 1 << 24).unwrap();
        b.now = 1500;
        assert_eq!(b.read32(CYCCNT).unwrap(), 1000);
        b.write32(CYCCNT, 7).unwrap();
        b.now = 1510;
        assert_eq!(b.read32(CYCCNT).unwrap(), 17);
        b.write32(CTRL, 0).unwrap();
        b.now = 2000;
        assert_eq!(b.read32(CYCCNT).unwrap(), 17, "CYCCNTENA clear: frozen");
        b.write32(CTRL, 1).unwrap();
        b.now = 2100;
        b.write32(DEMCR, 0).unwrap();
        b.now = 9000;
        assert_eq!(b.peek(CYCCNT, 4).unwrap(), 117);
        assert_eq!(b.read32(CTRL).unwrap() >> 28, 4, "NUMCOMP");
    }

    #[test]
    fn cyccnt_wraps_at_32_bits() {
        let mut b = bus("mps2-an386");
        b.write32(DEMCR, 1 << 24).unwrap();
        b.write32(CYCCNT, 0xFFFF_FFF0).unwrap();
        b.write32(CTRL, 1).unwrap();
        b.now = 0x20;
        assert_eq!(b.read32(CYCCNT).unwrap(), 0x10);
    }

    #[test]
    fn armv6m_has_no_cycle_counter() {
        let mut b = bus("pico");
        b.write32(DEMCR, 1 << 24).unwrap();
        b.write32(CTRL, 1).unwrap();
        b.now = 100;
        assert_eq!(b.read32(CYCCNT).unwrap(), 0);
        assert_ne!(b.read32(CTRL).unwrap() & (1 << 25), 0, "NOCYCCNT");
    }
}

//! Flash interface: FLASH_ACR sets the flash wait states and the accelerator's switches, and
//! thimble's flash timing follows it (`MemoryMap::set_flash_wait_states`,
//! `FlashAccel::set_switches`): the firmware, not the board file, decides the latency.
//!
//! - STM32L4+ (RM0432 §3.7.1): LATENCY (bits 3:0), PRFTEN (8), ICEN (9), DCEN (10), ICRST (11),
//!   DCRST (12), RUN_PD, SLEEP_PD; reset 0x0000_0600: zero wait states, instruction and data
//!   caches on, prefetch off.
//! - STM32F7 (RM0385 §3.7.1): LATENCY (bits 3:0), PRFTEN (8), ARTEN (9), ARTRST (11); reset 0.
//!   The ART sits on the ITCM path (flash at 0x0020_0000); code linked at 0x0800_0000 is
//!   fetched over AXI through the Cortex-M7's L1 caches, which SCB CCR.IC/DC switch (see
//!   `scs.rs`). thimble's one accelerator model stands for both: its caches follow CCR,
//!   its prefetch follows PRFTEN, ARTEN is kept but changes nothing.
//!
//! Flash programming and option bytes (KEYR, CR, SR, OPTR, ...) are not modelled: their
//! accesses are logged as unmodelled.

use super::unmodelled;
use sim_core::chip::{merge_sub_word, sub_word, PeripheralDesc, RegisterFile};
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};
use sim_core::memory::MemoryMap;

/// Which flash interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// STM32L4+.
    L4,
    /// STM32F7.
    F7,
}

/// FLASH_ACR offset.
pub const ACR: u32 = 0x00;
const LATENCY: u32 = 0xF;
const PRFTEN: u32 = 1 << 8;
const ICEN: u32 = 1 << 9;
const DCEN: u32 = 1 << 10;

impl Variant {
    /// ACR at reset.
    pub fn acr_reset(self) -> u32 {
        match self {
            Variant::L4 => ICEN | DCEN,
            Variant::F7 => 0,
        }
    }

    /// Bits software may write (the L4R5 SVD gives LATENCY three bits; RM0432 four).
    fn acr_mask(self) -> u32 {
        match self {
            Variant::L4 => 0x7F0F,
            Variant::F7 => 0x0B0F,
        }
    }
}

/// Sets the flash timing of `map` from an ACR value: wait states, and the accelerator's
/// switches (on F7 only the prefetch: its caches are the core's, switched by CCR).
pub fn apply(variant: Variant, acr: u32, map: &mut MemoryMap) {
    map.set_flash_wait_states(acr & LATENCY);
    if let Some(a) = &mut map.accel {
        let prefetch = acr & PRFTEN != 0;
        match variant {
            Variant::L4 => a.set_switches(acr & ICEN != 0, acr & DCEN != 0, prefetch),
            Variant::F7 => {
                let (i, d) = (a.icache_on(), a.dcache_on());
                a.set_switches(i, d, prefetch);
            }
        }
    }
}

/// The flash interface registers.
pub struct Flash {
    variant: Variant,
    regs: RegisterFile,
}

impl Flash {
    /// The flash interface described by `desc`.
    pub fn new(variant: Variant, desc: &'static PeripheralDesc) -> Flash {
        let mut regs = RegisterFile::new(desc);
        regs.set(ACR, variant.acr_reset());
        Flash { variant, regs }
    }
}

impl Device for Flash {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        if offset & !3 != ACR {
            unmodelled(&self.regs, offset, false, ctx)?;
        }
        Ok(self.regs.read(offset, width).unwrap_or(0))
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        if offset & !3 != ACR {
            unmodelled(&self.regs, offset, true, ctx)?;
            self.regs.write(offset, width, value);
            return Ok(());
        }
        let old = self.regs.get(ACR).unwrap_or(0);
        let mask = self.variant.acr_mask();
        let new = (old & !mask) | (merge_sub_word(old, offset, width, value) & mask);
        self.regs.set(ACR, new);
        if new != old {
            apply(self.variant, new, ctx.map);
            // Decoded instructions may carry flash timing.
            *ctx.code_epoch += 1;
        }
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, _: &Peek) -> Option<u32> {
        self.regs
            .get(offset & !3)
            .map(|v| sub_word(v, offset, width))
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.regs.reset();
        self.regs.set(ACR, self.variant.acr_reset());
        apply(self.variant, self.variant.acr_reset(), ctx.map);
        if self.variant == Variant::F7 {
            // CCR.IC/DC are off after reset too.
            if let Some(a) = &mut ctx.map.accel {
                a.set_switches(false, false, false);
            }
        }
        *ctx.code_epoch += 1;
    }
}

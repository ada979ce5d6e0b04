//! The Thumb instruction set of an M-profile core as a [`sim_core::Isa`]: the core profile,
//! the decode cache and the hot run loop.
//!
//! # Decode cache
//! Decoded instructions are kept per halfword address for code in *flash* regions (read-only
//! at run time, so only the debugger or the loader can change them, and those bump
//! `Bus::code_epoch`). The cache is a page table indexed by `pc >> 12` whose 4 KiB pages
//! (2048 halfword slots) are allocated on first execution; a lookup is two indexed loads.
//! When `code_epoch` moves, every page is dropped. Code running from SRAM is fetched and
//! decoded on every execution: guest stores into SRAM are plain memory writes that the cache
//! cannot see, and firmware rarely runs hot loops from SRAM; correctness wins there.

use crate::alu;
use crate::block::{BlockCache, Engine};
use crate::exec::fast::{self, Fast};
use crate::exec::mem::{execute_never, fetch_fault};
use crate::exec::Done;
use crate::instr::{Enc, Instr, UndefReason};
use crate::pipeline::{Issue, Pipe};
use crate::timing::Timing;
use sim_core::board::{Arch, FpuKind, RegionKind};
use sim_core::isa::{Flow, InstrClass, RunExit};
use sim_core::stats::Stats;
use sim_core::{Bus, CoreProfile, Cpu, Isa, Retired, Trap};

const PAGE_SHIFT: u32 = 12;
const SLOTS: usize = 1 << (PAGE_SHIFT - 1);

/// One decoded instruction (`len` 0 = not decoded yet) with its fast form and what the
/// pipeline model needs of it.
#[derive(Clone, Copy)]
pub(crate) struct Slot {
    pub(crate) instr: Instr,
    pub(crate) fast: Fast,
    pub(crate) issue: Issue,
    pub(crate) len: u8,
}

type Page = Box<[Slot; SLOTS]>;

const EMPTY: Instr = Instr::Undefined {
    enc: Enc::NONE16,
    reason: UndefReason::Undefined,
};

/// Decoded instructions of flash code, by halfword address.
struct DecodeCache {
    pages: Vec<Option<Page>>,
    epoch: u64,
}

impl DecodeCache {
    fn new() -> DecodeCache {
        DecodeCache {
            pages: Vec::new(),
            epoch: 0,
        }
    }

    fn clear(&mut self) {
        self.pages.clear();
    }

    #[inline(always)]
    fn get(&self, pc: u32) -> Option<&Slot> {
        let page = self.pages.get((pc >> PAGE_SHIFT) as usize)?.as_ref()?;
        let slot = &page[((pc >> 1) as usize) & (SLOTS - 1)];
        (slot.len != 0).then_some(slot)
    }

    fn put(&mut self, pc: u32, instr: Instr, len: u32, bus: &Bus, timing: &Timing) {
        let pi = (pc >> PAGE_SHIFT) as usize;
        if pi >= self.pages.len() {
            self.pages.resize_with(pi + 1, || None);
        }
        let page = self.pages[pi].get_or_insert_with(|| {
            let slots: Box<[Slot]> = vec![
                Slot {
                    instr: EMPTY,
                    fast: Fast::Generic,
                    issue: Issue::SERIAL,
                    len: 0
                };
                SLOTS
            ]
            .into_boxed_slice();
            slots
                .try_into()
                .unwrap_or_else(|_| unreachable!("SLOTS slots"))
        });
        page[((pc >> 1) as usize) & (SLOTS - 1)] = Slot {
            instr,
            fast: fast::lower(&instr, pc, bus, timing),
            issue: Issue::of(&instr),
            len: len as u8,
        };
    }
}

/// The executor's state apart from the decode cache (so that a cached instruction can be
/// executed by reference while the cache is borrowed).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Core {
    pub(crate) arch: Arch,
    pub(crate) fpu: FpuKind,
    pub(crate) timing: Timing,
    /// Local exclusive monitor: true in the Exclusive Access state (after LDREX).
    pub(crate) monitor: bool,
    /// Load/store pipelining (timing): address of the instruction after the last single load
    /// or immediate-offset store (1: none) and that load's destination (0xFF: a store).
    pub(crate) ls_next: u32,
    pub(crate) ls_rt: u8,
    /// The effective address of the last single load to a core register (the pipeline
    /// model pairs two loads by their addresses: [`crate::pipeline::Issue::addressed`]).
    pub(crate) ls_addr: u32,
    /// The superscalar pipeline's state (Cortex-M7 only, `timing.pipeline`): dual issue,
    /// result latencies, branch predictor. See [`crate::pipeline`].
    pub(crate) pipe: Pipe,
    /// A cache of [`crate::exception::fp_ready`] for the FP fast forms: true once it was seen
    /// to hold. Cleared at every way its inputs (CPACR, FPCCR, CONTROL.FPCA) can change: the
    /// start of a run batch or a single step (exception entry, debugger writes and SCB writes
    /// happen between batches: a CPACR/FPCCR write ends the batch), and every instruction of
    /// the generic executor (MSR CONTROL, exception return, FP instructions it runs).
    pub(crate) fp_ok: bool,
    /// The trap of the last generic execution that trapped (see `Core::execute_generic`).
    pub(crate) trap: Option<Trap>,
}

/// Thumb/Thumb-2 execution for one core profile.
pub struct Thumb {
    /// The core profile (instruction set subset and timing table).
    pub profile: CoreProfile,
    /// The FPU present.
    pub fpu: FpuKind,
    pub(crate) core: Core,
    cache: DecodeCache,
    /// The engine of [`Isa::run`].
    engine: Engine,
    pub(crate) blocks: BlockCache,
}

impl Thumb {
    /// An executor for `profile` with `fpu`.
    pub fn new(profile: CoreProfile, fpu: FpuKind) -> Thumb {
        Thumb {
            profile,
            fpu,
            core: Core::new(profile, fpu),
            cache: DecodeCache::new(),
            engine: Engine::default(),
            blocks: BlockCache::new(),
        }
    }

    /// The engine that runs batches of instructions.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Selects the engine that runs batches of instructions (single steps always take the
    /// interpreter's path; both share the decode cache and the executor's state, so the
    /// engine can change between batches).
    pub fn set_engine(&mut self, engine: Engine) {
        self.engine = engine;
    }

    /// The cycle table in use.
    pub fn timing(&self) -> &Timing {
        &self.core.timing
    }

    /// Replaces the cycle table (calibration, tests).
    pub fn set_timing(&mut self, t: Timing) {
        self.core.timing = t;
    }

    /// Whether the local exclusive monitor is in the Exclusive Access state.
    pub fn exclusive_monitor(&self) -> bool {
        self.core.monitor
    }

    /// Fetches and decodes the instruction at `pc` (no cache). 32-bit encodings go through
    /// [`crate::decode::decode_for`], so that FP instructions the core's FPU lacks (double
    /// precision on FPv4-SP and FPv5-SP, D16-D31 on every M-profile FPU) are UNDEFINED.
    fn fetch_decode(&self, bus: &Bus, pc: u32) -> Result<(Instr, u32, bool), Trap> {
        if execute_never(pc) {
            return Err(fetch_fault(pc).into());
        }
        let (ri, off) = bus.map.find(pc, 2).ok_or_else(|| fetch_fault(pc))?;
        let region = &bus.map.regions[ri];
        let hw1 = u16::from_le_bytes([region.data[off], region.data[off + 1]]);
        let cacheable = region.kind == RegionKind::Flash;
        if crate::decode::is_32bit(hw1) {
            let pc2 = pc.wrapping_add(2);
            let (ri2, off2) = bus.map.find(pc2, 2).ok_or_else(|| fetch_fault(pc2))?;
            let r2 = &bus.map.regions[ri2];
            let hw2 = u16::from_le_bytes([r2.data[off2], r2.data[off2 + 1]]);
            let cacheable = cacheable && r2.kind == RegionKind::Flash;
            Ok((
                crate::decode::decode_for(hw1, hw2, self.core.arch, self.core.fpu),
                4,
                cacheable,
            ))
        } else {
            Ok((crate::decode::decode16(hw1, self.core.arch), 2, cacheable))
        }
    }

    /// The decoded slot of the flash instruction at `pc`, decoded and cached on a miss; `None`
    /// when `pc` is not in flash or cannot be fetched (for the block engine, which takes
    /// flash code only).
    pub(crate) fn decoded(&mut self, bus: &Bus, pc: u32) -> Option<Slot> {
        if let Some(slot) = self.cache.get(pc) {
            return Some(*slot);
        }
        let (ri, _) = bus.map.find(pc, 2)?;
        if bus.map.regions[ri].kind != RegionKind::Flash || execute_never(pc) {
            return None;
        }
        let (instr, len, cacheable) = self.fetch_decode(bus, pc).ok()?;
        if !cacheable {
            return None;
        }
        self.cache.put(pc, instr, len, bus, &self.core.timing);
        self.cache.get(pc).copied()
    }

    /// Decode-cache miss: fetch, decode, cache when the code is in flash, execute.
    #[cold]
    #[inline(never)]
    fn step_miss(&mut self, cpu: &mut Cpu, bus: &mut Bus, pc: u32) -> Result<Done, Trap> {
        let (instr, len, cacheable) = self.fetch_decode(bus, pc)?;
        if cacheable {
            self.cache.put(pc, instr, len, bus, &self.core.timing);
        }
        let d = self
            .core
            .run_instr(cpu, bus, &Fast::Generic, &instr, pc, len)?;
        if self.core.timing.pipeline {
            return Ok(self
                .core
                .pipeline_cycles(&Issue::of(&instr), pc, cpu.r[15], d));
        }
        Ok(d)
    }

    /// The INVSTATE UsageFault of executing with EPSR.T = 0, checked before a step and when a
    /// run batch starts: everything that clears T inside a batch (BX/BLX/POP/LDR to an even
    /// address, exception return) also ends the batch (`bus.exc.dirty` or a non-plain flow).
    #[inline(always)]
    pub(crate) fn invalid_state(cpu: &Cpu) -> Option<Trap> {
        (!cpu.thumb)
            .then_some(sim_core::Fault::Usage(sim_core::isa::UsageCause::InvalidState).into())
    }

    #[inline(always)]
    pub(crate) fn sync_epoch(&mut self, bus: &Bus) {
        if bus.code_epoch != self.cache.epoch {
            self.cache.clear();
            self.blocks.clear();
            self.cache.epoch = bus.code_epoch;
        }
    }

    /// Executes one instruction (the cache is in sync with `bus.code_epoch`, and EPSR.T is
    /// set: see [`Thumb::invalid_state`]).
    #[inline(always)]
    pub(crate) fn step_inner(&mut self, cpu: &mut Cpu, bus: &mut Bus) -> Result<Done, Trap> {
        let pc = cpu.r[15];
        // Flash accelerator (timing): only when fetch enters another flash granule; never on
        // boards without one (fetch_mask 0). The stall lands in bus.wait.
        if (pc ^ bus.fetch_at) & bus.fetch_mask != 0 {
            bus.fetch_moved(pc);
        }
        if let Some(slot) = self.cache.get(pc) {
            let len = u32::from(slot.len);
            let r = if cpu.itstate == 0 {
                self.core
                    .execute_fast(cpu, bus, &slot.fast, &slot.instr, pc, len)
            } else {
                self.core
                    .run_instr(cpu, bus, &slot.fast, &slot.instr, pc, len)
            };
            if self.core.timing.pipeline {
                if let Ok(d) = r {
                    return Ok(self.core.pipeline_cycles(&slot.issue, pc, cpu.r[15], d));
                }
            }
            return r;
        }
        self.step_miss(cpu, bus, pc)
    }

    /// Executes one given instruction at `cpu.pc()` (its width from its encoding), as `step`
    /// would after fetching it: for tests and tools that build instructions directly.
    pub fn execute_instr(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        instr: Instr,
    ) -> Result<Retired, Trap> {
        let pc = cpu.r[15];
        if !cpu.thumb {
            return Err(sim_core::Fault::Usage(sim_core::isa::UsageCause::InvalidState).into());
        }
        self.core
            .run_instr(cpu, bus, &Fast::Generic, &instr, pc, instr.width())
            .map(Done::retired)
    }
}

impl Core {
    /// The pipeline model's cycles for an instruction that retired as `d` (see
    /// [`Pipe::retire`]); only for cores with `timing.pipeline`.
    #[inline(always)]
    pub(crate) fn pipeline_cycles(&mut self, issue: &Issue, pc: u32, next: u32, d: Done) -> Done {
        self.pipe
            .retire(&self.timing, issue, pc, next, self.ls_addr, d)
    }

    /// The executor state of `profile` with `fpu`, just out of reset.
    pub(crate) fn new(profile: CoreProfile, fpu: FpuKind) -> Core {
        Core {
            arch: profile.arch(),
            fpu,
            timing: Timing::for_profile(profile),
            monitor: false,
            ls_next: 1,
            ls_rt: 0xFF,
            ls_addr: 0,
            pipe: Pipe::default(),
            fp_ok: false,
            trap: None,
        }
    }

    /// Executes `instr` fetched at `pc` with length `len`, applying ITSTATE; an instruction
    /// whose condition passes runs through its fast form `fast` when that form means the same
    /// inside an IT block ([`Fast::same_in_it`]).
    #[inline(always)]
    pub(crate) fn run_instr(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        fast: &Fast,
        instr: &Instr,
        pc: u32,
        len: u32,
    ) -> Result<Done, Trap> {
        let it = cpu.itstate;
        if it == 0 {
            return self.execute_generic(cpu, bus, instr, pc, len, false);
        }
        // Inside an IT block: the condition comes from ITSTATE; ITSTATE advances whether or
        // not the condition passes (A7.3.2). On a fault the old ITSTATE is kept, so that the
        // stacked EPSR resumes the block at the faulting instruction. BKPT executes
        // unconditionally (A7.7.17).
        cpu.itstate = alu::it_advance(it);
        if !alu::condition_passed(it >> 4, cpu.n, cpu.z, cpu.c, cpu.v)
            && !matches!(instr, Instr::Bkpt { .. })
        {
            cpu.r[15] = pc.wrapping_add(len);
            return Ok(Done(
                u64::from(self.timing.alu) | ((InstrClass::Skipped as u64) << 32),
            ));
        }
        let r = if fast.same_in_it() {
            self.execute_fast(cpu, bus, fast, instr, pc, len)
        } else {
            self.execute_generic(cpu, bus, instr, pc, len, true)
        };
        if r.is_err() {
            cpu.itstate = it;
        }
        r
    }
}

impl Isa for Thumb {
    fn step(&mut self, cpu: &mut Cpu, bus: &mut Bus) -> Result<Retired, Trap> {
        if let Some(t) = Thumb::invalid_state(cpu) {
            return Err(t);
        }
        self.sync_epoch(bus);
        self.core.fp_ok = false;
        self.step_inner(cpu, bus).map(Done::retired)
    }

    fn enter_exception(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        exception: u16,
    ) -> Result<u32, Trap> {
        // Exception entry clears the local exclusive monitor (ARMv7-M A3.4.4) and empties
        // the pipeline.
        self.core.monitor = false;
        self.core.pipe.flush();
        crate::exception::enter(cpu, bus, exception, self.profile).map_err(Trap::Fault)
    }

    fn reset(&mut self, cpu: &mut Cpu, bus: &mut Bus) -> Result<(), Trap> {
        self.core.monitor = false;
        self.core.pipe = Pipe::default();
        bus.reset_fetch();
        self.cache.clear();
        self.blocks.clear();
        self.cache.epoch = bus.code_epoch;
        crate::exception::reset(cpu, bus).map_err(Trap::Fault)
    }

    fn flush_decode_cache(&mut self) {
        self.cache.clear();
        self.blocks.clear();
    }

    fn disassemble(&self, bus: &Bus, pc: u32) -> Option<String> {
        let hw1 = bus.peek(pc, 2)? as u16;
        let hw2 = if crate::decode::is_32bit(hw1) {
            bus.peek(pc.wrapping_add(2), 2)? as u16
        } else {
            0
        };
        let instr = crate::decode::decode_for(hw1, hw2, self.core.arch, self.core.fpu);
        Some(crate::disasm::disasm(&instr, pc))
    }

    fn polled_bits(&self, bus: &Bus, pc: u32) -> Option<u32> {
        crate::poll::polled_bits(bus, self.profile.arch(), pc)
    }

    fn run(&mut self, cpu: &mut Cpu, bus: &mut Bus, stats: &mut Stats, budget: u64) -> RunExit {
        match self.engine {
            Engine::Interp => self.run_loop::<true>(cpu, bus, stats, budget),
            Engine::Block => self.block_loop::<true, false>(cpu, bus, stats, budget),
            #[cfg(feature = "jit")]
            Engine::Jit { .. } => self.block_loop::<true, true>(cpu, bus, stats, budget),
        }
    }

    fn run_untracked(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        stats: &mut Stats,
        budget: u64,
    ) -> RunExit {
        match self.engine {
            Engine::Interp => self.run_loop::<false>(cpu, bus, stats, budget),
            Engine::Block => self.block_loop::<false, false>(cpu, bus, stats, budget),
            #[cfg(feature = "jit")]
            Engine::Jit { .. } => self.block_loop::<false, false>(cpu, bus, stats, budget),
        }
    }
}

impl Thumb {
    /// The hot loop. `TRACK` = false leaves out statistics, call tracking and the clock (the
    /// overhead benchmark's baseline).
    #[inline(always)]
    fn run_loop<const TRACK: bool>(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        stats: &mut Stats,
        budget: u64,
    ) -> RunExit {
        self.sync_epoch(bus);
        if let Some(t) = Thumb::invalid_state(cpu) {
            return RunExit::Trap(t);
        }
        self.core.fp_ok = false;
        for _ in 0..budget {
            match self.step_inner(cpu, bus) {
                Ok(d) => {
                    if let Some(exit) = retire::<TRACK>(cpu, bus, stats, d) {
                        return exit;
                    }
                }
                Err(t) => return RunExit::Trap(t),
            }
        }
        RunExit::Budget
    }
}

/// Accounts an instruction that retired with `d` as every engine does — statistics and the
/// clock (with `TRACK`), sleep, call tracking — and says whether the batch ends after it: a
/// WFI/WFE, a call or return the statistics must look at, EPSR.T cleared, or the clock at
/// `Bus::next_event` (a device event due, or anything that set `exc.dirty`).
#[inline(always)]
pub(crate) fn retire<const TRACK: bool>(
    cpu: &Cpu,
    bus: &mut Bus,
    stats: &mut Stats,
    d: Done,
) -> Option<RunExit> {
    if TRACK {
        let cycles = d.cycles();
        stats.retire_class(cpu, d.class_index(), cycles);
        bus.now += u64::from(cycles);
    }
    if !d.plain() {
        let flow = d.flow();
        match flow {
            Flow::Plain => {}
            Flow::WaitForInterrupt | Flow::WaitForEvent => {
                return Some(RunExit::Sleep(flow));
            }
            Flow::Call | Flow::Return | Flow::ExceptionReturn => {
                if TRACK && stats.flow(cpu, flow, bus.now) {
                    return Some(RunExit::Event);
                }
            }
        }
        if !cpu.thumb {
            return Some(RunExit::Event);
        }
    }
    // Also after anything that set exc.dirty (see Bus::next_event).
    if bus.now >= bus.next_event {
        return Some(RunExit::Event);
    }
    None
}

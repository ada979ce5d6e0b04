//! The block engine: straight-line runs of flash code, taken from the decode cache once into
//! a block of pre-lowered operations, executed one after another and chained to the block that
//! follows, without the per-instruction lookup of the interpreter.
//!
//! # What a block is
//! A block starts at the address execution reached and takes the decode cache's slots (the
//! same [`Instr`] and fast form (`exec::fast`) the interpreter runs: there is one decoder and one
//! executor) of the instructions that follow, up to and including the first that may leave
//! the straight line: a branch (B, B\<c\>, CBZ, BL, BX LR) or an instruction without a fast
//! form (whatever the generic executor runs may write PC, change mode or ITSTATE), at most
//! [`MAX_OPS`] of them. It ends before code that is not in flash (SRAM code is interpreted,
//! as in the interpreter: stores into it are plain writes the caches cannot see) and before
//! an address that cannot be fetched (the interpreter raises that fault).
//!
//! What is static about the block is worked out once: which instructions sit in an IT block
//! (they run through the interpreter's IT path, `Core::run_instr`), and where instruction
//! fetch enters another flash granule (the interpreter's `(pc ^ fetch_at) & fetch_mask`
//! test, known at build time for every instruction but the first; the flash model is then
//! called at the same instruction with the same clock, so its stall is the same).
//!
//! # Exactness
//! Every instruction of a block runs through the same fast form or generic executor, goes
//! through the same pipeline model on the Cortex-M7 (`crate::pipeline`, with the decode
//! cache's `Issue`), and is accounted as the interpreter's `thumb::retire` does: its cycles (the
//! per-core timing table plus wait states, load/store pipelining, refill, divide latency
//! taken as the instruction runs), statistics, call tracking and the check of
//! `Bus::next_event` after it. A device event or a pending exception due inside a block
//! therefore ends the batch after the same instruction as in the interpreter; a trap, a
//! sleep or a non-plain flow as well. The instruction budget of the batch is honoured
//! exactly (a block is cut short when the budget ends inside it). Blocks are dropped with
//! the decode cache when `Bus::code_epoch` moves (debugger, loader, flash programming).
//!
//! The statistics of a block's body are added at once: each operation remembers what it
//! returned the first time it ran in its block (class and cycles, as the executor, the timing
//! table and the pipeline model made them in the block's static context), the block keeps
//! their sum by class, and a later run whose every instruction returns exactly that counts
//! one more run of the block; the counted runs' sums go into the statistics before anything
//! reads the per-class figures (a call or return, where regions of interest and functions
//! take their snapshots, and the end of the batch). An instruction that returns anything else
//! (wait states, a divide's latency, a failed condition, another pipeline pairing, a trap)
//! is accounted as itself, as the interpreter does. The block's last instruction (a branch,
//! mostly) has an expected result too when its first one had a plain flow (a call or return
//! never has: the statistics must see it); it is accounted as itself, from that result when
//! it matches. One compare per instruction tells the two apart: a trap travels as `Done::TRAPPED`, which is never expected. The clock still
//! advances after every instruction (devices and the flash model read it), the event check
//! follows each, and the stack marks look at SP after each instruction that may write it
//! (`Fast::props` says which). Blocks without granule crossings or IT instructions run
//! through a copy of the loop without those tests (on cores without the pipeline model).
//! `tests/it/engines.rs` runs every quick test ELF and random programs with interrupts under
//! both engines and compares instructions, cycles, registers, memory, statistics and energy.

use crate::alu;
use crate::exec::fast::Fast;
use crate::exec::Done;
use crate::instr::Instr;
use crate::pipeline::Issue;
use crate::thumb::{retire, Core, Thumb};
use sim_core::isa::RunExit;
use sim_core::stats::Stats;
use sim_core::{Bus, Cpu, Trap};

/// The engine that runs batches of instructions ([`sim_core::Isa::run`]); single steps
/// (debugger, `--trace`) always take the interpreter's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// One instruction at a time through the decode cache: the reference.
    Interp,
    /// Blocks of pre-lowered flash code, chained ([`crate::block`]): the default; 7-24% fewer
    /// host instructions per simulated one than the interpreter on the MPS2 boards, 1% on
    /// nano33ble (cachegrind, README).
    #[default]
    Block,
    /// The block engine with the bodies of hot blocks compiled to host code
    /// ([`crate::jit`]): a block is compiled after `hot` runs of its body (the command
    /// line's `jit` takes [`crate::jit::JIT_HOT`]).
    #[cfg(feature = "jit")]
    Jit {
        /// Runs of a block's body before it is compiled (at least 1).
        hot: u32,
    },
}

impl Engine {
    /// Every engine, in the order the command line lists them.
    #[cfg(feature = "jit")]
    pub const ALL: [Engine; 3] = [
        Engine::Interp,
        Engine::Block,
        Engine::Jit {
            hot: crate::jit::JIT_HOT,
        },
    ];
    /// Every engine, in the order the command line lists them.
    #[cfg(not(feature = "jit"))]
    pub const ALL: [Engine; 2] = [Engine::Interp, Engine::Block];

    /// The name on the command line (`--engine interp|block|jit`).
    pub fn name(self) -> &'static str {
        match self {
            Engine::Interp => "interp",
            Engine::Block => "block",
            #[cfg(feature = "jit")]
            Engine::Jit { .. } => "jit",
        }
    }

    /// The engine named `s`.
    pub fn parse(s: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.name() == s)
    }

    /// Runs of a block's body before the JIT compiles it (`None`: no JIT).
    #[cfg(feature = "jit")]
    fn jit_hot(self) -> Option<u32> {
        match self {
            #[cfg(feature = "jit")]
            Engine::Jit { hot } => Some(hot.max(1)),
            _ => None,
        }
    }
}

/// Most instructions in one block.
pub const MAX_OPS: usize = 64;

/// Operations kept before the whole cache is dropped and rebuilt from what runs next (a
/// bound on the host memory: 64 bytes each, 16 MiB).
const MAX_ARENA: usize = 1 << 18;

/// No block (an index into `BlockCache::blocks` otherwise).
const NONE: u32 = u32::MAX;

const PAGE_SHIFT: u32 = 12;
const SLOTS: usize = 1 << (PAGE_SHIFT - 1);

/// Flags of an operation.
const CROSS: u8 = 1;
/// The operation is inside an IT block: it runs through `Core::run_instr`.
const IN_IT: u8 = 2;
/// The operation may write SP: the stack marks look at SP after it (`Stats::watch_stack`).
pub(crate) const SP: u8 = 4;

/// An operation's expected result not known yet: never a real one (a [`Done`] has its bits
/// 63:48 clear), nor [`Done::TRAPPED`], so that a trap never passes for an expected result.
const UNKNOWN: u64 = u64::MAX - 1;

/// One instruction of a block: its fast form, address and length, its decoded [`Instr`]
/// (read only by the generic executor) and its expected result.
#[derive(Clone, Copy)]
pub(crate) struct Op {
    pub(crate) fast: Fast,
    pub(crate) pc: u32,
    pub(crate) len: u8,
    /// `CROSS`: instruction fetch enters another flash granule here (never on the first
    /// operation, whose predecessor is not known); `IN_IT`.
    pub(crate) flags: u8,
    instr: Instr,
    /// What the pipeline model needs of it (read only on cores with `Timing::pipeline`).
    issue: Issue,
    /// What the instruction returned when it first ran in its block (`UNKNOWN` before): its
    /// class and cycles as the executor and the timing table made them, in the static
    /// context of the block (the instruction before it, hence load/store pipelining and
    /// fetch granules); only a result with a plain flow is learnt. A run that returns exactly
    /// this is accounted with the block's sum (the last instruction as itself); anything else (wait states, a divide's latency, a condition that failed, a declined
    /// FP form) is accounted as it is, as the interpreter does.
    pub(crate) expect: u64,
}

/// A block: operations `first..first + len` of the arena (the first `body` of them run
/// straight on, the last may be a branch or a generic instruction), and the blocks that
/// followed it last (by start address), so that a chained successor costs one compare.
struct Block {
    first: u32,
    len: u32,
    body: u32,
    next: [(u32, u32); 2],
    /// The body's expected results summed by class: (class, instructions, cycles); valid
    /// when `sum_ok`.
    sum: Vec<(u8, u32, u32)>,
    sum_ok: bool,
    /// An expectation was learnt since `sum` was last computed.
    dirty: bool,
    /// Runs of the body with the expected results whose `sum` is not yet in the statistics
    /// (the block is then in `BlockCache::pending`): added at once by [`flush`], before
    /// anything reads the per-class statistics (a call or return, the end of the batch).
    runs: u64,
    /// No operation crosses a flash granule or sits in an IT block: the bulk run needs no
    /// test of either.
    lean: bool,
    /// Bulk runs of the body counted towards the JIT's threshold ([`Engine::Jit`]).
    #[cfg(feature = "jit")]
    hot: u32,
    /// The body's host code ([`crate::jit`]), once compiled.
    #[cfg(feature = "jit")]
    code: Option<crate::jit::Code>,
}

/// The blocks of one code epoch.
pub(crate) struct BlockCache {
    /// Block index + 1 by halfword address of its first instruction (0: none), in 4 KiB
    /// pages as the decode cache.
    pages: Vec<Option<Box<[u32; SLOTS]>>>,
    blocks: Vec<Block>,
    ops: Vec<Op>,
    /// The blocks with `runs` not yet accounted.
    pending: Vec<u32>,
    /// The flash granule mask the `CROSS` flags were computed with.
    mask: u32,
    /// The compiled bodies' host code.
    #[cfg(feature = "jit")]
    jit: crate::jit::Jit,
}

impl BlockCache {
    pub(crate) fn new() -> BlockCache {
        BlockCache {
            pages: Vec::new(),
            blocks: Vec::new(),
            ops: Vec::new(),
            pending: Vec::new(),
            mask: 0,
            #[cfg(feature = "jit")]
            jit: crate::jit::Jit::new(),
        }
    }

    /// Drops every block (their pending runs are in the statistics already: see [`flush`]).
    pub(crate) fn clear(&mut self) {
        debug_assert!(self.pending.is_empty(), "block runs not accounted");
        self.pages.clear();
        self.blocks.clear();
        self.ops.clear();
        #[cfg(feature = "jit")]
        self.jit.clear();
    }

    #[inline(always)]
    fn find(&self, pc: u32) -> u32 {
        match self.pages.get((pc >> PAGE_SHIFT) as usize) {
            Some(Some(page)) => page[((pc >> 1) as usize) & (SLOTS - 1)].wrapping_sub(1),
            _ => NONE,
        }
    }

    fn insert(&mut self, pc: u32, index: u32) {
        let pi = (pc >> PAGE_SHIFT) as usize;
        if pi >= self.pages.len() {
            self.pages.resize_with(pi + 1, || None);
        }
        let page = self.pages[pi].get_or_insert_with(|| {
            vec![0u32; SLOTS]
                .into_boxed_slice()
                .try_into()
                .unwrap_or_else(|_| unreachable!("SLOTS slots"))
        });
        page[((pc >> 1) as usize) & (SLOTS - 1)] = index + 1;
    }

    /// The block starting at `pc` that follows block `prev` (`NONE`: not known), through
    /// `prev`'s successor pair when it holds `pc`, else through the page table (and then
    /// remembered in the pair: the fall-through address in the first entry, anything else in
    /// the second).
    #[inline(always)]
    fn successor(&mut self, prev: u32, pc: u32) -> u32 {
        if prev == NONE {
            return self.find(pc);
        }
        let next = self.blocks[prev as usize].next;
        if next[0].0 == pc {
            return next[0].1;
        }
        if next[1].0 == pc {
            return next[1].1;
        }
        let found = self.find(pc);
        if found != NONE {
            self.link(prev, pc, found);
        }
        found
    }

    fn link(&mut self, prev: u32, pc: u32, index: u32) {
        let b = &self.blocks[prev as usize];
        let last = self.ops[(b.first + b.len - 1) as usize];
        let fall = last.pc.wrapping_add(u32::from(last.len));
        let slot = usize::from(pc != fall);
        self.blocks[prev as usize].next[slot] = (pc, index);
    }
}

/// Recomputes block `b`'s sum of expected results (`ops`: the arena's), valid when every
/// body operation has one.
#[cold]
#[inline(never)]
fn summarize(b: &mut Block, ops: &[Op]) {
    b.dirty = false;
    b.sum.clear();
    b.sum_ok = false;
    let first = b.first as usize;
    for op in &ops[first..first + b.body as usize] {
        if op.expect == UNKNOWN {
            return;
        }
        let d = Done(op.expect);
        let class = d.class_index() as u8;
        match b.sum.iter_mut().find(|s| s.0 == class) {
            Some(s) => {
                s.1 += 1;
                s.2 += d.cycles();
            }
            None => b.sum.push((class, 1, d.cycles())),
        }
    }
    b.sum_ok = true;
}

/// Adds the statistics of the pending runs of blocks (see `Block::runs`).
#[cold]
#[inline(never)]
fn flush(blocks: &mut [Block], pending: &mut Vec<u32>, stats: &mut Stats) {
    for &bi in pending.iter() {
        let b = &mut blocks[bi as usize];
        for &(class, k, cycles) in &b.sum {
            stats.add_retired(
                usize::from(class),
                u64::from(k) * b.runs,
                u64::from(cycles) * b.runs,
            );
        }
        b.runs = 0;
    }
    pending.clear();
}

/// Accounts operations `ops` that returned their expected results.
#[cold]
#[inline(never)]
fn account(stats: &mut Stats, ops: &[Op]) {
    for op in ops {
        let d = Done(op.expect);
        stats.add_retired(d.class_index(), 1, u64::from(d.cycles()));
    }
}

/// An instruction inside an IT block (out of line: the hot loop keeps one copy of the fast
/// forms).
#[inline(never)]
fn run_in_it(core: &mut Core, cpu: &mut Cpu, bus: &mut Bus, op: &Op) -> Result<Done, Trap> {
    core.run_instr(cpu, bus, &op.fast, &op.instr, op.pc, u32::from(op.len))
}

/// One operation, its fetch stall first and the pipeline model after, as in the interpreter's
/// step (out of line: for the last instruction of a block and the runs one instruction at a
/// time).
#[inline(never)]
fn run_op(core: &mut Core, cpu: &mut Cpu, bus: &mut Bus, op: &Op) -> Result<Done, Trap> {
    if op.flags & CROSS != 0 {
        bus.fetch_moved(op.pc);
    }
    let d = if op.flags & IN_IT == 0 {
        core.execute_fast(cpu, bus, &op.fast, &op.instr, op.pc, u32::from(op.len))
    } else {
        core.run_instr(cpu, bus, &op.fast, &op.instr, op.pc, u32::from(op.len))
    }?;
    if core.timing.pipeline {
        return Ok(core.pipeline_cycles(&op.issue, op.pc, cpu.r[15], d));
    }
    Ok(d)
}

impl Thumb {
    /// Builds the block starting at `pc` (flash code, outside an IT block) and links it as a
    /// successor of `prev`, or `NONE` when `pc` is not flash code or cannot be fetched (the
    /// interpreter's step runs it).
    #[cold]
    #[inline(never)]
    fn build_block(&mut self, bus: &Bus, stats: &mut Stats, pc: u32, prev: u32) -> u32 {
        let mut prev = prev;
        if self.blocks.ops.len() + MAX_OPS > MAX_ARENA || self.blocks.mask != bus.fetch_mask {
            let BlockCache {
                blocks, pending, ..
            } = &mut self.blocks;
            flush(blocks, pending, stats);
            self.blocks.clear();
            self.blocks.mask = bus.fetch_mask;
            prev = NONE;
        }
        let first = self.blocks.ops.len();
        let mut at = pc;
        // Instructions of an IT block still to come (the IT instruction's own count).
        let mut in_it = 0u32;
        while self.blocks.ops.len() - first < MAX_OPS {
            let Some(slot) = self.decoded(bus, at) else {
                break;
            };
            let prev = self.blocks.ops.len().checked_sub(1).filter(|&i| i >= first);
            let cross = prev.is_some_and(|i| (self.blocks.ops[i].pc ^ at) & bus.fetch_mask != 0);
            let mut flags = if cross { CROSS } else { 0 };
            if in_it > 0 {
                // The generic executor may run it (flag suppression): anything may change.
                flags |= IN_IT | SP;
                in_it -= 1;
            }
            let props = slot.fast.props();
            if props.may_write_sp {
                flags |= SP;
            }
            if let Fast::It { state } = slot.fast {
                if in_it > 0 {
                    // IT inside an IT block: UNPREDICTABLE; leave it to the interpreter.
                    break;
                }
                let mut s = state;
                while alu::in_it_block(s) {
                    in_it += 1;
                    s = alu::it_advance(s);
                }
            }
            self.blocks.ops.push(Op {
                fast: slot.fast,
                pc: at,
                len: slot.len,
                flags,
                instr: slot.instr,
                issue: slot.issue,
                expect: UNKNOWN,
            });
            at = at.wrapping_add(u32::from(slot.len));
            if props.ends_block {
                break;
            }
        }
        let len = self.blocks.ops.len() - first;
        if len == 0 {
            return NONE;
        }
        let index = self.blocks.blocks.len() as u32;
        let last = &self.blocks.ops[first + len - 1];
        let body = if last.fast.props().ends_block {
            len - 1
        } else {
            len
        };
        let lean = self.blocks.ops[first..first + len]
            .iter()
            .all(|op| op.flags & (CROSS | IN_IT) == 0);
        self.blocks.blocks.push(Block {
            first: first as u32,
            len: len as u32,
            body: body as u32,
            next: [(1, NONE); 2],
            sum: Vec::new(),
            sum_ok: false,
            dirty: false,
            runs: 0,
            lean,
            #[cfg(feature = "jit")]
            hot: 0,
            #[cfg(feature = "jit")]
            code: None,
        });
        self.blocks.insert(pc, index);
        if prev != NONE {
            self.blocks.link(prev, pc, index);
        }
        index
    }

    /// One instruction through the interpreter's step (out of line: the hot loop keeps one
    /// copy of the fast forms).
    #[inline(never)]
    fn step_cold(&mut self, cpu: &mut Cpu, bus: &mut Bus) -> Result<Done, sim_core::Trap> {
        self.step_inner(cpu, bus)
    }

    /// The block engine's run loop (see the module documentation); `TRACK` as in the
    /// interpreter's; `JIT`: with the JIT tier (a copy of the loop without it keeps the block
    /// engine as fast as it is without the feature).
    #[inline(always)]
    pub(crate) fn block_loop<const TRACK: bool, const JIT: bool>(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        stats: &mut Stats,
        budget: u64,
    ) -> RunExit {
        let exit = self.block_batch::<TRACK, JIT>(cpu, bus, stats, budget);
        if TRACK && !self.blocks.pending.is_empty() {
            let BlockCache {
                blocks, pending, ..
            } = &mut self.blocks;
            flush(blocks, pending, stats);
        }
        exit
    }

    #[inline(always)]
    fn block_batch<const TRACK: bool, const JIT: bool>(
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
        #[cfg(feature = "jit")]
        let jit_hot = if JIT { self.engine().jit_hot() } else { None };
        // The memory the compiled code reaches directly (the regions stay where they are
        // during a batch).
        #[cfg(feature = "jit")]
        let windows = match jit_hot {
            Some(_) => (
                crate::jit::Window::of(bus, sim_core::board::RegionKind::Sram),
                crate::jit::Window::of(bus, sim_core::board::RegionKind::Flash),
            ),
            None => (crate::jit::Window::NONE, crate::jit::Window::NONE),
        };
        let mut left = budget;
        let mut prev = NONE;
        while left > 0 {
            let pc = cpu.r[15];
            let mut bi = NONE;
            if cpu.itstate == 0 {
                bi = self.blocks.successor(prev, pc);
                if bi == NONE {
                    bi = self.build_block(bus, stats, pc, prev);
                }
            }
            if bi == NONE {
                // SRAM code, an unfetchable address, inside an IT block: the interpreter.
                prev = NONE;
                left -= 1;
                match self.step_cold(cpu, bus) {
                    Ok(d) => {
                        if TRACK && !d.plain() {
                            let BlockCache {
                                blocks, pending, ..
                            } = &mut self.blocks;
                            flush(blocks, pending, stats);
                        }
                        if let Some(exit) = retire::<TRACK>(cpu, bus, stats, d) {
                            return exit;
                        }
                    }
                    Err(t) => return RunExit::Trap(t),
                }
                continue;
            }
            let BlockCache {
                blocks,
                ops,
                pending,
                #[cfg(feature = "jit")]
                jit,
                ..
            } = &mut self.blocks;
            let b = &mut blocks[bi as usize];
            let (first, len, body) = (b.first as usize, b.len as usize, b.body as usize);
            if TRACK && b.dirty {
                summarize(b, ops);
            }
            let core = &mut self.core;
            if (pc ^ bus.fetch_at) & bus.fetch_mask != 0 {
                bus.fetch_moved(pc);
            }
            // Bulk: the body with its expected results, accounted at once (the clock, the
            // stack and the events still after each instruction), then the last instruction.
            // The stack marks look at SP only after instructions that may write it, which is
            // exact while SP is not below the watch level already (it is after a switch of
            // stacks or a new floor, and then the next instruction must look, as in the
            // interpreter).
            if TRACK && b.sum_ok && len as u64 <= left && !stats.stack_due(cpu) {
                let run = Run {
                    bi,
                    body,
                    ops: &ops[first..first + len],
                };
                let exit = if b.lean && !core.timing.pipeline {
                    // The JIT's host code for the body first, when the block has it; the
                    // bulk run goes on from where it stopped.
                    #[allow(unused_mut)]
                    let mut from = None;
                    #[cfg(feature = "jit")]
                    if let Some(hot) = jit_hot {
                        if b.code.is_none() && b.hot < hot {
                            b.hot += 1;
                            if b.hot == hot {
                                let may_loop = bus.fetch_mask == 0;
                                b.code = jit.compile(run.ops, body, &core.timing, may_loop);
                            }
                        }
                        if let Some(code) = b.code {
                            let jit_run = (&mut blocks[..], &mut *pending, &mut left);
                            match jit_body(code, core, cpu, bus, stats, jit_run, &windows, &run) {
                                Ok(f) => from = Some(f),
                                Err(Some(exit)) => return exit,
                                Err(None) => unreachable!("jit_body exits with a reason"),
                            }
                        }
                    }
                    match from {
                        Some(from) if JIT => {
                            bulk::<true>(core, cpu, bus, stats, blocks, pending, &run, from)
                        }
                        // A copy without the JIT's start (constants: as fast as before it).
                        _ => bulk::<true>(core, cpu, bus, stats, blocks, pending, &run, (0, 0)),
                    }
                } else {
                    bulk::<false>(core, cpu, bus, stats, blocks, pending, &run, (0, 0))
                };
                if let Some(exit) = exit {
                    return exit;
                }
                left -= len as u64;
                prev = bi;
                continue;
            }
            // One instruction at a time, as the interpreter accounts them, learning the
            // expected results of the body.
            let n = len.min(usize::try_from(left).unwrap_or(usize::MAX));
            for i in 0..n {
                let op = &mut ops[first + i];
                match run_op(core, cpu, bus, op) {
                    Ok(d) => {
                        if TRACK && op.expect == UNKNOWN && d.plain() {
                            op.expect = d.0;
                            blocks[bi as usize].dirty = true;
                        }
                        if TRACK && !d.plain() {
                            flush(blocks, pending, stats);
                        }
                        if let Some(exit) = retire::<TRACK>(cpu, bus, stats, d) {
                            return exit;
                        }
                    }
                    Err(t) => return RunExit::Trap(t),
                }
            }
            left -= n as u64;
            prev = if n == len { bi } else { NONE };
        }
        RunExit::Budget
    }
}

/// A block to run in bulk: its operations and which of them are its body.
struct Run<'a> {
    bi: u32,
    body: usize,
    ops: &'a [Op],
}

/// Runs a block whose body has its expected results summed (see the module documentation):
/// each operation through its fast form, the clock, the stack marks (after those that may
/// write SP) and the event check after each; the body's statistics at once when every body
/// instruction returned what it was expected to (as a pending run of the block, added by
/// [`flush`]), otherwise the instructions before the first that did not, then that one as the
/// interpreter accounts it (the block's last instruction from its expected result when it
/// matches: a plain flow, so `retire` would do no more).
/// `None` when the block ran to its end. `LEAN`: no operation crosses a flash granule or sits
/// in an IT block, and the core has no pipeline model. `from`: the operation to start at and
/// the number of operations already accounted (`(0, 0)` but after the JIT's host code).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn bulk<const LEAN: bool>(
    core: &mut Core,
    cpu: &mut Cpu,
    bus: &mut Bus,
    stats: &mut Stats,
    blocks: &mut [Block],
    pending: &mut Vec<u32>,
    run: &Run,
    from: (usize, usize),
) -> Option<RunExit> {
    let ops = run.ops;
    // Operations before this index are accounted (or in the block's run).
    let mut counted = from.1;
    for (k, op) in ops[from.0..].iter().enumerate() {
        let i = from.0 + k;
        if !LEAN && op.flags & CROSS != 0 {
            bus.fetch_moved(op.pc);
        }
        let r = if LEAN || op.flags & IN_IT == 0 {
            core.execute_fast(cpu, bus, &op.fast, &op.instr, op.pc, u32::from(op.len))
        } else {
            run_in_it(core, cpu, bus, op)
        };
        // A trap travels as `Done::TRAPPED` (never expected), so that one compare tells the
        // expected result from anything else.
        let d = match r {
            // The Cortex-M7's pipeline model, as after the interpreter's step.
            Ok(d) if !LEAN && core.timing.pipeline => {
                core.pipeline_cycles(&op.issue, op.pc, cpu.r[15], d)
            }
            Ok(d) => d,
            Err(t) => {
                core.trap = Some(t);
                Done::TRAPPED
            }
        };
        if d.0 == op.expect {
            bus.now += u64::from(d.cycles());
            if op.flags & SP != 0 {
                stats.watch_stack(cpu);
            }
            if bus.now >= bus.next_event {
                account(stats, &ops[counted..=i]);
                return Some(RunExit::Event);
            }
            continue;
        }
        // Another result: the instructions before it first.
        if counted == 0 && i == run.body {
            let b = &mut blocks[run.bi as usize];
            if b.runs == 0 {
                pending.push(run.bi);
            }
            b.runs += 1;
        } else {
            account(stats, &ops[counted..i]);
        }
        counted = i + 1;
        if d == Done::TRAPPED {
            if let Some(t) = core.trap.take() {
                return Some(RunExit::Trap(t));
            }
        }
        if !d.plain() {
            // Calls and returns read the per-class statistics (regions of interest).
            flush(blocks, pending, stats);
        }
        if let Some(exit) = retire::<true>(cpu, bus, stats, d) {
            return Some(exit);
        }
    }
    if counted == 0 {
        // Every instruction returned its expected result: the body as a run of the block,
        // the last instruction (if the block has one: it may be cut at `MAX_OPS` or before
        // code the engine does not take) as itself. A result with a plain flow is all that
        // `retire` would have looked at.
        let b = &mut blocks[run.bi as usize];
        if b.runs == 0 {
            pending.push(run.bi);
        }
        b.runs += 1;
        if let Some(last) = ops.get(run.body) {
            let d = Done(last.expect);
            stats.add_retired(d.class_index(), 1, u64::from(d.cycles()));
        }
    } else if counted < ops.len() {
        account(stats, &ops[counted..]);
    }
    None
}

/// Runs a block's host code (see [`crate::jit`]): `Ok((start, counted))` to go on with the
/// bulk run from operation `start` with the operations before `counted` accounted (the code
/// ran operations `..start` with their expected results: `(start, 0)`, as a bulk run
/// reaching `start`; operation `i` returned another result and was accounted as itself:
/// `(i + 1, i + 1)`), or the exit of the batch. The runs the code made of a block that
/// branches back to its start before that are accounted as bulk runs are (`jit.2`: the
/// batch's budget, less their instructions).
#[cfg(feature = "jit")]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn jit_body(
    code: crate::jit::Code,
    core: &mut Core,
    cpu: &mut Cpu,
    bus: &mut Bus,
    stats: &mut Stats,
    jit: (&mut [Block], &mut Vec<u32>, &mut u64),
    windows: &(crate::jit::Window, crate::jit::Window),
    run: &Run,
) -> Result<(usize, usize), Option<RunExit>> {
    use crate::jit::{Ctx, DIFFER, EVENT};
    let (blocks, pending, left) = jit;
    let ops = run.ops;
    let (cpu_p, bus_p): (*mut Cpu, *mut Bus) = (cpu, bus);
    let mut ctx = Ctx::new(cpu_p, bus_p, core, stats);
    ctx.left = *left - ops.len() as u64;
    (ctx.ram, ctx.rom) = *windows;
    // SAFETY: the code was compiled for these operations by `Jit::compile` and reaches the
    // machine only through these pointers while it runs (see `crate::jit`).
    let r = unsafe { code(cpu_p, bus_p, &mut ctx) };
    let (kind, i) = (r >> 32, (r & 0xffff_ffff) as usize);
    let n = ctx.iters;
    if n > 0 {
        // Whole runs of the block: the body as runs of the block, the last instruction (a
        // branch with its expected result) as itself.
        let b = &mut blocks[run.bi as usize];
        if b.runs == 0 {
            pending.push(run.bi);
        }
        b.runs += n;
        let d = Done(ops[run.body].expect);
        stats.add_retired(d.class_index(), n, n * u64::from(d.cycles()));
        *left -= n * ops.len() as u64;
    }
    if kind == EVENT {
        account(stats, &ops[..=i]);
        return Err(Some(RunExit::Event));
    }
    if kind == DIFFER {
        account(stats, &ops[..i]);
        let d = Done(ctx.d);
        if d == Done::TRAPPED {
            if let Some(t) = core.trap.take() {
                return Err(Some(RunExit::Trap(t)));
            }
        }
        if let Some(exit) = retire::<true>(cpu, bus, stats, d) {
            return Err(Some(exit));
        }
        return Ok((i + 1, i + 1));
    }
    Ok((i, 0))
}

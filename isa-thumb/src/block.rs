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
//! cache's `Issue`), and is accounted by the same `thumb::retire` as in the interpreter: its
//! cycles (the
//! per-core timing table plus wait states, load/store pipelining, refill, divide latency
//! taken as the instruction runs), statistics, call tracking and the check of
//! `Bus::next_event` after it. A device event or a pending exception due inside a block
//! therefore ends the batch after the same instruction as in the interpreter; a trap, a
//! sleep or a non-plain flow as well. The instruction budget of the batch is honoured
//! exactly (a block is cut short when the budget ends inside it). Blocks are dropped with
//! the decode cache when `Bus::code_epoch` moves (debugger, loader, flash programming).
//! `tests/engines.rs` runs every quick test ELF and random programs with interrupts under
//! both engines and compares instructions, cycles, registers, memory, statistics and energy.

use crate::alu;
use crate::exec::fast::Fast;
use crate::instr::Instr;
use crate::pipeline::Issue;
use crate::thumb::{retire, Thumb};
use sim_core::isa::RunExit;
use sim_core::stats::Stats;
use sim_core::{Bus, Cpu};

/// The engine that runs batches of instructions ([`sim_core::Isa::run`]); single steps
/// (debugger, `--trace`) always take the interpreter's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// One instruction at a time through the decode cache: the reference.
    #[default]
    Interp,
    /// Blocks of pre-lowered flash code, chained ([`crate::block`]).
    Block,
}

impl Engine {
    /// Every engine, in the order the command line lists them.
    pub const ALL: [Engine; 2] = [Engine::Interp, Engine::Block];

    /// The name on the command line (`--engine interp|block`).
    pub fn name(self) -> &'static str {
        match self {
            Engine::Interp => "interp",
            Engine::Block => "block",
        }
    }

    /// The engine named `s`.
    pub fn parse(s: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.name() == s)
    }
}

/// Most instructions in one block.
pub const MAX_OPS: usize = 64;

/// Operations kept before the whole cache is dropped and rebuilt from what runs next (a
/// bound on the host memory: 20 + 16 + 10 bytes each).
const MAX_ARENA: usize = 1 << 18;

/// No block (an index into `BlockCache::blocks` otherwise).
const NONE: u32 = u32::MAX;

const PAGE_SHIFT: u32 = 12;
const SLOTS: usize = 1 << (PAGE_SHIFT - 1);

/// Flags of an operation.
const CROSS: u8 = 1;
/// The operation is inside an IT block: it runs through `Core::run_instr`.
const IN_IT: u8 = 2;

/// One instruction of a block: its fast form, address and length (its [`Instr`] is kept in
/// a parallel array, read only by the generic executor).
#[derive(Clone, Copy)]
struct Op {
    fast: Fast,
    pc: u32,
    len: u8,
    /// `CROSS`: instruction fetch enters another flash granule here (never on the first
    /// operation, whose predecessor is not known); `IN_IT`.
    flags: u8,
}

/// A block: operations `first..first + len` of the arena, and the blocks that followed it
/// last (by start address), so that a chained successor costs one compare.
struct Block {
    first: u32,
    len: u32,
    next: [(u32, u32); 2],
}

/// The blocks of one code epoch.
pub(crate) struct BlockCache {
    /// Block index + 1 by halfword address of its first instruction (0: none), in 4 KiB
    /// pages as the decode cache.
    pages: Vec<Option<Box<[u32; SLOTS]>>>,
    blocks: Vec<Block>,
    ops: Vec<Op>,
    instrs: Vec<Instr>,
    /// What the pipeline model needs of each operation (parallel to `ops`; read only on
    /// cores with `Timing::pipeline`).
    issues: Vec<Issue>,
    /// The flash granule mask the `CROSS` flags were computed with.
    mask: u32,
}

impl BlockCache {
    pub(crate) fn new() -> BlockCache {
        BlockCache {
            pages: Vec::new(),
            blocks: Vec::new(),
            ops: Vec::new(),
            instrs: Vec::new(),
            issues: Vec::new(),
            mask: 0,
        }
    }

    /// Drops every block.
    pub(crate) fn clear(&mut self) {
        self.pages.clear();
        self.blocks.clear();
        self.ops.clear();
        self.instrs.clear();
        self.issues.clear();
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

/// Whether a fast form ends a block: it may write PC (branches, BX LR), or it has no fast form
/// (the generic executor may do anything).
fn ends_block(f: &Fast) -> bool {
    matches!(
        f,
        Fast::Generic
            | Fast::B { .. }
            | Fast::BCond { .. }
            | Fast::Cbz { .. }
            | Fast::Bl { .. }
            | Fast::BxLr
    )
}

impl Thumb {
    /// Builds the block starting at `pc` (flash code, outside an IT block) and links it as a
    /// successor of `prev`, or `NONE` when `pc` is not flash code or cannot be fetched (the
    /// interpreter's step runs it).
    #[cold]
    #[inline(never)]
    fn build_block(&mut self, bus: &Bus, pc: u32, prev: u32) -> u32 {
        let mut prev = prev;
        if self.blocks.ops.len() + MAX_OPS > MAX_ARENA || self.blocks.mask != bus.fetch_mask {
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
                flags |= IN_IT;
                in_it -= 1;
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
            });
            self.blocks.instrs.push(slot.instr);
            self.blocks.issues.push(slot.issue);
            at = at.wrapping_add(u32::from(slot.len));
            if ends_block(&slot.fast) {
                break;
            }
        }
        let len = self.blocks.ops.len() - first;
        if len == 0 {
            return NONE;
        }
        let index = self.blocks.blocks.len() as u32;
        self.blocks.blocks.push(Block {
            first: first as u32,
            len: len as u32,
            next: [(1, NONE); 2],
        });
        self.blocks.insert(pc, index);
        if prev != NONE {
            self.blocks.link(prev, pc, index);
        }
        index
    }

    /// The block engine's run loop (see the module documentation); `TRACK` as in the
    /// interpreter's.
    #[inline(always)]
    pub(crate) fn block_loop<const TRACK: bool>(
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
        let mut left = budget;
        let mut prev = NONE;
        while left > 0 {
            let pc = cpu.r[15];
            let mut bi = NONE;
            if cpu.itstate == 0 {
                bi = self.blocks.successor(prev, pc);
                if bi == NONE {
                    bi = self.build_block(bus, pc, prev);
                }
            }
            if bi == NONE {
                // SRAM code, an unfetchable address, inside an IT block: the interpreter.
                prev = NONE;
                left -= 1;
                match self.step_inner(cpu, bus) {
                    Ok(d) => {
                        if let Some(exit) = retire::<TRACK>(cpu, bus, stats, d) {
                            return exit;
                        }
                    }
                    Err(t) => return RunExit::Trap(t),
                }
                continue;
            }
            let b = &self.blocks.blocks[bi as usize];
            let (first, len) = (b.first as usize, b.len as usize);
            let n = len.min(usize::try_from(left).unwrap_or(usize::MAX));
            let ops = &self.blocks.ops[first..first + n];
            let instrs = &self.blocks.instrs[first..first + n];
            let issues = &self.blocks.issues[first..first + n];
            let core = &mut self.core;
            let pipeline = core.timing.pipeline;
            if (pc ^ bus.fetch_at) & bus.fetch_mask != 0 {
                bus.fetch_moved(pc);
            }
            for ((op, instr), issue) in ops.iter().zip(instrs).zip(issues) {
                if op.flags & CROSS != 0 {
                    bus.fetch_moved(op.pc);
                }
                let r = if op.flags & IN_IT == 0 {
                    core.execute_fast(cpu, bus, &op.fast, instr, op.pc, u32::from(op.len))
                } else {
                    core.run_instr(cpu, bus, &op.fast, instr, op.pc, u32::from(op.len))
                };
                match r {
                    Ok(d) => {
                        let d = if pipeline {
                            core.pipeline_cycles(issue, op.pc, cpu.r[15], d)
                        } else {
                            d
                        };
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

//! Run statistics gathered per retired instruction: counts and cycles per class, stack
//! low-water marks per stack, sleep time, calls per function entry, and a shadow call stack
//! (from BL/BLX and returns) with cycles per function for debuggers and profiles.

use crate::clock::Segment;
use crate::cpu::Cpu;
use crate::isa::{Flow, InstrClass, Retired};
use crate::power::Activity;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes a code address for the per-function maps that every call and return updates: one
/// multiplication by 2^64/φ (Fibonacci hashing) with the high half folded into the low bits
/// hashbrown picks buckets from (addresses are 2- or 4-aligned, so their own low bits carry
/// nothing). SipHash, the standard default, costed about 4% of a call-heavy run; there is no
/// untrusted key here to defend against.
#[derive(Debug, Default, Clone, Copy)]
pub struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }

    fn write_u64(&mut self, x: u64) {
        let h = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by code address (see [`AddrHasher`]).
pub type AddrMap<V> = HashMap<u32, V, BuildHasherDefault<AddrHasher>>;

/// Deepest shadow call stack kept; deeper calls are counted but not tracked.
pub const MAX_CALL_DEPTH: usize = 4096;

/// Most frames (function addresses) all the call paths of folded stacks keep in all, 4 Mi
/// (16 MiB): paths first seen after that are summed into [`FOLDED_ELSEWHERE`].
pub const MAX_FOLDED_FRAMES: usize = 4 << 20;
/// The call path that stands for every path not kept once [`MAX_FOLDED_FRAMES`] is reached.
pub const FOLDED_ELSEWHERE: u32 = u32::MAX;

/// Most calls a Chrome trace records (`--profile-out FILE.json`); later calls are counted in
/// [`CallTrace::dropped`], not recorded (about 100 bytes of JSON per call: 50 MB at the cap).
pub const MAX_TRACE_EVENTS: usize = 500_000;

/// One call of a Chrome trace: from the cycle after the BL/BLX to the cycle after the return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceEvent {
    /// Callee address.
    pub func: u32,
    /// Cycle right after the call.
    pub start: u64,
    /// Cycle right after the return (`u64::MAX` while the call is in progress).
    pub end: u64,
    /// Where it ran: 0 thread mode on MSP, 1 thread mode on PSP, otherwise the number of the
    /// exception whose handler made the call.
    pub ctx: u16,
}

/// Calls recorded for a Chrome trace, in call order (outer calls before their callees).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallTrace {
    /// Recorded calls.
    pub events: Vec<TraceEvent>,
    /// Index in `events` of each frame of the shadow call stack (`u32::MAX`: not recorded).
    pub open: Vec<u32>,
    /// Index in `events` of each exception handler running, innermost last (`u32::MAX`: not
    /// recorded).
    pub open_handlers: Vec<u32>,
    /// Calls not recorded because `events` reached `cap`.
    pub dropped: u64,
    /// Cycle of the first call not recorded.
    pub first_dropped: Option<u64>,
    /// Most events kept.
    pub cap: usize,
}

impl CallTrace {
    /// An empty trace keeping at most `cap` calls.
    pub fn new(cap: usize) -> CallTrace {
        CallTrace {
            cap,
            ..CallTrace::default()
        }
    }

    fn record(&mut self, func: u32, now: u64, ctx: u16) -> u32 {
        if self.events.len() < self.cap {
            self.events.push(TraceEvent {
                func,
                start: now,
                end: u64::MAX,
                ctx,
            });
            (self.events.len() - 1) as u32
        } else {
            self.dropped += 1;
            self.first_dropped.get_or_insert(now);
            u32::MAX
        }
    }

    fn close(&mut self, i: Option<u32>, now: u64) {
        if let Some(e) = i.and_then(|i| self.events.get_mut(i as usize)) {
            e.end = now;
        }
    }

    fn enter(&mut self, func: u32, now: u64, ctx: u16) {
        let i = self.record(func, now, ctx);
        self.open.push(i);
    }

    fn leave(&mut self, now: u64) {
        let i = self.open.pop();
        self.close(i, now);
    }

    /// An exception handler starts: `handler` is its address, `n` the exception number,
    /// `now` the cycle its entry began.
    pub fn handler_entered(&mut self, handler: u32, n: u16, now: u64) {
        let i = self.record(handler, now, n);
        self.open_handlers.push(i);
    }

    /// The innermost running handler returned.
    pub fn handler_returned(&mut self, now: u64) {
        let i = self.open_handlers.pop();
        self.close(i, now);
    }
}

/// A call in progress, tracked from a BL/BLX until the return to its return address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallFrame {
    /// Address of the callee (the BL target).
    pub func: u32,
    /// Return address (LR after the call, Thumb bit cleared).
    pub ret: u32,
    /// SP right after the call.
    pub sp: u32,
    /// Cycle count right after the call.
    pub entered: u64,
    /// Cycles spent in completed calls made from this frame.
    pub child_cycles: u64,
    /// Instruction count right after the call.
    pub entered_instructions: u64,
    /// Instructions executed in completed calls made from this frame.
    pub child_instructions: u64,
}

/// The main stack ran below the lowest address it may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collision {
    /// The next instruction's address when it was seen.
    pub pc: u32,
    /// The main stack pointer then.
    pub sp: u32,
    /// What it ran below: the end of static data, or the heap's break.
    pub floor: u32,
    /// Whether `floor` is the heap's break (set by `_sbrk`) rather than static data.
    pub heap: bool,
}

/// The heap's break, followed through the program's `_sbrk` (newlib's memory hook, which
/// malloc calls; vendor SDKs define it too): at each call its increment (r0), at the return
/// the old break (r0); their sum is the new break. A program without `_sbrk` has no watched
/// heap, and only static data bounds the stack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeapWatch {
    /// Address of `_sbrk`, if the program has one.
    pub sbrk: Option<u32>,
    /// The highest address the heap may end at and still share the main stack's SRAM (the
    /// initial main stack pointer): a break above it belongs to another RAM bank.
    pub top: u32,
    /// The break after the last successful `_sbrk` (0: none yet).
    pub brk: u32,
    /// A call of `_sbrk` in progress: its return address and its increment.
    pending: Option<(u32, u32)>,
}

impl HeapWatch {
    /// Watches the heap through `_sbrk` at `sbrk`, in the main stack's SRAM below `top`.
    pub fn new(sbrk: Option<u32>, top: u32) -> HeapWatch {
        HeapWatch {
            sbrk,
            top,
            brk: 0,
            pending: None,
        }
    }
}

/// Cycles of completed calls of one function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallCycles {
    /// Cycles from call to return, callees included.
    pub inclusive: u64,
    /// Cycles from call to return, callees excluded.
    pub exclusive: u64,
    /// Instructions from call to return, callees excluded.
    pub exclusive_instructions: u64,
}

/// Per-call figures of a region of interest (`--roi SYMBOL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoiTrack {
    /// Function address.
    pub addr: u32,
    /// Completed calls.
    pub calls: u64,
    /// Cycles of the completed calls, callees included, summed.
    pub cycles: u64,
    /// Fewest cycles of a completed call (`u64::MAX` before the first).
    pub cycles_min: u64,
    /// Most cycles of a completed call.
    pub cycles_max: u64,
    /// Instructions of the completed calls, callees included, summed. (Running figures, not
    /// one entry per call: a run of a billion calls keeps constant memory.)
    pub instructions: u64,
    /// Activity (class counts and cycles, sleep) at the entry of each call in progress,
    /// innermost last.
    pub open: Vec<Activity>,
    /// Activity of the completed calls, summed (what the energy per call is priced from).
    pub activity: Activity,
    /// The slowest completed call: its cycles and activity (for `roi.*` budgets, which hold
    /// the worst call to its limit).
    pub slowest: Option<(u64, Activity)>,
}

impl RoiTrack {
    /// A region of interest at function address `addr`, with no calls yet.
    pub fn new(addr: u32) -> RoiTrack {
        RoiTrack {
            addr,
            calls: 0,
            cycles: 0,
            cycles_min: u64::MAX,
            cycles_max: 0,
            instructions: 0,
            open: Vec::new(),
            activity: Activity::default(),
            slowest: None,
        }
    }
}

/// Slots of the per-class counters: the classes rounded up to a power of two.
pub const CLASS_SLOTS: usize = InstrClass::COUNT.next_power_of_two();

/// Counters of a run.
#[derive(Debug, Clone)]
pub struct Stats {
    /// Instructions executed, IT and condition-failed ones included.
    pub instructions: u64,
    /// Instructions per class (indexed by `InstrClass as usize`; one slot more than there
    /// are classes, so that the run loop's index masked to 4 bits needs no bounds check).
    pub by_class: [u64; CLASS_SLOTS],
    /// Cycles per class (as `by_class`).
    pub cycles_by_class: [u64; CLASS_SLOTS],
    /// Lowest MSP seen (`u32::MAX` before the first instruction).
    pub msp_low: u32,
    /// Lowest PSP seen while PSP was the active stack (`u32::MAX` if never used).
    pub psp_low: u32,
    /// Highest PSP seen when PSP became the active stack or reached a new low (0 if never
    /// used): the top of the process stack for its peak.
    pub psp_high: u32,
    /// Cycles spent asleep in WFI/WFE.
    pub sleep_cycles: u64,
    /// Time spent asleep in WFI/WFE, in picoseconds.
    pub sleep_ps: u64,
    /// The core clock's current segment (cycle, time, rate), kept in step with the bus's
    /// clock by the machine so that snapshots ([`Activity::of`]) can tell the time.
    pub clock: Segment,
    /// Exceptions taken.
    pub exceptions: u64,
    /// Calls per callee address (BL/BLX targets).
    pub calls: AddrMap<u64>,
    /// Lowest address the stack may reach without running into statically allocated SRAM
    /// (0 = unknown; set it with [`Stats::set_stack_floor`]).
    pub stack_floor: u32,
    /// The hot path looks at SP only when it drops below this (the low-water mark of the
    /// active stack, or the floor while no collision was seen) ...
    sp_watch: u32,
    /// [`Cpu::stack_switches`] when SP was last looked at (see [`Stats::sync_stack`]).
    seen_switches: u32,
    /// The first time the main stack ran below `stack_floor` or into the heap.
    pub collision: Option<Collision>,
    /// The heap's break as the program's `_sbrk` returns it.
    pub heap: HeapWatch,
    /// Code that runs before the image on a stack of its own, as address ranges (RP2040: the
    /// boot ROM and boot2's copy in SRAM): while the PC is inside, SP does not count towards
    /// the stack's low-water marks, which are the program's.
    pub boot_code: Vec<(u32, u32)>,
    /// Address of `main`, when the program has one.
    pub main_addr: Option<u32>,
    /// Whether `main` has been called.
    pub main_entered: bool,
    /// Regions of interest: functions whose every call is measured.
    pub roi: Vec<RoiTrack>,
    /// Self cycles per call path (outermost first), when folded stacks are wanted
    /// (`--profile-out`); `None` keeps returns allocation-free.
    pub folded: Option<HashMap<Vec<u32>, u64>>,
    /// Frames kept in `folded`'s paths (at most [`MAX_FOLDED_FRAMES`]).
    pub folded_frames: usize,
    /// Calls recorded for a Chrome trace, when one is wanted (`--profile-out FILE.json`);
    /// `None` keeps calls allocation-free.
    pub trace: Option<CallTrace>,
    /// Shadow call stack, outermost first (see [`CallFrame`]).
    pub call_stack: Vec<CallFrame>,
    /// Cycles of completed calls per callee address.
    pub call_cycles: AddrMap<CallCycles>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            instructions: 0,
            by_class: [0; CLASS_SLOTS],
            cycles_by_class: [0; CLASS_SLOTS],
            msp_low: u32::MAX,
            psp_low: u32::MAX,
            psp_high: 0,
            sleep_cycles: 0,
            sleep_ps: 0,
            clock: Segment {
                cycle: 0,
                ps: 0,
                hz: 1,
            },
            exceptions: 0,
            calls: AddrMap::default(),
            stack_floor: 0,
            sp_watch: u32::MAX,
            seen_switches: 0,
            collision: None,
            heap: HeapWatch::default(),
            boot_code: Vec::new(),
            main_addr: None,
            main_entered: false,
            roi: Vec::new(),
            folded: None,
            folded_frames: 0,
            trace: None,
            call_stack: Vec::new(),
            call_cycles: AddrMap::default(),
        }
    }
}

impl Stats {
    /// Accounts one retired instruction.
    #[inline(always)]
    pub fn retire(&mut self, cpu: &Cpu, r: &Retired) {
        self.retire_class(cpu, r.class as usize, r.cycles);
    }

    /// Accounts one retired instruction of class number `class` (`InstrClass as usize`): the
    /// hot loop's form. The stack is looked at only when SP drops below the active stack's
    /// low-water mark (or the floor), so the common case is one compare. A switch of the
    /// active stack is noticed by [`Stats::sync_stack`]: the run loop calls it before each
    /// batch and [`Stats::flow`] at exception returns (the other switches, exception entry and
    /// MSR CONTROL, end a batch).
    #[inline(always)]
    pub fn retire_class(&mut self, cpu: &Cpu, class: usize, cycles: u32) {
        self.instructions += 1;
        self.by_class[class & (CLASS_SLOTS - 1)] += 1;
        self.cycles_by_class[class & (CLASS_SLOTS - 1)] += u64::from(cycles);
        if cpu.r[13] < self.sp_watch {
            self.stack_moved(cpu);
        }
    }

    /// [`Stats::retire_class`] split in two for an engine that accounts a run of instructions
    /// at once: adds `count` instructions of class number `class` taking `cycles` in all,
    /// without looking at the stack (the engine calls [`Stats::watch_stack`] after each of
    /// them instead, whose order relative to this sum does not matter).
    #[inline(always)]
    pub fn add_retired(&mut self, class: usize, count: u64, cycles: u64) {
        self.instructions += count;
        self.by_class[class & (CLASS_SLOTS - 1)] += count;
        self.cycles_by_class[class & (CLASS_SLOTS - 1)] += cycles;
    }

    /// Whether the stack check of [`Stats::retire_class`] would look at SP now (SP below the
    /// watch level: after a switch of stacks or a new floor, before the next instruction).
    #[inline(always)]
    pub fn stack_due(&self, cpu: &Cpu) -> bool {
        cpu.r[13] < self.sp_watch
    }

    /// The stack check of [`Stats::retire_class`] alone, after an instruction retired.
    #[inline(always)]
    pub fn watch_stack(&mut self, cpu: &Cpu) {
        if cpu.r[13] < self.sp_watch {
            self.stack_moved(cpu);
        }
    }

    /// After a possible switch of the active stack (MSP/PSP): makes the next retired
    /// instruction look at SP.
    #[inline]
    pub fn sync_stack(&mut self, cpu: &Cpu) {
        if cpu.stack_switches != self.seen_switches {
            self.sp_watch = u32::MAX;
        }
    }

    /// Sets the stack floor (see [`Stats::stack_floor`]).
    pub fn set_stack_floor(&mut self, floor: u32) {
        self.stack_floor = floor;
        self.sp_watch = u32::MAX;
    }

    /// SP reached a new low (or the stack changed): updates the low-water marks, the PSP
    /// high mark and the collision, and the watch level.
    #[cold]
    #[inline(never)]
    fn stack_moved(&mut self, cpu: &Cpu) {
        let pc = cpu.r[15];
        if self
            .boot_code
            .iter()
            .any(|&(lo, hi)| (lo..hi).contains(&pc))
        {
            return;
        }
        self.seen_switches = cpu.stack_switches;
        let sp = cpu.r[13];
        let low = if cpu.on_psp() {
            self.psp_low = self.psp_low.min(sp);
            self.psp_high = self.psp_high.max(sp);
            self.psp_low
        } else {
            self.msp_low = self.msp_low.min(sp);
            self.msp_low
        };
        // Only the main stack grows down from the top of SRAM towards static data; a process
        // stack (PSP) lives wherever the program put it, often in .bss.
        let floor = self.floor();
        if sp < floor && self.collision.is_none() && !cpu.on_psp() {
            self.collision = Some(Collision {
                pc: cpu.r[15],
                sp,
                floor,
                heap: floor > self.stack_floor,
            });
        }
        self.sp_watch = if self.collision.is_none() && !cpu.on_psp() {
            low.max(floor)
        } else {
            low
        };
    }

    /// The lowest address the main stack may reach: the end of static data or, above it, the
    /// heap's break.
    #[inline]
    pub fn floor(&self) -> u32 {
        self.stack_floor.max(self.heap.brk)
    }

    /// `_sbrk` returned to `cpu.pc()`: a successful call moves the heap's break (when it lies
    /// between static data and the initial stack, the main stack's SRAM). If the main stack
    /// is already below the new break, the heap ran into it: that is the collision. Returns
    /// true when it is.
    fn sbrk_returned(&mut self, cpu: &Cpu, incr: u32) -> bool {
        let old = cpu.r[0];
        if old == u32::MAX {
            return false; // ENOMEM: the break did not move
        }
        let brk = old.wrapping_add(incr);
        if old < self.stack_floor || brk > self.heap.top || brk <= self.stack_floor {
            return false; // a heap elsewhere (another RAM bank), or back at static data
        }
        self.heap.brk = brk;
        self.sp_watch = u32::MAX;
        if self.collision.is_none() && self.msp_low < brk {
            self.collision = Some(Collision {
                pc: cpu.pc(),
                sp: self.msp_low,
                floor: brk,
                heap: true,
            });
            return true;
        }
        false
    }

    /// Folds both stack pointers into the low-water marks (after exception entry, whose
    /// stacking moves SP without retiring an instruction).
    pub fn observe_stacks(&mut self, cpu: &Cpu) {
        self.msp_low = self.msp_low.min(cpu.msp());
        if self.psp_high != 0 {
            self.psp_low = self.psp_low.min(cpu.psp());
        }
    }

    /// Accounts a call, return or exception return (after the instruction executed). Returns
    /// true when the machine must look before the next instruction (the call of `main`, where
    /// start-up code ends and the program's own memory use begins).
    pub fn flow(&mut self, cpu: &Cpu, flow: Flow, now: u64) -> bool {
        let mut attention = false;
        if flow == Flow::ExceptionReturn {
            self.sync_stack(cpu);
        }
        match flow {
            Flow::Call => {
                if !self.main_entered && self.main_addr == Some(cpu.pc()) {
                    self.main_entered = true;
                    attention = true;
                }
                *self.calls.entry(cpu.pc()).or_insert(0) += 1;
                if self.heap.sbrk == Some(cpu.pc()) && self.heap.pending.is_none() {
                    self.heap.pending = Some((cpu.r[14] & !1, cpu.r[0]));
                }
                if self.call_stack.len() < MAX_CALL_DEPTH {
                    self.call_stack.push(CallFrame {
                        func: cpu.pc(),
                        ret: cpu.r[14] & !1,
                        sp: cpu.r[13],
                        entered: now,
                        child_cycles: 0,
                        entered_instructions: self.instructions,
                        child_instructions: 0,
                    });
                    if let Some(t) = &mut self.trace {
                        let ctx = if cpu.ipsr != 0 {
                            cpu.ipsr
                        } else {
                            u16::from(cpu.on_psp())
                        };
                        t.enter(cpu.pc(), now, ctx);
                    }
                    if !self.roi.is_empty() {
                        let pc = cpu.pc();
                        if let Some(i) = self.roi.iter().position(|t| t.addr == pc) {
                            let at = Activity::of(self, now);
                            self.roi[i].open.push(at);
                        }
                    }
                }
            }
            Flow::Return => {
                if let Some((ret, incr)) = self.heap.pending {
                    if cpu.pc() & !1 == ret {
                        self.heap.pending = None;
                        attention |= self.sbrk_returned(cpu, incr);
                    }
                }
                self.returned(cpu.pc() & !1, now);
            }
            Flow::ExceptionReturn => {
                if let Some(t) = &mut self.trace {
                    t.handler_returned(now);
                }
            }
            _ => {}
        }
        attention
    }

    /// Pops the frame returned to (and any frames a non-local exit skipped). A return to an
    /// address no frame expects (a tail call's callee returning, code entered without BL)
    /// leaves the stack alone.
    fn returned(&mut self, to: u32, now: u64) {
        let Some(i) = self.call_stack.iter().rposition(|f| f.ret == to) else {
            return;
        };
        while self.call_stack.len() > i {
            let Some(f) = self.call_stack.pop() else {
                break;
            };
            let d = now.saturating_sub(f.entered);
            let n = self.instructions.saturating_sub(f.entered_instructions);
            let e = self.call_cycles.entry(f.func).or_default();
            e.inclusive += d;
            e.exclusive += d.saturating_sub(f.child_cycles);
            e.exclusive_instructions += n.saturating_sub(f.child_instructions);
            if let Some(parent) = self.call_stack.last_mut() {
                parent.child_cycles += d;
                parent.child_instructions += n;
            }
            if let Some(t) = &mut self.trace {
                t.leave(now);
            }
            if let Some(folded) = &mut self.folded {
                let mut path: Vec<u32> = self.call_stack.iter().map(|c| c.func).collect();
                path.push(f.func);
                if !folded.contains_key(&path) {
                    if self.folded_frames + path.len() > MAX_FOLDED_FRAMES {
                        path = vec![FOLDED_ELSEWHERE];
                    } else {
                        self.folded_frames += path.len();
                    }
                }
                *folded.entry(path).or_insert(0) += d.saturating_sub(f.child_cycles);
            }
            if let Some(i) = self.roi.iter().position(|t| t.addr == f.func) {
                let at = Activity::of(self, now);
                let t = &mut self.roi[i];
                t.calls += 1;
                t.cycles += d;
                t.cycles_min = t.cycles_min.min(d);
                t.cycles_max = t.cycles_max.max(d);
                t.instructions += n;
                if let Some(start) = t.open.pop() {
                    let call = at.since(&start);
                    t.activity.add(&call);
                    if t.slowest.as_ref().is_none_or(|(c, _)| d > *c) {
                        t.slowest = Some((d, call));
                    }
                }
            }
        }
    }

    /// Total cycles accounted to instructions (sleep excluded).
    pub fn instruction_cycles(&self) -> u64 {
        self.cycles_by_class.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(pc: u32, lr: u32) -> Cpu {
        let mut c = Cpu::default();
        c.r[15] = pc;
        c.r[14] = lr | 1;
        c
    }

    #[test]
    fn calls_and_returns_give_inclusive_and_exclusive_cycles() {
        let mut s = Stats::default();
        s.flow(&at(0x100, 0x10), Flow::Call, 10); // main -> f
        s.flow(&at(0x200, 0x110), Flow::Call, 20); // f -> g
        assert_eq!(s.call_stack.len(), 2);
        s.flow(&at(0x110, 0), Flow::Return, 50); // g returns after 30
        s.flow(&at(0x10, 0), Flow::Return, 100); // f returns after 90
        assert!(s.call_stack.is_empty());
        assert_eq!(
            s.call_cycles[&0x200],
            CallCycles {
                inclusive: 30,
                exclusive: 30,
                exclusive_instructions: 0
            }
        );
        assert_eq!(
            s.call_cycles[&0x100],
            CallCycles {
                inclusive: 90,
                exclusive: 60,
                exclusive_instructions: 0
            }
        );
        assert_eq!(s.calls[&0x100], 1);
    }

    /// Past MAX_FOLDED_FRAMES, new call paths are summed on one line: a guest calling ever
    /// new addresses cannot grow the profile without bound.
    #[test]
    fn folded_stacks_stop_growing_at_the_frame_cap() {
        let mut s = Stats {
            folded: Some(HashMap::default()),
            ..Stats::default()
        };
        s.folded_frames = MAX_FOLDED_FRAMES - 3;
        s.flow(&at(0x100, 0x10), Flow::Call, 10); // main
        s.flow(&at(0x200, 0x110), Flow::Call, 20); // main -> f: path of 2, fits
        s.flow(&at(0x110, 0), Flow::Return, 25);
        s.flow(&at(0x300, 0x120), Flow::Call, 30); // main -> g: path of 2, over
        s.flow(&at(0x120, 0), Flow::Return, 40);
        s.flow(&at(0x200, 0x130), Flow::Call, 50); // main -> f again: known path
        s.flow(&at(0x130, 0), Flow::Return, 52);
        let f = s.folded.as_ref().unwrap();
        assert_eq!(f[&vec![0x100, 0x200]], 7);
        assert_eq!(f[&vec![FOLDED_ELSEWHERE]], 10);
        assert_eq!(s.folded_frames, MAX_FOLDED_FRAMES - 1);
    }

    #[test]
    fn trace_records_calls_in_order_up_to_the_cap() {
        let mut s = Stats {
            trace: Some(CallTrace::new(2)),
            ..Stats::default()
        };
        s.flow(&at(0x100, 0x10), Flow::Call, 10); // main -> f
        s.flow(&at(0x200, 0x110), Flow::Call, 20); // f -> g
        s.flow(&at(0x110, 0), Flow::Return, 50);
        s.flow(&at(0x300, 0x120), Flow::Call, 60); // f -> h: over the cap
        s.flow(&at(0x120, 0), Flow::Return, 70);
        s.flow(&at(0x10, 0), Flow::Return, 100);
        let t = s.trace.unwrap();
        assert_eq!(
            t.events,
            vec![
                TraceEvent {
                    func: 0x100,
                    start: 10,
                    end: 100,
                    ctx: 0
                },
                TraceEvent {
                    func: 0x200,
                    start: 20,
                    end: 50,
                    ctx: 0
                }
            ]
        );
        assert_eq!((t.dropped, t.first_dropped), (1, Some(60)));
        assert!(t.open.is_empty());
    }

    #[test]
    fn the_stack_of_boot_code_is_not_the_programs() {
        let mut s = Stats {
            boot_code: vec![(0x2004_1F00, 0x2004_2000)],
            ..Stats::default()
        };
        // boot2 pushes below its copy at 0x2004_1F00: not counted.
        let mut c = at(0x2004_1F40, 0);
        c.r[13] = 0x2004_1EE8;
        s.retire_class(&c, 0, 1);
        assert_eq!(s.msp_low, u32::MAX);
        // The image, on its own stack from 0x2004_2000: counted.
        let mut c = at(0x1000_0200, 0);
        c.r[13] = 0x2004_1FF0;
        s.retire_class(&c, 0, 1);
        assert_eq!(s.msp_low, 0x2004_1FF0);
    }

    #[test]
    fn return_to_unknown_address_keeps_the_stack() {
        let mut s = Stats::default();
        s.flow(&at(0x100, 0x10), Flow::Call, 0);
        s.flow(&at(0x444, 0), Flow::Return, 5);
        assert_eq!(s.call_stack.len(), 1);
    }
}

//! The JIT tier of the block engine (`Engine::Jit`): hot blocks (see [`crate::block`])
//! compiled to host code with Cranelift.
//!
//! # What it compiles
//! A block whose body has run [`JIT_HOT`] times with its expected results (on a core without
//! the pipeline model, without flash-granule crossings or IT instructions: a "lean" block) is
//! compiled from the same operations the block engine runs — the decode cache's fast forms
//! (`exec::fast`) with the expected result each learnt when it first ran — when every body
//! operation is one the JIT handles: integer data processing with and without flags, MUL,
//! MLA, MULS, the extends, bitfields, CLZ, SSAT/USAT, MOVT, SXTB16/SXTAB16/SMLAD and the other
//! extend-and-add forms, single loads and stores of every size and addressing mode, SP frame
//! adjustments. Otherwise the block stays with the block engine (so do the blocks of the
//! Cortex-M7, whose pipeline model is dynamic, and on boards with a flash accelerator the
//! blocks that cross a flash granule). The block's last instruction is compiled too when it is
//! a B, B\<c\> or CBZ/CBNZ whose taken cycles are fixed; a block that branches back to its
//! own start runs again inside the code while the batch's budget holds it (on boards without
//! a flash accelerator model, where nothing happens between two runs).
//!
//! There is no second decoder and no second timing table: an operation's class and cycles are
//! its expected result (the executor's figure from the timing table), the branch's the fast
//! form's, and the dynamic part of a load or store (load/store pipelining, the wait states the
//! bus adds for the region it reaches) is computed as the fast form computes it. A load or
//! store inside a wait-free SRAM or flash region takes the bus's own fast path inline (a plain
//! access and, for a store, the written-word mark); anything else calls the bus.
//!
//! # Exactness
//! The compiled code does what the block engine's bulk run does, instruction by instruction:
//! the operation's effect on the registers, NZCV, Q and the load/store pipelining state; its
//! memory access (the clock stored first when it goes to the bus: devices read it); the clock
//! advanced by the expected cycles; the stack marks after an operation that may write SP; the
//! check of `Bus::next_event` after each. An operation whose result is not the expected one
//! (wait states that differ, a fetch stall before the first operation, a branch the other
//! way, a trap) ends the code after that operation with its result, and the block engine
//! accounts it and runs the rest of the block as it would have (`block::bulk`); runs of a
//! looping block are accounted as the block engine accounts its bulk runs. `tests/it/engines.rs`
//! runs every prebuilt ELF and random programs with interrupts under the JIT with a threshold
//! of one run against the interpreter and compares everything after every batch.

use crate::block::Op;
use crate::exec::fast::Fast;
use crate::exec::{retired, Done};
use crate::instr::{DpOp, MemSize, ShiftType};
use crate::thumb::Core;
use crate::timing::Timing;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, AbiParam, InstBuilder, MemFlags, Signature, Value};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module;
use sim_core::isa::{Flow, InstrClass};
use sim_core::stats::Stats;
use sim_core::{Bus, Cpu};
use std::mem::offset_of;

/// Runs of a block's body with its expected results before it is compiled. Compiling a block
/// costs Cranelift far more host time than one run of it saves, so a block must run many
/// times to pay for it: by cachegrind, the kws inference on mps2-an386 took 170.6 host
/// instructions per simulated one at 200, 111.9 at 5000, 87.9 at 20 000 (the block engine
/// 85.5), while bench_conv_int8 gains as much at 20 000 as at 5000.
pub const JIT_HOT: u32 = 20_000;

/// What compiled code and the helpers it calls share (passed by pointer).
#[repr(C)]
pub(crate) struct Ctx {
    cpu: *mut Cpu,
    bus: *mut Bus,
    core: *mut Core,
    stats: *mut Stats,
    /// The result of the operation that did not return its expected one (exit [`DIFFER`]).
    pub(crate) d: u64,
    /// In: the instructions the batch may still run after this run of the block (a block
    /// that branches back to its start runs again while its length fits).
    pub(crate) left: u64,
    /// Out: the runs of the whole block (body and last instruction, with their expected
    /// results) completed before the run the exit happened in.
    pub(crate) iters: u64,
    /// The SRAM the code reads and writes directly (see [`Window`]).
    pub(crate) ram: Window,
    /// The flash the code reads directly.
    pub(crate) rom: Window,
}

/// A memory region without wait states that the compiled code reaches without the bus: the
/// bus's own fast path for it (`Bus::read32`, `Bus::write`) is a plain access plus, for a
/// write, the written-word mark (`Region::mark_written`), and the code does exactly that for
/// aligned accesses inside it. `size` 0: none.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Window {
    base: u32,
    size: u32,
    data: *mut u8,
    written: *mut u64,
}

impl Window {
    /// No window.
    pub(crate) const NONE: Window = Window {
        base: 0,
        size: 0,
        data: std::ptr::null_mut(),
        written: std::ptr::null_mut(),
    };

    /// The window of the first region of `kind` without wait states (flash: read only;
    /// SRAM: with its written-word map covering it), or none.
    pub(crate) fn of(bus: &mut Bus, kind: sim_core::board::RegionKind) -> Window {
        use sim_core::board::RegionKind;
        for r in bus.map.regions.iter_mut() {
            if r.kind != kind || r.wait_states != 0 || r.data.len() > u32::MAX as usize / 2 {
                continue;
            }
            let covered = kind == RegionKind::Flash || r.written.len() * 256 >= r.data.len();
            if !covered {
                continue;
            }
            return Window {
                base: r.base,
                size: r.data.len() as u32,
                data: r.data.as_mut_ptr(),
                written: if kind == RegionKind::Sram {
                    r.written.as_mut_ptr()
                } else {
                    std::ptr::null_mut()
                },
            };
        }
        Window::NONE
    }
}

impl Ctx {
    pub(crate) fn new(cpu: *mut Cpu, bus: *mut Bus, core: *mut Core, stats: *mut Stats) -> Ctx {
        Ctx {
            cpu,
            bus,
            core,
            stats,
            d: 0,
            left: 0,
            iters: 0,
            ram: Window::NONE,
            rom: Window::NONE,
        }
    }
}

/// A compiled body: `(cpu, bus, ctx) -> exit`, the exit's kind in bits 63:32 and the index of
/// the operation it happened at in bits 31:0.
pub(crate) type Code = unsafe extern "C" fn(*mut Cpu, *mut Bus, *mut Ctx) -> u64;

/// Exit: the operations before `index` ran with their expected results (`index`: the body's
/// length, or the block's when its last instruction was compiled too).
pub(crate) const DONE: u64 = 0;
/// Exit: the clock reached `Bus::next_event` after operation `index` (accounted by the caller).
pub(crate) const EVENT: u64 = 1;
/// Exit: operation `index` returned `Ctx::d` (not its expected result, or `Done::TRAPPED`);
/// the operations before it returned theirs.
pub(crate) const DIFFER: u64 = 2;

/// A helper's word for a trapped access (the trap is in `Core::trap`).
const FAILED: u64 = 1 << 63;

/// A load through the bus as the fast form makes it: the value in bits 31:0, the wait states
/// taken in bits 62:32, or [`FAILED`]. `kind`: the size (0 byte, 1 half, 2 word) + 4 if signed.
extern "C" fn load_helper(ctx: *mut Ctx, addr: u32, kind: u32) -> u64 {
    // SAFETY: the compiled code passes the `Ctx` its caller made from live exclusive
    // references, which the caller does not use while the code runs.
    let ctx = unsafe { &mut *ctx };
    let (bus, core) = unsafe { (&mut *ctx.bus, &mut *ctx.core) };
    let size = size_of_kind(kind);
    match crate::exec::fast::load(bus, size, kind & 4 != 0, addr) {
        Ok(v) => u64::from(v) | (u64::from(bus.take_wait()) << 32),
        Err(t) => {
            core.trap = Some(t);
            FAILED
        }
    }
}

/// A store through the bus as the fast form makes it: the wait states taken in bits 62:32, or
/// [`FAILED`].
extern "C" fn store_helper(ctx: *mut Ctx, addr: u32, v: u32, kind: u32) -> u64 {
    // SAFETY: as in `load_helper`.
    let ctx = unsafe { &mut *ctx };
    let (bus, core) = unsafe { (&mut *ctx.bus, &mut *ctx.core) };
    match crate::exec::fast::store(bus, size_of_kind(kind), addr, v) {
        Ok(()) => u64::from(bus.take_wait()) << 32,
        Err(t) => {
            core.trap = Some(t);
            FAILED
        }
    }
}

/// The stack marks after an operation that may write SP (`Stats::watch_stack`).
extern "C" fn watch_helper(ctx: *mut Ctx) {
    // SAFETY: as in `load_helper`.
    let ctx = unsafe { &mut *ctx };
    let (stats, cpu) = unsafe { (&mut *ctx.stats, &*ctx.cpu) };
    stats.watch_stack(cpu);
}

fn size_of_kind(kind: u32) -> MemSize {
    match kind & 3 {
        0 => MemSize::Byte,
        1 => MemSize::Half,
        _ => MemSize::Word,
    }
}

fn kind_of(size: MemSize, signed: bool) -> u32 {
    let s = match size {
        MemSize::Byte => 0,
        MemSize::Half => 1,
        MemSize::Word => 2,
    };
    s | if signed { 4 } else { 0 }
}

/// The host code of one code epoch's compiled blocks, and the compiler.
pub(crate) struct Jit {
    module: Option<JITModule>,
    fctx: FunctionBuilderContext,
    /// Cranelift could not be set up for this host: nothing is compiled.
    broken: bool,
}

impl Jit {
    pub(crate) fn new() -> Jit {
        Jit {
            module: None,
            fctx: FunctionBuilderContext::new(),
            broken: false,
        }
    }

    /// Drops every compiled block (the blocks themselves are dropped by the caller).
    pub(crate) fn clear(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: the caller dropped every block, and with them every pointer into this
            // module's code.
            unsafe { m.free_memory() };
        }
    }

    fn module(&mut self) -> Option<&mut JITModule> {
        if self.module.is_none() && !self.broken {
            let mut flags = settings::builder();
            let ok = flags.set("opt_level", "speed").is_ok()
                && flags.set("use_colocated_libcalls", "false").is_ok()
                && flags.set("is_pic", "false").is_ok();
            let isa = cranelift_native::builder()
                .ok()
                .filter(|_| ok)
                .and_then(|b| b.finish(settings::Flags::new(flags)).ok());
            match isa {
                Some(isa) => {
                    let jb = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
                    self.module = Some(JITModule::new(jb));
                }
                None => self.broken = true,
            }
        }
        self.module.as_mut()
    }

    /// Compiles block `ops` (the first `body` of them its body; see the module
    /// documentation), or `None` when a body operation is not one the JIT handles (or
    /// Cranelift fails: the block engine runs it). The last instruction is compiled too when
    /// it is a branch with fixed cycles; `may_loop`: a block that branches back to its start
    /// may run again inside the code (no flash-granule model: nothing happens between two
    /// runs).
    pub(crate) fn compile(
        &mut self,
        ops: &[Op],
        body: usize,
        t: &Timing,
        may_loop: bool,
    ) -> Option<Code> {
        let code = self.compile_inner(ops, body, t, may_loop);
        if code.is_none() {
            // A declined operation leaves the builder's context half used.
            self.fctx = FunctionBuilderContext::new();
        }
        code
    }

    fn compile_inner(
        &mut self,
        ops: &[Op],
        body: usize,
        t: &Timing,
        may_loop: bool,
    ) -> Option<Code> {
        if body == 0 || !ops[..body].iter().all(supported) {
            return None;
        }
        let last = ops
            .get(body)
            .filter(|op| branch_shape(op, t).is_some())
            .copied();
        let looping = may_loop
            && last.is_some_and(|op| {
                branch_shape(&op, t).is_some_and(|(taken, target)| taken && target == ops[0].pc)
            })
            && ops.iter().all(|op| op.flags & crate::block::SP == 0);
        let n = body + usize::from(last.is_some());
        self.module()?;
        let Jit { module, fctx, .. } = self;
        let module = module.as_mut()?;
        let ptr = module.target_config().pointer_type();
        let mut ctx = module.make_context();
        let mut sig = module.make_signature();
        for _ in 0..3 {
            sig.params.push(AbiParam::new(ptr));
        }
        sig.returns.push(AbiParam::new(types::I64));
        ctx.func.signature = sig.clone();
        let mut load_sig = module.make_signature();
        load_sig.params.push(AbiParam::new(ptr));
        load_sig.params.push(AbiParam::new(types::I32));
        load_sig.params.push(AbiParam::new(types::I32));
        load_sig.returns.push(AbiParam::new(types::I64));
        let mut store_sig = module.make_signature();
        store_sig.params.push(AbiParam::new(ptr));
        store_sig.params.push(AbiParam::new(types::I32));
        store_sig.params.push(AbiParam::new(types::I32));
        store_sig.params.push(AbiParam::new(types::I32));
        store_sig.returns.push(AbiParam::new(types::I64));
        let mut watch_sig = module.make_signature();
        watch_sig.params.push(AbiParam::new(ptr));
        let sigs = (load_sig, store_sig, watch_sig);
        // A loop's exits store every variable any operation writes: a first pass finds them.
        let mut written = 0;
        if looping {
            let mut scratch = cranelift_codegen::ir::Function::with_name_signature(
                cranelift_codegen::ir::UserFuncName::default(),
                sig.clone(),
            );
            let b = FunctionBuilder::new(&mut scratch, fctx);
            let mut e = Emit::new(b, ptr, t, sigs.clone(), looping, 0);
            e.block(&ops[..n], body)?;
            written = e.written;
            e.b.finalize();
        }
        {
            let b = FunctionBuilder::new(&mut ctx.func, fctx);
            let mut e = Emit::new(b, ptr, t, sigs, looping, written);
            e.block(&ops[..n], body)?;
            e.b.finalize();
        }
        let id = module.declare_anonymous_function(&sig).ok()?;
        module.define_function(id, &mut ctx).ok()?;
        module.clear_context(&mut ctx);
        module.finalize_definitions().ok()?;
        let code = module.get_finalized_function(id);
        // SAFETY: the function was compiled with exactly this signature (three pointers in,
        // one i64 out, the host's default calling convention, which is `extern "C"`).
        Some(unsafe { std::mem::transmute::<*const u8, Code>(code) })
    }
}

/// A block's last instruction the JIT compiles: B, B\<c\> or CBZ/CBNZ whose taken cycles are
/// fixed (`Fast::B::taken`), with an expected result (taken or not): (expected taken,
/// target).
fn branch_shape(op: &Op, t: &Timing) -> Option<(bool, u32)> {
    let (target, taken, conditional) = match op.fast {
        Fast::B { target, taken } => (target, taken, false),
        Fast::BCond { target, taken, .. } | Fast::Cbz { target, taken, .. } => {
            (target, taken, true)
        }
        _ => return None,
    };
    if taken == 0 {
        return None;
    }
    let (yes, no) = branch_results(t, taken);
    if op.expect == yes.0 {
        Some((true, target))
    } else if conditional && op.expect == no.0 {
        Some((false, target))
    } else {
        None
    }
}

/// The results of a branch taken (`taken` cycles) and not taken, as the fast forms make them.
fn branch_results(t: &Timing, taken: u8) -> (Done, Done) {
    (
        retired(InstrClass::Branch, u32::from(taken), Flow::Plain),
        retired(InstrClass::Skipped, t.alu, Flow::Plain),
    )
}

/// Whether the JIT handles operation `op` of a block's body.
fn supported(op: &Op) -> bool {
    let shift_ok = |shift: ShiftType, amount: u8| match shift {
        ShiftType::Lsl => amount < 32,
        ShiftType::Lsr | ShiftType::Asr => (1..=32).contains(&amount),
        ShiftType::Ror => (1..32).contains(&amount),
        ShiftType::Rrx => false,
    };
    match op.fast {
        Fast::AddImm { .. }
        | Fast::RsbImm { .. }
        | Fast::AndImm { .. }
        | Fast::OrrImm { .. }
        | Fast::EorImm { .. }
        | Fast::MovImm { .. }
        | Fast::MovsImm { .. }
        | Fast::AddReg { .. }
        | Fast::SubReg { .. }
        | Fast::MovReg { .. }
        | Fast::AddsImm { .. }
        | Fast::SubsImm { .. }
        | Fast::AddsReg { .. }
        | Fast::SubsReg { .. }
        | Fast::LoadImm { .. }
        | Fast::LoadReg { .. }
        | Fast::LoadWb { .. }
        | Fast::LoadLit { .. }
        | Fast::StoreImm { .. }
        | Fast::StoreReg { .. }
        | Fast::StoreWb { .. }
        | Fast::Mla { .. }
        | Fast::Mul { .. }
        | Fast::Muls { .. }
        | Fast::Sxtb16 { .. }
        | Fast::Sxtab16 { .. }
        | Fast::Smlad { .. }
        | Fast::Bfi { .. }
        | Fast::Bfx { .. }
        | Fast::Ext { .. }
        | Fast::Clz { .. }
        | Fast::Movt { .. }
        | Fast::AddSpImm { .. } => true,
        Fast::ShiftedReg {
            op, shift, amount, ..
        } => shift_ok(shift, amount) && crate::exec::fast::shifted_register_op(op),
        Fast::DspExtend { rn, .. } => rn == crate::dsp::NO_REG || rn < 15,
        Fast::Sat { shift, amount, .. } => amount == 0 || shift_ok(shift, amount),
        _ => false,
    }
}

/// The cycles the fast form of a supported operation without a memory access returns (the
/// executor's figure from the timing table: `Fast::execute_fast`), `None` for the others.
fn static_cycles(f: &Fast, t: &Timing) -> Option<u32> {
    Some(match f {
        Fast::Mla { .. } => t.mla,
        Fast::Mul { .. } | Fast::Muls { .. } => t.mul,
        Fast::Sxtb16 { .. }
        | Fast::Sxtab16 { .. }
        | Fast::Smlad { .. }
        | Fast::DspExtend { .. } => t.dsp,
        Fast::LoadImm { .. }
        | Fast::LoadReg { .. }
        | Fast::LoadWb { .. }
        | Fast::LoadLit { .. }
        | Fast::StoreImm { .. }
        | Fast::StoreReg { .. }
        | Fast::StoreWb { .. } => return None,
        _ => t.alu,
    })
}

// Variables of the emitted function.
const N: u32 = 16;
const Z: u32 = 17;
const C: u32 = 18;
const V: u32 = 19;
const Q: u32 = 20;
const LS_NEXT: u32 = 21;
const LS_RT: u32 = 22;
const NOW: u32 = 23;
const NEXT_EVENT: u32 = 24;
/// Completed runs of a looping block (stored into `Ctx::iters`).
const ITERS: u32 = 25;
/// The budget left for further runs of a looping block.
const REM: u32 = 26;
/// A value merged from the direct and the bus path of an access.
const TMP: u32 = 27;
const VARS: u32 = 28;

fn var(i: u32) -> Variable {
    Variable::from_u32(i)
}

/// The emitter of one body.
struct Emit<'a> {
    b: FunctionBuilder<'a>,
    ptr: types::Type,
    cpu: Value,
    bus: Value,
    ctx: Value,
    load_sig: cranelift_codegen::ir::SigRef,
    store_sig: cranelift_codegen::ir::SigRef,
    watch_sig: cranelift_codegen::ir::SigRef,
    t: Timing,
    /// Variables read from memory (registers 0-15, the flags, ...), by variable number.
    loaded: u32,
    /// Variables written (stored back at every exit).
    written: u32,
    /// The block branches back to its start inside the code (see `Jit::compile`).
    looping: bool,
    /// The loop's first block (where a run starts), when `looping`.
    header: Option<cranelift_codegen::ir::Block>,
    /// The wait states taken before the first operation, a load or store (I64).
    pre_wait: Option<Value>,
}

fn flags() -> MemFlags {
    MemFlags::trusted()
}

impl<'a> Emit<'a> {
    fn new(
        mut b: FunctionBuilder<'a>,
        ptr: types::Type,
        t: &Timing,
        sigs: (Signature, Signature, Signature),
        looping: bool,
        written: u32,
    ) -> Emit<'a> {
        let (load_sig, store_sig, watch_sig) = sigs;
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let p = b.block_params(entry).to_vec();
        for i in 0..VARS {
            let ty = match i {
                0..=15 | LS_NEXT => types::I32,
                NOW | NEXT_EVENT | ITERS | REM | TMP => types::I64,
                _ => types::I8,
            };
            b.declare_var(var(i), ty);
        }
        let load_sig = b.import_signature(load_sig);
        let store_sig = b.import_signature(store_sig);
        let watch_sig = b.import_signature(watch_sig);
        Emit {
            b,
            ptr,
            cpu: p[0],
            bus: p[1],
            ctx: p[2],
            load_sig,
            store_sig,
            watch_sig,
            t: *t,
            loaded: 0,
            written,
            looping,
            header: None,
            pre_wait: None,
        }
    }

    /// Where variable `i` lives: (base pointer, offset, type).
    fn home(&self, i: u32) -> (Value, i32, types::Type) {
        let cpu = |o: usize, ty| (self.cpu, o as i32, ty);
        match i {
            0..=15 => cpu(offset_of!(Cpu, r) + 4 * i as usize, types::I32),
            N => cpu(offset_of!(Cpu, n), types::I8),
            Z => cpu(offset_of!(Cpu, z), types::I8),
            C => cpu(offset_of!(Cpu, c), types::I8),
            V => cpu(offset_of!(Cpu, v), types::I8),
            Q => cpu(offset_of!(Cpu, q), types::I8),
            NOW => (self.bus, offset_of!(Bus, now) as i32, types::I64),
            NEXT_EVENT => (self.bus, offset_of!(Bus, next_event) as i32, types::I64),
            // The core is reached through the context.
            _ => unreachable!("core fields are loaded through ctx"),
        }
    }

    fn core_ptr(&mut self) -> Value {
        self.b
            .ins()
            .load(self.ptr, flags(), self.ctx, offset_of!(Ctx, core) as i32)
    }

    fn get(&mut self, i: u32) -> Value {
        if self.loaded & (1 << i) == 0 {
            let v = match i {
                LS_NEXT => {
                    let core = self.core_ptr();
                    self.b
                        .ins()
                        .load(types::I32, flags(), core, offset_of!(Core, ls_next) as i32)
                }
                LS_RT => {
                    let core = self.core_ptr();
                    self.b
                        .ins()
                        .load(types::I8, flags(), core, offset_of!(Core, ls_rt) as i32)
                }
                _ => {
                    let (base, off, ty) = self.home(i);
                    self.b.ins().load(ty, flags(), base, off)
                }
            };
            self.b.def_var(var(i), v);
            self.loaded |= 1 << i;
        }
        self.b.use_var(var(i))
    }

    fn set(&mut self, i: u32, v: Value) {
        self.b.def_var(var(i), v);
        self.loaded |= 1 << i;
        self.written |= 1 << i;
    }

    fn reg(&mut self, r: u8) -> Value {
        self.get(u32::from(r))
    }

    fn set_reg(&mut self, r: u8, v: Value) {
        self.set(u32::from(r), v);
    }

    fn iconst(&mut self, v: u32) -> Value {
        self.b.ins().iconst(types::I32, i64::from(v as i32))
    }

    /// Stores every written variable home (and PC), and returns `code`.
    fn store_all(&mut self, pc: u32) {
        for i in 0..VARS {
            if self.written & (1 << i) == 0 {
                continue;
            }
            let v = self.b.use_var(var(i));
            match i {
                LS_NEXT | LS_RT => {
                    let core = self.core_ptr();
                    let off = if i == LS_NEXT {
                        offset_of!(Core, ls_next)
                    } else {
                        offset_of!(Core, ls_rt)
                    };
                    self.b.ins().store(flags(), v, core, off as i32);
                }
                NEXT_EVENT | REM => {}
                ITERS => {
                    self.b
                        .ins()
                        .store(flags(), v, self.ctx, offset_of!(Ctx, iters) as i32);
                }
                _ => {
                    let (base, off, _) = self.home(i);
                    self.b.ins().store(flags(), v, base, off);
                }
            }
        }
        let pc = self.iconst(pc);
        let (base, off, _) = self.home(15);
        self.b.ins().store(flags(), pc, base, off);
    }

    /// Leaves the function when `cond` holds: everything stored with PC = `pc`, `d` (if any)
    /// into `Ctx::d`, returning `kind` and `index`.
    fn exit_if(&mut self, cond: Value, pc: u32, kind: u64, index: usize, d: Option<Value>) {
        let exit = self.b.create_block();
        let cont = self.b.create_block();
        self.b.ins().brif(cond, exit, &[], cont, &[]);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        self.store_all(pc);
        if let Some(d) = d {
            self.b
                .ins()
                .store(flags(), d, self.ctx, offset_of!(Ctx, d) as i32);
        }
        let r = self
            .b
            .ins()
            .iconst(types::I64, ((kind << 32) | index as u64) as i64);
        self.b.ins().return_(&[r]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Stores the clock (a device the access reaches reads it).
    fn sync_now(&mut self) {
        if self.written & (1 << NOW) != 0 {
            let now = self.b.use_var(var(NOW));
            let (base, off, _) = self.home(NOW);
            self.b.ins().store(flags(), now, base, off);
        }
    }

    /// After a call into the bus: the next event may have moved.
    fn reload_next_event(&mut self) {
        self.loaded &= !(1 << NEXT_EVENT);
    }

    /// Loads field `off` of window `win` (an offset of `Ctx`) as `ty`.
    fn win_field(&mut self, win: usize, off: usize, ty: types::Type) -> Value {
        self.b.ins().load(ty, flags(), self.ctx, (win + off) as i32)
    }

    /// If `addr` is an aligned access of `bytes` inside window `win`: jumps to a new block
    /// (made current, with the host address of the access) or else to `other`.
    fn in_window(
        &mut self,
        win: usize,
        addr: Value,
        bytes: u32,
        other: cranelift_codegen::ir::Block,
    ) -> (Value, Value) {
        let base = self.win_field(win, offset_of!(Window, base), types::I32);
        let size = self.win_field(win, offset_of!(Window, size), types::I32);
        let off = self.b.ins().isub(addr, base);
        let inside = self.b.ins().icmp(IntCC::UnsignedLessThan, off, size);
        let ok = if bytes > 1 {
            let mis = self.b.ins().band_imm(off, i64::from(bytes - 1));
            let aligned = self.b.ins().icmp_imm(IntCC::Equal, mis, 0);
            self.b.ins().band(inside, aligned)
        } else {
            inside
        };
        let hit = self.b.create_block();
        self.b.ins().brif(ok, hit, &[], other, &[]);
        self.b.switch_to_block(hit);
        self.b.seal_block(hit);
        let data = self.win_field(win, offset_of!(Window, data), self.ptr);
        let off64 = self.b.ins().uextend(self.ptr, off);
        (self.b.ins().iadd(data, off64), off)
    }

    /// A load of `kind` at `addr`: directly from a window, else through the bus (the
    /// helper's word).
    fn load(&mut self, addr: Value, kind: u32) -> Value {
        let size = size_of_kind(kind);
        let (bytes, ty) = match size {
            MemSize::Byte => (1, types::I8),
            MemSize::Half => (2, types::I16),
            MemSize::Word => (4, types::I32),
        };
        let signed = kind & 4 != 0;
        let join = self.b.create_block();
        let try_rom = self.b.create_block();
        let slow = self.b.create_block();
        for (win, next) in [
            (offset_of!(Ctx, ram), try_rom),
            (offset_of!(Ctx, rom), slow),
        ] {
            let (p, _) = self.in_window(win, addr, bytes, next);
            let mf = flags().with_endianness(cranelift_codegen::ir::Endianness::Little);
            let v = self.b.ins().load(ty, mf, p, 0);
            let v = if bytes == 4 {
                v
            } else if signed {
                self.b.ins().sextend(types::I32, v)
            } else {
                self.b.ins().uextend(types::I32, v)
            };
            let v = self.b.ins().uextend(types::I64, v);
            self.b.def_var(var(TMP), v);
            self.b.ins().jump(join, &[]);
            self.b.switch_to_block(next);
            self.b.seal_block(next);
        }
        let res = self.call_load(addr, kind);
        self.b.def_var(var(TMP), res);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        self.b.use_var(var(TMP))
    }

    /// A store of `kind` of `v` at `addr`: directly into the SRAM window (with the
    /// written-word mark), else through the bus (the helper's word).
    fn store(&mut self, addr: Value, v: Value, kind: u32) -> Value {
        let (bytes, ty) = match size_of_kind(kind) {
            MemSize::Byte => (1, types::I8),
            MemSize::Half => (2, types::I16),
            MemSize::Word => (4, types::I32),
        };
        let join = self.b.create_block();
        let slow = self.b.create_block();
        let win = offset_of!(Ctx, ram);
        let (p, off) = self.in_window(win, addr, bytes, slow);
        let mf = flags().with_endianness(cranelift_codegen::ir::Endianness::Little);
        let x = if bytes == 4 {
            v
        } else {
            self.b.ins().ireduce(ty, v)
        };
        self.b.ins().store(mf, x, p, 0);
        // Region::mark_written: the word's bit (an aligned access stays in one word).
        let word = self.b.ins().ushr_imm(off, 2);
        let idx = self.b.ins().ushr_imm(word, 6);
        let idx = self.b.ins().uextend(self.ptr, idx);
        let idx = self.b.ins().ishl_imm(idx, 3);
        let written = self.win_field(win, offset_of!(Window, written), self.ptr);
        let at = self.b.ins().iadd(written, idx);
        let bit = self.b.ins().band_imm(word, 63);
        let bit = self.b.ins().uextend(types::I64, bit);
        let one = self.b.ins().iconst(types::I64, 1);
        let mask = self.b.ins().ishl(one, bit);
        let old = self.b.ins().load(types::I64, flags(), at, 0);
        let new = self.b.ins().bor(old, mask);
        self.b.ins().store(flags(), new, at, 0);
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(var(TMP), zero);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let res = self.call_store(addr, v, kind);
        self.b.def_var(var(TMP), res);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        self.b.use_var(var(TMP))
    }

    fn call_load(&mut self, addr: Value, kind: u32) -> Value {
        self.sync_now();
        let f = self
            .b
            .ins()
            .iconst(self.ptr, load_helper as *const () as usize as i64);
        let k = self.iconst(kind);
        let call = self
            .b
            .ins()
            .call_indirect(self.load_sig, f, &[self.ctx, addr, k]);
        self.reload_next_event();
        self.b.inst_results(call)[0]
    }

    fn call_store(&mut self, addr: Value, v: Value, kind: u32) -> Value {
        self.sync_now();
        let f = self
            .b
            .ins()
            .iconst(self.ptr, store_helper as *const () as usize as i64);
        let k = self.iconst(kind);
        let call = self
            .b
            .ins()
            .call_indirect(self.store_sig, f, &[self.ctx, addr, v, k]);
        self.reload_next_event();
        self.b.inst_results(call)[0]
    }

    /// Exits with `Done::TRAPPED` when a helper's word says the access trapped.
    fn trap_check(&mut self, res: Value, pc: u32, index: usize) {
        let failed = self.b.ins().icmp_imm(IntCC::Equal, res, FAILED as i64);
        let trapped = self.b.ins().iconst(types::I64, Done::TRAPPED.0 as i64);
        self.exit_if(failed, pc, DIFFER, index, Some(trapped));
    }

    fn shift(&mut self, x: Value, shift: ShiftType, amount: u8) -> Value {
        let a = i64::from(amount);
        match shift {
            _ if amount == 0 => x,
            ShiftType::Lsl => self.b.ins().ishl_imm(x, a),
            ShiftType::Lsr if amount == 32 => self.iconst(0),
            ShiftType::Lsr => self.b.ins().ushr_imm(x, a),
            ShiftType::Asr => self.b.ins().sshr_imm(x, a.min(31)),
            ShiftType::Ror => self.b.ins().rotr_imm(x, a),
            ShiftType::Rrx => unreachable!("not supported"),
        }
    }

    fn set_nz(&mut self, v: Value) {
        let n = self.b.ins().icmp_imm(IntCC::SignedLessThan, v, 0);
        let z = self.b.ins().icmp_imm(IntCC::Equal, v, 0);
        self.set(N, n);
        self.set(Z, z);
    }

    /// a + b (sub: a - b) with NZCV, as `alu::add_with_carry` makes them.
    fn adds(&mut self, sub: bool, a: Value, b: Value, rd: u8) {
        let (r, c, v) = if sub {
            let r = self.b.ins().isub(a, b);
            let c = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, a, b);
            let x = self.b.ins().bxor(a, b);
            let y = self.b.ins().bxor(a, r);
            let o = self.b.ins().band(x, y);
            let v = self.b.ins().icmp_imm(IntCC::SignedLessThan, o, 0);
            (r, c, v)
        } else {
            let r = self.b.ins().iadd(a, b);
            let c = self.b.ins().icmp(IntCC::UnsignedLessThan, r, a);
            let x = self.b.ins().bxor(a, r);
            let y = self.b.ins().bxor(b, r);
            let o = self.b.ins().band(x, y);
            let v = self.b.ins().icmp_imm(IntCC::SignedLessThan, o, 0);
            (r, c, v)
        };
        if rd < 16 {
            self.set_reg(rd, r);
        }
        self.set_nz(r);
        self.set(C, c);
        self.set(V, v);
    }

    /// The sign-extended halfword of `x` (top: bits 31:16) as an I64.
    fn half64(&mut self, x: Value, top: bool) -> Value {
        let h = if top {
            self.b.ins().sshr_imm(x, 16)
        } else {
            let s = self.b.ins().ishl_imm(x, 16);
            self.b.ins().sshr_imm(s, 16)
        };
        self.b.ins().sextend(types::I64, h)
    }

    /// Sets Q when `cond`.
    fn or_q(&mut self, cond: Value) {
        let q = self.get(Q);
        let q = self.b.ins().bor(q, cond);
        self.set(Q, q);
    }

    /// The load/store pipelining test of the fast forms: `pc == ls_next && rn != ls_rt`
    /// (and `rm != ls_rt`; `store_reg`: `ls_rt != 0xFF` too).
    fn piped(&mut self, pc: u32, rn: Option<u8>, rm: Option<u8>, store_reg: bool) -> Value {
        let ls_next = self.get(LS_NEXT);
        let mut p = self.b.ins().icmp_imm(IntCC::Equal, ls_next, i64::from(pc));
        let ls_rt = self.get(LS_RT);
        let mut other = |e: &mut Emit, r: u8| {
            let ne =
                e.b.ins()
                    .icmp_imm(IntCC::NotEqual, ls_rt, i64::from(r as i8));
            p = e.b.ins().band(p, ne);
        };
        if store_reg {
            other(self, 0xFF);
        }
        if let Some(r) = rn {
            other(self, r);
        }
        if let Some(r) = rm {
            other(self, r);
        }
        p
    }

    /// A load's or store's cycles (`piped`: the pipelined figure when it holds; `w`: the
    /// helper's word, wait states in bits 62:32) checked against the expected result.
    fn mem_done(
        &mut self,
        op: &Op,
        index: usize,
        piped: Option<Value>,
        base: u32,
        pipelined: u32,
        res: Value,
    ) {
        let w = self.b.ins().ushr_imm(res, 32);
        let mut cycles = self.b.ins().iconst(types::I64, i64::from(base));
        if let Some(p) = piped {
            let pc = self.b.ins().iconst(types::I64, i64::from(pipelined));
            cycles = self.b.ins().select(p, pc, cycles);
        }
        let mut cycles = self.b.ins().iadd(cycles, w);
        if let Some(pre) = self.pre_wait {
            cycles = self.b.ins().iadd(cycles, pre);
        }
        let expect = Done(op.expect);
        let class = (op.expect >> 32) << 32;
        let d = self.b.ins().iadd_imm(cycles, class as i64);
        let differs = self
            .b
            .ins()
            .icmp_imm(IntCC::NotEqual, cycles, i64::from(expect.cycles()));
        let next = op.pc.wrapping_add(u32::from(op.len));
        self.exit_if(differs, next, DIFFER, index, Some(d));
    }

    /// The fetch stall before the first operation (in `Bus::wait`, taken by the first
    /// operation as the fast form takes it; `base`: the operation's cycles without it): the
    /// expected result when the stall is the one the expected result holds, else another.
    fn first_wait(&mut self, op: &Op, base: u32) {
        let off = offset_of!(Bus, wait) as i32;
        let w = self.b.ins().load(types::I32, flags(), self.bus, off);
        let zero = self.iconst(0);
        self.b.ins().store(flags(), zero, self.bus, off);
        let stall = Done(op.expect).cycles() - base;
        let differs = self.b.ins().icmp_imm(IntCC::NotEqual, w, i64::from(stall));
        let exit = self.b.create_block();
        let cont = self.b.create_block();
        self.b.ins().brif(differs, exit, &[], cont, &[]);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        let w64 = self.b.ins().uextend(types::I64, w);
        let d = self
            .b
            .ins()
            .iadd_imm(w64, (op.expect - u64::from(stall)) as i64);
        self.store_all(op.pc.wrapping_add(u32::from(op.len)));
        self.b
            .ins()
            .store(flags(), d, self.ctx, offset_of!(Ctx, d) as i32);
        let r = self.b.ins().iconst(types::I64, (DIFFER << 32) as i64);
        self.b.ins().return_(&[r]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Emits block `ops`: the body (`body` operations), then the last instruction when it is
    /// in `ops`, and the loop back to the start when `looping`.
    fn block(&mut self, ops: &[Op], body: usize) -> Option<()> {
        if self.looping {
            // Everything the loop uses lives in variables from the start (a load inside the
            // loop would read memory the loop has not written back).
            for i in (0..15).chain(N..=NEXT_EVENT) {
                self.get(i);
            }
            let left =
                self.b
                    .ins()
                    .load(types::I64, flags(), self.ctx, offset_of!(Ctx, left) as i32);
            self.set(REM, left);
            let zero = self.b.ins().iconst(types::I64, 0);
            self.set(ITERS, zero);
            let header = self.b.create_block();
            self.b.ins().jump(header, &[]);
            self.b.switch_to_block(header);
            self.header = Some(header);
        }
        for (i, op) in ops[..body].iter().enumerate() {
            if i == 0 && static_cycles(&op.fast, &self.t).is_none() {
                // A fetch stall before the first operation is in `Bus::wait`; the fast form
                // takes it with its access's wait states (a direct access has none).
                let off = offset_of!(Bus, wait) as i32;
                let w = self.b.ins().load(types::I32, flags(), self.bus, off);
                let zero = self.iconst(0);
                self.b.ins().store(flags(), zero, self.bus, off);
                self.pre_wait = Some(self.b.ins().uextend(types::I64, w));
            }
            let is_mem = self.op(op, i)?;
            self.pre_wait = None;
            if !is_mem {
                // A result fixed by the timing table: the expected one, but for a fetch
                // stall before the first operation.
                let base = static_cycles(&op.fast, &self.t)?;
                let cycles = Done(op.expect).cycles();
                if i == 0 && cycles >= base {
                    self.first_wait(op, base);
                } else if cycles != base {
                    return None;
                }
            }
            // The expected result: the clock, the stack marks, the event check.
            let now = self.get(NOW);
            let now = self
                .b
                .ins()
                .iadd_imm(now, i64::from(Done(op.expect).cycles()));
            self.set(NOW, now);
            if op.flags & crate::block::SP != 0 {
                self.store_all(op.pc.wrapping_add(u32::from(op.len)));
                let f = self
                    .b
                    .ins()
                    .iconst(self.ptr, watch_helper as *const () as usize as i64);
                self.b.ins().call_indirect(self.watch_sig, f, &[self.ctx]);
            }
            let next_event = self.get(NEXT_EVENT);
            let due = self
                .b
                .ins()
                .icmp(IntCC::UnsignedGreaterThanOrEqual, now, next_event);
            self.exit_if(due, op.pc.wrapping_add(u32::from(op.len)), EVENT, i, None);
        }
        let Some(last) = ops.get(body) else {
            let last = &ops[body - 1];
            self.store_all(last.pc.wrapping_add(u32::from(last.len)));
            let r = self
                .b
                .ins()
                .iconst(types::I64, ((DONE << 32) | body as u64) as i64);
            self.b.ins().return_(&[r]);
            return Some(());
        };
        self.branch(last, body, ops.len())
    }

    /// Whether condition `cond` passes with NZCV: the executor's table (`COND_PASS`).
    fn passes(&mut self, cond: u8) -> Value {
        let (n, z, c, v) = (self.get(N), self.get(Z), self.get(C), self.get(V));
        let mut f = self.b.ins().uextend(types::I32, v);
        for (x, sh) in [(c, 1), (z, 2), (n, 3)] {
            let x = self.b.ins().uextend(types::I32, x);
            let x = self.b.ins().ishl_imm(x, sh);
            f = self.b.ins().bor(f, x);
        }
        let table = self.iconst(u32::from(
            crate::exec::fast::COND_PASS[usize::from(cond & 15)],
        ));
        let bit = self.b.ins().ushr(table, f);
        let bit = self.b.ins().band_imm(bit, 1);
        self.b.ins().icmp_imm(IntCC::NotEqual, bit, 0)
    }

    /// The block's last instruction, a branch (see `branch_shape`), number `index` of a block
    /// of `len`; then the loop back or the exit.
    fn branch(&mut self, op: &Op, index: usize, len: usize) -> Option<()> {
        let (expect_taken, target) = branch_shape(op, &self.t)?;
        let next = op.pc.wrapping_add(u32::from(op.len));
        let cond = match op.fast {
            Fast::B { .. } => None,
            Fast::BCond { cond, .. } => Some(self.passes(cond)),
            Fast::Cbz { nonzero, rn, .. } => {
                let r = self.reg(rn);
                let cc = if nonzero {
                    IntCC::NotEqual
                } else {
                    IntCC::Equal
                };
                Some(self.b.ins().icmp_imm(cc, r, 0))
            }
            _ => return None,
        };
        let taken = match op.fast {
            Fast::B { taken, .. } | Fast::BCond { taken, .. } | Fast::Cbz { taken, .. } => taken,
            _ => return None,
        };
        let (yes, no) = branch_results(&self.t, taken);
        if let Some(c) = cond {
            // The other way than expected: its result, accounted by the caller.
            let (cc, other, other_pc) = if expect_taken {
                (IntCC::Equal, no, next)
            } else {
                (IntCC::NotEqual, yes, target)
            };
            let differs = self.b.ins().icmp_imm(cc, c, 0);
            let d = self.b.ins().iconst(types::I64, other.0 as i64);
            self.exit_if(differs, other_pc, DIFFER, index, Some(d));
        }
        let npc = if expect_taken { target } else { next };
        let now = self.get(NOW);
        let now = self
            .b
            .ins()
            .iadd_imm(now, i64::from(Done(op.expect).cycles()));
        self.set(NOW, now);
        let next_event = self.get(NEXT_EVENT);
        let due = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, now, next_event);
        self.exit_if(due, npc, EVENT, index, None);
        if let Some(header) = self.header {
            // Another run when the budget holds the whole block.
            let rem = self.get(REM);
            let short = self
                .b
                .ins()
                .icmp_imm(IntCC::UnsignedLessThan, rem, len as i64);
            self.exit_if(short, npc, DONE, len, None);
            let rem = self.b.ins().iadd_imm(rem, -(len as i64));
            self.set(REM, rem);
            let iters = self.get(ITERS);
            let iters = self.b.ins().iadd_imm(iters, 1);
            self.set(ITERS, iters);
            self.get(NEXT_EVENT);
            self.b.ins().jump(header, &[]);
            self.b.seal_block(header);
            return Some(());
        }
        self.store_all(npc);
        let r = self
            .b
            .ins()
            .iconst(types::I64, ((DONE << 32) | len as u64) as i64);
        self.b.ins().return_(&[r]);
        Some(())
    }

    /// Emits operation `op` (number `index` of the body); whether it accesses memory (its
    /// result is then checked against the expected one here).
    fn op(&mut self, op: &Op, index: usize) -> Option<bool> {
        let pc = op.pc;
        let next = pc.wrapping_add(u32::from(op.len));
        let t = self.t;
        match op.fast {
            Fast::AddImm { rd, rn, imm } => {
                let a = self.reg(rn);
                let v = self.b.ins().iadd_imm(a, i64::from(imm as i32));
                self.set_reg(rd, v);
            }
            Fast::RsbImm { rd, rn, imm } => {
                let a = self.reg(rn);
                let k = self.iconst(imm);
                let v = self.b.ins().isub(k, a);
                self.set_reg(rd, v);
            }
            Fast::AndImm { rd, rn, imm } => {
                let a = self.reg(rn);
                let v = self.b.ins().band_imm(a, i64::from(imm as i32));
                self.set_reg(rd, v);
            }
            Fast::OrrImm { rd, rn, imm } => {
                let a = self.reg(rn);
                let v = self.b.ins().bor_imm(a, i64::from(imm as i32));
                self.set_reg(rd, v);
            }
            Fast::EorImm { rd, rn, imm } => {
                let a = self.reg(rn);
                let v = self.b.ins().bxor_imm(a, i64::from(imm as i32));
                self.set_reg(rd, v);
            }
            Fast::MovImm { rd, imm } => {
                let v = self.iconst(imm);
                self.set_reg(rd, v);
            }
            Fast::MovsImm { rd, imm } => {
                let v = self.iconst(imm);
                self.set_reg(rd, v);
                self.set_nz(v);
            }
            Fast::AddReg { rd, rn, rm } => {
                let (a, b) = (self.reg(rn), self.reg(rm));
                let v = self.b.ins().iadd(a, b);
                self.set_reg(rd, v);
            }
            Fast::SubReg { rd, rn, rm } => {
                let (a, b) = (self.reg(rn), self.reg(rm));
                let v = self.b.ins().isub(a, b);
                self.set_reg(rd, v);
            }
            Fast::MovReg { rd, rm } => {
                let v = self.reg(rm);
                self.set_reg(rd, v);
            }
            Fast::ShiftedReg {
                op: dp,
                rd,
                rn,
                rm,
                shift,
                amount,
            } => {
                let m = self.reg(rm);
                let b = self.shift(m, shift, amount);
                let needs_a = !matches!(dp, DpOp::Mov | DpOp::Mvn);
                let a = if needs_a { Some(self.reg(rn)) } else { None };
                let ins = self.b.ins();
                let v = match (dp, a) {
                    (DpOp::Add, Some(a)) => ins.iadd(a, b),
                    (DpOp::Sub, Some(a)) => ins.isub(a, b),
                    (DpOp::Rsb, Some(a)) => ins.isub(b, a),
                    (DpOp::And, Some(a)) => ins.band(a, b),
                    (DpOp::Bic, Some(a)) => ins.band_not(a, b),
                    (DpOp::Orr, Some(a)) => ins.bor(a, b),
                    (DpOp::Orn, Some(a)) => ins.bor_not(a, b),
                    (DpOp::Eor, Some(a)) => ins.bxor(a, b),
                    (DpOp::Mov, _) => b,
                    (DpOp::Mvn, _) => ins.bnot(b),
                    _ => return None,
                };
                self.set_reg(rd, v);
            }
            Fast::AddsImm { rd, rn, imm } => {
                let a = self.reg(rn);
                let b = self.iconst(imm);
                self.adds(false, a, b, rd);
            }
            Fast::SubsImm { rd, rn, imm } => {
                let a = self.reg(rn);
                let b = self.iconst(imm);
                self.adds(true, a, b, rd);
            }
            Fast::AddsReg { rd, rn, rm } => {
                let (a, b) = (self.reg(rn), self.reg(rm));
                self.adds(false, a, b, rd);
            }
            Fast::SubsReg { rd, rn, rm } => {
                let (a, b) = (self.reg(rn), self.reg(rm));
                self.adds(true, a, b, rd);
            }
            Fast::LoadImm {
                size,
                signed,
                rt,
                rn,
                imm,
            } => {
                let base = self.reg(rn);
                let a = self.b.ins().iadd_imm(base, i64::from(imm as i32));
                let res = self.load(a, kind_of(size, signed));
                self.trap_check(res, pc, index);
                let v = self.b.ins().ireduce(types::I32, res);
                self.set_reg(rt, v);
                let p = self.piped(pc, Some(rn), None, false);
                self.ls_set(next, rt);
                self.mem_done(op, index, Some(p), t.load, t.load_pipelined, res);
                return Some(true);
            }
            Fast::LoadReg {
                size,
                signed,
                rt,
                rn,
                rm,
                shift,
            } => {
                let base = self.reg(rn);
                let m = self.reg(rm);
                let m = self.b.ins().ishl_imm(m, i64::from(shift));
                let a = self.b.ins().iadd(base, m);
                let res = self.load(a, kind_of(size, signed));
                self.trap_check(res, pc, index);
                let v = self.b.ins().ireduce(types::I32, res);
                self.set_reg(rt, v);
                let p = self.piped(pc, Some(rn), Some(rm), false);
                self.ls_set(next, rt);
                self.mem_done(op, index, Some(p), t.load, t.load_pipelined, res);
                return Some(true);
            }
            Fast::LoadWb {
                size,
                signed,
                rt,
                rn,
                off,
                index: pre,
            } => {
                let b = self.reg(rn);
                let wb = self.b.ins().iadd_imm(b, i64::from(off as i32));
                let a = if pre { wb } else { b };
                let res = self.load(a, kind_of(size, signed));
                self.trap_check(res, pc, index);
                let v = self.b.ins().ireduce(types::I32, res);
                self.set_reg(rn, wb);
                self.set_reg(rt, v);
                let p = self.piped(pc, Some(rn), None, false);
                self.ls_set(next, rt);
                self.mem_done(op, index, Some(p), t.load, t.load_pipelined, res);
                return Some(true);
            }
            Fast::LoadLit { rt, addr } => {
                let a = self.iconst(addr);
                let res = self.load(a, kind_of(MemSize::Word, false));
                self.trap_check(res, pc, index);
                let v = self.b.ins().ireduce(types::I32, res);
                self.set_reg(rt, v);
                let p = self.piped(pc, Some(15), None, false);
                self.ls_set(next, rt);
                self.mem_done(op, index, Some(p), t.load, t.load_pipelined, res);
                return Some(true);
            }
            Fast::StoreImm { size, rt, rn, imm } => {
                let base = self.reg(rn);
                let a = self.b.ins().iadd_imm(base, i64::from(imm as i32));
                let v = self.reg(rt);
                let res = self.store(a, v, kind_of(size, false));
                self.trap_check(res, pc, index);
                self.ls_set(next, 0xFF);
                self.mem_done(op, index, None, t.store, 0, res);
                return Some(true);
            }
            Fast::StoreReg {
                size,
                rt,
                rn,
                rm,
                shift,
            } => {
                let base = self.reg(rn);
                let m = self.reg(rm);
                let m = self.b.ins().ishl_imm(m, i64::from(shift));
                let a = self.b.ins().iadd(base, m);
                let v = self.reg(rt);
                let res = self.store(a, v, kind_of(size, false));
                self.trap_check(res, pc, index);
                let p = self.piped(pc, Some(rn), Some(rm), true);
                let one = self.iconst(1);
                self.set(LS_NEXT, one);
                self.mem_done(op, index, Some(p), t.store_reg, t.load_pipelined, res);
                return Some(true);
            }
            Fast::StoreWb {
                size,
                rt,
                rn,
                off,
                index: pre,
            } => {
                let b = self.reg(rn);
                let wb = self.b.ins().iadd_imm(b, i64::from(off as i32));
                let a = if pre { wb } else { b };
                let v = self.reg(rt);
                let res = self.store(a, v, kind_of(size, false));
                self.trap_check(res, pc, index);
                self.set_reg(rn, wb);
                self.ls_set(next, 0xFF);
                self.mem_done(op, index, None, t.store, 0, res);
                return Some(true);
            }
            Fast::Mla {
                sub,
                rd,
                rn,
                rm,
                ra,
            } => {
                let (n, m, a) = (self.reg(rn), self.reg(rm), self.reg(ra));
                let p = self.b.ins().imul(n, m);
                let v = if sub {
                    self.b.ins().isub(a, p)
                } else {
                    self.b.ins().iadd(a, p)
                };
                self.set_reg(rd, v);
            }
            Fast::Mul { rd, rn, rm } => {
                let (n, m) = (self.reg(rn), self.reg(rm));
                let v = self.b.ins().imul(n, m);
                self.set_reg(rd, v);
            }
            Fast::Muls { rd, rn, rm } => {
                let (n, m) = (self.reg(rn), self.reg(rm));
                let v = self.b.ins().imul(n, m);
                self.set_reg(rd, v);
                self.set_nz(v);
            }
            Fast::Sxtb16 { rd, rm, rot } => {
                let m = self.reg(rm);
                let v = self.extend16(true, None, m, rot);
                self.set_reg(rd, v);
            }
            Fast::Sxtab16 { rd, rn, rm, rot } => {
                let (n, m) = (self.reg(rn), self.reg(rm));
                let v = self.extend16(true, Some(n), m, rot);
                self.set_reg(rd, v);
            }
            Fast::DspExtend {
                op: ext,
                rd,
                rn,
                rm,
                rot,
            } => {
                use crate::dsp::ExtOp;
                let n = (rn != crate::dsp::NO_REG).then(|| self.reg(rn));
                let m = self.reg(rm);
                let v = match ext {
                    ExtOp::Sxtab16 => self.extend16(true, n, m, rot),
                    ExtOp::Uxtab16 => self.extend16(false, n, m, rot),
                    _ => {
                        let x = self.rot(m, rot);
                        let x = match ext {
                            ExtOp::Sxtah => self.sext(x, 16),
                            ExtOp::Uxtah => self.b.ins().band_imm(x, 0xffff),
                            ExtOp::Sxtab => self.sext(x, 24),
                            _ => self.b.ins().band_imm(x, 0xff),
                        };
                        match n {
                            Some(n) => self.b.ins().iadd(n, x),
                            None => x,
                        }
                    }
                };
                self.set_reg(rd, v);
            }
            Fast::Smlad { rd, rn, rm, ra } => {
                let (n, m, a) = (self.reg(rn), self.reg(rm), self.reg(ra));
                let (nl, nh) = (self.half64(n, false), self.half64(n, true));
                let (ml, mh) = (self.half64(m, false), self.half64(m, true));
                let p1 = self.b.ins().imul(nl, ml);
                let p2 = self.b.ins().imul(nh, mh);
                let s = self.b.ins().iadd(p1, p2);
                let a = self.b.ins().sextend(types::I64, a);
                let s = self.b.ins().iadd(s, a);
                let v = self.b.ins().ireduce(types::I32, s);
                let back = self.b.ins().sextend(types::I64, v);
                let q = self.b.ins().icmp(IntCC::NotEqual, s, back);
                self.or_q(q);
                self.set_reg(rd, v);
            }
            Fast::Bfi { rd, rn, lsb, mask } => {
                let (d, n) = (self.reg(rd), self.reg(rn));
                let d = self.b.ins().band_imm(d, i64::from(!mask as i32));
                let n = self.b.ins().ishl_imm(n, i64::from(lsb));
                let n = self.b.ins().band_imm(n, i64::from(mask as i32));
                let v = self.b.ins().bor(d, n);
                self.set_reg(rd, v);
            }
            Fast::Bfx {
                signed,
                rd,
                rn,
                up,
                down,
            } => {
                let n = self.reg(rn);
                let v = self.b.ins().ishl_imm(n, i64::from(up));
                let v = if down == 0 {
                    v
                } else if signed {
                    self.b.ins().sshr_imm(v, i64::from(down))
                } else {
                    self.b.ins().ushr_imm(v, i64::from(down))
                };
                self.set_reg(rd, v);
            }
            Fast::Ext {
                signed,
                half,
                rd,
                rm,
                rot,
            } => {
                let m = self.reg(rm);
                let x = self.rot(m, rot);
                let v = match (half, signed) {
                    (false, false) => self.b.ins().band_imm(x, 0xff),
                    (false, true) => self.sext(x, 24),
                    (true, false) => self.b.ins().band_imm(x, 0xffff),
                    (true, true) => self.sext(x, 16),
                };
                self.set_reg(rd, v);
            }
            Fast::Clz { rd, rm } => {
                let m = self.reg(rm);
                let v = self.b.ins().clz(m);
                self.set_reg(rd, v);
            }
            Fast::Movt { rd, imm } => {
                let d = self.reg(rd);
                let d = self.b.ins().band_imm(d, 0xffff);
                let v = self
                    .b
                    .ins()
                    .bor_imm(d, i64::from((u32::from(imm) << 16) as i32));
                self.set_reg(rd, v);
            }
            Fast::AddSpImm { imm } => {
                let sp = self.reg(13);
                let v = self.b.ins().iadd_imm(sp, i64::from(imm as i32));
                let v = self.b.ins().band_imm(v, !3);
                self.set_reg(13, v);
            }
            Fast::Sat {
                signed,
                rd,
                rn,
                bits,
                shift,
                amount,
            } => {
                let n = self.reg(rn);
                let v = self.shift(n, shift, amount);
                let bits = u32::from(bits);
                let (lo, hi) = if signed {
                    if bits >= 32 {
                        (i32::MIN, i32::MAX)
                    } else {
                        (-(1i32 << (bits - 1)), (1i32 << (bits - 1)) - 1)
                    }
                } else if bits >= 32 {
                    return None;
                } else {
                    (0, ((1u32 << bits) - 1) as i32)
                };
                let lo = self.b.ins().iconst(types::I32, i64::from(lo));
                let hi = self.b.ins().iconst(types::I32, i64::from(hi));
                let r = self.b.ins().smin(v, hi);
                let r = self.b.ins().smax(r, lo);
                let q = self.b.ins().icmp(IntCC::NotEqual, r, v);
                self.or_q(q);
                self.set_reg(rd, r);
            }
            _ => return None,
        }
        Some(false)
    }

    fn ls_set(&mut self, next: u32, rt: u8) {
        let n = self.iconst(next);
        let r = self.b.ins().iconst(types::I8, i64::from(rt as i8));
        self.set(LS_NEXT, n);
        self.set(LS_RT, r);
    }

    fn rot(&mut self, x: Value, rot: u8) -> Value {
        if rot == 0 {
            x
        } else {
            self.b.ins().rotr_imm(x, i64::from(rot))
        }
    }

    /// Sign-extends the low `32 - k` bits of `x`.
    fn sext(&mut self, x: Value, k: i64) -> Value {
        let s = self.b.ins().ishl_imm(x, k);
        self.b.ins().sshr_imm(s, k)
    }

    /// SXTAB16/UXTAB16 (`n` None: SXTB16/UXTB16), as `dsp::extend`.
    fn extend16(&mut self, signed: bool, n: Option<Value>, m: Value, rot: u8) -> Value {
        let x = self.rot(m, rot);
        let (b0, b2) = if signed {
            let b0 = self.sext(x, 24);
            let h = self.b.ins().ushr_imm(x, 16);
            let b2 = self.sext(h, 24);
            (b0, b2)
        } else {
            let b0 = self.b.ins().band_imm(x, 0xff);
            let h = self.b.ins().ushr_imm(x, 16);
            let b2 = self.b.ins().band_imm(h, 0xff);
            (b0, b2)
        };
        let (lo, hi) = match n {
            Some(n) => {
                let lo = self.b.ins().iadd(n, b0);
                let nh = self.b.ins().ushr_imm(n, 16);
                let hi = self.b.ins().iadd(nh, b2);
                (lo, hi)
            }
            None => (b0, b2),
        };
        let lo = self.b.ins().band_imm(lo, 0xffff);
        let hi = self.b.ins().ishl_imm(hi, 16);
        self.b.ins().bor(hi, lo)
    }
}

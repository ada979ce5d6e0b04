//! The contract between the machine and an instruction set: what one executed instruction
//! reports ([`Retired`]), what stops it ([`Trap`], [`Fault`]), and the [`Isa`] trait.

use crate::bus::Bus;
use crate::cpu::Cpu;
use crate::stats::Stats;

/// Instruction classes: the unit of the timing tables, the energy model and the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum InstrClass {
    /// Data processing, moves, shifts, compares, extends, bitfield ops.
    Alu = 0,
    /// Multiplies and multiply-accumulates (32-bit result).
    Mul,
    /// Long multiplies (64-bit result).
    MulLong,
    /// SDIV/UDIV.
    Div,
    /// Single loads (LDR, LDRB, LDRH, LDRSB, LDRSH, LDREX).
    Load,
    /// Single stores.
    Store,
    /// LDRD/STRD, LDM/STM, PUSH/POP.
    LoadStoreMulti,
    /// Branches (taken or not), including calls and returns.
    Branch,
    /// DSP extension (SIMD, saturating, MAC of halves).
    Dsp,
    /// FPU data processing (not divide/sqrt).
    Fpu,
    /// FPU divide and square root.
    FpuDivSqrt,
    /// FPU loads and stores, VMOV between core and FPU.
    FpuLoadStore,
    /// System: MRS/MSR/CPS/barriers/hints/SVC/BKPT/IT.
    System,
    /// WFI/WFE (the sleep that follows is counted apart).
    Sleep,
    /// Instruction whose condition failed (inside an IT block or a conditional branch).
    Skipped,
}

impl InstrClass {
    /// Number of classes (size of per-class arrays).
    pub const COUNT: usize = 15;

    /// All classes, in index order.
    pub const ALL: [InstrClass; Self::COUNT] = [
        InstrClass::Alu,
        InstrClass::Mul,
        InstrClass::MulLong,
        InstrClass::Div,
        InstrClass::Load,
        InstrClass::Store,
        InstrClass::LoadStoreMulti,
        InstrClass::Branch,
        InstrClass::Dsp,
        InstrClass::Fpu,
        InstrClass::FpuDivSqrt,
        InstrClass::FpuLoadStore,
        InstrClass::System,
        InstrClass::Sleep,
        InstrClass::Skipped,
    ];

    /// Short lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            InstrClass::Alu => "alu",
            InstrClass::Mul => "mul",
            InstrClass::MulLong => "mul_long",
            InstrClass::Div => "div",
            InstrClass::Load => "load",
            InstrClass::Store => "store",
            InstrClass::LoadStoreMulti => "load_store_multi",
            InstrClass::Branch => "branch",
            InstrClass::Dsp => "dsp",
            InstrClass::Fpu => "fpu",
            InstrClass::FpuDivSqrt => "fpu_div_sqrt",
            InstrClass::FpuLoadStore => "fpu_load_store",
            InstrClass::System => "system",
            InstrClass::Sleep => "sleep",
            InstrClass::Skipped => "skipped",
        }
    }
}

/// Control-flow effect of an instruction, for the call-stack profiler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Falls through or branches within a function.
    Plain,
    /// BL/BLX: a call; the return address is in LR.
    Call,
    /// BX LR, POP {..,PC}, LDR PC or similar to a non-EXC_RETURN address: a return.
    Return,
    /// An exception return (EXC_RETURN loaded into PC).
    ExceptionReturn,
    /// WFI: sleep until an exception is pending.
    WaitForInterrupt,
    /// WFE: sleep until an event.
    WaitForEvent,
}

/// What executing one instruction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retired {
    /// Instruction class.
    pub class: InstrClass,
    /// Cycles it took, bus wait states included.
    pub cycles: u32,
    /// Control-flow effect.
    pub flow: Flow,
}

/// UsageFault causes (CFSR.UFSR bits, ARMv7-M B3.2.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageCause {
    /// UNDEFINSTR: undefined instruction (or not present on this core).
    Undefined,
    /// INVSTATE: execution with EPSR.T = 0.
    InvalidState,
    /// INVPC: bad EXC_RETURN or integrity check failure on exception return.
    InvalidPc,
    /// NOCP: coprocessor (FPU) absent or disabled in CPACR.
    NoCoprocessor,
    /// UNALIGNED: unaligned access where it is not allowed.
    Unaligned,
    /// DIVBYZERO: SDIV/UDIV by zero with CCR.DIV_0_TRP set.
    DivideByZero,
}

/// Where a BusFault happened (CFSR.BFSR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusFaultKind {
    /// IBUSERR: instruction fetch.
    Instruction,
    /// PRECISERR: data access, address known.
    Data,
    /// STKERR: stacking for exception entry.
    Stacking,
    /// UNSTKERR: unstacking on exception return.
    Unstacking,
}

/// An architectural fault raised synchronously by an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// UsageFault with its cause.
    Usage(UsageCause),
    /// BusFault at an address.
    Bus {
        /// What kind of access.
        kind: BusFaultKind,
        /// The faulting address.
        addr: u32,
    },
    /// MemManage fault (execute-never regions such as device space).
    MemManage {
        /// The faulting address.
        addr: u32,
        /// Instruction access (IACCVIOL) rather than data (DACCVIOL).
        instruction: bool,
    },
    /// HardFault because the vector table could not be read (HFSR.VECTTBL).
    VectorTable {
        /// The address of the vector that failed to read.
        addr: u32,
    },
}

/// Why an instruction did not retire normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trap {
    /// An architectural fault; the machine turns it into an exception (or lockup).
    Fault(Fault),
    /// BKPT #imm. 0xAB is semihosting; PC still points at the BKPT.
    Breakpoint(u8),
}

impl From<Fault> for Trap {
    fn from(f: Fault) -> Trap {
        Trap::Fault(f)
    }
}

/// Why [`Isa::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunExit {
    /// The instruction budget of the call was used up.
    Budget,
    /// Time reached the next scheduled event, or the exception state changed
    /// (`bus.exc.dirty`): the machine must look at pending exceptions and devices.
    Event,
    /// WFI/WFE retired: the machine decides whether to sleep.
    Sleep(Flow),
    /// A trap stopped the instruction.
    Trap(Trap),
}

/// An instruction set: decode and execute, exception entry and return.
pub trait Isa {
    /// Executes one instruction at `cpu.pc()`.
    fn step(&mut self, cpu: &mut Cpu, bus: &mut Bus) -> Result<Retired, Trap>;

    /// Takes exception number `exception`: stacks the context, loads the handler address from
    /// the vector table and switches to handler mode; returns the cycles it took.
    fn enter_exception(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        exception: u16,
    ) -> Result<u32, Trap>;

    /// Resets the core: SP and PC from the vector table at VTOR, registers to reset values.
    fn reset(&mut self, cpu: &mut Cpu, bus: &mut Bus) -> Result<(), Trap>;

    /// Forgets decoded instructions (after a debugger or loader wrote code memory).
    fn flush_decode_cache(&mut self);

    /// The disassembly of the instruction at `pc` ("adds r0, r1, #1"), for traces; `None`
    /// when it cannot be read. The default knows no syntax.
    fn disassemble(&self, _bus: &Bus, _pc: u32) -> Option<String> {
        None
    }

    /// The bits of a loaded value that the polling loop around `pc` tests (for the message
    /// naming the register bit firmware waited on), if the loop has a form the instruction
    /// set recognises. The default recognises none.
    fn polled_bits(&self, _bus: &Bus, _pc: u32) -> Option<u32> {
        None
    }

    /// Runs like [`Isa::run`] but without any accounting: no per-instruction statistics, no
    /// call tracking, no advance of the clock. This is the baseline of the overhead benchmark
    /// (`isa-thumb/examples/bench_loop.rs`), never used for a real run. The default is `run`.
    fn run_untracked(
        &mut self,
        cpu: &mut Cpu,
        bus: &mut Bus,
        stats: &mut Stats,
        budget: u64,
    ) -> RunExit {
        self.run(cpu, bus, stats, budget)
    }

    /// Runs up to `budget` instructions, updating `stats` per instruction, and returns early on
    /// an event, a sleep or a trap. The default loops over [`Isa::step`]; being a provided
    /// method, it is compiled per implementation, so `step` inlines into this hot loop.
    fn run(&mut self, cpu: &mut Cpu, bus: &mut Bus, stats: &mut Stats, budget: u64) -> RunExit {
        for _ in 0..budget {
            match self.step(cpu, bus) {
                Ok(r) => {
                    stats.retire(cpu, &r);
                    bus.now += u64::from(r.cycles);
                    match r.flow {
                        Flow::WaitForInterrupt | Flow::WaitForEvent => {
                            return RunExit::Sleep(r.flow);
                        }
                        Flow::Plain => {}
                        Flow::Call | Flow::Return | Flow::ExceptionReturn => {
                            if stats.flow(cpu, r.flow, bus.now) {
                                return RunExit::Event;
                            }
                        }
                    }
                    if bus.now >= bus.next_event || bus.exc.dirty {
                        return RunExit::Event;
                    }
                }
                Err(t) => return RunExit::Trap(t),
            }
        }
        RunExit::Budget
    }
}

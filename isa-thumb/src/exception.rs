//! Exception entry, exception return and reset of M-profile cores (ARMv7-M ARM DDI 0403E
//! B1.5.6–B1.5.8 `PushStack`/`ExceptionTaken`/`ExceptionReturn`/`PopStack`, ARMv6-M ARM
//! DDI 0419 B1.5): stacking with STKALIGN, the extended FP frame with lazy stacking, EXC_RETURN,
//! tail-chaining and SLEEPONEXIT.
//!
//! The NVIC/SCB state and its priority rules live in [`sim_core::exception::ExceptionState`];
//! this module moves registers between the core and the stack.
//!
//! Contract with the executor:
//! - [`enter`] and [`exception_return`] perform `ClearExclusiveLocal()` architecturally, but the
//!   local exclusive monitor belongs to the executor: it must clear it whenever either returns
//!   `Ok` (and on [`reset`]).
//! - An instruction that loads a value `>= 0xF000_0000` into PC in handler mode calls
//!   [`exception_return`] with that value instead of branching; after `Ok`, [`sleeps_on_exit`]
//!   says whether the core now sleeps (report `Flow::WaitForInterrupt` then).
//! - SVC: after advancing PC, call `bus.exc.pend_svc(cpu)` (escalation to HardFault when SVCall
//!   cannot preempt); on `FaultOutcome::Lockup` set `cpu.lockup`.
//! - FP instructions call [`fp_execute_check`] first (CPACR check, lazy state preservation,
//!   automatic FPCA).
//!
//! Cycle counts are provisional (issue 4 refines them): Cortex-M3/M4 TRM (DDI 0439 §3.3 and
//! DDI 0337 §5.5.1): entry 12, return 10, tail-chain 6; an FP frame stacked at once adds 17
//! (the 29-cycle M4F latency without lazy stacking, ARM AN298); Cortex-M0+ TRM (DDI 0484
//! §2.3.5): entry 15; its return and tail-chain figures are estimates (13 and 8). Cortex-M7
//! uses the M4 figures (an approximation). Wait states of the frame accesses are added.

use sim_core::board::Arch;
use sim_core::bus::Bus;
use sim_core::cpu::{control, Cpu, Mode};
use sim_core::exception::{ccr, num, shcsr};
use sim_core::isa::{BusFaultKind, Fault, UsageCause};
use sim_core::CoreProfile;

/// FPCCR bits (ARMv7-M B3.2.23).
pub mod fpccr {
    /// Lazy FP state preservation is active (space reserved, registers not yet stored).
    pub const LSPACT: u32 = 1 << 0;
    /// The lazily stacked context was unprivileged.
    pub const USER: u32 = 1 << 1;
    /// The lazily stacked context was thread mode.
    pub const THREAD: u32 = 1 << 3;
    /// HardFault could be pended when the frame was reserved.
    pub const HFRDY: u32 = 1 << 4;
    /// MemManage could be pended.
    pub const MMRDY: u32 = 1 << 5;
    /// BusFault could be pended.
    pub const BFRDY: u32 = 1 << 6;
    /// DebugMonitor could be pended.
    pub const MONRDY: u32 = 1 << 8;
    /// Lazy state preservation enabled.
    pub const LSPEN: u32 = 1 << 30;
    /// CONTROL.FPCA is set automatically by FP instructions.
    pub const ASPEN: u32 = 1 << 31;
}

/// EXC_RETURN: return to handler mode, basic frame.
pub const EXC_RETURN_HANDLER: u32 = 0xFFFF_FFF1;
/// EXC_RETURN: return to thread mode on MSP, basic frame.
pub const EXC_RETURN_THREAD_MSP: u32 = 0xFFFF_FFF9;
/// EXC_RETURN: return to thread mode on PSP, basic frame.
pub const EXC_RETURN_THREAD_PSP: u32 = 0xFFFF_FFFD;
/// Bit 4 of EXC_RETURN: clear when the frame is an extended (FP) frame.
pub const EXC_RETURN_BASIC_FRAME: u32 = 1 << 4;

/// Size of the basic frame: R0–R3, R12, LR, ReturnAddress, xPSR.
pub const BASIC_FRAME: u32 = 0x20;
/// Size of the extended frame: the basic frame, S0–S15, FPSCR and a reserved word.
pub const EXTENDED_FRAME: u32 = 0x68;

/// xPSR bit 9 in a stacked frame: the frame was realigned (4 bytes of padding above it).
const XPSR_FRAME_ALIGN: u32 = 1 << 9;

/// Whether `value` written to PC in handler mode is an exception return (ARMv7-M B1.5.8).
#[inline]
pub fn is_exc_return(value: u32) -> bool {
    value >= 0xF000_0000
}

struct Cycles {
    entry: u32,
    exit: u32,
    tail_chain: u32,
    fp_stack: u32,
}

fn cycles(arch: Arch) -> Cycles {
    if arch == Arch::V6M {
        Cycles {
            entry: 15,
            exit: 13,
            tail_chain: 8,
            fp_stack: 0,
        }
    } else {
        Cycles {
            entry: 12,
            exit: 10,
            tail_chain: 6,
            fp_stack: 17,
        }
    }
}

/// Takes exception `n`: pushes the frame on the current stack, sets LR to EXC_RETURN, loads the
/// handler from the vector table and enters handler mode with `n` active. Returns the cycles.
///
/// `cpu.r[15]` must hold the return address: the faulting instruction for a synchronous fault,
/// the next instruction for SVC and interrupts.
///
/// Errors: a frame write that fails is a `Bus{Stacking}` fault and a vector that cannot be read
/// is `VectorTable`; in both cases the entry is still completed as far as it can be (mode,
/// IPSR, `n` active) so that the derived fault is judged at the new execution priority and a
/// chain of failures ends in lockup instead of repeating.
pub fn enter(cpu: &mut Cpu, bus: &mut Bus, n: u16, profile: CoreProfile) -> Result<u32, Fault> {
    let saved_wait = bus.take_wait();
    let arch = profile.arch();
    let cost = cycles(arch);
    let mut cycles = cost.entry;
    let fp_frame = bus.exc.has_fpu && cpu.control & control::FPCA != 0;
    let stacked = push_stack(cpu, bus, fp_frame);
    if fp_frame && bus.exc.fpccr & fpccr::LSPEN == 0 {
        cycles += cost.fp_stack;
    }
    cpu.r[14] = entry_exc_return(cpu, bus.exc.has_fpu);
    let vector = take(cpu, bus, n);
    cycles += bus.take_wait();
    bus.wait = saved_wait;
    stacked?;
    vector?;
    Ok(cycles)
}

/// EXC_RETURN for an exception taken from the current state (before the mode switch).
fn entry_exc_return(cpu: &Cpu, has_fpu: bool) -> u32 {
    let base = match cpu.mode {
        Mode::Handler => EXC_RETURN_HANDLER,
        Mode::Thread if cpu.control & control::SPSEL != 0 => EXC_RETURN_THREAD_PSP,
        Mode::Thread => EXC_RETURN_THREAD_MSP,
    };
    if has_fpu && cpu.control & control::FPCA != 0 {
        base & !EXC_RETURN_BASIC_FRAME
    } else {
        base
    }
}

/// `PushStack()`: writes the frame below the active SP (on the SP that thread mode or handler
/// mode uses now) and moves that SP.
fn push_stack(cpu: &mut Cpu, bus: &mut Bus, fp_frame: bool) -> Result<(), Fault> {
    let (size, force_align) = if fp_frame {
        (EXTENDED_FRAME, true)
    } else {
        (BASIC_FRAME, bus.exc.ccr & ccr::STKALIGN != 0)
    };
    let sp = cpu.sp();
    let realigned = force_align && sp & 4 != 0;
    let mask = if force_align { !7 } else { !3 };
    let frame = sp.wrapping_sub(size) & mask;
    // Real hardware moves SP even when stacking faults (the derived BusFault sees it moved).
    cpu.r[13] = frame;
    let xpsr = (cpu.xpsr() & !XPSR_FRAME_ALIGN) | if realigned { XPSR_FRAME_ALIGN } else { 0 };
    let words = [
        cpu.r[0],
        cpu.r[1],
        cpu.r[2],
        cpu.r[3],
        cpu.r[12],
        cpu.r[14],
        cpu.r[15] & !1,
        xpsr,
    ];
    let mut result = Ok(());
    for (i, w) in words.iter().enumerate() {
        let addr = frame.wrapping_add(4 * i as u32);
        if result.is_ok() && bus.write32(addr, *w).is_err() {
            result = Err(Fault::Bus {
                kind: BusFaultKind::Stacking,
                addr,
            });
        }
    }
    if fp_frame {
        if bus.exc.fpccr & fpccr::LSPEN == 0 {
            for i in 0..16 {
                let addr = frame.wrapping_add(0x20 + 4 * i as u32);
                if result.is_ok() && bus.write32(addr, cpu.s[i]).is_err() {
                    result = Err(Fault::Bus {
                        kind: BusFaultKind::Stacking,
                        addr,
                    });
                }
            }
            let addr = frame.wrapping_add(0x60);
            if result.is_ok() && bus.write32(addr, cpu.fpscr).is_err() {
                result = Err(Fault::Bus {
                    kind: BusFaultKind::Stacking,
                    addr,
                });
            }
        } else {
            update_fpccr(cpu, bus, frame);
        }
    }
    result
}

/// `UpdateFPCCR()`: reserve the FP part of the frame for lazy preservation.
fn update_fpccr(cpu: &Cpu, bus: &mut Bus, frame: u32) {
    let exec = bus.exc.execution_priority(cpu);
    let exc = &bus.exc;
    let can = |n: u16, ena: u32| exc.shcsr & ena != 0 && exec > exc.group(exc.priority(n));
    let mut v = bus.exc.fpccr
        & !(fpccr::LSPACT
            | fpccr::USER
            | fpccr::THREAD
            | fpccr::HFRDY
            | fpccr::MMRDY
            | fpccr::BFRDY
            | fpccr::MONRDY);
    v |= fpccr::LSPACT;
    if !cpu.privileged() {
        v |= fpccr::USER;
    }
    if cpu.mode == Mode::Thread {
        v |= fpccr::THREAD;
    }
    if exec > -1 {
        v |= fpccr::HFRDY;
    }
    if can(num::MEMMANAGE, shcsr::MEMFAULTENA) {
        v |= fpccr::MMRDY;
    }
    if can(num::BUSFAULT, shcsr::BUSFAULTENA) {
        v |= fpccr::BFRDY;
    }
    bus.exc.fpcar = frame.wrapping_add(0x20) & !7;
    bus.exc.fpccr = v;
}

/// `ExceptionTaken()`: handler mode, IPSR, vector fetch, exception active.
fn take(cpu: &mut Cpu, bus: &mut Bus, n: u16) -> Result<(), Fault> {
    cpu.set_mode(Mode::Handler);
    // CONTROL.SPSEL reads 0 in handler mode; FPCA starts clear for the handler.
    let c = cpu.control & !(control::SPSEL | control::FPCA);
    cpu.set_control(c);
    cpu.ipsr = n;
    cpu.itstate = 0;
    cpu.event = true;
    bus.exc.activate(n);
    let addr = bus.exc.vtor.wrapping_add(4 * u32::from(n));
    match bus.read32(addr) {
        Ok(handler) => {
            cpu.thumb = handler & 1 != 0;
            cpu.r[15] = handler & !1;
            Ok(())
        }
        Err(_) => Err(Fault::VectorTable { addr }),
    }
}

/// Returns from the exception in IPSR to the context EXC_RETURN names, or tail-chains into a
/// pending exception that may preempt that context (then the frame stays on the stack, LR
/// keeps `exc_return` and the cycles are the tail-chain figure). Returns the cycles.
///
/// Errors: an EXC_RETURN that is not one of the architected values, a return to thread mode
/// with other exceptions active (unless CCR.NONBASETHRDENA) or a return from an inactive
/// exception is an INVPC UsageFault; the returning exception is deactivated first, as the
/// architecture's `ExceptionReturn()` does. A frame that cannot be read is a `Bus{Unstacking}`
/// fault (the core stays in handler mode). A popped xPSR that disagrees with the target mode
/// (IPSR 0 in handler mode or non-zero in thread mode) is an INVPC UsageFault taken in the
/// returned-to context. On every error `cpu.r[15]` is left as the caller set it, except after
/// the integrity check, where it is the popped return address.
pub fn exception_return(cpu: &mut Cpu, bus: &mut Bus, exc_return: u32) -> Result<u32, Fault> {
    let arch = bus.exc.arch;
    let cost = cycles(arch);
    let has_fpu = bus.exc.has_fpu;
    let returning = cpu.ipsr;
    let nested = bus.exc.active_count();
    let invpc = Fault::Usage(UsageCause::InvalidPc);
    let fixed_ones = if has_fpu { 0xFFFF_FFE0 } else { 0xFFFF_FFF0 };
    let low = exc_return & 0xF;
    let valid_bits = exc_return & fixed_ones == fixed_ones
        && (has_fpu || exc_return & EXC_RETURN_BASIC_FRAME != 0)
        && matches!(low, 0x1 | 0x9 | 0xD);
    if cpu.mode != Mode::Handler || !bus.exc.is_active(returning) || !valid_bits {
        bus.exc.deactivate(returning);
        return Err(invpc);
    }
    let to_thread = low != 0x1;
    if to_thread && nested != 1 && (arch == Arch::V6M || bus.exc.ccr & ccr::NONBASETHRDENA == 0) {
        bus.exc.deactivate(returning);
        return Err(invpc);
    }
    bus.exc.deactivate(returning);

    // Tail-chain: a pending exception that would preempt the context being returned to is
    // taken at once, with the frame left in place (ARMv7-M B1.5.12).
    if let Some(next) = bus.exc.pending_to_take(cpu) {
        cpu.ipsr = next;
        cpu.itstate = 0;
        cpu.event = true;
        cpu.r[14] = exc_return;
        let c = cpu.control & !control::FPCA;
        cpu.set_control(c);
        bus.exc.activate(next);
        let addr = bus.exc.vtor.wrapping_add(4 * u32::from(next));
        return match bus.read32(addr) {
            Ok(handler) => {
                cpu.thumb = handler & 1 != 0;
                cpu.r[15] = handler & !1;
                Ok(cost.tail_chain)
            }
            Err(_) => Err(Fault::VectorTable { addr }),
        };
    }

    let fp_frame = has_fpu && exc_return & EXC_RETURN_BASIC_FRAME == 0;
    let (size, force_align) = if fp_frame {
        (EXTENDED_FRAME, true)
    } else {
        (BASIC_FRAME, bus.exc.ccr & ccr::STKALIGN != 0)
    };
    let frame = if low == 0xD { cpu.psp() } else { cpu.msp() };
    let mut words = [0u32; 8];
    for (i, w) in words.iter_mut().enumerate() {
        let addr = frame.wrapping_add(4 * i as u32);
        *w = bus.read32(addr).map_err(|_| Fault::Bus {
            kind: BusFaultKind::Unstacking,
            addr,
        })?;
    }
    let mut fp = None;
    if fp_frame {
        if bus.exc.fpccr & fpccr::LSPACT != 0 {
            // The registers were never stored: the live ones are still the context's.
            bus.exc.fpccr &= !fpccr::LSPACT;
        } else {
            let mut s = [0u32; 17];
            for (i, w) in s.iter_mut().enumerate() {
                let addr = frame.wrapping_add(0x20 + 4 * i as u32);
                *w = bus.read32(addr).map_err(|_| Fault::Bus {
                    kind: BusFaultKind::Unstacking,
                    addr,
                })?;
            }
            fp = Some(s);
        }
    }

    // Commit: nothing below can fail.
    if let Some(s) = fp {
        cpu.s[..16].copy_from_slice(&s[..16]);
        cpu.fpscr = s[16];
    }
    let xpsr = words[7];
    let realigned = xpsr & XPSR_FRAME_ALIGN != 0 && force_align;
    let new_sp = frame.wrapping_add(size) | if realigned { 4 } else { 0 };
    let mut ctrl = cpu.control & !(control::SPSEL | control::FPCA);
    if fp_frame {
        ctrl |= control::FPCA;
    }
    if low == 0xD {
        ctrl |= control::SPSEL;
    }
    cpu.set_mode(if to_thread {
        Mode::Thread
    } else {
        Mode::Handler
    });
    cpu.set_control(ctrl);
    // The active SP is now the one the frame was on.
    cpu.r[13] = new_sp;
    cpu.r[0] = words[0];
    cpu.r[1] = words[1];
    cpu.r[2] = words[2];
    cpu.r[3] = words[3];
    cpu.r[12] = words[4];
    cpu.r[14] = words[5];
    cpu.r[15] = words[6] & !1;
    let mut psr = xpsr & !XPSR_FRAME_ALIGN;
    if arch != Arch::V7EM {
        psr &= !(0xF << 16); // GE bits exist with the DSP extension only
    }
    if arch == Arch::V6M {
        psr &= !((0x3 << 25) | (0x3F << 10)); // no IT state on ARMv6-M
    }
    cpu.set_xpsr(psr);
    cpu.event = true;
    if (to_thread && cpu.ipsr != 0) || (!to_thread && cpu.ipsr == 0) {
        // Integrity check (ARMv7-M ExceptionReturn): taken with the frame popped.
        return Err(invpc);
    }
    Ok(cost.exit)
}

/// Whether the core sleeps now instead of running thread code: an exception return to thread
/// mode with SCR.SLEEPONEXIT set (ARMv7-M B1.5.13). Call after [`exception_return`] returned `Ok`.
pub fn sleeps_on_exit(cpu: &Cpu, bus: &Bus) -> bool {
    const SLEEPONEXIT: u32 = 1 << 1;
    cpu.mode == Mode::Thread && bus.exc.scr & SLEEPONEXIT != 0
}

/// Resets the core: MSP from the word at VTOR, PC (and EPSR.T) from the word at VTOR + 4,
/// thread mode, privileged, on MSP, masks clear, LR = 0xFFFF_FFFF, other registers zero; the
/// NVIC/SCB state back to reset values. A vector table that cannot be read is a `VectorTable`
/// fault (the machine reports lockup).
pub fn reset(cpu: &mut Cpu, bus: &mut Bus) -> Result<(), Fault> {
    bus.exc.reset();
    *cpu = Cpu::default();
    let vtor = bus.exc.vtor;
    let sp = bus
        .read32(vtor)
        .map_err(|_| Fault::VectorTable { addr: vtor })?;
    let pc_addr = vtor.wrapping_add(4);
    let pc = bus
        .read32(pc_addr)
        .map_err(|_| Fault::VectorTable { addr: pc_addr })?;
    bus.take_wait();
    cpu.set_msp(sp);
    cpu.r[14] = 0xFFFF_FFFF;
    cpu.r[15] = pc & !1;
    cpu.thumb = pc & 1 != 0;
    Ok(())
}

/// CPACR field for CP10 (CP11 must match; ARMv7-M B3.2.20).
const CPACR_CP10_SHIFT: u32 = 20;

/// Whether the core may use CP10/CP11 now: an FPU, and CPACR granting access (full, or
/// privileged-only while privileged). Without it every FP-space encoding is a NOCP UsageFault.
pub fn fp_access_allowed(cpu: &Cpu, bus: &Bus) -> bool {
    bus.exc.has_fpu
        && match (bus.exc.cpacr >> CPACR_CP10_SHIFT) & 3 {
            0b01 => cpu.privileged(),
            0b11 => true,
            _ => false,
        }
}

/// `ExecuteFPCheck()` (ARMv7-M B1.5.11 / B5.1): call before executing any FP instruction.
/// Checks CPACR (NOCP UsageFault when the FPU is absent or access is denied), stores a lazily
/// reserved FP frame ([`preserve_fp_state`]) and, with FPCCR.ASPEN, marks the FP context active
/// (CONTROL.FPCA) loading FPSCR's AHP/DN/FZ/RMode from FPDSCR for a new context.
pub fn fp_execute_check(cpu: &mut Cpu, bus: &mut Bus) -> Result<(), Fault> {
    if !fp_access_allowed(cpu, bus) {
        return Err(Fault::Usage(UsageCause::NoCoprocessor));
    }
    if bus.exc.fpccr & fpccr::LSPACT != 0 {
        preserve_fp_state(cpu, bus)?;
    }
    if bus.exc.fpccr & fpccr::ASPEN != 0 && cpu.control & control::FPCA == 0 {
        const DEFAULTS: u32 = 0x07C0_0000; // AHP, DN, FZ, RMode: FPSCR[26:22]
        cpu.fpscr = (cpu.fpscr & !DEFAULTS) | (bus.exc.fpdscr & DEFAULTS);
        cpu.control |= control::FPCA;
    }
    Ok(())
}

/// True when [`fp_execute_check`] would pass and change nothing: an FPU, full CP10 access in
/// CPACR, no lazy preservation pending and, with FPCCR.ASPEN, an FP context already active.
/// The fast path of the decode cache runs FP instructions only then; anything else takes the
/// generic executor, which calls [`fp_execute_check`].
#[inline(always)]
pub fn fp_ready(cpu: &Cpu, bus: &Bus) -> bool {
    let e = &bus.exc;
    e.has_fpu
        && (e.cpacr >> CPACR_CP10_SHIFT) & 3 == 0b11
        && e.fpccr & fpccr::LSPACT == 0
        && (e.fpccr & fpccr::ASPEN == 0 || cpu.control & control::FPCA != 0)
}

/// `PreserveFPState()`: stores S0–S15 and FPSCR into the frame space reserved at FPCAR and
/// clears FPCCR.LSPACT (lazy stacking on the first FP instruction of a handler). A failed
/// store is a BusFault at that address.
pub fn preserve_fp_state(cpu: &mut Cpu, bus: &mut Bus) -> Result<(), Fault> {
    let base = bus.exc.fpcar & !7;
    for i in 0..17 {
        let v = if i < 16 { cpu.s[i] } else { cpu.fpscr };
        let addr = base.wrapping_add(4 * i as u32);
        bus.write32(addr, v).map_err(|_| Fault::Bus {
            kind: BusFaultKind::Data,
            addr,
        })?;
    }
    bus.exc.fpccr &= !fpccr::LSPACT;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::board::Board;
    use sim_core::console::Console;
    use sim_core::exception::{cfsr, hfsr, ExceptionState, FaultOutcome};
    use sim_core::memory::MemoryMap;

    const SRAM: u32 = 0x2000_0000;
    const HANDLER: u32 = 0x400;

    fn bus(board: &str) -> (Bus, CoreProfile) {
        let b = Board::load(board).unwrap();
        let mut bus = Bus::new(
            MemoryMap::new(&b),
            ExceptionState::new(&b),
            Console::new(false),
        );
        // Vector table at the start of flash: SP, reset, then every handler at HANDLER + 0x10*n.
        let vtor = bus.exc.vtor;
        let mut table = vec![0u8; 4 * 64];
        table[..4].copy_from_slice(&(SRAM + 0x1000).to_le_bytes());
        for n in 1..64u32 {
            let h = (HANDLER + 0x10 * n) | 1;
            table[4 * n as usize..4 * n as usize + 4].copy_from_slice(&h.to_le_bytes());
        }
        bus.poke_bytes(vtor, &table).unwrap();
        (bus, b.core)
    }

    fn ret(cpu: &mut Cpu, bus: &mut Bus) -> Result<u32, Fault> {
        let lr = cpu.r[14];
        exception_return(cpu, bus, lr)
    }

    fn word(bus: &Bus, addr: u32) -> u32 {
        bus.peek(addr, 4).unwrap()
    }

    fn thread_cpu(bus: &mut Bus) -> Cpu {
        let mut cpu = Cpu::default();
        reset(&mut cpu, bus).unwrap();
        for i in 0..13 {
            cpu.r[i] = 0x100 + i as u32;
        }
        cpu.r[14] = 0x0000_0123;
        cpu.r[15] = 0x0000_0200;
        cpu.n = true;
        cpu.c = true;
        cpu
    }

    #[test]
    fn reset_loads_sp_and_pc_from_the_vector_table() {
        let (mut bus, _) = bus("mps2-an386");
        let mut cpu = Cpu::default();
        cpu.r[3] = 7;
        cpu.primask = true;
        reset(&mut cpu, &mut bus).unwrap();
        assert_eq!(cpu.msp(), SRAM + 0x1000);
        assert_eq!(cpu.pc(), HANDLER + 0x10);
        assert!(cpu.thumb);
        assert_eq!(cpu.mode, Mode::Thread);
        assert!(cpu.privileged() && !cpu.primask);
        assert_eq!((cpu.r[3], cpu.r[14]), (0, 0xFFFF_FFFF));
    }

    #[test]
    fn reset_with_unreadable_vector_table_is_a_vector_fault() {
        let (mut bus, _) = bus("mps2-an386");
        bus.exc.reset_vtor = 0x9000_0000;
        let mut cpu = Cpu::default();
        assert_eq!(
            reset(&mut cpu, &mut bus),
            Err(Fault::VectorTable { addr: 0x9000_0000 })
        );
    }

    #[test]
    fn entry_pushes_the_basic_frame_and_enters_the_handler() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        cpu.itstate = 0x18;
        let xpsr_before = cpu.xpsr();
        let cycles = enter(&mut cpu, &mut bus, num::SYSTICK, core).unwrap();
        assert_eq!(cycles, 12);
        let f = SRAM + 0x1000 - 0x20;
        assert_eq!(cpu.sp(), f);
        let frame: Vec<u32> = (0..8).map(|i| word(&bus, f + 4 * i)).collect();
        assert_eq!(
            frame,
            vec![0x100, 0x101, 0x102, 0x103, 0x10C, 0x123, 0x200, xpsr_before]
        );
        assert_eq!(cpu.r[14], EXC_RETURN_THREAD_MSP);
        assert_eq!(cpu.pc(), HANDLER + 0x10 * 15);
        assert_eq!((cpu.mode, cpu.ipsr, cpu.itstate), (Mode::Handler, 15, 0));
        assert!(bus.exc.is_active(num::SYSTICK));
    }

    #[test]
    fn entry_realigns_to_8_bytes_and_records_it_in_xpsr_bit_9() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        cpu.set_msp(SRAM + 0xFFC);
        enter(&mut cpu, &mut bus, num::PENDSV, core).unwrap();
        let f = SRAM + 0xFFC - 0x20 - 4;
        assert_eq!(cpu.sp(), f);
        assert_ne!(word(&bus, f + 0x1C) & (1 << 9), 0);
        // Return restores the unaligned SP and clears bit 9 from the live xPSR.
        let c = ret(&mut cpu, &mut bus).unwrap();
        assert_eq!(c, 10);
        assert_eq!(cpu.sp(), SRAM + 0xFFC);
        assert_eq!(cpu.xpsr() & (1 << 9), 0);
        assert_eq!(cpu.mode, Mode::Thread);
    }

    #[test]
    fn without_stkalign_the_frame_is_only_word_aligned() {
        let (mut bus, core) = bus("mps2-an385");
        let mut cpu = thread_cpu(&mut bus);
        bus.exc.ccr &= !ccr::STKALIGN;
        cpu.set_msp(SRAM + 0xFFC);
        enter(&mut cpu, &mut bus, num::PENDSV, core).unwrap();
        assert_eq!(cpu.sp(), SRAM + 0xFFC - 0x20);
        assert_eq!(word(&bus, cpu.sp() + 0x1C) & (1 << 9), 0);
    }

    #[test]
    fn return_restores_registers_flags_and_it_state() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        cpu.itstate = 0x18;
        cpu.ge = 0b1010;
        let before = cpu.clone();
        enter(&mut cpu, &mut bus, num::SVCALL, core).unwrap();
        cpu.r[0] = 0xdead;
        cpu.r[12] = 0xbeef;
        cpu.n = false;
        ret(&mut cpu, &mut bus).unwrap();
        assert_eq!(cpu.r[..4], before.r[..4]);
        assert_eq!(cpu.r[12..], before.r[12..]);
        assert_eq!(cpu.xpsr(), before.xpsr());
        assert!(!bus.exc.is_active(num::SVCALL));
        assert_eq!(bus.exc.active_count(), 0);
    }

    #[test]
    fn thread_mode_on_psp_stacks_on_psp_and_returns_with_fffffffd() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        cpu.set_psp(SRAM + 0x800);
        cpu.set_control(control::SPSEL | control::NPRIV);
        enter(&mut cpu, &mut bus, num::SVCALL, core).unwrap();
        assert_eq!(cpu.r[14], EXC_RETURN_THREAD_PSP);
        assert_eq!(cpu.psp(), SRAM + 0x800 - 0x20);
        assert_eq!(cpu.sp(), SRAM + 0x1000, "handler runs on MSP");
        assert_eq!(word(&bus, SRAM + 0x800 - 0x20 + 0x18), 0x200);
        assert!(cpu.privileged());
        ret(&mut cpu, &mut bus).unwrap();
        assert!(cpu.on_psp());
        assert_eq!(cpu.sp(), SRAM + 0x800);
        assert_eq!(cpu.msp(), SRAM + 0x1000);
        assert!(!cpu.privileged(), "nPRIV is kept");
    }

    #[test]
    fn nested_entry_from_handler_uses_fffffff1() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        bus.exc.set_priority_byte(num::SYSTICK, 0x80);
        enter(&mut cpu, &mut bus, num::SYSTICK, core).unwrap();
        enter(&mut cpu, &mut bus, num::NMI, core).unwrap();
        assert_eq!(cpu.r[14], EXC_RETURN_HANDLER);
        assert_eq!(cpu.sp(), SRAM + 0x1000 - 0x40);
        ret(&mut cpu, &mut bus).unwrap();
        assert_eq!((cpu.mode, cpu.ipsr), (Mode::Handler, num::SYSTICK));
        assert_eq!(cpu.r[14], EXC_RETURN_THREAD_MSP, "LR popped from the frame");
    }

    #[test]
    fn bad_exc_return_is_invpc_and_deactivates() {
        let (mut bus, core) = bus("mps2-an386");
        for bad in [0xFFFF_FFF5, 0xFFFF_FFF0, 0xFFFF_FF79, 0xF000_0009] {
            let mut cpu = thread_cpu(&mut bus);
            enter(&mut cpu, &mut bus, num::SVCALL, core).unwrap();
            let pc = cpu.pc();
            assert_eq!(
                exception_return(&mut cpu, &mut bus, bad),
                Err(Fault::Usage(UsageCause::InvalidPc)),
                "{bad:#x}"
            );
            assert!(!bus.exc.is_active(num::SVCALL));
            assert_eq!(cpu.pc(), pc);
            assert_eq!(cpu.mode, Mode::Handler);
        }
    }

    #[test]
    fn return_to_thread_with_other_exceptions_active_is_invpc() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        bus.exc.set_priority_byte(num::SYSTICK, 0x80);
        enter(&mut cpu, &mut bus, num::SYSTICK, core).unwrap();
        enter(&mut cpu, &mut bus, num::NMI, core).unwrap();
        assert_eq!(
            exception_return(&mut cpu, &mut bus, EXC_RETURN_THREAD_MSP),
            Err(Fault::Usage(UsageCause::InvalidPc))
        );
        // The machine raises it: a UsageFault (disabled) escalates to HardFault.
        assert_eq!(
            bus.exc
                .raise_fault(Fault::Usage(UsageCause::InvalidPc), &cpu),
            FaultOutcome::Pending(num::HARDFAULT)
        );
        assert_ne!(bus.exc.cfsr & cfsr::INVPC, 0);
    }

    #[test]
    fn exc_return_with_fp_bit_is_invalid_without_an_fpu() {
        let (mut bus, core) = bus("mps2-an385");
        let mut cpu = thread_cpu(&mut bus);
        enter(&mut cpu, &mut bus, num::SVCALL, core).unwrap();
        assert_eq!(
            exception_return(&mut cpu, &mut bus, 0xFFFF_FFE9),
            Err(Fault::Usage(UsageCause::InvalidPc))
        );
    }

    #[test]
    fn return_tail_chains_into_a_pending_exception() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        enter(&mut cpu, &mut bus, num::SVCALL, core).unwrap();
        let sp = cpu.sp();
        bus.exc.set_pending(num::PENDSV);
        let c = ret(&mut cpu, &mut bus).unwrap();
        assert_eq!(c, 6);
        assert_eq!((cpu.mode, cpu.ipsr), (Mode::Handler, num::PENDSV));
        assert_eq!(cpu.pc(), HANDLER + 0x10 * 14);
        assert_eq!(cpu.sp(), sp, "the frame stays");
        assert_eq!(cpu.r[14], EXC_RETURN_THREAD_MSP);
        assert!(bus.exc.is_active(num::PENDSV) && !bus.exc.is_active(num::SVCALL));
        ret(&mut cpu, &mut bus).unwrap();
        assert_eq!((cpu.mode, cpu.pc()), (Mode::Thread, 0x200));
    }

    #[test]
    fn pending_exception_masked_by_primask_does_not_tail_chain() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        enter(&mut cpu, &mut bus, num::SVCALL, core).unwrap();
        cpu.primask = true;
        bus.exc.set_pending(num::PENDSV);
        ret(&mut cpu, &mut bus).unwrap();
        assert_eq!(cpu.mode, Mode::Thread);
        assert!(bus.exc.is_pending(num::PENDSV));
    }

    #[test]
    fn stacking_into_unmapped_memory_is_a_stacking_busfault_then_lockup() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        cpu.set_msp(0x1000_0000);
        let r = enter(&mut cpu, &mut bus, num::SVCALL, core);
        assert!(matches!(
            r,
            Err(Fault::Bus {
                kind: BusFaultKind::Stacking,
                ..
            })
        ));
        assert!(bus.exc.is_active(num::SVCALL));
        let out = bus.exc.raise_fault(r.unwrap_err(), &cpu);
        assert_eq!(out, FaultOutcome::Pending(num::HARDFAULT));
        assert_ne!(bus.exc.cfsr & cfsr::STKERR, 0);
        // HardFault stacks on the same bad MSP: now the core locks up.
        let r = enter(&mut cpu, &mut bus, num::HARDFAULT, core);
        assert_eq!(
            bus.exc.raise_fault(r.unwrap_err(), &cpu),
            FaultOutcome::Lockup
        );
    }

    #[test]
    fn unreadable_vector_is_a_vector_table_fault() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        bus.exc.vtor = 0x3000_0000;
        let r = enter(&mut cpu, &mut bus, num::SYSTICK, core);
        assert_eq!(r, Err(Fault::VectorTable { addr: 0x3000_003C }));
        bus.exc.raise_fault(r.unwrap_err(), &cpu);
        assert_ne!(bus.exc.hfsr & hfsr::VECTTBL, 0);
    }

    #[test]
    fn unstacking_from_unmapped_memory_is_an_unstacking_busfault() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        enter(&mut cpu, &mut bus, num::SVCALL, core).unwrap();
        cpu.set_msp(0x1000_0000);
        assert!(matches!(
            ret(&mut cpu, &mut bus),
            Err(Fault::Bus {
                kind: BusFaultKind::Unstacking,
                addr: 0x1000_0000
            })
        ));
    }

    #[test]
    fn corrupted_frame_ipsr_fails_the_integrity_check() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        enter(&mut cpu, &mut bus, num::SVCALL, core).unwrap();
        let f = cpu.sp();
        bus.write32(f + 0x1C, (1 << 24) | 3).unwrap();
        assert_eq!(
            ret(&mut cpu, &mut bus),
            Err(Fault::Usage(UsageCause::InvalidPc))
        );
    }

    #[test]
    fn fp_context_gets_an_extended_frame_lazily() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        bus.exc.cpacr = 0xF << 20;
        fp_execute_check(&mut cpu, &mut bus).unwrap();
        assert_ne!(cpu.control & control::FPCA, 0, "ASPEN sets FPCA");
        cpu.s[0] = 0x3F80_0000;
        cpu.s[15] = 0x4000_0000;
        cpu.fpscr = 0x0300_0000;
        let c = enter(&mut cpu, &mut bus, num::SYSTICK, core).unwrap();
        assert_eq!(c, 12, "lazy: no FP stacking cost");
        assert_eq!(cpu.r[14], 0xFFFF_FFE9);
        let f = SRAM + 0x1000 - EXTENDED_FRAME;
        assert_eq!(cpu.sp(), f);
        assert_eq!(bus.exc.fpcar, f + 0x20);
        assert_ne!(bus.exc.fpccr & fpccr::LSPACT, 0);
        assert_ne!(bus.exc.fpccr & fpccr::THREAD, 0);
        assert_eq!(
            cpu.control & control::FPCA,
            0,
            "the handler starts without FP context"
        );
        assert_eq!(word(&bus, f + 0x20), 0, "not stored yet");
        // First FP instruction in the handler stores the reserved frame.
        fp_execute_check(&mut cpu, &mut bus).unwrap();
        assert_eq!(bus.exc.fpccr & fpccr::LSPACT, 0);
        assert_eq!(word(&bus, f + 0x20), 0x3F80_0000);
        assert_eq!(word(&bus, f + 0x20 + 60), 0x4000_0000);
        assert_eq!(word(&bus, f + 0x60), 0x0300_0000);
        cpu.s[0] = 0;
        cpu.fpscr = 0;
        ret(&mut cpu, &mut bus).unwrap();
        assert_eq!((cpu.s[0], cpu.fpscr), (0x3F80_0000, 0x0300_0000));
        assert_ne!(cpu.control & control::FPCA, 0);
        assert_eq!(cpu.sp(), SRAM + 0x1000);
    }

    #[test]
    fn fp_frame_stacked_at_once_without_lspen() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        bus.exc.cpacr = 0xF << 20;
        bus.exc.fpccr = fpccr::ASPEN;
        fp_execute_check(&mut cpu, &mut bus).unwrap();
        cpu.s[3] = 0x1234;
        let c = enter(&mut cpu, &mut bus, num::SYSTICK, core).unwrap();
        assert_eq!(c, 12 + 17);
        assert_eq!(word(&bus, cpu.sp() + 0x20 + 12), 0x1234);
        assert_eq!(bus.exc.fpccr & fpccr::LSPACT, 0);
    }

    #[test]
    fn fp_instruction_without_cpacr_access_is_nocp() {
        let (mut bus, _) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        assert_eq!(
            fp_execute_check(&mut cpu, &mut bus),
            Err(Fault::Usage(UsageCause::NoCoprocessor))
        );
        let (mut bus, _) = bus_v7m();
        assert_eq!(
            fp_execute_check(&mut cpu, &mut bus),
            Err(Fault::Usage(UsageCause::NoCoprocessor))
        );
    }

    fn bus_v7m() -> (Bus, CoreProfile) {
        bus("mps2-an385")
    }

    #[test]
    fn armv6m_entry_costs_15_cycles_and_always_aligns() {
        let (mut bus, core) = bus("pico");
        // VTOR starts at the boot ROM's table; boot2 points it at the image's, in flash.
        let table = bus.peek_bytes(0, 4 * 64).unwrap().to_vec();
        bus.poke_bytes(0x1000_0100, &table).unwrap();
        let mut cpu = thread_cpu(&mut bus);
        bus.exc.vtor = 0x1000_0100;
        cpu.set_msp(SRAM + 0xFFC);
        // 15 (DDI 0484 §2.3.5) + one uncached XIP read of the vector from the Pico's flash.
        assert_eq!(
            enter(&mut cpu, &mut bus, num::SYSTICK, core).unwrap(),
            15 + 56
        );
        assert_eq!(cpu.sp(), SRAM + 0xFFC - 0x24);
        ret(&mut cpu, &mut bus).unwrap();
        assert_eq!(cpu.sp(), SRAM + 0xFFC);
    }

    #[test]
    fn svc_with_primask_set_escalates_to_hardfault() {
        let (mut bus, _) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        assert_eq!(bus.exc.pend_svc(&cpu), FaultOutcome::Pending(num::SVCALL));
        bus.exc.clear_pending(num::SVCALL);
        cpu.primask = true;
        assert_eq!(
            bus.exc.pend_svc(&cpu),
            FaultOutcome::Pending(num::HARDFAULT)
        );
        assert_ne!(bus.exc.hfsr & hfsr::FORCED, 0);
        assert!(!bus.exc.is_pending(num::SVCALL));
        bus.exc.activate(num::HARDFAULT);
        assert_eq!(bus.exc.pend_svc(&cpu), FaultOutcome::Lockup);
    }

    #[test]
    fn sleep_on_exit_only_when_returning_to_thread() {
        let (mut bus, core) = bus("mps2-an386");
        let mut cpu = thread_cpu(&mut bus);
        bus.exc.scr = 1 << 1;
        enter(&mut cpu, &mut bus, num::SYSTICK, core).unwrap();
        assert!(!sleeps_on_exit(&cpu, &bus));
        ret(&mut cpu, &mut bus).unwrap();
        assert!(sleeps_on_exit(&cpu, &bus));
    }
}

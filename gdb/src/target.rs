//! The gdbstub target: registers and memory of the machine, breakpoints and watchpoints
//! through [`sim_core::debug::Debugger`], and the blocking event loop that runs the machine
//! in batches while watching the connection for Ctrl-C.

use crate::arch::{CortexM, CortexMRegs, XML_FPU, XML_NO_FPU};
use gdbstub::common::Signal;
use gdbstub::conn::ConnectionExt;
use gdbstub::outputln;
use gdbstub::stub::run_blocking::{BlockingEventLoop, Event, WaitForStopReasonError};
use gdbstub::stub::SingleThreadStopReason;
use gdbstub::target::ext::base::singlethread::{
    SingleThreadBase, SingleThreadResume, SingleThreadResumeOps, SingleThreadSingleStep,
    SingleThreadSingleStepOps,
};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::ext::breakpoints::{
    Breakpoints, BreakpointsOps, HwBreakpoint, HwBreakpointOps, HwWatchpoint, HwWatchpointOps,
    SwBreakpoint, SwBreakpointOps, WatchKind,
};
use gdbstub::target::ext::monitor_cmd::{ConsoleOutput, MonitorCmd, MonitorCmdOps};
use gdbstub::target::ext::target_description_xml_override::{
    TargetDescriptionXmlOverride, TargetDescriptionXmlOverrideOps,
};
use gdbstub::target::{Target, TargetError, TargetResult};
use sim_core::board::FpuKind;
use sim_core::debug::{DebugStop, Debugger};
use sim_core::machine::{Machine, StopReason};

/// Instructions run between two looks at the connection while continuing.
const BATCH: u64 = 1 << 16;

/// What the next `wait_for_stop_reason` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exec {
    Step,
    Continue,
}

/// A machine under gdb's control.
pub struct GdbTarget {
    /// The machine.
    pub machine: Machine,
    /// Breakpoints and watchpoints.
    pub debugger: Debugger,
    exec: Exec,
    fpu: bool,
    /// `bus.now` and elapsed seconds at the last `monitor reset`: the figures shown count
    /// from there.
    base: (u64, f64),
}

impl GdbTarget {
    /// Wraps a machine, resetting it first if it has not been (PC 0, nothing executed); a
    /// failing reset shows to gdb as the stop reason. Guest output goes to the console as
    /// configured.
    pub fn new(mut machine: Machine) -> GdbTarget {
        if machine.cpu.pc() == 0 && machine.stats.instructions == 0 {
            let _ = machine.reset();
        }
        let fpu = machine.board.fpu() != FpuKind::None;
        GdbTarget {
            machine,
            debugger: Debugger::default(),
            exec: Exec::Continue,
            fpu,
            base: (0, 0.0),
        }
    }

    /// Cycles since the start or the last `monitor reset`.
    pub fn cycles(&self) -> u64 {
        self.machine.bus.now - self.base.0
    }

    /// Simulated seconds since the start or the last `monitor reset`.
    pub fn seconds(&self) -> f64 {
        self.machine.elapsed_seconds() - self.base.1
    }

    /// `monitor reset`: the core from the vector table, and the statistics from zero
    /// (instructions, cycles, per-function counts, stack marks, faults); regions of interest
    /// stay registered. Memory keeps its contents, as on silicon.
    pub fn reset(&mut self) -> Result<(), StopReason> {
        let old = std::mem::take(&mut self.machine.stats);
        self.machine.stats.roi = old
            .roi
            .iter()
            .map(|t| sim_core::stats::RoiTrack::new(t.addr))
            .collect();
        self.machine.faults.clear();
        self.base = (self.machine.bus.now, self.machine.elapsed_seconds());
        let r = self.machine.reset();
        self.debugger.refresh(&self.machine);
        r
    }

    fn stop_reason(&self, s: Option<DebugStop>) -> SingleThreadStopReason<u32> {
        match s {
            None => SingleThreadStopReason::DoneStep,
            Some(DebugStop::Breakpoint(_)) => SingleThreadStopReason::SwBreak(()),
            Some(DebugStop::Watch { addr, .. }) => SingleThreadStopReason::Watch {
                tid: (),
                kind: WatchKind::Write,
                addr,
            },
            Some(DebugStop::Machine(r)) => match r {
                StopReason::Exit(c) => SingleThreadStopReason::Exited(c as u8),
                StopReason::UnhandledFault(_) | StopReason::Lockup(_) => {
                    SingleThreadStopReason::Signal(Signal::SIGSEGV)
                }
                StopReason::Breakpoint { .. }
                | StopReason::Deadlock { .. }
                | StopReason::InstructionLimit(_)
                | StopReason::CycleLimit(_)
                | StopReason::TimeLimit(_)
                | StopReason::StackCollision { .. }
                | StopReason::ExpectedText
                | StopReason::FailText(_) => SingleThreadStopReason::Signal(Signal::SIGTRAP),
            },
        }
    }

    /// The `monitor report` text.
    pub fn report(&self) -> String {
        let m = &self.machine;
        let instr = m.stats.instructions;
        let cycles = self.cycles();
        let mut out = format!(
            "board {} ({}) at {} Hz\ninstructions {instr}\ncycles {cycles}\n",
            m.board.name,
            m.board.core,
            m.clock_hz()
        );
        if instr > 0 {
            out.push_str(&format!("cpi {:.3}\n", cycles as f64 / instr as f64));
        }
        out.push_str(&format!("seconds {:.9}\n", self.seconds()));
        let sp0 = m.bus.peek(m.board.reset_vtor(), 4).unwrap_or(0);
        if m.stats.msp_low <= sp0 {
            out.push_str(&format!("stack_peak {} bytes\n", sp0 - m.stats.msp_low));
        }
        if let Some(s) = m.stopped() {
            out.push_str(&format!("stop_reason {}\n", s.key()));
        }
        let mut funcs: Vec<(u64, u32)> = m
            .stats
            .call_cycles
            .iter()
            .map(|(&f, c)| (c.exclusive, f))
            .collect();
        funcs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (cyc, f) in funcs.into_iter().take(10) {
            out.push_str(&format!(
                "function {} calls {} cycles {cyc}\n",
                m.image.describe_addr(f),
                m.stats.calls.get(&f).copied().unwrap_or(0)
            ));
        }
        out
    }
}

impl Target for GdbTarget {
    type Arch = CortexM;
    type Error = String;

    fn base_ops(&mut self) -> BaseOps<'_, Self::Arch, Self::Error> {
        BaseOps::SingleThread(self)
    }

    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_monitor_cmd(&mut self) -> Option<MonitorCmdOps<'_, Self>> {
        Some(self)
    }

    fn support_target_description_xml_override(
        &mut self,
    ) -> Option<TargetDescriptionXmlOverrideOps<'_, Self>> {
        Some(self)
    }
}

impl SingleThreadBase for GdbTarget {
    fn read_registers(&mut self, regs: &mut CortexMRegs) -> TargetResult<(), Self> {
        let c = &self.machine.cpu;
        regs.r = c.r;
        regs.xpsr = c.xpsr();
        regs.msp = c.msp();
        regs.psp = c.psp();
        regs.primask = u32::from(c.primask);
        regs.basepri = u32::from(c.basepri);
        regs.faultmask = u32::from(c.faultmask);
        regs.control = u32::from(c.control);
        regs.fpu = self.fpu.then_some((c.s, c.fpscr));
        Ok(())
    }

    fn write_registers(&mut self, regs: &CortexMRegs) -> TargetResult<(), Self> {
        let c = &mut self.machine.cpu;
        c.r[..13].copy_from_slice(&regs.r[..13]);
        c.r[14] = regs.r[14];
        c.r[15] = regs.r[15] & !1;
        c.set_xpsr(regs.xpsr);
        c.primask = regs.primask & 1 != 0;
        c.basepri = regs.basepri as u8;
        c.faultmask = regs.faultmask & 1 != 0;
        c.set_control(regs.control as u8);
        // The active SP is r13; MSP/PSP carry the banked one.
        c.set_msp(regs.msp);
        c.set_psp(regs.psp);
        c.r[13] = regs.r[13] & !3;
        if let Some((s, fpscr)) = regs.fpu {
            c.s = s;
            c.fpscr = fpscr;
        }
        self.machine.bus.exc.dirty = true;
        Ok(())
    }

    fn read_addrs(&mut self, start: u32, data: &mut [u8]) -> TargetResult<usize, Self> {
        for (i, b) in data.iter_mut().enumerate() {
            match self.machine.bus.peek(start.wrapping_add(i as u32), 1) {
                Some(v) => *b = v as u8,
                None if i == 0 => return Err(TargetError::NonFatal),
                None => return Ok(i),
            }
        }
        Ok(data.len())
    }

    fn write_addrs(&mut self, start: u32, data: &[u8]) -> TargetResult<(), Self> {
        self.machine
            .bus
            .poke_bytes(start, data)
            .map_err(|_| TargetError::NonFatal)?;
        self.machine.isa.flush_decode_cache();
        self.debugger.refresh(&self.machine);
        Ok(())
    }

    fn support_resume(&mut self) -> Option<SingleThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl SingleThreadResume for GdbTarget {
    fn resume(&mut self, signal: Option<Signal>) -> Result<(), Self::Error> {
        if signal.is_some() {
            return Err("thimble cannot deliver signals to the guest".into());
        }
        self.exec = Exec::Continue;
        Ok(())
    }

    fn support_single_step(&mut self) -> Option<SingleThreadSingleStepOps<'_, Self>> {
        Some(self)
    }
}

impl SingleThreadSingleStep for GdbTarget {
    fn step(&mut self, signal: Option<Signal>) -> Result<(), Self::Error> {
        if signal.is_some() {
            return Err("thimble cannot deliver signals to the guest".into());
        }
        self.exec = Exec::Step;
        Ok(())
    }
}

impl Breakpoints for GdbTarget {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_breakpoint(&mut self) -> Option<HwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_watchpoint(&mut self) -> Option<HwWatchpointOps<'_, Self>> {
        Some(self)
    }
}

// Software and hardware breakpoints are the same thing here: the debugger checks PC before
// each instruction, so nothing is patched into the guest's memory.
impl SwBreakpoint for GdbTarget {
    fn add_sw_breakpoint(&mut self, addr: u32, _kind: usize) -> TargetResult<bool, Self> {
        self.debugger.add_breakpoint(addr);
        Ok(true)
    }

    fn remove_sw_breakpoint(&mut self, addr: u32, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.debugger.remove_breakpoint(addr))
    }
}

impl HwBreakpoint for GdbTarget {
    fn add_hw_breakpoint(&mut self, addr: u32, _kind: usize) -> TargetResult<bool, Self> {
        self.debugger.add_breakpoint(addr);
        Ok(true)
    }

    fn remove_hw_breakpoint(&mut self, addr: u32, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.debugger.remove_breakpoint(addr))
    }
}

impl HwWatchpoint for GdbTarget {
    fn add_hw_watchpoint(
        &mut self,
        addr: u32,
        len: u32,
        kind: WatchKind,
    ) -> TargetResult<bool, Self> {
        // Writes are detected by a changed value after each instruction; reads are not
        // observable without a bus wrapper, so gdb is told they are unsupported.
        if kind != WatchKind::Write || !matches!(len, 1 | 2 | 4) {
            return Ok(false);
        }
        self.debugger.add_watchpoint(&self.machine, addr, len as u8);
        Ok(true)
    }

    fn remove_hw_watchpoint(
        &mut self,
        addr: u32,
        len: u32,
        kind: WatchKind,
    ) -> TargetResult<bool, Self> {
        if kind != WatchKind::Write {
            return Ok(false);
        }
        Ok(self.debugger.remove_watchpoint(addr, len as u8))
    }
}

impl MonitorCmd for GdbTarget {
    fn handle_monitor_cmd(
        &mut self,
        cmd: &[u8],
        mut out: ConsoleOutput<'_>,
    ) -> Result<(), Self::Error> {
        let cmd = String::from_utf8_lossy(cmd);
        match cmd.trim() {
            "cycles" => {
                outputln!(
                    out,
                    "{} cycles, {} instructions ({:.6} s at {} Hz)",
                    self.cycles(),
                    self.machine.stats.instructions,
                    self.seconds(),
                    self.machine.clock_hz()
                );
            }
            "report" => {
                for line in self.report().lines() {
                    outputln!(out, "{line}");
                }
            }
            "reset" => match self.reset() {
                Ok(()) => outputln!(
                    out,
                    "core and statistics reset; pc = 0x{:08x}",
                    self.machine.cpu.pc()
                ),
                Err(e) => outputln!(out, "reset failed: {}", e.key()),
            },
            other => {
                outputln!(
                    out,
                    "unknown monitor command '{other}': cycles, report, reset"
                );
            }
        }
        Ok(())
    }
}

impl TargetDescriptionXmlOverride for GdbTarget {
    fn target_description_xml(
        &self,
        annex: &[u8],
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        if annex != b"target.xml" {
            return Err(TargetError::NonFatal);
        }
        let xml = if self.fpu { XML_FPU } else { XML_NO_FPU }.as_bytes();
        let Ok(start) = usize::try_from(offset) else {
            return Ok(0);
        };
        if start >= xml.len() {
            return Ok(0);
        }
        let end = xml
            .len()
            .min(start.saturating_add(length))
            .min(start + buf.len());
        buf[..end - start].copy_from_slice(&xml[start..end]);
        Ok(end - start)
    }
}

/// Runs the machine for gdbstub's blocking loop.
pub enum EventLoop {}

impl BlockingEventLoop for EventLoop {
    type Target = GdbTarget;
    type Connection = Box<dyn ConnectionExt<Error = std::io::Error>>;
    type StopReason = SingleThreadStopReason<u32>;

    fn wait_for_stop_reason(
        target: &mut GdbTarget,
        conn: &mut Self::Connection,
    ) -> Result<Event<Self::StopReason>, WaitForStopReasonError<String, std::io::Error>> {
        if target.exec == Exec::Step {
            let s = target.debugger.step(&mut target.machine);
            return Ok(Event::TargetStopped(target.stop_reason(s)));
        }
        loop {
            if conn
                .peek()
                .map_err(WaitForStopReasonError::Connection)?
                .is_some()
            {
                let byte = conn.read().map_err(WaitForStopReasonError::Connection)?;
                return Ok(Event::IncomingData(byte));
            }
            if let Some(s) = target.debugger.resume(&mut target.machine, BATCH) {
                return Ok(Event::TargetStopped(target.stop_reason(Some(s))));
            }
        }
    }

    fn on_interrupt(_target: &mut GdbTarget) -> Result<Option<Self::StopReason>, String> {
        Ok(Some(SingleThreadStopReason::Signal(Signal::SIGINT)))
    }
}

//! Debugger support shared by the TUI and the gdb server: breakpoints and write watchpoints
//! checked between instructions, and runs that stop on them. With none set, a run is the
//! machine's batched run loop at full speed; with some set, it steps one instruction at a time.

use crate::machine::{Machine, StopReason};

/// A watched memory location: a run stops after an instruction that changed its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watchpoint {
    /// First byte.
    pub addr: u32,
    /// Width in bytes (1, 2 or 4).
    pub len: u8,
    /// The value last seen (`None` when the address is not backed).
    pub value: Option<u32>,
}

/// Why a debugger run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebugStop {
    /// The machine stopped by itself (exit, fault, limit, guest BKPT, ...).
    Machine(StopReason),
    /// PC reached a breakpoint (the instruction there has not executed).
    Breakpoint(u32),
    /// An instruction changed a watched location.
    Watch {
        /// The watched address.
        addr: u32,
        /// Value before.
        old: Option<u32>,
        /// Value after.
        new: Option<u32>,
        /// PC of the instruction that wrote it.
        pc: u32,
    },
}

/// Breakpoints and watchpoints.
#[derive(Debug, Clone, Default)]
pub struct Debugger {
    breakpoints: Vec<u32>,
    watchpoints: Vec<Watchpoint>,
}

impl Debugger {
    /// Breakpoint addresses, sorted.
    pub fn breakpoints(&self) -> &[u32] {
        &self.breakpoints
    }

    /// Watchpoints in the order they were set.
    pub fn watchpoints(&self) -> &[Watchpoint] {
        &self.watchpoints
    }

    /// Whether `addr` has a breakpoint.
    pub fn has_breakpoint(&self, addr: u32) -> bool {
        self.breakpoints.binary_search(&(addr & !1)).is_ok()
    }

    /// Sets a breakpoint (Thumb bit ignored); false if it was already set.
    pub fn add_breakpoint(&mut self, addr: u32) -> bool {
        match self.breakpoints.binary_search(&(addr & !1)) {
            Ok(_) => false,
            Err(i) => {
                self.breakpoints.insert(i, addr & !1);
                true
            }
        }
    }

    /// Removes a breakpoint; false if there was none.
    pub fn remove_breakpoint(&mut self, addr: u32) -> bool {
        match self.breakpoints.binary_search(&(addr & !1)) {
            Ok(i) => {
                self.breakpoints.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Watches `len` bytes (1, 2 or 4; others are clamped to 4) at `addr` for writes that
    /// change them.
    pub fn add_watchpoint(&mut self, m: &Machine, addr: u32, len: u8) {
        let len = if matches!(len, 1 | 2 | 4) { len } else { 4 };
        self.remove_watchpoint(addr, len);
        self.watchpoints.push(Watchpoint {
            addr,
            len,
            value: m.bus.peek(addr, len),
        });
    }

    /// Removes a watchpoint; false if there was none.
    pub fn remove_watchpoint(&mut self, addr: u32, len: u8) -> bool {
        let before = self.watchpoints.len();
        self.watchpoints
            .retain(|w| !(w.addr == addr && (w.len == len || len == 0)));
        self.watchpoints.len() != before
    }

    /// Re-reads watched values (after a debugger wrote memory or the machine was reset).
    pub fn refresh(&mut self, m: &Machine) {
        for w in &mut self.watchpoints {
            w.value = m.bus.peek(w.addr, w.len);
        }
    }

    fn check_watch(&mut self, m: &Machine, pc: u32) -> Option<DebugStop> {
        for w in &mut self.watchpoints {
            let now = m.bus.peek(w.addr, w.len);
            if now != w.value {
                let old = std::mem::replace(&mut w.value, now);
                return Some(DebugStop::Watch {
                    addr: w.addr,
                    old,
                    new: now,
                    pc,
                });
            }
        }
        None
    }

    /// Executes one instruction (or takes one pending exception), checking watchpoints.
    pub fn step(&mut self, m: &mut Machine) -> Option<DebugStop> {
        let pc = m.cpu.pc();
        if let Some(s) = m.step() {
            return Some(DebugStop::Machine(s));
        }
        self.check_watch(m, pc)
    }

    /// Runs at most `budget` instructions; `None` when the budget ran out. The instruction at
    /// the starting PC always executes, so resuming from a breakpoint moves past it.
    pub fn resume(&mut self, m: &mut Machine, budget: u64) -> Option<DebugStop> {
        if self.breakpoints.is_empty() && self.watchpoints.is_empty() {
            return m.run_for(budget).map(DebugStop::Machine);
        }
        for i in 0..budget {
            let pc = m.cpu.pc();
            if i > 0 && self.has_breakpoint(pc) {
                return Some(DebugStop::Breakpoint(pc));
            }
            if let Some(s) = self.step(m) {
                return Some(s);
            }
        }
        None
    }
}

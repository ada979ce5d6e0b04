//! Run statistics gathered per retired instruction: counts and cycles per class, stack
//! low-water marks per stack, sleep time, calls per function entry.

use crate::cpu::Cpu;
use crate::isa::{Flow, InstrClass, Retired};
use std::collections::HashMap;

/// Counters of a run.
#[derive(Debug, Clone)]
pub struct Stats {
    /// Instructions executed, IT and condition-failed ones included.
    pub instructions: u64,
    /// Instructions per class.
    pub by_class: [u64; InstrClass::COUNT],
    /// Cycles per class.
    pub cycles_by_class: [u64; InstrClass::COUNT],
    /// Lowest MSP seen (`u32::MAX` before the first instruction).
    pub msp_low: u32,
    /// Lowest PSP seen while PSP was the active stack (`u32::MAX` if never used).
    pub psp_low: u32,
    /// Highest PSP seen while PSP was the active stack (0 if never used).
    pub psp_high: u32,
    /// Cycles spent asleep in WFI/WFE.
    pub sleep_cycles: u64,
    /// Exceptions taken.
    pub exceptions: u64,
    /// Calls per callee address (BL/BLX targets).
    pub calls: HashMap<u32, u64>,
    /// Lowest address the stack may reach without running into statically allocated SRAM
    /// (set at reset; 0 = unknown).
    pub stack_floor: u32,
    /// The first time the stack ran below `stack_floor`: (next PC, SP).
    pub collision: Option<(u32, u32)>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            instructions: 0,
            by_class: [0; InstrClass::COUNT],
            cycles_by_class: [0; InstrClass::COUNT],
            msp_low: u32::MAX,
            psp_low: u32::MAX,
            psp_high: 0,
            sleep_cycles: 0,
            exceptions: 0,
            calls: HashMap::new(),
            stack_floor: 0,
            collision: None,
        }
    }
}

impl Stats {
    /// Accounts one retired instruction (called in the hot loop: keep it branch-light).
    #[inline(always)]
    pub fn retire(&mut self, cpu: &Cpu, r: &Retired) {
        self.instructions += 1;
        let c = r.class as usize;
        self.by_class[c] += 1;
        self.cycles_by_class[c] += u64::from(r.cycles);
        let sp = cpu.r[13];
        if cpu.on_psp() {
            self.psp_low = self.psp_low.min(sp);
            self.psp_high = self.psp_high.max(sp);
        } else {
            self.msp_low = self.msp_low.min(sp);
        }
        if sp < self.stack_floor && self.collision.is_none() {
            self.collision = Some((cpu.r[15], sp));
        }
    }

    /// Folds both stack pointers into the low-water marks (after exception entry, whose
    /// stacking moves SP without retiring an instruction).
    pub fn observe_stacks(&mut self, cpu: &Cpu) {
        self.msp_low = self.msp_low.min(cpu.msp());
        if self.psp_high != 0 {
            self.psp_low = self.psp_low.min(cpu.psp());
        }
    }

    /// Accounts a call, return or exception return (after the instruction executed).
    pub fn flow(&mut self, cpu: &Cpu, flow: Flow, _now: u64) {
        if flow == Flow::Call {
            *self.calls.entry(cpu.pc()).or_insert(0) += 1;
        }
    }

    /// Total cycles accounted to instructions (sleep excluded).
    pub fn instruction_cycles(&self) -> u64 {
        self.cycles_by_class.iter().sum()
    }
}

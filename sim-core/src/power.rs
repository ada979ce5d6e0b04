//! Energy model: what a run costs in µJ, from per-instruction-class weights, memory-access
//! weights, static current and sleep current, calibrated per board so that a typical
//! instruction mix draws the datasheet's run current.
//!
//! # The model
//! ```text
//! E = e_unit × ( Σ_class w_class × cycles_class      core, per cycle of each class
//!              + w_other × other_cycles              exception entry/exit and other cycles
//!                                                    no instruction class owns
//!              + a_fetch × instructions              instruction fetch path (flash + cache)
//!              + a_sram  × SRAM data accesses
//!              + a_flash × flash data reads )
//!   + V × I_static × active time + V × I_sleep × sleep time
//! ```
//! Weights are relative to one ALU cycle (`w_alu = 1`); `e_unit` (pJ) is not a free constant
//! but solved per board from the datasheet: the [`REFERENCE_MIX`] (a CoreMark-like mix: 50 %
//! ALU, 20 % loads, 10 % stores, 15 % branches, 5 % multiplies, CPI 1.35) priced with the
//! weights must cost exactly `V × run_ua_per_mhz` pJ per cycle (µA/MHz × V = pJ/cycle), the
//! figure vendors measure with CoreMark-class code. So the datasheet number is reproduced
//! for that mix by construction, and the weights only move other mixes around it.
//!
//! # Where the weights come from (estimates)
//! The relative weights below are ESTIMATES, not measurements of these chips. The reasoning:
//! instruction-level power models (Tiwari, Malik, Wolfe, "Power analysis of embedded software:
//! a first step towards software power minimization", IEEE T-VLSI 2(4), 1994) price each
//! instruction by a base cost and found base costs of register-only instructions close to each
//! other, with memory operands dearer; studies of ARM cores in that style (Steinke et al.,
//! "An accurate and fine grain instruction-level energy model supporting software
//! optimizations", PATMOS 2001, ARM7TDMI; Georgiou, Kerrison, Chamski, Eder, "Energy
//! transparency for deeply embedded programs", ACM TACO 14(1), 2017, Cortex-M0) found that
//! instruction fetch and data memory accesses, not the datapath, make most of the difference
//! between instructions, and that per-class core costs differ by tens of percent, not by
//! factors. Hence: core weights within ±30 % of an ALU cycle, a per-instruction fetch cost and
//! per-access memory costs, flash reads dearer than SRAM accesses.
//!
//! # Counting accesses without slowing the simulator
//! Nothing is counted per memory access here: instruction fetches are the instruction count,
//! data accesses come from the per-class counters the statistics already keep (one access per
//! load/store, N per LDM/STM/PUSH/POP of N registers, taken as its cycles minus one per
//! instruction — the TRM's 1+N), and flash data reads from the flash accelerator model's
//! counters (`[flash_accel]` boards: every data read of flash goes through it; on a board
//! without one they are priced as SRAM accesses). A region of interest gets its share of the
//! run's flash data reads in proportion to its data accesses.

use crate::board::{Board, PowerSpec};
use crate::isa::InstrClass;
use crate::machine::Machine;
use crate::stats::Stats;
use serde::{Deserialize, Serialize};

/// Core energy per cycle of each instruction class, relative to an ALU cycle (`[power.weights]`
/// of a board TOML; every field defaults to the estimate documented on it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClassWeights {
    /// Data processing: the unit (1.0 by definition).
    pub alu: f64,
    /// 32-bit multiply/MAC: estimate 1.15 (the single-cycle multiplier array switches more
    /// than the adder).
    pub mul: f64,
    /// Long multiply: estimate 1.25 (wider array, 64-bit result).
    pub mul_long: f64,
    /// SDIV/UDIV, per cycle: estimate 0.85 (iterative divider, little else switching while it
    /// stalls the pipeline).
    pub div: f64,
    /// Single load, per cycle: estimate 1.10 (address generation, bus and load aligner; the
    /// SRAM array itself is priced per access).
    pub load: f64,
    /// Single store, per cycle: estimate 1.05.
    pub store: f64,
    /// LDM/STM/PUSH/POP/LDRD/STRD, per cycle: estimate 1.10.
    pub load_store_multi: f64,
    /// Branch, per cycle: estimate 0.90 (refill cycles switch less of the datapath).
    pub branch: f64,
    /// DSP extension (SIMD, saturating, dual MAC): estimate 1.20 (both halves of the datapath
    /// and the MAC switch at once).
    pub dsp: f64,
    /// FPU data processing: estimate 1.30 (FPU datapath on top of the core).
    pub fpu: f64,
    /// FPU divide/square root, per cycle: estimate 1.05 (iterative).
    pub fpu_div_sqrt: f64,
    /// FPU loads/stores and core<->FPU moves, per cycle: estimate 1.10 (as loads).
    pub fpu_load_store: f64,
    /// System instructions (MRS/MSR/barriers/hints/IT): estimate 0.90.
    pub system: f64,
    /// The WFI/WFE instruction itself (the sleep after it is priced by `sleep_ua`): 0.80.
    pub sleep: f64,
    /// Condition-failed instructions (fetched and decoded, no result written): estimate 0.80.
    pub skipped: f64,
    /// Cycles no instruction class owns (exception entry/exit stacking, semihosting): estimate
    /// 1.0 (stacking is a run of stores).
    pub other: f64,
}

impl Default for ClassWeights {
    fn default() -> Self {
        ClassWeights {
            alu: 1.0,
            mul: 1.15,
            mul_long: 1.25,
            div: 0.85,
            load: 1.10,
            store: 1.05,
            load_store_multi: 1.10,
            branch: 0.90,
            dsp: 1.20,
            fpu: 1.30,
            fpu_div_sqrt: 1.05,
            fpu_load_store: 1.10,
            system: 0.90,
            sleep: 0.80,
            skipped: 0.80,
            other: 1.0,
        }
    }
}

impl ClassWeights {
    /// The weight of one class.
    pub fn get(&self, c: InstrClass) -> f64 {
        match c {
            InstrClass::Alu => self.alu,
            InstrClass::Mul => self.mul,
            InstrClass::MulLong => self.mul_long,
            InstrClass::Div => self.div,
            InstrClass::Load => self.load,
            InstrClass::Store => self.store,
            InstrClass::LoadStoreMulti => self.load_store_multi,
            InstrClass::Branch => self.branch,
            InstrClass::Dsp => self.dsp,
            InstrClass::Fpu => self.fpu,
            InstrClass::FpuDivSqrt => self.fpu_div_sqrt,
            InstrClass::FpuLoadStore => self.fpu_load_store,
            InstrClass::System => self.system,
            InstrClass::Sleep => self.sleep,
            InstrClass::Skipped => self.skipped,
        }
    }

    /// Every weight with its TOML key.
    fn named(&self) -> impl Iterator<Item = (&'static str, f64)> + '_ {
        InstrClass::ALL
            .iter()
            .map(|c| (c.name(), self.get(*c)))
            .chain(std::iter::once(("other", self.other)))
    }
}

/// Energy of memory accesses in ALU-cycle units, on top of the class weight of the
/// instruction making them (`[power.access]` of a board TOML).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessWeights {
    /// Per instruction fetched (flash read through the board's cache or prefetch buffer,
    /// amortised over the instructions of a fetch word): estimate 0.30. In the ARM7TDMI
    /// studies cited in the module doc instruction fetch is a large share of core energy.
    pub fetch: f64,
    /// Per data access to SRAM: estimate 0.25.
    pub sram: f64,
    /// Per data read of flash (constants, model weights): estimate 0.60 (a flash array read
    /// or line-buffer hit; flash sense amplifiers cost more than an SRAM bank).
    pub flash: f64,
}

impl Default for AccessWeights {
    fn default() -> Self {
        AccessWeights {
            fetch: 0.30,
            sram: 0.25,
            flash: 0.60,
        }
    }
}

/// One class of the calibration mix: share of instructions and cycles per instruction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MixEntry {
    /// Instruction class.
    pub class: InstrClass,
    /// Share of the instructions (the shares sum to 1).
    pub share: f64,
    /// Cycles per instruction of the class (Cortex-M4 TRM DDI 0439 §3.3 at zero wait states:
    /// ALU 1, LDR 2, STR 1 (buffered), MUL 1, branch 1 not taken / 2-4 taken: 2 on average).
    pub cpi: f64,
}

/// The calibration mix: a CoreMark-like instruction mix (an ESTIMATE of CoreMark's dynamic
/// mix: list processing, state machine, matrix ops — mostly ALU, a fifth loads, a tenth
/// stores, a branch every 6-7 instructions, a few multiplies), CPI 1.35; all its data
/// accesses go to SRAM (CoreMark works on RAM data).
pub const REFERENCE_MIX: [MixEntry; 5] = [
    MixEntry {
        class: InstrClass::Alu,
        share: 0.50,
        cpi: 1.0,
    },
    MixEntry {
        class: InstrClass::Load,
        share: 0.20,
        cpi: 2.0,
    },
    MixEntry {
        class: InstrClass::Store,
        share: 0.10,
        cpi: 1.0,
    },
    MixEntry {
        class: InstrClass::Branch,
        share: 0.15,
        cpi: 2.0,
    },
    MixEntry {
        class: InstrClass::Mul,
        share: 0.05,
        cpi: 1.0,
    },
];

/// What a run (or a part of it) did, in the units the model prices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activity {
    /// Instructions per class.
    pub by_class: [u64; InstrClass::COUNT],
    /// Cycles per class.
    pub cycles_by_class: [u64; InstrClass::COUNT],
    /// All cycles, sleep included.
    pub cycles: u64,
    /// Cycles asleep in WFI/WFE.
    pub sleep_cycles: u64,
    /// Time, sleep included, in picoseconds (at the core clock of each moment).
    pub ps: u64,
    /// Time asleep, in picoseconds.
    pub sleep_ps: u64,
    /// Data reads of flash, when the bus counts them (0 otherwise).
    pub flash_data_reads: u64,
}

impl Activity {
    /// The activity recorded in `stats` at cycle `now`.
    pub fn of(stats: &Stats, now: u64) -> Activity {
        Activity {
            by_class: std::array::from_fn(|i| stats.by_class[i]),
            cycles_by_class: std::array::from_fn(|i| stats.cycles_by_class[i]),
            cycles: now,
            sleep_cycles: stats.sleep_cycles,
            ps: stats.clock.ps_at(now),
            sleep_ps: stats.sleep_ps,
            flash_data_reads: 0,
        }
    }

    /// The activity of a whole machine so far, flash data reads from the board's flash
    /// accelerator model (which sees every data read of flash) when it has one.
    pub fn of_machine(m: &Machine) -> Activity {
        Activity {
            flash_data_reads: m.bus.map.accel.as_ref().map_or(0, |a| a.stats.data_reads),
            ..Activity::of(&m.stats, m.bus.now)
        }
    }

    /// This part of `whole` with its share of `whole`'s flash data reads, in proportion to its
    /// data accesses (a region of interest's calls: the statistics snapshot at a call cannot
    /// see the bus's counters).
    pub fn with_flash_share_of(&self, whole: &Activity) -> Activity {
        let all = whole.data_accesses();
        let flash_data_reads = if all == 0 {
            0
        } else {
            (whole.flash_data_reads as f64 * self.data_accesses() as f64 / all as f64).round()
                as u64
        };
        Activity {
            flash_data_reads,
            ..*self
        }
    }

    /// What happened between `earlier` and `self`.
    pub fn since(&self, earlier: &Activity) -> Activity {
        let mut d = Activity {
            cycles: self.cycles.saturating_sub(earlier.cycles),
            sleep_cycles: self.sleep_cycles.saturating_sub(earlier.sleep_cycles),
            ps: self.ps.saturating_sub(earlier.ps),
            sleep_ps: self.sleep_ps.saturating_sub(earlier.sleep_ps),
            flash_data_reads: self
                .flash_data_reads
                .saturating_sub(earlier.flash_data_reads),
            ..Activity::default()
        };
        for i in 0..InstrClass::COUNT {
            d.by_class[i] = self.by_class[i].saturating_sub(earlier.by_class[i]);
            d.cycles_by_class[i] =
                self.cycles_by_class[i].saturating_sub(earlier.cycles_by_class[i]);
        }
        d
    }

    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &Activity) {
        self.cycles += other.cycles;
        self.sleep_cycles += other.sleep_cycles;
        self.ps += other.ps;
        self.sleep_ps += other.sleep_ps;
        self.flash_data_reads += other.flash_data_reads;
        for i in 0..InstrClass::COUNT {
            self.by_class[i] += other.by_class[i];
            self.cycles_by_class[i] += other.cycles_by_class[i];
        }
    }

    /// Instructions executed.
    pub fn instructions(&self) -> u64 {
        self.by_class.iter().sum()
    }

    /// Seconds, sleep included.
    pub fn seconds(&self) -> f64 {
        self.ps as f64 / crate::clock::PS_PER_S as f64
    }

    /// Seconds not asleep.
    pub fn active_seconds(&self) -> f64 {
        self.ps.saturating_sub(self.sleep_ps) as f64 / crate::clock::PS_PER_S as f64
    }

    /// Seconds asleep.
    pub fn sleep_seconds(&self) -> f64 {
        self.sleep_ps as f64 / crate::clock::PS_PER_S as f64
    }

    /// Cycles not asleep.
    pub fn active_cycles(&self) -> u64 {
        self.cycles.saturating_sub(self.sleep_cycles)
    }

    /// Active cycles no instruction class owns (exception entry/exit, semihosting).
    pub fn other_cycles(&self) -> u64 {
        self.active_cycles()
            .saturating_sub(self.cycles_by_class.iter().sum())
    }

    /// Data memory accesses: one per single load/store, N per multiple transfer of N words
    /// (its cycles minus one per instruction, after the TRM's 1+N; wait states make this an
    /// over-count on slow memory).
    pub fn data_accesses(&self) -> u64 {
        let n = |c: InstrClass| self.by_class[c as usize];
        let multi = InstrClass::LoadStoreMulti as usize;
        n(InstrClass::Load)
            + n(InstrClass::Store)
            + n(InstrClass::FpuLoadStore)
            + self.cycles_by_class[multi].saturating_sub(self.by_class[multi])
    }
}

/// Energy, in µJ, split by what it was spent on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Energy {
    /// Core: class-weighted cycles (and cycles no class owns).
    pub core_uj: f64,
    /// Instruction fetch.
    pub fetch_uj: f64,
    /// SRAM data accesses.
    pub sram_uj: f64,
    /// Flash data reads.
    pub flash_uj: f64,
    /// Static (clock-independent) current over the active time.
    pub static_uj: f64,
    /// Active: core + fetch + SRAM + flash + static.
    pub active_uj: f64,
    /// Sleep current over the time in WFI/WFE.
    pub sleep_uj: f64,
    /// Sum.
    pub total_uj: f64,
}

/// A board's energy model with its calibration solved.
#[derive(Debug, Clone, PartialEq)]
pub struct EnergyModel {
    /// Energy of one weight unit (one ALU cycle) in pJ, solved from the datasheet run current.
    pub unit_pj: f64,
    /// Class weights.
    pub weights: ClassWeights,
    /// Memory-access weights.
    pub access: AccessWeights,
    /// Static power in W.
    pub static_w: f64,
    /// Sleep power in W.
    pub sleep_w: f64,
}

impl EnergyModel {
    /// The model of a board, or `None` when the board has no `[power]` facts.
    pub fn new(board: &Board) -> Option<EnergyModel> {
        let p = board.power.as_ref()?;
        let (w, a) = (p.weights, p.access);
        // Reference mix per instruction: weight units and cycles.
        let mut units = a.fetch;
        let mut cycles = 0.0;
        for e in REFERENCE_MIX {
            units += e.share * e.cpi * w.get(e.class);
            cycles += e.share * e.cpi;
            if matches!(e.class, InstrClass::Load | InstrClass::Store) {
                units += e.share * a.sram;
            }
        }
        // µA/MHz × V = pJ per cycle.
        let pj_per_cycle = p.run_ua_per_mhz * p.supply_v;
        Some(EnergyModel {
            unit_pj: pj_per_cycle * cycles / units,
            weights: w,
            access: a,
            static_w: p.static_ua * 1e-6 * p.supply_v,
            sleep_w: p.sleep_ua * 1e-6 * p.supply_v,
        })
    }

    /// Prices an activity.
    pub fn energy(&self, a: &Activity) -> Energy {
        let uj = self.unit_pj * 1e-6;
        let mut core_units: f64 = InstrClass::ALL
            .iter()
            .map(|c| self.weights.get(*c) * a.cycles_by_class[*c as usize] as f64)
            .sum();
        core_units += self.weights.other * a.other_cycles() as f64;
        let data = a.data_accesses();
        let flash_reads = a.flash_data_reads.min(data);
        let core_uj = core_units * uj;
        let fetch_uj = self.access.fetch * a.instructions() as f64 * uj;
        let sram_uj = self.access.sram * (data - flash_reads) as f64 * uj;
        let flash_uj = self.access.flash * flash_reads as f64 * uj;
        let static_uj = self.static_w * a.active_seconds() * 1e6;
        let sleep_uj = self.sleep_w * a.sleep_seconds() * 1e6;
        let active_uj = core_uj + fetch_uj + sram_uj + flash_uj + static_uj;
        Energy {
            core_uj,
            fetch_uj,
            sram_uj,
            flash_uj,
            static_uj,
            active_uj,
            sleep_uj,
            total_uj: active_uj + sleep_uj,
        }
    }

    /// Average power in mW of an activity (0 for an empty one).
    pub fn avg_power_mw(&self, a: &Activity) -> f64 {
        let s = a.seconds();
        if s > 0.0 {
            self.energy(a).total_uj / s / 1000.0
        } else {
            0.0
        }
    }
}

/// Checks a board's power facts: positive supply and run current, finite non-negative
/// currents and weights.
pub fn validate(p: &PowerSpec) -> Result<(), String> {
    if !(p.supply_v.is_finite() && p.supply_v > 0.0) {
        return Err(format!(
            "power.supply_v {} is not a positive number",
            p.supply_v
        ));
    }
    if !(p.run_ua_per_mhz.is_finite() && p.run_ua_per_mhz > 0.0) {
        return Err(format!(
            "power.run_ua_per_mhz {} is not a positive number",
            p.run_ua_per_mhz
        ));
    }
    for (name, v) in [("static_ua", p.static_ua), ("sleep_ua", p.sleep_ua)] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(format!("power.{name} {v} is not a number >= 0"));
        }
    }
    let w = p.weights;
    let weights = w.named().map(|(k, v)| ("weights", k, v));
    let access = [
        ("access", "fetch", p.access.fetch),
        ("access", "sram", p.access.sram),
        ("access", "flash", p.access.flash),
    ];
    for (table, key, v) in weights.chain(access) {
        if !(v.is_finite() && v >= 0.0) {
            return Err(format!("power.{table}.{key} {v} is not a number >= 0"));
        }
    }
    if REFERENCE_MIX.iter().any(|e| w.get(e.class) <= 0.0) {
        return Err("power weights of alu, load, store, branch and mul must be > 0 (they calibrate the model)".into());
    }
    Ok(())
}

/// Energy of the run so far, or `None` when the board has no power facts.
pub fn energy(m: &Machine) -> Option<Energy> {
    let model = EnergyModel::new(&m.board)?;
    Some(model.energy(&Activity::of_machine(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mix_activity(instructions: u64, hz: u64) -> Activity {
        let mut a = Activity::default();
        for e in REFERENCE_MIX {
            let n = (e.share * instructions as f64).round() as u64;
            a.by_class[e.class as usize] = n;
            a.cycles_by_class[e.class as usize] = (n as f64 * e.cpi).round() as u64;
        }
        a.cycles = a.cycles_by_class.iter().sum();
        a.ps = crate::clock::Segment {
            cycle: 0,
            ps: 0,
            hz,
        }
        .ps_at(a.cycles);
        a
    }

    #[test]
    fn reference_mix_draws_the_datasheet_run_current() {
        for name in ["nano33ble", "nucleo-l4r5zi", "disco-f746ng", "pico"] {
            let b = Board::load(name).unwrap();
            let p = b.power.clone().unwrap();
            let m = EnergyModel::new(&b).unwrap();
            let a = mix_activity(1_000_000, b.clock_hz);
            let mw = m.avg_power_mw(&a);
            let want =
                (p.run_ua_per_mhz * b.clock_hz as f64 / 1e6 + p.static_ua) * p.supply_v / 1000.0;
            assert!(
                (mw - want).abs() < want * 1e-9,
                "{name}: {mw} mW, datasheet {want} mW"
            );
        }
        // nRF52840 PS v1.7 §5.2: 52 µA/MHz at 3.0 V -> 9.984 mW at 64 MHz.
        let m = EnergyModel::new(&Board::load("nano33ble").unwrap()).unwrap();
        assert!((m.avg_power_mw(&mix_activity(1000, 64_000_000)) - 9.984).abs() < 1e-9);
    }

    #[test]
    fn heavier_classes_and_flash_reads_cost_more() {
        let m = EnergyModel::new(&Board::load("nano33ble").unwrap()).unwrap();
        let mut alu = Activity::default();
        alu.by_class[InstrClass::Alu as usize] = 1000;
        alu.cycles_by_class[InstrClass::Alu as usize] = 1000;
        alu.cycles = 1000;
        let mut dsp = alu;
        dsp.by_class = [0; InstrClass::COUNT];
        dsp.cycles_by_class = [0; InstrClass::COUNT];
        dsp.by_class[InstrClass::Dsp as usize] = 1000;
        dsp.cycles_by_class[InstrClass::Dsp as usize] = 1000;
        assert!(m.energy(&dsp).total_uj > m.energy(&alu).total_uj);
        let mut loads = alu;
        loads.by_class = [0; InstrClass::COUNT];
        loads.cycles_by_class = [0; InstrClass::COUNT];
        loads.by_class[InstrClass::Load as usize] = 500;
        loads.cycles_by_class[InstrClass::Load as usize] = 1000;
        let mut flash = loads;
        flash.flash_data_reads = 500;
        let (s, f) = (m.energy(&loads), m.energy(&flash));
        assert!(f.total_uj > s.total_uj && f.flash_uj > 0.0 && f.sram_uj == 0.0);
        assert!(s.sram_uj > 0.0 && s.flash_uj == 0.0);
    }

    #[test]
    fn sleep_costs_sleep_current_only() {
        let b = Board::load("nano33ble").unwrap();
        let m = EnergyModel::new(&b).unwrap();
        let a = Activity {
            cycles: 64_000_000,
            sleep_cycles: 64_000_000,
            ps: crate::clock::PS_PER_S,
            sleep_ps: crate::clock::PS_PER_S,
            ..Activity::default()
        };
        let e = m.energy(&a);
        // 1 s at 1.5 µA and 3.0 V = 4.5 µJ.
        assert!(
            (e.total_uj - 4.5).abs() < 1e-9 && e.active_uj == 0.0,
            "{e:?}"
        );
    }

    #[test]
    fn bad_power_facts_are_named_with_their_number() {
        let nano = crate::board::BUILTIN[0].1;
        let with = |extra: &str| Board::from_toml(&format!("{nano}\n{extra}\n"), "x.toml");
        let err = with("[power.weights]\nmul = -1.5").unwrap_err().to_string();
        assert!(err.contains("power.weights.mul -1.5"), "{err}");
        let err = with("[power.access]\nflash = nan").unwrap_err().to_string();
        assert!(err.contains("power.access.flash NaN"), "{err}");
        let err = with("[power.weights]\nalu = 0.0").unwrap_err().to_string();
        assert!(err.contains("calibrate"), "{err}");
        let err = with("[power.weights]\nbogus = 1.0")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bogus"), "{err}");
        let b = with("[power.weights]\ndsp = 2.0").unwrap();
        assert_eq!(b.power.unwrap().weights.dsp, 2.0);
    }

    #[test]
    fn activity_differences_add_back_up() {
        let a = mix_activity(1000, 64_000_000);
        let b = mix_activity(3000, 64_000_000);
        let mut d = b.since(&a);
        d.add(&a);
        assert_eq!(d, b);
    }
}

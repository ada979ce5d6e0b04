//! Energy model: active energy from the board's datasheet run current per MHz over the active
//! cycles, plus sleep current over the cycles spent in WFI/WFE. Per-class weights (the timing
//! and energy issue) refine the active part; the constants live in the board TOML with sources.

use crate::machine::Machine;

/// Energy of a run, in µJ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Energy {
    /// Active (executing) energy.
    pub active_uj: f64,
    /// Sleep energy.
    pub sleep_uj: f64,
    /// Sum.
    pub total_uj: f64,
}

/// Energy of the run so far, or `None` when the board has no power facts.
pub fn energy(m: &Machine) -> Option<Energy> {
    let p = m.board.power.as_ref()?;
    let clock = m.board.clock_hz as f64;
    let active_s = m.bus.now.saturating_sub(m.stats.sleep_cycles) as f64 / clock;
    let sleep_s = m.stats.sleep_cycles as f64 / clock;
    let run_ua = p.run_ua_per_mhz * clock / 1e6 + p.static_ua;
    // µA × V × s = µJ
    let active_uj = run_ua * p.supply_v * active_s;
    let sleep_uj = p.sleep_ua * p.supply_v * sleep_s;
    Some(Energy {
        active_uj,
        sleep_uj,
        total_uj: active_uj + sleep_uj,
    })
}

/// Energy of one active cycle in µJ (run current at the board clock), or `None` without power
/// facts.
pub fn uj_per_active_cycle(board: &crate::board::Board) -> Option<f64> {
    let p = board.power.as_ref()?;
    let clock = board.clock_hz as f64;
    let run_ua = p.run_ua_per_mhz * clock / 1e6 + p.static_ua;
    Some(run_ua * p.supply_v / clock)
}

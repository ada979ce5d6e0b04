//! `--budget KEY=VALUE,...`: limits a run must stay within, for CI.

use crate::exit::{self, Failure};
use sim_core::report::Report;

/// What a budget limits.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Key {
    Cycles,
    LatencyMs,
    Sram,
    Flash,
    Stack,
    EnergyUj,
}

const KEYS: [(&str, Key); 6] = [
    ("cycles", Key::Cycles),
    ("latency_ms", Key::LatencyMs),
    ("sram", Key::Sram),
    ("flash", Key::Flash),
    ("stack", Key::Stack),
    ("energy_uj", Key::EnergyUj),
];

/// Parsed budgets.
#[derive(Debug, Default)]
pub struct Budgets(Vec<(Key, f64)>);

/// Parses "256K", "1M", "1500", "2.5".
fn number(s: &str) -> Option<f64> {
    let (digits, mult) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1024.0),
        'm' | 'M' => (&s[..s.len() - 1], 1024.0 * 1024.0),
        _ => (s, 1.0),
    };
    let v: f64 = digits.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v * mult)
}

impl Budgets {
    /// Parses every `--budget` argument.
    pub fn parse(args: &[String]) -> Result<Budgets, Failure> {
        let mut out = Vec::new();
        for arg in args {
            for item in arg.split(',').filter(|s| !s.is_empty()) {
                let bad = || {
                    Failure::new(
                        exit::BAD_ARGUMENT,
                        format!(
                            "--budget {item}: expected KEY=VALUE with KEY one of {}",
                            KEYS.map(|(n, _)| n).join(", ")
                        ),
                    )
                };
                let (k, v) = item.split_once('=').ok_or_else(bad)?;
                let key = KEYS.iter().find(|(n, _)| *n == k).ok_or_else(bad)?.1;
                let value = number(v).ok_or_else(bad)?;
                out.push((key, value));
            }
        }
        Ok(Budgets(out))
    }

    /// One line per exceeded budget.
    pub fn check(&self, r: &Report) -> Vec<String> {
        let mut out = Vec::new();
        for &(key, limit) in &self.0 {
            let (name, actual, unit) = match key {
                Key::Cycles => ("cycles", r.cycles as f64, ""),
                Key::LatencyMs => ("latency_ms", r.millis(), " ms"),
                Key::Sram => ("sram", r.memory.sram_peak as f64, " bytes"),
                Key::Flash => ("flash", r.memory.flash_used as f64, " bytes"),
                Key::Stack => ("stack", r.memory.stack_peak as f64, " bytes"),
                Key::EnergyUj => ("energy_uj", r.energy_uj.unwrap_or(0.0), " µJ"),
            };
            if actual > limit {
                out.push(format!(
                    "{name} {actual:.3}{unit} > budget {limit:.3}{unit} (over by {:.3})",
                    actual - limit
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_suffixes_and_rejects_unknown_keys() {
        let b = Budgets::parse(&["sram=256K,cycles=1000".into(), "latency_ms=2.5".into()]).unwrap();
        assert_eq!(
            b.0,
            vec![
                (Key::Sram, 262144.0),
                (Key::Cycles, 1000.0),
                (Key::LatencyMs, 2.5)
            ]
        );
        let e = Budgets::parse(&["ram=1".into()]).unwrap_err();
        assert_eq!(e.code, exit::BAD_ARGUMENT);
        assert!(
            e.message.contains("ram=1") && e.message.contains("latency_ms"),
            "{}",
            e.message
        );
        assert!(Budgets::parse(&["cycles=-3".into()]).is_err());
    }
}

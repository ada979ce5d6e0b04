//! `--budget KEY=VALUE,...`: limits a run must stay within, for CI. Values take units
//! (`flash=1MiB`, `stack=8K`, `cycles=2M`, `latency_ms=20`), `roi.*` keys hold the slowest
//! call of each `--roi` function to its limit, and an exceeded budget is reported in the unit
//! the user wrote: `roi.latency_ms: 23.4 ms > 20 ms (over by 17%)`.

use crate::report::{group, Report, RoiReport};

/// What a budget limits, and in which kind of unit.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Key {
    Cycles,
    LatencyMs,
    Sram,
    Flash,
    Stack,
    EnergyUj,
    RoiCycles,
    RoiLatencyMs,
    RoiEnergyUj,
}

/// The kind of quantity, which decides the units a value may carry.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Quantity {
    /// Cycles: k, M, G are powers of 1000.
    Count,
    /// Bytes: K/KB/KiB and M/MB/MiB are powers of 1024 (as linker scripts and datasheets
    /// mean them).
    Bytes,
    /// Time, in ms unless `us`, `ms` or `s` follows.
    Millis,
    /// Energy, in µJ unless `uJ`, `mJ` or `J` follows.
    Microjoules,
}

const KEYS: [(&str, Key, Quantity); 9] = [
    ("cycles", Key::Cycles, Quantity::Count),
    ("latency_ms", Key::LatencyMs, Quantity::Millis),
    ("sram", Key::Sram, Quantity::Bytes),
    ("flash", Key::Flash, Quantity::Bytes),
    ("stack", Key::Stack, Quantity::Bytes),
    ("energy_uj", Key::EnergyUj, Quantity::Microjoules),
    ("roi.cycles", Key::RoiCycles, Quantity::Count),
    ("roi.latency_ms", Key::RoiLatencyMs, Quantity::Millis),
    ("roi.energy_uj", Key::RoiEnergyUj, Quantity::Microjoules),
];

impl Quantity {
    /// The largest budget that means something: 2^64 - 1 cycles (the counter), 4 GiB (the
    /// 32-bit address space), 10^12 ms (31 years), 10^15 µJ (1 GJ).
    fn max(self) -> (f64, &'static str) {
        match self {
            Quantity::Count => (u64::MAX as f64, "2^64 - 1 cycles"),
            Quantity::Bytes => (4.0 * 1024.0 * 1024.0 * 1024.0, "4 GiB"),
            Quantity::Millis => (1e12, "1e12 ms"),
            Quantity::Microjoules => (1e15, "1e15 µJ"),
        }
    }
}

/// A unit as the user wrote it: its label in messages and its size in the key's base unit
/// (cycles, bytes, ms, µJ).
#[derive(Debug, Clone, PartialEq)]
struct Unit {
    label: String,
    scale: f64,
}

/// One budget.
#[derive(Debug, Clone, PartialEq)]
struct Budget {
    key: Key,
    name: &'static str,
    /// The limit in the key's base unit.
    limit: f64,
    /// The number as the user wrote it ("1", "2.5").
    written: String,
    unit: Unit,
}

/// Parsed budgets.
#[derive(Debug, Default)]
pub struct Budgets(Vec<Budget>);

/// Splits "1.5MiB" into ("1.5", "MiB").
fn split_number(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// The unit of a suffix for a quantity.
fn unit(q: Quantity, suffix: &str) -> Option<Unit> {
    let u = |label: &str, scale: f64| {
        Some(Unit {
            label: label.to_string(),
            scale,
        })
    };
    let lower = suffix.to_ascii_lowercase();
    match q {
        Quantity::Count => match lower.as_str() {
            "" => u("cycles", 1.0),
            "k" => u("k cycles", 1e3),
            "m" => u("M cycles", 1e6),
            "g" => u("G cycles", 1e9),
            _ => None,
        },
        Quantity::Bytes => match lower.as_str() {
            "" | "b" => u("bytes", 1.0),
            "k" | "kb" | "kib" => u(suffix, 1024.0),
            "m" | "mb" | "mib" => u(suffix, 1024.0 * 1024.0),
            _ => None,
        },
        Quantity::Millis => match lower.as_str() {
            "" | "ms" => u("ms", 1.0),
            "us" | "µs" => u("µs", 1e-3),
            "s" => u("s", 1e3),
            _ => None,
        },
        Quantity::Microjoules => match lower.as_str() {
            "" | "uj" | "µj" => u("µJ", 1.0),
            "mj" => u("mJ", 1e3),
            "j" => u("J", 1e6),
            _ => None,
        },
    }
}

/// A figure for a message: three significant digits or so, grouped when large.
fn figure(v: f64) -> String {
    if v >= 1000.0 {
        group(v.round() as u64)
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

impl Budgets {
    /// Parses every `--budget` argument; the error is one line naming the item.
    pub fn parse(args: &[String]) -> Result<Budgets, String> {
        let mut out = Vec::new();
        for arg in args {
            for item in arg.split(',').filter(|s| !s.is_empty()) {
                let bad = |why: String| format!("--budget {item}: {why}");
                let (k, v) = item
                    .split_once('=')
                    .ok_or_else(|| bad("expected KEY=VALUE".into()))?;
                let &(name, key, q) = KEYS.iter().find(|(n, _, _)| *n == k).ok_or_else(|| {
                    bad(format!(
                        "unknown key '{k}': expected one of {}",
                        KEYS.map(|(n, _, _)| n).join(", ")
                    ))
                })?;
                let (digits, suffix) = split_number(v.trim());
                let value: f64 = digits
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite())
                    .ok_or_else(|| bad(format!("'{v}' is not a non-negative number")))?;
                let unit = unit(q, suffix.trim()).ok_or_else(|| {
                    bad(format!(
                        "unknown unit '{suffix}' for {name} (expected {})",
                        match q {
                            Quantity::Count => "none, k, M or G",
                            Quantity::Bytes => "none (bytes), K/KB/KiB or M/MB/MiB",
                            Quantity::Millis => "none (ms), us, ms or s",
                            Quantity::Microjoules => "none (µJ), uJ, mJ or J",
                        }
                    ))
                })?;
                let limit = value * unit.scale;
                let (max, says) = q.max();
                if limit > max {
                    return Err(bad(format!("out of range (at most {says})")));
                }
                out.push(Budget {
                    key,
                    name,
                    limit,
                    written: digits.to_string(),
                    unit,
                });
            }
        }
        Ok(Budgets(out))
    }

    /// Whether a budget needs `--roi`.
    pub fn needs_roi(&self) -> Option<&'static str> {
        self.0
            .iter()
            .find(|b| matches!(b.key, Key::RoiCycles | Key::RoiLatencyMs | Key::RoiEnergyUj))
            .map(|b| b.name)
    }

    /// One line per exceeded budget, in the units the user wrote.
    pub fn check(&self, r: &Report) -> Vec<String> {
        let mut out = Vec::new();
        for b in &self.0 {
            let whole = |actual: Option<f64>| vec![(None, actual)];
            let per_roi = |f: &dyn Fn(&RoiReport) -> Option<f64>| {
                r.roi
                    .iter()
                    .map(|roi| (Some(roi), if roi.calls == 0 { None } else { f(roi) }))
                    .collect::<Vec<_>>()
            };
            let figures = match b.key {
                Key::Cycles => whole(Some(r.cycles as f64)),
                Key::LatencyMs => whole(Some(r.millis())),
                Key::Sram => whole(Some(r.memory.sram_peak as f64)),
                Key::Flash => whole(Some(r.memory.flash_used as f64)),
                Key::Stack => whole(Some(r.memory.stack_peak as f64)),
                Key::EnergyUj => whole(r.energy_uj),
                Key::RoiCycles => per_roi(&|x| Some(x.cycles_max as f64)),
                Key::RoiLatencyMs => per_roi(&|x| Some(x.latency_ms_max)),
                Key::RoiEnergyUj => per_roi(&|x| x.energy_uj_max),
            };
            for (roi, actual) in figures {
                let which = roi.map_or(String::new(), |x| match x.calls {
                    1 => format!(" in {}, its only call", x.symbol),
                    n => format!(" in {}, the slowest of {n} calls", x.symbol),
                });
                let Some(actual) = actual else {
                    let why = match roi {
                        Some(x) if x.calls == 0 => {
                            format!("{} was never called, so its budget cannot be met", x.symbol)
                        }
                        _ => format!("board {} has no power model", r.board),
                    };
                    out.push(format!("{}: {why}", b.name));
                    continue;
                };
                if actual <= b.limit {
                    continue;
                }
                let over = if b.limit > 0.0 {
                    let pct = (actual - b.limit) * 100.0 / b.limit;
                    if pct >= 1.0 {
                        format!("over by {pct:.0}%")
                    } else {
                        format!("over by {pct:.2}%")
                    }
                } else {
                    "the budget is 0".to_string()
                };
                let unit = &b.unit;
                out.push(format!(
                    "{}: {} {} > {} {} ({over}){which}",
                    b.name,
                    figure(actual / unit.scale),
                    unit.label,
                    b.written,
                    unit.label
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
    fn parses_units_and_rejects_unknown_keys_and_units() {
        let b = Budgets::parse(&[
            "sram=256K,cycles=2M,flash=1MiB".into(),
            "latency_ms=2.5,roi.latency_ms=500us,energy_uj=1mJ".into(),
        ])
        .unwrap();
        let limits: Vec<(Key, f64)> = b.0.iter().map(|x| (x.key, x.limit)).collect();
        assert_eq!(
            limits,
            vec![
                (Key::Sram, 262144.0),
                (Key::Cycles, 2e6),
                (Key::Flash, 1048576.0),
                (Key::LatencyMs, 2.5),
                (Key::RoiLatencyMs, 0.5),
                (Key::EnergyUj, 1000.0),
            ]
        );
        let e = Budgets::parse(&["ram=1".into()]).unwrap_err();
        assert!(e.contains("ram=1") && e.contains("roi.latency_ms"), "{}", e);
        let e = Budgets::parse(&["flash=1GB".into()]).unwrap_err();
        assert!(e.contains("unknown unit 'GB' for flash"), "{}", e);
        assert!(Budgets::parse(&["cycles=-3".into()]).is_err());
        assert!(Budgets::parse(&["cycles=".into()]).is_err());
        for (item, says) in [
            ("sram=5000000M", "at most 4 GiB"),
            ("stack=5000000K", "at most 4 GiB"),
            ("cycles=100000000000000000000", "at most 2^64 - 1 cycles"),
            ("roi.cycles=100000000000G", "at most 2^64 - 1 cycles"),
            ("latency_ms=2000000000000", "at most 1e12 ms"),
            ("energy_uj=10000000000J", "at most 1e15 µJ"),
        ] {
            let e = Budgets::parse(&[item.into()]).unwrap_err();
            assert!(e.contains(says), "{item}: {}", e);
        }
        assert!(
            Budgets::parse(&["sram=4194304K".into()]).is_ok(),
            "4 GiB itself"
        );
    }

    #[test]
    fn figures_read_like_a_person_wrote_them() {
        assert_eq!(figure(23.4), "23.4");
        assert_eq!(figure(1.2345), "1.23");
        assert_eq!(figure(67217.0), "67,217");
    }
}

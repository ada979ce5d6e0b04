//! A bench report as a text table, as CSV, and against a baseline.

use crate::matrix::{BenchReport, Row};
use sim_core::report::group;
use sim_core::units::bytes;
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map_or_else(|| "-".to_string(), f)
}

/// Headroom of a limit: "982.1 KiB (96%)" left, or "OVER by 1.2 KiB".
fn headroom(left: Option<i64>, size: Option<u64>) -> String {
    match (left, size) {
        (Some(l), Some(s)) if l >= 0 => {
            let pct = if s > 0 {
                l as f64 * 100.0 / s as f64
            } else {
                0.0
            };
            format!("{} ({pct:.0}%)", bytes(l as u64))
        }
        (Some(l), Some(_)) => format!("OVER by {}", bytes(l.unsigned_abs())),
        _ => "-".into(),
    }
}

/// A column of the table: its title (with the unit) and how a row fills it.
type Column = (String, Box<dyn Fn(&Row) -> String>);

/// The columns of the table.
fn columns(r: &BenchReport) -> Vec<Column> {
    let mut cols: Vec<Column> = vec![
        ("elf".into(), Box::new(|r: &Row| r.elf_name.clone())),
        ("board".into(), Box::new(|r: &Row| r.board.clone())),
    ];
    if r.rows.iter().any(|x| x.input.is_some()) {
        cols.push((
            "input".into(),
            Box::new(|r: &Row| r.input.clone().unwrap_or_default()),
        ));
    }
    cols.push(("status".into(), Box::new(|r: &Row| r.status.clone())));
    cols.push(("cycles".into(), Box::new(|r: &Row| opt(r.cycles, group))));
    cols.push((
        "latency_ms".into(),
        Box::new(|r: &Row| opt(r.latency_ms, |v| format!("{v:.3}"))),
    ));
    cols.push((
        "energy_uj".into(),
        Box::new(|r: &Row| opt(r.energy_uj, |v| format!("{v:.2}"))),
    ));
    cols.push(("flash".into(), Box::new(|r: &Row| opt(r.flash_used, bytes))));
    cols.push((
        "sram_peak".into(),
        Box::new(|r: &Row| opt(r.sram_peak, bytes)),
    ));
    cols.push((
        "stack_peak".into(),
        Box::new(|r: &Row| opt(r.stack_peak, bytes)),
    ));
    let rois: Vec<String> = r
        .rows
        .iter()
        .flat_map(|x| x.roi.iter().map(|y| y.symbol.clone()))
        .fold(Vec::new(), |mut v, s| {
            if !v.contains(&s) {
                v.push(s);
            }
            v
        });
    for sym in rois {
        let s1 = sym.clone();
        cols.push((
            format!("{sym} cycles/call"),
            Box::new(move |r: &Row| {
                opt(r.roi.iter().find(|x| x.symbol == s1), |x| {
                    group(x.cycles.round() as u64)
                })
            }),
        ));
        let s2 = sym.clone();
        cols.push((
            format!("{sym} ms/call"),
            Box::new(move |r: &Row| {
                opt(r.roi.iter().find(|x| x.symbol == s2), |x| {
                    format!("{:.3}", x.latency_ms)
                })
            }),
        ));
    }
    if r.rows.iter().any(|x| x.output.is_some()) {
        cols.push((
            "class".into(),
            Box::new(|r: &Row| opt(r.class, |c| c.to_string())),
        ));
        cols.push((
            "label".into(),
            Box::new(|r: &Row| opt(r.label, |c| c.to_string())),
        ));
        cols.push((
            "output".into(),
            Box::new(|r: &Row| {
                opt(r.output.as_ref(), |o| {
                    o.iter()
                        .map(|v| format!("{v}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
            }),
        ));
    }
    cols.push((
        "flash_free".into(),
        Box::new(|r: &Row| headroom(r.flash_headroom(), r.flash_size)),
    ));
    cols.push((
        "sram_free".into(),
        Box::new(|r: &Row| headroom(r.sram_headroom(), r.sram_size)),
    ));
    cols
}

/// The table for a terminal: one line per row, then the rows that did not run cleanly with
/// why, then the top-1 accuracy per ELF and board when inputs were labelled.
pub fn table(r: &BenchReport) -> String {
    let cols = columns(r);
    let cells: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|row| cols.iter().map(|(_, f)| f(row)).collect())
        .collect();
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, (t, _))| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([t.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    let line = |s: &mut String, items: Vec<&str>| {
        let mut l = String::new();
        for (i, it) in items.iter().enumerate() {
            // Names left, figures right.
            if i < 3 {
                let _ = write!(l, "{it:<w$}  ", w = widths[i]);
            } else {
                let _ = write!(l, "{it:>w$}  ", w = widths[i]);
            }
        }
        let _ = writeln!(s, "{}", l.trim_end());
    };
    line(&mut s, cols.iter().map(|(t, _)| t.as_str()).collect());
    for c in &cells {
        line(&mut s, c.iter().map(String::as_str).collect());
    }
    for row in r.rows.iter().filter(|x| x.detail.is_some()) {
        let _ = writeln!(
            s,
            "{} on {}{}: {}: {}",
            row.elf_name,
            row.board,
            row.input
                .as_ref()
                .map_or(String::new(), |i| format!(" ({i})")),
            row.status,
            row.detail.as_deref().unwrap_or_default()
        );
    }
    for (elf, board, ok, n) in r.accuracy() {
        let _ = writeln!(
            s,
            "top-1 accuracy of {elf} on {board}: {ok}/{n} = {:.1}% (labelled inputs, simulated board)",
            if n > 0 { ok as f64 * 100.0 / n as f64 } else { 0.0 }
        );
    }
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The rows as CSV: plain numbers (bytes, cycles, ms, µJ) for spreadsheets, with the columns
/// of the JSON report.
pub fn csv(r: &BenchReport) -> String {
    let mut out = String::from(
        "elf,board,input,status,instructions,cycles,latency_ms,energy_uj,flash_used,flash_size,\
         flash_free,sram_peak,sram_size,sram_free,stack_peak,fits,roi,roi_calls,roi_cycles,\
         roi_latency_ms,roi_energy_uj,class,label,elf_sha256,detail\n",
    );
    let n = |v: Option<u64>| v.map_or(String::new(), |x| x.to_string());
    let i = |v: Option<i64>| v.map_or(String::new(), |x| x.to_string());
    let f = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
    for row in &r.rows {
        let roi = row.roi.first();
        let fields = [
            row.elf.clone(),
            row.board.clone(),
            row.input.clone().unwrap_or_default(),
            row.status.clone(),
            n(row.instructions),
            n(row.cycles),
            f(row.latency_ms),
            f(row.energy_uj),
            n(row.flash_used),
            n(row.flash_size),
            i(row.flash_headroom()),
            n(row.sram_peak),
            n(row.sram_size),
            i(row.sram_headroom()),
            n(row.stack_peak),
            row.fits().map_or(String::new(), |b| b.to_string()),
            roi.map_or(String::new(), |x| x.symbol.clone()),
            n(roi.map(|x| x.calls)),
            f(roi.map(|x| x.cycles)),
            f(roi.map(|x| x.latency_ms)),
            f(roi.and_then(|x| x.energy_uj)),
            row.class.map_or(String::new(), |c| c.to_string()),
            row.label.map_or(String::new(), |c| c.to_string()),
            row.elf_sha256.clone(),
            row.detail.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|x| csv_field(x)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// A figure compared with its baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// "kws-nano33ble.elf on nano33ble".
    pub cell: String,
    /// Which figure ("cycles", "model_invoke cycles/call").
    pub figure: String,
    /// Baseline value.
    pub old: f64,
    /// This run's value.
    pub new: f64,
    /// Change in percent of the baseline (positive: larger, worse).
    pub pct: f64,
    /// Larger than the baseline by more than the allowed regression.
    pub regression: bool,
}

/// The figures a regression is judged on (all: smaller is better).
fn figures(r: &Row) -> Vec<(String, Option<f64>)> {
    let mut v = vec![
        ("cycles".to_string(), r.cycles.map(|x| x as f64)),
        ("latency_ms".into(), r.latency_ms),
        ("energy_uj".into(), r.energy_uj),
        ("flash_used".into(), r.flash_used.map(|x| x as f64)),
        ("sram_peak".into(), r.sram_peak.map(|x| x as f64)),
        ("stack_peak".into(), r.stack_peak.map(|x| x as f64)),
    ];
    for x in &r.roi {
        v.push((format!("{} cycles/call", x.symbol), Some(x.cycles)));
        v.push((format!("{} energy_uj/call", x.symbol), x.energy_uj));
    }
    v
}

/// Compares every figure of every row with the baseline's row of the same ELF file name,
/// board and input; `max_regress` is the allowed growth in percent. Returns the figures that
/// changed and the cells of either side with no partner.
pub fn compare(
    now: &BenchReport,
    base: &BenchReport,
    max_regress: f64,
) -> (Vec<Change>, Vec<String>) {
    let old: BTreeMap<_, &Row> = base.rows.iter().map(|r| (r.key(), r)).collect();
    let mut changes = Vec::new();
    let mut unmatched = Vec::new();
    for r in &now.rows {
        let cell = format!(
            "{} on {}{}",
            r.elf_name,
            r.board,
            r.input
                .as_ref()
                .map_or(String::new(), |i| format!(" ({i})"))
        );
        let Some(b) = old.get(&r.key()) else {
            unmatched.push(format!("{cell}: not in the baseline"));
            continue;
        };
        let before: BTreeMap<String, Option<f64>> = figures(b).into_iter().collect();
        for (figure, new) in figures(r) {
            let (Some(new), Some(Some(old))) = (new, before.get(&figure)) else {
                continue;
            };
            // JSON text round-trips a float to within an ulp, not always exactly.
            if (new - old).abs() <= 1e-9 * old.abs().max(new.abs()) {
                continue;
            }
            let pct = if *old != 0.0 {
                (new - old) * 100.0 / old
            } else {
                f64::INFINITY
            };
            changes.push(Change {
                cell: cell.clone(),
                figure,
                old: *old,
                new,
                pct,
                regression: pct > max_regress,
            });
        }
        if b.status != r.status {
            changes.push(Change {
                cell: cell.clone(),
                figure: format!("status {} -> {}", b.status, r.status),
                old: 0.0,
                new: 0.0,
                pct: 0.0,
                regression: b.status == "ok" && r.status != "ok",
            });
        }
    }
    let keys: std::collections::BTreeSet<_> = now.rows.iter().map(Row::key).collect();
    for b in &base.rows {
        if !keys.contains(&b.key()) {
            unmatched.push(format!(
                "{} on {}: in the baseline, not in this run",
                b.elf_name, b.board
            ));
        }
    }
    (changes, unmatched)
}

/// The baseline comparison for a terminal.
pub fn changes_text(changes: &[Change], unmatched: &[String], max_regress: f64) -> String {
    let mut s = String::new();
    let regressions = changes.iter().filter(|c| c.regression).count();
    let _ = writeln!(
        s,
        "against the baseline: {} figures changed, {regressions} regressed by more than {max_regress}%",
        changes.len()
    );
    for c in changes {
        if c.figure.starts_with("status") {
            let _ = writeln!(
                s,
                "  {}{}: {}",
                if c.regression { "REGRESSION " } else { "" },
                c.cell,
                c.figure
            );
            continue;
        }
        let _ = writeln!(
            s,
            "  {}{}: {} {} -> {} ({:+.2}%)",
            if c.regression { "REGRESSION " } else { "" },
            c.cell,
            c.figure,
            trim(c.old),
            trim(c.new),
            c.pct
        );
    }
    for u in unmatched {
        let _ = writeln!(s, "  {u}");
    }
    s
}

fn trim(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        group(v.abs() as u64)
    } else {
        format!("{v:.3}")
    }
}

//! The matrix: which cells to run (ELFs x boards x inputs, sharded), running them in parallel,
//! and the rows they give.

use crate::{compose, symbols};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sim_core::board::Board;
use sim_core::loader::Image;
use sim_core::machine::{Limits, StopReason};
use sim_core::report::Report;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Version of the bench JSON's layout; bumped when a key changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// The K-th of N slices of a matrix (1-based): cells K-1, K-1+N, K-1+2N, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which slice, 1..=N.
    pub index: usize,
    /// How many slices.
    pub count: usize,
}

impl Shard {
    /// Parses "K/N".
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s}: expected K/N with 1 <= K <= N (e.g. 2/4)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether cell number `i` (0-based, in matrix order) belongs to this slice.
    pub fn holds(self, i: usize) -> bool {
        i % self.count == self.index - 1
    }
}

/// How the output symbol's bytes are read as numbers (for the class: the largest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    /// Signed bytes (int8 models).
    I8,
    /// Unsigned bytes.
    U8,
    /// Little-endian 16-bit signed.
    I16,
    /// Little-endian IEEE single precision.
    F32,
}

impl Dtype {
    /// Parses "int8", "uint8", "int16", "float32" (also "i8", "u8", "i16", "f32").
    pub fn parse(s: &str) -> Option<Dtype> {
        Some(match s {
            "int8" | "i8" => Dtype::I8,
            "uint8" | "u8" => Dtype::U8,
            "int16" | "i16" => Dtype::I16,
            "float32" | "f32" | "float" => Dtype::F32,
            _ => return None,
        })
    }

    fn decode(self, b: &[u8]) -> Vec<f64> {
        match self {
            Dtype::I8 => b.iter().map(|&x| f64::from(x as i8)).collect(),
            Dtype::U8 => b.iter().map(|&x| f64::from(x)).collect(),
            Dtype::I16 => b
                .chunks_exact(2)
                .map(|c| f64::from(i16::from_le_bytes([c[0], c[1]])))
                .collect(),
            Dtype::F32 => b
                .chunks_exact(4)
                .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .collect(),
        }
    }
}

/// Input files run through model firmware: each file is written into `load` before the run
/// and `dump` is read after it; with labels, each row says whether the top class was right.
#[derive(Debug, Clone)]
pub struct InputSpec {
    /// The input files, sorted by name.
    pub files: Vec<PathBuf>,
    /// Data symbol the input goes into.
    pub load: String,
    /// Data symbol the output comes from.
    pub dump: String,
    /// How the output's bytes are read.
    pub dtype: Dtype,
    /// Expected class per input file name.
    pub labels: BTreeMap<String, usize>,
}

impl InputSpec {
    /// The files of `dir` (regular files, sorted by name).
    pub fn files_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("--inputs {}: cannot read: {e}", dir.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(format!("--inputs {}: no files in it", dir.display()));
        }
        Ok(files)
    }

    /// Parses a labels file: one `FILE CLASS` per line (whitespace or a comma between; `#`
    /// starts a comment), CLASS the index of the expected top class.
    pub fn parse_labels(text: &str, path: &str) -> Result<BTreeMap<String, usize>, String> {
        let mut out = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|p| !p.is_empty());
            let (Some(file), Some(class), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(format!(
                    "{path}:{}: expected 'FILE CLASS', got '{line}'",
                    n + 1
                ));
            };
            let class = class
                .parse()
                .map_err(|_| format!("{path}:{}: class '{class}' is not a class index", n + 1))?;
            out.insert(file.to_string(), class);
        }
        Ok(out)
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Matrix {
    /// The ELFs: path as given, and the parsed image.
    pub elfs: Vec<(String, Image)>,
    /// The boards.
    pub boards: Vec<Board>,
    /// Functions measured per call (`--roi`).
    pub roi: Vec<String>,
    /// Input files, for model firmware.
    pub inputs: Option<InputSpec>,
    /// Run limits of every cell.
    pub limits: Limits,
    /// The slice of the matrix this run does.
    pub shard: Option<Shard>,
}

/// One cell: an ELF on a board (with an input file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Index into [`Matrix::elfs`].
    pub elf: usize,
    /// Index into [`Matrix::boards`].
    pub board: usize,
    /// Index into the input files.
    pub input: Option<usize>,
}

/// Per-call figures of a region of interest, in a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoiFigures {
    /// Function.
    pub symbol: String,
    /// Completed calls.
    pub calls: u64,
    /// Mean cycles per call.
    pub cycles: f64,
    /// Mean latency per call, ms.
    pub latency_ms: f64,
    /// Mean energy per call, µJ.
    pub energy_uj: Option<f64>,
}

/// What one cell gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The ELF's path as given.
    pub elf: String,
    /// Its file name: with `board` and `input` the key that matches rows to a baseline.
    pub elf_name: String,
    /// SHA-256 of the ELF file, hex.
    pub elf_sha256: String,
    /// Board name.
    pub board: String,
    /// Input file name (with `--inputs`).
    pub input: Option<String>,
    /// "ok" (the guest exited 0), "exit N", "does not fit", "fault", "limit", "deadlock",
    /// "breakpoint", "error".
    pub status: String,
    /// Why, when not "ok": the stop or the error in one line.
    pub detail: Option<String>,
    /// Instructions executed.
    pub instructions: Option<u64>,
    /// Cycles, sleep included.
    pub cycles: Option<u64>,
    /// Simulated time, ms.
    pub latency_ms: Option<f64>,
    /// Energy, µJ (null: the board has no power model).
    pub energy_uj: Option<f64>,
    /// Bytes loaded into flash.
    pub flash_used: Option<u64>,
    /// Flash of the board.
    pub flash_size: Option<u64>,
    /// Peak SRAM: static data, stacks and heap.
    pub sram_peak: Option<u64>,
    /// SRAM of the board.
    pub sram_size: Option<u64>,
    /// Main stack peak.
    pub stack_peak: Option<u64>,
    /// Regions of interest.
    pub roi: Vec<RoiFigures>,
    /// The output symbol read as numbers (with `--inputs`).
    pub output: Option<Vec<f64>>,
    /// Index of the largest output: the top-1 class.
    pub class: Option<usize>,
    /// Expected class from the labels file.
    pub label: Option<usize>,
}

impl Row {
    /// Whether the cell failed: anything but a clean run ("ok") or the answer that the ELF
    /// does not fit the board (a comparison of boards expects some of those).
    pub fn is_failure(&self) -> bool {
        self.status != "ok" && self.status != "does not fit"
    }

    /// Flash left, bytes (negative: over).
    pub fn flash_headroom(&self) -> Option<i64> {
        Some(self.flash_size? as i64 - self.flash_used? as i64)
    }

    /// SRAM left at the peak, bytes (negative: over).
    pub fn sram_headroom(&self) -> Option<i64> {
        Some(self.sram_size? as i64 - self.sram_peak? as i64)
    }

    /// Whether the program fits both limits with what it used.
    pub fn fits(&self) -> Option<bool> {
        Some(self.flash_headroom()? >= 0 && self.sram_headroom()? >= 0)
    }

    /// The baseline key.
    pub fn key(&self) -> (String, String, Option<String>) {
        (
            self.elf_name.clone(),
            self.board.clone(),
            self.input.clone(),
        )
    }

    fn failed(
        elf: &str,
        sha: &str,
        board: &str,
        input: Option<String>,
        status: &str,
        detail: String,
    ) -> Row {
        Row {
            elf: elf.to_string(),
            elf_name: file_name(elf),
            elf_sha256: sha.to_string(),
            board: board.to_string(),
            input,
            status: status.to_string(),
            detail: Some(detail),
            instructions: None,
            cycles: None,
            latency_ms: None,
            energy_uj: None,
            flash_used: None,
            flash_size: None,
            sram_peak: None,
            sram_size: None,
            stack_peak: None,
            roi: Vec::new(),
            output: None,
            class: None,
            label: None,
        }
    }
}

/// The file name of a path ("kws-nano33ble.elf").
pub fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// A bench run as JSON: what ran and every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// thimble's version.
    pub thimble_version: String,
    /// The slice of the matrix, when sharded.
    pub shard: Option<Shard>,
    /// Rows in matrix order.
    pub rows: Vec<Row>,
}

impl BenchReport {
    /// Wraps rows.
    pub fn new(rows: Vec<Row>, shard: Option<Shard>) -> BenchReport {
        BenchReport {
            schema_version: SCHEMA_VERSION,
            thimble_version: env!("CARGO_PKG_VERSION").to_string(),
            shard,
            rows,
        }
    }

    /// Top-1 accuracy per (ELF, board) over the labelled inputs: (elf, board, correct, total).
    pub fn accuracy(&self) -> Vec<(String, String, usize, usize)> {
        let mut acc: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
        for r in &self.rows {
            if let Some(label) = r.label {
                let e = acc
                    .entry((r.elf_name.clone(), r.board.clone()))
                    .or_default();
                e.1 += 1;
                if r.class == Some(label) {
                    e.0 += 1;
                }
            }
        }
        acc.into_iter()
            .map(|((e, b), (ok, n))| (e, b, ok, n))
            .collect()
    }
}

/// Joins the JSON of several slices (`--shard`) into one report, rows in key order.
pub fn merge(parts: Vec<BenchReport>) -> Result<BenchReport, String> {
    let mut rows: Vec<Row> = Vec::new();
    for p in parts {
        if p.schema_version != SCHEMA_VERSION {
            return Err(format!(
                "schema_version {} where this thimble writes {SCHEMA_VERSION}",
                p.schema_version
            ));
        }
        rows.extend(p.rows);
    }
    rows.sort_by_key(Row::key);
    if let Some(w) = rows.windows(2).find(|w| w[0].key() == w[1].key()) {
        return Err(format!(
            "{} on {} appears in two slices",
            w[0].elf_name, w[0].board
        ));
    }
    Ok(BenchReport::new(rows, None))
}

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    sim_core::report::sha256_hex(bytes)
}

impl Matrix {
    /// Every cell in matrix order (ELF, then board, then input), this shard's only.
    pub fn cells(&self) -> Vec<Cell> {
        let inputs: Vec<Option<usize>> = match &self.inputs {
            Some(i) => (0..i.files.len()).map(Some).collect(),
            None => vec![None],
        };
        let mut all = Vec::new();
        for elf in 0..self.elfs.len() {
            for board in 0..self.boards.len() {
                for &input in &inputs {
                    all.push(Cell { elf, board, input });
                }
            }
        }
        all.into_iter()
            .enumerate()
            .filter(|(i, _)| self.shard.is_none_or(|s| s.holds(*i)))
            .map(|(_, c)| c)
            .collect()
    }

    /// Runs every cell of this shard in parallel (one machine per thread); rows in matrix
    /// order, so the result does not depend on the number of threads.
    pub fn run(&self) -> BenchReport {
        let shas: Vec<String> = self
            .elfs
            .iter()
            .map(|(_, i)| sha256_hex(&i.bytes))
            .collect();
        let inputs: Vec<Result<Vec<u8>, String>> = self
            .inputs
            .as_ref()
            .map(|i| {
                i.files
                    .iter()
                    .map(|f| {
                        std::fs::read(f).map_err(|e| format!("{}: cannot read: {e}", f.display()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let rows = self
            .cells()
            .par_iter()
            .map(|c| self.run_cell(*c, &shas[c.elf], &inputs))
            .collect();
        BenchReport::new(rows, self.shard)
    }

    fn run_cell(&self, c: Cell, sha: &str, inputs: &[Result<Vec<u8>, String>]) -> Row {
        let (path, image) = &self.elfs[c.elf];
        let board = &self.boards[c.board];
        let input_name = c.input.and_then(|i| {
            let f = &self.inputs.as_ref()?.files[i];
            Some(file_name(&f.display().to_string()))
        });
        let fail = |status: &str, detail: String| {
            Row::failed(path, sha, &board.name, input_name.clone(), status, detail)
        };
        let mut m = match compose::machine(
            board.clone(),
            image.clone(),
            path,
            &compose::Options::default(),
        ) {
            Ok(m) => m,
            Err(e @ compose::Error::DoesNotFit(_)) => return fail("does not fit", e.to_string()),
            Err(e) => return fail("error", e.to_string()),
        };
        m.limits = self.limits;
        for r in &self.roi {
            if let Err(e) = m.add_roi(r) {
                return fail("error", e);
            }
        }
        let spec = self.inputs.as_ref();
        if let (Some(spec), Some(i)) = (spec, c.input) {
            let bytes = match &inputs[i] {
                Ok(b) => b,
                Err(e) => return fail("error", e.clone()),
            };
            if let Err(e) = symbols::write(&mut m, &spec.load, bytes) {
                return fail("error", format!("--load {}: {e}", spec.load));
            }
        }
        let reason = match m.reset() {
            Ok(()) => m.run(),
            Err(r) => r,
        };
        let report = Report::new(&m, &reason);
        let (status, detail) = match &reason {
            StopReason::Exit(0) => ("ok".to_string(), None),
            StopReason::Exit(c) => (format!("exit {c}"), Some(report.stop_detail.clone())),
            StopReason::UnhandledFault(_) | StopReason::Lockup(_) => {
                ("fault".into(), Some(report.stop_detail.clone()))
            }
            StopReason::InstructionLimit(_)
            | StopReason::CycleLimit(_)
            | StopReason::TimeLimit(_) => ("limit".into(), Some(report.stop_detail.clone())),
            StopReason::StackCollision { .. } => {
                ("collision".into(), Some(report.stop_detail.clone()))
            }
            StopReason::Deadlock { .. } => ("deadlock".into(), Some(report.stop_detail.clone())),
            StopReason::Breakpoint { .. } => {
                ("breakpoint".into(), Some(report.stop_detail.clone()))
            }
            StopReason::ExpectedText | StopReason::FailText(_) => {
                ("ok".into(), Some(report.stop_detail.clone()))
            }
        };
        let mut row = Row {
            elf: path.clone(),
            elf_name: file_name(path),
            elf_sha256: sha.to_string(),
            board: board.name.clone(),
            input: input_name.clone(),
            status,
            detail,
            instructions: Some(report.instructions),
            cycles: Some(report.cycles),
            latency_ms: Some(report.millis()),
            energy_uj: report.energy_uj,
            flash_used: Some(report.memory.flash_used),
            flash_size: Some(report.memory.flash_size),
            sram_peak: Some(report.memory.sram_peak),
            sram_size: Some(report.memory.sram_size),
            stack_peak: Some(report.memory.stack_peak),
            roi: report
                .roi
                .iter()
                .map(|r| RoiFigures {
                    symbol: r.symbol.clone(),
                    calls: r.calls,
                    cycles: r.cycles,
                    latency_ms: r.latency_ms,
                    energy_uj: r.energy_uj,
                })
                .collect(),
            output: None,
            class: None,
            label: None,
        };
        if let Some(spec) = spec {
            match symbols::read(&m, &spec.dump) {
                Ok(bytes) => {
                    let out = spec.dtype.decode(&bytes);
                    row.class = out
                        .iter()
                        .enumerate()
                        .fold(None, |best: Option<(usize, f64)>, (i, &v)| match best {
                            Some((_, b)) if b >= v => best,
                            _ => Some((i, v)),
                        })
                        .map(|(i, _)| i);
                    row.output = Some(out);
                }
                Err(e) => {
                    row.status = "error".into();
                    row.detail = Some(format!("--dump {}: {e}", spec.dump));
                }
            }
            row.label = input_name.and_then(|n| spec.labels.get(&n).copied());
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_matrix_without_overlap() {
        let s = |t: &str| Shard::parse(t).unwrap();
        let all: Vec<usize> = (0..10).collect();
        let mut seen: Vec<usize> = Vec::new();
        for k in 1..=3 {
            let sh = s(&format!("{k}/3"));
            seen.extend(all.iter().copied().filter(|&i| sh.holds(i)));
        }
        seen.sort_unstable();
        assert_eq!(seen, all);
        for bad in ["0/3", "4/3", "1/0", "x", "1-2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn labels_parse_with_comments_and_commas() {
        let l = InputSpec::parse_labels("# file class\na.bin 5\nb.bin,0  # silence\n\n", "l.txt")
            .unwrap();
        assert_eq!(l.get("a.bin"), Some(&5));
        assert_eq!(l.get("b.bin"), Some(&0));
        let e = InputSpec::parse_labels("a.bin five\n", "l.txt").unwrap_err();
        assert!(e.contains("l.txt:1") && e.contains("five"), "{e}");
    }

    #[test]
    fn outputs_decode_by_dtype() {
        assert_eq!(Dtype::I8.decode(&[0xff, 2]), vec![-1.0, 2.0]);
        assert_eq!(Dtype::F32.decode(&1.5f32.to_le_bytes()), vec![1.5]);
        assert_eq!(Dtype::I16.decode(&(-300i16).to_le_bytes()), vec![-300.0]);
    }
}

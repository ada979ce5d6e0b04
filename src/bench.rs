//! `thimble bench`: parses the matrix from the command line, hands it to the `bench` crate and
//! writes what it gives (table on stdout, CSV, JSON, the baseline comparison).

use crate::cli::BenchArgs;
use crate::exit::{self, Failure};
use bench::matrix::Dtype;
use bench::{BenchReport, InputSpec, Matrix, Shard};
use sim_core::board::Board;
use sim_core::loader::Image;
use sim_core::machine::Limits;
use std::path::Path;

fn read_json(path: &Path) -> Result<BenchReport, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::new(
            exit::NO_INPUT,
            format!("{}: cannot read: {e}", path.display()),
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::new(
            exit::BAD_ARGUMENT,
            format!("{}: not a thimble bench JSON: {e}", path.display()),
        )
    })
}

fn write(path: &Path, flag: &str, text: &str) -> Result<(), Failure> {
    if path == Path::new("-") {
        print!("{text}");
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| {
        Failure::new(
            exit::OUTPUT,
            format!("{flag} {}: cannot write: {e}", path.display()),
        )
    })
}

fn matrix(args: &BenchArgs) -> Result<Matrix, Failure> {
    let bad = |m: String| Failure::new(exit::BAD_ARGUMENT, m);
    if !(args.max_seconds > 0.0 && args.max_seconds.is_finite()) {
        return Err(bad(format!(
            "--max-seconds {}: expected a positive number of seconds",
            args.max_seconds
        )));
    }
    let mut elfs = Vec::new();
    for p in &args.elfs {
        let image = Image::from_file(p).map_err(|e| exit::load_error(&e))?;
        elfs.push((p.display().to_string(), image));
    }
    let mut boards = Vec::new();
    for b in &args.board {
        boards.push(Board::load(b.trim()).map_err(|e| bad(e.to_string()))?);
    }
    let shard = args
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(bad)?;
    let inputs = match (&args.inputs, &args.load, &args.dump) {
        (Some(dir), Some(load), Some(dump)) => {
            let dtype = Dtype::parse(&args.dtype).ok_or_else(|| {
                bad(format!(
                    "--dtype {}: expected int8, uint8, int16 or float32",
                    args.dtype
                ))
            })?;
            let labels = match &args.labels {
                Some(f) => {
                    let text = std::fs::read_to_string(f).map_err(|e| {
                        Failure::new(
                            exit::NO_INPUT,
                            format!("--labels {}: cannot read: {e}", f.display()),
                        )
                    })?;
                    InputSpec::parse_labels(&text, &f.display().to_string()).map_err(bad)?
                }
                None => Default::default(),
            };
            Some(InputSpec {
                files: InputSpec::files_in(dir).map_err(|e| Failure::new(exit::NO_INPUT, e))?,
                load: load.clone(),
                dump: dump.clone(),
                dtype,
                labels,
            })
        }
        _ => None,
    };
    Ok(Matrix {
        elfs,
        boards,
        roi: args.roi.clone(),
        inputs,
        limits: Limits {
            max_seconds: Some(args.max_seconds),
            stop_on_collision: true,
            ..Limits::default()
        },
        shard,
    })
}

/// `thimble bench ...`.
pub fn bench(args: &BenchArgs) -> Result<i32, Failure> {
    if !(args.max_regress >= 0.0 && args.max_regress.is_finite()) {
        return Err(Failure::new(
            exit::BAD_ARGUMENT,
            format!(
                "--max-regress {}: expected a percentage >= 0",
                args.max_regress
            ),
        ));
    }
    let baseline = args.baseline.as_deref().map(read_json).transpose()?;
    let report = if args.merge.is_empty() {
        let m = matrix(args)?;
        if m.cells().is_empty() {
            return Err(Failure::new(
                exit::BAD_ARGUMENT,
                "--shard: this slice of the matrix has no cells (more slices than cells)",
            ));
        }
        m.run()
    } else {
        let parts = args
            .merge
            .iter()
            .map(|p| read_json(p))
            .collect::<Result<Vec<_>, _>>()?;
        bench::merge(parts)
            .map_err(|e| Failure::new(exit::BAD_ARGUMENT, format!("--merge: {e}")))?
    };
    let failed = report.rows.iter().filter(|r| r.is_failure()).count();
    let to_stdout = args.json.as_deref() == Some(Path::new("-"));
    let table = bench::output::table(&report);
    if to_stdout {
        eprint!("{table}");
    } else {
        print!("{table}");
    }
    if let Some(p) = &args.csv {
        write(p, "--csv", &bench::output::csv(&report))?;
    }
    if let Some(p) = &args.json {
        let text = serde_json::to_string_pretty(&report).expect("bench report serialises") + "\n";
        write(p, "--json", &text)?;
    }
    if let Some(base) = &baseline {
        let (changes, unmatched) = bench::output::compare(&report, base, args.max_regress);
        let text = bench::output::changes_text(&changes, &unmatched, args.max_regress);
        if to_stdout {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
        if changes.iter().any(|c| c.regression) && failed == 0 {
            return Ok(exit::BUDGET);
        }
    }
    if failed > 0 {
        eprintln!(
            "thimble bench: {failed} of {} cells failed (exit {})",
            report.rows.len(),
            exit::BENCH_FAILED
        );
        return Ok(exit::BENCH_FAILED);
    }
    Ok(exit::OK)
}

//! The subcommands beside `run`: the terminal debugger, the gdb server, the disassembler and
//! the model importer. Each composes a machine through `session` and hands it to its crate.

use crate::cli::{BoardArgs, DebugArgs, DisasmArgs, GdbArgs, RunOptions};
use crate::exit::{self, Failure};
use crate::session;
use sim_core::loader::{Image, SymbolKind};
use sim_core::machine::Machine;
use std::path::{Path, PathBuf};

fn build(
    elf: &Path,
    board: &BoardArgs,
    root: Option<PathBuf>,
    echo: bool,
) -> Result<Machine, Failure> {
    let b = session::board(board)?;
    let program = elf.display().to_string();
    let image = Image::from_file(elf).map_err(|e| exit::load_error(&e))?;
    let opts = RunOptions {
        semihosting_root: root,
        ..RunOptions::default()
    };
    session::machine(b, image, &opts, echo, &program)
}

/// `thimble tui ELF`.
pub fn tui(args: DebugArgs) -> Result<i32, Failure> {
    let machine = build(&args.elf, &args.board, args.semihosting_root.clone(), false)?;
    let (elf, board, root) = (
        args.elf.clone(),
        args.board.clone(),
        args.semihosting_root.clone(),
    );
    let opts = tui::TuiOptions {
        // --source-dir first, then the ELF's directory and its parents (a prebuilt ELF's
        // sources are usually a level or two up), so the debugger finds them from any working
        // directory.
        source_dirs: args
            .source_dir
            .iter()
            .cloned()
            .chain(
                std::path::absolute(&args.elf)
                    .ok()
                    .iter()
                    .flat_map(|p| p.ancestors().skip(1).take(3).map(Path::to_path_buf))
                    .collect::<Vec<_>>(),
            )
            .collect(),
        rebuild: Some(Box::new(move || {
            build(&elf, &board, root.clone(), false).map_err(|f| f.message)
        })),
        ..tui::TuiOptions::default()
    };
    tui::run_tui(machine, opts).map_err(|e| Failure::new(exit::OUTPUT, format!("tui: {e}")))?;
    Ok(exit::OK)
}

/// `thimble gdb ELF --port P`.
pub fn gdb(args: GdbArgs) -> Result<i32, Failure> {
    let machine = build(&args.elf, &args.board, args.semihosting_root.clone(), true)?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
    match gdb::serve(machine, addr) {
        Ok(gdb::SessionEnd::Exited(code)) => Ok(i32::from(code)),
        Ok(_) => Ok(exit::OK),
        Err(e) => Err(Failure::new(
            exit::BAD_ARGUMENT,
            format!("gdb server on {addr}: {e}"),
        )),
    }
}

/// `thimble disasm ELF`.
pub fn disasm(args: DisasmArgs) -> Result<i32, Failure> {
    let board = session::board(&args.board)?;
    let image = Image::from_file(&args.elf).map_err(|e| exit::load_error(&e))?;
    let arch = board.core.arch();
    let fpu = board.fpu();
    let funcs: Vec<_> = image
        .symbols
        .iter()
        .filter(|s| s.kind == SymbolKind::Func && s.size > 0)
        .filter(|s| {
            args.symbol
                .as_deref()
                .is_none_or(|n| sim_core::names::names(s, n))
        })
        .collect();
    if let Some(n) = &args.symbol {
        if funcs.is_empty() {
            return Err(Failure::new(
                exit::BAD_ARGUMENT,
                format!("disasm: the ELF has no function '{n}'"),
            ));
        }
    }
    let mut out = String::new();
    let mut printed = 0usize;
    'funcs: for f in funcs {
        out.push_str(&format!(
            "\n{:08x} <{}>:\n",
            f.addr,
            sim_core::names::display(&f.name)
        ));
        let mut addr = u64::from(f.addr);
        let end = addr + u64::from(f.size);
        while addr < end {
            if printed == DISASM_MAX_INSTRUCTIONS {
                eprintln!(
                    "thimble: disasm: stopped after {DISASM_MAX_INSTRUCTIONS} instructions (the limit of one listing)"
                );
                break 'funcs;
            }
            printed += 1;
            // A symbol may claim an odd size or end inside a 32-bit instruction (its size is
            // the ELF's word, possibly wrong): what is left prints as bytes.
            let want = (end - addr).min(4) as u32;
            let Some(bytes) = load_bytes(&image, addr as u32, want) else {
                break;
            };
            let hw = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
            if bytes.len() < 2 || (isa_thumb::decode::is_32bit(hw(0)) && bytes.len() < 4) {
                let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
                out.push_str(&format!(
                    "{addr:8x}:  {:<10} .byte {} (the symbol ends inside an instruction)\n",
                    hex.join(" "),
                    hex.iter()
                        .map(|h| format!("0x{h}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                break;
            }
            let (instr, len) = if isa_thumb::decode::is_32bit(hw(0)) {
                (isa_thumb::decode::decode_for(hw(0), hw(2), arch, fpu), 4)
            } else {
                (isa_thumb::decode::decode_for(hw(0), 0, arch, fpu), 2)
            };
            // Halfwords as objdump prints them.
            let hex = (0..len)
                .step_by(2)
                .map(|i| format!("{:04x}", hw(i)))
                .collect::<Vec<_>>()
                .join(" ");
            out.push_str(&format!(
                "{addr:8x}:  {hex:<10} {}\n",
                isa_thumb::disasm::disasm(&instr, addr as u32)
            ));
            addr += len as u64;
        }
    }
    write_stdout(out.as_bytes())?;
    Ok(exit::OK)
}

/// At most this many instructions in one `thimble disasm` listing: overlapping function
/// symbols could otherwise make a small ELF print without end.
pub const DISASM_MAX_INSTRUCTIONS: usize = 4 << 20;

/// Writes a listing to stdout; a reader that went away (`| head`) ends it quietly.
fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::new(
            exit::OUTPUT,
            format!("stdout: cannot write: {e}"),
        )),
        _ => Ok(()),
    }
}

/// Up to `len` bytes of the segment that holds `addr` (fewer where the segment ends).
fn load_bytes(image: &Image, addr: u32, len: u32) -> Option<&[u8]> {
    let seg = image
        .segments
        .iter()
        .find(|s| addr >= s.paddr && u64::from(addr) < u64::from(s.paddr) + s.data.len() as u64)?;
    let off = (addr - seg.paddr) as usize;
    let end = (off + len as usize).min(seg.data.len());
    Some(&seg.data[off..end])
}

/// `thimble model import MODEL.tflite`.
pub fn model_import(model: &Path, out: &Path, name: Option<String>) -> Result<i32, Failure> {
    let bytes =
        sim_core::input::read_limited(model, sim_core::input::MAX_MODEL_BYTES, "a .tflite model")
            .map_err(|e| Failure::new(exit::NO_INPUT, format!("{}: {e}", model.display())))?;
    let name = name.unwrap_or_else(|| {
        model.file_stem().map_or_else(
            || "model".into(),
            |s| s.to_string_lossy().replace(['-', '.'], "_"),
        )
    });
    let m = model_import::import(&bytes, &name)
        .map_err(|e| Failure::new(exit::BAD_ELF, format!("{}: {e}", model.display())))?;
    std::fs::create_dir_all(out)
        .map_err(|e| Failure::new(exit::OUTPUT, format!("{}: {e}", out.display())))?;
    for (file, text) in [("model.c", &m.c_source), ("model.h", &m.header)] {
        let p = out.join(file);
        std::fs::write(&p, text).map_err(|e| {
            Failure::new(exit::OUTPUT, format!("{}: cannot write: {e}", p.display()))
        })?;
    }
    eprintln!(
        "{}: wrote {}/model.c and model.h: tensor arena {} bytes (planned), {} bytes of constants in flash",
        model.display(),
        out.display(),
        m.arena_bytes,
        m.const_bytes
    );
    Ok(exit::OK)
}

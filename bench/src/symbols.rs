//! Inputs and outputs through data symbols: write a file's bytes into a symbol before a run
//! (`--load`), read a symbol's bytes after it (`--dump`).

use sim_core::loader::SymbolKind;
use sim_core::machine::Machine;

/// Address and size of a data symbol, or why it cannot be used (the message names the
/// symbol).
pub fn data_symbol(m: &Machine, name: &str) -> Result<(u32, u32), String> {
    let sym = m
        .image
        .symbol(name)
        .ok_or_else(|| format!("the ELF has no symbol '{name}'"))?;
    if sym.kind == SymbolKind::Func {
        return Err(format!("'{name}' is a function, not data"));
    }
    if sym.size == 0 {
        return Err(format!("symbol '{name}' has no size in the ELF"));
    }
    Ok((sym.addr, sym.size))
}

/// Writes `bytes` into the data symbol `name` (its size must match). A symbol in initialised
/// data (.data) is also written at its load address (LMA, in flash): the start-up code copies
/// that image to the run address, which would otherwise overwrite the bytes.
pub fn write(m: &mut Machine, name: &str, bytes: &[u8]) -> Result<(), String> {
    let (addr, size) = data_symbol(m, name)?;
    if bytes.len() as u64 != u64::from(size) {
        return Err(format!(
            "the file has {} bytes but {name} is {size} bytes",
            bytes.len()
        ));
    }
    m.bus
        .poke_bytes(addr, bytes)
        .map_err(|e| format!("symbol {name} at 0x{addr:08x} is not in memory: {e}"))?;
    let lma = m
        .image
        .sections
        .iter()
        .find(|s| {
            s.alloc
                && !s.nobits
                && s.load_addr != s.addr
                && addr >= s.addr
                && u64::from(addr - s.addr) + u64::from(size) <= s.size
        })
        .map(|s| s.load_addr + (addr - s.addr));
    if let Some(lma) = lma {
        m.bus
            .poke_bytes(lma, bytes)
            .map_err(|e| format!("{name}: load image at 0x{lma:08x} is not in memory: {e}"))?;
    }
    Ok(())
}

/// The bytes of the data symbol `name` now.
pub fn read(m: &Machine, name: &str) -> Result<Vec<u8>, String> {
    let (addr, size) = data_symbol(m, name)?;
    m.bus
        .peek_bytes(addr, size)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| format!("{name}: 0x{addr:08x}+{size} is not in memory"))
}

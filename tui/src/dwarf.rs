//! Source lines from the ELF's DWARF (sim-core's [`LineInfo`]) and the source files they name,
//! looked up as written, then under the configured source directories.

pub use sim_core::dwarf::{LineInfo, SourceLoc};
use std::path::{Path, PathBuf};

/// Finds a DWARF file name on disk: as written, then under each of `dirs` by its relative
/// path and by its base name.
pub fn find_source(file: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    let p = Path::new(file);
    if p.is_file() {
        return Some(p.to_path_buf());
    }
    let rel: PathBuf = p
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .collect();
    for d in dirs {
        let cand = d.join(&rel);
        if cand.is_file() {
            return Some(cand);
        }
        if let Some(name) = p.file_name() {
            let cand = d.join(name);
            if cand.is_file() {
                return Some(cand);
            }
        }
    }
    None
}

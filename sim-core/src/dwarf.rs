//! Source lines from the ELF's DWARF line tables (addr2line over gimli): where an address is in
//! the program's sources, for fault backtraces, the report and the debugger.

use std::rc::Rc;

type Reader = gimli::EndianRcSlice<gimli::RunTimeEndian>;

/// Address-to-line lookup of one ELF.
pub struct LineInfo {
    ctx: addr2line::Context<Reader>,
}

/// A source position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLoc {
    /// File name as DWARF gives it.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

impl LineInfo {
    /// Reads the DWARF sections of an ELF; `None` when it has no line information.
    pub fn load(elf: &[u8]) -> Option<LineInfo> {
        let parsed = goblin::elf::Elf::parse(elf).ok()?;
        let section = |name: &str| -> Rc<[u8]> {
            parsed
                .section_headers
                .iter()
                .find(|sh| parsed.shdr_strtab.get_at(sh.sh_name) == Some(name))
                .filter(|sh| sh.sh_type != goblin::elf::section_header::SHT_NOBITS)
                .and_then(|sh| {
                    let start = usize::try_from(sh.sh_offset).ok()?;
                    let end = start.checked_add(usize::try_from(sh.sh_size).ok()?)?;
                    elf.get(start..end)
                })
                .map_or_else(|| Rc::from(&[][..]), Rc::from)
        };
        if section(".debug_line").is_empty() {
            return None;
        }
        let dwarf = gimli::Dwarf::load(|id| -> Result<Reader, gimli::Error> {
            Ok(Reader::new(
                section(id.name()),
                gimli::RunTimeEndian::Little,
            ))
        })
        .ok()?;
        let ctx = addr2line::Context::from_dwarf(dwarf).ok()?;
        Some(LineInfo { ctx })
    }

    /// The source position of an address.
    pub fn location(&self, addr: u32) -> Option<SourceLoc> {
        let loc = self.ctx.find_location(u64::from(addr & !1)).ok()??;
        Some(SourceLoc {
            file: loc.file?.to_string(),
            line: loc.line?,
        })
    }
}

impl SourceLoc {
    /// "file:line", the file without a leading "./" (what `-ffile-prefix-map=DIR=.` leaves).
    pub fn short(&self) -> String {
        format!("{}:{}", self.file.trim_start_matches("./"), self.line)
    }
}

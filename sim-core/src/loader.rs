//! ELF loader: checks that a file is a 32-bit little-endian ARM executable and turns it into an
//! [`Image`]: loadable segments by physical (load) address, sections with run and load
//! addresses, and symbols. Every defect is one [`LoadError`] naming the file and the number.

use crate::input::{read_limited, InputError, MAX_ELF_BYTES};
use goblin::elf::{header, program_header, section_header, sym, Elf};
use std::path::Path;

/// At most this many PT_LOAD segments (firmware has two to five).
pub const MAX_SEGMENTS: usize = 256;
/// At most this many symbols (a TensorFlow Lite Micro firmware has about 10,000).
pub const MAX_SYMBOLS: usize = 1 << 20;
/// At most this many bytes of symbol and section names in all.
pub const MAX_NAME_BYTES: usize = 64 << 20;

/// A PT_LOAD segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Physical (load) address: where the bytes are in flash.
    pub paddr: u32,
    /// Virtual (run) address.
    pub vaddr: u32,
    /// File contents (p_filesz bytes).
    pub data: Vec<u8>,
    /// Size in memory (p_memsz).
    pub mem_size: u32,
    /// Executable.
    pub exec: bool,
    /// Writable.
    pub write: bool,
}

/// A section header, kept for reports and fit checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Name (".text", ".bss").
    pub name: String,
    /// Run address (VMA).
    pub addr: u32,
    /// Load address (LMA): differs from `addr` for initialised data copied at startup.
    pub load_addr: u32,
    /// Size in bytes.
    pub size: u64,
    /// Occupies memory at run time (SHF_ALLOC).
    pub alloc: bool,
    /// Writable.
    pub write: bool,
    /// Executable.
    pub exec: bool,
    /// No file contents (SHT_NOBITS, like .bss).
    pub nobits: bool,
}

/// What a symbol names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// Code (STT_FUNC); the address has the Thumb bit cleared.
    Func,
    /// Data (STT_OBJECT).
    Object,
    /// Anything else with a name (labels, linker symbols).
    Other,
}

/// A symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Name.
    pub name: String,
    /// Address (Thumb bit cleared for functions).
    pub addr: u32,
    /// Size in bytes (0 when unknown).
    pub size: u32,
    /// Kind.
    pub kind: SymbolKind,
}

/// A loaded ELF.
#[derive(Debug, Clone)]
pub struct Image {
    /// e_entry.
    pub entry: u32,
    /// PT_LOAD segments.
    pub segments: Vec<Segment>,
    /// Section headers with names.
    pub sections: Vec<Section>,
    /// Named symbols sorted by address then name.
    pub symbols: Vec<Symbol>,
    /// The ELF file itself (DWARF for the TUI, re-reads).
    pub bytes: Vec<u8>,
}

/// Why a file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read: missing, not a regular file, or larger than
    /// [`MAX_ELF_BYTES`].
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: InputError,
    },
    /// No ELF magic.
    #[error("{path}: not an ELF file (starts with {magic})")]
    NotElf {
        /// The file.
        path: String,
        /// The first bytes, printed.
        magic: String,
    },
    /// An ELF, but not one thimble can run.
    #[error("{path}: {what}; thimble runs 32-bit little-endian ARM (EM_ARM) executables")]
    WrongKind {
        /// The file.
        path: String,
        /// What it is instead.
        what: String,
    },
    /// Truncated or inconsistent headers.
    #[error("{path}: malformed ELF: {detail}")]
    Malformed {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
}

fn machine_name(m: u16) -> String {
    match m {
        header::EM_X86_64 => "x86-64".into(),
        header::EM_386 => "x86".into(),
        header::EM_AARCH64 => "AArch64".into(),
        header::EM_RISCV => "RISC-V".into(),
        header::EM_ARM => "ARM".into(),
        other => format!("machine {other}"),
    }
}

/// Two segments may not claim the same bytes: neither at their load addresses (file
/// contents) nor at their run addresses (memory size). Returns the first clash in words.
fn check_overlaps(segments: &[Segment]) -> Result<(), String> {
    for (what, range) in [
        (
            "load",
            (|s: &Segment| (s.paddr, s.data.len() as u64)) as fn(&Segment) -> (u32, u64),
        ),
        ("run", |s: &Segment| (s.vaddr, u64::from(s.mem_size))),
    ] {
        let mut spans: Vec<(u64, u64, usize)> = segments
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (a, n) = range(s);
                (u64::from(a), u64::from(a) + n, i)
            })
            .filter(|(a, e, _)| e > a)
            .collect();
        spans.sort_unstable();
        for w in spans.windows(2) {
            let ((_, end, i), (start, _, j)) = (w[0], w[1]);
            if start < end {
                return Err(format!(
                    "segments {} and {} overlap at {what} address 0x{start:08x}",
                    i.min(j),
                    i.max(j)
                ));
            }
        }
    }
    Ok(())
}

impl Image {
    /// Reads and parses an ELF file (a regular file of at most [`MAX_ELF_BYTES`]).
    pub fn from_file(path: &Path) -> Result<Image, LoadError> {
        let bytes =
            read_limited(path, MAX_ELF_BYTES, "an ELF file").map_err(|source| LoadError::Io {
                path: path.display().to_string(),
                source,
            })?;
        Image::parse(bytes, &path.display().to_string())
    }

    /// Parses ELF bytes; `name` names the file in errors.
    pub fn parse(bytes: Vec<u8>, name: &str) -> Result<Image, LoadError> {
        let path = name.to_string();
        if bytes.len() < 4 || &bytes[..4] != b"\x7fELF" {
            let magic = bytes
                .iter()
                .take(4)
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ");
            let magic = if magic.is_empty() {
                "nothing: the file is empty".to_string()
            } else {
                format!("bytes {magic}")
            };
            return Err(LoadError::NotElf { path, magic });
        }
        // Check class, data and machine from the identification bytes before goblin, so that
        // a foreign ELF gets a clear word even when its headers would not parse as ELF32.
        if bytes.len() < 20 {
            return Err(LoadError::Malformed {
                path,
                detail: format!(
                    "file is {} bytes, shorter than an ELF header (52)",
                    bytes.len()
                ),
            });
        }
        let class = bytes[header::EI_CLASS];
        let data = bytes[header::EI_DATA];
        let machine = if data == header::ELFDATA2MSB {
            u16::from_be_bytes([bytes[18], bytes[19]])
        } else {
            u16::from_le_bytes([bytes[18], bytes[19]])
        };
        if class != header::ELFCLASS32 || data != header::ELFDATA2LSB || machine != header::EM_ARM {
            let width = match class {
                header::ELFCLASS32 => "32-bit".to_string(),
                header::ELFCLASS64 => "64-bit".to_string(),
                other => format!("invalid class {other} (EI_CLASS),"),
            };
            let endian = match data {
                header::ELFDATA2LSB => "little-endian".to_string(),
                header::ELFDATA2MSB => "big-endian".to_string(),
                other => format!("invalid data encoding {other} (EI_DATA),"),
            };
            return Err(LoadError::WrongKind {
                path,
                what: format!("{width} {endian} {} ELF", machine_name(machine)),
            });
        }
        let elf = Elf::parse(&bytes).map_err(|e| LoadError::Malformed {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        if elf.header.e_type != header::ET_EXEC {
            return Err(LoadError::WrongKind {
                path,
                what: format!(
                    "ELF of type {} (not an executable)",
                    header::et_to_str(elf.header.e_type)
                ),
            });
        }
        let malformed = |detail: String| LoadError::Malformed {
            path: path.clone(),
            detail,
        };

        let loads = elf
            .program_headers
            .iter()
            .filter(|ph| ph.p_type == program_header::PT_LOAD)
            .count();
        if loads > MAX_SEGMENTS {
            return Err(malformed(format!(
                "{loads} loadable (PT_LOAD) segments, more than the {MAX_SEGMENTS} thimble accepts"
            )));
        }
        let mut segments = Vec::new();
        let mut file_bytes = 0u64;
        for (i, ph) in elf.program_headers.iter().enumerate() {
            if ph.p_type != program_header::PT_LOAD {
                continue;
            }
            // Segments share no file bytes, so together they claim at most the whole file:
            // this bounds what is copied however the headers are forged.
            file_bytes += ph.p_filesz;
            if file_bytes > bytes.len() as u64 {
                return Err(malformed(format!(
                    "segments up to {i} claim {file_bytes} file bytes in all but the file has {} (overlapping segments?)",
                    bytes.len()
                )));
            }
            let off = ph.p_offset as usize;
            let len = ph.p_filesz as usize;
            let data = bytes.get(off..off.saturating_add(len)).ok_or_else(|| {
                malformed(format!(
                    "segment {i} claims file bytes 0x{off:x}..0x{:x} but the file has {} bytes (truncated?)",
                    off.saturating_add(len),
                    bytes.len()
                ))
            })?;
            if ph.p_memsz < ph.p_filesz {
                return Err(malformed(format!(
                    "segment {i} is smaller in memory (0x{:x}) than in the file (0x{:x})",
                    ph.p_memsz, ph.p_filesz
                )));
            }
            if ph.p_paddr + ph.p_filesz > 1 << 32 || ph.p_vaddr + ph.p_memsz > 1 << 32 {
                return Err(malformed(format!("segment {i} extends past 4 GiB")));
            }
            segments.push(Segment {
                paddr: ph.p_paddr as u32,
                vaddr: ph.p_vaddr as u32,
                data: data.to_vec(),
                mem_size: ph.p_memsz as u32,
                exec: ph.p_flags & program_header::PF_X != 0,
                write: ph.p_flags & program_header::PF_W != 0,
            });
        }
        if segments.is_empty() {
            return Err(malformed("no loadable (PT_LOAD) segment".into()));
        }
        check_overlaps(&segments).map_err(malformed)?;
        let mut name_bytes = 0usize;
        let mut name_budget = |name: &str| {
            name_bytes += name.len();
            if name_bytes > MAX_NAME_BYTES {
                Err(malformed(format!(
                    "section and symbol names take more than {MAX_NAME_BYTES} bytes"
                )))
            } else {
                Ok(())
            }
        };
        let program_loads: Vec<_> = elf
            .program_headers
            .iter()
            .filter(|ph| ph.p_type == program_header::PT_LOAD)
            .collect();

        let mut sections = Vec::new();
        for sh in &elf.section_headers {
            if sh.sh_type == section_header::SHT_NULL {
                continue;
            }
            let name = elf.shdr_strtab.get_at(sh.sh_name).unwrap_or("");
            name_budget(name)?;
            let name = name.to_string();
            let alloc = sh.sh_flags & u64::from(section_header::SHF_ALLOC) != 0;
            let nobits = sh.sh_type == section_header::SHT_NOBITS;
            if alloc && !nobits && sh.sh_offset.saturating_add(sh.sh_size) > bytes.len() as u64 {
                return Err(malformed(format!(
                    "section {name} claims file bytes up to 0x{:x} but the file has {} bytes (truncated?)",
                    sh.sh_offset.saturating_add(sh.sh_size),
                    bytes.len()
                )));
            }
            let addr = sh.sh_addr as u32;
            // The load address is where the segment that holds this section keeps its bytes.
            let load_addr = program_loads
                .iter()
                .filter(|_| !nobits)
                .find(|ph| {
                    sh.sh_offset >= ph.p_offset
                        && sh.sh_offset.saturating_add(sh.sh_size)
                            <= ph.p_offset.saturating_add(ph.p_filesz)
                        && sh.sh_size > 0
                })
                .map_or(addr, |ph| {
                    (ph.p_paddr + (sh.sh_offset - ph.p_offset)) as u32
                });
            sections.push(Section {
                name,
                addr,
                load_addr,
                size: sh.sh_size,
                alloc,
                write: sh.sh_flags & u64::from(section_header::SHF_WRITE) != 0,
                exec: sh.sh_flags & u64::from(section_header::SHF_EXECINSTR) != 0,
                nobits,
            });
        }

        let mut symbols = Vec::new();
        for s in elf.syms.iter() {
            let Some(name) = elf.strtab.get_at(s.st_name) else {
                continue;
            };
            if name.is_empty() || s.st_shndx == section_header::SHN_UNDEF as usize {
                continue;
            }
            // Mapping symbols ($t, $d, $a) mark code/data within sections, not names.
            if name.starts_with('$') {
                continue;
            }
            if symbols.len() == MAX_SYMBOLS {
                return Err(malformed(format!(
                    "more than {MAX_SYMBOLS} symbols, the most thimble accepts"
                )));
            }
            name_budget(name)?;
            let kind = match s.st_type() {
                sym::STT_FUNC => SymbolKind::Func,
                sym::STT_OBJECT => SymbolKind::Object,
                sym::STT_SECTION | sym::STT_FILE => continue,
                _ => SymbolKind::Other,
            };
            let addr = if kind == SymbolKind::Func {
                s.st_value as u32 & !1
            } else {
                s.st_value as u32
            };
            symbols.push(Symbol {
                name: name.to_string(),
                addr,
                size: s.st_size as u32,
                kind,
            });
        }
        symbols.sort_by(|a, b| a.addr.cmp(&b.addr).then_with(|| a.name.cmp(&b.name)));
        symbols.dedup();

        Ok(Image {
            entry: elf.header.e_entry as u32,
            segments,
            sections,
            symbols,
            bytes,
        })
    }

    /// A symbol by name.
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.name == name)
    }

    /// The function containing `addr` (by symbol address and size; nearest preceding function
    /// when sizes are missing).
    pub fn function_at(&self, addr: u32) -> Option<&Symbol> {
        let idx = self.symbols.partition_point(|s| s.addr <= addr);
        self.symbols[..idx]
            .iter()
            .rev()
            .filter(|s| s.kind == SymbolKind::Func)
            .find(|s| {
                if s.size > 0 {
                    return addr < s.addr.wrapping_add(s.size);
                }
                // A function of unknown size extends at most to the end of its code section:
                // an address beyond every section is in no function, not memchr+0x3fffdfb0.
                self.sections.iter().any(|sec| {
                    let range = u64::from(sec.addr)..u64::from(sec.addr) + sec.size;
                    sec.exec
                        && range.contains(&u64::from(s.addr))
                        && range.contains(&u64::from(addr))
                })
            })
    }

    /// "name+0x12" for an address, or the bare address.
    pub fn describe_addr(&self, addr: u32) -> String {
        // C++ names demangled (crate::names).
        match self.function_at(addr & !1) {
            Some(s) if (addr & !1) == s.addr => crate::names::display(&s.name).into_owned(),
            Some(s) => format!(
                "{}+0x{:x}",
                crate::names::display(&s.name),
                (addr & !1) - s.addr
            ),
            None => format!("0x{addr:08x}"),
        }
    }

    /// A section by name.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_file_is_not_an_elf() {
        let e = Image::parse(b"hello world\n".to_vec(), "notes.txt").unwrap_err();
        assert_eq!(
            e.to_string(),
            "notes.txt: not an ELF file (starts with bytes 68 65 6c 6c)"
        );
        let e = Image::parse(Vec::new(), "empty.elf").unwrap_err();
        assert!(e.to_string().contains("the file is empty"), "{e}");
    }

    #[test]
    fn x86_64_elf_is_named() {
        let mut b = vec![0u8; 64];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = header::ELFCLASS64;
        b[5] = header::ELFDATA2LSB;
        b[18..20].copy_from_slice(&header::EM_X86_64.to_le_bytes());
        let e = Image::parse(b, "/bin/ls").unwrap_err().to_string();
        assert!(e.contains("64-bit little-endian x86-64 ELF"), "{e}");
    }

    #[test]
    fn short_header_is_malformed() {
        let e = Image::parse(b"\x7fELF\x01\x01".to_vec(), "t.elf")
            .unwrap_err()
            .to_string();
        assert!(e.contains("shorter than an ELF header"), "{e}");
    }
}

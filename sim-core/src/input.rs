//! Reading untrusted input files: only regular files, and never more than a stated limit.
//!
//! A FIFO given as an ELF blocks forever, `/dev/zero` or `/dev/urandom` never end, and a huge
//! file would be read whole into memory; each is refused here with one error naming the file,
//! its kind or size and the limit, before anything is read. The limits are documented in
//! `docs/robustness.md`.

use crate::units::bytes;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest ELF file thimble reads: 256 MiB. The largest board memory is 4 MiB of flash
/// and 4 MiB of SRAM; the rest of an ELF is symbols and debug information, which for a
/// TFLite Micro firmware with full DWARF stays well below this.
pub const MAX_ELF_BYTES: u64 = 256 << 20;
/// The largest board TOML file: 1 MiB (the built-in ones are under 4 KiB).
pub const MAX_BOARD_BYTES: u64 = 1 << 20;
/// The largest `.tflite` model `thimble model import` reads: 64 MiB (a model must fit a
/// microcontroller's flash, at most a few MiB).
pub const MAX_MODEL_BYTES: u64 = 64 << 20;
/// The largest source file the TUI shows: 16 MiB.
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;

/// Why an input file was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The operating system refused (missing file, permissions, I/O error).
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// A directory, FIFO, device or socket.
    #[error("cannot read: not a regular file ({0}); thimble reads only regular files")]
    NotRegular(&'static str),
    /// Larger than the limit for its kind.
    #[error("cannot read: {} ({size} bytes), more than the {} that {what} may have", bytes(*size), bytes(*limit))]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
        /// What the file is ("an ELF file").
        what: &'static str,
    },
}

/// What kind of file a non-regular one is, in words.
fn kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a plain file"
    }
}

/// Whether `path` (symlinks followed) is something other than a regular file; `None` when
/// it is one or does not exist. Checked before opening, since opening a FIFO for reading
/// blocks until a writer comes.
pub fn not_regular(path: &Path) -> Option<&'static str> {
    let m = std::fs::metadata(path).ok()?;
    (!m.file_type().is_file()).then(|| kind(m.file_type()))
}

/// Opens a regular file for reading and returns it with its size. Anything else (a FIFO, a
/// device, a directory) is refused without being opened.
pub fn open_regular(path: &Path) -> Result<(File, u64), InputError> {
    if let Some(k) = not_regular(path) {
        return Err(InputError::NotRegular(k));
    }
    let file = File::open(path)?;
    // Checked again on the open file, in case the path changed in between.
    let m = file.metadata()?;
    if !m.file_type().is_file() {
        return Err(InputError::NotRegular(kind(m.file_type())));
    }
    Ok((file, m.len()))
}

/// Reads a whole regular file of at most `limit` bytes; `what` names the kind of file in the
/// error ("an ELF file"). A file that grows while being read stops at `limit + 1` bytes and
/// is refused too.
pub fn read_limited(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, InputError> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(InputError::TooLarge { size, limit, what });
    }
    let mut buf = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(InputError::TooLarge {
            size: buf.len() as u64,
            limit,
            what,
        });
    }
    Ok(buf)
}

/// [`read_limited`] for a UTF-8 text file.
pub fn read_text(path: &Path, limit: u64, what: &'static str) -> Result<String, InputError> {
    let b = read_limited(path, limit, what)?;
    String::from_utf8(b).map_err(|e| {
        InputError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_without_reading() {
        let e = read_limited(Path::new("/dev/zero"), 1 << 20, "an ELF file").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot read: not a regular file (a character device); thimble reads only regular files"
        );
        let e = read_limited(Path::new("/"), 1 << 20, "an ELF file").unwrap_err();
        assert!(e.to_string().contains("(a directory)"), "{e}");
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let p = std::env::temp_dir().join(format!("thimble-input-{}", std::process::id()));
        std::fs::write(&p, [7u8; 100]).unwrap();
        assert_eq!(read_limited(&p, 100, "a test file").unwrap().len(), 100);
        let e = read_limited(&p, 99, "a test file").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot read: 100 B (100 bytes), more than the 99 B that a test file may have"
        );
        let _ = std::fs::remove_file(&p);
    }
}

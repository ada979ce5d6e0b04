//! ARM semihosting (BKPT 0xAB; "Semihosting for AArch32 and AArch64", Arm IHI 0043) with a host
//! sandbox.
//!
//! Console handles (":tt", and QEMU's ":semihosting-features") need no host access. Host files
//! are opened only when a root directory was configured (`--semihosting-root DIR`), and then
//! only inside it: paths with `..` components are refused, absolute paths must lie inside the
//! root, and the canonical path (symlinks resolved) must still lie inside the root; a file
//! created for writing must have its parent inside the root and may not be a symlink. Refused
//! opens return -1 with SYS_ERRNO = EACCES (13). Only regular files are opened: a FIFO
//! would block the run and a device (`/dev/zero`) never ends, so both are refused the same way.
//! At most [`MAX_HANDLES`] handles are open at once (then EMFILE).
//!
//! Console answers are fixed, so that a run counts the same cycles whether thimble's stdout is a
//! terminal, a pipe or a CI log: SYS_ISTTY is 1 for the console handles (`:tt`: the C library
//! line-buffers its output, as on a terminal) and 0 for files, and SYS_FLEN is 0 for the
//! console. (QEMU answers SYS_ISTTY from its own stdout: 1 on a terminal, 0 in a pipe.)
//! SYS_FLEN of a file is its size on the host.
//!
//! Determinism: SYS_CLOCK, SYS_ELAPSED and SYS_TIME derive from simulated cycles at the board
//! clock; SYS_TIME counts from a fixed epoch, [`FIXED_EPOCH`] (2025-01-01T00:00:00Z), never
//! from the host's wall clock. Reads from the console (stdin) see end of file at once: a run
//! never waits for input.
//!
//! Exit codes follow QEMU: SYS_EXIT with ADP_Stopped_ApplicationExit (0x20026) exits 0, any
//! other reason 1; SYS_EXIT_EXTENDED with ApplicationExit exits with its subcode, else 1.

use sim_core::bus::Bus;
use sim_core::cpu::Cpu;
use sim_core::machine::{HostAction, Semihost};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

/// The most semihosting handles open at once (console handles included); SYS_OPEN beyond
/// it fails with EMFILE.
pub const MAX_HANDLES: usize = 1024;

/// The most bytes a run's guest may write into host files, in all (the console is not
/// counted: it streams); a SYS_WRITE beyond it writes nothing and fails with ENOSPC, so
/// firmware cannot fill the host's disk.
pub const MAX_FILE_WRITE_BYTES: u64 = 1 << 30;

/// SYS_TIME of cycle 0: 2025-01-01T00:00:00Z, in seconds since 1970 (a fixed value so that runs
/// are reproducible).
pub const FIXED_EPOCH: u32 = 1_735_689_600;

/// ADP_Stopped_ApplicationExit: the reason code of a normal exit.
pub const ADP_STOPPED_APPLICATION_EXIT: u32 = 0x20026;

/// Semihosting operation numbers.
pub mod op {
    /// Open a file.
    pub const SYS_OPEN: u32 = 0x01;
    /// Close a handle.
    pub const SYS_CLOSE: u32 = 0x02;
    /// Write one character.
    pub const SYS_WRITEC: u32 = 0x03;
    /// Write a NUL-terminated string.
    pub const SYS_WRITE0: u32 = 0x04;
    /// Write to a handle.
    pub const SYS_WRITE: u32 = 0x05;
    /// Read from a handle.
    pub const SYS_READ: u32 = 0x06;
    /// Read one console character.
    pub const SYS_READC: u32 = 0x07;
    /// Is a status an error.
    pub const SYS_ISERROR: u32 = 0x08;
    /// Is a handle a terminal.
    pub const SYS_ISTTY: u32 = 0x09;
    /// Seek.
    pub const SYS_SEEK: u32 = 0x0A;
    /// File length.
    pub const SYS_FLEN: u32 = 0x0C;
    /// Temporary file name.
    pub const SYS_TMPNAM: u32 = 0x0D;
    /// Remove a file.
    pub const SYS_REMOVE: u32 = 0x0E;
    /// Rename a file.
    pub const SYS_RENAME: u32 = 0x0F;
    /// Centiseconds since start.
    pub const SYS_CLOCK: u32 = 0x10;
    /// Seconds since the epoch.
    pub const SYS_TIME: u32 = 0x11;
    /// Run a host command.
    pub const SYS_SYSTEM: u32 = 0x12;
    /// Last error number.
    pub const SYS_ERRNO: u32 = 0x13;
    /// Command line.
    pub const SYS_GET_CMDLINE: u32 = 0x15;
    /// Heap and stack placement.
    pub const SYS_HEAPINFO: u32 = 0x16;
    /// Exit.
    pub const SYS_EXIT: u32 = 0x18;
    /// Exit with a status.
    pub const SYS_EXIT_EXTENDED: u32 = 0x20;
    /// Ticks since start.
    pub const SYS_ELAPSED: u32 = 0x30;
    /// Tick frequency.
    pub const SYS_TICKFREQ: u32 = 0x31;
}

/// Host errno values reported through SYS_ERRNO (Linux numbering, as newlib expects).
pub mod errno {
    /// No such file.
    pub const ENOENT: u32 = 2;
    /// I/O error.
    pub const EIO: u32 = 5;
    /// Bad handle.
    pub const EBADF: u32 = 9;
    /// Too many open handles ([`super::MAX_HANDLES`]).
    pub const EMFILE: u32 = 24;
    /// Refused by the sandbox.
    pub const EACCES: u32 = 13;
    /// Bad argument (bad guest pointer, bad mode).
    pub const EINVAL: u32 = 22;
    /// No space: the run's host-file write allowance ([`super::MAX_FILE_WRITE_BYTES`]) is
    /// used up.
    pub const ENOSPC: u32 = 28;
    /// Operation not supported (SYS_SYSTEM, SYS_TMPNAM).
    pub const ENOSYS: u32 = 38;
}

/// The SYS_HEAPINFO block: where the C library may put its heap and stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapInfo {
    /// First heap byte (end of .bss).
    pub heap_base: u32,
    /// One past the last heap byte.
    pub heap_limit: u32,
    /// Initial stack pointer (top of the stack).
    pub stack_base: u32,
    /// Lowest stack address.
    pub stack_limit: u32,
}

/// QEMU's `:semihosting-features` file: magic "SHFB" and feature byte 0 with EXIT_EXTENDED
/// (bit 0) and STDOUT_STDERR (bit 1).
const FEATURES: [u8; 5] = [0x53, 0x48, 0x46, 0x42, 0x03];

enum Handle {
    Stdin,
    Stdout,
    Stderr,
    Features(usize),
    File(File),
}

/// Semihosting for one run.
pub struct Semihosting {
    root: Option<PathBuf>,
    cmdline: String,
    heap: HeapInfo,
    handles: BTreeMap<u32, Handle>,
    next_handle: u32,
    errno: u32,
    /// Bytes the guest may still write into host files ([`MAX_FILE_WRITE_BYTES`]).
    file_write_left: u64,
}

const FAIL: u32 = u32::MAX;

impl Semihosting {
    /// Semihosting with the given sandbox root (`None`: no host file is ever opened), command
    /// line and heap placement (time comes from the bus's clock). A root that cannot be resolved to a directory
    /// leaves the sandbox closed (see [`check_root`] for a clear error up front).
    pub fn new(root: Option<&Path>, cmdline: &str, heap: HeapInfo) -> Semihosting {
        Semihosting {
            root: root.and_then(|r| check_root(r).ok()),
            cmdline: cmdline.to_string(),
            heap,
            handles: BTreeMap::new(),
            next_handle: 1,
            errno: 0,
            file_write_left: MAX_FILE_WRITE_BYTES,
        }
    }

    fn fail(&mut self, e: u32) -> HostAction {
        self.errno = e;
        HostAction::Return(FAIL)
    }

    fn arg(bus: &mut Bus, param: u32, i: u32) -> Option<u32> {
        bus.read32(param.checked_add(4 * i)?).ok()
    }

    fn guest_bytes(bus: &mut Bus, addr: u32, len: u32) -> Option<Vec<u8>> {
        if len == 0 {
            return Some(Vec::new());
        }
        if let Some(b) = bus.peek_bytes(addr, len) {
            return Some(b.to_vec());
        }
        // Not one backed region (spans regions or a device): byte by byte through the bus.
        if len > 1 << 24 {
            return None;
        }
        (0..len)
            .map(|i| {
                addr.checked_add(i)
                    .and_then(|a| bus.read8(a).ok())
                    .map(|v| v as u8)
            })
            .collect()
    }

    fn guest_cstr(bus: &mut Bus, addr: u32) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut a = addr;
        loop {
            let b = bus.read8(a).ok()? as u8;
            if b == 0 {
                return Some(out);
            }
            out.push(b);
            if out.len() > 1 << 20 {
                return None;
            }
            a = a.checked_add(1)?;
        }
    }

    fn put_bytes(bus: &mut Bus, addr: u32, bytes: &[u8]) -> bool {
        bytes.iter().enumerate().all(|(i, b)| {
            addr.checked_add(i as u32)
                .is_some_and(|a| bus.write8(a, u32::from(*b)).is_ok())
        })
    }

    fn add_handle(&mut self, h: Handle) -> u32 {
        let n = self.next_handle;
        self.next_handle += 1;
        self.handles.insert(n, h);
        n
    }

    /// Resolves a guest path inside the sandbox root, or the errno for refusing it.
    pub fn resolve(&self, name: &[u8], create: bool) -> Result<PathBuf, u32> {
        let root = self.root.as_ref().ok_or(errno::EACCES)?;
        let text = std::str::from_utf8(name).map_err(|_| errno::EACCES)?;
        if text.is_empty() || text.contains('\0') {
            return Err(errno::EINVAL);
        }
        let p = Path::new(text);
        if p.components().any(|c| matches!(c, Component::ParentDir)) {
            return Err(errno::EACCES);
        }
        let joined = if p.is_absolute() {
            p.to_path_buf()
        } else {
            root.join(p)
        };
        match std::fs::canonicalize(&joined) {
            Ok(real) => {
                if real.starts_with(root) && real != *root {
                    Ok(real)
                } else {
                    Err(errno::EACCES)
                }
            }
            Err(_) if create => {
                // A new file: its directory must be inside the root and the name itself must
                // not be a (dangling) symlink that would lead elsewhere.
                if std::fs::symlink_metadata(&joined).is_ok() {
                    return Err(errno::EACCES);
                }
                let parent = joined.parent().ok_or(errno::EACCES)?;
                let file = joined.file_name().ok_or(errno::EACCES)?;
                let real_parent = std::fs::canonicalize(parent).map_err(|_| errno::ENOENT)?;
                if real_parent.starts_with(root) {
                    Ok(real_parent.join(file))
                } else {
                    Err(errno::EACCES)
                }
            }
            Err(_) => Err(errno::ENOENT),
        }
    }

    fn open(&mut self, bus: &mut Bus, param: u32) -> HostAction {
        let (Some(ptr), Some(mode), Some(len)) = (
            Self::arg(bus, param, 0),
            Self::arg(bus, param, 1),
            Self::arg(bus, param, 2),
        ) else {
            return self.fail(errno::EINVAL);
        };
        let Some(name) = Self::guest_bytes(bus, ptr, len) else {
            return self.fail(errno::EINVAL);
        };
        if mode > 11 {
            return self.fail(errno::EINVAL);
        }
        if self.handles.len() >= MAX_HANDLES {
            return self.fail(errno::EMFILE);
        }
        if name == b":tt" {
            let h = match mode / 4 {
                0 => Handle::Stdin,
                1 => Handle::Stdout,
                _ => Handle::Stderr,
            };
            return HostAction::Return(self.add_handle(h));
        }
        if name == b":semihosting-features" {
            if mode / 4 != 0 {
                return self.fail(errno::EACCES);
            }
            return HostAction::Return(self.add_handle(Handle::Features(0)));
        }
        let kind = mode / 4; // 0 read, 1 write (truncate), 2 append
        let plus = mode & 2 != 0;
        let path = match self.resolve(&name, kind != 0) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        // Opening a FIFO blocks until its other end comes, a device never ends: regular
        // files only (a new file does not exist yet).
        if sim_core::input::not_regular(&path).is_some() {
            return self.fail(errno::EACCES);
        }
        let mut o = OpenOptions::new();
        match kind {
            0 => o.read(true).write(plus),
            1 => o.write(true).create(true).truncate(true).read(plus),
            _ => o.append(true).create(true).read(plus),
        };
        match o.open(&path) {
            Ok(f) => HostAction::Return(self.add_handle(Handle::File(f))),
            Err(e) => self.fail(host_errno(&e)),
        }
    }

    fn write(&mut self, bus: &mut Bus, param: u32) -> HostAction {
        let (Some(h), Some(ptr), Some(len)) = (
            Self::arg(bus, param, 0),
            Self::arg(bus, param, 1),
            Self::arg(bus, param, 2),
        ) else {
            return self.fail(errno::EINVAL);
        };
        let Some(data) = Self::guest_bytes(bus, ptr, len) else {
            return self.fail(errno::EINVAL);
        };
        match self.handles.get_mut(&h) {
            Some(Handle::Stdout | Handle::Stderr) => {
                bus.console.write(&data);
                HostAction::Return(0)
            }
            Some(Handle::File(_)) if data.len() as u64 > self.file_write_left => {
                self.errno = errno::ENOSPC;
                HostAction::Return(len)
            }
            Some(Handle::File(f)) => match f.write_all(&data) {
                Ok(()) => {
                    self.file_write_left -= data.len() as u64;
                    HostAction::Return(0)
                }
                Err(e) => {
                    self.errno = host_errno(&e);
                    HostAction::Return(len)
                }
            },
            Some(_) => self.fail(errno::EBADF),
            None => self.fail(errno::EBADF),
        }
    }

    fn read(&mut self, bus: &mut Bus, param: u32) -> HostAction {
        let (Some(h), Some(ptr), Some(len)) = (
            Self::arg(bus, param, 0),
            Self::arg(bus, param, 1),
            Self::arg(bus, param, 2),
        ) else {
            return self.fail(errno::EINVAL);
        };
        let mut buf = vec![0u8; len.min(1 << 24) as usize];
        let got = match self.handles.get_mut(&h) {
            Some(Handle::Stdin) => 0,
            Some(Handle::Features(pos)) => {
                let rest = &FEATURES[(*pos).min(FEATURES.len())..];
                let n = rest.len().min(buf.len());
                buf[..n].copy_from_slice(&rest[..n]);
                *pos += n;
                n
            }
            Some(Handle::File(f)) => {
                let mut n = 0;
                while n < buf.len() {
                    match f.read(&mut buf[n..]) {
                        Ok(0) => break,
                        Ok(k) => n += k,
                        Err(e) => {
                            self.errno = host_errno(&e);
                            return HostAction::Return(FAIL);
                        }
                    }
                }
                n
            }
            Some(_) | None => return self.fail(errno::EBADF),
        };
        if !Self::put_bytes(bus, ptr, &buf[..got]) {
            return self.fail(errno::EINVAL);
        }
        HostAction::Return(len - got as u32)
    }

    fn seek(&mut self, bus: &mut Bus, param: u32) -> HostAction {
        let (Some(h), Some(pos)) = (Self::arg(bus, param, 0), Self::arg(bus, param, 1)) else {
            return self.fail(errno::EINVAL);
        };
        match self.handles.get_mut(&h) {
            Some(Handle::File(f)) => match f.seek(SeekFrom::Start(u64::from(pos))) {
                Ok(_) => HostAction::Return(0),
                Err(e) => self.fail(host_errno(&e)),
            },
            Some(Handle::Features(p)) => {
                *p = pos as usize;
                HostAction::Return(0)
            }
            Some(_) => self.fail(errno::EINVAL),
            None => self.fail(errno::EBADF),
        }
    }

    fn flen(&mut self, bus: &mut Bus, param: u32) -> HostAction {
        let Some(h) = Self::arg(bus, param, 0) else {
            return self.fail(errno::EINVAL);
        };
        match self.handles.get(&h) {
            Some(Handle::File(f)) => match f.metadata() {
                Ok(m) => HostAction::Return(m.len().min(i32::MAX as u64) as u32),
                Err(e) => self.fail(host_errno(&e)),
            },
            Some(Handle::Features(_)) => HostAction::Return(FEATURES.len() as u32),
            Some(_) => HostAction::Return(0),
            None => self.fail(errno::EBADF),
        }
    }

    fn remove(&mut self, bus: &mut Bus, param: u32) -> HostAction {
        let (Some(ptr), Some(len)) = (Self::arg(bus, param, 0), Self::arg(bus, param, 1)) else {
            return self.fail(errno::EINVAL);
        };
        let Some(name) = Self::guest_bytes(bus, ptr, len) else {
            return self.fail(errno::EINVAL);
        };
        let path = match self.resolve(&name, false) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        match std::fs::remove_file(&path) {
            Ok(()) => HostAction::Return(0),
            Err(e) => self.fail(host_errno(&e)),
        }
    }

    fn rename(&mut self, bus: &mut Bus, param: u32) -> HostAction {
        let args: Option<Vec<u32>> = (0..4).map(|i| Self::arg(bus, param, i)).collect();
        let Some(a) = args else {
            return self.fail(errno::EINVAL);
        };
        let (Some(from), Some(to)) = (
            Self::guest_bytes(bus, a[0], a[1]),
            Self::guest_bytes(bus, a[2], a[3]),
        ) else {
            return self.fail(errno::EINVAL);
        };
        let from = match self.resolve(&from, false) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        let to = match self.resolve(&to, true) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        match std::fs::rename(&from, &to) {
            Ok(()) => HostAction::Return(0),
            Err(e) => self.fail(host_errno(&e)),
        }
    }

    fn cmdline(&mut self, bus: &mut Bus, param: u32) -> HostAction {
        let (Some(ptr), Some(len)) = (Self::arg(bus, param, 0), Self::arg(bus, param, 1)) else {
            return self.fail(errno::EINVAL);
        };
        let mut s = self.cmdline.as_bytes().to_vec();
        if s.len() + 1 > len as usize {
            return self.fail(errno::EINVAL);
        }
        s.push(0);
        if !Self::put_bytes(bus, ptr, &s) || bus.write32(param + 4, s.len() as u32 - 1).is_err() {
            return self.fail(errno::EINVAL);
        }
        HostAction::Return(0)
    }

    fn heapinfo(&mut self, bus: &mut Bus, param: u32) -> HostAction {
        let Some(block) = Self::arg(bus, param, 0) else {
            return self.fail(errno::EINVAL);
        };
        let h = self.heap;
        let words = [h.heap_base, h.heap_limit, h.stack_base, h.stack_limit];
        for (i, w) in words.iter().enumerate() {
            let ok = block
                .checked_add(4 * i as u32)
                .is_some_and(|a| bus.write32(a, *w).is_ok());
            if !ok {
                return self.fail(errno::EINVAL);
            }
        }
        HostAction::Return(0)
    }
}

fn host_errno(e: &std::io::Error) -> u32 {
    match e.kind() {
        std::io::ErrorKind::NotFound => errno::ENOENT,
        std::io::ErrorKind::PermissionDenied => errno::EACCES,
        _ => e.raw_os_error().map_or(errno::EIO, |c| c as u32),
    }
}

/// Resolves a `--semihosting-root` directory, or a one-line error naming it.
pub fn check_root(dir: &Path) -> Result<PathBuf, String> {
    let real = std::fs::canonicalize(dir)
        .map_err(|e| format!("--semihosting-root {}: {e}", dir.display()))?;
    if !real.is_dir() {
        return Err(format!(
            "--semihosting-root {}: not a directory",
            dir.display()
        ));
    }
    Ok(real)
}

impl Semihost for Semihosting {
    fn call(&mut self, op: u32, param: u32, _cpu: &Cpu, bus: &mut Bus) -> HostAction {
        match op {
            op::SYS_OPEN => self.open(bus, param),
            op::SYS_CLOSE => {
                let Some(h) = Self::arg(bus, param, 0) else {
                    return self.fail(errno::EINVAL);
                };
                match self.handles.remove(&h) {
                    Some(_) => HostAction::Return(0),
                    None => self.fail(errno::EBADF),
                }
            }
            op::SYS_WRITEC => match bus.read8(param) {
                Ok(c) => {
                    bus.console.write(&[c as u8]);
                    HostAction::Return(0)
                }
                Err(_) => self.fail(errno::EINVAL),
            },
            op::SYS_WRITE0 => match Self::guest_cstr(bus, param) {
                Some(s) => {
                    bus.console.write(&s);
                    HostAction::Return(0)
                }
                None => self.fail(errno::EINVAL),
            },
            op::SYS_WRITE => self.write(bus, param),
            op::SYS_READ => self.read(bus, param),
            op::SYS_READC => self.fail(errno::EIO), // no console input: end of file
            op::SYS_ISERROR => match Self::arg(bus, param, 0) {
                Some(v) => HostAction::Return(u32::from((v as i32) < 0)),
                None => self.fail(errno::EINVAL),
            },
            op::SYS_ISTTY => match Self::arg(bus, param, 0).and_then(|h| self.handles.get(&h)) {
                Some(Handle::Stdin | Handle::Stdout | Handle::Stderr) => HostAction::Return(1),
                Some(_) => HostAction::Return(0),
                None => self.fail(errno::EBADF),
            },
            op::SYS_SEEK => self.seek(bus, param),
            op::SYS_FLEN => self.flen(bus, param),
            op::SYS_TMPNAM | op::SYS_SYSTEM => self.fail(errno::ENOSYS),
            op::SYS_REMOVE => self.remove(bus, param),
            op::SYS_RENAME => self.rename(bus, param),
            op::SYS_CLOCK => {
                // Centiseconds of simulated time (integrated over clock changes).
                let cs = bus.clock.ps_at(bus.now) / (sim_core::clock::PS_PER_S / 100);
                HostAction::Return(cs.min(i32::MAX as u64) as u32)
            }
            op::SYS_TIME => {
                let s = bus.clock.ps_at(bus.now) / sim_core::clock::PS_PER_S;
                HostAction::Return(FIXED_EPOCH.wrapping_add(s as u32))
            }
            op::SYS_ELAPSED => {
                let t = bus.now;
                let ok = bus.write32(param, t as u32).is_ok()
                    && param
                        .checked_add(4)
                        .is_some_and(|a| bus.write32(a, (t >> 32) as u32).is_ok());
                if ok {
                    HostAction::Return(0)
                } else {
                    self.fail(errno::EINVAL)
                }
            }
            // SYS_ELAPSED counts core cycles: their frequency is the core clock now.
            op::SYS_TICKFREQ => HostAction::Return(bus.clock.hz().min(u64::from(u32::MAX)) as u32),
            op::SYS_ERRNO => HostAction::Return(self.errno),
            op::SYS_GET_CMDLINE => self.cmdline(bus, param),
            op::SYS_HEAPINFO => self.heapinfo(bus, param),
            op::SYS_EXIT => HostAction::Exit(if param == ADP_STOPPED_APPLICATION_EXIT {
                0
            } else {
                1
            }),
            op::SYS_EXIT_EXTENDED => {
                let (Some(reason), Some(code)) =
                    (Self::arg(bus, param, 0), Self::arg(bus, param, 1))
                else {
                    return HostAction::Exit(1);
                };
                HostAction::Exit(if reason == ADP_STOPPED_APPLICATION_EXIT {
                    code as i32
                } else {
                    1
                })
            }
            _ => self.fail(errno::ENOSYS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::bus;

    const BLOCK: u32 = 0x2000_0100;
    const DATA: u32 = 0x2000_0200;

    struct Guest {
        bus: Bus,
        sh: Semihosting,
        cpu: Cpu,
    }

    fn heap() -> HeapInfo {
        HeapInfo {
            heap_base: 0x2000_4000,
            heap_limit: 0x2040_0000,
            stack_base: 0x2040_0000,
            stack_limit: 0x2000_4000,
        }
    }

    fn guest(root: Option<&Path>) -> Guest {
        Guest {
            bus: bus("mps2-an386"),
            sh: Semihosting::new(root, "prog.elf --fast", heap()),
            cpu: Cpu::default(),
        }
    }

    impl Guest {
        fn call(&mut self, op: u32, args: &[u32]) -> HostAction {
            for (i, a) in args.iter().enumerate() {
                self.bus.write32(BLOCK + 4 * i as u32, *a).unwrap();
            }
            self.sh.call(op, BLOCK, &self.cpu, &mut self.bus)
        }

        fn ret(&mut self, op: u32, args: &[u32]) -> i32 {
            match self.call(op, args) {
                HostAction::Return(v) => v as i32,
                HostAction::Exit(c) => panic!("unexpected exit {c}"),
            }
        }

        fn put(&mut self, addr: u32, bytes: &[u8]) {
            self.bus.poke_bytes(addr, bytes).unwrap();
        }

        fn open(&mut self, name: &str, mode: u32) -> i32 {
            let mut b = name.as_bytes().to_vec();
            b.push(0);
            self.put(DATA, &b);
            self.ret(op::SYS_OPEN, &[DATA, mode, name.len() as u32])
        }

        fn errno(&mut self) -> i32 {
            self.ret(op::SYS_ERRNO, &[])
        }
    }

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let p = std::env::temp_dir()
                .join(format!("thimble-semihosting-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn console_output_calls_write_to_the_console() {
        let mut g = guest(None);
        g.put(DATA, b"hello\0");
        assert_eq!(
            g.sh.call(op::SYS_WRITE0, DATA, &g.cpu, &mut g.bus),
            HostAction::Return(0)
        );
        g.put(DATA, b"!");
        g.sh.call(op::SYS_WRITEC, DATA, &g.cpu, &mut g.bus);
        let out = g.open(":tt", 4);
        assert!(out > 0);
        g.put(DATA + 0x40, b" world\n");
        assert_eq!(g.ret(op::SYS_WRITE, &[out as u32, DATA + 0x40, 7]), 0);
        let err = g.open(":tt", 8);
        assert!(err > 0 && err != out);
        assert_eq!(g.ret(op::SYS_ISTTY, &[err as u32]), 1);
        assert_eq!(g.bus.console.text(), "hello! world\n");
        let inp = g.open(":tt", 0);
        assert_eq!(
            g.ret(op::SYS_READ, &[inp as u32, DATA, 16]),
            16,
            "stdin is at end of file"
        );
        assert_eq!(g.ret(op::SYS_CLOSE, &[out as u32]), 0);
        assert_eq!(g.ret(op::SYS_CLOSE, &[out as u32]), -1);
        assert_eq!(g.errno(), errno::EBADF as i32);
    }

    #[test]
    fn host_files_are_refused_without_a_root() {
        let mut g = guest(None);
        assert_eq!(g.open("/etc/hostname", 0), -1);
        assert_eq!(g.errno(), errno::EACCES as i32);
        assert_eq!(g.open("notes.txt", 4), -1);
        assert_eq!(g.errno(), errno::EACCES as i32);
        g.put(DATA, b"x");
        assert_eq!(g.ret(op::SYS_REMOVE, &[DATA, 1]), -1);
    }

    #[test]
    fn sandbox_allows_files_inside_the_root_only() {
        let dir = TempDir::new("inside");
        let root = dir.0.join("root");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/in.txt"), b"abcdef").unwrap();
        std::fs::write(dir.0.join("secret.txt"), b"secret").unwrap();
        let mut g = guest(Some(&root));

        let h = g.open("sub/in.txt", 0);
        assert!(h > 0);
        assert_eq!(g.ret(op::SYS_FLEN, &[h as u32]), 6);
        assert_eq!(g.ret(op::SYS_ISTTY, &[h as u32]), 0);
        assert_eq!(g.ret(op::SYS_SEEK, &[h as u32, 2]), 0);
        assert_eq!(g.ret(op::SYS_READ, &[h as u32, DATA + 0x80, 10]), 6);
        assert_eq!(g.bus.peek_bytes(DATA + 0x80, 4).unwrap(), b"cdef");

        // `..`, absolute paths outside, and the root's parent are refused.
        for bad in [
            "../secret.txt",
            "sub/../../secret.txt",
            "sub/..",
            "/etc/hostname",
        ] {
            assert_eq!(g.open(bad, 0), -1, "{bad}");
            assert_eq!(g.errno(), errno::EACCES as i32, "{bad}");
        }
        let abs = dir.0.join("secret.txt");
        assert_eq!(g.open(abs.to_str().unwrap(), 0), -1);
        // An absolute path inside the root is fine.
        let abs_in = root.join("sub/in.txt");
        assert!(g.open(abs_in.to_str().unwrap(), 0) > 0);

        // Writing creates files inside the root.
        let w = g.open("out.txt", 4);
        assert!(w > 0);
        g.put(DATA + 0x80, b"written");
        assert_eq!(g.ret(op::SYS_WRITE, &[w as u32, DATA + 0x80, 7]), 0);
        assert_eq!(g.ret(op::SYS_CLOSE, &[w as u32]), 0);
        assert_eq!(std::fs::read(root.join("out.txt")).unwrap(), b"written");
        assert_eq!(g.open("../escape.txt", 4), -1);
        assert!(!dir.0.join("escape.txt").exists());

        // Rename and remove stay inside too.
        g.put(DATA, b"out.txt");
        g.put(DATA + 0x10, b"moved.txt");
        assert_eq!(g.ret(op::SYS_RENAME, &[DATA, 7, DATA + 0x10, 9]), 0);
        assert!(root.join("moved.txt").exists());
        g.put(DATA + 0x10, b"../moved.txt");
        g.put(DATA, b"moved.txt");
        assert_eq!(g.ret(op::SYS_RENAME, &[DATA, 9, DATA + 0x10, 12]), -1);
        assert_eq!(g.ret(op::SYS_REMOVE, &[DATA, 9]), 0);
        assert!(!root.join("moved.txt").exists());
        g.put(DATA, b"../secret.txt");
        assert_eq!(g.ret(op::SYS_REMOVE, &[DATA, 13]), -1);
        assert!(dir.0.join("secret.txt").exists());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_cannot_escape_the_root() {
        let dir = TempDir::new("symlink");
        let root = dir.0.join("root");
        let outside = dir.0.join("outside");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), b"secret").unwrap();
        std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("linkdir")).unwrap();
        std::os::unix::fs::symlink(outside.join("new.txt"), root.join("dangling")).unwrap();
        let mut g = guest(Some(&root));
        assert_eq!(g.open("link.txt", 0), -1);
        assert_eq!(g.errno(), errno::EACCES as i32);
        assert_eq!(g.open("linkdir/secret.txt", 0), -1);
        assert_eq!(g.open("linkdir/created.txt", 4), -1);
        assert_eq!(g.open("dangling", 4), -1);
        assert!(!outside.join("created.txt").exists());
        assert!(!outside.join("new.txt").exists());
    }

    #[test]
    fn bad_guest_pointers_return_minus_one() {
        let mut g = guest(None);
        let bad = 0x9000_0000;
        assert_eq!(
            g.sh.call(op::SYS_WRITE0, bad, &g.cpu, &mut g.bus),
            HostAction::Return(FAIL)
        );
        assert_eq!(
            g.sh.call(op::SYS_OPEN, bad, &g.cpu, &mut g.bus),
            HostAction::Return(FAIL)
        );
        assert_eq!(g.ret(op::SYS_OPEN, &[bad, 0, 3]), -1);
        let out = g.open(":tt", 4);
        assert_eq!(g.ret(op::SYS_WRITE, &[out as u32, bad, 100]), -1);
        assert_eq!(g.ret(op::SYS_WRITE, &[out as u32, DATA, 0xFFFF_FFFF]), -1);
        assert_eq!(g.ret(op::SYS_HEAPINFO, &[bad]), -1);
        assert_eq!(g.ret(op::SYS_GET_CMDLINE, &[bad, 100]), -1);
        assert_eq!(g.ret(0xFF, &[]), -1, "unknown operation");
        assert_eq!(g.ret(op::SYS_SYSTEM, &[DATA, 2]), -1);
        assert_eq!(g.ret(op::SYS_TMPNAM, &[DATA, 0, 32]), -1);
    }

    #[test]
    fn time_is_simulated_and_deterministic() {
        let mut g = guest(None);
        g.bus.now = 25_000_000 * 3 + 12_500_000; // 3.5 s at 25 MHz
        assert_eq!(g.ret(op::SYS_CLOCK, &[]), 350);
        assert_eq!(g.ret(op::SYS_TIME, &[]) as u32, FIXED_EPOCH + 3);
        assert_eq!(g.ret(op::SYS_TICKFREQ, &[]), 25_000_000);
        assert_eq!(g.ret(op::SYS_ELAPSED, &[]), 0);
        let lo = g.bus.read32(BLOCK).unwrap();
        let hi = g.bus.read32(BLOCK + 4).unwrap();
        assert_eq!(u64::from(lo) | (u64::from(hi) << 32), 87_500_000);
    }

    #[test]
    fn cmdline_and_heapinfo() {
        let mut g = guest(None);
        assert_eq!(g.ret(op::SYS_GET_CMDLINE, &[DATA, 64]), 0);
        assert_eq!(g.bus.peek_bytes(DATA, 16).unwrap(), b"prog.elf --fast\0");
        assert_eq!(g.bus.read32(BLOCK + 4).unwrap(), 15);
        assert_eq!(g.ret(op::SYS_GET_CMDLINE, &[DATA, 8]), -1, "too small");
        assert_eq!(g.ret(op::SYS_HEAPINFO, &[DATA]), 0);
        let w: Vec<u32> = (0..4)
            .map(|i| g.bus.read32(DATA + 4 * i).unwrap())
            .collect();
        assert_eq!(w, vec![0x2000_4000, 0x2040_0000, 0x2040_0000, 0x2000_4000]);
    }

    #[test]
    fn exit_codes_follow_qemu() {
        let mut g = guest(None);
        let exit = |g: &mut Guest, op: u32, param: u32| g.sh.call(op, param, &g.cpu, &mut g.bus);
        assert_eq!(
            exit(&mut g, op::SYS_EXIT, ADP_STOPPED_APPLICATION_EXIT),
            HostAction::Exit(0)
        );
        assert_eq!(exit(&mut g, op::SYS_EXIT, 0x20023), HostAction::Exit(1));
        g.bus.write32(BLOCK, ADP_STOPPED_APPLICATION_EXIT).unwrap();
        g.bus.write32(BLOCK + 4, 42).unwrap();
        assert_eq!(
            exit(&mut g, op::SYS_EXIT_EXTENDED, BLOCK),
            HostAction::Exit(42)
        );
        g.bus.write32(BLOCK, 0x20023).unwrap();
        assert_eq!(
            exit(&mut g, op::SYS_EXIT_EXTENDED, BLOCK),
            HostAction::Exit(1)
        );
    }

    #[test]
    fn semihosting_features_file_reports_exit_extended() {
        let mut g = guest(None);
        let h = g.open(":semihosting-features", 0);
        assert!(h > 0);
        assert_eq!(g.ret(op::SYS_FLEN, &[h as u32]), 5);
        assert_eq!(g.ret(op::SYS_READ, &[h as u32, DATA, 5]), 0);
        assert_eq!(g.bus.peek_bytes(DATA, 5).unwrap(), b"SHFB\x03");
        assert_eq!(g.ret(op::SYS_ISERROR, &[u32::MAX]), 1);
        assert_eq!(g.ret(op::SYS_ISERROR, &[3]), 0);
    }

    /// A FIFO in the sandbox would block SYS_OPEN until a writer comes, a device never ends:
    /// both are refused (EACCES) at once, for reading and for writing.
    #[test]
    fn fifos_and_devices_are_refused() {
        let dir = TempDir::new("fifo");
        let fifo = dir.0.join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        std::os::unix::fs::symlink("/dev/zero", dir.0.join("zero")).unwrap();
        std::fs::create_dir(dir.0.join("sub")).unwrap();
        let mut g = guest(Some(&dir.0));
        for name in ["pipe", "zero", "sub"] {
            for mode in [0, 4, 8] {
                assert_eq!(g.open(name, mode), -1, "{name} mode {mode}");
                assert_eq!(g.errno(), errno::EACCES as i32, "{name} mode {mode}");
            }
        }
    }

    /// Console answers do not depend on the host: SYS_ISTTY is 1 for `:tt` and 0 for files,
    /// SYS_FLEN is 0 for the console and the real size for files.
    #[test]
    fn console_answers_are_fixed_and_file_lengths_real() {
        let dir = TempDir::new("flen");
        std::fs::write(dir.0.join("six.txt"), b"abcdef").unwrap();
        let mut g = guest(Some(&dir.0));
        for mode in [0, 4, 8] {
            let tt = g.open(":tt", mode);
            assert_eq!(g.ret(op::SYS_ISTTY, &[tt as u32]), 1);
            assert_eq!(g.ret(op::SYS_FLEN, &[tt as u32]), 0);
        }
        let f = g.open("six.txt", 0);
        assert_eq!(g.ret(op::SYS_ISTTY, &[f as u32]), 0);
        assert_eq!(g.ret(op::SYS_FLEN, &[f as u32]), 6);
        // Written through a handle opened for writing: the length follows the writes.
        let w = g.open("new.txt", 4);
        g.put(DATA, b"0123456789");
        assert_eq!(g.ret(op::SYS_WRITE, &[w as u32, DATA, 10]), 0);
        assert_eq!(g.ret(op::SYS_FLEN, &[w as u32]), 10);
    }

    /// Host-file writes stop at the run's allowance with ENOSPC: nothing of the refused
    /// write reaches the file; the console is not counted.
    #[test]
    fn host_file_writes_are_capped() {
        let dir = TempDir::new("wcap");
        let mut g = guest(Some(&dir.0));
        g.sh.file_write_left = 15;
        let w = g.open("out.bin", 4);
        g.put(DATA, b"0123456789");
        assert_eq!(g.ret(op::SYS_WRITE, &[w as u32, DATA, 10]), 0);
        assert_eq!(
            g.ret(op::SYS_WRITE, &[w as u32, DATA, 10]),
            10,
            "none written"
        );
        assert_eq!(g.errno(), errno::ENOSPC as i32);
        assert_eq!(
            g.ret(op::SYS_WRITE, &[w as u32, DATA, 5]),
            0,
            "what is left fits"
        );
        let out = g.open(":tt", 4);
        assert_eq!(g.ret(op::SYS_WRITE, &[out as u32, DATA, 10]), 0, "console");
        assert_eq!(g.ret(op::SYS_CLOSE, &[w as u32]), 0);
        assert_eq!(
            std::fs::read(dir.0.join("out.bin")).unwrap(),
            b"012345678901234"
        );
    }

    /// A guest that opens without closing gets EMFILE after MAX_HANDLES, not unbounded
    /// host memory.
    #[test]
    fn open_handles_are_capped() {
        let mut g = guest(None);
        for _ in 0..MAX_HANDLES {
            assert!(g.open(":tt", 4) > 0);
        }
        assert_eq!(g.open(":tt", 4), -1);
        assert_eq!(g.errno(), errno::EMFILE as i32);
        assert_eq!(g.ret(op::SYS_CLOSE, &[1]), 0);
        assert!(g.open(":tt", 4) > 0, "a closed handle makes room");
    }
}

//! ARM semihosting (BKPT 0xAB; "Semihosting for AArch32 and AArch64", Arm IHI 0043) with a host
//! sandbox.
//!
//! Console handles (":tt", and QEMU's ":semihosting-features") need no host access. Host files
//! are opened only when a root directory was configured (`--semihosting-root DIR`), and then
//! only inside it: paths with `..` components are refused, absolute paths must lie inside the
//! root, and the canonical path (symlinks resolved) must still lie inside the root; a file
//! created for writing must have its parent inside the root and may not be a symlink. Refused
//! opens return -1 with SYS_ERRNO = EACCES (13).
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
    /// Refused by the sandbox.
    pub const EACCES: u32 = 13;
    /// Bad argument (bad guest pointer, bad mode).
    pub const EINVAL: u32 = 22;
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
    clock_hz: u64,
    handles: BTreeMap<u32, Handle>,
    next_handle: u32,
    errno: u32,
}

const FAIL: u32 = u32::MAX;

impl Semihosting {
    /// Semihosting with the given sandbox root (`None`: no host file is ever opened), command
    /// line, heap placement and board clock. A root that cannot be resolved to a directory
    /// leaves the sandbox closed (see [`check_root`] for a clear error up front).
    pub fn new(root: Option<&Path>, cmdline: &str, heap: HeapInfo, clock_hz: u64) -> Semihosting {
        Semihosting {
            root: root.and_then(|r| check_root(r).ok()),
            cmdline: cmdline.to_string(),
            heap,
            clock_hz: clock_hz.max(1),
            handles: BTreeMap::new(),
            next_handle: 1,
            errno: 0,
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
            Some(Handle::File(f)) => match f.write_all(&data) {
                Ok(()) => HostAction::Return(0),
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
                let cs = u128::from(bus.now) * 100 / u128::from(self.clock_hz);
                HostAction::Return(cs.min(i32::MAX as u128) as u32)
            }
            op::SYS_TIME => {
                let s = bus.now / self.clock_hz;
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
            op::SYS_TICKFREQ => HostAction::Return(self.clock_hz.min(u64::from(u32::MAX)) as u32),
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

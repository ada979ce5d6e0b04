//! thimble's gdb remote server: the `gdbstub` crate over a [`sim_core::Machine`].
//!
//! A Cortex-M target description (core registers, xPSR, MSP/PSP, PRIMASK/BASEPRI/FAULTMASK/
//! CONTROL, and the FPU as d0–d15 + FPSCR when the board has one), software and hardware
//! breakpoints, write watchpoints (checked after every instruction while set), step,
//! continue, Ctrl-C, memory read/write, and `monitor cycles|report|reset`. The server binds
//! loopback addresses only. Malformed packets are gdbstub's to reject; they never panic.

mod arch;
mod target;

pub use arch::{CortexM, CortexMRegs};
pub use target::GdbTarget;

use gdbstub::conn::ConnectionExt;
use gdbstub::stub::{DisconnectReason, GdbStub};
use sim_core::machine::Machine;
use std::net::{SocketAddr, TcpListener};

/// Why serving stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum GdbError {
    /// The address is not a loopback address.
    #[error("gdb server: {0} is not a loopback address; thimble serves gdb on 127.0.0.1 only")]
    NotLoopback(SocketAddr),
    /// Binding or accepting failed.
    #[error("gdb server on {addr}: {source}")]
    Io {
        /// The address.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEnd {
    /// gdb detached.
    Detached,
    /// gdb killed the target.
    Killed,
    /// The guest exited with this status.
    Exited(u8),
    /// The guest stopped for good (fault, lockup) and gdb was told so.
    Terminated,
}

/// Binds `addr` (loopback only), prints `gdb server listening on ADDR` to stderr, serves one
/// gdb session on `machine` and returns how it ended.
pub fn serve(machine: Machine, addr: SocketAddr) -> Result<SessionEnd, GdbError> {
    if !addr.ip().is_loopback() {
        return Err(GdbError::NotLoopback(addr));
    }
    let listener = TcpListener::bind(addr).map_err(|source| GdbError::Io {
        addr: addr.to_string(),
        source,
    })?;
    let local = listener.local_addr().map_or(addr, |a| a);
    eprintln!("gdb server listening on {local}");
    serve_listener(machine, &listener)
}

/// Serves gdb on an already bound listener (tests bind port 0) until a session ends by
/// detach, kill or the guest's end. A session that fails (a malformed packet gdbstub cannot
/// parse, a dropped connection) is reported on stderr and the server waits for gdb to
/// connect again, with the machine as it was.
pub fn serve_listener(machine: Machine, listener: &TcpListener) -> Result<SessionEnd, GdbError> {
    let io = |source| GdbError::Io {
        addr: listener
            .local_addr()
            .map_or_else(|_| "?".into(), |a| a.to_string()),
        source,
    };
    let mut target = GdbTarget::new(machine);
    loop {
        let (stream, _) = listener.accept().map_err(io)?;
        let _ = stream.set_nodelay(true);
        let conn: Box<dyn ConnectionExt<Error = std::io::Error>> = Box::new(stream);
        let stub = GdbStub::new(conn);
        match stub.run_blocking::<target::EventLoop>(&mut target) {
            Ok(DisconnectReason::Disconnect) => return Ok(SessionEnd::Detached),
            Ok(DisconnectReason::Kill) => return Ok(SessionEnd::Killed),
            Ok(DisconnectReason::TargetExited(c)) => return Ok(SessionEnd::Exited(c)),
            Ok(DisconnectReason::TargetTerminated(_)) => return Ok(SessionEnd::Terminated),
            Err(e) => {
                eprintln!("gdb session failed: {e}; waiting for gdb to connect again");
            }
        }
    }
}

//! thimble's gdb remote server: the `gdbstub` crate over a [`sim_core::Machine`].
//!
//! A Cortex-M target description (core registers, xPSR, MSP/PSP, PRIMASK/BASEPRI/FAULTMASK/
//! CONTROL, and the FPU as d0–d15 + FPSCR when the board has one), software and hardware
//! breakpoints, write watchpoints (checked after every instruction while set), step,
//! continue, Ctrl-C, memory read/write, and `monitor cycles|report|reset`. The server binds
//! loopback addresses only, serves one gdb at a time and keeps listening after a detach.
//! Packets are checked before gdbstub parses them ([`conn`]): a bad checksum is answered `-`,
//! packets are at most [`conn::MAX_PACKET`] bytes, and nothing a client sends panics.

mod arch;
pub mod conn;
mod target;

pub use arch::{CortexM, CortexMRegs};
pub use conn::{Checked, Frame, Framer, Wire};
pub use target::GdbTarget;

use gdbstub::conn::{Connection, ConnectionExt};
use gdbstub::stub::DisconnectReason;
use sim_core::machine::Machine;
use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

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
    /// gdb killed the target.
    Killed,
    /// The guest exited with this status.
    Exited(u8),
    /// The guest stopped for good (fault, lockup) and gdb was told so.
    Terminated,
}

/// Binds `addr` (loopback only), prints `gdb server listening on ADDR` to stderr and serves
/// gdb on `machine` until a session ends it (see [`serve_listener`]).
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

/// How one session over a connection ended.
#[derive(Debug)]
pub enum Outcome {
    /// The session is over for good: the server stops.
    End(SessionEnd),
    /// gdb detached or went away (closed the connection, or sent what cannot be served):
    /// the server waits for the next gdb, with the machine as it was.
    Again(String),
}

/// Serves one gdb client over `wire` (a TCP stream, or bytes in memory for the fuzz target).
/// A packet that frames but that gdbstub cannot parse ends gdbstub's session; the client is
/// answered "unsupported" (an empty packet) and served on by a new one, so that no packet
/// drops a client.
pub fn session<W: Wire + 'static>(target: &mut GdbTarget, wire: W) -> Outcome {
    let conn = Rc::new(RefCell::new(Checked::new(wire)));
    loop {
        let before = conn.borrow().received();
        let boxed: Box<dyn ConnectionExt<Error = std::io::Error>> =
            Box::new(conn::Shared(conn.clone()));
        let stub = match gdbstub::stub::GdbStubBuilder::new(boxed)
            .packet_buffer_size(conn::MAX_PACKET)
            .build()
        {
            Ok(s) => s,
            Err(e) => return Outcome::Again(e.to_string()),
        };
        match stub.run_blocking::<target::EventLoop>(target) {
            Ok(DisconnectReason::Disconnect) => return Outcome::Again("gdb detached".into()),
            Ok(DisconnectReason::Kill) => return Outcome::End(SessionEnd::Killed),
            Ok(DisconnectReason::TargetExited(c)) => return Outcome::End(SessionEnd::Exited(c)),
            Ok(DisconnectReason::TargetTerminated(_)) => {
                return Outcome::End(SessionEnd::Terminated)
            }
            Err(e) if e.is_connection_error() || e.is_target_error() => {
                return Outcome::Again(format!("gdb session ended: {e}"))
            }
            Err(e) => {
                if conn.borrow().received() == before {
                    return Outcome::Again(format!("gdb session ended: {e}"));
                }
                if let Err(w) = Connection::write_all(&mut *conn.borrow_mut(), b"$#00") {
                    return Outcome::Again(format!("gdb session ended: {w}"));
                }
            }
        }
    }
}

/// What a second gdb is told while a session is being served (an `E.` error reply to its
/// first packet, which gdb prints).
pub const BUSY: &str = "E.thimble serves one gdb at a time and another gdb is connected";

/// Serves gdb on an already bound listener (tests bind port 0), one session at a time, until
/// a session ends by kill or by the guest's end. After a detach or a dropped connection the
/// server waits for gdb to connect again, with the machine as it was. A gdb that connects
/// while another is being served gets [`BUSY`] as the answer to its first packet and is
/// disconnected; the server says so on stderr.
pub fn serve_listener(machine: Machine, listener: &TcpListener) -> Result<SessionEnd, GdbError> {
    let io = |source| GdbError::Io {
        addr: listener
            .local_addr()
            .map_or_else(|_| "?".into(), |a| a.to_string()),
        source,
    };
    let acceptor = listener.try_clone().map_err(io)?;
    acceptor.set_nonblocking(true).map_err(io)?;
    let busy = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<std::io::Result<TcpStream>>();
    let thread = {
        let (busy, stop) = (busy.clone(), stop.clone());
        std::thread::spawn(move || accept_loop(&acceptor, &busy, &stop, &tx))
    };
    let mut target = GdbTarget::new(machine);
    let end = loop {
        let stream = match rx.recv() {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => break Err(io(e)),
            Err(_) => break Err(io(std::io::Error::other("the accepting thread ended"))),
        };
        let _ = stream.set_nodelay(true);
        let outcome = session(&mut target, stream);
        busy.store(false, Ordering::SeqCst);
        match outcome {
            Outcome::End(e) => break Ok(e),
            Outcome::Again(why) => eprintln!("{why}; waiting for gdb to connect again"),
        }
    };
    stop.store(true, Ordering::SeqCst);
    let _ = thread.join();
    end
}

/// Accepts connections until `stop`: the first while idle goes to the server, any other
/// while `busy` is told [`BUSY`].
fn accept_loop(
    listener: &TcpListener,
    busy: &AtomicBool,
    stop: &AtomicBool,
    tx: &mpsc::Sender<std::io::Result<TcpStream>>,
) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, peer)) => {
                let _ = stream.set_nonblocking(false);
                if busy.swap(true, Ordering::SeqCst) {
                    eprintln!(
                        "gdb server: refused {peer}: another gdb is connected (one at a time)"
                    );
                    refuse(stream);
                } else if tx.send(Ok(stream)).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}

/// Answers a second gdb's first packet with [`BUSY`] and closes.
fn refuse(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut framer = Framer::default();
    let mut buf = [0u8; 256];
    'read: while let Ok(n) = Read::read(&mut stream, &mut buf) {
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            if matches!(framer.push(b), Frame::Packet(_) | Frame::Nack) {
                break 'read;
            }
        }
    }
    let sum = BUSY.bytes().fold(0u8, u8::wrapping_add);
    let _ = write!(stream, "+${BUSY}#{sum:02x}");
    let _ = Write::flush(&mut stream);
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

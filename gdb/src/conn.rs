//! The connection to gdb: checks the remote protocol's framing before gdbstub sees a byte.
//!
//! gdbstub ends the session on a packet with a bad checksum, a stray byte between packets or a
//! packet larger than its buffer. The protocol (GDB manual, "Packet Acknowledgment") says a
//! receiver answers `-` to a packet it cannot take, and the sender sends it again; so
//! [`Framer`] validates each packet and hands gdbstub only whole packets with a right checksum,
//! `+` acknowledgements and the Ctrl-C byte. A bad packet is answered `-` and dropped, stray
//! bytes are dropped, and `-` from gdb is dropped too (gdbstub cannot retransmit; it answers
//! each packet once and TCP does not corrupt what it sent).

use gdbstub::conn::{Connection, ConnectionExt};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::TcpStream;

/// The largest packet taken from gdb, `$`, payload, `#` and checksum included: the size of
/// gdbstub's packet buffer, which is also the `PacketSize` it advertises to gdb.
pub const MAX_PACKET: usize = 4096;

/// The most bytes one `m` reply carries: its hex digits, `$`, `#` and checksum fill
/// [`MAX_PACKET`]. gdb never asks for more (it sizes reads by `PacketSize`); a longer request
/// from another client is answered with this many bytes, which the protocol allows ("the reply
/// may contain fewer addressable memory units than requested", GDB manual, "Packets", `m`).
pub const MAX_READ: usize = (MAX_PACKET - 4) / 2;

/// What one byte from gdb completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Nothing yet (inside a packet, or a dropped byte).
    Nothing,
    /// `+` or Ctrl-C (0x03), passed on as is.
    Byte(u8),
    /// A whole packet with a right checksum, `$...#xx`.
    Packet(Vec<u8>),
    /// A packet with a wrong or malformed checksum, or longer than [`MAX_PACKET`]: answer `-`.
    Nack,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Body,
    Check1,
    Check2,
}

/// The remote protocol's packet framing, byte by byte.
#[derive(Debug)]
pub struct Framer {
    state: State,
    buf: Vec<u8>,
    sum: u8,
    overflow: bool,
}

impl Default for Framer {
    fn default() -> Self {
        Framer {
            state: State::Idle,
            buf: Vec::new(),
            sum: 0,
            overflow: false,
        }
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

impl Framer {
    /// Takes one byte from gdb.
    pub fn push(&mut self, b: u8) -> Frame {
        match self.state {
            State::Idle => match b {
                b'$' => {
                    self.state = State::Body;
                    self.buf.clear();
                    self.buf.push(b);
                    self.sum = 0;
                    self.overflow = false;
                    Frame::Nothing
                }
                b'+' | 0x03 => Frame::Byte(b),
                _ => Frame::Nothing,
            },
            State::Body => {
                if b == b'#' {
                    self.state = State::Check1;
                } else {
                    self.sum = self.sum.wrapping_add(b);
                }
                self.keep(b);
                Frame::Nothing
            }
            State::Check1 => {
                self.state = State::Check2;
                self.keep(b);
                Frame::Nothing
            }
            State::Check2 => {
                self.state = State::Idle;
                self.keep(b);
                let n = self.buf.len();
                let sent = match (hex(self.buf[n - 2]), hex(self.buf[n - 1])) {
                    (Some(h), Some(l)) => Some(h << 4 | l),
                    _ => None,
                };
                if self.overflow || sent != Some(self.sum) {
                    Frame::Nack
                } else {
                    Frame::Packet(clamp_read(std::mem::take(&mut self.buf)))
                }
            }
        }
    }

    /// Keeps a byte of the current packet; past [`MAX_PACKET`] only the last two (the
    /// checksum) are kept, and the packet will be refused.
    fn keep(&mut self, b: u8) {
        if self.buf.len() >= MAX_PACKET {
            self.overflow = true;
            self.buf.drain(..self.buf.len() - 1);
        }
        self.buf.push(b);
    }
}

/// A whole `$m<addr>,<len>#xx` packet asking for more than [`MAX_READ`] bytes, rewritten to ask
/// for [`MAX_READ`] (gdbstub would otherwise stream a reply of any length, as long as memory is
/// mapped); every other packet as it is. The length is read as gdbstub reads it: the second
/// comma-separated field, where `x` and `X` count as the digit 0.
fn clamp_read(packet: Vec<u8>) -> Vec<u8> {
    let body = &packet[1..packet.len() - 3];
    let Some(rest) = body.strip_prefix(b"m") else {
        return packet;
    };
    let mut fields = rest.split(|&b| b == b',');
    let (Some(addr), Some(len)) = (fields.next(), fields.next()) else {
        return packet;
    };
    let digit = |b: u8| match b {
        b'x' | b'X' => Some(0),
        _ => hex(b),
    };
    if len.is_empty() || !len.iter().all(|&b| digit(b).is_some()) {
        return packet;
    }
    let asked = len.iter().try_fold(0u64, |a, &b| {
        a.checked_mul(16)?.checked_add(u64::from(digit(b)?))
    });
    if asked.is_some_and(|n| n <= MAX_READ as u64) {
        return packet;
    }
    let mut out = b"$m".to_vec();
    out.extend_from_slice(addr);
    out.extend(format!(",{MAX_READ:x}").bytes());
    let sum = out[1..].iter().fold(0u8, |a, b| a.wrapping_add(*b));
    out.extend(format!("#{sum:02x}").bytes());
    out
}

/// A byte stream to gdb that can also be read without blocking.
pub trait Wire: Read + Write {
    /// Reads what is there without waiting: `Ok(None)` when nothing is.
    fn read_now(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>>;
}

impl Wire for TcpStream {
    fn read_now(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        self.set_nonblocking(true)?;
        let r = Read::read(self, buf);
        self.set_nonblocking(false)?;
        match r {
            Ok(n) => Ok(Some(n)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// gdbstub's connection: a [`Wire`] seen through a [`Framer`].
pub struct Checked<W: Wire> {
    wire: W,
    framer: Framer,
    ready: VecDeque<u8>,
    received: u64,
}

impl<W: Wire> Checked<W> {
    /// Wraps a wire.
    pub fn new(wire: W) -> Checked<W> {
        Checked {
            wire,
            framer: Framer::default(),
            ready: VecDeque::new(),
            received: 0,
        }
    }

    /// Bytes received from gdb so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The wire (tests and the fuzz target look at what was sent).
    pub fn wire(&self) -> &W {
        &self.wire
    }

    /// Frames bytes read from gdb; answers `-` to bad packets.
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.received += bytes.len() as u64;
        for &b in bytes {
            match self.framer.push(b) {
                Frame::Nothing => {}
                Frame::Byte(b) => self.ready.push_back(b),
                Frame::Packet(p) => self.ready.extend(p),
                Frame::Nack => self.wire.write_all(b"-")?,
            }
        }
        Ok(())
    }
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "gdb closed the connection")
}

impl<W: Wire> Connection for Checked<W> {
    type Error = io::Error;

    fn write(&mut self, byte: u8) -> Result<(), io::Error> {
        self.wire.write_all(&[byte])
    }

    fn write_all(&mut self, buf: &[u8]) -> Result<(), io::Error> {
        self.wire.write_all(buf)
    }

    fn flush(&mut self) -> Result<(), io::Error> {
        self.wire.flush()
    }
}

impl<W: Wire> ConnectionExt for Checked<W> {
    fn read(&mut self) -> Result<u8, io::Error> {
        let mut chunk = [0u8; 512];
        loop {
            if let Some(b) = self.ready.pop_front() {
                return Ok(b);
            }
            let n = self.wire.read(&mut chunk)?;
            if n == 0 {
                return Err(closed());
            }
            self.take(&chunk[..n])?;
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, io::Error> {
        let mut chunk = [0u8; 512];
        while self.ready.is_empty() {
            match self.wire.read_now(&mut chunk)? {
                None => return Ok(None),
                Some(0) => return Err(closed()),
                Some(n) => self.take(&chunk[..n])?,
            }
        }
        Ok(self.ready.front().copied())
    }
}

/// A [`Checked`] connection shared between the gdbstub sessions of one client: when gdbstub
/// gives up on a packet it can frame but not parse, the server answers it as unsupported and
/// goes on with a new gdbstub over the same connection.
pub struct Shared<W: Wire>(pub std::rc::Rc<std::cell::RefCell<Checked<W>>>);

impl<W: Wire> Connection for Shared<W> {
    type Error = io::Error;

    fn write(&mut self, byte: u8) -> Result<(), io::Error> {
        self.0.borrow_mut().write(byte)
    }

    fn write_all(&mut self, buf: &[u8]) -> Result<(), io::Error> {
        Connection::write_all(&mut *self.0.borrow_mut(), buf)
    }

    fn flush(&mut self) -> Result<(), io::Error> {
        Connection::flush(&mut *self.0.borrow_mut())
    }
}

impl<W: Wire> ConnectionExt for Shared<W> {
    fn read(&mut self) -> Result<u8, io::Error> {
        ConnectionExt::read(&mut *self.0.borrow_mut())
    }

    fn peek(&mut self) -> Result<Option<u8>, io::Error> {
        self.0.borrow_mut().peek()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(bytes: &[u8]) -> Vec<Frame> {
        let mut f = Framer::default();
        bytes
            .iter()
            .map(|&b| f.push(b))
            .filter(|f| *f != Frame::Nothing)
            .collect()
    }

    #[test]
    fn good_packets_pass_and_bad_ones_are_nacked() {
        assert_eq!(
            frames(b"+$g#67\x03"),
            [
                Frame::Byte(b'+'),
                Frame::Packet(b"$g#67".to_vec()),
                Frame::Byte(3)
            ]
        );
        assert_eq!(frames(b"$m0,4#00"), [Frame::Nack], "bad checksum");
        assert_eq!(frames(b"$g#zz"), [Frame::Nack], "malformed checksum");
        assert_eq!(
            frames(b"junk-\x00$g#67"),
            [Frame::Packet(b"$g#67".to_vec())]
        );
    }

    fn packet(body: &str) -> Vec<u8> {
        let sum = body.bytes().fold(0u8, |a, b| a.wrapping_add(b));
        format!("${body}#{sum:02x}").into_bytes()
    }

    #[test]
    fn reads_longer_than_a_reply_are_clamped() {
        assert_eq!(MAX_READ, 2046);
        let long = frames(&packet("m20000000,ffffffff"));
        assert_eq!(long, [Frame::Packet(packet("m20000000,7fe"))]);
        let huge = frames(&packet("m0,00000000000000000000001000"));
        assert_eq!(huge, [Frame::Packet(packet("m0,7fe"))]);
        // gdbstub reads `x` as the digit 0 and ignores fields after the length.
        let x = frames(&packet("m0,1xx0x,4"));
        assert_eq!(x, [Frame::Packet(packet("m0,7fe"))]);
        // At the limit, below it, malformed or not a read: unchanged.
        for body in [
            "m0,7fe",
            "m0,0007fe",
            "m0,4",
            "m0,",
            "m0,zz",
            "m0",
            "M0,4:00",
            "g",
        ] {
            assert_eq!(
                frames(&packet(body)),
                [Frame::Packet(packet(body))],
                "{body}"
            );
        }
    }

    #[test]
    fn packets_longer_than_the_buffer_are_nacked() {
        let mut p = vec![b'$'];
        p.extend(std::iter::repeat_n(b'a', MAX_PACKET));
        let sum = (MAX_PACKET as u32 * u32::from(b'a')) as u8;
        p.extend(format!("#{sum:02x}").bytes());
        assert_eq!(frames(&p), [Frame::Nack]);
        // The largest that fits passes.
        let n = MAX_PACKET - 4;
        let mut p = vec![b'$'];
        p.extend(std::iter::repeat_n(b'a', n));
        let sum = (n as u32 * u32::from(b'a')) as u8;
        p.extend(format!("#{sum:02x}").bytes());
        assert!(matches!(&frames(&p)[..], [Frame::Packet(q)] if q.len() == MAX_PACKET));
    }
}

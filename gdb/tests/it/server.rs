//! The gdb server over real TCP on 127.0.0.1 with a raw remote-protocol client: registers,
//! memory, breakpoints, watchpoints, step, continue, Ctrl-C, monitor commands, detach and
//! reconnection, one client at a time, `-` for a bad checksum, and garbage that must not crash
//! it. The machine is the committed demo.elf with the tests'
//! stand-in ISA (tui/tests/it/common).

#[path = "../../../tui/tests/it/common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

struct Client {
    s: TcpStream,
}

fn checksum(p: &str) -> u8 {
    p.bytes().fold(0u8, |a, b| a.wrapping_add(b))
}

impl Client {
    fn read_byte(&mut self) -> u8 {
        let mut b = [0u8; 1];
        self.s.read_exact(&mut b).expect("server answers");
        b[0]
    }

    /// Reads one packet (skipping acks), acknowledges it and returns its payload.
    fn read_packet(&mut self) -> String {
        loop {
            match self.read_byte() {
                b'$' => break,
                b'+' | b'-' => continue,
                other => panic!("unexpected byte {other:#x}"),
            }
        }
        let mut payload: Vec<u8> = Vec::new();
        loop {
            let b = self.read_byte();
            if b == b'#' {
                break;
            }
            if b == b'*' {
                // Run-length encoding: repeat the previous byte (count - 29) more times.
                let n = self.read_byte() - 29;
                let last = *payload.last().expect("RLE after a byte");
                payload.extend(std::iter::repeat_n(last, usize::from(n)));
                continue;
            }
            payload.push(b);
        }
        let _ = (self.read_byte(), self.read_byte());
        self.s.write_all(b"+").unwrap();
        String::from_utf8(payload).unwrap()
    }

    fn send(&mut self, p: &str) {
        write!(self.s, "${p}#{:02x}", checksum(p)).unwrap();
    }

    fn ask(&mut self, p: &str) -> String {
        self.send(p);
        self.read_packet()
    }

    /// `qRcmd` output (O packets, hex) until the final OK.
    fn monitor(&mut self, cmd: &str) -> String {
        let hex: String = cmd.bytes().map(|b| format!("{b:02x}")).collect();
        self.send(&format!("qRcmd,{hex}"));
        let mut text = String::new();
        loop {
            let p = self.read_packet();
            if p == "OK" {
                return text;
            }
            let o = p.strip_prefix('O').expect("console output packet");
            text.push_str(&String::from_utf8(unhex(o)).unwrap());
        }
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn reg(g: &str, n: usize) -> u32 {
    let b = unhex(&g[8 * n..8 * n + 8]);
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

type Server = JoinHandle<Result<gdb::SessionEnd, gdb::GdbError>>;

fn connect(addr: SocketAddr) -> Client {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    Client { s }
}

/// A client the server serves (`qSupported` answered with a `PacketSize`), retrying for 5 s
/// while the server is still ending an earlier session (a busy server answers `E.` and
/// disconnects).
fn connect_when_served(addr: SocketAddr) -> Client {
    (0..100)
        .find_map(|_| {
            let mut c = connect(addr);
            if c.ask("qSupported:multiprocess+").contains("PacketSize") {
                Some(c)
            } else {
                std::thread::sleep(Duration::from_millis(50));
                None
            }
        })
        .expect("served within 5 s")
}

fn start_at(setup: impl FnOnce(&mut sim_core::Machine) + Send + 'static) -> (SocketAddr, Server) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        let mut m = common::demo_machine();
        setup(&mut m);
        gdb::serve_listener(m, &listener)
    });
    (addr, h)
}

fn start(setup: impl FnOnce(&mut sim_core::Machine) + Send + 'static) -> (Client, Server) {
    let (addr, h) = start_at(setup);
    (connect(addr), h)
}

fn sym(name: &str) -> u32 {
    common::demo_machine().image.symbol(name).unwrap().addr
}

#[test]
fn break_continue_registers_memory_step_detach_reconnect_reset() {
    let (addr, h) = start_at(|_| {});
    let mut c = connect(addr);
    assert!(c.ask("qSupported:swbreak+;hwbreak+").contains("PacketSize"));
    let xml = c.ask("qXfer:features:read:target.xml:0,fff");
    assert!(
        xml.contains("org.gnu.gdb.arm.m-profile") && xml.contains("org.gnu.gdb.arm.vfp"),
        "{xml}"
    );
    assert!(c.ask("?").starts_with('T') || c.ask("?").starts_with('S'));
    let g = c.ask("g");
    assert_eq!(g.len(), 224 * 2, "core + FPU registers of the M4F: {g}");
    assert_eq!(reg(&g, 15), sym("Reset_Handler"));
    assert_eq!(
        reg(&g, 13),
        0x2001_0000,
        "initial MSP from the vector table"
    );
    assert_eq!(reg(&g, 16) & (1 << 24), 1 << 24, "xPSR.T");
    // The vector table: initial SP, then Reset_Handler | 1.
    let m = unhex(&c.ask("m0,8"));
    assert_eq!(
        m,
        [
            0x00,
            0x00,
            0x01,
            0x20,
            (sym("Reset_Handler") | 1) as u8,
            0,
            0,
            0
        ]
    );
    assert!(
        c.ask("m90000000,4").starts_with('E'),
        "unmapped memory is an error"
    );
    let main = sym("main");
    assert_eq!(c.ask(&format!("Z0,{main:x},2")), "OK");
    let stop = c.ask("c");
    assert!(stop.starts_with("T05"), "{stop}");
    assert_eq!(reg(&c.ask("g"), 15), main);
    // Stack memory is readable at SP.
    let sp = reg(&c.ask("g"), 13);
    assert_eq!(c.ask(&format!("m{sp:x},10")).len(), 32);
    let s = c.ask("s");
    assert!(s.starts_with("T05") || s.starts_with("S05"), "{s}");
    assert_eq!(reg(&c.ask("g"), 15), main + 2);
    // Memory write and read back.
    assert_eq!(c.ask("M20000100,4:efbeadde"), "OK");
    assert_eq!(c.ask("m20000100,4"), "efbeadde");
    let cycles = c.monitor("cycles");
    assert!(
        cycles.contains(" cycles, ") && cycles.contains("instructions"),
        "{cycles}"
    );
    let report = c.monitor("report");
    assert!(
        report.contains("board mps2-an386") && report.contains("stack_peak"),
        "{report}"
    );
    assert!(c.monitor("frob").contains("unknown monitor command"));
    assert_eq!(c.ask("z0,84,2"), "OK");
    assert_eq!(c.ask("D"), "OK");
    drop(c);
    // The server keeps listening after a detach: a new gdb finds the machine as it was,
    // and `monitor reset` starts the statistics from zero with the core.
    let mut c = connect(addr);
    assert!(c.ask("qSupported:multiprocess+").contains("PacketSize"));
    assert_eq!(reg(&c.ask("g"), 15), main + 2);
    assert!(!c.monitor("cycles").starts_with("0 cycles"));
    let r = c.monitor("reset");
    assert!(r.contains("core and statistics reset"), "{r}");
    assert_eq!(reg(&c.ask("g"), 15), sym("Reset_Handler"));
    let cycles = c.monitor("cycles");
    assert!(
        cycles.starts_with("0 cycles, 0 instructions (0.000000 s"),
        "{cycles}"
    );
    let report = c.monitor("report");
    assert!(report.contains("instructions 0\ncycles 0\n"), "{report}");
    c.send("k");
    assert_eq!(h.join().unwrap().unwrap(), gdb::SessionEnd::Killed);
}

#[test]
fn write_watchpoint_stops_after_the_store() {
    let (mut c, h) = start(|_| {});
    let q = c.ask("qSupported:multiprocess+");
    assert!(q.contains("PacketSize"), "{q}");
    // Reset_Handler's push {r3, lr} writes LR just below the initial SP.
    assert_eq!(c.ask("Z2,2000fffc,4"), "OK");
    let r = c.ask("Z3,2000fffc,4");
    assert!(
        r.starts_with('E'),
        "read watchpoints are not supported: {r}"
    );
    let stop = c.ask("c");
    assert!(stop.contains("watch:2000fffc"), "{stop}");
    assert_eq!(c.ask("m2000fffc,4"), "ffffffff");
    c.send("k");
    h.join().unwrap().unwrap();
}

#[test]
fn ctrl_c_interrupts_a_spinning_guest_and_exit_is_reported() {
    let spin = sym("Default_Handler"); // b .
    let (mut c, h) = start(move |m| m.cpu.r[15] = spin);
    c.ask("qSupported:multiprocess+");
    c.send("c");
    c.s.write_all(&[0x03]).unwrap();
    let stop = c.read_packet();
    assert!(stop.starts_with("T02") || stop.starts_with("S02"), "{stop}");
    assert_eq!(reg(&c.ask("g"), 15), spin);
    // Back to the reset handler and on to the guest's SYS_EXIT.
    let p = format!("P{:x}={}", 15, hex_le(sym("Reset_Handler")));
    let r = c.ask(&p);
    if r.is_empty() {
        // No single-register writes: write the whole block.
        let mut g = c.ask("g");
        g.replace_range(15 * 8..16 * 8, &hex_le(sym("Reset_Handler")));
        assert_eq!(c.ask(&format!("G{g}")), "OK");
    }
    assert_eq!(c.ask("c"), "W00");
    assert_eq!(h.join().unwrap().unwrap(), gdb::SessionEnd::Exited(0));
}

fn hex_le(v: u32) -> String {
    v.to_le_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn garbage_and_malformed_packets_do_not_crash_the_server() {
    let (addr, h) = start_at(|_| {});
    let mut c = connect(addr);
    // Stray bytes between packets are dropped; a bad checksum is answered `-` (gdb sends
    // the packet again) and the session goes on.
    c.s.write_all(b"\x00\xff garbage").unwrap();
    c.s.write_all(b"$m0,4#00").unwrap();
    assert_eq!(c.read_byte(), b'-', "bad checksum");
    assert_eq!(c.ask("m0,4"), "00000120");
    // Longer than the packet buffer: refused the same way.
    let long = "m".repeat(5000);
    c.send(&long);
    assert_eq!(c.read_byte(), b'-', "oversized packet");
    assert_eq!(c.ask("m0,4"), "00000120");
    // A read longer than one reply holds gets the first MAX_READ bytes (gdb reads the rest
    // with further packets), not a reply streamed over the whole flash.
    let long_read = c.ask("m0,100000");
    assert_eq!(long_read.len(), 2 * gdb::conn::MAX_READ);
    assert!(long_read.len() + 4 <= gdb::conn::MAX_PACKET);
    assert!(long_read.starts_with("00000120"));
    // A packet gdbstub cannot parse is answered as unsupported, and the client served on.
    assert_eq!(c.ask("qSupported"), "");
    assert_eq!(c.ask("m0,4"), "00000120");
    for p in [
        "m",
        "mzz,4",
        "m0,",
        "M0,4:zz",
        "Z0,xyz,2",
        "G1234",
        "qXfer:features:read:other.xml:0,10",
        "vCont;x",
        "P99=1",
        "qSupported",
    ] {
        c.send(p);
    }
    let _ = c.s.flush();
    drop(c);
    // The session may have failed on any of those; the server then takes a new connection
    // with the machine as it was. It may still be reading the dropped client's packets when
    // the new one arrives; that one is then told the server is busy (`E.`), and retries.
    let mut c = connect_when_served(addr);
    let g = c.ask("g");
    assert_eq!(reg(&g, 15), sym("Reset_Handler"));
    c.send("k");
    assert_eq!(
        h.join().expect("no panic").unwrap(),
        gdb::SessionEnd::Killed
    );
}

/// One gdb at a time: a second one is told so (an `E.` reply to its first packet) and
/// disconnected; once the first detaches, the next is served.
#[test]
fn a_second_client_is_told_the_server_is_busy() {
    let (addr, h) = start_at(|_| {});
    let mut first = connect(addr);
    assert!(first.ask("qSupported:multiprocess+").contains("PacketSize"));
    let mut second = connect(addr);
    let reply = second.ask("qSupported");
    assert_eq!(reply, gdb::BUSY);
    let mut rest = Vec::new();
    let _ = second.s.read_to_end(&mut rest);
    assert!(rest.is_empty(), "closed after the reply: {rest:?}");
    assert_eq!(first.ask("m0,4"), "00000120", "the first is still served");
    assert_eq!(first.ask("D"), "OK");
    drop(first);
    // The server may still be ending the first session when the third connects (it is then
    // told the server is busy, and retries).
    let mut third = connect_when_served(addr);
    third.send("k");
    assert_eq!(h.join().unwrap().unwrap(), gdb::SessionEnd::Killed);
}

#[test]
fn only_loopback_addresses_are_served() {
    let e = gdb::serve(common::demo_machine(), "0.0.0.0:0".parse().unwrap()).unwrap_err();
    assert!(e.to_string().contains("127.0.0.1 only"), "{e}");
}

//! The Cortex-M architecture as gdb sees it: register block layout (the order of the target
//! description below) and the description XML with and without the FPU.

use gdbstub::arch::{Arch, Registers};

/// Cortex-M for gdbstub.
pub enum CortexM {}

/// Registers in target-description order: r0–r15 (0–15), xpsr (16), msp, psp (17, 18),
/// primask, basepri, faultmask, control (19–22), then with an FPU d0–d15 (23–38) and fpscr
/// (39).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CortexMRegs {
    /// R0–R15.
    pub r: [u32; 16],
    /// xPSR.
    pub xpsr: u32,
    /// MSP.
    pub msp: u32,
    /// PSP.
    pub psp: u32,
    /// PRIMASK.
    pub primask: u32,
    /// BASEPRI.
    pub basepri: u32,
    /// FAULTMASK.
    pub faultmask: u32,
    /// CONTROL.
    pub control: u32,
    /// S0–S31 and FPSCR, when the core has an FPU.
    pub fpu: Option<([u32; 32], u32)>,
}

const CORE_WORDS: usize = 23;
const FPU_BYTES: usize = 32 * 4 + 4;

impl Registers for CortexMRegs {
    type ProgramCounter = u32;

    fn pc(&self) -> u32 {
        self.r[15]
    }

    fn gdb_serialize(&self, mut write_byte: impl FnMut(Option<u8>)) {
        let mut word = |w: u32| {
            for b in w.to_le_bytes() {
                write_byte(Some(b));
            }
        };
        for &r in &self.r {
            word(r);
        }
        for w in [
            self.xpsr,
            self.msp,
            self.psp,
            self.primask,
            self.basepri,
            self.faultmask,
            self.control,
        ] {
            word(w);
        }
        if let Some((s, fpscr)) = &self.fpu {
            // d(n) = s(2n+1):s(2n), little-endian: s(2n) bytes first.
            for &w in s {
                word(w);
            }
            word(*fpscr);
        }
    }

    fn gdb_deserialize(&mut self, bytes: &[u8]) -> Result<(), ()> {
        let has_fpu = match bytes.len() {
            n if n == CORE_WORDS * 4 => false,
            n if n == CORE_WORDS * 4 + FPU_BYTES => true,
            _ => return Err(()),
        };
        let words: Vec<u32> = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        self.r.copy_from_slice(&words[..16]);
        self.xpsr = words[16];
        self.msp = words[17];
        self.psp = words[18];
        self.primask = words[19];
        self.basepri = words[20];
        self.faultmask = words[21];
        self.control = words[22];
        self.fpu = has_fpu.then(|| {
            let mut s = [0u32; 32];
            s.copy_from_slice(&words[23..55]);
            (s, words[55])
        });
        Ok(())
    }
}

impl Arch for CortexM {
    type Usize = u32;
    type Registers = CortexMRegs;
    type BreakpointKind = usize;
    type RegId = ();

    fn target_description_xml() -> Option<&'static str> {
        Some(XML_NO_FPU)
    }
}

macro_rules! tdesc {
    ($fpu:expr) => {
        concat!(
            r#"<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
<architecture>arm</architecture>
<feature name="org.gnu.gdb.arm.m-profile">
<reg name="r0" bitsize="32" regnum="0"/>
<reg name="r1" bitsize="32"/>
<reg name="r2" bitsize="32"/>
<reg name="r3" bitsize="32"/>
<reg name="r4" bitsize="32"/>
<reg name="r5" bitsize="32"/>
<reg name="r6" bitsize="32"/>
<reg name="r7" bitsize="32"/>
<reg name="r8" bitsize="32"/>
<reg name="r9" bitsize="32"/>
<reg name="r10" bitsize="32"/>
<reg name="r11" bitsize="32"/>
<reg name="r12" bitsize="32"/>
<reg name="sp" bitsize="32" type="data_ptr"/>
<reg name="lr" bitsize="32"/>
<reg name="pc" bitsize="32" type="code_ptr"/>
<reg name="xpsr" bitsize="32" regnum="16"/>
</feature>
<feature name="org.gnu.gdb.arm.m-system">
<reg name="msp" bitsize="32" regnum="17" type="data_ptr" group="system"/>
<reg name="psp" bitsize="32" regnum="18" type="data_ptr" group="system"/>
</feature>
<feature name="org.thimble.arm.m-special">
<reg name="primask" bitsize="32" regnum="19" group="system"/>
<reg name="basepri" bitsize="32" regnum="20" group="system"/>
<reg name="faultmask" bitsize="32" regnum="21" group="system"/>
<reg name="control" bitsize="32" regnum="22" group="system"/>
</feature>
"#,
            $fpu,
            "</target>\n"
        )
    };
}

/// Target description of a core without FPU.
pub const XML_NO_FPU: &str = tdesc!("");

/// Target description of a core with a single-precision FPU (d0–d15 overlap s0–s31).
pub const XML_FPU: &str = tdesc!(
    r#"<feature name="org.gnu.gdb.arm.vfp">
<reg name="d0" bitsize="64" regnum="23" type="ieee_double"/>
<reg name="d1" bitsize="64" type="ieee_double"/>
<reg name="d2" bitsize="64" type="ieee_double"/>
<reg name="d3" bitsize="64" type="ieee_double"/>
<reg name="d4" bitsize="64" type="ieee_double"/>
<reg name="d5" bitsize="64" type="ieee_double"/>
<reg name="d6" bitsize="64" type="ieee_double"/>
<reg name="d7" bitsize="64" type="ieee_double"/>
<reg name="d8" bitsize="64" type="ieee_double"/>
<reg name="d9" bitsize="64" type="ieee_double"/>
<reg name="d10" bitsize="64" type="ieee_double"/>
<reg name="d11" bitsize="64" type="ieee_double"/>
<reg name="d12" bitsize="64" type="ieee_double"/>
<reg name="d13" bitsize="64" type="ieee_double"/>
<reg name="d14" bitsize="64" type="ieee_double"/>
<reg name="d15" bitsize="64" type="ieee_double"/>
<reg name="fpscr" bitsize="32" regnum="39" group="float"/>
</feature>
"#
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_round_trip_with_and_without_fpu() {
        let mut r = CortexMRegs::default();
        r.r[15] = 0x1234;
        r.xpsr = 0x0100_0000;
        r.control = 2;
        for fpu in [None, Some(([7u32; 32], 0x0300_0000))] {
            r.fpu = fpu;
            let mut bytes = Vec::new();
            r.gdb_serialize(|b| bytes.push(b.unwrap()));
            assert_eq!(bytes.len(), if fpu.is_some() { 224 } else { 92 });
            let mut back = CortexMRegs::default();
            back.gdb_deserialize(&bytes).unwrap();
            assert_eq!(back, r);
        }
        assert!(CortexMRegs::default().gdb_deserialize(&[0; 91]).is_err());
    }
}

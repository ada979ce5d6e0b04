//! Special registers: MRS/MSR for every SYSm value and CPS (ARMv7-M B5.2.2, B5.2.3, B5.2.1).

use sim_core::cpu::{control, Mode};
use sim_core::{Bus, Cpu};

/// The value MRS reads from special register `sysm`. EPSR reads as zero (B5.2.2); the stack
/// pointers read as zero when unprivileged; undefined SYSm values read zero.
pub fn mrs(cpu: &Cpu, sysm: u8, has_fp: bool) -> u32 {
    match sysm >> 3 {
        0 => {
            let mut r = 0;
            if sysm & 1 != 0 {
                r |= u32::from(cpu.ipsr) & 0x1ff;
            }
            if sysm & 4 == 0 {
                r |= cpu.apsr() & 0xF80F_0000;
            }
            r
        }
        1 if cpu.privileged() => match sysm & 7 {
            0 => cpu.msp(),
            1 => cpu.psp(),
            _ => 0,
        },
        2 => match sysm & 7 {
            0 => u32::from(cpu.primask),
            1 | 2 => u32::from(cpu.basepri),
            3 => u32::from(cpu.faultmask),
            4 => {
                let mask = if has_fp {
                    control::NPRIV | control::SPSEL | control::FPCA
                } else {
                    control::NPRIV | control::SPSEL
                };
                u32::from(cpu.control & mask)
            }
            _ => 0,
        },
        _ => 0,
    }
}

/// MSR to special register `sysm` with APSR write mask `mask` (bit 1: NZCVQ, bit 0: GE).
/// Unprivileged writes to anything but APSR are ignored; writes that can change the
/// execution priority set `bus.exc.dirty`.
pub fn msr(cpu: &mut Cpu, bus: &mut Bus, sysm: u8, mask: u8, v: u32, has_dsp: bool, has_fp: bool) {
    match sysm >> 3 {
        0 if sysm & 4 == 0 => {
            if mask & 2 != 0 {
                cpu.set_nzcvq(v);
            }
            if mask & 1 != 0 && has_dsp {
                cpu.ge = ((v >> 16) & 0xf) as u8;
            }
        }
        1 if cpu.privileged() => match sysm & 7 {
            0 => cpu.set_msp(v),
            1 => cpu.set_psp(v),
            _ => {}
        },
        2 if cpu.privileged() => {
            let implemented = !((1u16 << (8 - bus.exc.priority_bits.min(8))) - 1) as u8;
            match sysm & 7 {
                0 => cpu.primask = v & 1 != 0,
                1 => cpu.basepri = (v as u8) & implemented,
                2 => {
                    let b = (v as u8) & implemented;
                    if b != 0 && (cpu.basepri == 0 || b < cpu.basepri) {
                        cpu.basepri = b;
                    }
                }
                // FAULTMASK cannot be set at execution priority -1 or higher (HardFault, NMI).
                3 if v & 1 == 0 || bus.exc.execution_priority(cpu) > -1 => {
                    cpu.faultmask = v & 1 != 0;
                }
                4 => {
                    if cpu.mode == Mode::Thread {
                        let mut c = (v as u8) & (control::NPRIV | control::SPSEL);
                        if has_fp {
                            c |= (v as u8) & control::FPCA;
                        } else {
                            c |= cpu.control & control::FPCA;
                        }
                        cpu.set_control(c);
                    } else {
                        // In handler mode SPSEL is not writable; nPRIV is (ARMv7-M B5.2.3
                        // MSR: `CONTROL.nPRIV = R[n]<0>` whenever privileged), FPCA with an FPU.
                        let mut writable = control::NPRIV;
                        if has_fp {
                            writable |= control::FPCA;
                        }
                        let c = (cpu.control & !writable) | ((v as u8) & writable);
                        cpu.set_control(c);
                    }
                }
                _ => {}
            }
            bus.exc.dirty = true;
        }
        _ => {}
    }
}

/// CPSIE/CPSID: `enable` clears the masks named by `i` (PRIMASK) and `f` (FAULTMASK).
/// Ignored when unprivileged.
pub fn cps(cpu: &mut Cpu, bus: &mut Bus, enable: bool, i: bool, f: bool) {
    if !cpu.privileged() {
        return;
    }
    if i {
        cpu.primask = !enable;
    }
    if f && (enable || bus.exc.execution_priority(cpu) > -1) {
        cpu.faultmask = !enable;
    }
    bus.exc.dirty = true;
}

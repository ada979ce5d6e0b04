/* ci/ci_gate: a firmware self-test as CI sees one.  It prints a verdict per
 * test, one PASS and then one FAIL, and then runs on for ever (a heartbeat
 * loop that never exits), as firmware on a device does.  thimble's tests use
 * it for --expect-text (the run ends with success at the PASS line),
 * --fail-text (exit 77 at the FAIL line) and the default limit of simulated
 * time (exit 71).  Output goes through semihosting. */
#include <stdint.h>

#include "semihosting.h"

static volatile uint32_t work;

__attribute__((noinline)) static void burn(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        work = work * 1664525u + 1013904223u;
    }
}

int main(void)
{
    sh_write0("ci_gate: self-test starting\n");
    burn(10000);
    sh_write0("test checksum: PASS\n");
    burn(10000);
    sh_write0("test sensor: FAIL (no response)\n");
    for (;;) {
        burn(100000);
        sh_write0("heartbeat\n");
    }
}

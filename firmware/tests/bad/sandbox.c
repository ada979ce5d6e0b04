/* bad/sandbox: probes the semihosting file sandbox.  Opens, in order,
 *   "inside.txt"      a relative path: allowed only under --semihosting-root DIR
 *   "../outside.txt"  escapes the root: must be refused (-1) even with a root
 *   "/etc/hostname"   an absolute host path: must be refused (-1)
 * For each it prints "open <path> -> ok" or "-> -1"; for inside.txt it also
 * prints up to 64 bytes read from it.  Exit status: the number of opens that
 * succeeded beyond what a sandbox allows (0 = sandbox held). */
#include <stdio.h>
#include <string.h>

#include "semihosting.h"

static int probe(const char *path, int print_contents)
{
    int32_t h = sh_open(path, SH_MODE_RB);
    printf("open %s -> %s\n", path, h >= 0 ? "ok" : "-1");
    if (h < 0) {
        return 0;
    }
    if (print_contents) {
        char buf[65];
        memset(buf, 0, sizeof buf);
        int32_t left = sh_read(h, buf, 64);
        printf("read %ld bytes: %s\n", (long)(64 - left), buf);
    }
    sh_close(h);
    return 1;
}

int main(void)
{
    probe("inside.txt", 1);
    int escaped = probe("../outside.txt", 0);
    escaped += probe("/etc/hostname", 0);
    return escaped;
}

/* Console output for the nn apps: semihosting SYS_WRITE0 through helper
 * fw's firmware/common (its startup runs exit(main())). */
#ifndef THIMBLE_NN_IO_H
#define THIMBLE_NN_IO_H

#include "semihosting.h"

/* Writes a NUL-terminated string to the host console. */
static inline void io_puts(const char *s)
{
    sh_write0(s);
}

#endif

/* Text for the bad/ programs, which report with semihosting calls only (they
 * clobber newlib's state in .bss or the heap, so no printf). */
#ifndef BAD_TEXT_H
#define BAD_TEXT_H

#include <stdint.h>

/* Copies the string s to p (without its NUL); returns the end. */
char *put(char *p, const char *s);

/* Writes v in decimal at p; returns the end. */
char *put_dec(char *p, uint32_t v);

#endif

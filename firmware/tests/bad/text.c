/* Text for the bad/ programs (see text.h). */
#include "text.h"

char *put(char *p, const char *s)
{
    while (*s) {
        *p++ = *s++;
    }
    return p;
}

char *put_dec(char *p, uint32_t v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        *p++ = tmp[--n];
    }
    return p;
}

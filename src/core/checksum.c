/*
 * checksum.c - Flyway's checksum.  Flyway reads the file line by line
 * (BufferedReader.readLine: \n, \r and \r\n end a line and are not part of
 * it), drops a BOM at the start of the first line, and feeds each line's
 * UTF-8 bytes to one running CRC-32 with no separator.  Since lines are
 * re-encoded as UTF-8, feeding the original bytes between terminators is
 * equivalent once the input is known to be valid UTF-8.
 */
#include "core/checksum.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

size_t checksum_utf8_invalid_offset(const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    while (i < len) {
        /* Migration scripts are mostly ASCII: skip it eight bytes at a time. */
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, sizeof w);
            if ((w & UINT64_C(0x8080808080808080)) == 0) {
                i += 8;
                continue;
            }
        }
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* Overlong forms, surrogates and values above U+10FFFF are invalid. */
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += need + 1;
    }
    return (size_t)-1;
}

int checksum_compute(const char *data, size_t len, int32_t *out, size_t *bad_offset)
{
    size_t bad = checksum_utf8_invalid_offset(data, len);
    if (bad != (size_t)-1) {
        if (bad_offset)
            *bad_offset = bad;
        return -1;
    }
    *out = checksum_compute_valid(data, len);
    return 0;
}

/*
 * Line terminators are dropped and an empty line adds nothing to a running
 * CRC, so the checksum is the CRC of every byte that is not CR or LF.  The
 * runs between them are gathered into one buffer first: zlib's crc32 is
 * several times faster on one long buffer than on many short lines.
 */
int32_t checksum_compute_valid(const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    unsigned char stack[16384];
    unsigned char *buf = len - i <= sizeof stack ? stack : xmalloc(len - i);
    size_t n = 0;
    while (i < len) {
        const unsigned char *lf = memchr(s + i, '\n', len - i);
        size_t end = lf ? (size_t)(lf - s) : len;
        while (i < end) {
            const unsigned char *cr = memchr(s + i, '\r', end - i);
            size_t stop = cr ? (size_t)(cr - s) : end;
            memcpy(buf + n, s + i, stop - i);
            n += stop - i;
            i = stop + 1;
        }
        i = end + 1;
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    for (size_t off = 0; off < n;) {
        size_t chunk = n - off > 1u << 30 ? 1u << 30 : n - off;
        crc = crc32(crc, buf + off, (uInt)chunk);
        off += chunk;
    }
    if (buf != stack)
        free(buf);
    return (int32_t)(uint32_t)crc;
}

/*
 * crypto_lazy.c - the libcrypto functions request signing and secret
 * handling call, loading libcrypto on first use (see core/lazylib.h):
 * mapping and relocating it at start-up cost 1.4 MB of resident memory in
 * every run, signed requests or not.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stddef.h>

#include "core/lazylib.h"

static lazy_lib crypto_lib = LAZY_LIB("libcrypto.so.3", "libssl3", "AWS request signing and secrets");

const EVP_MD *EVP_sha256(void)
{
    LAZY_FN(crypto_lib, EVP_sha256);
    return f_ ? f_() : NULL;
}

unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *data,
                    size_t data_len, unsigned char *md, unsigned int *md_len)
{
    LAZY_FN(crypto_lib, HMAC);
    return f_ && evp_md ? f_(evp_md, key, key_len, data, data_len, md, md_len) : NULL;
}

unsigned char *SHA256(const unsigned char *d, size_t n, unsigned char *md)
{
    LAZY_FN(crypto_lib, SHA256);
    return f_ ? f_(d, n, md) : NULL;
}

/* Secrets are wiped even when libcrypto is missing. */
void OPENSSL_cleanse(void *ptr, size_t len)
{
    LAZY_FN(crypto_lib, OPENSSL_cleanse);
    if (f_) {
        f_(ptr, len);
        return;
    }
    volatile unsigned char *p = ptr;
    while (len--)
        *p++ = 0;
}

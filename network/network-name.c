/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "network/network-name.h"

#define IFNAME_MAX (IF_NAMESIZE - 1)
#define IFNAME_HASH_CHARS 4

bool ifname_is_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > IFNAME_MAX || streq(s, ".") || streq(s, ".."))
                return false;
        for (; *s; s++)
                if ((unsigned char) *s <= ' ' || (unsigned char) *s >= 0x7f || *s == '/' || *s == ':')
                        return false;
        return true;
}

/* FNV-1a, 64 bits, over several strings with a 0 byte after each, so that ("ab", "c") and
 * ("a", "bc") differ. Not cryptographic: names and MACs only need to be stable and spread out. */
static uint64_t hash_strings(const char *const *s, size_t n) {
        uint64_t h = UINT64_C(0xcbf29ce484222325);

        for (size_t i = 0; i < n; i++)
                for (const char *p = s[i];; p++) {
                        h = (h ^ (unsigned char) *p) * UINT64_C(0x100000001b3);
                        if (!*p)
                                break;
                }
        return h;
}

void ifname_with_prefix(const char *prefix, const char *name, char ret[static IF_NAMESIZE]) {
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char full[256];
        uint64_t h;

        snprintf(full, sizeof full, "%s%s", prefix, name);
        if (strlen(full) <= IFNAME_MAX) {
                memcpy(ret, full, strlen(full) + 1);
                return;
        }
        /* 24 bits of hash as 4 URL-safe base64 characters: valid in link names, and two machines
         * whose long names share their first 11 bytes collide once in 16 million. */
        h = hash_strings((const char *const[]) { full }, 1);
        memcpy(ret, full, IFNAME_MAX - IFNAME_HASH_CHARS);
        for (size_t i = 0; i < IFNAME_HASH_CHARS; i++)
                ret[IFNAME_MAX - IFNAME_HASH_CHARS + i] = alphabet[(h >> (6 * i)) & 63];
        ret[IFNAME_MAX] = 0;
}

void mac_derive(const char *machine_id, const char *machine, const char *role, unsigned index,
                uint8_t ret[static 6]) {
        char idx[16];
        uint64_t h;

        snprintf(idx, sizeof idx, "%u", index);
        h = hash_strings((const char *const[]) { "syscon-mac", machine_id, machine, role, idx }, 5);
        for (size_t i = 0; i < 6; i++)
                ret[i] = (uint8_t) (h >> (8 * i));
        ret[0] = (uint8_t) ((ret[0] & ~0x01) | 0x02); /* unicast, locally administered */
}

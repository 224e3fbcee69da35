/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <elf.h>
#include <inttypes.h>
#include <link.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "basic/macro.h"
#include "core/seccomp-cache.h"

#define CACHE_MAGIC "SCBPF001"

struct cache_header {
        char magic[8];
        uint32_t key_len;
        uint32_t n_insns;
};

struct build_id {
        const uint8_t *bytes;
        size_t len;
};

#define NOTE_ALIGN(n) (((n) + 3) & ~(size_t) 3)

static bool note_find_build_id(const uint8_t *p, const uint8_t *end, struct build_id *ret) {
        while ((size_t) (end - p) >= sizeof(ElfW(Nhdr))) {
                const ElfW(Nhdr) *n = (const void *) p;
                const uint8_t *name = p + sizeof *n, *desc = name + NOTE_ALIGN(n->n_namesz);

                if (desc > end || n->n_descsz > (size_t) (end - desc))
                        return false;
                if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                        *ret = (struct build_id) { desc, n->n_descsz };
                        return n->n_descsz > 0;
                }
                p = desc + NOTE_ALIGN(n->n_descsz);
        }
        return false;
}

/* Called for the executable first; it alone matters, so the walk ends there. */
static int executable_build_id(struct dl_phdr_info *info, size_t size, void *userdata) {
        for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
                const ElfW(Phdr) *ph = info->dlpi_phdr + i;
                const uint8_t *start = (const uint8_t *) (info->dlpi_addr + ph->p_vaddr);

                if (ph->p_type == PT_NOTE && note_find_build_id(start, start + ph->p_memsz, userdata))
                        break;
        }
        return 1;
}

int seccomp_cache_key(const char *rules, char **ret) {
        const struct scmp_version *v = seccomp_version();
        struct build_id id = {};
        char hex[2 * 64 + 1];

        (void) dl_iterate_phdr(executable_build_id, &id);
        if (id.len == 0 || id.len > 64 || !v)
                return -ENODATA;
        for (size_t i = 0; i < id.len; i++)
                sprintf(hex + 2 * i, "%02x", id.bytes[i]);
        if (asprintf(ret, "build-id %s\nlibseccomp %u.%u.%u\n%s", hex, v->major, v->minor, v->micro, rules) < 0)
                return -ENOMEM;
        return 0;
}

/* FNV-1a: only a file name; the file itself says which key it holds. */
static void file_name(const char *key, char ret[static 17]) {
        uint64_t h = UINT64_C(14695981039346656037);

        for (const char *c = key; *c; c++)
                h = (h ^ (uint8_t) *c) * UINT64_C(1099511628211);
        sprintf(ret, "%016" PRIx64, h);
}

static int read_exactly(int fd, void *buf, size_t len) {
        ssize_t n = read(fd, buf, len);

        if (n < 0)
                return -errno;
        return (size_t) n == len ? 0 : -EBADMSG;
}

static int read_program(int fd, const char *key, struct seccomp_program *ret) {
        size_t key_len = strlen(key);
        struct cache_header h;
        _cleanup_free_ char *stored_key = NULL;
        _cleanup_free_ struct sock_filter *filter = NULL;
        char end;
        int r;

        r = read_exactly(fd, &h, sizeof h);
        if (r < 0)
                return r;
        if (memcmp(h.magic, CACHE_MAGIC, sizeof h.magic) != 0 || h.key_len != key_len ||
            h.n_insns == 0 || h.n_insns > BPF_MAXINSNS)
                return -EBADMSG;
        stored_key = malloc(key_len);
        filter = calloc(h.n_insns, sizeof *filter);
        if (!stored_key || !filter)
                return -ENOMEM;
        r = read_exactly(fd, stored_key, key_len);
        if (r >= 0 && memcmp(stored_key, key, key_len) != 0)
                r = -EBADMSG;
        if (r >= 0)
                r = read_exactly(fd, filter, h.n_insns * sizeof *filter);
        if (r >= 0 && read(fd, &end, 1) != 0)
                r = -EBADMSG;
        if (r < 0)
                return r;
        ret->filter = TAKE_PTR(filter);
        ret->len = (unsigned short) h.n_insns;
        return 0;
}

int seccomp_cache_load(int dir_fd, const char *key, struct seccomp_program *ret) {
        _cleanup_close_ int fd = -EBADF;
        char name[17];
        struct stat st;
        int r;

        file_name(key, name);
        fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT || errno == ELOOP ? 0 : -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        /* Only what syscon itself left there, as it left it. */
        if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0022))
                return 0;
        r = read_program(fd, key, ret);
        if (r == -EBADMSG)
                return 0;
        return r < 0 ? r : 1;
}

/* Written unnamed, then linked in whole: no reader ever sees half a file, and no crash leaves one. */
int seccomp_cache_store(int dir_fd, const char *key, const struct seccomp_program *p) {
        const struct cache_header h = {
                .magic = CACHE_MAGIC,
                .key_len = (uint32_t) strlen(key),
                .n_insns = p->len,
        };
        const struct iovec iov[] = {
                { (void *) &h, sizeof h },
                { (void *) key, h.key_len },
                { p->filter, p->len * sizeof *p->filter },
        };
        const size_t total = iov[0].iov_len + iov[1].iov_len + iov[2].iov_len;
        _cleanup_close_ int fd = -EBADF;
        char name[17], fd_path[32];
        ssize_t n;

        fd = openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        n = writev(fd, iov, ELEMENTSOF(iov));
        if (n < 0)
                return -errno;
        if ((size_t) n != total)
                return -EIO;

        file_name(key, name);
        snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
        /* A file of the same name is another key's (or the same, written meanwhile): replace it. */
        for (int attempt = 0; attempt < 2; attempt++) {
                if (linkat(AT_FDCWD, fd_path, dir_fd, name, AT_SYMLINK_FOLLOW) >= 0)
                        return 0;
                if (errno != EEXIST || unlinkat(dir_fd, name, 0) < 0)
                        break;
        }
        return -errno;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "basic/log.h"
#include "basic/runtime-dir.h"
#include "core/userns-range.h"

/* Picked ranges stay inside what systemd's UIDS-GIDS.md reserves for containers, 524288 to
 * 1879048191, so they never meet system, regular, homed or dynamic users, the foreign range, or IDs
 * above 2^31 that some code takes for negative. */
#define PICK_FIRST_BASE UINT32_C(0x00080000)
#define PICK_LAST_BASE UINT32_C(0x6FFF0000)
#define PICK_SLOTS ((PICK_LAST_BASE - PICK_FIRST_BASE) / USERNS_RANGE_SIZE + 1)

#define LEASE_DIR "userns"
#define LEASE_DIR_LOCK ".lock"

/* Digits only, as strtoul() would also take white space, a sign and "0x". Saturates above 2^32,
 * which is out of range anyway. */
static bool parse_decimal(const char *s, size_t n, uint64_t *ret) {
        uint64_t v = 0;

        if (n == 0 || strspn(s, "0123456789") < n)
                return false;
        for (size_t i = 0; i < n; i++)
                v = v > UINT32_MAX ? v : v * 10 + (uint64_t) (s[i] - '0');
        *ret = v;
        return true;
}

int private_users_parse(const char *value, struct private_users *ret, const char **ret_problem) {
        static const struct {
                const char *word;
                enum private_users_mode mode;
        } words[] = {
                { "no", PRIVATE_USERS_NO },     { "false", PRIVATE_USERS_NO },
                { "yes", PRIVATE_USERS_PICK },  { "true", PRIVATE_USERS_PICK },
                { "pick", PRIVATE_USERS_PICK }, { "identity", PRIVATE_USERS_IDENTITY },
        };
        const char *colon = strchr(value, ':');
        size_t n = colon ? (size_t) (colon - value) : strlen(value);
        uint64_t base, count = USERNS_RANGE_SIZE;

        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (streq(value, words[i].word)) {
                        *ret = (struct private_users) { .mode = words[i].mode };
                        return 0;
                }

        if (!parse_decimal(value, n, &base) || (colon && !parse_decimal(colon + 1, strlen(colon + 1), &count)))
                *ret_problem = "give no, pick, identity, or a decimal BASE or BASE:COUNT";
        else if (count == 0)
                *ret_problem = "the count of IDs must be at least 1";
        /* The kernel refuses a map reaching 4294967295, which is (uid_t) -1 and no ID. */
        else if (base + count > UINT32_MAX)
                *ret_problem = "the range must end at 4294967294 at most; lower the base or the count";
        else {
                *ret = (struct private_users) {
                        .mode = PRIVATE_USERS_FIXED,
                        .base = (uint32_t) base,
                        .count = (uint32_t) count,
                };
                return 0;
        }
        return -EINVAL;
}

struct held_range {
        uint32_t base, count;
};

struct held_ranges {
        struct held_range *ranges;
        size_t n;
};

static void held_ranges_done(struct held_ranges *h) {
        free(h->ranges);
}

static const struct held_range *held_ranges_find_overlap(const struct held_ranges *h, uint32_t base,
                                                         uint32_t count) {
        for (size_t i = 0; i < h->n; i++)
                if (userns_ranges_overlap(base, count, h->ranges[i].base, h->ranges[i].count))
                        return h->ranges + i;
        return NULL;
}

static void lease_file_name(uint32_t base, uint32_t count, char name[static USERNS_LEASE_NAME_MAX]) {
        snprintf(name, USERNS_LEASE_NAME_MAX, "%" PRIu32 "-%" PRIu32, base, count);
}

/* Lease files are named "BASE-COUNT"; anything else in the directory is not ours to judge. */
static bool lease_file_name_parse(const char *name, struct held_range *ret) {
        const char *dash = strchr(name, '-');
        uint64_t base, count;
        char canonical[USERNS_LEASE_NAME_MAX];

        if (!dash || !parse_decimal(name, (size_t) (dash - name), &base) ||
            !parse_decimal(dash + 1, strlen(dash + 1), &count) || count == 0 || base + count > UINT32_MAX)
                return false;
        *ret = (struct held_range) { (uint32_t) base, (uint32_t) count };
        /* "0524288-65536" would be a second name for the same lease */
        lease_file_name(ret->base, ret->count, canonical);
        return streq(name, canonical);
}

/* 1 if a live process holds the lease file's lock. A stale file (its holder died) is removed, which
 * is safe as we hold the directory lock, so nobody can be creating a file of that name right now. */
static int lease_file_is_held(int dir_fd, const char *name) {
        _cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

        if (fd < 0)
                return errno == ENOENT ? 0 : -errno; /* released meanwhile */
        if (flock(fd, LOCK_EX | LOCK_NB) < 0)
                return errno == EWOULDBLOCK ? 1 : -errno;
        if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
                return -errno;
        log_debug("Removed the stale user namespace lease %s.", name);
        return 0;
}

static int held_ranges_collect(int dir_fd, struct held_ranges *ret) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(dir_fd, ".", 0, &d);
        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d))) {
                struct held_range range, *grown;

                if (!lease_file_name_parse(de->d_name, &range))
                        continue;
                r = lease_file_is_held(dir_fd, de->d_name);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                grown = reallocarray(ret->ranges, ret->n + 1, sizeof *grown);
                if (!grown)
                        return -ENOMEM;
                ret->ranges = grown;
                ret->ranges[ret->n++] = range;
        }
        return errno > 0 ? -errno : 0;
}

/* FNV-1a: a fixed function of the name alone, so that the slot is the same on every start. */
static uint64_t name_hash(const char *s) {
        uint64_t h = UINT64_C(0xcbf29ce484222325);

        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * UINT64_C(0x100000001b3);
        return h;
}

static int pick_base(const struct held_ranges *h, const char *machine, uint32_t *ret) {
        uint32_t first = (uint32_t) (name_hash(machine) % PICK_SLOTS);

        for (uint32_t i = 0; i < PICK_SLOTS; i++) {
                uint32_t base = PICK_FIRST_BASE + (first + i) % PICK_SLOTS * USERNS_RANGE_SIZE;

                if (!held_ranges_find_overlap(h, base, USERNS_RANGE_SIZE)) {
                        *ret = base;
                        return 0;
                }
        }
        return log_error_errno(-EUSERS, "No free range of %" PRIu32 " IDs is left between %" PRIu32 " and %"
                               PRIu32 ": %zu leases hold them all.", USERNS_RANGE_SIZE, PICK_FIRST_BASE,
                               PICK_LAST_BASE + USERNS_RANGE_SIZE - 1, h->n);
}

/* The machine that holds a lease, as its file says, for the message that refuses a range. */
static void lease_file_read_owner(int dir_fd, const struct held_range *range, char *buf, size_t size) {
        char name[USERNS_LEASE_NAME_MAX];
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;

        lease_file_name(range->base, range->count, name);
        fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        n = fd < 0 ? -1 : read(fd, buf, size - 1);
        buf[n > 0 ? n : 0] = 0;
        buf[strcspn(buf, "\n")] = 0;
        if (!*buf)
                snprintf(buf, size, "(unknown)");
}

static int check_fixed_range(int dir_fd, const struct held_ranges *h, const struct private_users *pu,
                             const char *runtime_dir) {
        const struct held_range *other = held_ranges_find_overlap(h, pu->base, pu->count);
        char owner[80];

        if (!other)
                return 0;
        lease_file_read_owner(dir_fd, other, owner, sizeof owner);
        return log_error_errno(-EBUSY, "Invalid --private-users= value \"%" PRIu32 ":%" PRIu32 "\": the "
                               "ID range %" PRIu32 "..%" PRIu32 " overlaps the range %" PRIu32 "..%" PRIu32
                               " of running machine %s (lease %s/" LEASE_DIR "/%" PRIu32 "-%" PRIu32 "); "
                               "give a range clear of it, or --private-users=pick.",
                               pu->base, pu->count, pu->base, pu->base + (pu->count - 1), other->base,
                               other->base + (other->count - 1), owner, runtime_dir, other->base, other->count);
}

/* Called with the directory lock held, so the O_EXCL can only fail if someone ignored it. */
static int lease_file_create(int dir_fd, uint32_t base, uint32_t count, const char *machine,
                             struct userns_lease *ret) {
        char name[sizeof ret->name];
        _cleanup_close_ int fd = -EBADF;
        int r;

        lease_file_name(base, count, name);
        fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        r = RET_NERRNO(flock(fd, LOCK_EX | LOCK_NB));
        if (r >= 0 && dprintf(fd, "%s\n", machine) < 0)
                r = negative_errno();
        if (r < 0) {
                (void) unlinkat(dir_fd, name, 0);
                return r;
        }
        ret->base = base;
        ret->count = count;
        ret->lock_fd = TAKE_FD(fd);
        memcpy(ret->name, name, sizeof name);
        return 0;
}

/* Serializes choosing among syscon processes: between reading the leases and creating ours,
 * nobody else may create one. Blocks, as the holder is only ever busy for a moment. */
static int lease_dir_lock(int dir_fd, int *ret) {
        _cleanup_close_ int fd = openat(dir_fd, LEASE_DIR_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

        if (fd < 0)
                return -errno;
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return -errno;
        *ret = TAKE_FD(fd);
        return 0;
}

static int lease_take(int dir_fd, const struct private_users *pu, const char *machine, const char *runtime_dir,
                      struct userns_lease *ret) {
        _cleanup_(held_ranges_done) struct held_ranges held = {};
        _cleanup_close_ int lock_fd = -EBADF;
        uint32_t base = pu->base, count = pu->count;
        int r;

        r = lease_dir_lock(dir_fd, &lock_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to lock %s/" LEASE_DIR "/" LEASE_DIR_LOCK ": %m", runtime_dir);
        r = held_ranges_collect(dir_fd, &held);
        if (r < 0)
                return log_error_errno(r, "Failed to read the user namespace leases in %s/" LEASE_DIR ": %m",
                                       runtime_dir);

        if (pu->mode == PRIVATE_USERS_PICK) {
                count = USERNS_RANGE_SIZE;
                r = pick_base(&held, machine, &base);
        } else
                r = check_fixed_range(dir_fd, &held, pu, runtime_dir);
        if (r < 0)
                return r;

        r = lease_file_create(dir_fd, base, count, machine, ret);
        if (r < 0)
                return log_error_errno(r, "Failed to create the user namespace lease %s/" LEASE_DIR "/%" PRIu32
                                       "-%" PRIu32 ": %m", runtime_dir, base, count);
        log_debug("Machine %s leased the ID range %" PRIu32 "..%" PRIu32 ".", machine, base, base + (count - 1));
        return 0;
}

int userns_lease_acquire(const struct private_users *pu, const char *machine, const char *runtime_dir,
                         struct userns_lease *ret) {
        _cleanup_close_ int dir_fd = -EBADF;
        int r;

        *ret = (struct userns_lease) USERNS_LEASE_NULL;
        switch (pu->mode) {
        case PRIVATE_USERS_NO:
                return 0;
        case PRIVATE_USERS_IDENTITY:
                /* The host's own IDs: nothing another container could be given by us. */
                ret->count = USERNS_RANGE_SIZE;
                return 0;
        case PRIVATE_USERS_PICK:
        case PRIVATE_USERS_FIXED:
                break;
        default:
                return log_error_errno(-EINVAL, "No user namespace mode chosen for machine %s.", machine);
        }

        dir_fd = runtime_dir_open(runtime_dir, LEASE_DIR);
        if (dir_fd < 0)
                return log_error_errno(dir_fd, "Failed to open %s/" LEASE_DIR ": %m", runtime_dir);
        r = lease_take(dir_fd, pu, machine, runtime_dir, ret);
        if (r < 0)
                return r;
        ret->dir_fd = TAKE_FD(dir_fd);
        return 0;
}

void userns_lease_release(struct userns_lease *lease) {
        /* Unlink before unlocking: whoever finds the file unlocked may then remove it as stale. */
        if (lease->dir_fd >= 0 && lease->lock_fd >= 0 && unlinkat(lease->dir_fd, lease->name, 0) < 0 &&
            errno != ENOENT)
                log_warning_errno(-errno, "Failed to remove the user namespace lease %s: %m", lease->name);
        safe_close(lease->lock_fd);
        safe_close(lease->dir_fd);
        *lease = (struct userns_lease) USERNS_LEASE_NULL;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <endian.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/posix_acl_xattr.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>

#include "basic/log.h"
#include "core/userns-chown.h"
#include "core/userns-range.h"

/* The tags of the ACL entries that carry an ID (ACL_USER and ACL_GROUP in libacl). */
#define ACL_TAG_USER 0x02
#define ACL_TAG_GROUP 0x08

#define XATTR_CAPS "security.capability"
#define XATTR_ACL_ACCESS "system.posix_acl_access"
#define XATTR_ACL_DEFAULT "system.posix_acl_default"

/* "/proc/self/fd/" and an int */
#define FD_PATH_MAX 32

struct shift {
        uint32_t from, to, count;
        uint64_t mnt_id; /* the tree's mount: mounts below it are not ours to change */
};

static uint32_t shift_id(const struct shift *s, uint32_t id) {
        /* Unsigned: an ID below `from` wraps to far above `count`. */
        return id - s->from < s->count ? id - s->from + s->to : id;
}

/* An O_PATH fd takes neither chmod nor xattr calls, but its /proc magic link leads to the very
 * inode it holds, with no lookup in the tree that a rename could redirect. */
static void fd_path(int fd, char buf[static FD_PATH_MAX]) {
        snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%i", fd);
}

/* The xattr's value, or *ret_size 0 if the inode or its filesystem has none. */
static int xattr_get(const char *path, const char *name, void **ret, size_t *ret_size) {
        _cleanup_free_ void *buf = NULL;
        ssize_t n = getxattr(path, name, NULL, 0);

        *ret_size = 0;
        if (n < 0)
                return errno == ENODATA || errno == EOPNOTSUPP ? 0 : -errno;
        buf = malloc((size_t) n + 1);
        if (!buf)
                return -ENOMEM;
        n = getxattr(path, name, buf, (size_t) n);
        if (n < 0)
                return -errno;
        *ret = TAKE_PTR(buf);
        *ret_size = (size_t) n;
        return 0;
}

static bool acl_shift(const struct shift *s, void *buf, size_t size) {
        const struct posix_acl_xattr_header *h = buf;
        struct posix_acl_xattr_entry *e = (struct posix_acl_xattr_entry *) (h + 1);
        bool changed = false;

        if (size < sizeof *h || le32toh(h->a_version) != POSIX_ACL_XATTR_VERSION)
                return false;
        for (size_t i = 0; i < (size - sizeof *h) / sizeof *e; i++) {
                uint16_t tag = le16toh(e[i].e_tag);
                uint32_t id = le32toh(e[i].e_id);

                if ((tag == ACL_TAG_USER || tag == ACL_TAG_GROUP) && shift_id(s, id) != id) {
                        e[i].e_id = htole32(shift_id(s, id));
                        changed = true;
                }
        }
        return changed;
}

static int shift_acl(const struct shift *s, const char *path, const char *name) {
        _cleanup_free_ void *acl = NULL;
        size_t size;
        int r;

        r = xattr_get(path, name, &acl, &size);
        if (r < 0 || !acl_shift(s, acl, size))
                return r;
        return RET_NERRNO(setxattr(path, name, acl, size, 0));
}

/* A v3 capability applies to the user namespace whose root is its root ID, so that moves with the
 * tree; a v2 one applies everywhere and is kept as it is. Returns true if it changed. */
static bool caps_shift(const struct shift *s, struct vfs_ns_cap_data *caps, size_t size) {
        uint32_t root = le32toh(caps->rootid);

        if (size != sizeof *caps || (le32toh(caps->magic_etc) & VFS_CAP_REVISION_MASK) != VFS_CAP_REVISION_3 ||
            shift_id(s, root) == root)
                return false;
        caps->rootid = htole32(shift_id(s, root));
        return true;
}

static int caps_get(const char *path, struct vfs_ns_cap_data *ret, size_t *ret_size) {
        ssize_t n = getxattr(path, XATTR_CAPS, ret, sizeof *ret);

        if (n < 0 && errno != ENODATA && errno != EOPNOTSUPP)
                return -errno;
        *ret_size = n < 0 ? 0 : (size_t) n;
        return 0;
}

/* Symlinks have no mode, capabilities or ACLs of their own: the owner is all there is to shift. */
static int shift_symlink(const struct shift *s, int fd, const struct statx *sx) {
        uint32_t uid = shift_id(s, sx->stx_uid), gid = shift_id(s, sx->stx_gid);

        if (uid == sx->stx_uid && gid == sx->stx_gid)
                return 0;
        return RET_NERRNO(fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
}

static int shift_inode(const struct shift *s, int fd, const struct statx *sx) {
        uint32_t uid = shift_id(s, sx->stx_uid), gid = shift_id(s, sx->stx_gid);
        bool chowned = uid != sx->stx_uid || gid != sx->stx_gid;
        struct vfs_ns_cap_data caps;
        char path[FD_PATH_MAX];
        size_t caps_size = 0;
        int r;

        if (S_ISLNK(sx->stx_mode))
                return shift_symlink(s, fd, sx);

        fd_path(fd, path);
        r = caps_get(path, &caps, &caps_size);
        if (r >= 0 && chowned)
                r = RET_NERRNO(fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
        if (r >= 0)
                r = shift_acl(s, path, XATTR_ACL_ACCESS);
        if (r >= 0 && S_ISDIR(sx->stx_mode))
                r = shift_acl(s, path, XATTR_ACL_DEFAULT);
        /* chown() drops setuid, setgid and capabilities, which are the tree's and stay; chmod()
         * comes after the ACLs, whose mask could otherwise change the group bits. */
        if (r >= 0 && chowned && (sx->stx_mode & (S_ISUID | S_ISGID)))
                r = RET_NERRNO(chmod(path, sx->stx_mode & 07777));
        if (r >= 0 && caps_size > 0 && (caps_shift(s, &caps, caps_size) || chowned))
                r = RET_NERRNO(setxattr(path, XATTR_CAPS, &caps, caps_size, 0));
        return r;
}

static int stat_fd(int fd, struct statx *ret) {
        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
                  STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_MNT_ID, ret) < 0)
                return -errno;
        return ret->stx_mask & STATX_MNT_ID ? 0 : -EOPNOTSUPP; /* Linux < 5.8 */
}

static int shift_dir_entries(const struct shift *s, int dir_fd, const char *dir_path);

/* `dir_path` is the directory's path in the tree ("" for its root), for messages only. */
static int shift_entry(const struct shift *s, int dir_fd, const char *dir_path, const char *name) {
        _cleanup_close_ int fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_free_ char *path = NULL;
        struct statx sx;
        int r;

        r = fd < 0 ? -errno : stat_fd(fd, &sx);
        if (r == -ENOENT) /* removed meanwhile: nothing left to shift */
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to open %s/%s in the tree: %m", dir_path, name);
        if (sx.stx_mnt_id != s->mnt_id) /* a mount point: the root of another filesystem */
                return 0;
        r = shift_inode(s, fd, &sx);
        if (r < 0)
                return log_error_errno(r, "Failed to shift the ownership of %s/%s in the tree: %m", dir_path, name);
        if (!S_ISDIR(sx.stx_mode))
                return 0;

        if (asprintf(&path, "%s/%s", dir_path, name) < 0)
                return log_error_errno(-ENOMEM, "Failed to shift the ownership of the tree: %m");
        /* One fd per level of depth, not two: the O_PATH one is done with. */
        r = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        fd = safe_close(fd);
        if (r < 0)
                return log_error_errno(-errno, "Failed to open %s in the tree: %m", path);
        return shift_dir_entries(s, r, path);
}

/* Takes `dir_fd`. */
static int shift_dir_entries(const struct shift *s, int dir_fd, const char *dir_path) {
        _cleanup_(closedirp) DIR *d = fdopendir(dir_fd);
        struct dirent *de;
        int r;

        if (!d) {
                r = -errno;
                safe_close(dir_fd);
                return log_error_errno(r, "Failed to read %s/ in the tree: %m", dir_path);
        }
        while ((errno = 0, de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                r = shift_entry(s, dirfd(d), dir_path, de->d_name);
                if (r < 0)
                        return r;
        }
        if (errno > 0)
                return log_error_errno(-errno, "Failed to read %s/ in the tree: %m", dir_path);
        return 0;
}

int userns_tree_shift_base(int tree_fd, uint32_t *ret) {
        struct stat st;

        if (fstat(tree_fd, &st) < 0)
                return -errno;
        if (st.st_uid != st.st_gid)
                return -EBADE;
        *ret = st.st_uid;
        return 0;
}

int userns_chown_check(int tree_fd, uint32_t from_base, uint32_t to_base, uint32_t count) {
        uint32_t to_last = to_base + (count - 1);
        struct statvfs sv;

        if (from_base == to_base || count == 0)
                return 0;
        if (userns_ranges_overlap(from_base, count, to_base, count))
                return log_error_errno(-EINVAL, "Cannot shift the tree's ownership from %" PRIu32 "..%" PRIu32
                                       " to the overlapping range %" PRIu32 "..%" PRIu32 "; give a range at least %"
                                       PRIu32 " IDs away, or use --private-users-ownership=map.",
                                       from_base, from_base + (count - 1), to_base, to_last, count);
        if (fstatvfs(tree_fd, &sv) < 0)
                return log_error_errno(-errno, "Failed to check whether the tree is writable: %m");
        if (sv.f_flag & ST_RDONLY)
                return log_error_errno(-EROFS, "The tree is read-only, so --private-users-ownership=chown cannot "
                                       "shift its ownership to %" PRIu32 "..%" PRIu32 "; use "
                                       "--private-users-ownership=map, or make the tree writable.",
                                       to_base, to_last);
        return 0;
}

int userns_chown_tree(int tree_fd, uint32_t from_base, uint32_t to_base, uint32_t count) {
        struct shift s = { .from = from_base, .to = to_base, .count = count };
        struct statx sx;
        int r, fd;

        if (from_base == to_base || count == 0)
                return 0;
        r = userns_chown_check(tree_fd, from_base, to_base, count);
        if (r < 0)
                return r;
        r = stat_fd(tree_fd, &sx);
        if (r < 0)
                return log_error_errno(r, "Failed to examine the tree's root directory: %m");
        s.mnt_id = sx.stx_mnt_id;

        fd = openat(tree_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(-errno, "Failed to open the tree's root directory: %m");
        r = shift_dir_entries(&s, fd, "");
        if (r < 0)
                return r;
        /* Last, since its owner is what says the shift is complete. */
        r = shift_inode(&s, tree_fd, &sx);
        if (r < 0)
                return log_error_errno(r, "Failed to shift the ownership of the tree's root directory: %m");
        log_debug("Shifted the tree's ownership from %" PRIu32 "..%" PRIu32 " to %" PRIu32 "..%" PRIu32 ".",
                  from_base, from_base + (count - 1), to_base, to_base + (count - 1));
        return 0;
}

int userns_chown_tree_to(int tree_fd, uint32_t to_base, uint32_t count) {
        uint32_t shift;
        int r = userns_tree_shift_base(tree_fd, &shift);

        if (r < 0)
                return log_error_errno(r, "Cannot tell which ID range the tree belongs to: %m. Its root "
                                       "directory should be owned by one UID and the same GID (0, or "
                                       "the base of a range it was shifted to).");
        return userns_chown_tree(tree_fd, shift, to_base, count);
}

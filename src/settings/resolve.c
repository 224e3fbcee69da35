/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/log.h"
#include "basic/name.h"
#include "basic/runtime-dir.h"
#include "core/rootfs.h"
#include "settings/options-security.h"
#include "settings/resolve.h"

static int resolve_tree(const struct config *c, struct container_spec *spec) {
        struct stat st, host_root;

        if (!realpath(c->rootfs, spec->rootfs))
                return log_error_errno(-errno, "Cannot use %s as the container's tree: %m. "
                                       "Give the path of a directory holding a root file system.",
                                       c->rootfs);
        spec->rootfs_fd = open(spec->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (spec->rootfs_fd < 0 || fstat(spec->rootfs_fd, &st) < 0)
                return log_error_errno(-errno, "%s is not a directory: %m. Give the path of a "
                                       "directory holding a root file system.", c->rootfs);
        /* The inode, not the path: a bind mount of / elsewhere is the host's root all the same. */
        if (stat("/", &host_root) < 0)
                return log_error_errno(-errno, "Failed to look at the host's root directory: %m");
        if (st.st_dev == host_root.st_dev && st.st_ino == host_root.st_ino)
                return log_error_errno(-EINVAL, "Refusing to use the host's own root directory (%s) as "
                                       "a container tree: give a tree of its own.", spec->rootfs);
        return 0;
}

static int resolve_names(const struct config *c, struct container_spec *spec) {
        _cleanup_free_ char *derived = NULL;
        const char *machine = c->machine;

        if (!machine) {
                int r = machine_name_from_path(spec->rootfs, &derived);
                if (r < 0)
                        return log_error_errno(r, "Cannot derive a machine name from the tree's "
                                               "directory name %s; name the container with "
                                               "-M/--machine=NAME.", spec->rootfs);
                machine = derived;
        }
        /* Both were checked against the kernel's limit when parsed or derived. */
        snprintf(spec->machine, sizeof spec->machine, "%s", machine);
        snprintf(spec->hostname, sizeof spec->hostname, "%s", c->hostname ?: machine);
        return 0;
}

/* Below these the container gets fresh file systems of its own: what the tree has there on disk
 * says nothing about the target the container will see. */
static bool target_below_container_mounts(const char *target) {
        static const char *const dirs[] = { "/dev", "/proc", "/run", "/sys", "/tmp" };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                size_t n = strlen(dirs[i]);
                if (strncmp(target, dirs[i], n) == 0 && (target[n] == '/' || target[n] == 0))
                        return true;
        }
        return false;
}

static const char *mount_option_name(enum custom_mount_type type) {
        return type == CUSTOM_MOUNT_TMPFS ? "--tmpfs" : type == CUSTOM_MOUNT_BIND ? "--bind" : "--bind-ro";
}

/* The sources exist and the targets inside the tree can be mounted on: checked before anything
 * starts (the child checks the targets again, on the tree it mounts). */
static int check_custom_mounts(const struct config *c, const struct container_spec *spec) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct custom_mount *m = c->mounts + i;
                bool dir = true;
                struct stat st;
                int r;

                if (m->type != CUSTOM_MOUNT_TMPFS) {
                        if (stat(m->source, &st) < 0)
                                return log_error_errno(-errno, "Cannot bind %s into the container: %m. "
                                                       "Create it first, or fix the %s source.",
                                                       m->source, mount_option_name(m->type));
                        dir = S_ISDIR(st.st_mode);
                }
                if (target_below_container_mounts(m->target))
                        continue;
                r = rootfs_check_target(spec->rootfs_fd, m->target,
                                        dir ? ROOTFS_TARGET_DIRECTORY : ROOTFS_TARGET_FILE);
                if (r == -ELOOP)
                        return log_error_errno(r, "%s target %s%s is a symlink; refusing to follow it (it "
                                               "could lead out of the tree): choose another target.",
                                               mount_option_name(m->type), spec->rootfs, m->target);
                if (r < 0)
                        return log_error_errno(r, "Cannot mount %s on %s%s: %m. Choose a target of the "
                                               "same kind (directory or file) as the source.",
                                               m->source ?: "a tmpfs", spec->rootfs, m->target);
        }
        return 0;
}

static int resolve_uuid(const struct config *c, struct container_spec *spec) {
        int r;

        if (c->uuid) {
                snprintf(spec->uuid, sizeof spec->uuid, "%s", c->uuid);
                return 0;
        }
        r = uuid_random(spec->uuid);
        if (r < 0)
                return log_error_errno(r, "Failed to make the container's UUID: %m");
        return 0;
}

static int resolve_confinement(const struct config *c, struct container_spec *spec) {
        const struct seccomp_rules rules = security_seccomp_rules(c);
        int r;

        spec->capabilities = rules.capabilities;
        spec->no_new_privileges = c->security.no_new_privileges;

        /* Without the cache the filter is compiled each time: slower, never wrong. */
        _cleanup_close_ int cache_fd = runtime_dir_open(SYSCON_RUNTIME_DIR, "seccomp");
        if (cache_fd < 0)
                log_debug_errno(cache_fd, "Failed to open " SYSCON_RUNTIME_DIR "/seccomp: %m");
        r = seccomp_filter_build(&rules, cache_fd, &spec->seccomp);
        if (r < 0)
                return log_error_errno(r, "Failed to build the container's system call filter: %m");
        return 0;
}

static void take_borrowed(const struct config *c, struct container_spec *spec) {
        spec->boot = c->verb == VERB_BOOT;
        spec->quiet = c->quiet;
        spec->read_only = c->read_only;
        spec->mounts = c->mounts;
        spec->n_mounts = c->n_mounts;
        spec->properties = &c->properties;
        spec->network = &c->network;
        spec->console = console_mode_resolve(c->console, spec->boot ? CONSOLE_READ_ONLY : CONSOLE_PIPE);
}

int settings_resolve(const struct config *c, struct container_spec *ret) {
        struct container_spec spec = CONTAINER_SPEC_NULL;
        int r;

        take_borrowed(c, &spec);
        r = resolve_tree(c, &spec);
        if (r >= 0)
                r = resolve_names(c, &spec);
        if (r >= 0)
                r = check_custom_mounts(c, &spec);
        if (r >= 0)
                r = resolve_uuid(c, &spec);
        if (r >= 0)
                r = resolve_confinement(c, &spec);
        if (r >= 0)
                r = spec.boot ? resolve_boot(c, &spec) : resolve_run(c, &spec);
        if (r >= 0)
                r = resolve_userns(c, &spec);
        if (r < 0) {
                container_spec_done(&spec);
                return r;
        }
        *ret = spec;
        return 0;
}

const char *resolve_term(const struct container_spec *spec) {
        const char *term = getenv("TERM");

        if (!console_uses_pty(spec->console))
                return "dumb";
        return term && *term ? term : "vt220";
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/log.h"
#include "basic/name.h"
#include "basic/runtime-dir.h"
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

static int check_bind_sources(const struct config *c) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct custom_mount *m = c->mounts + i;

                if (m->type != CUSTOM_MOUNT_TMPFS && access(m->source, F_OK) < 0)
                        return log_error_errno(-errno, "Cannot bind %s into the container: %m. "
                                               "Create it first, or fix the --bind source.", m->source);
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
                r = check_bind_sources(c);
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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/console.h"
#include "core/container.h"
#include "settings/environ.h"
#include "core/launch.h"
#include "basic/log.h"
#include "core/mount.h"
#include "basic/name.h"
#include "network/network.h"
#include "basic/runtime-dir.h"

static int resolve_tree(const struct config *c, struct launch *l) {
        struct stat st;

        if (!realpath(c->rootfs, l->rootfs))
                return log_error_errno(-errno, "Cannot use %s as the container's tree: %m. "
                                       "Give the path of a directory holding a root file system.",
                                       c->rootfs);
        l->rootfs_fd = open(l->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (l->rootfs_fd < 0 || fstat(l->rootfs_fd, &st) < 0)
                return log_error_errno(-errno, "%s is not a directory: %m. Give the path of a "
                                       "directory holding a root file system.", c->rootfs);
        if (streq(l->rootfs, "/"))
                return log_error_errno(-EINVAL, "Refusing to use the host's own root directory as "
                                       "a container tree: give a tree of its own.");
        return 0;
}

static int resolve_machine_name(struct config *c, const struct launch *l) {
        if (c->machine)
                return 0;
        int r = machine_name_from_path(l->rootfs, &c->machine);
        if (r < 0)
                return log_error_errno(r, "Cannot derive a machine name from the tree's directory "
                                       "name %s; name the container with -M/--machine=NAME.", l->rootfs);
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

int launch_resolve(struct config *c, struct launch *l) {
        int r;

        r = resolve_tree(c, l);
        if (r >= 0)
                r = resolve_machine_name(c, l);
        if (r >= 0)
                r = check_bind_sources(c);
        if (r < 0)
                return r;

        if (c->uuid)
                strcpy(l->container_uuid, c->uuid);
        else {
                r = uuid_random(l->container_uuid);
                if (r < 0)
                        return log_error_errno(r, "Failed to make the container's UUID: %m");
        }
        l->console = console_mode_resolve(c->console, c->verb);

        /* Without the cache the filter is compiled each time: slower, never wrong. */
        _cleanup_close_ int cache_fd = runtime_dir_open(SYSCON_RUNTIME_DIR, "seccomp");
        if (cache_fd < 0)
                log_debug_errno(cache_fd, "Failed to open " SYSCON_RUNTIME_DIR "/seccomp: %m");
        r = seccomp_filter_build(c, cache_fd, &l->seccomp);
        if (r < 0)
                return log_error_errno(r, "Failed to build the container's system call filter: %m");
        return 0;
}

const char *launch_term(const struct launch *l) {
        const char *term = getenv("TERM");

        if (l->console == CONSOLE_PIPE)
                return "dumb";
        return term && *term ? term : "vt220";
}

/* Every start gets fresh clones of the tree and the bind sources: an attached clone belongs to the
 * previous container's mount namespace, and an ID-mapping to its user namespace. */
struct mount_clones {
        int tree_fd;
        int *bind_fds;
        size_t n_bind_fds;
};

static void mount_clones_done(struct mount_clones *m) {
        m->tree_fd = safe_close(m->tree_fd);
        for (size_t i = 0; i < m->n_bind_fds; i++)
                safe_close(m->bind_fds[i]);
        m->bind_fds = mfree(m->bind_fds);
        m->n_bind_fds = 0;
}

static int clone_mounts(const struct config *c, const struct launch *l, struct mount_clones *ret) {
        ret->tree_fd = mount_clone_tree(l->rootfs_fd, c->read_only);
        if (ret->tree_fd < 0)
                return log_error_errno(ret->tree_fd, "Failed to clone the mounts of %s: %m", l->rootfs);

        ret->bind_fds = calloc(c->n_mounts ?: 1, sizeof(int));
        if (!ret->bind_fds)
                return log_error_errno(-ENOMEM, "Failed to clone the bind mounts: %m");
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct custom_mount *m = c->mounts + i;

                ret->n_bind_fds++;
                ret->bind_fds[i] = -EBADF;
                if (m->type == CUSTOM_MOUNT_TMPFS)
                        continue;
                ret->bind_fds[i] = mount_clone_host_path(m->source, m->recursive,
                                                         m->type == CUSTOM_MOUNT_BIND_READ_ONLY);
                if (ret->bind_fds[i] < 0)
                        return log_error_errno(ret->bind_fds[i], "Cannot bind %s into the container: "
                                               "%m", m->source);
        }
        return 0;
}

static int start_and_supervise(const struct config *c, const struct launch *l, struct mount_clones *m,
                               struct cgroup *cg, struct network *net, struct supervisor_result *ret) {
        struct container ct = CONTAINER_NULL;
        const struct container_spec spec = {
                .config = c,
                .rootfs = l->rootfs,
                .hostname = c->hostname ?: c->machine,
                .console = l->console,
                .init_argv = l->init_argv,
                .envp = l->envp,
                .tree_fd = m->tree_fd,
                .bind_fds = m->bind_fds,
                .init_fd = l->init_fd,
                .userns = l->userns.range,
                .idmap_tree = l->userns.idmap_tree,
                .chown_fallback_fd = l->userns.chown_if_no_idmap ? l->rootfs_fd : -EBADF,
                .boot = c->verb == VERB_BOOT,
                .container_uuid = l->container_uuid,
                .cgroup = cg,
                .own_cgroup = cg != NULL,
                .seccomp = &l->seccomp,
                .network = net,
        };
        int r;

        r = container_start(&spec, &ct);
        /* Attached in the container by now, or never to be: the container's mount namespace holds
         * them, and holding them here would keep its mounts alive after it ends. */
        mount_clones_done(m);
        if (r < 0)
                return r;

        if (l->console == CONSOLE_INTERACTIVE && !c->quiet)
                log_info("Spawning container %s on %s.\nPress Ctrl-] three times within 1s to kill "
                         "the container.", c->machine, l->rootfs);

        r = container_wait_exec(&ct, l->command);
        if (r >= 0)
                r = supervisor_run(&ct, l->console, l->kill_signal, l->forward_signals, ret);
        container_done(&ct);
        return r;
}

int launch_once(const struct config *c, const struct launch *l, struct supervisor_result *ret) {
        struct mount_clones m = { .tree_fd = -EBADF };
        struct cgroup *cg = NULL;
        struct network *net = NULL;
        int r;

        r = supervisor_prepare_signals();
        if (r < 0)
                return r;

        r = cgroup_prepare(&c->properties, c->machine, &cg);
        if (r >= 0)
                r = network_prepare(&c->network, c->machine, &net);
        if (r >= 0)
                r = clone_mounts(c, l, &m);
        if (r >= 0)
                r = start_and_supervise(c, l, &m, cg, net, ret);
        mount_clones_done(&m);
        network_teardown(net);
        /* PID 1 is reaped by now: what the kernel accounted to the container is final. */
        cgroup_finish(cg, r < 0);
        return r;
}

void launch_done(struct launch *l) {
        launch_userns_done(&l->userns);
        l->rootfs_fd = safe_close(l->rootfs_fd);
        l->init_fd = safe_close(l->init_fd);
        strv_free(l->init_argv);
        l->init_argv = NULL;
        strv_free(l->envp);
        l->envp = NULL;
        seccomp_program_done(&l->seccomp);
}

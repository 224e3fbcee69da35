/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <sys/types.h>

#include "core/cgroup.h"
#include "settings/config.h"
#include "network/network.h"
#include "core/seccomp-filter.h"
#include "core/userns.h"

/* What the container's first process needs, all resolved and validated by the caller beforehand:
 * after clone nothing may fail for a reason the caller could have checked. */
struct container_spec {
        const struct config *config;
        const char *rootfs;      /* absolute path of the tree on the host */
        const char *hostname;
        enum console_mode console;
        char **init_argv;        /* syscon-init's (or, with boot, the tree's init's) argv */
        char **envp;
        int tree_fd;             /* the detached clone of the tree (mount_clone_tree()) */
        const int *bind_fds;     /* per config->mounts entry: its source's detached clone, or -EBADF */
        int init_fd;             /* syscon-init's sealed memfd, or -EBADF: exec init_argv[0] (boot) */
        struct userns_range userns; /* count 0: no user namespace */
        bool idmap_tree;         /* ID-map the tree through the user namespace */
        int chown_fallback_fd;   /* the tree, to shift on disk if it cannot be ID-mapped, or -EBADF */
        bool boot;               /* the tree's own init is PID 1: offer it the container interface */
        bool own_cgroup;         /* placed in a cgroup of its own: its init may manage the subtree */
        const char *container_uuid;
        struct cgroup *cgroup;   /* made by cgroup_prepare(); the child joins it before it proceeds */
        const struct seccomp_program *seccomp; /* loaded last, before the exec of init */
        struct network *network; /* network_prepare()'s, or NULL */
};

struct container {
        pid_t pid;
        int pidfd;
        int console_master; /* the pty's master, or -EBADF with --console=pipe */
        int handshake_fd;
};

#define CONTAINER_NULL ((struct container) { .pid = 0, .pidfd = -EBADF, .console_master = -EBADF, .handshake_fd = -EBADF })

/* Clones the container's first process into its namespaces and takes the handshake up to the exec
 * of its init. Logs and returns a negative errno if the container could not be set up; then
 * nothing of it is left. */
int container_start(const struct container_spec *spec, struct container *ret);

/* Waits for the outcome of the command's execve(): reports (logs) a command that could not be
 * executed; syscon-init then exits with 126/127/125, which the supervisor passes on. */
int container_wait_exec(struct container *c, const char *command);

int container_signal(struct container *c, int sig);

/* Kills what is left of the container, reaps it and closes every fd. */
void container_done(struct container *c);

/* The supervisor's setup of a cloned child before it may proceed: ID maps, ID-mapped mounts, and
 * the host ends of its cgroup and network. Defined in container-host.c; logs what fails. */
int container_host_setup(const struct container_spec *spec, const struct container *c);

/* The child's side: never returns. Defined in container-child.c. */
_Noreturn void container_child(const struct container_spec *spec, int handshake_fd);

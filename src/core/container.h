/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <sys/types.h>

#include "core/cgroup.h"
#include "core/spec.h"
#include "network/network.h"

/* One start of a container spec, in two steps:
 *
 *   container_create()  makes the cgroup, the network and fresh clones of the tree and the binds,
 *                       clones the first process into its namespaces and takes the handshake up to
 *                       HANDSHAKE_CREATED: every mount, the console and the confinement are in
 *                       place and the process waits before the exec of its init.
 *   container_start()   lets it exec (HANDSHAKE_START) and learns whether the exec worked.
 *
 * `run` and `boot` take both steps back to back; a runtime that is told to create and start at
 * different times takes them apart. container_destroy() undoes either. */
struct container {
        const struct container_spec *spec;
        pid_t pid;
        int pidfd;
        int console_master;  /* the pty's master, or -EBADF with --console=pipe */
        int handshake_fd;

        /* What this start has of its own: a new start (a reboot) gets new ones. */
        struct cgroup *cgroup;
        struct network *network;
        int tree_fd;         /* the detached clone of the tree (mount_clone_tree()) */
        int *bind_fds;       /* per spec->mounts entry: its source's detached clone, or -EBADF */
        size_t n_bind_fds;
        bool idmap_tree;     /* the spec's, unless the tree was shifted for lack of ID mapping */
        bool idmap_unsupported; /* the tree's file system refused to be ID-mapped */
};

#define CONTAINER_NULL                                                                             \
        ((struct container) {                                                                      \
                .pidfd = -EBADF, .console_master = -EBADF, .handshake_fd = -EBADF, .tree_fd = -EBADF, \
        })

/* Logs and returns a negative errno if the container could not be created; then nothing of it is
 * left and *ret is untouched. */
int container_create(const struct container_spec *spec, struct container *ret);

/* Lets the created container exec its init and waits for the outcome of that execve(): reports
 * (logs) a command that could not be executed; syscon-init then exits with 126/127/125, which the
 * supervisor passes on. */
int container_start(struct container *c);

int container_signal(struct container *c, int sig);

/* Kills what is left of the container, reaps it, removes its network and cgroup (reporting an OOM
 * kill unless `quiet`) and closes every fd. Idempotent. */
void container_destroy(struct container *c, bool quiet);

/* The supervisor's part between clone and HANDSHAKE_PARENT_READY (container-host.c): ID maps,
 * ID-mapped mounts, the host ends of the cgroup and the network. Logs what fails, except a tree
 * whose file system cannot be ID-mapped where the spec may shift it instead: then it sets
 * idmap_unsupported and returns the error for container_create() to decide. */
int container_host_setup(struct container *c);

/* Fresh detached clones of the tree and the bind sources (container-host.c). Logs what fails. */
int container_clone_mounts(struct container *c);
void container_close_mounts(struct container *c);

/* The child's side: never returns. Defined in container-child.c. */
_Noreturn void container_child(const struct container *c, int handshake_fd);

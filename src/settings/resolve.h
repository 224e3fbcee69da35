/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "core/spec.h"
#include "settings/config.h"

/* Resolves the settings of a `run` or `boot` into the container spec: the tree and everything
 * looked up inside it, the machine name, the ID range and how the tree meets it, PID 1's command
 * line and environment, the bounding set and the compiled system call filter. Checks everything
 * the core would otherwise find wrong after it started creating the container. Logs what is wrong
 * (one message naming the input and the fix) and returns a negative errno, with nothing left
 * behind; on success the caller owns *ret (container_spec_done()), and `c` must outlive it. */
int settings_resolve(const struct config *c, struct container_spec *ret);

/* The steps of settings_resolve() that differ by verb or need a file of their own. */
int resolve_run(const struct config *c, struct container_spec *spec);
int resolve_boot(const struct config *c, struct container_spec *spec);
/* Last: with --private-users-ownership=chown (or auto on a file system that cannot be ID-mapped)
 * this rewrites the tree, which no refused start may do. */
int resolve_userns(const struct config *c, struct container_spec *spec);

/* TERM for the container's console: the caller's on a pty, "dumb" on pipes. */
const char *resolve_term(const struct container_spec *spec);

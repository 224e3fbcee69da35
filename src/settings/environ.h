/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "settings/config.h"
#include "basic/macro.h"
#include "core/passwd.h"
#include "basic/strv.h"

/* Builds the command's environment from scratch: PATH, container=syscon, container_uuid, TERM,
 * HOME, USER and LOGNAME (when the user has a name), SHELL (when known), then the -E/--setenv
 * values, each replacing in place a default or earlier -E value of the same name, or appended.
 * Nothing is inherited from the host.
 * `term` is the TERM value to pass (the caller decides it from the console). Returns a
 * NULL-terminated array that strv_free() releases. */
int environ_build(const struct config *c, const struct user_identity *user,
                  const char *container_uuid, const char *term, char ***ret);


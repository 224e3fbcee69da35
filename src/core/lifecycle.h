/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "core/spec.h"
#include "core/supervisor.h"

/* One start of `spec`, supervised until its PID 1 ends: create, start, the supervisor's loop, and
 * the cleanup of everything the start made. Returns 0 with how PID 1 ended, or a logged negative
 * errno when the container could not be started (then nothing of it is left). */
int container_run(const struct container_spec *spec, struct supervisor_result *ret);

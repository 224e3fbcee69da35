/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "settings/config.h"

/* `syscon run`: starts the container described by `c` and supervises it. Returns the exit status
 * for the caller: the command's, 125 for a launcher error, 126/127 for a command that could not be
 * executed. */
int verb_run(const struct config *c);

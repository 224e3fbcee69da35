/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "settings/config.h"

/* `syscon boot`: boots the tree's own init as PID 1 and supervises it, booting it again when the
 * guest reboots. Returns the exit status for the caller: 0 after a poweroff or halt, the guest's
 * `systemctl exit N`, 128+N when PID 1 died of signal N, 125 for a launcher error. */
int verb_boot(const struct config *c);

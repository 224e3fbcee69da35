/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "settings/config.h"

/* The network options are parsed by options-network.c through the option table. What needs the
 * host's state (does the bridge exist?) is checked later, by network_prepare(). */

/* What only all network options together can tell: run after the last one. Logs, -EINVAL. */
int network_options_verify(const struct network_config *nc);

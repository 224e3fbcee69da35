/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "settings/config.h"

/* The stage between parsing (pure) and settings_resolve(): what the parsed settings name but do
 * not hold. Copies the host's value of each -E NAME given without one, then loads the --profile=
 * given, under the command line's own settings. Logs once (naming the option, or FILE:LINE) and
 * returns -EINVAL or -ENOMEM. */
int settings_merge(struct config *c);

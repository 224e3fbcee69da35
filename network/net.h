/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Every netlink operation syscon performs lives behind this API, on libnl-3. Functions return 0 or
 * a negative errno: libnl's NLE_* codes are translated here and nowhere else. */

/* Brings up `lo` in the caller's network namespace. */
int net_loopback_up(void);

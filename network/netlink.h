/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netlink/netlink.h>

#include "macro.h"

/* Internal to network/: the libnl glue shared by its modules. */

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_sock *, nl_socket_free);

/* libnl reports failures as negative NLE_* codes; syscon speaks negative errno. */
int netlink_error_to_errno(int nle);

/* A NETLINK_ROUTE socket connected in the caller's network namespace. */
int netlink_route_open(struct nl_sock **ret);

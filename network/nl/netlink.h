/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "basic/macro.h"

/* Internal to network/: the libnl glue shared by its modules. */

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_sock *, nl_socket_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_addr *, nl_addr_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_cache *, nl_cache_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_link *, rtnl_link_put);

/* libnl reports failures as negative NLE_* codes; syscon speaks negative errno. 0 stays 0. */
int netlink_error_to_errno(int nle);

/* Applies `change` to the link with index `ifindex` or, with 0, the one named `name`. */
int netlink_link_change(struct nl_sock *sk, int ifindex, const char *name, struct rtnl_link *change);

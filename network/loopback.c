/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <net/if.h>
#include <netlink/route/link.h>

#include "net.h"
#include "netlink.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_link *, rtnl_link_put);

int net_loopback_up(void) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *lo = NULL, *change = NULL;
        int r;

        r = netlink_route_open(&sk);
        if (r < 0)
                return r;

        r = rtnl_link_get_kernel(sk, 0, "lo", &lo);
        if (r < 0)
                return netlink_error_to_errno(r);

        change = rtnl_link_alloc();
        if (!change)
                return -ENOMEM;
        rtnl_link_set_flags(change, IFF_UP);

        r = rtnl_link_change(sk, lo, change, 0);
        return r < 0 ? netlink_error_to_errno(r) : 0;
}

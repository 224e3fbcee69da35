/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "network/nl/net.h"
#include "network/nl/netlink.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_addr *, rtnl_addr_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_route *, rtnl_route_put);

static struct nl_addr *address_build(int family, const void *address, unsigned prefixlen) {
        struct nl_addr *a = nl_addr_build(family, address,
                                          family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr));

        if (a)
                nl_addr_set_prefixlen(a, (int) prefixlen);
        return a;
}

int net_address_add(struct nl_sock *sk, int ifindex, int family, const void *address,
                    unsigned prefixlen) {
        _cleanup_(rtnl_addr_putp) struct rtnl_addr *ra = rtnl_addr_alloc();
        _cleanup_(nl_addr_putp) struct nl_addr *local = address_build(family, address, prefixlen);
        int r;

        if (!ra || !local)
                return -ENOMEM;
        rtnl_addr_set_ifindex(ra, ifindex);
        rtnl_addr_set_family(ra, family);
        if (family == AF_INET6)
                rtnl_addr_set_flags(ra, IFA_F_NODAD);
        r = rtnl_addr_set_local(ra, local);
        if (r >= 0)
                r = rtnl_addr_add(sk, ra, NLM_F_EXCL);
        return netlink_error_to_errno(r);
}

int net_route_add_default(struct nl_sock *sk, int family, const void *gateway) {
        static const struct in6_addr any = {};
        _cleanup_(rtnl_route_putp) struct rtnl_route *route = rtnl_route_alloc();
        _cleanup_(nl_addr_putp) struct nl_addr *dst = address_build(family, &any, 0);
        _cleanup_(nl_addr_putp) struct nl_addr *via = address_build(family, gateway,
                                                                    family == AF_INET ? 32 : 128);
        struct rtnl_nexthop *nh;
        int r;

        if (!route || !dst || !via)
                return -ENOMEM;
        nh = rtnl_route_nh_alloc();
        if (!nh)
                return -ENOMEM;
        rtnl_route_nh_set_gateway(nh, via);
        rtnl_route_add_nexthop(route, nh); /* the route owns it from here */

        r = rtnl_route_set_family(route, (uint8_t) family);
        if (r >= 0)
                r = rtnl_route_set_dst(route, dst);
        if (r >= 0) {
                rtnl_route_set_table(route, RT_TABLE_MAIN);
                rtnl_route_set_protocol(route, RTPROT_STATIC);
                rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
                r = rtnl_route_add(sk, route, NLM_F_EXCL);
        }
        return netlink_error_to_errno(r);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <net/if_arp.h>
#include <string.h>

#include "network/nl/net.h"
#include "network/nl/netlink.h"

static void link_describe(struct rtnl_link *l, struct net_link *ret) {
        const char *kind = rtnl_link_get_type(l), *alias = rtnl_link_get_ifalias(l);

        *ret = (struct net_link) {
                .ifindex = rtnl_link_get_ifindex(l),
                .master = rtnl_link_get_master(l),
                .loopback = rtnl_link_get_arptype(l) == ARPHRD_LOOPBACK,
        };
        snprintf(ret->name, sizeof ret->name, "%s", rtnl_link_get_name(l) ?: "");
        snprintf(ret->kind, sizeof ret->kind, "%s", kind ?: "");
        snprintf(ret->alias, sizeof ret->alias, "%s", alias ?: "");
}

int net_link_get(struct nl_sock *sk, const char *name, struct net_link *ret) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = NULL;
        int r;

        r = rtnl_link_get_kernel(sk, 0, name, &l);
        if (r < 0)
                return netlink_error_to_errno(r);
        link_describe(l, ret);
        return 0;
}

int net_link_list(struct nl_sock *sk, struct net_link **ret, size_t *ret_n) {
        _cleanup_(nl_cache_freep) struct nl_cache *cache = NULL;
        _cleanup_free_ struct net_link *links = NULL;
        size_t n = 0;
        int r;

        r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
        if (r < 0)
                return netlink_error_to_errno(r);
        links = calloc((size_t) nl_cache_nitems(cache) + 1, sizeof *links);
        if (!links)
                return -ENOMEM;
        for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o))
                link_describe((struct rtnl_link *) o, links + n++);
        *ret = TAKE_PTR(links);
        *ret_n = n;
        return 0;
}

int net_link_delete(struct nl_sock *sk, int ifindex) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = rtnl_link_alloc();

        if (!l)
                return -ENOMEM;
        rtnl_link_set_ifindex(l, ifindex);
        return netlink_error_to_errno(rtnl_link_delete(sk, l));
}

int netlink_link_change(struct nl_sock *sk, int ifindex, const char *name, struct rtnl_link *change) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *orig = rtnl_link_alloc();

        if (!orig)
                return -ENOMEM;
        if (ifindex > 0)
                rtnl_link_set_ifindex(orig, ifindex);
        else
                rtnl_link_set_name(change, name);
        return netlink_error_to_errno(rtnl_link_change(sk, orig, change, 0));
}

int net_link_up(struct nl_sock *sk, const char *name) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *change = rtnl_link_alloc();

        if (!change)
                return -ENOMEM;
        rtnl_link_set_flags(change, IFF_UP);
        return netlink_link_change(sk, 0, name, change);
}

int net_link_retire(struct nl_sock *sk, int ifindex, const char *name) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *change = rtnl_link_alloc();

        if (!change)
                return -ENOMEM;
        rtnl_link_unset_flags(change, IFF_UP);
        rtnl_link_set_master(change, 0);
        rtnl_link_set_name(change, name);
        return netlink_link_change(sk, ifindex, NULL, change);
}

int net_link_set_master(struct nl_sock *sk, int ifindex, int master) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *change = rtnl_link_alloc();

        if (!change)
                return -ENOMEM;
        rtnl_link_set_master(change, master);
        return netlink_link_change(sk, ifindex, NULL, change);
}

int net_link_move(struct nl_sock *sk, int ifindex, int netns_fd, const char *new_name) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *change = rtnl_link_alloc();

        if (!change)
                return -ENOMEM;
        rtnl_link_set_ns_fd(change, netns_fd);
        /* Applied after the move, so the name only has to be free in the target namespace. */
        if (new_name)
                rtnl_link_set_name(change, new_name);
        return netlink_link_change(sk, ifindex, NULL, change);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/if_link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>

#include "network/nl/net.h"
#include "network/nl/netlink.h"

static int set_mac(struct rtnl_link *l, const uint8_t *mac) {
        _cleanup_(nl_addr_putp) struct nl_addr *a = NULL;

        if (!mac)
                return 0;
        a = nl_addr_build(AF_LLC, mac, NET_MAC_LEN);
        if (!a)
                return -ENOMEM;
        rtnl_link_set_addr(l, a);
        return 0;
}

/* The kernel ignores IFLA_IFALIAS in a request that creates a link: the alias takes a second. */
static int link_add(struct nl_sock *sk, struct rtnl_link *l, const char *alias) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *change = NULL;
        int r;

        r = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
        if (r < 0 || !alias)
                return netlink_error_to_errno(r);
        change = rtnl_link_alloc();
        if (!change)
                return -ENOMEM;
        rtnl_link_set_ifalias(change, alias);
        return netlink_link_change(sk, 0, rtnl_link_get_name(l), change);
}

int net_veth_create(struct nl_sock *sk, const struct net_veth *v) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = rtnl_link_veth_alloc(), *peer = NULL;
        int r;

        if (!l)
                return -ENOMEM;
        peer = rtnl_link_veth_get_peer(l);

        /* One request: the kernel applies the name, address, master and flags of both ends as it
         * creates them, and creates the peer in the container's namespace. */
        rtnl_link_set_name(l, v->name);
        rtnl_link_set_flags(l, IFF_UP);
        if (v->master > 0)
                rtnl_link_set_master(l, v->master);
        r = set_mac(l, v->mac);
        if (r < 0)
                return r;

        rtnl_link_set_name(peer, v->peer_name);
        rtnl_link_set_ns_fd(peer, v->peer_netns_fd);
        /* The kernel's default is a queue pair per CPU, each with its sysfs objects: on a large host
         * that is most of what creating a veth costs, for parallelism only XDP would use. */
        rtnl_link_set_num_tx_queues(l, 1);
        rtnl_link_set_num_rx_queues(l, 1);
        rtnl_link_set_num_tx_queues(peer, 1);
        rtnl_link_set_num_rx_queues(peer, 1);
        r = set_mac(peer, v->peer_mac);
        if (r < 0)
                return r;

        return link_add(sk, l, v->alias);
}

int net_bridge_create(struct nl_sock *sk, const char *name, const char *alias) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = rtnl_link_bridge_alloc();

        if (!l)
                return -ENOMEM;
        rtnl_link_set_name(l, name);
        rtnl_link_set_flags(l, IFF_UP);
        return link_add(sk, l, alias);
}

int net_vlan_create(struct nl_sock *sk, enum net_vlan_kind kind, int parent, const char *name,
                    const uint8_t *mac, int netns_fd) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = NULL;
        int r;

        l = kind == NET_MACVLAN ? rtnl_link_macvlan_alloc() : rtnl_link_ipvlan_alloc();
        if (!l)
                return -ENOMEM;
        if (kind == NET_MACVLAN)
                r = rtnl_link_macvlan_set_mode(l, MACVLAN_MODE_BRIDGE);
        else
                r = rtnl_link_ipvlan_set_mode(l, IPVLAN_MODE_L2);
        if (r < 0)
                return netlink_error_to_errno(r);
        if (kind == NET_MACVLAN) {
                r = set_mac(l, mac);
                if (r < 0)
                        return r;
        }

        rtnl_link_set_link(l, parent);
        rtnl_link_set_name(l, name);
        rtnl_link_set_ns_fd(l, netns_fd);
        return link_add(sk, l, NULL);
}

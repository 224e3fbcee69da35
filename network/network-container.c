/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "network/network-internal.h"
#include "network/network-name.h"

/* The child's part, inside the container's network namespace before pivot_root: what the
 * container's own tools would otherwise have to do before anything in it can talk. */

static int configure_veth(struct nl_sock *sk, const struct network_config *nc) {
        struct net_link host0;
        int r;

        r = net_link_up(sk, NETWORK_CONTAINER_VETH);
        if (r >= 0 && nc->n_addresses > 0)
                r = net_link_get(sk, NETWORK_CONTAINER_VETH, &host0);
        for (size_t i = 0; r >= 0 && i < nc->n_addresses; i++) {
                const struct ip_prefix *p = nc->addresses + i;
                r = net_address_add(sk, host0.ifindex, p->address.family, &p->address.in6, p->prefixlen);
        }
        /* After the addresses: a gateway must be reachable through one of their subnets. */
        for (size_t i = 0; r >= 0 && i < nc->n_gateways; i++)
                r = net_route_add_default(sk, nc->gateways[i].family, &nc->gateways[i].in6);
        return r;
}

static int links_up(struct nl_sock *sk, const char *prefix, char **names) {
        char name[IF_NAMESIZE];
        int r;

        for (size_t i = 0; names && names[i]; i++) {
                ifname_with_prefix(prefix, names[i], name);
                r = net_link_up(sk, name);
                if (r < 0)
                        return r;
        }
        return 0;
}

int network_setup_container(const struct network_config *nc) {
        _cleanup_(net_closep) struct nl_sock *sk = NULL;
        int r;

        if (!network_config_is_private(nc))
                return 0;
        r = net_open(&sk);
        if (r >= 0)
                r = net_link_up(sk, "lo");
        if (r >= 0 && network_has_veth(nc))
                r = configure_veth(sk, nc);
        if (r >= 0)
                r = links_up(sk, NETWORK_MACVLAN_PREFIX, nc->macvlan);
        if (r >= 0)
                r = links_up(sk, NETWORK_IPVLAN_PREFIX, nc->ipvlan);
        if (r >= 0)
                r = links_up(sk, "", nc->interfaces);
        return r;
}

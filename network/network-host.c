/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "basic/log.h"
#include "network/network-internal.h"
#include "network/network-name.h"

/* The supervisor's part after clone: links on the host and the container's ends of them in its
 * network namespace, before the child goes on. */

static int open_namespaces(struct network *n, pid_t pid) {
        char path[64];
        int r;

        /* The container's first process is our child and not reaped: its PID names no other. */
        snprintf(path, sizeof path, "/proc/%d/ns/net", (int) pid);
        n->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (n->netns_fd < 0)
                return log_error_errno(-errno, "Failed to open the container's network namespace: %m");
        if (n->config->n_interfaces == 0)
                return 0;

        n->home_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (n->home_netns_fd < 0)
                return log_error_errno(-errno, "Failed to open the host's network namespace: %m");
        r = net_open_in_netns(n->netns_fd, n->home_netns_fd, &n->container_sk);
        if (r < 0)
                return log_error_errno(r, "Failed to open a netlink socket in the container's network "
                                       "namespace: %m");
        return 0;
}

static int create_veth(struct network *n) {
        uint8_t host_mac[NET_MAC_LEN], container_mac[NET_MAC_LEN];
        char alias[NETWORK_ALIAS_MAX];
        int lock_fd = -EBADF, master = n->bridge_ifindex, r;
        struct net_link l;

        r = network_owner_alias(n->machine, getpid(), alias, sizeof alias);
        if (r < 0)
                return log_error_errno(r, "Failed to read the supervisor's start time: %m");
        mac_derive(n->machine_id, n->machine, "host", 0, host_mac);
        mac_derive(n->machine_id, n->machine, "container", 0, container_mac);

        if (n->zone_bridge[0]) {
                r = network_zone_enter(n, &lock_fd, &master);
                if (r < 0)
                        return r;
        }
        r = net_veth_create(n->sk, &(const struct net_veth) {
                .name = n->host_link,
                .alias = alias,
                .mac = host_mac,
                .master = master,
                .peer_name = NETWORK_CONTAINER_VETH,
                .peer_mac = container_mac,
                .peer_netns_fd = n->netns_fd,
        });
        /* Should this fail, the kernel still removes the pair with the container's namespace. */
        if (r >= 0)
                r = net_link_get(n->sk, n->host_link, &l);
        if (lock_fd >= 0)
                network_zone_unlock(lock_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to create the veth link %s: %m", n->host_link);
        n->host_link_ifindex = l.ifindex;
        return 0;
}

static const char *prefix_to_string(const struct ip_prefix *p, char *buf, size_t size) {
        char a[INET6_ADDRSTRLEN];

        inet_ntop(p->address.family, &p->address.in6, a, sizeof a);
        snprintf(buf, size, "%s/%u", a, p->prefixlen);
        return buf;
}

static int add_host_addresses(struct network *n) {
        const struct network_config *nc = n->config;
        char text[INET6_ADDRSTRLEN + 8];
        int r;

        for (size_t i = 0; i < nc->n_host_addresses; i++) {
                const struct ip_prefix *p = nc->host_addresses + i;

                r = net_address_add(n->sk, n->host_link_ifindex, p->address.family, &p->address.in6,
                                    p->prefixlen);
                if (r < 0)
                        return log_error_errno(r, "Failed to add --host-address=%s to %s: %m",
                                               prefix_to_string(p, text, sizeof text), n->host_link);
        }
        return 0;
}

static int create_vlans(struct network *n, enum net_vlan_kind kind, char **parents, const int *ifindex) {
        const char *what = kind == NET_MACVLAN ? "macvlan" : "ipvlan";
        char name[IF_NAMESIZE];
        uint8_t mac[NET_MAC_LEN];
        int r;

        for (size_t i = 0; parents && parents[i]; i++) {
                ifname_with_prefix(kind == NET_MACVLAN ? NETWORK_MACVLAN_PREFIX : NETWORK_IPVLAN_PREFIX, parents[i], name);
                mac_derive(n->machine_id, n->machine, what, (unsigned) i, mac);
                r = net_vlan_create(n->sk, kind, ifindex[i], name, mac, n->netns_fd);
                if (r == -EOPNOTSUPP)
                        return log_error_errno(r, "Failed to create the %s link %s on %s: the kernel "
                                               "has no %s support (CONFIG_%s).", what, name, parents[i],
                                               what, kind == NET_MACVLAN ? "MACVLAN" : "IPVLAN");
                if (r < 0)
                        return log_error_errno(r, "Failed to create the %s link %s on %s: %m", what,
                                               name, parents[i]);
        }
        return 0;
}

static int move_interfaces(struct network *n) {
        const struct network_config *nc = n->config;
        struct net_link l;
        int r;

        for (size_t i = 0; i < nc->n_interfaces; i++) {
                const char *name = nc->interfaces[i];

                r = net_link_move(n->sk, n->moved[i].host_ifindex, n->netns_fd, NULL);
                if (r < 0)
                        return log_error_errno(r, "Failed to move %s into the container: %m", name);
                /* Its index may change on the way in; it is how teardown finds it again, whatever
                 * the container renamed it to. */
                r = net_link_get(n->container_sk, name, &l);
                if (r < 0)
                        return log_error_errno(r, "Failed to find %s in the container: %m", name);
                n->moved[i].container_ifindex = l.ifindex;
        }
        return 0;
}

int network_setup_host(struct network *n, pid_t container_pid) {
        const struct network_config *nc;
        int r;

        if (!n)
                return 0;
        nc = n->config;
        r = open_namespaces(n, container_pid);
        if (r >= 0 && n->host_link[0])
                r = create_veth(n);
        if (r >= 0)
                r = add_host_addresses(n);
        if (r >= 0)
                r = create_vlans(n, NET_MACVLAN, nc->macvlan, n->parents);
        if (r >= 0)
                r = create_vlans(n, NET_IPVLAN, nc->ipvlan, n->parents + nc->n_macvlan);
        if (r >= 0)
                r = move_interfaces(n);
        if (r < 0)
                network_undo(n);
        return r;
}

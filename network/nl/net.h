/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Every netlink operation syscon performs lives behind this API, on libnl-3. Functions return 0 or
 * a negative errno: libnl's NLE_* codes are translated here and nowhere else. Nothing here logs
 * above debug level; the caller knows what the operation was for and reports it.
 *
 * A `struct nl_sock` is opaque to callers: it is a NETLINK_ROUTE socket bound to the network
 * namespace it was opened in, and every operation acts in that namespace, on links named by their
 * index there or, where a function takes a name, by name. */

struct nl_sock;

#define NET_MAC_LEN 6

/* What syscon needs to know about an existing link. */
struct net_link {
        int ifindex;
        char name[IF_NAMESIZE];
        char kind[16];      /* "veth", "bridge", ...; "" for a physical device or loopback */
        char alias[256];    /* IFLA_IFALIAS, "" when unset */
        int master;         /* ifindex of the bridge it is a port of, 0 if none */
        bool loopback;
};

int net_open(struct nl_sock **ret);
/* Opens the socket inside the network namespace `netns_fd` and returns the caller to `home_fd`
 * (its own network namespace). The caller must be single-threaded. */
int net_open_in_netns(int netns_fd, int home_fd, struct nl_sock **ret);
void net_close(struct nl_sock *sk);
static inline void net_closep(struct nl_sock **sk) {
        if (*sk)
                net_close(*sk);
        *sk = NULL;
}

/* -ENODEV when there is no such link. */
int net_link_get(struct nl_sock *sk, const char *name, struct net_link *ret);
/* Every link, in an array the caller frees. */
int net_link_list(struct nl_sock *sk, struct net_link **ret, size_t *ret_n);

/* A veth pair: `name` here, with `alias` and joined to bridge `master` unless that is 0, up; its
 * peer `peer_name` created directly in the network namespace `peer_netns_fd`, down (the kernel
 * cannot bring up a veth end before its peer exists). */
struct net_veth {
        const char *name;
        const char *alias;
        const uint8_t *mac;
        int master;
        const char *peer_name;
        const uint8_t *peer_mac;
        int peer_netns_fd;
};
int net_veth_create(struct nl_sock *sk, const struct net_veth *v);
/* A bridge, with `alias`, up. -EEXIST if the name is taken. */
int net_bridge_create(struct nl_sock *sk, const char *name, const char *alias);

enum net_vlan_kind {
        NET_MACVLAN, /* bridge mode: containers on one parent reach each other */
        NET_IPVLAN,  /* L2 mode */
};
/* A macvlan or ipvlan link on `parent` (here) named `name`, created in `netns_fd`, down. `mac` is
 * ignored for ipvlan, which shares its parent's. */
int net_vlan_create(struct nl_sock *sk, enum net_vlan_kind kind, int parent, const char *name,
                    const uint8_t *mac, int netns_fd);

int net_link_delete(struct nl_sock *sk, int ifindex);
/* -ENODEV when there is no such link. */
int net_link_up(struct nl_sock *sk, const char *name);
/* Takes the link out of service, in one request: down (so that its addresses route nothing), out of
 * its bridge, and renamed to `name`, which may hold one %d for the kernel to make it free. */
int net_link_retire(struct nl_sock *sk, int ifindex, const char *name);
/* Makes the link a port of bridge `master`, or of none with 0. */
int net_link_set_master(struct nl_sock *sk, int ifindex, int master);
/* Moves the link into `netns_fd`, renamed to `new_name` there unless that is NULL. */
int net_link_move(struct nl_sock *sk, int ifindex, int netns_fd, const char *new_name);

/* Adds ADDRESS/PREFIXLEN (AF_INET or AF_INET6 `family`, `address` an in_addr or in6_addr) to the
 * link, without IPv6 duplicate address detection: syscon assigns these addresses itself, and they
 * must work from the container's first instruction. */
int net_address_add(struct nl_sock *sk, int ifindex, int family, const void *address,
                    unsigned prefixlen);
/* The default route of `family` via `gateway`. */
int net_route_add_default(struct nl_sock *sk, int family, const void *gateway);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ip_address {
        int family; /* AF_INET or AF_INET6 */
        union {
                struct in_addr in;
                struct in6_addr in6;
        };
};

struct ip_prefix {
        struct ip_address address;
        unsigned char prefixlen;
};

/* A container's network as its options describe it; settings/options-network.c parses them. */
struct network_config {
        bool private_network;         /* --private-network: a network namespace of its own */
        bool veth;                    /* -n/--network-veth */
        char *bridge;                 /* --network-bridge=: an existing bridge the host end joins */
        char *zone;                   /* --network-zone=: ZONE, whose bridge is vz-ZONE */
        char **macvlan;               /* --network-macvlan=: host interfaces, NULL-terminated */
        size_t n_macvlan;
        char **ipvlan;                /* --network-ipvlan= */
        size_t n_ipvlan;
        char **interfaces;            /* --network-interface=: moved in, moved back at exit */
        size_t n_interfaces;
        struct ip_prefix *addresses;  /* --address=: on host0 */
        size_t n_addresses;
        struct ip_prefix *host_addresses; /* --host-address=: on the host end of the veth */
        size_t n_host_addresses;
        struct ip_address *gateways;  /* --gateway=: at most one per family */
        size_t n_gateways;
};

void network_config_done(struct network_config *nc);

/* Whether the container gets a veth link "host0". */
bool network_has_veth(const struct network_config *nc);

/* Whether the container gets a network namespace of its own (then it also gets CAP_NET_ADMIN). */
bool network_config_is_private(const struct network_config *nc);


/* The container's network, in four steps around its life:
 *
 *   network_prepare()          on the host before clone: checks what the options name against the
 *                              host (bridges and parents exist, the host link name is free) and
 *                              creates nothing; removes a host link left by a dead syscon of the
 *                              same machine. Logs; -EINVAL (exit 125) for a bad input.
 *   network_setup_host()       in the supervisor after clone, before the child goes on: creates the
 *                              host's links and puts the container's ends into its network
 *                              namespace. Logs; on failure, undoes what it did.
 *   network_setup_container()  in the child, in its network namespace: links up, addresses, the
 *                              default route. Does not log (the child reports over the handshake).
 *   network_teardown()         after the container ended: deletes what syscon created, moves
 *                              --network-interface links back under their own names, removes a
 *                              zone's bridge with its last port. Never fails; frees `n`.
 *
 * Links that existed before syscon started are never deleted. */

struct network;

/* *ret is NULL when the container shares the host's network (nothing to set up or tear down). */
int network_prepare(const struct network_config *nc, const char *machine, struct network **ret);
int network_setup_host(struct network *n, pid_t container_pid);
int network_setup_container(const struct network_config *nc);
void network_teardown(struct network *n);

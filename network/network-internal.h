/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "basic/macro.h"
#include "network/nl/net.h"
#include "network/network.h"

/* Shared by network.c (prepare, teardown), network-host.c (setup_host) and network-zone.c. */

/* The container's end of the veth, and the prefixes of the macvlan and ipvlan links inside. */
#define NETWORK_CONTAINER_VETH "host0"
#define NETWORK_MACVLAN_PREFIX "mv-"
#define NETWORK_IPVLAN_PREFIX "iv-"
/* Every link syscon creates on the host carries an alias starting with this; the veth's names its
 * machine and supervisor, so that a later start can tell a live link from one left behind. */
#define NETWORK_OWNER_ALIAS "syscon "
#define NETWORK_ZONE_ALIAS NETWORK_OWNER_ALIAS "zone"
#define NETWORK_ALIAS_MAX 256
/* What a stale host link is renamed to, the kernel putting a free number for %d. */
#define NETWORK_STALE_PATTERN "vd-%d"

struct moved_link {
        int host_ifindex;
        int container_ifindex; /* once moved in */
};

struct network {
        const struct network_config *config;
        char machine[HOST_NAME_MAX + 1];
        char machine_id[33];
        struct nl_sock *sk;            /* in the host's network namespace */
        struct nl_sock *container_sk;  /* in the container's, to move links back out */
        int netns_fd;                  /* the container's: held, so that moved links survive its
                                        * processes until they are moved back */
        int home_netns_fd;             /* the host's */
        char host_link[IF_NAMESIZE];   /* ve-/vb-MACHINE, or "" without a veth */
        int host_link_ifindex;         /* once created */
        int bridge_ifindex;            /* --network-bridge's */
        char zone_bridge[IF_NAMESIZE]; /* vz-ZONE, or "" */
        bool zone_entered;             /* the bridge may exist because of us */
        int *parents;                  /* ifindex of each --network-macvlan=, then --network-ipvlan= */
        struct moved_link *moved;      /* one per --network-interface= */
};

/* Deletes what setup created and lets go of the container's network namespace, after a failed
 * setup; idempotent. */
void network_undo(struct network *n);

/* NETWORK_OWNER_ALIAS "machine=MACHINE pid=PID start=TICKS" for the supervisor PID. */
int network_owner_alias(const char *machine, pid_t pid, char *ret, size_t size);

/* Takes the host-wide zone lock and returns the ifindex of the zone's bridge, which it creates
 * when this is the zone's first container. The caller adds its port, then releases the lock: a
 * bridge is never without a port while nobody holds the lock. Logs. */
int network_zone_enter(struct network *n, int *ret_lock_fd, int *ret_bridge);
void network_zone_unlock(int lock_fd);
/* Removes the zone's bridge if syscon created it and no port is left in it. */
void network_zone_leave(struct network *n);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "lock-file.h"
#include "log.h"
#include "network-internal.h"

/* A zone is a bridge vz-ZONE that its first container creates and its last one removes. "Last" is
 * what the kernel says: no port left in the bridge. Checking that and removing the bridge, like
 * creating it and adding a port, happens under one host-wide lock, so that no container joins a
 * bridge another is removing. A supervisor killed outright leaves its zone's bridge without a port
 * (the kernel removes the veth with the container's network namespace): the next container of the
 * zone joins it and its exit removes it. */

#define ZONE_LOCK "/run/syscon-network-zone.lock"

static int zone_lock(void) {
        int fd = lock_file_acquire(ZONE_LOCK);

        if (fd < 0)
                return log_error_errno(fd, "Failed to take the network zone lock %s: %m", ZONE_LOCK);
        return fd;
}

void network_zone_unlock(int lock_fd) {
        lock_file_release(ZONE_LOCK, lock_fd);
}

int network_zone_enter(struct network *n, int *ret_lock_fd, int *ret_bridge) {
        struct net_link bridge;
        int lock_fd, r;

        lock_fd = zone_lock();
        if (lock_fd < 0)
                return lock_fd;
        n->zone_entered = true;
        r = net_link_get(n->sk, n->zone_bridge, &bridge);
        if (r == -ENODEV) {
                r = net_bridge_create(n->sk, n->zone_bridge, NETWORK_ZONE_ALIAS);
                if (r >= 0)
                        r = net_link_get(n->sk, n->zone_bridge, &bridge);
        }
        if (r < 0) {
                network_zone_unlock(lock_fd);
                return log_error_errno(r, "Failed to set up bridge %s for --network-zone=%s: %m",
                                       n->zone_bridge, n->config->zone);
        }
        *ret_lock_fd = lock_fd;
        *ret_bridge = bridge.ifindex;
        return 0;
}

void network_zone_leave(struct network *n) {
        struct net_link bridge;
        int lock_fd, r;

        lock_fd = zone_lock();
        if (lock_fd < 0)
                return;
        r = net_link_get(n->sk, n->zone_bridge, &bridge);
        if (r >= 0 && streq(bridge.alias, NETWORK_ZONE_ALIAS)) {
                r = net_bridge_count_ports(n->sk, bridge.ifindex);
                if (r == 0)
                        r = net_link_delete(n->sk, bridge.ifindex);
        }
        if (r < 0 && r != -ENODEV)
                log_warning_errno(r, "Failed to remove the bridge %s of zone %s: %m", n->zone_bridge,
                                  n->config->zone);
        network_zone_unlock(lock_fd);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "basic/lock-file.h"
#include "basic/log.h"
#include "network/network-internal.h"

/* A zone is a bridge vz-ZONE that its first container creates and its last one removes. "Last" is
 * what the kernel says: no port left in the bridge (a container takes its port out as it ends,
 * rather than wait for the kernel to remove its veth). Checking that and removing the bridge, like
 * creating it and adding a port, happens under one host-wide lock, so that no container joins a
 * bridge another is removing, and a bridge of syscon's without ports, seen under the lock, is
 * stale: its last container's supervisor was killed. Each zone's start removes those. */

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

static bool has_ports(const struct net_link *links, size_t n, int bridge) {
        for (size_t i = 0; i < n; i++)
                if (links[i].master == bridge)
                        return true;
        return false;
}

/* Removes syscon's zone bridges that have no port, but `keep` (which its caller is about to use),
 * or, with keep NULL, all of them. Under the zone lock. */
static int remove_empty_zones(struct network *n, const char *keep) {
        _cleanup_free_ struct net_link *links = NULL;
        size_t count;
        int r;

        r = net_link_list(n->sk, &links, &count);
        if (r < 0)
                return r;
        for (size_t i = 0; i < count; i++) {
                const struct net_link *l = links + i;

                if (!streq(l->kind, "bridge") || !streq(l->alias, NETWORK_ZONE_ALIAS) ||
                    (keep && streq(l->name, keep)) || has_ports(links, count, l->ifindex))
                        continue;
                log_debug("Removing bridge %s: no container of its zone is left.", l->name);
                r = net_link_delete(n->sk, l->ifindex);
                if (r < 0 && r != -ENODEV)
                        return r;
        }
        return 0;
}

int network_zone_enter(struct network *n, int *ret_lock_fd, int *ret_bridge) {
        struct net_link bridge;
        int lock_fd, r;

        lock_fd = zone_lock();
        if (lock_fd < 0)
                return lock_fd;
        n->zone_entered = true;
        r = remove_empty_zones(n, n->zone_bridge);
        if (r >= 0)
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
        int lock_fd, r;

        lock_fd = zone_lock();
        if (lock_fd < 0)
                return;
        r = remove_empty_zones(n, NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to remove the bridges of zones without containers: %m");
        network_zone_unlock(lock_fd);
}

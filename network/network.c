/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "basic/log.h"
#include "network/network-internal.h"
#include "network/network-name.h"

/* Host side before clone and after the container: validation against the host's links, the stale
 * links of a dead syscon, and the teardown. */

/* When the supervisor of PID started, in clock ticks after boot: with the PID, it names one process
 * for good, where a PID alone may have been reused. */
static int process_start_time(pid_t pid, unsigned long long *ret) {
        char path[32], buf[1024];
        _cleanup_close_ int fd = -EBADF;
        const char *p;
        ssize_t n;

        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, buf, sizeof buf - 1);
        if (n < 0)
                return -errno;
        buf[n] = 0;
        /* The command name may hold spaces and parentheses: fields count from the last ')'. */
        p = strrchr(buf, ')');
        if (!p)
                return -EBADMSG;
        for (int field = 2; field < 22 && p; field++)
                p = strchr(p + 1, ' ');
        if (!p || sscanf(p + 1, "%llu", ret) != 1)
                return -EBADMSG;
        return 0;
}

int network_owner_alias(const char *machine, pid_t pid, char *ret, size_t size) {
        unsigned long long start;
        int r;

        r = process_start_time(pid, &start);
        if (r < 0)
                return r;
        snprintf(ret, size, NETWORK_OWNER_ALIAS "machine=%s pid=%d start=%llu", machine, (int) pid, start);
        return 0;
}

enum link_owner {
        LINK_FOREIGN,   /* not created by syscon for this machine */
        LINK_LIVE,      /* created for this machine by a syscon that still runs */
        LINK_STALE,     /* created for this machine by a syscon that is gone */
};

static enum link_owner link_owner(const struct net_link *l, const char *machine) {
        char name[HOST_NAME_MAX + 1], expected[NETWORK_ALIAS_MAX];
        unsigned long long start;
        int pid;

        if (!streq(l->kind, "veth") ||
            sscanf(l->alias, NETWORK_OWNER_ALIAS "machine=%64s pid=%d start=%llu", name, &pid, &start) != 3 ||
            !streq(name, machine))
                return LINK_FOREIGN;
        /* Our own: a previous boot of this supervisor's, on its way out with its namespace. */
        if (pid == getpid())
                return LINK_STALE;
        if (pid > 0 && network_owner_alias(machine, pid, expected, sizeof expected) >= 0 &&
            streq(l->alias, expected))
                return LINK_LIVE;
        return LINK_STALE;
}

/* The host end's name must be free, or taken by a link a syscon of this machine that no longer runs
 * left: the kernel has not removed it with the container's namespace yet (which takes some 25 ms
 * after the container ends), or something that entered the namespace still holds it. */
static int check_host_link(struct network *n) {
        struct net_link l;
        int r;

        r = net_link_get(n->sk, n->host_link, &l);
        if (r == -ENODEV)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to look up link %s: %m", n->host_link);
        switch (link_owner(&l, n->machine)) {
        case LINK_FOREIGN:
                return log_error_errno(-EINVAL, "The host already has a link %s, the name syscon gives "
                                       "machine %s's end of its veth. Name the container differently "
                                       "with -M/--machine=, or remove that link.", n->host_link, n->machine);
        case LINK_LIVE:
                return log_error_errno(-EINVAL, "A container named %s is already running (it has the "
                                       "link %s); choose another name with --machine=.",
                                       n->machine, n->host_link);
        case LINK_STALE:
                break;
        }
        /* Retired (down, unbridged, renamed out of the way) rather than deleted: deleting a link
         * waits for an RCU grace period (some 20 ms), and the kernel removes it anyway with the
         * namespace it is tied to. */
        log_debug("Retiring %s, left by a syscon of machine %s that no longer runs, as %s.", n->host_link,
                  n->machine, NETWORK_STALE_PATTERN);
        r = net_link_retire(n->sk, l.ifindex, NETWORK_STALE_PATTERN);
        if (r < 0 && r != -ENODEV)
                return log_error_errno(r, "Failed to retire the stale link %s: %m", n->host_link);
        return 0;
}

/* The host link an option names. */
static int find_host_link(struct network *n, const char *option, const char *name, struct net_link *ret) {
        int r = net_link_get(n->sk, name, ret);

        if (r == -ENODEV)
                return log_error_errno(-EINVAL, "%s=%s: the host has no such interface; give the name "
                                       "of an existing one, as \"ip link\" shows it.", option, name);
        if (r < 0)
                return log_error_errno(r, "Failed to look up interface %s: %m", name);
        if (ret->loopback)
                return log_error_errno(-EINVAL, "%s=%s names the loopback interface, which every "
                                       "network namespace has its own of: give another interface.",
                                       option, name);
        return 0;
}

static int check_bridges(struct network *n) {
        const struct network_config *nc = n->config;
        struct net_link l;
        int r;

        if (nc->bridge) {
                r = find_host_link(n, "--network-bridge", nc->bridge, &l);
                if (r < 0)
                        return r;
                if (!streq(l.kind, "bridge"))
                        return log_error_errno(-EINVAL, "--network-bridge=%s is not a bridge: give a "
                                               "bridge (ip link add NAME type bridge).", nc->bridge);
                n->bridge_ifindex = l.ifindex;
        }
        if (nc->zone) {
                r = net_link_get(n->sk, n->zone_bridge, &l);
                if (r < 0 && r != -ENODEV)
                        return log_error_errno(r, "Failed to look up interface %s: %m", n->zone_bridge);
                if (r >= 0 && !streq(l.kind, "bridge"))
                        return log_error_errno(-EINVAL, "--network-zone=%s needs the name %s for its "
                                               "bridge, which the host uses for a link that is not a "
                                               "bridge: choose another zone.", nc->zone, n->zone_bridge);
        }
        return 0;
}

static int check_parents(struct network *n, const char *option, char **names, int *ret_ifindex) {
        struct net_link l;
        int r;

        for (size_t i = 0; names && names[i]; i++) {
                r = find_host_link(n, option, names[i], &l);
                if (r < 0)
                        return r;
                ret_ifindex[i] = l.ifindex;
        }
        return 0;
}

static int check_interfaces(struct network *n) {
        const struct network_config *nc = n->config;
        struct net_link l;
        int r;

        for (size_t i = 0; i < nc->n_interfaces; i++) {
                r = find_host_link(n, "--network-interface", nc->interfaces[i], &l);
                if (r < 0)
                        return r;
                /* The kernel keeps a bridge in the namespace that created it; syscon's own links
                 * are not anyone's to move. */
                if (streq(l.kind, "bridge") || strstr(l.alias, NETWORK_OWNER_ALIAS) == l.alias)
                        return log_error_errno(-EINVAL, "--network-interface=%s cannot move: it is a "
                                               "bridge or a link syscon manages. Give another interface.",
                                               nc->interfaces[i]);
                if (network_has_veth(nc) && streq(nc->interfaces[i], NETWORK_CONTAINER_VETH))
                        return log_error_errno(-EINVAL, "--network-interface=%s would clash with the "
                                               "container's veth link of that name: rename it first.",
                                               nc->interfaces[i]);
                n->moved[i] = (struct moved_link) { .host_ifindex = l.ifindex };
        }
        return 0;
}

/* The host's machine ID keeps the MACs of same-named containers on two hosts of one LAN apart;
 * without one (no systemd), the name alone decides. */
static void read_machine_id(char ret[static 33]) {
        _cleanup_close_ int fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        ssize_t k = fd >= 0 ? read(fd, ret, 32) : -1;

        ret[k == 32 ? 32 : 0] = 0;
}

static bool has_host_side(const struct network_config *nc) {
        return network_has_veth(nc) || nc->n_macvlan > 0 || nc->n_ipvlan > 0 || nc->n_interfaces > 0;
}

static int network_new(const struct network_config *nc, const char *machine, struct network **ret) {
        struct network *n = calloc(1, sizeof *n);

        if (!n)
                return -ENOMEM;
        *ret = n;
        n->config = nc;
        n->netns_fd = n->home_netns_fd = -EBADF;
        snprintf(n->machine, sizeof n->machine, "%s", machine);
        n->parents = calloc(nc->n_macvlan + nc->n_ipvlan + 1, sizeof *n->parents);
        n->moved = calloc(nc->n_interfaces + 1, sizeof *n->moved);
        if (!n->parents || !n->moved)
                return -ENOMEM;
        if (network_has_veth(nc))
                ifname_with_prefix(nc->bridge || nc->zone ? "vb-" : "ve-", machine, n->host_link);
        if (nc->zone)
                snprintf(n->zone_bridge, sizeof n->zone_bridge, "vz-%s", nc->zone);
        read_machine_id(n->machine_id);
        return net_open(&n->sk);
}

int network_prepare(const struct network_config *nc, const char *machine, struct network **ret) {
        struct network *n = NULL;
        int r;

        *ret = NULL;
        if (!has_host_side(nc))
                return 0;

        r = network_new(nc, machine, &n);
        if (r < 0) {
                network_teardown(n);
                return log_error_errno(r, "Failed to prepare the container's network: %m");
        }
        if (n->host_link[0])
                r = check_host_link(n);
        if (r >= 0)
                r = check_bridges(n);
        if (r >= 0)
                r = check_parents(n, "--network-macvlan", nc->macvlan, n->parents);
        if (r >= 0)
                r = check_parents(n, "--network-ipvlan", nc->ipvlan, n->parents + nc->n_macvlan);
        if (r >= 0)
                r = check_interfaces(n);
        if (r < 0) {
                network_teardown(n);
                return r;
        }
        *ret = n;
        return 0;
}

static void move_links_back(struct network *n) {
        int r;

        for (size_t i = 0; i < n->config->n_interfaces; i++) {
                const char *name = n->config->interfaces[i];

                if (n->moved[i].container_ifindex <= 0)
                        continue;
                r = net_link_move(n->container_sk, n->moved[i].container_ifindex, n->home_netns_fd, name);
                if (r < 0)
                        log_warning_errno(r, "Failed to move %s back to the host: %m", name);
                n->moved[i].container_ifindex = 0;
        }
}

/* Our end of the veth, deleted (which deletes host0 with it) or, when the kernel is left to remove
 * it, taken out of its zone's bridge, so that the zone's last container sees no port left. */
static void release_host_link(struct network *n, bool delete) {
        int r;

        if (n->host_link_ifindex <= 0)
                return;
        if (delete)
                r = net_link_delete(n->sk, n->host_link_ifindex);
        else if (n->zone_entered)
                r = net_link_set_master(n->sk, n->host_link_ifindex, 0);
        else
                r = 0;
        if (r < 0 && r != -ENODEV)
                log_warning_errno(r, "Failed to %s link %s: %m", delete ? "remove" : "detach", n->host_link);
        n->host_link_ifindex = 0;
}

static void release(struct network *n, bool delete_links) {
        if (n->container_sk)
                move_links_back(n);
        release_host_link(n, delete_links);
        if (n->zone_entered) {
                network_zone_leave(n);
                n->zone_entered = false;
        }
        /* Our hold on the container's network namespace goes last: with the namespace go the veth,
         * the macvlan and ipvlan links inside, once the container's processes are gone too. */
        net_closep(&n->container_sk);
        n->netns_fd = safe_close(n->netns_fd);
        n->home_netns_fd = safe_close(n->home_netns_fd);
}

void network_undo(struct network *n) {
        release(n, true);
}

void network_teardown(struct network *n) {
        if (!n)
                return;
        /* After a container ran, its veth is left to the kernel, which removes it with the
         * container's network namespace, asynchronously: deleting it here would make the caller
         * wait for an RCU grace period, some 20 ms, more than all the rest of the network costs. */
        release(n, false);
        net_closep(&n->sk);
        free(n->parents);
        free(n->moved);
        free(n);
}

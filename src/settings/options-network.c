/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "basic/log.h"
#include "basic/strv.h"
#include "network/network-name.h"
#include "settings/option-parsers.h"
#include "settings/options-network.h"

/* The network options, parsed into struct network_config. Every option but --private-network
 * implies a network namespace of its own; -n/--network-veth, --network-bridge= and
 * --network-zone= give the container a veth link "host0". */

#define ZONE_PREFIX "vz-"
#define IFNAME_RULES "an interface name is 1..15 bytes of printable ASCII without '/', ':' or spaces"

/* ADDR, or ADDR/PREFIX when `prefix` is not NULL. Returns the problem, or NULL. */
static const char *parse_ip(const char *s, struct ip_address *ret, unsigned char *prefix) {
        const char *slash = strchr(s, '/');
        char buf[INET6_ADDRSTRLEN];
        size_t n = slash ? (size_t) (slash - s) : strlen(s);
        unsigned long len;

        if (!prefix && slash)
                return "give an address without a prefix length";
        if (prefix && !slash)
                return "give the prefix length after a '/'";
        if (n >= sizeof buf)
                return "not an IPv4 or IPv6 address";
        memcpy(buf, s, n);
        buf[n] = 0;
        if (inet_pton(AF_INET, buf, &ret->in) == 1)
                ret->family = AF_INET;
        else if (inet_pton(AF_INET6, buf, &ret->in6) == 1)
                ret->family = AF_INET6;
        else
                return "not an IPv4 or IPv6 address";
        if (!prefix)
                return NULL;

        unsigned max = ret->family == AF_INET ? 32 : 128;
        char *end;
        if (slash[1] < '0' || slash[1] > '9')
                return "the prefix length must be a number";
        errno = 0;
        len = strtoul(slash + 1, &end, 10);
        if (*end)
                return "the prefix length must be a number";
        if (errno != 0 || len < 1 || len > max)
                return ret->family == AF_INET ? "the prefix length must be 1..32 for an IPv4 address"
                                              : "the prefix length must be 1..128 for an IPv6 address";
        *prefix = (unsigned char) len;
        return NULL;
}

/* Addresses no interface should be given. */
static bool ip_is_assignable(const struct ip_address *a) {
        if (a->family == AF_INET) {
                uint32_t v = ntohl(a->in.s_addr);
                return v != 0 && (v >> 24) != 127 && (v >> 28) != 0xe && v != UINT32_MAX;
        }
        return !IN6_IS_ADDR_UNSPECIFIED(&a->in6) && !IN6_IS_ADDR_LOOPBACK(&a->in6) &&
                !IN6_IS_ADDR_MULTICAST(&a->in6) && !IN6_IS_ADDR_V4MAPPED(&a->in6);
}

static bool ip_equal(const struct ip_address *a, const struct ip_address *b) {
        if (a->family != b->family)
                return false;
        return a->family == AF_INET ? a->in.s_addr == b->in.s_addr
                                    : memcmp(&a->in6, &b->in6, sizeof a->in6) == 0;
}

static bool prefix_contains(const struct ip_prefix *p, const struct ip_address *a) {
        const uint8_t *x = (const uint8_t *) &p->address.in6, *y = (const uint8_t *) &a->in6;
        unsigned bits = p->prefixlen;

        if (p->address.family != a->family)
                return false;
        if (a->family == AF_INET) {
                x = (const uint8_t *) &p->address.in;
                y = (const uint8_t *) &a->in;
        }
        for (unsigned i = 0; bits > 0; i++, bits = bits > 8 ? bits - 8 : 0) {
                uint8_t mask = (uint8_t) (0xff << (8 - (bits > 8 ? 8 : bits)));
                if ((x[i] & mask) != (y[i] & mask))
                        return false;
        }
        return true;
}

static int push_prefix(struct ip_prefix **l, size_t *n, const struct ip_prefix *p) {
        struct ip_prefix *grown = reallocarray(*l, *n + 1, sizeof *p);

        if (!grown)
                return -ENOMEM;
        grown[(*n)++] = *p;
        *l = grown;
        return 0;
}

/* An address on host0 (--address=) or on the host's end of the veth (--host-address=). */
static int parse_prefix(struct ip_prefix **l, size_t *n, const char *value, const struct option_source *src,
                        const char *example) {
        struct ip_prefix p = {};
        const char *problem = parse_ip(value, &p.address, &p.prefixlen);

        if (problem)
                return log_bad_value(src, value, problem, example);
        if (!ip_is_assignable(&p.address))
                return log_bad_value(src, value, "an unspecified, loopback, broadcast or multicast address "
                                     "cannot be assigned to an interface", example);
        for (size_t i = 0; i < *n; i++)
                if (ip_equal(&(*l)[i].address, &p.address))
                        return log_bad_value(src, value, "that address is given twice", example);
        return push_prefix(l, n, &p);
}

int option_parse_address(struct config *c, const char *value, const struct option_source *src) {
        return parse_prefix(&c->network.addresses, &c->network.n_addresses, value, src, "10.0.0.2/24");
}

int option_parse_host_address(struct config *c, const char *value, const struct option_source *src) {
        return parse_prefix(&c->network.host_addresses, &c->network.n_host_addresses, value, src,
                            "10.0.0.1/24");
}

#define GATEWAY_EXAMPLE "10.0.0.1"

int option_parse_gateway(struct config *c, const char *value, const struct option_source *src) {
        struct network_config *nc = &c->network;
        struct ip_address a = {}, *grown;
        const char *problem = parse_ip(value, &a, NULL);

        if (problem)
                return log_bad_value(src, value, problem, GATEWAY_EXAMPLE);
        if (!ip_is_assignable(&a))
                return log_bad_value(src, value, "an unspecified, loopback, broadcast or multicast "
                                     "address cannot be a gateway", GATEWAY_EXAMPLE);
        for (size_t i = 0; i < nc->n_gateways; i++)
                if (nc->gateways[i].family == a.family)
                        return log_bad_value(src, value, "there can be one gateway per address family, "
                                             "and this family has one already", GATEWAY_EXAMPLE);
        grown = reallocarray(nc->gateways, nc->n_gateways + 1, sizeof a);
        if (!grown)
                return -ENOMEM;
        grown[nc->n_gateways++] = a;
        nc->gateways = grown;
        return 0;
}

int option_parse_network_bridge(struct config *c, const char *value, const struct option_source *src) {
        if (!ifname_is_valid(value))
                return log_bad_value(src, value, IFNAME_RULES, "br0");
        return option_set_string(&c->network.bridge, value);
}

int option_parse_network_zone(struct config *c, const char *value, const struct option_source *src) {
        if (!ifname_is_valid(value))
                return log_bad_value(src, value, IFNAME_RULES, "web");
        if (strlen(ZONE_PREFIX) + strlen(value) > IF_NAMESIZE - 1)
                return log_bad_value(src, value, "the zone's bridge is named vz-ZONE, which must fit in 15 "
                                     "bytes: use a zone name of at most 12 bytes", "web");
        return option_set_string(&c->network.zone, value);
}

static bool strv_contains(char **l, const char *s) {
        for (; l && *l; l++)
                if (streq(*l, s))
                        return true;
        return false;
}

/* A host interface, once in its list. */
static int push_name(char ***l, size_t *n, const char *value, const struct option_source *src) {
        _cleanup_free_ char *copy = NULL;

        if (!ifname_is_valid(value))
                return log_bad_value(src, value, IFNAME_RULES, "eth1");
        if (strv_contains(*l, value))
                return log_bad_value(src, value, "that interface is given twice", "eth1");
        copy = strdup(value);
        if (!copy)
                return -ENOMEM;
        return strv_push(l, n, &copy);
}

int option_parse_network_macvlan(struct config *c, const char *value, const struct option_source *src) {
        return push_name(&c->network.macvlan, &c->network.n_macvlan, value, src);
}

int option_parse_network_ipvlan(struct config *c, const char *value, const struct option_source *src) {
        return push_name(&c->network.ipvlan, &c->network.n_ipvlan, value, src);
}

int option_parse_network_interface(struct config *c, const char *value, const struct option_source *src) {
        return push_name(&c->network.interfaces, &c->network.n_interfaces, value, src);
}

int option_parse_private_network(struct config *c, const char *value, const struct option_source *src) {
        c->network.private_network = true;
        return 0;
}

int option_parse_network_veth(struct config *c, const char *value, const struct option_source *src) {
        c->network.veth = true;
        return 0;
}

static int verify_links(const struct network_config *nc) {
        if (nc->bridge && nc->zone) {
                log_error("--network-bridge=%s and --network-zone=%s both put the container's host0 "
                          "link into a bridge: give one of them.", nc->bridge, nc->zone);
                return -EINVAL;
        }
        for (size_t i = 0; i < nc->n_interfaces; i++) {
                const char *name = nc->interfaces[i];

                if (strv_contains(nc->macvlan, name) || strv_contains(nc->ipvlan, name)) {
                        log_error("--network-interface=%s moves %s into the container, so it cannot "
                                  "also be the parent of --network-macvlan= or --network-ipvlan=: "
                                  "give one of them.", name, name);
                        return -EINVAL;
                }
        }
        for (size_t i = 0; i < nc->n_macvlan; i++)
                if (strv_contains(nc->ipvlan, nc->macvlan[i])) {
                        log_error("Interface %s is given to both --network-macvlan= and "
                                  "--network-ipvlan=: a parent takes one kind; give one of them.",
                                  nc->macvlan[i]);
                        return -EINVAL;
                }
        return 0;
}

static int verify_gateway(const struct network_config *nc, const struct ip_address *g) {
        char text[INET6_ADDRSTRLEN];

        inet_ntop(g->family, &g->in6, text, sizeof text);
        for (size_t i = 0; i < nc->n_addresses; i++)
                if (ip_equal(&nc->addresses[i].address, g))
                        return log_bad_value(&(const struct option_source) { .key = "gateway" }, text,
                                             "that is the container's own --address=; give the address "
                                             "of the router on that link", GATEWAY_EXAMPLE);
        for (size_t i = 0; i < nc->n_addresses; i++)
                if (prefix_contains(nc->addresses + i, g))
                        return 0;
        log_error("Invalid --gateway= value \"%s\": it lies outside the subnet of every --address= of "
                  "its family; give a gateway inside one, as in --address=10.0.0.2/24 "
                  "--gateway=10.0.0.1.", text);
        return -EINVAL;
}

static int verify_addresses(const struct network_config *nc) {
        int r;

        if ((nc->n_addresses > 0 || nc->n_gateways > 0) && !network_has_veth(nc)) {
                log_error("--address= and --gateway= configure the container's host0 link, which "
                          "only -n/--network-veth, --network-bridge= or --network-zone= create: "
                          "add one of them.");
                return -EINVAL;
        }
        if (nc->n_host_addresses > 0 && (!nc->veth || nc->bridge || nc->zone)) {
                log_error("--host-address= needs -n/--network-veth without --network-bridge= or "
                          "--network-zone= (a bridge port takes no address: give the address to "
                          "the bridge itself).");
                return -EINVAL;
        }
        for (size_t i = 0; i < nc->n_host_addresses; i++)
                for (size_t j = 0; j < nc->n_addresses; j++)
                        if (ip_equal(&nc->host_addresses[i].address, &nc->addresses[j].address)) {
                                log_error("--host-address= and --address= give both ends of the veth "
                                          "the same address: give each end its own.");
                                return -EINVAL;
                        }
        for (size_t i = 0; i < nc->n_gateways; i++) {
                r = verify_gateway(nc, nc->gateways + i);
                if (r < 0)
                        return r;
        }
        return 0;
}

int network_options_verify(const struct network_config *nc) {
        int r = verify_links(nc);

        return r < 0 ? r : verify_addresses(nc);
}

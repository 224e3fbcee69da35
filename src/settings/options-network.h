/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <getopt.h>

#include "settings/config.h"

/* The network options, parsed into struct network_config. Every option but --private-network
 * implies a network namespace of its own; -n/--network-veth, --network-bridge= and
 * --network-zone= give the container a veth link "host0". What needs the host's state (does the
 * bridge exist?) is checked later, by network_prepare(). */

enum network_option {
        NETWORK_OPTION_PRIVATE,
        NETWORK_OPTION_VETH,
        NETWORK_OPTION_BRIDGE,
        NETWORK_OPTION_ZONE,
        NETWORK_OPTION_MACVLAN,
        NETWORK_OPTION_IPVLAN,
        NETWORK_OPTION_INTERFACE,
        NETWORK_OPTION_ADDRESS,
        NETWORK_OPTION_HOST_ADDRESS,
        NETWORK_OPTION_GATEWAY,
        _NETWORK_OPTION_MAX,
};

/* options.c hands these over by their getopt value, ARG_NETWORK_FIRST + the option. */
#define ARG_NETWORK_FIRST 0x300 /* above options.c's and options-security.h's values */

#define NETWORK_LONG_OPTION(name, has_arg, option) { name, has_arg, NULL, ARG_NETWORK_FIRST + (option) }
#define OPTIONS_NETWORK_LONG_OPTIONS                                                          \
        NETWORK_LONG_OPTION("private-network", no_argument, NETWORK_OPTION_PRIVATE),          \
        { "network-veth", no_argument, NULL, 'n' },                                           \
        NETWORK_LONG_OPTION("network-bridge", required_argument, NETWORK_OPTION_BRIDGE),      \
        NETWORK_LONG_OPTION("network-zone", required_argument, NETWORK_OPTION_ZONE),          \
        NETWORK_LONG_OPTION("network-macvlan", required_argument, NETWORK_OPTION_MACVLAN),    \
        NETWORK_LONG_OPTION("network-ipvlan", required_argument, NETWORK_OPTION_IPVLAN),      \
        NETWORK_LONG_OPTION("network-interface", required_argument, NETWORK_OPTION_INTERFACE), \
        NETWORK_LONG_OPTION("address", required_argument, NETWORK_OPTION_ADDRESS),            \
        NETWORK_LONG_OPTION("host-address", required_argument, NETWORK_OPTION_HOST_ADDRESS),  \
        NETWORK_LONG_OPTION("gateway", required_argument, NETWORK_OPTION_GATEWAY)

/* One option's value (NULL for the flags); logs and returns -EINVAL on a bad one. */
int network_option_parse(struct network_config *nc, enum network_option option, const char *arg);
/* What only all options together can tell: run after the last one. Logs, -EINVAL. */
int network_options_verify(const struct network_config *nc);
void network_options_help(void);
void network_config_done(struct network_config *nc);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

/* Names and addresses syscon gives the links it creates: pure functions of their inputs, so that
 * every start of one machine on one host gets the same ones. */

/* A network interface name: 1..15 bytes of printable ASCII, not "." or "..", no '/', ':' or space.
 * The kernel takes any byte but those and whitespace; control characters and bytes it might count
 * as whitespace (0xa0) are refused as well, as no tool shows them sensibly. */
bool ifname_is_valid(const char *s);

/* PREFIX followed by NAME, as a link name: when that is longer than 15 bytes, its first 11 bytes
 * and 4 characters of a hash of the whole name, so that long names stay distinct and stable. */
void ifname_with_prefix(const char *prefix, const char *name, char ret[static IF_NAMESIZE]);

/* A locally administered unicast MAC address for the link with role ROLE ("host", "container",
 * "macvlan") and index INDEX of machine MACHINE, on the host with machine ID MACHINE_ID (which may
 * be "": it only keeps containers of one name on different hosts of one LAN apart). */
void mac_derive(const char *machine_id, const char *machine, const char *role, unsigned index,
                uint8_t ret[static 6]);

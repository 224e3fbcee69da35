/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

#include "settings/config.h"

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

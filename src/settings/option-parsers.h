/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <string.h>

#include "settings/option-table.h"

/* The parsers option_table[] points to (see option_parser), by the file that holds them. Nothing
 * but the table calls them. */

/* options-container.c: the tree, its names and IDs, the console, limits. */
int option_parse_help(struct config *c, const char *value, const struct option_source *src);
int option_parse_directory(struct config *c, const char *value, const struct option_source *src);
int option_parse_machine(struct config *c, const char *value, const struct option_source *src);
int option_parse_hostname(struct config *c, const char *value, const struct option_source *src);
int option_parse_uuid(struct config *c, const char *value, const struct option_source *src);
int option_parse_read_only(struct config *c, const char *value, const struct option_source *src);
int option_parse_private_users(struct config *c, const char *value, const struct option_source *src);
int option_parse_private_users_pick(struct config *c, const char *value, const struct option_source *src);
int option_parse_private_users_ownership(struct config *c, const char *value,
                                         const struct option_source *src);
int option_parse_console(struct config *c, const char *value, const struct option_source *src);
int option_parse_pipe(struct config *c, const char *value, const struct option_source *src);
int option_parse_quiet(struct config *c, const char *value, const struct option_source *src);
int option_parse_property(struct config *c, const char *value, const struct option_source *src);

/* options-exec.c: what runs inside, as whom, where, with what, and how it is stopped. */
int option_parse_setenv(struct config *c, const char *value, const struct option_source *src);
int option_parse_chdir(struct config *c, const char *value, const struct option_source *src);
int option_parse_user(struct config *c, const char *value, const struct option_source *src);
int option_parse_kill_signal(struct config *c, const char *value, const struct option_source *src);
int option_parse_init(struct config *c, const char *value, const struct option_source *src);

/* options-mount.c */
int option_parse_bind(struct config *c, const char *value, const struct option_source *src);
int option_parse_bind_ro(struct config *c, const char *value, const struct option_source *src);
int option_parse_tmpfs(struct config *c, const char *value, const struct option_source *src);

/* options-network.c */
int option_parse_private_network(struct config *c, const char *value, const struct option_source *src);
int option_parse_network_veth(struct config *c, const char *value, const struct option_source *src);
int option_parse_network_bridge(struct config *c, const char *value, const struct option_source *src);
int option_parse_network_zone(struct config *c, const char *value, const struct option_source *src);
int option_parse_network_macvlan(struct config *c, const char *value, const struct option_source *src);
int option_parse_network_ipvlan(struct config *c, const char *value, const struct option_source *src);
int option_parse_network_interface(struct config *c, const char *value, const struct option_source *src);
int option_parse_address(struct config *c, const char *value, const struct option_source *src);
int option_parse_host_address(struct config *c, const char *value, const struct option_source *src);
int option_parse_gateway(struct config *c, const char *value, const struct option_source *src);

/* options-security.c */
int option_parse_capability(struct config *c, const char *value, const struct option_source *src);
int option_parse_drop_capability(struct config *c, const char *value, const struct option_source *src);
int option_parse_no_new_privileges(struct config *c, const char *value, const struct option_source *src);
int option_parse_system_call_filter(struct config *c, const char *value, const struct option_source *src);
int option_parse_profile(struct config *c, const char *value, const struct option_source *src);

/* Helpers the parsers share. */
static inline int option_set_string(char **field, const char *value) {
        char *copy = strdup(value);

        if (!copy)
                return -ENOMEM;
        free(*field);
        *field = copy;
        return 0;
}

static inline bool string_has_control_chars(const char *s) {
        for (; *s; s++)
                if ((unsigned char) *s < ' ' || *s == 0x7f)
                        return true;
        return false;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "basic/log.h"
#include "settings/option-parsers.h"
#include "settings/option-table.h"
#include "settings/options.h"

#define RUN OPTION_VERB(VERB_RUN)
#define BOOT OPTION_VERB(VERB_BOOT)
#define ALL OPTION_VERBS_ALL
#define NONE OPTION_ARGUMENT_NONE
#define VALUE OPTION_ARGUMENT_REQUIRED

/* In the order --help lists them. */
const struct option_entry option_table[] = {
        { "help", 'h', NONE, ALL, option_parse_help, NULL, "Show this help" },
        { "directory", 'D', VALUE, ALL, option_parse_directory, "PATH",
          "The tree, in place of the ROOTFS argument" },
        { "machine", 'M', VALUE, ALL, option_parse_machine, "NAME",
          "Machine name (default: the tree's directory name)" },
        { "hostname", 0, VALUE, ALL, option_parse_hostname, "NAME",
          "Host name inside (default: the machine name)" },
        { "setenv", 'E', VALUE, ALL, option_parse_setenv, "NAME[=VALUE]",
          "Set a variable; NAME alone copies the host's value" },
        { "chdir", 0, VALUE, ALL, option_parse_chdir, "PATH",
          "Absolute working directory inside the container" },
        { "user", 'u', VALUE, ALL, option_parse_user, "USER", "User name or UID of the tree to run as" },
        { "bind", 0, VALUE, ALL, option_parse_bind, "SRC[:DST[:OPTS]]",
          "Bind a host path (DST defaults to SRC); OPTS: rbind\n"
          "(default) or norbind, noidmap (default) or idmap\n"
          "(container root is the host's root there); \\: is\n"
          "a ':' in a path" },
        { "bind-ro", 0, VALUE, ALL, option_parse_bind_ro, "SRC[:DST[:OPTS]]", "The same, read-only" },
        { "tmpfs", 0, VALUE, ALL, option_parse_tmpfs, "PATH[:OPTS]",
          "Mount a tmpfs with OPTS (default: mode=0755)" },
        { "read-only", 0, NONE, ALL, option_parse_read_only, NULL, "Mount the tree read-only" },
        { "private-users", 0, VALUE, ALL, option_parse_private_users, "RANGE",
          "User namespace: pick (default), identity, no, or\n"
          "BASE[:COUNT] host IDs for the container's 0..COUNT-1" },
        { NULL, 'U', NONE, ALL, option_parse_private_users_pick, NULL, "The same as --private-users=pick" },
        { "private-users-ownership", 0, VALUE, ALL, option_parse_private_users_ownership, "MODE",
          "How the tree's files get the container's IDs: auto\n"
          "(default), map, chown or off" },
        { "console", 0, VALUE, ALL, option_parse_console, "MODE",
          "interactive, read-only, passive or pipe (default:\n"
          "interactive on a terminal)" },
        { "pipe", 'P', NONE, ALL, option_parse_pipe, NULL, "The same as --console=pipe" },
        { "kill-signal", 0, VALUE, RUN, option_parse_kill_signal, "SIGNAL",
          "Signal to stop the container (default: SIGTERM)" },
        { "kill-signal", 0, VALUE, BOOT, option_parse_kill_signal, "SIGNAL",
          "Signal to stop the container (default: SIGRTMIN+3 for systemd,\n"
          "SIGUSR2 for busybox init, SIGINT for sysvinit)" },
        { "quiet", 'q', NONE, ALL, option_parse_quiet, NULL, "No informational messages" },
        { "uuid", 0, VALUE, ALL, option_parse_uuid, "UUID",
          "The container's UUID, offered to a booted guest as\n"
          "its machine ID (default: random)" },
        { "property", 0, VALUE, ALL, option_parse_property, "NAME=VALUE",
          "A resource limit, as in systemd.resource-control(5):\n"
          "MemoryMax, MemoryHigh, MemorySwapMax, CPUQuota,\n"
          "CPUWeight, AllowedCPUs, TasksMax, IOWeight" },
        { "init", 0, VALUE, BOOT, option_parse_init, "PATH",
          "The init to boot, inside the tree (default:\n"
          "/usr/lib/systemd/systemd, /lib/systemd/systemd,\n"
          "/sbin/init, the first that exists)",
          .elsewhere = "\"syscon run\" always runs syscon-init as PID 1 and your command as PID 2." },

        { "private-network", 0, NONE, ALL, option_parse_private_network, NULL,
          "No network but loopback in the container" },
        { "network-veth", 'n', NONE, ALL, option_parse_network_veth, NULL,
          "A veth link: ve-MACHINE on the host, host0 inside" },
        { "network-bridge", 0, VALUE, ALL, option_parse_network_bridge, "BR",
          "The same, with the host end vb-MACHINE in bridge BR" },
        { "network-zone", 0, VALUE, ALL, option_parse_network_zone, "ZONE",
          "The same, in bridge vz-ZONE, shared by the zone's\n"
          "containers (created and removed as needed)" },
        { "network-macvlan", 0, VALUE, ALL, option_parse_network_macvlan, "IF",
          "A macvlan link on host interface IF, mv-IF inside" },
        { "network-ipvlan", 0, VALUE, ALL, option_parse_network_ipvlan, "IF",
          "An ipvlan link on host interface IF, iv-IF inside" },
        { "network-interface", 0, VALUE, ALL, option_parse_network_interface, "IF",
          "Move host interface IF in (and back at exit)" },
        { "address", 0, VALUE, ALL, option_parse_address, "ADDR/PREFIX",
          "An IPv4 or IPv6 address on host0 (repeatable)" },
        { "gateway", 0, VALUE, ALL, option_parse_gateway, "ADDR",
          "The default route inside, via ADDR (one per family)" },
        { "host-address", 0, VALUE, ALL, option_parse_host_address, "ADDR/PREFIX",
          "An address on the host end of the veth (repeatable)" },

        /* As nspawn's settings files: only a trusted file may add capabilities, any may drop them. */
        { "capability", 0, VALUE, ALL, option_parse_capability, "CAP[,CAP...]|all",
          "Keep these capabilities too (default: nspawn's set)", .from_file = true, .trusted_only = true },
        { "drop-capability", 0, VALUE, ALL, option_parse_drop_capability, "CAP[,CAP...]|all",
          "Drop these capabilities", .from_file = true },
        { "no-new-privileges", 0, VALUE, ALL, option_parse_no_new_privileges, "yes|no",
          "No privileges gained by execve() (setuid, file caps)", .from_file = true },
        { "system-call-filter", 0, VALUE, ALL, option_parse_system_call_filter, "[~]NAME|@GROUP ...",
          "Allow, or with '~' deny (EPERM), these system calls", .from_file = true },
        { "profile", 0, VALUE, ALL, option_parse_profile, "NAME|PATH",
          "Security settings from a profile (default, strict,\n"
          "trusted); options given here override it" },
};
const size_t option_table_size = ELEMENTSOF(option_table);

#define HELP_COLUMN 29

static const struct {
        const char *synopsis;
        const char *description;
} verb_usage[] = {
        [VERB_RUN] = { "syscon run [OPTIONS] ROOTFS [--] [COMMAND [ARGS...]]",
                       "Run COMMAND (default: the user's shell) in the tree ROOTFS, with syscon-init\n"
                       "as PID 1." },
        [VERB_BOOT] = { "syscon boot [OPTIONS] ROOTFS [--] [INIT-ARGS...]",
                        "Boot the init system of the tree ROOTFS, passing it INIT-ARGS." },
};

const char *verb_to_string(enum verb verb) {
        return verb == VERB_BOOT ? "boot" : "run";
}

const char *options_synopsis(enum verb verb) {
        return verb_usage[verb].synopsis;
}

/* "  -M --machine=NAME", padded to the description's column or on a line of its own, then the
 * description, each further line of it indented to that column. */
static void help_entry(const struct option_entry *e) {
        char left[80];
        int n;

        if (e->short_name)
                n = snprintf(left, sizeof left, "  -%c", e->short_name);
        else
                n = snprintf(left, sizeof left, "    ");
        if (e->name)
                snprintf(left + n, sizeof left - n, " --%s%s%s", e->name, e->help_value ? "=" : "",
                         e->help_value ?: "");
        if (strlen(left) < HELP_COLUMN)
                printf("%-*s", HELP_COLUMN, left);
        else
                printf("%s\n%*s", left, HELP_COLUMN, "");
        for (const char *p = e->help;;) {
                size_t k = strcspn(p, "\n");

                printf("%.*s\n", (int) k, p);
                if (!p[k])
                        break;
                p += k + 1;
                printf("%*s", HELP_COLUMN, "");
        }
}

void options_help(enum verb verb) {
        printf("%s\n\n%s\n\n", verb_usage[verb].synopsis, verb_usage[verb].description);
        for (size_t i = 0; i < option_table_size; i++)
                if (option_applies(option_table + i, verb))
                        help_entry(option_table + i);
}

const struct option_entry *option_lookup(const char *name, char short_name, enum verb verb) {
        const struct option_entry *other = NULL;

        for (size_t i = 0; i < option_table_size; i++) {
                const struct option_entry *e = option_table + i;

                if (name ? !e->name || !streq(e->name, name) : e->short_name != short_name)
                        continue;
                if (option_applies(e, verb))
                        return e;
                other = other ?: e;
        }
        return other;
}

/* "a, b and c": the keys a file may set. */
static void file_keys(char *buf, size_t size) {
        size_t n = 0, total = 0;

        for (size_t i = 0; i < option_table_size; i++)
                total += option_table[i].from_file;
        *buf = 0;
        for (size_t i = 0; i < option_table_size; i++) {
                if (!option_table[i].from_file)
                        continue;
                n++;
                snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
                         n == 1 ? "" : n == total ? " and " : ", ", option_table[i].name);
        }
}

int option_set_from_file(struct config *c, const char *key, const char *value, const char *file,
                         unsigned line, bool trusted) {
        const struct option_entry *e = option_lookup(key, 0, c->verb);
        const struct option_source src = { .file = file, .line = line, .key = key };
        char keys[256];

        if (!e || !e->from_file || !option_applies(e, c->verb)) {
                file_keys(keys, sizeof keys);
                log_error("%s:%u: unknown setting \"%s\"; a profile may set %s.", file, line, key, keys);
                return -EINVAL;
        }
        if (e->trusted_only && !trusted) {
                log_error("%s:%u: refusing %s= from a file that is not trusted; give --%s= on the "
                          "command line or put it in a trusted file.", file, line, key, key);
                return -EINVAL;
        }
        return e->parse(c, value, &src);
}

int log_bad_value(const struct option_source *src, const char *value, const char *problem,
                  const char *example) {
        if (src->file)
                log_error("%s:%u: invalid %s= value \"%s\": %s, as in %s=%s.", src->file, src->line,
                          src->key, value, problem, src->key, example);
        else
                log_error("Invalid --%s= value \"%s\": %s, as in --%s=%s.", src->key, value, problem,
                          src->key, example);
        return -EINVAL;
}

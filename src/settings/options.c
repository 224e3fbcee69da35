/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/cgroup-properties.h"
#include "settings/environ.h"
#include "basic/log.h"
#include "basic/name.h"
#include "settings/options.h"
#include "settings/options-network.h"
#include "settings/options-security.h"
#include "basic/signal-name.h"
#include "core/userns-range.h"

enum {
        ARG_FIRST = 0x100, /* above every short option */
        ARG_HOSTNAME = ARG_FIRST,
        ARG_CHDIR,
        ARG_BIND,
        ARG_BIND_RO,
        ARG_TMPFS,
        ARG_READ_ONLY,
        ARG_CONSOLE,
        ARG_KILL_SIGNAL,
        ARG_INIT,
        ARG_UUID,
        ARG_PRIVATE_USERS,
        ARG_PRIVATE_USERS_OWNERSHIP,
        ARG_PROPERTY,
};

static const struct option long_options[] = {
        { "help",            no_argument,       NULL, 'h'                 },
        { "directory",       required_argument, NULL, 'D'                 },
        { "machine",         required_argument, NULL, 'M'                 },
        { "hostname",        required_argument, NULL, ARG_HOSTNAME        },
        { "setenv",          required_argument, NULL, 'E'                 },
        { "chdir",           required_argument, NULL, ARG_CHDIR           },
        { "user",            required_argument, NULL, 'u'                 },
        { "bind",            required_argument, NULL, ARG_BIND            },
        { "bind-ro",         required_argument, NULL, ARG_BIND_RO         },
        { "tmpfs",           required_argument, NULL, ARG_TMPFS           },
        { "read-only",       no_argument,       NULL, ARG_READ_ONLY       },
        { "console",         required_argument, NULL, ARG_CONSOLE         },
        { "pipe",            no_argument,       NULL, 'P'                 },
        { "kill-signal",     required_argument, NULL, ARG_KILL_SIGNAL     },
        { "private-users",   required_argument, NULL, ARG_PRIVATE_USERS   },
        { "private-users-ownership", required_argument, NULL, ARG_PRIVATE_USERS_OWNERSHIP },
        { "property",        required_argument, NULL, ARG_PROPERTY        },
        { "quiet",           no_argument,       NULL, 'q'                 },
        { "init",            required_argument, NULL, ARG_INIT            },
        { "uuid",            required_argument, NULL, ARG_UUID            },
        OPTIONS_SECURITY_LONG_OPTIONS,
        OPTIONS_NETWORK_LONG_OPTIONS,
        {}
};

/* '+' stops at the first positional, so that the command's own options are never ours. The ':'
 * after it silences getopt's own messages (POSIX; it does what opterr = 0 would) and returns a
 * missing value as ':' rather than '?', so that we can tell the two apart in our one message. */
#define SHORT_OPTIONS "+:hD:M:E:u:PqUn"

#define ENV_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
#define NAME_RULES "use 1..64 letters, digits, '-' and '.', with no part starting or ending in '-'"

static const struct {
        const char *option;
        const char *example;
} mount_options[] = {
        [CUSTOM_MOUNT_BIND] = { "--bind", "--bind=/srv/data:/data" },
        [CUSTOM_MOUNT_BIND_READ_ONLY] = { "--bind-ro", "--bind-ro=/srv/data:/data" },
        [CUSTOM_MOUNT_TMPFS] = { "--tmpfs", "--tmpfs=/var/tmp:mode=1777" },
};

static const char *const console_modes[] = {
        [CONSOLE_INTERACTIVE] = "interactive",
        [CONSOLE_READ_ONLY] = "read-only",
        [CONSOLE_PASSIVE] = "passive",
        [CONSOLE_PIPE] = "pipe",
};

static const char *const ownership_modes[] = {
        [PRIVATE_USERS_OWNERSHIP_AUTO] = "auto",
        [PRIVATE_USERS_OWNERSHIP_MAP] = "map",
        [PRIVATE_USERS_OWNERSHIP_CHOWN] = "chown",
        [PRIVATE_USERS_OWNERSHIP_OFF] = "off",
};

static const char *verb_to_string(enum verb verb) {
        return verb == VERB_BOOT ? "boot" : "run";
}

void options_help(enum verb verb) {
        if (verb == VERB_BOOT)
                printf("syscon boot [OPTIONS] ROOTFS [--] [INIT-ARGS...]\n\n"
                       "Boot the init system of the tree ROOTFS, passing it INIT-ARGS.\n\n");
        else
                printf("syscon run [OPTIONS] ROOTFS [--] [COMMAND [ARGS...]]\n\n"
                       "Run COMMAND (default: the user's shell) in the tree ROOTFS, with syscon-init\n"
                       "as PID 1.\n\n");
        printf("  -h --help                  Show this help\n"
               "  -D --directory=PATH        The tree, in place of the ROOTFS argument\n"
               "  -M --machine=NAME          Machine name (default: the tree's directory name)\n"
               "     --hostname=NAME         Host name inside (default: the machine name)\n"
               "  -E --setenv=NAME[=VALUE]   Set a variable; NAME alone copies the host's value\n"
               "     --chdir=PATH            Absolute working directory inside the container\n"
               "  -u --user=USER             User name or UID of the tree to run as\n"
               "     --bind=SRC[:DST[:OPTS]] Bind a host path (DST defaults to SRC); OPTS: rbind\n"
               "                             (default) or norbind, noidmap (default) or idmap\n"
               "                             (container root is the host's root there); \\: is\n"
               "                             a ':' in a path\n"
               "     --bind-ro=SRC[:DST[:OPTS]]\n"
               "                             The same, read-only\n"
               "     --tmpfs=PATH[:OPTS]     Mount a tmpfs with OPTS (default: mode=0755)\n"
               "     --read-only             Mount the tree read-only\n"
               "     --private-users=RANGE   User namespace: pick (default), identity, no, or\n"
               "                             BASE[:COUNT] host IDs for the container's 0..COUNT-1\n"
               "  -U                         The same as --private-users=pick\n"
               "     --private-users-ownership=MODE\n"
               "                             How the tree's files get the container's IDs: auto\n"
               "                             (default), map, chown or off\n"
               "     --console=MODE          interactive, read-only, passive or pipe (default:\n"
               "                             interactive on a terminal)\n"
               "  -P --pipe                  The same as --console=pipe\n"
               "     --kill-signal=SIGNAL    Signal to stop the container (default: %s)\n"
               "  -q --quiet                 No informational messages\n"
               "     --uuid=UUID             The container's UUID, offered to a booted guest as\n"
               "                             its machine ID (default: random)\n"
               "     --property=NAME=VALUE   A resource limit, as in systemd.resource-control(5):\n"
               "                             MemoryMax, MemoryHigh, MemorySwapMax, CPUQuota,\n"
               "                             CPUWeight, AllowedCPUs, TasksMax, IOWeight\n",
               verb == VERB_BOOT ? "SIGRTMIN+3 for systemd,\n"
               "                             SIGUSR2 for busybox init, SIGINT for sysvinit" : "SIGTERM");
        if (verb == VERB_BOOT)
                printf("     --init=PATH             The init to boot, inside the tree (default:\n"
                       "                             /usr/lib/systemd/systemd, /lib/systemd/systemd,\n"
                       "                             /sbin/init, the first that exists)\n");
        network_options_help();
        options_security_help();
}

int log_bad_value(const char *option, const char *value, const char *problem, const char *example) {
        log_error("Invalid %s= value \"%s\": %s, as in %s.", option, value, problem, example);
        return -EINVAL;
}

/* getopt's own messages are off (see SHORT_OPTIONS), so that each mistake is reported once, here. */
static int log_getopt_error(enum verb verb, int opt, char *argv[]) {
        const char *v = verb_to_string(verb);
        const struct option *o = NULL;
        char short_name[4] = "";

        for (size_t i = 0; optopt != 0 && long_options[i].name; i++)
                if (long_options[i].val == optopt)
                        o = long_options + i;

        if (!o && optopt != 0)
                log_error("Unknown option -%c; see \"syscon %s --help\".", optopt, v);
        else if (!o) /* an unknown long option, which getopt has stepped over */
                log_error("Unknown option %.*s; see \"syscon %s --help\".",
                          (int) strcspn(argv[optind - 1], "="), argv[optind - 1], v);
        else {
                if (o->val < ARG_FIRST)
                        snprintf(short_name, sizeof short_name, "-%c/", o->val);
                log_error("Option %s--%s %s; see \"syscon %s --help\".", short_name, o->name,
                          opt == ':' ? "needs a value" : "takes no value", v);
        }
        return -EINVAL;
}

static int set_string(char **field, const char *value) {
        char *copy = strdup(value);

        if (!copy)
                return -ENOMEM;
        free(*field);
        *field = copy;
        return 0;
}

static bool string_has_control_chars(const char *s) {
        for (; *s; s++)
                if ((unsigned char) *s < ' ' || *s == 0x7f)
                        return true;
        return false;
}

/* The name is looked up in the tree's passwd later; here we reject what no passwd line can hold. */
static bool user_is_valid(const char *s) {
        return *s && !strpbrk(s, ":/ ") && !string_has_control_chars(s);
}

static int parse_setenv(struct config *c, const char *arg) {
        const char *eq = strchr(arg, '=');
        size_t n = eq ? (size_t) (eq - arg) : strlen(arg);
        _cleanup_free_ char *entry = NULL;

        if (n == 0 || strspn(arg, ENV_NAME_CHARS) != n || (arg[0] >= '0' && arg[0] <= '9'))
                return log_bad_value("--setenv", arg, "the name must be letters, digits and '_', not "
                                     "starting with a digit", "--setenv=LANG=C.UTF-8");
        if (eq)
                entry = strdup(arg);
        else {
                const char *value = getenv(arg);

                if (!value) {
                        log_error("Invalid --setenv= value \"%s\": the host has no variable %s to copy; "
                                  "give a value, as in --setenv=%s=VALUE.", arg, arg, arg);
                        return -EINVAL;
                }
                if (asprintf(&entry, "%s=%s", arg, value) < 0)
                        entry = NULL;
        }
        if (!entry)
                return -ENOMEM;
        return strv_push(&c->setenv, &c->n_setenv, &entry);
}

/* Cuts the next ':'-separated field off *p into *ret, turning "\:" into ':'. Sets *p to NULL
 * after the last field. */
static int next_field(const char **p, char **ret) {
        const char *s = *p;
        char *field = malloc(strlen(s) + 1), *d = field;

        if (!field)
                return -ENOMEM;
        for (; *s && *s != ':'; s++) {
                if (s[0] == '\\' && s[1] == ':')
                        s++;
                *d++ = *s;
        }
        *d = 0;
        *p = *s ? s + 1 : NULL;
        *ret = field;
        return 0;
}

/* Steps *p over the next component of a path, skipping slashes; returns its length, 0 at the end. */
static size_t path_next_component(const char **p, const char **ret) {
        size_t n;

        *p += strspn(*p, "/");
        n = strcspn(*p, "/");
        *ret = *p;
        *p += n;
        return n;
}

static bool path_has_dot_dot(const char *path) {
        const char *component;
        size_t n;

        while ((n = path_next_component(&path, &component)) > 0)
                if (n == 2 && strncmp(component, "..", 2) == 0)
                        return true;
        return false;
}

/* In place, since the result is never longer: "//a/./b/" becomes "/a/b". */
static void path_normalize(char *path) {
        const char *p = path, *component;
        char *d = path;
        size_t n;

        while ((n = path_next_component(&p, &component)) > 0) {
                if (n == 1 && component[0] == '.')
                        continue;
                *d++ = '/';
                memmove(d, component, n);
                d += n;
        }
        if (d == path)
                *d++ = '/';
        *d = 0;
}

/* Checks and normalizes one path of a mount spec; `what` names it in the message. */
static int check_mount_path(enum custom_mount_type type, const char *spec, const char *what,
                            char *path, bool is_target) {
        const char *problem = NULL;

        if (path[0] != '/')
                problem = "an absolute path";
        else if (path_has_dot_dot(path))
                problem = "a path without \"..\"";
        else {
                path_normalize(path);
                if (is_target && streq(path, "/"))
                        problem = "below \"/\", not the container's root itself";
        }
        if (problem) {
                log_error("Invalid %s= value \"%s\": the %s must be %s, as in %s.",
                          mount_options[type].option, spec, what, problem, mount_options[type].example);
                return -EINVAL;
        }
        return 0;
}

static bool word_is(const char *word, size_t n, const char *literal) {
        return n == strlen(literal) && strncmp(word, literal, n) == 0;
}

/* A comma list of rbind, norbind, idmap and noidmap; the last of each pair wins. */
static int parse_bind_flags(enum custom_mount_type type, const char *spec, const char *flags,
                            bool *recursive, bool *idmap) {
        if (!*flags)
                return 0;
        for (;;) {
                size_t n = strcspn(flags, ",");

                if (word_is(flags, n, "rbind"))
                        *recursive = true;
                else if (word_is(flags, n, "norbind"))
                        *recursive = false;
                else if (word_is(flags, n, "idmap"))
                        *idmap = true;
                else if (word_is(flags, n, "noidmap"))
                        *idmap = false;
                else {
                        log_error("Invalid %s= value \"%s\": unknown option \"%.*s\"; use rbind, "
                                  "norbind, idmap or noidmap, as in %s:norbind.", mount_options[type].option, spec,
                                  (int) n, flags, mount_options[type].example);
                        return -EINVAL;
                }
                if (!flags[n])
                        return 0;
                flags += n + 1;
        }
}

static struct custom_mount *mount_add(struct config *c) {
        struct custom_mount *m = reallocarray(c->mounts, c->n_mounts + 1, sizeof *m);

        if (!m)
                return NULL;
        c->mounts = m;
        m += c->n_mounts++;
        *m = (struct custom_mount) {};
        return m;
}

/* SRC[:DST[:OPTIONS]]; an empty DST means SRC, so that "SRC::norbind" needs no repetition. */
static int parse_bind(struct config *c, enum custom_mount_type type, const char *spec) {
        _cleanup_free_ char *source = NULL, *target = NULL, *flags = NULL;
        const char *p = spec;
        struct custom_mount *m;
        bool recursive = true, idmap = false;
        int r;

        r = next_field(&p, &source);
        if (r >= 0 && p)
                r = next_field(&p, &target);
        if (r >= 0 && p)
                r = next_field(&p, &flags);
        if (r < 0)
                return r;
        if (p) {
                log_error("Invalid %s= value \"%s\": too many ':'; write a ':' inside a path as \"\\:\", "
                          "as in %s.", mount_options[type].option, spec, mount_options[type].example);
                return -EINVAL;
        }

        r = check_mount_path(type, spec, "source", source, false);
        if (r < 0)
                return r;
        if (!target || !*target) {
                free(target);
                target = strdup(source);
                if (!target)
                        return -ENOMEM;
        }
        r = check_mount_path(type, spec, "destination", target, true);
        if (r >= 0 && flags)
                r = parse_bind_flags(type, spec, flags, &recursive, &idmap);
        if (r < 0)
                return r;

        m = mount_add(c);
        if (!m)
                return -ENOMEM;
        m->type = type;
        m->source = TAKE_PTR(source);
        m->target = TAKE_PTR(target);
        m->recursive = recursive;
        m->idmap = idmap;
        return 0;
}

/* PATH[:OPTIONS]; the options go to the kernel as given, colons and all. */
static int parse_tmpfs(struct config *c, const char *spec) {
        _cleanup_free_ char *target = NULL, *options = NULL;
        const char *p = spec;
        struct custom_mount *m;
        int r;

        r = next_field(&p, &target);
        if (r < 0)
                return r;
        r = check_mount_path(CUSTOM_MOUNT_TMPFS, spec, "mount point", target, true);
        if (r < 0)
                return r;
        if (p && string_has_control_chars(p))
                return log_bad_value("--tmpfs", spec, "the options must not contain control characters",
                                     mount_options[CUSTOM_MOUNT_TMPFS].example);
        options = strdup(p && *p ? p : "mode=0755");
        if (!options)
                return -ENOMEM;

        m = mount_add(c);
        if (!m)
                return -ENOMEM;
        m->type = CUSTOM_MOUNT_TMPFS;
        m->target = TAKE_PTR(target);
        m->options = TAKE_PTR(options);
        return 0;
}

/* The index of `word` in a table of names, or -EINVAL. */
static int word_lookup(const char *const *table, size_t n, const char *word) {
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], word))
                        return (int) i;
        return -EINVAL;
}

static int parse_console(struct config *c, const char *arg) {
        int i = word_lookup(console_modes, ELEMENTSOF(console_modes), arg);

        if (i < 0)
                return log_bad_value("--console", arg, "use interactive, read-only, passive or pipe",
                                     "--console=read-only");
        c->console = (enum console_mode) i;
        return 0;
}

static int parse_private_users(struct config *c, const char *arg) {
        const char *problem;

        if (private_users_parse(arg, &c->private_users, &problem) < 0)
                return log_bad_value("--private-users", arg, problem, "--private-users=1879048192:65536");
        return 0;
}

static int parse_private_users_ownership(struct config *c, const char *arg) {
        int i = word_lookup(ownership_modes, ELEMENTSOF(ownership_modes), arg);

        if (i < 0)
                return log_bad_value("--private-users-ownership", arg, "use auto, map, chown or off",
                                     "--private-users-ownership=chown");
        c->private_users_ownership = (enum private_users_ownership) i;
        return 0;
}

static int parse_kill_signal(struct config *c, const char *arg) {
        int sig = signal_from_string(arg);

        if (sig < 0)
                return log_bad_value("--kill-signal", arg, "give a signal name or number",
                                     "--kill-signal=SIGRTMIN+3");
        c->kill_signal = sig;
        return 0;
}

static int parse_uuid(struct config *c, const char *arg) {
        static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
        char uuid[sizeof pattern];
        size_t i;

        for (i = 0; arg[i] && i < sizeof pattern - 1; i++) {
                bool hex = isxdigit((unsigned char) arg[i]);
                if (pattern[i] == 'x' ? !hex : arg[i] != '-')
                        break;
                uuid[i] = (char) tolower((unsigned char) arg[i]);
        }
        if (i != sizeof pattern - 1 || arg[i] || strspn(arg, "0-") == sizeof pattern - 1)
                return log_bad_value("--uuid", arg, "give a non-zero UUID of 32 hexadecimal digits in "
                                     "the 8-4-4-4-12 form", "--uuid=0f3b5c2a-6d1e-4f7a-9b8c-2e4d6f8a0b1c");
        uuid[i] = 0;
        return set_string(&c->uuid, uuid);
}

static int parse_init(struct config *c, enum verb verb, const char *arg) {
        if (verb != VERB_BOOT) {
                log_error("--init= is an option of \"syscon boot\"; \"syscon run\" always runs "
                          "syscon-init as PID 1 and your command as PID 2.");
                return -EINVAL;
        }
        if (arg[0] != '/')
                return log_bad_value("--init", arg, "give the absolute path of the init inside the tree",
                                     "--init=/sbin/init");
        return set_string(&c->init, arg);
}

/* One option as getopt_long() returned it; 1 for --help. */
static int parse_one(struct config *c, enum verb verb, int opt, char *argv[]) {
        const char *arg = optarg;

        switch (opt) {
        case 'h':
                options_help(verb);
                return 1;
        case 'D':
                if (!*arg)
                        return log_bad_value("--directory", arg, "give the path of the container's tree",
                                             "--directory=/var/lib/machines/web");
                return set_string(&c->rootfs, arg);
        case 'M':
                if (!machine_name_is_valid(arg))
                        return log_bad_value("--machine", arg, NAME_RULES, "--machine=web-1");
                return set_string(&c->machine, arg);
        case ARG_HOSTNAME:
                if (!hostname_is_valid(arg))
                        return log_bad_value("--hostname", arg, NAME_RULES, "--hostname=web.example.com");
                return set_string(&c->hostname, arg);
        case 'E':
                return parse_setenv(c, arg);
        case ARG_CHDIR:
                if (arg[0] != '/')
                        return log_bad_value("--chdir", arg, "the working directory must be an absolute path",
                                             "--chdir=/srv");
                return set_string(&c->working_directory, arg);
        case 'u':
                if (!user_is_valid(arg))
                        return log_bad_value("--user", arg, "give a user name or UID without ':', '/', "
                                             "spaces or control characters", "--user=daemon");
                return set_string(&c->user, arg);
        case ARG_BIND:
                return parse_bind(c, CUSTOM_MOUNT_BIND, arg);
        case ARG_BIND_RO:
                return parse_bind(c, CUSTOM_MOUNT_BIND_READ_ONLY, arg);
        case ARG_TMPFS:
                return parse_tmpfs(c, arg);
        case ARG_READ_ONLY:
                c->read_only = true;
                return 0;
        case 'n':
                return network_option_parse(&c->network, NETWORK_OPTION_VETH, arg);
        case ARG_CONSOLE:
                return parse_console(c, arg);
        case 'P':
                c->console = CONSOLE_PIPE;
                return 0;
        case ARG_KILL_SIGNAL:
                return parse_kill_signal(c, arg);
        case ARG_PROPERTY:
                return cgroup_property_parse(&c->properties, arg);
        case 'q':
                c->quiet = true;
                return 0;
        case ARG_INIT:
                return parse_init(c, verb, arg);
        case ARG_UUID:
                return parse_uuid(c, arg);
        case ARG_PRIVATE_USERS:
                return parse_private_users(c, arg);
        case 'U':
                c->private_users = (struct private_users) { .mode = PRIVATE_USERS_PICK };
                return 0;
        case ARG_PRIVATE_USERS_OWNERSHIP:
                return parse_private_users_ownership(c, arg);
        case ARG_NETWORK_FIRST ... ARG_NETWORK_FIRST + _NETWORK_OPTION_MAX - 1:
                return network_option_parse(&c->network, opt - ARG_NETWORK_FIRST, arg);
        case ARG_SECURITY_FIRST ... ARG_SECURITY_LAST:
                return options_security_parse(c, opt, arg);
        default: /* '?' or ':' */
                return log_getopt_error(verb, opt, argv);
        }
}

static int copy_command(struct config *c, char *argv[], size_t n) {
        _cleanup_(strv_freep) char **l = calloc(n + 1, sizeof(char *));

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                l[i] = strdup(argv[i]);
                if (!l[i])
                        return -ENOMEM;
        }
        strv_free(c->argv);
        c->argv = TAKE_PTR(l);
        c->argc = n;
        return 0;
}

/* ROOTFS (unless -D named the tree), an optional "--", then the command. */
static int parse_positionals(struct config *c, enum verb verb, int argc, char *argv[]) {
        int i = optind, r;

        if (!c->rootfs) {
                if (i >= argc || !*argv[i]) {
                        log_error("Missing ROOTFS: give the directory of the container's tree, as in "
                                  "\"syscon %s /var/lib/machines/web\", or --directory=PATH.",
                                  verb_to_string(verb));
                        return -EINVAL;
                }
                r = set_string(&c->rootfs, argv[i++]);
                if (r < 0)
                        return r;
                if (i < argc && streq(argv[i], "--"))
                        i++;
        }
        return copy_command(c, argv + i, (size_t) (argc - i));
}

static int parse_argv(struct config *c, enum verb verb, int argc, char *argv[]) {
        int opt, r;

        /* 0 rather than 1 makes glibc reinitialize, so that we can be called more than once. */
        optind = 0;
        while ((opt = getopt_long(argc, argv, SHORT_OPTIONS, long_options, NULL)) >= 0) {
                r = parse_one(c, verb, opt, argv);
                if (r != 0)
                        return r;
        }
        r = network_options_verify(&c->network);
        if (r < 0)
                return r;
        return parse_positionals(c, verb, argc, argv);
}

int options_parse(enum verb verb, int argc, char *argv[], struct config *ret) {
        int r;

        ret->verb = verb;
        r = parse_argv(ret, verb, argc, argv);
        if (r == 0)
                r = options_security_finish(ret);
        if (r == -ENOMEM)
                return log_error_errno(r, "Failed to parse the command line: %m");
        return r;
}

void config_done(struct config *c) {
        free(c->rootfs);
        free(c->machine);
        free(c->hostname);
        strv_free(c->setenv);
        free(c->working_directory);
        free(c->user);
        free(c->init);
        free(c->uuid);
        for (size_t i = 0; i < c->n_mounts; i++) {
                free(c->mounts[i].source);
                free(c->mounts[i].target);
                free(c->mounts[i].options);
        }
        free(c->mounts);
        network_config_done(&c->network);
        security_settings_done(&c->security);
        strv_free(c->argv);
        *c = (struct config) {};
}

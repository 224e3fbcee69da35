/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscon-test-helper: the payload the integration suite runs inside containers. Each subcommand
 * observes one thing and prints it as `key=value` lines (several pairs on one line are separated by
 * single spaces; values never contain spaces: paths are printed as the kernel escapes them in
 * mountinfo, with \040 for a space), so the tests assert on what the kernel says, not on what a
 * shell in the tree happens to print.
 *
 * Static, with no allocations of its own: it runs in trees with no libc of their own, and as PID 2 of a
 * container that the tests are auditing, it must not open or inherit anything by itself. All output
 * goes straight to fd 1 with dprintf, so nothing is buffered across fork() or lost on _exit().
 *
 * Exit status: 0 when the observation was made (whatever it showed), the given code for `exit`
 * and `wait-signal`, 1 for a failed `write-file`, 2 for a usage error, 3 when the observation
 * itself failed (for example /proc is not mounted).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper-cgroup.h"
#include "helper-net.h"
#include "helper-sec.h"
#include "helper-trace.h"
#include "helper-userns.h"
#include "helper.h"

#define MAX_ENTRIES 1024

extern char **environ;

static const char *program = "syscon-test-helper";

const char *errno_name(int e) {
        const char *n = strerrorname_np(e);
        return n ? n : "EUNKNOWN";
}

int fail(const char *what, int e) {
        dprintf(2, "%s: %s: %s (%s)\n", program, what, strerror(e), errno_name(e));
        return EXIT_OBSERVATION_FAILED;
}

static int usage(void) {
        dprintf(2,
                "usage: %s SUBCOMMAND [ARGS...]\n"
                "  pid | pid1-exe | pids | zombies | env | fds [PID] | mounts | hostname | uid | cwd\n"
                "  netdevs | signals | ls DIR | statvfs PATH | readlink PATH | try-open PATH r|w|rw\n"
                "  write-file PATH [TEXT] | cat | sleep SECONDS | exit N | kill-self SIG\n"
                "  orphans N [WAIT_MS] | wait-signal [EXIT [SIG-TO-PID1]] | ignore-signal SIG\n"
                "  caps [PID] | try-syscall [--abi=native|i386|x32] PROBE...\n"
                "  memhog STEP_MB MAX_MB | forks HOLD_MS | busy SECONDS | affinity | cgroup\n"
                "  idmap | stat PATH | mknod-block PATH | setgroups GID\n"
                "  trace-exit PID HOLD_MS (on the host)\n"
                "  tcp-serve ADDR PORT | tcp-send ADDR PORT TEXT | ifaddrs | routes\n",
                program);
        return EXIT_USAGE;
}

static bool parse_int(const char *s, long min, long max, long *ret) {
        char *end;
        long v;

        if (!s || !*s)
                return false;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || *end != '\0' || v < min || v > max)
                return false;
        *ret = v;
        return true;
}

static const struct {
        const char *name;
        int sig;
} signal_names[] = {
        { "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
        { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM }, { "ABRT", SIGABRT },
        { "SEGV", SIGSEGV }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "WINCH", SIGWINCH },
};

static int parse_signal(const char *s) {
        long v;

        if (parse_int(s, 1, NSIG - 1, &v))
                return (int) v;
        if (strncmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
                if (strcmp(s, signal_names[i].name) == 0)
                        return signal_names[i].sig;
        return -1;
}

static void sleep_ms(long ms) {
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

ssize_t read_file(const char *path, char *buf, size_t size) {
        size_t n = 0;
        int fd;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        while (n + 1 < size) {
                ssize_t k = read(fd, buf + n, size - 1 - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        int e = errno;
                        close(fd);
                        return -e;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        close(fd);
        buf[n] = '\0';
        return (ssize_t) n;
}

static bool write_all(int fd, const char *p, size_t n) {
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return false;
                }
                p += k;
                n -= (size_t) k;
        }
        return true;
}

/* Every value printed must be a single token: spaces, tabs, newlines and backslashes are escaped
 * the way mountinfo does it. */
static void print_escaped(const char *prefix, const char *s, const char *suffix) {
        char out[4 * 4096 + 1];
        size_t n = 0;

        for (; *s && n + 5 < sizeof(out); s++) {
                unsigned char c = (unsigned char) *s;
                if (c == ' ' || c == '\t' || c == '\n' || c == '\\' || !isprint(c))
                        n += (size_t) snprintf(out + n, sizeof(out) - n, "\\%03o", c);
                else
                        out[n++] = (char) c;
        }
        out[n] = '\0';
        dprintf(1, "%s%s%s", prefix, out, suffix);
}

static bool is_pid_name(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (!isdigit((unsigned char) *s))
                        return false;
        return true;
}

/* Reads "State:" and "PPid:" from /proc/PID/status and the name from /proc/PID/comm. */
static int proc_info(const char *pid, char *state, long *ppid, char *comm, size_t comm_size) {
        char path[64], buf[4096];
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/%s/status", pid);
        n = read_file(path, buf, sizeof(buf));
        if (n < 0)
                return (int) n;
        *state = '?';
        *ppid = -1;
        for (char *line = buf; line && *line;) {
                char *next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strncmp(line, "State:", 6) == 0) {
                        char *p = line + 6;
                        while (*p == ' ' || *p == '\t')
                                p++;
                        *state = *p;
                } else if (strncmp(line, "PPid:", 5) == 0)
                        *ppid = strtol(line + 5, NULL, 10);
                line = next;
        }

        snprintf(path, sizeof(path), "/proc/%s/comm", pid);
        n = read_file(path, comm, comm_size);
        if (n < 0)
                comm[0] = '\0';
        else if (n > 0 && comm[n - 1] == '\n')
                comm[n - 1] = '\0';
        return 0;
}

/* Walks /proc, printing every process (when print is set), and returns how many are zombies. */
static int scan_processes(bool print, pid_t except, int *zombies, int *total) {
        DIR *d;
        struct dirent *de;

        *zombies = *total = 0;
        d = opendir("/proc");
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                char state, comm[64];
                long ppid;

                if (!is_pid_name(de->d_name) || atol(de->d_name) == except)
                        continue;
                if (proc_info(de->d_name, &state, &ppid, comm, sizeof(comm)) < 0)
                        continue; /* exited meanwhile */
                (*total)++;
                if (state == 'Z')
                        (*zombies)++;
                if (print) {
                        dprintf(1, "pid=%s ppid=%ld state=%c ", de->d_name, ppid, state);
                        print_escaped("comm=", comm, "\n");
                }
        }
        closedir(d);
        return 0;
}

static int cmd_pid(void) {
        dprintf(1, "pid=%d\nppid=%d\n", (int) getpid(), (int) getppid());
        return 0;
}

/* CVE-2019-5736: a container that can open its runtime's binary for writing through
 * /proc/PID/exe can overwrite it on the host. The write attempt is non-destructive: if the open
 * succeeds, the first byte is read and written back unchanged. */
static int cmd_pid1_exe(void) {
        char target[4096];
        struct stat st;
        ssize_t n;
        bool writable = false;
        int fd;

        n = readlink("/proc/1/exe", target, sizeof(target) - 1);
        if (n < 0)
                return fail("readlink /proc/1/exe", errno);
        target[n] = '\0';
        print_escaped("exe=", target, "\n");

        if (stat("/proc/1/exe", &st) < 0)
                return fail("stat /proc/1/exe", errno);
        dprintf(1, "dev=%llu ino=%llu nlink=%llu\n", (unsigned long long) st.st_dev,
                (unsigned long long) st.st_ino, (unsigned long long) st.st_nlink);

        static const struct {
                const char *name;
                int flags;
        } modes[] = { { "wronly", O_WRONLY }, { "rdwr", O_RDWR } };
        for (size_t i = 0; i < 2; i++) {
                fd = open("/proc/1/exe", modes[i].flags | O_CLOEXEC);
                if (fd < 0) {
                        dprintf(1, "open_%s=%s\n", modes[i].name, errno_name(errno));
                        continue;
                }
                dprintf(1, "open_%s=ok\n", modes[i].name);
                char byte = 0x7f; /* ELF magic: what the first byte must already be */
                if (modes[i].flags == O_RDWR && pread(fd, &byte, 1, 0) != 1)
                        byte = 0x7f;
                if (pwrite(fd, &byte, 1, 0) == 1) {
                        dprintf(1, "write_%s=ok\n", modes[i].name);
                        writable = true;
                } else
                        dprintf(1, "write_%s=%s\n", modes[i].name, errno_name(errno));
                close(fd);
        }
        dprintf(1, "writable=%s\n", writable ? "yes" : "no");
        return 0;
}

static int cmd_pids(void) {
        int zombies, total, r;

        r = scan_processes(true, 0, &zombies, &total);
        if (r < 0)
                return fail("opendir /proc", -r);
        dprintf(1, "total=%d\nzombies=%d\n", total, zombies);
        return 0;
}

static int cmd_zombies(void) {
        int zombies, total, r;

        r = scan_processes(false, 0, &zombies, &total);
        if (r < 0)
                return fail("opendir /proc", -r);
        dprintf(1, "zombies=%d\n", zombies);
        return 0;
}

static int cmd_env(void) {
        for (char **e = environ; e && *e; e++)
                dprintf(1, "%s\n", *e);
        return 0;
}

static const char *type_name(mode_t m) {
        switch (m & S_IFMT) {
        case S_IFREG: return "reg";
        case S_IFDIR: return "dir";
        case S_IFCHR: return "chr";
        case S_IFBLK: return "blk";
        case S_IFIFO: return "fifo";
        case S_IFSOCK: return "sock";
        case S_IFLNK: return "lnk";
        default: return "anon";
        }
}

/* Lists the open fds of PID (default: this process), leaving out the one used for the listing. */
static int cmd_fds(const char *pid) {
        char dir[64];
        DIR *d;
        struct dirent *de;
        int own;

        bool self = !pid || strcmp(pid, "self") == 0;

        snprintf(dir, sizeof(dir), "/proc/%s/fd", self ? "self" : pid);
        d = opendir(dir);
        if (!d)
                return fail(dir, errno);
        own = self ? dirfd(d) : -1;
        while ((de = readdir(d))) {
                char path[384], target[4096];
                struct stat st;
                ssize_t n;

                if (!is_pid_name(de->d_name) || atoi(de->d_name) == own)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                n = readlink(path, target, sizeof(target) - 1);
                if (n < 0)
                        continue;
                target[n] = '\0';
                dprintf(1, "fd=%s type=%s ", de->d_name,
                        stat(path, &st) < 0 ? "anon" : type_name(st.st_mode));
                print_escaped("target=", target, "\n");
        }
        closedir(d);
        return 0;
}

/* mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS; the
 * kernel already escapes spaces in paths, so the fields are copied as they are. */
static int cmd_mounts(void) {
        static char buf[1 << 20];
        ssize_t n;

        n = read_file("/proc/self/mountinfo", buf, sizeof(buf));
        if (n < 0)
                return fail("read /proc/self/mountinfo", (int) -n);
        for (char *line = buf; line && *line;) {
                char *next = strchr(line, '\n'), *field[32], *save = NULL;
                int nf = 0, dash = -1;

                if (next)
                        *next++ = '\0';
                for (char *t = strtok_r(line, " ", &save); t && nf < 32; t = strtok_r(NULL, " ", &save)) {
                        if (dash < 0 && strcmp(t, "-") == 0)
                                dash = nf;
                        field[nf++] = t;
                }
                if (dash >= 6 && nf >= dash + 4)
                        dprintf(1, "path=%s fstype=%s source=%s opts=%s sopts=%s root=%s dev=%s\n",
                                field[4], field[dash + 1], field[dash + 2], field[5], field[dash + 3],
                                field[3], field[2]);
                line = next;
        }
        return 0;
}

static int cmd_hostname(void) {
        struct utsname u;

        if (uname(&u) < 0)
                return fail("uname", errno);
        print_escaped("hostname=", u.nodename, "\n");
        print_escaped("domainname=", u.domainname, "\n");
        return 0;
}

static int cmd_uid(void) {
        gid_t groups[256];
        int n;

        dprintf(1, "uid=%u\neuid=%u\ngid=%u\negid=%u\n", (unsigned) getuid(), (unsigned) geteuid(),
                (unsigned) getgid(), (unsigned) getegid());
        n = getgroups(256, groups);
        if (n < 0)
                return fail("getgroups", errno);
        dprintf(1, "groups=");
        for (int i = 0; i < n; i++)
                dprintf(1, "%s%u", i ? "," : "", (unsigned) groups[i]);
        dprintf(1, "\n");
        return 0;
}

static int cmd_cwd(void) {
        char buf[4096];

        if (!getcwd(buf, sizeof(buf)))
                return fail("getcwd", errno);
        print_escaped("cwd=", buf, "\n");
        return 0;
}

/* Asks the kernel (netlink, via if_nameindex) rather than /sys, so the answer is the network
 * namespace's even if /sys were the host's. */
static int cmd_netdevs(void) {
        struct if_nameindex *ifs, *i;
        int sock;

        sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0)
                return fail("socket", errno);
        ifs = if_nameindex();
        if (!ifs) {
                int e = errno;
                close(sock);
                return fail("if_nameindex", e);
        }
        for (i = ifs; i->if_index != 0; i++) {
                struct ifreq ifr = {};

                snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
                if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
                        dprintf(1, "netdev=%s index=%u up=unknown\n", i->if_name, i->if_index);
                else
                        dprintf(1, "netdev=%s index=%u up=%d\n", i->if_name, i->if_index,
                                (ifr.ifr_flags & IFF_UP) ? 1 : 0);
        }
        if_freenameindex(ifs);
        close(sock);
        return 0;
}

/* What the command inherits: blocked and ignored signals should both be empty. */
static int cmd_signals(void) {
        char buf[4096];
        ssize_t n;

        n = read_file("/proc/self/status", buf, sizeof(buf));
        if (n < 0)
                return fail("read /proc/self/status", (int) -n);
        for (char *line = buf; line && *line;) {
                char *next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strncmp(line, "SigBlk:", 7) == 0 || strncmp(line, "SigIgn:", 7) == 0) {
                        char *v = line + 7;
                        while (*v == ' ' || *v == '\t')
                                v++;
                        dprintf(1, "%s=%s\n", strncmp(line, "SigBlk", 6) == 0 ? "blocked" : "ignored", v);
                }
                line = next;
        }
        return 0;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Lists a directory sorted by name, with type, mode and device numbers. */
static int cmd_ls(const char *path) {
        static char names[MAX_ENTRIES][256];
        static char *sorted[MAX_ENTRIES];
        DIR *d;
        struct dirent *de;
        size_t n = 0;

        d = opendir(path);
        if (!d)
                return fail(path, errno);
        while ((de = readdir(d)) && n < MAX_ENTRIES) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                snprintf(names[n], sizeof(names[n]), "%s", de->d_name);
                sorted[n] = names[n];
                n++;
        }
        qsort(sorted, n, sizeof(sorted[0]), compare_names);
        for (size_t i = 0; i < n; i++) {
                struct stat st;

                if (fstatat(dirfd(d), sorted[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        print_escaped("name=", sorted[i], " type=gone\n");
                        continue;
                }
                print_escaped("name=", sorted[i], "");
                dprintf(1, " type=%s mode=%04o", type_name(st.st_mode), (unsigned) (st.st_mode & 07777));
                if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
                        dprintf(1, " dev=%u:%u", major(st.st_rdev), minor(st.st_rdev));
                if (S_ISLNK(st.st_mode)) {
                        char target[4096];
                        ssize_t k = readlinkat(dirfd(d), sorted[i], target, sizeof(target) - 1);
                        if (k >= 0) {
                                target[k] = '\0';
                                print_escaped(" target=", target, "");
                        }
                }
                dprintf(1, "\n");
        }
        closedir(d);
        return 0;
}

static int cmd_statvfs(const char *path) {
        struct statvfs s;

        if (statvfs(path, &s) < 0) {
                dprintf(1, "statvfs=%s\n", errno_name(errno));
                return 0;
        }
        dprintf(1, "statvfs=ok\nrdonly=%d\nnosuid=%d\nnodev=%d\nnoexec=%d\n",
                !!(s.f_flag & ST_RDONLY), !!(s.f_flag & ST_NOSUID), !!(s.f_flag & ST_NODEV),
                !!(s.f_flag & ST_NOEXEC));
        return 0;
}

static int cmd_readlink(const char *path) {
        char target[4096];
        ssize_t n;

        n = readlink(path, target, sizeof(target) - 1);
        if (n < 0) {
                dprintf(1, "readlink=%s\n", errno_name(errno));
                return 0;
        }
        target[n] = '\0';
        print_escaped("target=", target, "\n");
        return 0;
}

/* Prints open=ok|ERRNO and, for a successful read-mode open, how many bytes one read returns
 * (read=N, at most 64 KiB) or read=ERRNO. */
static int cmd_try_open(const char *path, const char *mode) {
        static char buf[65536];
        int flags, fd;

        if (strcmp(mode, "r") == 0)
                flags = O_RDONLY;
        else if (strcmp(mode, "w") == 0)
                flags = O_WRONLY;
        else if (strcmp(mode, "rw") == 0)
                flags = O_RDWR;
        else
                return usage();

        fd = open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                dprintf(1, "open=%s\n", errno_name(errno));
                return 0;
        }
        dprintf(1, "open=ok\n");
        if (flags != O_WRONLY) {
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n < 0)
                        dprintf(1, "read=%s\n", errno_name(errno));
                else
                        dprintf(1, "read=%zd\n", n);
        }
        close(fd);
        return 0;
}

static int cmd_write_file(const char *path, const char *text) {
        int fd;

        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
                dprintf(1, "write=%s\n", errno_name(errno));
                return 1;
        }
        if (!write_all(fd, text, strlen(text)) || close(fd) < 0) {
                dprintf(1, "write=%s\n", errno_name(errno));
                return 1;
        }
        dprintf(1, "write=ok\n");
        return 0;
}

static int cmd_cat(void) {
        static char buf[65536];

        for (;;) {
                ssize_t n = read(0, buf, sizeof(buf));
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return fail("read stdin", errno);
                }
                if (n == 0)
                        return 0;
                if (!write_all(1, buf, (size_t) n))
                        return fail("write stdout", errno);
        }
}

static int cmd_kill_self(const char *arg) {
        int sig = parse_signal(arg);
        sigset_t set;

        if (sig < 0)
                return usage();
        signal(sig, SIG_DFL);
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        kill(getpid(), sig);
        for (;;)
                pause(); /* a stopping signal lands here; the test decides what to do with it */
}

/* Creates N grandchildren whose parent exits at once, so they are reparented to the nearest
 * reaper (PID 1 of the container). Each reports over a pipe whether its parent became PID 1, then
 * exits; the helper then waits up to WAIT_MS for every zombie in /proc to be reaped. */
static int cmd_orphans(const char *count, const char *wait_ms) {
        long n, wait = 5000, reparented = 0, reports = 0;
        int pipefd[2], zombies = -1, total = 0;
        char c;

        if (!parse_int(count, 1, 10000, &n) || (wait_ms && !parse_int(wait_ms, 0, 600000, &wait)))
                return usage();
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return fail("pipe", errno);

        for (long i = 0; i < n; i++) {
                pid_t child = fork();
                if (child < 0)
                        return fail("fork", errno);
                if (child == 0) {
                        close(pipefd[0]);
                        pid_t grandchild = fork();
                        if (grandchild < 0)
                                _exit(1);
                        if (grandchild == 0) {
                                bool ok = false;
                                for (int tries = 0; tries < 2000 && !ok; tries++) {
                                        ok = getppid() == 1;
                                        if (!ok)
                                                sleep_ms(1);
                                }
                                c = ok ? 'R' : 'N';
                                (void) write(pipefd[1], &c, 1);
                                _exit(0);
                        }
                        _exit(0);
                }
                while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        close(pipefd[1]);
        for (;;) {
                ssize_t k = read(pipefd[0], &c, 1);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                reports++;
                if (c == 'R')
                        reparented++;
        }
        close(pipefd[0]);

        /* EOF on the pipe means every grandchild has closed its end, i.e. is exiting; give PID 1
         * until the deadline to reap them all. An orphan still on its way out is neither a zombie
         * nor gone yet: done means no zombie and only PID 1 left. */
        for (long waited = 0;; waited += 10) {
                if (scan_processes(false, getpid(), &zombies, &total) < 0)
                        return fail("opendir /proc", errno);
                if ((zombies == 0 && total == 1) || waited >= wait)
                        break;
                sleep_ms(10);
        }
        dprintf(1, "orphans=%ld\nreports=%ld\nreparented=%ld\nzombies=%d\nothers=%d\n", n, reports,
                reparented, zombies, total);
        return 0;
}

/* Blocks every catchable signal, says so, and prints the first one that arrives. With POKE, first
 * sends that signal to PID 1 (which should forward it back). */
static int cmd_wait_signal(const char *code, const char *poke) {
        long status = 0;
        sigset_t all;
        siginfo_t info;
        int sig, poke_sig = 0;

        if (code && !parse_int(code, 0, 255, &status))
                return usage();
        if (poke && (poke_sig = parse_signal(poke)) < 0)
                return usage();
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        dprintf(1, "ready=1\n");
        if (poke_sig > 0 && kill(1, poke_sig) < 0)
                return fail("kill(1)", errno);
        do
                sig = sigwaitinfo(&all, &info);
        while (sig < 0 && errno == EINTR);
        if (sig < 0)
                return fail("sigwaitinfo", errno);
        dprintf(1, "signal=%d\nsender_pid=%d\n", sig, (int) info.si_pid);
        return (int) status;
}

/* Ignores SIG, says so, and sleeps until something it does not ignore ends it. */
static int cmd_ignore_signal(const char *arg) {
        int sig = parse_signal(arg);

        if (sig < 0)
                return usage();
        signal(sig, SIG_IGN);
        dprintf(1, "ready=1\n");
        for (;;)
                pause();
}

static int cmd_sleep(const char *arg) {
        char *end;
        double s;

        errno = 0;
        s = strtod(arg, &end);
        if (errno != 0 || *end != '\0' || s < 0 || s > 86400)
                return usage();
        sleep_ms((long) (s * 1000));
        return 0;
}

int main(int argc, char *argv[]) {
        const char *cmd = argc > 1 ? argv[1] : NULL;
        const char *a1 = argc > 2 ? argv[2] : NULL, *a2 = argc > 3 ? argv[3] : NULL;
        long v, w;

        if (argv[0] && *argv[0])
                program = argv[0];
        if (!cmd)
                return usage();

        if (strcmp(cmd, "pid") == 0)
                return cmd_pid();
        if (strcmp(cmd, "pid1-exe") == 0)
                return cmd_pid1_exe();
        if (strcmp(cmd, "pids") == 0)
                return cmd_pids();
        if (strcmp(cmd, "zombies") == 0)
                return cmd_zombies();
        if (strcmp(cmd, "env") == 0)
                return cmd_env();
        if (strcmp(cmd, "fds") == 0)
                return cmd_fds(a1);
        if (strcmp(cmd, "mounts") == 0)
                return cmd_mounts();
        if (strcmp(cmd, "hostname") == 0)
                return cmd_hostname();
        if (strcmp(cmd, "uid") == 0)
                return cmd_uid();
        if (strcmp(cmd, "cwd") == 0)
                return cmd_cwd();
        if (strcmp(cmd, "netdevs") == 0)
                return cmd_netdevs();
        if (strcmp(cmd, "signals") == 0)
                return cmd_signals();
        if (strcmp(cmd, "cat") == 0)
                return cmd_cat();
        if (strcmp(cmd, "ls") == 0 && a1)
                return cmd_ls(a1);
        if (strcmp(cmd, "statvfs") == 0 && a1)
                return cmd_statvfs(a1);
        if (strcmp(cmd, "readlink") == 0 && a1)
                return cmd_readlink(a1);
        if (strcmp(cmd, "try-open") == 0 && a1 && a2)
                return cmd_try_open(a1, a2);
        if (strcmp(cmd, "write-file") == 0 && a1)
                return cmd_write_file(a1, a2 ? a2 : "syscon-test\n");
        if (strcmp(cmd, "sleep") == 0 && a1)
                return cmd_sleep(a1);
        if (strcmp(cmd, "exit") == 0 && parse_int(a1, 0, 255, &v))
                return (int) v;
        if (strcmp(cmd, "kill-self") == 0 && a1)
                return cmd_kill_self(a1);
        if (strcmp(cmd, "orphans") == 0 && a1)
                return cmd_orphans(a1, a2);
        if (strcmp(cmd, "wait-signal") == 0)
                return cmd_wait_signal(a1, a2);
        if (strcmp(cmd, "ignore-signal") == 0 && a1)
                return cmd_ignore_signal(a1);
        if (strcmp(cmd, "trace-exit") == 0 && parse_int(a1, 1, INT_MAX, &v) && parse_int(a2, 0, 60000, &w))
                return helper_trace_exit((pid_t) v, w);
        v = helper_sec_main(cmd, argc - 2, argv + 2);
        if (v < 0)
                v = helper_cgroup_main(cmd, argc - 2, argv + 2);
        if (v < 0)
                v = helper_userns_main(cmd, argc - 2, argv + 2);
        if (v < 0)
                v = helper_net_main(cmd, argc - 2, argv + 2);
        if (v >= 0)
                return (int) v;
        return usage();
}

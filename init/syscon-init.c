/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* syscon-init: PID 1 of a `syscon run` container, and what execs a booted container's init.
 *
 *   syscon-init [--uid=UID --gid=GID] [--chdir=DIR] -- COMMAND [ARGS...]
 *   syscon-init --exec -- INIT [ARGS...]
 *
 * Starts COMMAND as PID 2, reaps every process that ends up as its child (orphans re-parent to PID
 * 1), forwards the job-control and termination signals to COMMAND, and when COMMAND exits asks
 * what is left to stop, kills it after a bounded wait and exits with COMMAND's status (128+N after
 * death by signal N). The socket on fd 3 carries the reason back to the supervisor when COMMAND
 * cannot be started; its closing (on execve) tells the supervisor that COMMAND runs.
 *
 * With --exec it becomes INIT in place, as PID 1. The guest's init is never executed by a process
 * whose /proc/self/exe is the host's syscon: an init that is a link to /proc/self/exe, or a script
 * with it as its interpreter, finds this sealed memfd there, not a host file (CVE-2019-5736).
 *
 * Static and self-contained: it runs from a sealed memfd, never from a path in the container. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/exit-status.h"
#include "basic/handshake-wire.h"

/* What is left after COMMAND exits gets this long to stop on SIGTERM before SIGKILL. */
#define STOP_TIMEOUT_MS 5000

static const int forwarded_signals[] = {
        SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

struct options {
        uid_t uid;
        gid_t gid;
        bool set_ids;
        bool exec;
        const char *chdir;
        char **argv;
};

static void report(int step, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(int step, int error, const char *fmt, ...) {
        struct handshake_msg msg = { .step = (uint32_t) step, .error = error };
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg.text, sizeof(msg.text), fmt, ap);
        va_end(ap);
        /* Without the supervisor's socket (syscon-init started by hand) stderr is all there is. */
        if (send(SYSCON_INIT_HANDSHAKE_FD, &msg, sizeof(msg), MSG_NOSIGNAL) < 0)
                fprintf(stderr, "syscon-init: %s: %s\n", msg.text, strerror(error));
}

static int parse_id(const char *s, unsigned long *ret) {
        char *end;

        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || end == s || *end || *s == '-' || v >= UINT32_MAX)
                return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_options(int argc, char **argv, struct options *o) {
        bool have_uid = false, have_gid = false;
        unsigned long v;
        int i;

        for (i = 1; i < argc; i++) {
                const char *a = argv[i];

                if (strcmp(a, "--") == 0) {
                        i++;
                        break;
                }
                if (strncmp(a, "--uid=", 6) == 0 && parse_id(a + 6, &v) == 0) {
                        o->uid = (uid_t) v;
                        have_uid = true;
                } else if (strncmp(a, "--gid=", 6) == 0 && parse_id(a + 6, &v) == 0) {
                        o->gid = (gid_t) v;
                        have_gid = true;
                } else if (strncmp(a, "--chdir=", 8) == 0 && a[8] == '/')
                        o->chdir = a + 8;
                else if (strcmp(a, "--exec") == 0)
                        o->exec = true;
                else {
                        report(HANDSHAKE_ERROR, EINVAL, "syscon-init: bad argument '%s'", a);
                        return -EINVAL;
                }
        }
        if (i >= argc || have_uid != have_gid || (o->exec && (have_uid || o->chdir))) {
                report(HANDSHAKE_ERROR, EINVAL, "syscon-init: usage: syscon-init "
                       "[--uid=UID --gid=GID] [--chdir=DIR] -- COMMAND [ARGS...] | --exec -- INIT [ARGS...]");
                return -EINVAL;
        }
        o->set_ids = have_uid;
        o->argv = argv + i;
        return 0;
}

/* execvp() without its fallbacks: no default PATH other than the environment's, and the error that
 * matters reported (a found-but-not-executable file beats an entry where the name leads nowhere). */
static int exec_command(char **argv) {
        const char *name = argv[0];
        extern char **environ;

        if (strchr(name, '/')) {
                execve(name, argv, environ);
                return -errno;
        }

        const char *path = getenv("PATH");
        if (!path || !*path)
                path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

        int best = -ENOENT;
        for (const char *p = path; ; ) {
                const char *colon = strchrnul(p, ':');
                size_t len = (size_t) (colon - p);
                char file[PATH_MAX];

                if (len > 0 && len + 1 + strlen(name) < sizeof(file)) {
                        memcpy(file, p, len);
                        file[len] = '/';
                        strcpy(file + len + 1, name);
                        execve(file, argv, environ);
                        if (exit_status_from_exec_error(errno) != EXIT_COMMAND_NOT_FOUND)
                                best = -errno;
                }
                if (!*colon)
                        break;
                p = colon + 1;
        }
        return best;
}

static _Noreturn void run_command(const struct options *o, const sigset_t *saved_mask) {
        int r;

        /* The socket must close on COMMAND's execve(): that is how the supervisor learns it ran. */
        (void) fcntl(SYSCON_INIT_HANDSHAKE_FD, F_SETFD, FD_CLOEXEC);
        if (setsid() < 0) {
                report(HANDSHAKE_ERROR, errno, "syscon-init: cannot start a session for %s", o->argv[0]);
                _exit(EXIT_LAUNCHER_ERROR);
        }
        /* The container's console becomes COMMAND's controlling terminal, so ^C reaches it. */
        if (isatty(STDIN_FILENO))
                (void) ioctl(STDIN_FILENO, TIOCSCTTY, 0);

        if (o->set_ids) {
                if (setgroups(0, NULL) < 0 || setgid(o->gid) < 0 || setuid(o->uid) < 0) {
                        report(HANDSHAKE_ERROR, errno, "Cannot switch to uid %u gid %u",
                               (unsigned) o->uid, (unsigned) o->gid);
                        _exit(EXIT_LAUNCHER_ERROR);
                }
        }
        if (o->chdir && chdir(o->chdir) < 0) {
                report(HANDSHAKE_ERROR, errno, "Cannot change to working directory %s in the container",
                       o->chdir);
                _exit(EXIT_LAUNCHER_ERROR);
        }

        for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
                signal(forwarded_signals[i], SIG_DFL);
        sigprocmask(SIG_SETMASK, saved_mask, NULL);

        r = exec_command(o->argv);
        report(HANDSHAKE_EXEC_FAILED, -r, "%s", o->argv[0]);
        _exit(exit_status_from_exec_error(r));
}

static _Noreturn void exec_init(char **argv) {
        extern char **environ;

        /* The socket closes on INIT's execve(): that is how the supervisor learns it runs. */
        (void) fcntl(SYSCON_INIT_HANDSHAKE_FD, F_SETFD, FD_CLOEXEC);
        execve(argv[0], argv, environ);
        int error = errno;
        report(HANDSHAKE_EXEC_FAILED, error, "%s", argv[0]);
        _exit(exit_status_from_exec_error(error));
}

static int status_to_exit(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return EXIT_LAUNCHER_ERROR;
}

/* Reaps every exited child; returns true once COMMAND was among them. */
static bool reap(pid_t command, int *command_status) {
        bool command_exited = false;
        int status;
        pid_t pid;

        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
                if (pid == command) {
                        *command_status = status;
                        command_exited = true;
                }
        return command_exited;
}

static long long now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Everything else in the PID namespace gets SIGTERM and STOP_TIMEOUT_MS to go, then SIGKILL. As PID
 * 1, kill(-1) reaches every process in the namespace but us. */
static void stop_the_rest(int sfd) {
        long long deadline = now_ms() + STOP_TIMEOUT_MS;
        pid_t pid;

        if (kill(-1, SIGTERM) < 0 && errno == ESRCH)
                return;
        for (;;) {
                while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
                        ;
                if (pid < 0 && errno == ECHILD)
                        return;
                long long left = deadline - now_ms();
                if (left <= 0)
                        break;
                struct pollfd p = { .fd = sfd, .events = POLLIN };
                if (poll(&p, 1, (int) left) > 0) {
                        struct signalfd_siginfo si;
                        (void) read(sfd, &si, sizeof(si));
                }
        }
        (void) kill(-1, SIGKILL);
        while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
                ;
}

static int supervise(int sfd, pid_t command) {
        int command_status = 0;

        for (;;) {
                struct signalfd_siginfo si;
                ssize_t n = read(sfd, &si, sizeof(si));

                if (n != (ssize_t) sizeof(si)) {
                        if (n < 0 && errno == EINTR)
                                continue;
                        return EXIT_LAUNCHER_ERROR;
                }
                if (si.ssi_signo == SIGCHLD) {
                        if (reap(command, &command_status))
                                break;
                } else
                        (void) kill(command, (int) si.ssi_signo);
        }

        stop_the_rest(sfd);
        return status_to_exit(command_status);
}

int main(int argc, char **argv) {
        struct options o = {};
        sigset_t mask, saved_mask;
        int sfd;
        pid_t pid;

        /* Everything below assumes a PID namespace of its own: kill(-1) from anywhere else would
         * reach every process the caller may signal. */
        if (getpid() != 1) {
                report(HANDSHAKE_ERROR, EPERM, "syscon-init runs only as PID 1 of a container");
                return EXIT_LAUNCHER_ERROR;
        }
        if (parse_options(argc, argv, &o) < 0)
                return EXIT_LAUNCHER_ERROR;
        if (o.exec)
                exec_init(o.argv);

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
                sigaddset(&mask, forwarded_signals[i]);
        sigprocmask(SIG_BLOCK, &mask, &saved_mask);

        sfd = signalfd(-1, &mask, SFD_CLOEXEC);
        if (sfd < 0) {
                report(HANDSHAKE_ERROR, errno, "syscon-init: cannot create a signalfd");
                return EXIT_LAUNCHER_ERROR;
        }

        pid = fork();
        if (pid < 0) {
                report(HANDSHAKE_ERROR, errno, "syscon-init: cannot fork %s", o.argv[0]);
                return EXIT_LAUNCHER_ERROR;
        }
        if (pid == 0) {
                close(sfd);
                run_command(&o, &saved_mask);
        }

        /* COMMAND holds the last copy of the socket now: its exec closes it and so tells the
         * supervisor that COMMAND runs. */
        close(SYSCON_INIT_HANDSHAKE_FD);
        return supervise(sfd, pid);
}

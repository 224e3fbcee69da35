/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "core/console.h"
#include "basic/log.h"
#include "core/supervisor.h"

static const int stop_signals[] = { SIGTERM, SIGINT };
static const int forwarded_signals[] = { SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

/* timeout(1) and other process managers signal syscon and then its whole process group: two copies
 * of one request, microseconds apart. A copy from the same sender within this is not a second. The
 * group's copy may come without its sender: the kernel clears si_pid for a receiver that cannot see
 * the sender (the container's PID 1 is in the group too) in the one siginfo the whole group shares,
 * so the receivers after it get 0 as well. */
#define STOP_REPEAT_WINDOW_USEC (200 * 1000)

struct supervisor {
        struct container *container;
        int kill_signal;
        unsigned stop_requests;
        struct {
                uint32_t signo;
                uint32_t sender;
                uint64_t usec;
        } last_stop;
        siginfo_t exit_info;
        struct console *console;
};

int supervisor_prepare_signals(void) {
        sigset_t mask;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGWINCH);
        for (size_t i = 0; i < ELEMENTSOF(stop_signals); i++)
                sigaddset(&mask, stop_signals[i]);
        for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
                sigaddset(&mask, forwarded_signals[i]);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(-errno, "Failed to block signals: %m");
        if (sigaction(SIGPIPE, &(struct sigaction) { .sa_handler = SIG_IGN }, NULL) < 0)
                return log_error_errno(-errno, "Failed to ignore SIGPIPE: %m");
        return 0;
}

static bool is_copy_of_last_stop(struct supervisor *sv, sd_event *e, const struct signalfd_siginfo *si) {
        uint64_t now = 0;

        (void) sd_event_now(e, CLOCK_MONOTONIC, &now);
        if (sv->stop_requests > 0 && si->ssi_signo == sv->last_stop.signo &&
            (si->ssi_pid == sv->last_stop.sender || si->ssi_pid == 0) &&
            now - sv->last_stop.usec < STOP_REPEAT_WINDOW_USEC)
                return true;
        sv->last_stop.signo = si->ssi_signo;
        sv->last_stop.sender = si->ssi_pid;
        sv->last_stop.usec = now;
        return false;
}

static int on_stop_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        struct supervisor *sv = userdata;

        if (is_copy_of_last_stop(sv, sd_event_source_get_event(s), si)) {
                log_debug("Signal %u from PID %u again at once: the same stop request.", si->ssi_signo,
                          si->ssi_pid);
                return 0;
        }
        /* The first request asks the container to stop cleanly; a second one insists. */
        int sig = sv->stop_requests++ == 0 ? sv->kill_signal : SIGKILL;
        log_debug("Stop request %u (signal %u from PID %u): sending signal %d to the container.",
                  sv->stop_requests, si->ssi_signo, si->ssi_pid, sig);
        int r = container_signal(sv->container, sig);
        if (r < 0 && r != -ESRCH)
                log_warning_errno(r, "Failed to send signal %d to the container: %m", sig);
        return 0;
}

static int on_forwarded_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        struct supervisor *sv = userdata;

        (void) container_signal(sv->container, (int) si->ssi_signo);
        return 0;
}

static int on_container_exit(sd_event_source *s, int pidfd, uint32_t revents, void *userdata) {
        struct supervisor *sv = userdata;
        siginfo_t si = {};

        /* The pidfd turns readable when PID 1 exits, but if a tracer (strace -p, gdb, a benchmark)
         * holds it, the zombie is the tracer's to reap first and waitid() finds nothing yet; the
         * kernel wakes the pidfd again when the tracer lets go. sd_event_add_child_pidfd() watches
         * one-shot and would miss that second wakeup for good, so watch edge-triggered and check.
         * WNOWAIT leaves the zombie for container_done(). A failure ends the loop (the caller logs
         * it): a handler's error would only disable this source and leave the loop waiting forever. */
        if (waitid(P_PIDFD, (id_t) pidfd, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
                return sd_event_exit(sd_event_source_get_event(s), -errno);
        if (si.si_pid == 0)
                return 0;

        sv->exit_info = si;
        if (sv->console)
                console_drain(sv->console);
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

static void on_escape(void *userdata) {
        struct supervisor *sv = userdata;

        (void) container_signal(sv->container, SIGKILL);
}

static int add_signal_sources(sd_event *e, struct supervisor *sv, bool forward_signals) {
        int r;

        for (size_t i = 0; i < ELEMENTSOF(stop_signals); i++) {
                r = sd_event_add_signal(e, NULL, stop_signals[i], on_stop_signal, sv);
                if (r < 0)
                        return r;
        }
        if (!forward_signals)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++) {
                r = sd_event_add_signal(e, NULL, forwarded_signals[i], on_forwarded_signal, sv);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int setup_loop(sd_event *e, struct supervisor *sv, enum console_mode console, bool forward_signals) {
        struct container *c = sv->container;
        int r;

        r = add_signal_sources(e, sv, forward_signals);
        if (r < 0)
                return log_error_errno(r, "Failed to watch signals: %m");

        r = sd_event_add_io(e, NULL, c->pidfd, EPOLLIN | EPOLLET, on_container_exit, sv);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the container's PID 1: %m");

        if (c->console_master >= 0) {
                r = console_new(e, TAKE_FD(c->console_master), STDIN_FILENO, STDOUT_FILENO, console,
                                on_escape, sv, &sv->console);
                if (r < 0)
                        return log_error_errno(r, "Failed to forward the container's console: %m");
        }
        return 0;
}

int supervisor_run(struct container *c, enum console_mode console, int kill_signal, bool forward_signals,
                   struct supervisor_result *ret) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        struct supervisor sv = {
                .container = c,
                .kill_signal = kill_signal,
        };
        int r;

        r = sd_event_new(&e);
        if (r < 0)
                return log_error_errno(r, "Failed to create the event loop: %m");

        r = setup_loop(e, &sv, console, forward_signals);
        if (r >= 0) {
                r = sd_event_loop(e);
                if (r < 0)
                        log_error_errno(r, "Event loop failed: %m");
        }

        /* The caller's terminal is restored before anything else is printed. */
        sv.console = console_free(sv.console);
        e = sd_event_unref(TAKE_PTR(e));
        if (r < 0)
                return r;
        *ret = (struct supervisor_result) {
                .exit_info = sv.exit_info,
                .stop_requested = sv.stop_requests > 0,
        };
        return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "core/cgroup-internal.h"
#include "basic/log.h"

/* With systemd as the host's PID 1 the cgroup tree is systemd's: the container gets a transient
 * scope (syscon-NAME.scope in machine.slice, Delegate=yes) around its PID 1, so that systemd does
 * not fight syscon over the tree. What is below the scope is syscon's: the limits go on the
 * container's own leaf, exactly as on a host without systemd.
 *
 * systemd stops a scope, and removes its cgroup, the moment its last process is gone: with only the
 * container in it, the kernel's accounting (the OOM kills above all) would be gone before the
 * supervisor could read it. So the scope also holds a holder, a process of the supervisor's that
 * only waits, and the scope is laid out as systemd-nspawn lays out its own: the container in the
 * leaf "payload" (the root of its cgroup namespace, delegated to it), the holder in the leaf
 * "holder". The supervisor itself stays outside, out of reach of the container's limits. */

#define SYSTEMD_DESTINATION "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"
#define JOB_TIMEOUT_USEC (30 * UINT64_C(1000000))

int cgroup_systemd_connect(sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        const char *unique;
        int r;

        *ret = NULL;
        if (sd_booted() <= 0)
                return 0;
        r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_get_unique_name(bus, &unique); /* waits for the bus to answer */
        if (r < 0) {
                log_debug_errno(r, "systemd is PID 1 but its bus is out of reach (%m): syscon manages the "
                                "container's cgroup itself.");
                return 0;
        }
        *ret = TAKE_PTR(bus);
        return 1;
}

struct job {
        const char *path;
        char result[32];
        bool done;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct job *job = userdata;
        const char *path, *unit, *result;
        uint32_t id;

        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0 || !job->path ||
            !streq(path, job->path))
                return 0;
        snprintf(job->result, sizeof job->result, "%s", result);
        job->done = true;
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static int wait_for_job(sd_bus *bus, struct job *job) {
        uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;

        while (!job->done) {
                uint64_t now;
                int r = sd_bus_process(bus, NULL);

                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                now = now_usec();
                if (now >= deadline)
                        return -ETIMEDOUT;
                r = sd_bus_wait(bus, deadline - now);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Calls a manager method that returns a job, and waits for the job to finish. The JobRemoved
 * signal reaches the client that asked for the job without a Subscribe(); the match is in place
 * before the call, so it cannot be missed. Returns the bus error's errno; sets `error`. */
static int call_job(sd_bus *bus, sd_bus_message *m, sd_bus_error *error, char result[static 32]) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        struct job job = {};
        int r;

        r = sd_bus_match_signal(bus, &slot, SYSTEMD_DESTINATION, SYSTEMD_PATH, SYSTEMD_MANAGER, "JobRemoved",
                                on_job_removed, &job);
        if (r >= 0)
                r = sd_bus_call(bus, m, 0, error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "o", &job.path);
        if (r >= 0)
                r = wait_for_job(bus, &job);
        if (r < 0)
                return r;
        snprintf(result, 32, "%s", job.result);
        return 0;
}

static int append_scope_properties(sd_bus_message *m, const struct cgroup *cg, pid_t pid) {
        char description[128];
        int r;

        snprintf(description, sizeof description, "syscon container %s", cg->machine);
        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                /* CollectMode: a failed scope is not kept around to block the name. */
                r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s", description,
                                          "Slice", "s", CGROUP_SLICE, "Delegate", "b", 1,
                                          "CollectMode", "s", "inactive-or-failed",
                                          "PIDs", "au", 2, (uint32_t) pid, (uint32_t) cg->holder_pid);
        /* An OOM kill inside is the container's business (the kernel killed one process); systemd's
         * default would stop the whole scope. */
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)", "OOMPolicy", "s", "continue");
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)", "MemoryAccounting", "b", 1,
                                          "TasksAccounting", "b", 1, "CPUAccounting", "b", 1);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

/* A Manager call on the container's unit: METHOD(unit, mode, ...). */
static int new_unit_call(const struct cgroup *cg, const char *method, const char *mode, sd_bus_message **ret) {
        int r = sd_bus_message_new_method_call(cg->bus, ret, SYSTEMD_DESTINATION, SYSTEMD_PATH,
                                               SYSTEMD_MANAGER, method);

        return r < 0 ? r : sd_bus_message_append(*ret, "ss", cg->unit, mode);
}

int cgroup_systemd_start_scope(const struct cgroup *cg, pid_t pid) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char result[32];
        int r;

        r = new_unit_call(cg, "StartTransientUnit", "fail", &m);
        if (r >= 0)
                r = append_scope_properties(m, cg, pid);
        if (r >= 0)
                r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0)
                return log_error_errno(r, "Failed to build the request for the scope %s: %m", cg->unit);

        r = call_job(cg->bus, m, &error, result);
        if (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.UnitExists"))
                return log_error_errno(-EBUSY, "A container named %s is already running (systemd has the unit "
                                       "%s); choose another name with --machine=.", cg->machine, cg->unit);
        if (r < 0)
                return log_error_errno(r, "systemd did not create the scope %s for the container: %s",
                                       cg->unit, error.message ?: strerror(-r));
        if (!streq(result, "done"))
                return log_error_errno(-EIO, "systemd did not start the scope %s for the container: the job's "
                                       "result is \"%s\". See journalctl -u %s.", cg->unit, result, cg->unit);
        return 0;
}

int cgroup_systemd_stop_scope(const struct cgroup *cg) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char result[32];
        int r;

        r = new_unit_call(cg, "StopUnit", "replace", &m);
        if (r >= 0)
                r = call_job(cg->bus, m, &error, result);
        if (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit"))
                return 0;
        if (r < 0)
                return log_warning_errno(r, "Failed to stop the scope %s: %s", cg->unit,
                                         error.message ?: strerror(-r));
        return 0;
}

/* The holder: no fd, default signals, gone with the supervisor (so that systemd can stop the scope
 * of a supervisor that was killed). */
int cgroup_systemd_hold(struct cgroup *cg) {
        pid_t parent = getpid();
        int pidfd = -EBADF;
        struct clone_args args = {
                .flags = CLONE_PIDFD,
                .pidfd = (uint64_t) (uintptr_t) &pidfd,
                .exit_signal = SIGCHLD,
        };
        long pid = syscall(SYS_clone3, &args, sizeof args);

        if (pid < 0)
                return log_error_errno(-errno, "Failed to start the holder of the scope %s: %m", cg->unit);
        if (pid == 0) {
                sigset_t none;

                if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                        _exit(EXIT_FAILURE);
                (void) close_range(0, ~0U, 0);
                sigemptyset(&none);
                (void) sigprocmask(SIG_SETMASK, &none, NULL);
                for (;;)
                        pause();
        }
        cg->holder_pid = (pid_t) pid;
        cg->holder_pidfd = pidfd;
        return 0;
}

void cgroup_systemd_release(struct cgroup *cg) {
        siginfo_t si;

        if (cg->holder_pidfd < 0)
                return;
        (void) pidfd_send_signal(cg->holder_pidfd, SIGKILL, NULL, 0);
        while (waitid(P_PIDFD, (id_t) cg->holder_pidfd, &si, WEXITED) < 0 && errno == EINTR)
                ;
        cg->holder_pidfd = safe_close(cg->holder_pidfd);
        cg->holder_pid = 0;
}

static int move_into(int scope_fd, const char *leaf, pid_t pid) {
        char value[32];
        int r = RET_NERRNO(mkdirat(scope_fd, leaf, 0755));

        if (r < 0)
                return r;
        snprintf(value, sizeof value, "%d", (int) pid);
        return cgroup_write_at(scope_fd, leaf, "cgroup.procs", value);
}

/* The scope's two leaves, and the controllers systemd delegated passed on to them (the scope may
 * enable them only once no process is left in it directly). Leaves the container's cgroup2 fd and
 * path pointing at the payload. */
int cgroup_systemd_arrange(struct cgroup *cg, pid_t pid) {
        struct cgroup_hierarchy *u = cg->unified;
        char available[256], *path = NULL;
        int r, payload;

        r = move_into(u->dir_fd, "holder", cg->holder_pid);
        if (r >= 0)
                r = move_into(u->dir_fd, "payload", pid);
        if (r >= 0)
                r = cgroup_read(u->dir_fd, "cgroup.controllers", available, sizeof available);
        for (char *c = available, *next; r >= 0 && *c; c = next) {
                char word[64];

                next = c + strcspn(c, " ");
                snprintf(word, sizeof word, "+%.*s", (int) (next - c), c);
                next += strspn(next, " ");
                r = cgroup_write(u->dir_fd, "cgroup.subtree_control", word);
        }
        if (r < 0)
                return log_error_errno(r, "Failed to lay out the scope %s: %m", cg->unit);

        payload = openat(u->dir_fd, "payload", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (payload < 0 || asprintf(&path, "%s/payload", cg->path) < 0) {
                safe_close(payload);
                return log_error_errno(payload < 0 ? -errno : -ENOMEM, "Failed to open %s/payload: %m", cg->path);
        }
        safe_close(u->dir_fd);
        u->dir_fd = payload;
        free(cg->path);
        cg->path = path;
        return 0;
}

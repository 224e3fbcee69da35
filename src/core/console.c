/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <termios.h>
#include <unistd.h>

#include "core/console.h"
#include "basic/log.h"

/* Bounded on purpose: when a side stalls, the other side is throttled through the pty instead of
 * the supervisor growing a second, unbounded pty buffer. */
#define CONSOLE_BUFFER_SIZE (16U * 1024U)

#define ESCAPE_CHAR 0x1d /* Ctrl-] */
#define ESCAPE_COUNT 3U
#define ESCAPE_WINDOW_USEC (1000U * 1000U)

struct buffer {
        size_t len;
        uint8_t data[CONSOLE_BUFFER_SIZE];
};

struct console {
        sd_event *event;
        enum console_mode mode;

        int master_fd;
        /* Our own duplicates of the caller's fds: epoll refuses the same fd number twice, and the
         * caller may pass one fd for both. -EBADF when that direction is not forwarded. */
        int input_fd;
        int output_fd;
        int winsize_fd; /* input_fd or output_fd, whichever is a terminal, or -EBADF */

        sd_event_source *master_source;
        sd_event_source *input_source;  /* NULL when the input is not read */
        sd_event_source *output_source; /* NULL when the output cannot be polled: written at once */
        sd_event_source *sigwinch_source;

        struct buffer to_master; /* typed, not yet taken by the pty */
        struct buffer to_output; /* said by the container, not yet taken by the output */

        bool master_hup;    /* the last read found no slave open */
        bool input_done;    /* EOF, hang-up or escape: the input is not read any more */
        bool output_broken; /* the output failed: the container's output is discarded */
        bool input_nonblock_set;
        bool output_nonblock_set;

        bool termios_saved;
        struct termios saved_termios;

        unsigned escape_count;
        uint64_t escape_start;
        console_escape_handler_t on_escape;
        void *userdata;
};

static bool is_again(int error) {
        return error == EAGAIN || error == EINTR;
}

/* The caller's fds usually share their open file description with the shell, so O_NONBLOCK is only
 * set where it was missing and cleared again by console_free(). */
static int fd_set_nonblock(int fd, bool *ret_changed) {
        int flags = fcntl(fd, F_GETFL);

        *ret_changed = false;
        if (flags < 0)
                return -errno;
        if (flags & O_NONBLOCK)
                return 0;
        if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        *ret_changed = true;
        return 0;
}

static void fd_clear_nonblock(int fd) {
        int flags = fcntl(fd, F_GETFL);

        if (flags >= 0)
                (void) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

static bool buffer_full(const struct buffer *b) {
        return b->len >= sizeof b->data;
}

static void buffer_consume(struct buffer *b, size_t n) {
        memmove(b->data, b->data + n, b->len - n);
        b->len -= n;
}

/* nspawn's rule: three Ctrl-] in a row, the last within a second of the first. sd_event_now() is
 * the time the loop woke up for this input, which is what the user's keystroke timing is. */
static bool console_saw_escape(struct console *c, const uint8_t *p, size_t n) {
        uint64_t now;

        if (!c->on_escape || sd_event_now(c->event, CLOCK_MONOTONIC, &now) < 0)
                return false;

        for (size_t i = 0; i < n; i++) {
                if (p[i] != ESCAPE_CHAR)
                        c->escape_count = 0;
                else if (c->escape_count == 0 || now > c->escape_start + ESCAPE_WINDOW_USEC) {
                        c->escape_start = now;
                        c->escape_count = 1;
                } else if (++c->escape_count >= ESCAPE_COUNT)
                        return true;
        }
        return false;
}

/* Returns true when the escape sequence was typed. Like nspawn, the read that completes it is not
 * forwarded (the Ctrl-] typed before it were), and nothing is read after it. */
static bool console_read_input(struct console *c) {
        struct buffer *b = &c->to_master;
        ssize_t n = read(c->input_fd, b->data + b->len, sizeof b->data - b->len);

        if (n < 0 && is_again(errno))
                return false;
        if (n <= 0) {
                /* EOF, or EIO from a terminal that was hung up. The pty stays open: a terminal never
                 * closes on the container either, so its shell gets no EOF it did not ask for. */
                if (n < 0)
                        log_debug_errno(-errno, "Failed to read the console input, ignoring it: %m");
                c->input_done = true;
                return false;
        }
        if (console_saw_escape(c, b->data + b->len, (size_t) n)) {
                c->input_done = true;
                return true;
        }
        b->len += (size_t) n;
        return false;
}

static void console_write_master(struct console *c) {
        ssize_t n = write(c->master_fd, c->to_master.data, c->to_master.len);

        if (n < 0 && is_again(errno))
                return;
        if (n < 0) {
                /* EIO: no slave is open, so nobody would read these keystrokes; a terminal nobody
                 * reads loses them too. */
                c->to_master.len = 0;
                c->master_hup = true;
                return;
        }
        buffer_consume(&c->to_master, (size_t) n);
}

/* Returns true when something was read. */
static bool console_read_master(struct console *c) {
        struct buffer *b = &c->to_output;
        ssize_t n = read(c->master_fd, b->data + b->len, sizeof b->data - b->len);

        if (n < 0 && is_again(errno))
                return false;
        if (n <= 0) {
                /* EIO: no slave is open right now. That is not the end: systemd in the container
                 * closes or vhangup()s /dev/console and opens it again (console-getty does), so
                 * wait for it to come back. */
                c->master_hup = true;
                return false;
        }
        c->master_hup = false;
        b->len += (size_t) n;
        if (c->mode == CONSOLE_PASSIVE || c->output_broken)
                b->len = 0;
        return true;
}

static void console_discard_output(struct console *c) {
        c->output_broken = true;
        c->to_output.len = 0;
}

static void console_output_failed(struct console *c, int error) {
        if (error != -EPIPE)
                log_warning_errno(error, "Failed to write the console output, discarding the rest: %m");
        console_discard_output(c);
}

static void console_write_output(struct console *c) {
        ssize_t n = write(c->output_fd, c->to_output.data, c->to_output.len);

        if (n < 0 && is_again(errno))
                return;
        if (n < 0)
                console_output_failed(c, -errno);
        else
                buffer_consume(&c->to_output, (size_t) n);
}

/* Waits until the output takes more, or until `deadline_fd` (a timer, or -EBADF for none, which
 * poll() passes over) expires, and then gives the output up. */
static void console_wait_output(struct console *c, int deadline_fd) {
        struct pollfd p[] = {
                { .fd = c->output_fd, .events = POLLOUT },
                { .fd = deadline_fd, .events = POLLIN },
        };

        if (poll(p, ELEMENTSOF(p), -1) < 0) {
                if (errno != EINTR)
                        console_output_failed(c, -errno);
                return;
        }
        /* A pipe whose reader is gone (while we waited, too): writing would only raise SIGPIPE. */
        if (p[0].revents & POLLERR)
                console_output_failed(c, -EPIPE);
        else if (p[1].revents & POLLIN) {
                log_warning("The console output did not take the container's last output within %u s, "
                            "discarding the rest of it.", CONSOLE_DRAIN_TIMEOUT_SEC);
                console_discard_output(c);
        }
}

/* Writes everything buffered, waiting when the output is full: for outputs that cannot be polled
 * (regular files, which never make us wait long) and for the final drain, until `deadline_fd`. */
static void console_flush_output(struct console *c, int deadline_fd) {
        while (c->to_output.len > 0 && !c->output_broken) {
                console_write_output(c);
                if (c->to_output.len > 0 && !c->output_broken)
                        console_wait_output(c, deadline_fd);
        }
}

static int console_update_master(struct console *c) {
        uint32_t events = 0, current;
        int r;

        if (!buffer_full(&c->to_output))
                events |= EPOLLIN;
        if (!c->master_hup && c->to_master.len > 0)
                events |= EPOLLOUT;
        if (events == 0)
                /* A pty without slave reports EPOLLHUP whatever we ask for: with nothing to do,
                 * don't listen at all, or the loop would spin. */
                return sd_event_source_set_enabled(c->master_source, SD_EVENT_OFF);
        if (c->master_hup)
                /* Same reason: while no slave is open, wake up only on the next edge, which is the
                 * container writing to its console again. */
                events |= EPOLLET;

        r = sd_event_source_get_io_events(c->master_source, &current);
        if (r < 0)
                return r;
        /* Setting edge-triggered events again re-arms them, which would report the hang-up at once. */
        if (events != current) {
                r = sd_event_source_set_io_events(c->master_source, events);
                if (r < 0)
                        return r;
        }
        return sd_event_source_set_enabled(c->master_source, SD_EVENT_ON);
}

/* Level-triggered sources whose interest follows the buffers: a full buffer stops reading its
 * source, an empty one stops waiting for its destination, so the loop never spins. */
static int console_update(struct console *c) {
        int r;

        if (c->input_source) {
                bool on = !c->input_done && !buffer_full(&c->to_master);
                r = sd_event_source_set_enabled(c->input_source, on ? SD_EVENT_ON : SD_EVENT_OFF);
                if (r < 0)
                        return r;
        }
        if (c->output_source) {
                bool on = c->to_output.len > 0 && !c->output_broken;
                r = sd_event_source_set_enabled(c->output_source, on ? SD_EVENT_ON : SD_EVENT_OFF);
                if (r < 0)
                        return r;
        }
        return console_update_master(c);
}

static int console_update_or_log(struct console *c) {
        int r = console_update(c);

        if (r < 0)
                return log_error_errno(r, "Failed to update the console's event sources: %m");
        return 0;
}

static int on_master(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        struct console *c = userdata;

        if ((revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !buffer_full(&c->to_output))
                (void) console_read_master(c);
        if ((revents & (EPOLLOUT | EPOLLHUP | EPOLLERR)) && c->to_master.len > 0)
                console_write_master(c);
        if (!c->output_source)
                console_flush_output(c, -EBADF);
        return console_update_or_log(c);
}

static int on_input(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        struct console *c = userdata;
        bool escaped;
        int r;

        escaped = console_read_input(c);
        if (c->to_master.len > 0)
                console_write_master(c);
        r = console_update_or_log(c);
        /* Last, with our state consistent: the handler may well end the event loop. */
        if (escaped)
                c->on_escape(c->userdata);
        return r;
}

static int on_output(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        struct console *c = userdata;

        /* A pipe whose reader is gone: writing would only raise SIGPIPE. */
        if (revents & EPOLLERR)
                console_output_failed(c, -EPIPE);
        else
                console_write_output(c);
        return console_update_or_log(c);
}

static int console_copy_window_size(struct console *c) {
        struct winsize ws;

        if (ioctl(c->winsize_fd, TIOCGWINSZ, &ws) < 0)
                return -errno;
        /* The kernel sends SIGWINCH to the container's foreground process group when it changed. */
        return RET_NERRNO(ioctl(c->master_fd, TIOCSWINSZ, &ws));
}

static int on_sigwinch(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        struct console *c = userdata;
        int r = console_copy_window_size(c);

        if (r < 0)
                log_debug_errno(r, "Failed to copy the window size to the console: %m");
        return 0;
}

static int console_setup_input(struct console *c, int input_fd) {
        int r;

        c->input_fd = fcntl(input_fd, F_DUPFD_CLOEXEC, 3);
        if (c->input_fd < 0)
                return -errno;

        r = sd_event_add_io(c->event, &c->input_source, c->input_fd, EPOLLIN, on_input, c);
        if (r == -EPERM) {
                /* A regular file or /dev/null, which epoll refuses: nobody types into those. */
                c->input_done = true;
                return 0;
        }
        if (r < 0)
                return r;
        return fd_set_nonblock(c->input_fd, &c->input_nonblock_set);
}

static int console_setup_output(struct console *c, int output_fd) {
        int r;

        c->output_fd = fcntl(output_fd, F_DUPFD_CLOEXEC, 3);
        if (c->output_fd < 0)
                return -errno;

        r = sd_event_add_io(c->event, &c->output_source, c->output_fd, EPOLLOUT, on_output, c);
        if (r == -EPERM)
                /* A regular file or /dev/null, which epoll refuses: written to as soon as data comes. */
                return 0;
        if (r < 0)
                return r;
        return fd_set_nonblock(c->output_fd, &c->output_nonblock_set);
}

/* Output post-processing is switched off too (cfmakeraw clears OPOST), as nspawn ends up doing on
 * a terminal that is both input and output: the container's pty already did the processing its
 * programs asked for, and a full-screen program that turned ONLCR off relies on a bare LF not
 * becoming CR LF on the way. */
static int console_setup_terminal(struct console *c) {
        struct termios raw;

        if (!isatty(c->input_fd))
                return 0;
        if (tcgetattr(c->input_fd, &c->saved_termios) < 0)
                return -errno;

        raw = c->saved_termios;
        cfmakeraw(&raw);
        if (tcsetattr(c->input_fd, TCSANOW, &raw) < 0)
                return -errno;
        c->termios_saved = true;
        return 0;
}

static int console_setup_window_size(struct console *c) {
        int r;

        if (isatty(c->output_fd))
                c->winsize_fd = c->output_fd;
        else if (c->input_fd >= 0 && isatty(c->input_fd))
                c->winsize_fd = c->input_fd;
        else
                return 0;

        r = console_copy_window_size(c);
        if (r < 0)
                return r;
        return sd_event_add_signal(c->event, &c->sigwinch_source, SIGWINCH, on_sigwinch, c);
}

static int console_setup(struct console *c, int input_fd, int output_fd) {
        bool unused;
        int r;

        /* Ours alone, so nobody else sees the flag. */
        r = fd_set_nonblock(c->master_fd, &unused);
        if (r < 0)
                return r;
        r = sd_event_add_io(c->event, &c->master_source, c->master_fd, EPOLLIN, on_master, c);
        if (r < 0)
                return r;

        if (c->mode == CONSOLE_INTERACTIVE) {
                r = console_setup_input(c, input_fd);
                if (r < 0)
                        return r;
        }
        if (c->mode != CONSOLE_PASSIVE) {
                r = console_setup_output(c, output_fd);
                if (r < 0)
                        return r;
                r = console_setup_window_size(c);
                if (r < 0)
                        return r;
        }
        /* Last, so that a failure above leaves the terminal alone. */
        if (c->mode == CONSOLE_INTERACTIVE) {
                r = console_setup_terminal(c);
                if (r < 0)
                        return r;
        }
        return console_update(c);
}

int console_new(sd_event *event, int master_fd, int input_fd, int output_fd, enum console_mode mode,
                console_escape_handler_t on_escape, void *userdata, struct console **ret) {
        _cleanup_close_ int master = master_fd;
        _cleanup_(console_freep) struct console *c = NULL;
        int r;

        if (!event || master < 0 || !ret)
                return -EINVAL;
        if (mode != CONSOLE_INTERACTIVE && mode != CONSOLE_READ_ONLY && mode != CONSOLE_PASSIVE)
                return -EINVAL;

        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->event = sd_event_ref(event);
        c->mode = mode;
        c->master_fd = TAKE_FD(master);
        c->input_fd = c->output_fd = c->winsize_fd = -EBADF;
        c->on_escape = on_escape;
        c->userdata = userdata;

        r = console_setup(c, input_fd, output_fd);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(c);
        return 0;
}

/* The drain's time limit as a timer that turns readable when it is up: the waits need no clock. */
static int drain_deadline_new(void) {
        struct itimerspec when = { .it_value.tv_sec = CONSOLE_DRAIN_TIMEOUT_SEC };
        _cleanup_close_ int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

        if (fd < 0)
                return -errno;
        if (timerfd_settime(fd, 0, &when, NULL) < 0)
                return -errno;
        return TAKE_FD(fd);
}

void console_drain(struct console *c) {
        _cleanup_close_ int deadline_fd = -EBADF;

        if (!c || c->mode == CONSOLE_PASSIVE)
                return;

        deadline_fd = drain_deadline_new();
        if (deadline_fd < 0) {
                /* Not waiting at all is the bound we can still keep. */
                log_warning_errno(deadline_fd, "Failed to set up the console's drain, discarding the "
                                  "container's last output: %m");
                console_discard_output(c);
        }

        /* Until EAGAIN or EIO: by the time PID 1's death is reported, every process of its PID
         * namespace is gone, so nothing keeps writing. Once the output is given up, what the pty
         * still holds is read and discarded. */
        do
                console_flush_output(c, deadline_fd);
        while (console_read_master(c));
}

struct console *console_free(struct console *c) {
        if (!c)
                return NULL;

        /* TCSANOW, not TCSADRAIN: our output was post-processed when it was written, so waiting for
         * it gains nothing, and a terminal whose reader stalled (a hung ssh session) would make this
         * wait forever on an exit path. Unread input stays for the shell, unlike with TCSAFLUSH. */
        if (c->termios_saved)
                (void) tcsetattr(c->input_fd, TCSANOW, &c->saved_termios);

        c->input_source = sd_event_source_disable_unref(c->input_source);
        c->output_source = sd_event_source_disable_unref(c->output_source);
        c->master_source = sd_event_source_disable_unref(c->master_source);
        c->sigwinch_source = sd_event_source_disable_unref(c->sigwinch_source);

        if (c->output_nonblock_set)
                fd_clear_nonblock(c->output_fd);
        if (c->input_nonblock_set)
                fd_clear_nonblock(c->input_fd);

        safe_close(c->input_fd);
        safe_close(c->output_fd);
        safe_close(c->master_fd);
        sd_event_unref(c->event);
        free(c);
        return NULL;
}

enum console_mode console_mode_resolve(enum console_mode requested, enum console_mode without_terminal) {
        if (requested != CONSOLE_AUTO)
                return requested;
        if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
                return CONSOLE_INTERACTIVE;
        return without_terminal;
}

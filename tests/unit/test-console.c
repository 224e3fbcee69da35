/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/console.h"
#include "basic/log.h"

#define USEC_PER_MSEC 1000ULL
#define DEADLINE_USEC (10ULL * 1000ULL * USEC_PER_MSEC)
#define DRAIN_LIMIT_USEC (CONSOLE_DRAIN_TIMEOUT_SEC * 1000ULL * USEC_PER_MSEC)

/* Two ptys: the container's console (the master goes to the console, the test plays the container
 * on the slave) and the caller's terminal (the console gets the slave as stdin/stdout, the test
 * plays the terminal emulator on the master: writing there is typing, reading is the screen). */
struct fixture {
        sd_event *event;
        int pty_master;
        int pty_slave;
        char pty_name[64];
        int term_master;
        int term_slave;
        struct console *console;
        unsigned escapes;
};

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

static void sleep_msec(unsigned msec) {
        struct timespec ts = { .tv_sec = msec / 1000, .tv_nsec = (long) (msec % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static void set_nonblock(int fd) {
        int flags = fcntl(fd, F_GETFL);

        assert_true(flags >= 0);
        assert_int_equal(fcntl(fd, F_SETFL, flags | O_NONBLOCK), 0);
}

static int open_pty(int *ret_master, int *ret_slave, char *name, size_t size) {
        int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

        if (master < 0)
                return -1;
        if (grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, name, size) != 0) {
                close(master);
                return -1;
        }
        *ret_slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (*ret_slave < 0) {
                close(master);
                return -1;
        }
        *ret_master = master;
        return 0;
}

/* The container's side in raw mode, so that the bytes compared are exactly the bytes sent. */
static void make_raw(int fd) {
        struct termios t;

        assert_int_equal(tcgetattr(fd, &t), 0);
        cfmakeraw(&t);
        assert_int_equal(tcsetattr(fd, TCSANOW, &t), 0);
}

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof *f);
        char term_name[64];

        if (!f || sd_event_new(&f->event) < 0)
                return -1;
        if (open_pty(&f->pty_master, &f->pty_slave, f->pty_name, sizeof f->pty_name) < 0 ||
            open_pty(&f->term_master, &f->term_slave, term_name, sizeof term_name) < 0)
                return -1;
        make_raw(f->pty_slave);
        set_nonblock(f->pty_slave);
        set_nonblock(f->term_master);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;

        console_free(f->console);
        safe_close(f->pty_master);
        safe_close(f->pty_slave);
        safe_close(f->term_master);
        safe_close(f->term_slave);
        sd_event_unref(f->event);
        free(f);
        return 0;
}

static void on_escape(void *userdata) {
        struct fixture *f = userdata;

        f->escapes++;
}

static void new_console(struct fixture *f, int input_fd, int output_fd, enum console_mode mode) {
        assert_int_equal(console_new(f->event, TAKE_FD(f->pty_master), input_fd, output_fd, mode,
                                     on_escape, f, &f->console), 0);
}

/* Runs the loop until nothing happens for 50ms. Never getting there means a source spins. */
static void run_until_idle(struct fixture *f) {
        for (unsigned i = 0; i < 200; i++) {
                int r = sd_event_run(f->event, 50 * USEC_PER_MSEC);
                assert_true(r >= 0);
                if (r == 0)
                        return;
        }
        fail_msg("the event loop never went idle");
}

static void write_all(int fd, const void *data, size_t len) {
        assert_int_equal(write(fd, data, len), (ssize_t) len);
}

static void expect_nothing(struct fixture *f, int fd) {
        uint8_t byte;

        run_until_idle(f);
        assert_int_equal(read(fd, &byte, 1), -1);
        assert_int_equal(errno, EAGAIN);
}

/* Reads `len` bytes from `fd` while running the loop, then checks that nothing more comes. */
static void expect_bytes(struct fixture *f, int fd, const void *data, size_t len) {
        uint8_t buf[256];
        size_t got = 0;
        uint64_t deadline = now_usec() + DEADLINE_USEC;

        assert_true(len <= sizeof buf);
        while (got < len && now_usec() < deadline) {
                ssize_t n = read(fd, buf + got, len - got);
                if (n > 0)
                        got += (size_t) n;
                else
                        assert_true(sd_event_run(f->event, 10 * USEC_PER_MSEC) >= 0);
        }
        assert_int_equal(got, len);
        assert_memory_equal(buf, data, len);
        expect_nothing(f, fd);
}

/* Writes `total` bytes to a non-blocking `fd` while running the loop; returns how many made it
 * before the deadline, which is fewer only when the console stopped reading. */
static size_t write_pumped(struct fixture *f, int fd, size_t total) {
        static const uint8_t chunk[4096];
        size_t done = 0;
        uint64_t deadline = now_usec() + DEADLINE_USEC;

        while (done < total && now_usec() < deadline) {
                size_t len = total - done < sizeof chunk ? total - done : sizeof chunk;
                ssize_t n = write(fd, chunk, len);
                if (n > 0)
                        done += (size_t) n;
                else
                        assert_true(sd_event_run(f->event, 10 * USEC_PER_MSEC) >= 0);
        }
        return done;
}

static void set_window_size(int fd, unsigned short rows, unsigned short cols) {
        struct winsize ws = { .ws_row = rows, .ws_col = cols };

        assert_int_equal(ioctl(fd, TIOCSWINSZ, &ws), 0);
}

static void expect_window_size(int fd, unsigned short rows, unsigned short cols) {
        struct winsize ws;

        assert_int_equal(ioctl(fd, TIOCGWINSZ, &ws), 0);
        assert_int_equal(ws.ws_row, rows);
        assert_int_equal(ws.ws_col, cols);
}

static void expect_termios_equal(const struct termios *a, const struct termios *b) {
        assert_int_equal(a->c_iflag, b->c_iflag);
        assert_int_equal(a->c_oflag, b->c_oflag);
        assert_int_equal(a->c_cflag, b->c_cflag);
        assert_int_equal(a->c_lflag, b->c_lflag);
        assert_memory_equal(a->c_cc, b->c_cc, sizeof a->c_cc);
        assert_int_equal(cfgetispeed(a), cfgetispeed(b));
        assert_int_equal(cfgetospeed(a), cfgetospeed(b));
}

static void test_mode_resolve(void **state) {
        struct fixture *f = *state;
        enum console_mode tty_run, tty_boot, pipe_run, pipe_boot;
        int saved_in = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
        int saved_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        int p[2];

        assert_true(saved_in >= 0 && saved_out >= 0);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        fflush(stdout);

        /* cmocka reports on stdout, so nothing is asserted until it is back. */
        dup2(f->term_slave, STDIN_FILENO);
        dup2(f->term_slave, STDOUT_FILENO);
        tty_run = console_mode_resolve(CONSOLE_AUTO, CONSOLE_PIPE);
        tty_boot = console_mode_resolve(CONSOLE_AUTO, CONSOLE_READ_ONLY);
        dup2(p[1], STDOUT_FILENO);
        pipe_run = console_mode_resolve(CONSOLE_AUTO, CONSOLE_PIPE);
        pipe_boot = console_mode_resolve(CONSOLE_AUTO, CONSOLE_READ_ONLY);
        dup2(saved_in, STDIN_FILENO);
        dup2(saved_out, STDOUT_FILENO);
        close(saved_in);
        close(saved_out);
        close(p[0]);
        close(p[1]);

        assert_int_equal(tty_run, CONSOLE_INTERACTIVE);
        assert_int_equal(tty_boot, CONSOLE_INTERACTIVE);
        assert_int_equal(pipe_run, CONSOLE_PIPE);
        assert_int_equal(pipe_boot, CONSOLE_READ_ONLY);
        assert_int_equal(console_mode_resolve(CONSOLE_READ_ONLY, CONSOLE_PIPE), CONSOLE_READ_ONLY);
        assert_int_equal(console_mode_resolve(CONSOLE_PASSIVE, CONSOLE_READ_ONLY), CONSOLE_PASSIVE);
        assert_int_equal(console_mode_resolve(CONSOLE_PIPE, CONSOLE_READ_ONLY), CONSOLE_PIPE);
        assert_int_equal(console_mode_resolve(CONSOLE_INTERACTIVE, CONSOLE_PIPE), CONSOLE_INTERACTIVE);
}

static void test_bad_mode(void **state) {
        struct fixture *f = *state;
        enum console_mode bad[] = { CONSOLE_PIPE, CONSOLE_AUTO };
        struct console *c = NULL;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                int master = fcntl(f->pty_master, F_DUPFD_CLOEXEC, 3);
                assert_true(master >= 0);
                assert_int_equal(console_new(f->event, master, f->term_slave, f->term_slave, bad[i],
                                             NULL, NULL, &c), -EINVAL);
                assert_null(c);
                /* Owned even on failure: closed, not leaked. */
                assert_int_equal(fcntl(master, F_GETFD), -1);
                assert_int_equal(errno, EBADF);
        }
        assert_null(console_free(NULL));
}

static void test_interactive_forwards_both_ways(void **state) {
        struct fixture *f = *state;

        /* One fd for both directions, as a caller may pass. */
        new_console(f, f->term_slave, f->term_slave, CONSOLE_INTERACTIVE);

        write_all(f->term_master, "ls -l\r", 6);
        expect_bytes(f, f->pty_slave, "ls -l\r", 6);

        /* Verbatim: the terminal adds no CR of its own to the container's bare LF. */
        write_all(f->pty_slave, "a\nb", 3);
        expect_bytes(f, f->term_master, "a\nb", 3);
        assert_int_equal(f->escapes, 0);
}

static void test_raw_mode_restored(void **state) {
        struct fixture *f = *state;
        struct termios before, during, after;

        assert_int_equal(tcgetattr(f->term_slave, &before), 0);
        assert_true(before.c_lflag & ICANON);
        assert_true(before.c_oflag & OPOST);

        new_console(f, f->term_slave, f->term_slave, CONSOLE_INTERACTIVE);
        assert_int_equal(tcgetattr(f->term_slave, &during), 0);
        assert_int_equal(during.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), 0);
        assert_int_equal(during.c_iflag & (ICRNL | IXON), 0);
        assert_int_equal(during.c_oflag & OPOST, 0);

        f->console = console_free(f->console);
        assert_int_equal(tcgetattr(f->term_slave, &after), 0);
        expect_termios_equal(&before, &after);
}

static void test_read_only(void **state) {
        struct fixture *f = *state;
        struct termios before, during;

        assert_int_equal(tcgetattr(f->term_slave, &before), 0);
        new_console(f, f->term_slave, f->term_slave, CONSOLE_READ_ONLY);
        assert_int_equal(tcgetattr(f->term_slave, &during), 0);
        expect_termios_equal(&before, &during);

        /* The terminal is still cooked: it echoes, and the line never reaches the container. */
        write_all(f->term_master, "x\r", 2);
        expect_bytes(f, f->term_master, "x\r\n", 3);
        expect_nothing(f, f->pty_slave);

        write_all(f->pty_slave, "boot", 4);
        expect_bytes(f, f->term_master, "boot", 4);
}

static void test_passive_never_blocks(void **state) {
        struct fixture *f = *state;
        const size_t total = 1024 * 1024;
        int out[2];

        assert_int_equal(pipe2(out, O_CLOEXEC | O_NONBLOCK), 0);
        new_console(f, f->term_slave, out[1], CONSOLE_PASSIVE);

        /* Far more than the pty holds: only completes if the console keeps reading. */
        assert_int_equal(write_pumped(f, f->pty_slave, total), total);
        expect_nothing(f, out[0]);
        close(out[0]);
        close(out[1]);
}

static void test_window_size(void **state) {
        struct fixture *f = *state;

        set_window_size(f->term_slave, 24, 80);
        new_console(f, f->term_slave, f->term_slave, CONSOLE_INTERACTIVE);
        expect_window_size(f->pty_slave, 24, 80);

        set_window_size(f->term_slave, 50, 132);
        run_until_idle(f);
        expect_window_size(f->pty_slave, 24, 80);

        /* SIGWINCH is blocked (see main()), so it stays pending for the loop's signalfd. */
        assert_int_equal(raise(SIGWINCH), 0);
        run_until_idle(f);
        expect_window_size(f->pty_slave, 50, 132);
}

static void type_and_run(struct fixture *f, const char *keys) {
        write_all(f->term_master, keys, strlen(keys));
        run_until_idle(f);
}

static void test_escape_within_a_second(void **state) {
        struct fixture *f = *state;

        new_console(f, f->term_slave, f->term_slave, CONSOLE_INTERACTIVE);
        type_and_run(f, "\x1d");
        type_and_run(f, "\x1d");
        assert_int_equal(f->escapes, 0);
        type_and_run(f, "\x1d");
        assert_int_equal(f->escapes, 1);

        /* As in nspawn: the first two reached the container, the third did not, nor anything after. */
        expect_bytes(f, f->pty_slave, "\x1d\x1d", 2);
        type_and_run(f, "x");
        expect_nothing(f, f->pty_slave);
        assert_int_equal(f->escapes, 1);
}

static void test_escape_in_one_read(void **state) {
        struct fixture *f = *state;

        new_console(f, f->term_slave, f->term_slave, CONSOLE_INTERACTIVE);
        type_and_run(f, "\x1d\x1d\x1d");
        assert_int_equal(f->escapes, 1);
        expect_nothing(f, f->pty_slave);
}

static void test_escape_interrupted(void **state) {
        struct fixture *f = *state;

        new_console(f, f->term_slave, f->term_slave, CONSOLE_INTERACTIVE);
        type_and_run(f, "\x1d\x1d");
        type_and_run(f, "a");
        type_and_run(f, "\x1d");
        assert_int_equal(f->escapes, 0);
        expect_bytes(f, f->pty_slave, "\x1d\x1d" "a\x1d", 4);
}

static void test_escape_spread_out(void **state) {
        struct fixture *f = *state;

        new_console(f, f->term_slave, f->term_slave, CONSOLE_INTERACTIVE);
        type_and_run(f, "\x1d");
        sleep_msec(600);
        type_and_run(f, "\x1d");
        sleep_msec(600);
        /* 1.2s after the first one: this starts a new sequence. */
        type_and_run(f, "\x1d");
        assert_int_equal(f->escapes, 0);
        expect_bytes(f, f->pty_slave, "\x1d\x1d\x1d", 3);

        type_and_run(f, "\x1d");
        assert_int_equal(f->escapes, 0);
        type_and_run(f, "\x1d");
        assert_int_equal(f->escapes, 1);
}

static void test_pipes(void **state) {
        struct fixture *f = *state;
        int in[2], out[2], in_flags, out_flags;

        assert_int_equal(pipe2(in, O_CLOEXEC), 0);
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        set_nonblock(out[0]);
        in_flags = fcntl(in[0], F_GETFL);
        out_flags = fcntl(out[1], F_GETFL);

        new_console(f, in[0], out[1], CONSOLE_INTERACTIVE);
        write_all(in[1], "input", 5);
        expect_bytes(f, f->pty_slave, "input", 5);
        write_all(f->pty_slave, "output", 6);
        expect_bytes(f, out[0], "output", 6);

        /* EOF on the input: no spinning on it, and the container's side carries on. */
        in[1] = safe_close(in[1]);
        run_until_idle(f);
        write_all(f->pty_slave, "still", 5);
        expect_bytes(f, out[0], "still", 5);

        f->console = console_free(f->console);
        assert_int_equal(fcntl(in[0], F_GETFL), in_flags);
        assert_int_equal(fcntl(out[1], F_GETFL), out_flags);
        close(in[0]);
        close(out[0]);
        close(out[1]);
}

static void test_nonblock_restored_on_terminal(void **state) {
        struct fixture *f = *state;
        int flags = fcntl(f->term_slave, F_GETFL);

        assert_false(flags & O_NONBLOCK);
        new_console(f, f->term_slave, f->term_slave, CONSOLE_INTERACTIVE);
        assert_true(fcntl(f->term_slave, F_GETFL) & O_NONBLOCK);
        f->console = console_free(f->console);
        assert_int_equal(fcntl(f->term_slave, F_GETFL), flags);
}

static void test_slave_closed_and_reopened(void **state) {
        struct fixture *f = *state;

        new_console(f, f->term_slave, f->term_slave, CONSOLE_READ_ONLY);
        write_all(f->pty_slave, "one", 3);
        f->pty_slave = safe_close(f->pty_slave);
        /* expect_bytes() also checks that the hung-up master does not make the loop spin. */
        expect_bytes(f, f->term_master, "one", 3);

        /* What systemd in the container does to /dev/console around a getty's vhangup(). */
        f->pty_slave = open(f->pty_name, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        assert_true(f->pty_slave >= 0);
        make_raw(f->pty_slave);
        write_all(f->pty_slave, "two", 3);
        expect_bytes(f, f->term_master, "two", 3);
}

static void test_output_reader_gone(void **state) {
        struct fixture *f = *state;
        int out[2];

        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        new_console(f, f->term_slave, out[1], CONSOLE_READ_ONLY);
        close(out[0]);

        /* No SIGPIPE (that would end this test program), and the container is not blocked. */
        assert_int_equal(write_pumped(f, f->pty_slave, 256 * 1024), 256 * 1024);
        run_until_idle(f);
        close(out[1]);
}

static void test_drain(void **state) {
        struct fixture *f = *state;

        new_console(f, f->term_slave, f->term_slave, CONSOLE_READ_ONLY);
        run_until_idle(f);
        write_all(f->pty_slave, "last words", 10);
        f->pty_slave = safe_close(f->pty_slave);

        /* Without running the loop, as after the container's death. */
        console_drain(f->console);
        uint8_t buf[16];
        assert_int_equal(read(f->term_master, buf, sizeof buf), 10);
        assert_memory_equal(buf, "last words", 10);
}

static void fill_pattern(uint8_t *p, size_t n) {
        for (size_t i = 0; i < n; i++)
                p[i] = (uint8_t) (i % 251);
}

/* A memfd cannot be polled, like a regular file the output is redirected to. */
static void test_drain_to_file(void **state) {
        struct fixture *f = *state;
        static uint8_t sent[64 * 1024], got[sizeof sent + 1];
        size_t total = 0;
        int out = memfd_create("console-output", MFD_CLOEXEC);

        assert_true(out >= 0);
        fill_pattern(sent, sizeof sent);
        new_console(f, f->term_slave, out, CONSOLE_READ_ONLY);

        while (total < sizeof sent) {
                ssize_t n = write(f->pty_slave, sent + total, sizeof sent - total);
                if (n <= 0)
                        break;
                total += (size_t) n;
        }
        assert_true(total > 4096);
        f->pty_slave = safe_close(f->pty_slave);

        console_drain(f->console);
        assert_int_equal(pread(out, got, sizeof got, 0), (ssize_t) total);
        assert_memory_equal(got, sent, total);
        close(out);
}

struct screen {
        int fd;
        size_t want, got;
        uint8_t data[128 * 1024];
};

/* The terminal emulator catching up, while the drain waits for it. */
static void *read_screen(void *userdata) {
        struct screen *s = userdata;
        uint64_t deadline = now_usec() + DEADLINE_USEC;

        while (s->got < s->want && now_usec() < deadline) {
                ssize_t n = read(s->fd, s->data + s->got, s->want - s->got);
                if (n > 0)
                        s->got += (size_t) n;
                else
                        (void) poll(&(struct pollfd) { .fd = s->fd, .events = POLLIN }, 1, 100);
        }
        return NULL;
}

/* Writes to the non-blocking `fd` until it is full; returns how much it took. */
static size_t write_until_full(int fd, const uint8_t *p, size_t n) {
        size_t done = 0;

        while (done < n) {
                ssize_t k = write(fd, p + done, n - done);
                if (k <= 0)
                        break;
                done += (size_t) k;
        }
        return done;
}

/* The screen is stalled, so the console's buffer fills up and the pty behind it too: the drain
 * must write out its buffer, waiting for the screen, and go round for what the pty still holds. */
static void test_drain_waits_for_output(void **state) {
        struct fixture *f = *state;
        static uint8_t sent[64 * 1024], filler[64 * 1024];
        static struct screen screen;
        size_t prefill, total = 0;
        pthread_t reader;

        fill_pattern(sent, sizeof sent);
        memset(filler, 'p', sizeof filler);
        make_raw(f->term_slave);
        new_console(f, f->term_slave, f->term_slave, CONSOLE_READ_ONLY);

        /* The console made term_slave non-blocking, so this stops when the screen is full. */
        prefill = write_until_full(f->term_slave, filler, sizeof filler);
        assert_true(prefill > 0);
        for (;;) {
                size_t n = write_until_full(f->pty_slave, sent + total, sizeof sent - total);
                if (n == 0)
                        break;
                total += n;
                run_until_idle(f);
        }
        assert_true(total > 16 * 1024);
        f->pty_slave = safe_close(f->pty_slave);

        screen = (struct screen) { .fd = f->term_master, .want = prefill + total };
        assert_int_equal(pthread_create(&reader, NULL, read_screen, &screen), 0);
        console_drain(f->console);
        assert_int_equal(pthread_join(reader, NULL), 0);

        assert_int_equal(screen.got, prefill + total);
        assert_memory_equal(screen.data, filler, prefill);
        assert_memory_equal(screen.data + prefill, sent, total);
}

/* A pipe to a reader that stopped reading: full, with more in the console's buffer and the pty
 * behind it. Returns the pipe's read end; the console has the write end. */
static int stalled_pipe_console(struct fixture *f) {
        static uint8_t filler[64 * 1024];
        size_t n, total = 0;
        int out[2];

        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        new_console(f, f->term_slave, out[1], CONSOLE_READ_ONLY);
        /* The console made the pipe non-blocking, so this stops when it is full. */
        assert_true(write_until_full(out[1], filler, sizeof filler) > 0);
        close(out[1]);
        do {
                n = write_until_full(f->pty_slave, filler, sizeof filler);
                total += n;
                run_until_idle(f);
        } while (n > 0);
        assert_true(total > 16 * 1024);
        f->pty_slave = safe_close(f->pty_slave);
        return out[0];
}

static void test_drain_gives_up_on_stalled_output(void **state) {
        struct fixture *f = *state;
        int reader = stalled_pipe_console(f);
        uint64_t start = now_usec(), took;

        alarm(3 * CONSOLE_DRAIN_TIMEOUT_SEC); /* rather than hanging, if the drain never gives up */
        console_drain(f->console);
        alarm(0);
        took = now_usec() - start;
        /* It waited for the output, as long as the limit says and not much longer. */
        assert_true(took >= DRAIN_LIMIT_USEC);
        assert_true(took < DRAIN_LIMIT_USEC + 2000 * USEC_PER_MSEC);
        close(reader);
}

static void *close_after_300ms(void *userdata) {
        sleep_msec(300);
        close(*(int *) userdata);
        return NULL;
}

/* The reader goes away while the drain waits for it: the wait ends there, without writing into
 * the dead pipe (SIGPIPE would end this test program). */
static void test_drain_reader_gone_while_waiting(void **state) {
        struct fixture *f = *state;
        int reader = stalled_pipe_console(f);
        uint64_t start = now_usec();
        pthread_t closer;

        assert_int_equal(pthread_create(&closer, NULL, close_after_300ms, &reader), 0);
        alarm(3 * CONSOLE_DRAIN_TIMEOUT_SEC);
        console_drain(f->console);
        alarm(0);
        assert_int_equal(pthread_join(closer, NULL), 0);
        assert_true(now_usec() - start < 2000 * USEC_PER_MSEC);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_mode_resolve, setup, teardown),
                cmocka_unit_test_setup_teardown(test_bad_mode, setup, teardown),
                cmocka_unit_test_setup_teardown(test_interactive_forwards_both_ways, setup, teardown),
                cmocka_unit_test_setup_teardown(test_raw_mode_restored, setup, teardown),
                cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
                cmocka_unit_test_setup_teardown(test_passive_never_blocks, setup, teardown),
                cmocka_unit_test_setup_teardown(test_window_size, setup, teardown),
                cmocka_unit_test_setup_teardown(test_escape_within_a_second, setup, teardown),
                cmocka_unit_test_setup_teardown(test_escape_in_one_read, setup, teardown),
                cmocka_unit_test_setup_teardown(test_escape_interrupted, setup, teardown),
                cmocka_unit_test_setup_teardown(test_escape_spread_out, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pipes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_nonblock_restored_on_terminal, setup, teardown),
                cmocka_unit_test_setup_teardown(test_slave_closed_and_reopened, setup, teardown),
                cmocka_unit_test_setup_teardown(test_output_reader_gone, setup, teardown),
                cmocka_unit_test_setup_teardown(test_drain, setup, teardown),
                cmocka_unit_test_setup_teardown(test_drain_to_file, setup, teardown),
                cmocka_unit_test_setup_teardown(test_drain_waits_for_output, setup, teardown),
                cmocka_unit_test_setup_teardown(test_drain_gives_up_on_stalled_output, setup, teardown),
                cmocka_unit_test_setup_teardown(test_drain_reader_gone_while_waiting, setup, teardown),
        };
        sigset_t mask;

        /* As the supervisor does: sd-event only takes signals that are blocked. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGWINCH);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        log_set_max_level(LOG_LEVEL_ERROR);
        return cmocka_run_group_tests(tests, NULL, NULL);
}

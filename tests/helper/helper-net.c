/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The helper's network subcommands (see helper.c for the conventions):
 *   tcp-serve ADDR PORT        listens (then prints ready=1), accepts one connection, prints what
 *                              it received and from whom, and sends it back prefixed with "echo:"
 *   tcp-send ADDR PORT TEXT    connects, sends TEXT, prints the reply
 *   ifaddrs                    every link with its MAC and every address with its prefix
 *   routes                     the default routes, as the kernel lists them in /proc/net
 * They run on the host too: the tests talk to a container with the same binary.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper-net.h"

#define MESSAGE_MAX 256
#define EXIT_USAGE 2
#define EXIT_OBSERVATION_FAILED 3
#define streq(a, b) (strcmp((a), (b)) == 0)

static int usage_error(const char *cmd) {
        dprintf(2, "%s: give an IPv4 or IPv6 address and a port 1..65535 (and a text below 256 bytes)\n", cmd);
        return EXIT_USAGE;
}

static int fail(const char *what) {
        dprintf(2, "%s: %s (%s)\n", what, strerror(errno), strerrorname_np(errno) ?: "?");
        return EXIT_OBSERVATION_FAILED;
}

/* ADDR and PORT as a socket address of either family. */
static bool parse_endpoint(const char *addr, const char *port, struct sockaddr_storage *ss, socklen_t *len) {
        struct sockaddr_in *in = (struct sockaddr_in *) ss;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) ss;
        long p;

        char *end;

        memset(ss, 0, sizeof *ss);
        errno = 0;
        p = strtol(port, &end, 10);
        if (errno != 0 || end == port || *end || p < 1 || p > 65535)
                return false;
        if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
                in->sin_family = AF_INET;
                in->sin_port = htons((uint16_t) p);
                *len = sizeof *in;
                return true;
        }
        if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t) p);
                *len = sizeof *in6;
                return true;
        }
        return false;
}

static const char *address_to_string(const struct sockaddr *sa, char *buf, size_t size) {
        const void *a = sa->sa_family == AF_INET ? (const void *) &((const struct sockaddr_in *) sa)->sin_addr
                                                  : (const void *) &((const struct sockaddr_in6 *) sa)->sin6_addr;

        if (!inet_ntop(sa->sa_family, a, buf, (socklen_t) size))
                snprintf(buf, size, "?");
        return buf;
}

/* Reads until end-of-file or a full buffer; returns the length. */
static ssize_t read_all(int fd, char *buf, size_t size) {
        size_t n = 0;

        while (n < size) {
                ssize_t k = read(fd, buf + n, size - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -1;
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        return (ssize_t) n;
}

static int cmd_tcp_serve(const char *addr, const char *port) {
        struct sockaddr_storage ss, peer;
        socklen_t len, peer_len = sizeof peer;
        char buf[MESSAGE_MAX], text[INET6_ADDRSTRLEN], reply[MESSAGE_MAX + 8];
        int one = 1, s, c;
        ssize_t n;

        if (!parse_endpoint(addr, port, &ss, &len))
                return usage_error("tcp-serve");
        s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return fail("socket");
        (void) setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(s, (struct sockaddr *) &ss, len) < 0)
                return fail("bind");
        if (listen(s, 1) < 0)
                return fail("listen");
        dprintf(1, "ready=1\n");
        c = accept4(s, (struct sockaddr *) &peer, &peer_len, SOCK_CLOEXEC);
        if (c < 0)
                return fail("accept");
        n = read_all(c, buf, sizeof buf - 1);
        if (n < 0)
                return fail("read");
        buf[n] = 0;
        dprintf(1, "peer=%s received=%s\n", address_to_string((struct sockaddr *) &peer, text, sizeof text), buf);
        n = snprintf(reply, sizeof reply, "echo:%s", buf);
        if (write(c, reply, (size_t) n) != n)
                return fail("write");
        close(c);
        close(s);
        return 0;
}

static int cmd_tcp_send(const char *addr, const char *port, const char *message) {
        struct sockaddr_storage ss;
        socklen_t len;
        char buf[MESSAGE_MAX + 8];
        size_t m = strlen(message);
        ssize_t n;
        int s;

        if (!parse_endpoint(addr, port, &ss, &len) || m >= MESSAGE_MAX)
                return usage_error("tcp-send");
        s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return fail("socket");
        if (connect(s, (struct sockaddr *) &ss, len) < 0)
                return fail("connect");
        if (write(s, message, m) != (ssize_t) m || shutdown(s, SHUT_WR) < 0)
                return fail("write");
        n = read_all(s, buf, sizeof buf - 1);
        if (n < 0)
                return fail("read");
        buf[n] = 0;
        dprintf(1, "reply=%s\n", buf);
        close(s);
        return 0;
}

static unsigned prefix_length(const struct sockaddr *mask) {
        const unsigned char *b = mask->sa_family == AF_INET
                ? (const unsigned char *) &((const struct sockaddr_in *) mask)->sin_addr
                : (const unsigned char *) &((const struct sockaddr_in6 *) mask)->sin6_addr;
        size_t n = mask->sa_family == AF_INET ? 4 : 16;
        unsigned bits = 0;

        for (size_t i = 0; i < n; i++)
                bits += (unsigned) __builtin_popcount(b[i]);
        return bits;
}

static int cmd_ifaddrs(void) {
        struct ifaddrs *all;
        char text[INET6_ADDRSTRLEN];

        if (getifaddrs(&all) < 0)
                return fail("getifaddrs");
        for (struct ifaddrs *i = all; i; i = i->ifa_next) {
                const struct sockaddr *sa = i->ifa_addr;

                if (!sa)
                        continue;
                if (sa->sa_family == AF_PACKET) {
                        const struct sockaddr_ll *ll = (const struct sockaddr_ll *) sa;
                        const unsigned char *m = ll->sll_addr;

                        dprintf(1, "link=%s mac=%02x:%02x:%02x:%02x:%02x:%02x up=%d\n", i->ifa_name,
                                m[0], m[1], m[2], m[3], m[4], m[5], (i->ifa_flags & IFF_UP) ? 1 : 0);
                } else if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)
                        dprintf(1, "address=%s/%u dev=%s\n", address_to_string(sa, text, sizeof text),
                                prefix_length(i->ifa_netmask), i->ifa_name);
        }
        freeifaddrs(all);
        return 0;
}

/* /proc/net/route: "Iface Destination Gateway ..." in host byte order hex. */
static void print_default_routes4(void) {
        char line[512], dev[IF_NAMESIZE + 1];
        unsigned dst, gw;
        FILE *f = fopen("/proc/net/route", "re");

        if (!f)
                return;
        while (fgets(line, sizeof line, f))
                if (sscanf(line, "%16s %x %x", dev, &dst, &gw) == 3 && dst == 0) {
                        struct in_addr a = { .s_addr = gw };
                        char text[INET_ADDRSTRLEN];
                        dprintf(1, "default=%s dev=%s\n", inet_ntop(AF_INET, &a, text, sizeof text), dev);
                }
        fclose(f);
}

/* /proc/net/ipv6_route: "DST DSTLEN SRC SRCLEN GATEWAY METRIC REFCNT USE FLAGS DEV", 32 hex digits
 * per address. */
static void print_default_routes6(void) {
        char line[512], dst[33], gw[33], src[33], dev[IF_NAMESIZE + 1];
        unsigned dst_len, src_len;
        FILE *f = fopen("/proc/net/ipv6_route", "re");

        if (!f)
                return;
        while (fgets(line, sizeof line, f)) {
                struct in6_addr a;
                char text[INET6_ADDRSTRLEN];

                if (sscanf(line, "%32s %x %32s %x %32s %*s %*s %*s %*s %16s", dst, &dst_len, src, &src_len,
                           gw, dev) != 6 || dst_len != 0 || streq(dev, "lo"))
                        continue;
                for (size_t i = 0; i < 16; i++)
                        sscanf(gw + 2 * i, "%2hhx", &a.s6_addr[i]);
                dprintf(1, "default=%s dev=%s\n", inet_ntop(AF_INET6, &a, text, sizeof text), dev);
        }
        fclose(f);
}

static int cmd_routes(void) {
        print_default_routes4();
        print_default_routes6();
        return 0;
}

int helper_net_main(const char *cmd, int argc, char *argv[]) {
        if (streq(cmd, "tcp-serve") && argc == 2)
                return cmd_tcp_serve(argv[0], argv[1]);
        if (streq(cmd, "tcp-send") && argc == 3)
                return cmd_tcp_send(argv[0], argv[1], argv[2]);
        if (streq(cmd, "ifaddrs") && argc == 0)
                return cmd_ifaddrs();
        if (streq(cmd, "routes") && argc == 0)
                return cmd_routes();
        return -1;
}

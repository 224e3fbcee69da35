/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "settings/options.h"
#include "settings/options-network.h"

static int parse(struct config *c, char **argv) {
        int argc = 0;

        while (argv[argc])
                argc++;
        return options_parse(VERB_RUN, argc, argv, c);
}
#define PARSE_OK(c, ...) assert_int_equal(parse((c), (char *[]) { "run", __VA_ARGS__, "/tree", NULL }), 0)

/* A bad input: -EINVAL and exactly one line on stderr, which names `needle`. */
static void check_rejected(const char *needle, char **argv) {
        struct config c = {};
        char text[4096] = "";
        FILE *f = tmpfile();
        int saved = dup(STDERR_FILENO), r;
        size_t n;

        assert_non_null(f);
        fflush(NULL);
        assert_int_equal(dup2(fileno(f), STDERR_FILENO), STDERR_FILENO);
        r = parse(&c, argv);
        fflush(NULL);
        assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
        close(saved);
        rewind(f);
        n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        config_done(&c);

        if (!strstr(text, needle))
                print_error("want a message with \"%s\", got \"%s\"\n", needle, text);
        assert_int_equal(r, -EINVAL);
        assert_true(n > 0);
        assert_non_null(strstr(text, needle));
        assert_ptr_equal(strchr(text, '\n'), text + n - 1);
}
#define REJECTED(needle, ...) check_rejected((needle), (char *[]) { "run", __VA_ARGS__, "/tree", NULL })

static void check_address(const struct ip_address *a, int family, const char *text) {
        char buf[INET6_ADDRSTRLEN];

        assert_int_equal(a->family, family);
        assert_non_null(inet_ntop(family, &a->in6, buf, sizeof buf));
        assert_string_equal(buf, text);
}

static void test_none(void **state) {
        struct config c = {};

        PARSE_OK(&c, "-q");
        assert_false(network_config_is_private(&c.network));
        assert_false(network_has_veth(&c.network));
        config_done(&c);

        PARSE_OK(&c, "--private-network");
        assert_true(network_config_is_private(&c.network));
        assert_false(network_has_veth(&c.network));
        config_done(&c);
}

/* Every option but --private-network implies a network namespace of its own. */
static void test_implied_private(void **state) {
        static const char *const options[] = {
                "-n", "--network-veth", "--network-bridge=br0", "--network-zone=web",
                "--network-macvlan=eth1", "--network-ipvlan=eth1", "--network-interface=eth1",
        };

        for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
                struct config c = {};

                PARSE_OK(&c, (char *) options[i]);
                assert_true(network_config_is_private(&c.network));
                assert_int_equal(network_has_veth(&c.network), i < 4);
                config_done(&c);
        }
}

static void test_links(void **state) {
        struct config c = {};

        PARSE_OK(&c, "--network-zone=z1", "--network-macvlan=eth1", "--network-macvlan=eth2",
                 "--network-ipvlan=eth3", "--network-interface=dummy0", "--network-interface=a.b-c_d");
        assert_string_equal(c.network.zone, "z1");
        assert_null(c.network.bridge);
        assert_int_equal(c.network.n_macvlan, 2);
        assert_string_equal(c.network.macvlan[0], "eth1");
        assert_string_equal(c.network.macvlan[1], "eth2");
        assert_null(c.network.macvlan[2]);
        assert_int_equal(c.network.n_ipvlan, 1);
        assert_string_equal(c.network.ipvlan[0], "eth3");
        assert_int_equal(c.network.n_interfaces, 2);
        assert_string_equal(c.network.interfaces[1], "a.b-c_d");
        config_done(&c);
        assert_null(c.network.macvlan);
        assert_null(c.network.zone);

        /* the longest names that fit */
        PARSE_OK(&c, "--network-bridge=bbbbbbbbbbbbbbb");
        assert_string_equal(c.network.bridge, "bbbbbbbbbbbbbbb");
        config_done(&c);
        PARSE_OK(&c, "--network-zone=zzzzzzzzzzzz");
        assert_string_equal(c.network.zone, "zzzzzzzzzzzz");
        config_done(&c);
}

static void test_addresses(void **state) {
        struct config c = {};

        PARSE_OK(&c, "-n", "--address=10.231.0.2/30", "--address=fd31:5c::2/64", "--gateway=fd31:5c::1",
                 "--gateway=10.231.0.1", "--host-address=10.231.0.1/30", "--host-address=fd31:5c::1/64");
        assert_int_equal(c.network.n_addresses, 2);
        check_address(&c.network.addresses[0].address, AF_INET, "10.231.0.2");
        assert_int_equal(c.network.addresses[0].prefixlen, 30);
        check_address(&c.network.addresses[1].address, AF_INET6, "fd31:5c::2");
        assert_int_equal(c.network.addresses[1].prefixlen, 64);
        assert_int_equal(c.network.n_gateways, 2);
        check_address(&c.network.gateways[0], AF_INET6, "fd31:5c::1");
        check_address(&c.network.gateways[1], AF_INET, "10.231.0.1");
        assert_int_equal(c.network.n_host_addresses, 2);
        check_address(&c.network.host_addresses[0].address, AF_INET, "10.231.0.1");
        assert_int_equal(c.network.host_addresses[1].prefixlen, 64);
        config_done(&c);
        assert_null(c.network.addresses);

        /* a gateway in the subnet of any address of its family; prefix edges */
        PARSE_OK(&c, "--network-zone=z", "--address=192.168.7.9/32", "--address=10.1.2.3/8",
                 "--gateway=10.255.255.254", "--address=fe80::2/128", "--address=2001:db8::5/1",
                 "--gateway=7fff::1");
        assert_int_equal(c.network.n_gateways, 2);
        config_done(&c);
}

static void test_bad_names(void **state) {
        REJECTED("\"bbbbbbbbbbbbbbbb\": an interface name is 1..15 bytes", "--network-bridge=bbbbbbbbbbbbbbbb");
        REJECTED("--network-bridge= value \"a/b\"", "--network-bridge=a/b");
        REJECTED("--network-bridge= value \"a:b\"", "--network-bridge=a:b");
        REJECTED("--network-bridge= value \"a b\"", "--network-bridge=a b");
        /* Shown escaped: a control byte from the command line never reaches the terminal as it is. */
        REJECTED("--network-bridge= value \"a\\x09b\"", "--network-bridge=a\tb");
        REJECTED("--network-bridge= value \"\"", "--network-bridge=");
        REJECTED("--network-bridge= value \".\"", "--network-bridge=.");
        REJECTED("--network-bridge= value \"..\"", "--network-bridge=..");
        REJECTED("--network-bridge= value \"a\\x01\"", "--network-bridge=a\x01");
        REJECTED("--network-bridge= value \"\xc3\xa9\"", "--network-bridge=\xc3\xa9");
        REJECTED("zone name of at most 12 bytes", "--network-zone=zzzzzzzzzzzzz");
        REJECTED("--network-zone= value \"z/1\"", "--network-zone=z/1");
        REJECTED("--network-macvlan= value \"eth0:1\"", "--network-macvlan=eth0:1");
        REJECTED("--network-ipvlan= value \"eth 1\"", "--network-ipvlan=eth 1");
        REJECTED("--network-interface= value \"iiiiiiiiiiiiiiii\"", "--network-interface=iiiiiiiiiiiiiiii");
        REJECTED("--network-interface= value \"/\"", "--network-interface=/");
        REJECTED("\"eth1\": that interface is given twice", "--network-interface=eth1",
                 "--network-interface=eth1");
        REJECTED("\"eth1\": that interface is given twice", "--network-macvlan=eth1", "--network-macvlan=eth1");
        REJECTED("--network-interface=eth1 moves eth1 into the container", "--network-macvlan=eth1",
                 "--network-interface=eth1");
        REJECTED("--network-interface=eth1 moves eth1 into the container", "--network-interface=eth1",
                 "--network-ipvlan=eth1");
        REJECTED("Interface eth1 is given to both", "--network-ipvlan=eth1", "--network-macvlan=eth1");
        REJECTED("--network-bridge=br0 and --network-zone=z", "--network-bridge=br0", "--network-zone=z");
        check_rejected("Option --network-bridge needs a value", (char *[]) { "run", "--network-bridge", NULL });
        REJECTED("Option -n/--network-veth takes no value", "--network-veth=1");
}

static void test_bad_addresses(void **state) {
        REJECTED("\"10.0.0.256/24\": not an IPv4 or IPv6 address", "-n", "--address=10.0.0.256/24");
        REJECTED("\"10.0.0/24\": not an IPv4 or IPv6 address", "-n", "--address=10.0.0/24");
        REJECTED("\"fd00::g/64\": not an IPv4 or IPv6 address", "-n", "--address=fd00::g/64");
        REJECTED("\"web/24\": not an IPv4 or IPv6 address", "-n", "--address=web/24");
        REJECTED("\"/24\": not an IPv4 or IPv6 address", "-n", "--address=/24");
        REJECTED("\"10.0.0.1\": give the prefix length after a '/'", "-n", "--address=10.0.0.1");
        REJECTED("\"10.0.0.1/33\": the prefix length must be 1..32", "-n", "--address=10.0.0.1/33");
        REJECTED("\"10.0.0.1/0\": the prefix length must be 1..32", "-n", "--address=10.0.0.1/0");
        REJECTED("\"10.0.0.1/4294967320\": the prefix length must be 1..32", "-n",
                 "--address=10.0.0.1/4294967320");
        REJECTED("\"fd00::1/129\": the prefix length must be 1..128", "-n", "--address=fd00::1/129");
        REJECTED("\"10.0.0.1/\": the prefix length must be a number", "-n", "--address=10.0.0.1/");
        REJECTED("\"10.0.0.1/-8\": the prefix length must be a number", "-n", "--address=10.0.0.1/-8");
        REJECTED("\"10.0.0.1/8x\": the prefix length must be a number", "-n", "--address=10.0.0.1/8x");
        REJECTED("\"0.0.0.0/8\": an unspecified, loopback", "-n", "--address=0.0.0.0/8");
        REJECTED("\"127.0.0.2/8\": an unspecified, loopback", "-n", "--address=127.0.0.2/8");
        REJECTED("\"224.0.0.1/4\": an unspecified, loopback", "-n", "--address=224.0.0.1/4");
        REJECTED("\"255.255.255.255/32\": an unspecified, loopback", "-n", "--address=255.255.255.255/32");
        REJECTED("\"::/64\": an unspecified, loopback", "-n", "--address=::/64");
        REJECTED("\"::1/128\": an unspecified, loopback", "-n", "--address=::1/128");
        REJECTED("\"ff02::1/64\": an unspecified, loopback", "-n", "--address=ff02::1/64");
        REJECTED("\"10.0.0.2/16\": that address is given twice", "-n", "--address=10.0.0.2/24",
                 "--address=10.0.0.2/16");
        REJECTED("--host-address= value \"10.0.0.1/99\"", "-n", "--host-address=10.0.0.1/99");
        REJECTED("--host-address= and --address= give both ends", "-n", "--address=10.0.0.2/24",
                 "--host-address=10.0.0.2/24");
        REJECTED("--host-address= needs -n/--network-veth", "--host-address=10.0.0.1/24");
        REJECTED("--host-address= needs -n/--network-veth", "-n", "--network-bridge=br0",
                 "--host-address=10.0.0.1/24");
        REJECTED("--address= and --gateway= configure the container's host0", "--address=10.0.0.2/24");
        REJECTED("--address= and --gateway= configure the container's host0", "--network-macvlan=eth1",
                 "--address=10.0.0.2/24");
}

static void test_bad_gateways(void **state) {
        REJECTED("\"10.0.1.1\": it lies outside the subnet of every --address=", "-n",
                 "--address=10.0.0.2/24", "--gateway=10.0.1.1");
        REJECTED("\"10.0.0.1\": it lies outside the subnet of every --address=", "-n",
                 "--address=10.0.0.2/31", "--gateway=10.0.0.1");
        REJECTED("\"10.0.0.1\": it lies outside the subnet of every --address=", "-n",
                 "--address=fd00::2/8", "--gateway=10.0.0.1");
        REJECTED("\"10.0.0.1\": it lies outside the subnet of every --address=", "-n", "--gateway=10.0.0.1");
        REJECTED("\"fd01::1\": it lies outside the subnet of every --address=", "-n",
                 "--address=fd00::2/64", "--address=10.0.0.2/8", "--gateway=fd01::1");
        REJECTED("\"10.0.0.2\": that is the container's own --address=", "-n", "--address=10.0.0.2/24",
                 "--gateway=10.0.0.2");
        REJECTED("\"10.0.0.1/24\": give an address without a prefix length", "-n",
                 "--address=10.0.0.2/24", "--gateway=10.0.0.1/24");
        REJECTED("\"10.0.0.3\": there can be one gateway per address family", "-n",
                 "--address=10.0.0.2/24", "--gateway=10.0.0.1", "--gateway=10.0.0.3");
        REJECTED("\"0.0.0.0\": an unspecified", "-n", "--gateway=0.0.0.0");
        REJECTED("\"gw\": not an IPv4 or IPv6 address", "-n", "--gateway=gw");
        REJECTED("--address= and --gateway= configure", "--private-network", "--gateway=10.0.0.1");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_none),
                cmocka_unit_test(test_implied_private),
                cmocka_unit_test(test_links),
                cmocka_unit_test(test_addresses),
                cmocka_unit_test(test_bad_names),
                cmocka_unit_test(test_bad_addresses),
                cmocka_unit_test(test_bad_gateways),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}

# shellcheck shell=bash
# Networking: --private-network, veth links with addresses, zones, bridges, macvlan, ipvlan, moved
# interfaces, cleanup after exit and after SIGKILL, and bad input. Addresses only on links the tests
# create (10.231.N.0/24 and fd31:5c:N::/64, N from the run's ID), never a route towards the outside;
# names carry the run's ID so that nothing of the host's is touched, and the leak check at the end of
# the suite finds what any of them left (and only that: others may be using the machine).

NET_ID=$((RUN_ID % 100000))
NET_N=$((RUN_ID % 200 + 20))
V4=10.231.$NET_N
V6=fd31:5c:$NET_N

# The host's network links and addresses, without counters or states that change on their own.
host_links() {
        ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | LC_ALL=C sort
}
host_addresses() {
        ip -o address show | awk '{ print $2, $4 }' | LC_ALL=C sort
}

link_exists() { # NAME
        ip link show dev "$1" >/dev/null 2>&1
}

# A link the test makes on the host (ip link add NAME ARGS...), deleted when the test ends.
add_link() { # NAME ARGS...
        local name=$1
        shift
        ip link add "$name" "$@" || fail "cannot create the test's link $name"
        on_exit "ip link delete '$name' 2>/dev/null"
}

# Links syscon should remove itself: deleted when the test ends should it fail to (the test checks
# first), so that one failure does not spoil the tests after it.
cleanup_links() { # NAME...
        local name
        for name in "$@"; do
                on_exit "ip link delete '$name' 2>/dev/null"
        done
}

wait_link_gone() { # NAME SECONDS
        local deadline=$((SECONDS + $2))
        while link_exists "$1"; do
                [ "$SECONDS" -lt "$deadline" ] || return 1
                sleep 0.05
        done
}

expect_link() { # NAME WHEN
        link_exists "$1" || fail "no link $1 $2; the host has: $(host_links | tr '\n' ' ')"
}

expect_no_link() { # NAME WHEN
        ! link_exists "$1" || fail "link $1 still exists $2"
}

# The kernel removes a container's veth with its network namespace, a few ms after it ended.
expect_link_gone() { # NAME WHEN
        wait_link_gone "$1" 5 || fail "link $1 still exists 5 s $2"
}

# The host links syscon made for machine M, whatever their names (a stale one is renamed).
links_of_machine() { # MACHINE
        ip -d -o link show | awk -v m="syscon machine=$1 " 'index($0, m) { sub(/@.*/, "", $2); sub(/:$/, "", $2); print $2 }'
}

# The bridge a host link is a port of, or nothing.
link_master() { # NAME
        ip -o link show dev "$1" | sed -n 's/.* master \([^ ]*\) .*/\1/p'
}

# The link's alias must name machine M (syscon's mark of its links).
expect_owner() { # LINK MACHINE
        local details
        details=$(ip -d link show dev "$1" 2>&1)
        [[ $details == *"alias syscon machine=$2 "* ]] || fail "link $1 does not carry syscon's alias for machine $2: $details"
}

# Waits for a background container (start_bg) to end by itself; its output becomes $T/out.
wait_bg() {
        wait_pid "$BG_PID" 10 || fail "the container did not end within 10 s"
        cp "$T/bg-out" "$T/out"
        cp "$T/bg-err" "$T/err"
}

# From the host, TEXT to a container's tcp-serve at ADDR PORT; the reply must be its echo.
expect_tcp_echo() { # ADDR PORT TEXT
        "$SYSCON_TEST_HELPER" tcp-send "$1" "$2" "$3" >"$T/client" 2>&1 ||
                fail "tcp-send to $1 port $2 failed: $(cat "$T/client")"
        expect_eq "$(kv reply "$T/client")" "echo:$3" "reply from $1 port $2"
}

t_private_network() {
        observe "$BASE_TREE" --private-network -- netdevs
        expect_eq "$(cat "$T/out")" "netdev=lo index=1 up=1" "network devices with --private-network"
        observe "$BASE_TREE" --private-network -- ls /sys/class/net
        expect_eq "$(kv_all name)" lo "/sys/class/net with --private-network"
}
register t_private_network "--private-network: only lo, up (netlink and /sys/class/net)"

t_host_network() {
        local host
        host=$("$SYSCON_TEST_HELPER" netdevs | awk '{ print $1 }' | LC_ALL=C sort | tr '\n' ' ')
        observe "$BASE_TREE" -- netdevs
        expect_eq "$(awk '{ print $1 }' "$T/out" | LC_ALL=C sort | tr '\n' ' ')" "$host" \
                "network devices without --private-network (the host's)"
}
register t_host_network "without --private-network the container shares the host's network devices"

t_veth_tcp_from_host() {
        local m=n${NET_ID}v family addr host_addr
        cleanup_links "ve-$m"
        for family in 4 6; do
                if [ "$family" = 4 ]; then
                        addr=$V4.2 host_addr=$V4.1
                else
                        addr=$V6::2 host_addr=$V6::1
                fi
                start_bg "$BASE_TREE" -M "$m" -n --address="$V4.2/30" --address="$V6::2/64" \
                        --host-address="$V4.1/30" --host-address="$V6::1/64" -- tcp-serve "$addr" 7001
                expect_owner "ve-$m" "$m"
                expect_match "$(ip -o address show dev "ve-$m")" "inet $V4.1/30 .* inet6 $V6::1/64" \
                        "addresses of ve-$m"
                expect_tcp_echo "$addr" 7001 "hello-ipv$family"
                wait_bg
                expect_rc 0
                expect_eq "$(kv peer)" "$host_addr" "the client's address as the container saw it"
                expect_eq "$(kv received)" "hello-ipv$family" "what the container received"
                expect_link_gone "ve-$m" "after the container ended"
        done
}
register t_veth_tcp_from_host "-n with --address and --host-address: the host reaches the container over TCP, IPv4 and IPv6"

t_veth_inside() {
        local m=n${NET_ID}i mac
        observe "$BASE_TREE" -M "$m" -n --address="$V4.6/30" --address="$V6:1::6/64" \
                --gateway="$V4.5" --gateway="$V6:1::5" -- ifaddrs
        expect_eq "$(kv_all link)" "host0 lo" "links in the container"
        expect_eq "$(grep '^link=host0 ' "$T/out" | awk '{ print $3 }')" "up=1" "host0 up"
        expect_eq "$(grep '^link=lo ' "$T/out" | awk '{ print $3 }')" "up=1" "lo up"
        expect_eq "$(grep ' dev=host0$' "$T/out" | grep -v '^address=fe80:' | LC_ALL=C sort | tr '\n' ' ')" \
                "address=$V4.6/30 dev=host0 address=$V6:1::6/64 dev=host0 " "addresses on host0"
        mac=$(grep '^link=host0 ' "$T/out" | awk '{ print $2 }')
        # Locally administered and unicast: the first octet's low bits are 10.
        expect_match "$mac" '^mac=.[26ae]:' "host0's MAC"

        observe "$BASE_TREE" -M "$m" -n --address="$V4.6/30" --address="$V6:1::6/64" \
                --gateway="$V4.5" --gateway="$V6:1::5" -- routes
        expect_eq "$(grep -c '' "$T/out")" 2 "default routes"
        expect_eq "$(sed -n 1p "$T/out")" "default=$V4.5 dev=host0" "IPv4 default route"
        expect_eq "$(sed -n 2p "$T/out")" "default=$V6:1::5 dev=host0" "IPv6 default route"

        observe "$BASE_TREE" -M "$m" -n -- ifaddrs
        expect_eq "$(grep '^link=host0 ' "$T/out" | awk '{ print $2 }')" "$mac" "host0's MAC on the next start"
        observe "$BASE_TREE" -M "${m}x" -n -- ifaddrs
        expect_ne "$(grep '^link=host0 ' "$T/out" | awk '{ print $2 }')" "$mac" "host0's MAC of another machine"
        expect_link_gone "ve-$m" "after the container ended"
}
register t_veth_inside "-n: host0 and lo up, addresses and default routes inside, a stable MAC per machine"

t_veth_long_machine_name() {
        local m=n${NET_ID}-a-rather-long-machine-name link first
        start_bg "$BASE_TREE" -M "$m" -n -- wait-signal 0
        link=$(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep "^ve-${m:0:8}")
        cleanup_links "$link"
        expect_eq "${#link}" 15 "length of the host link's name ($link)"
        expect_owner "$link" "$m"
        kill -TERM "$BG_PID"
        wait_bg
        expect_link_gone "$link" "after the container ended"
        first=$link

        start_bg "$BASE_TREE" -M "$m" -n -- wait-signal 0
        expect_link "$first" "on the next start of machine $m"
        kill -TERM "$BG_PID"
        wait_bg
}
register t_veth_long_machine_name "-n with a long machine name: a 15-byte host link name with a hash, the same on every start"

t_zone() {
        local zone=z$NET_ID bridge=vz-z$NET_ID a=n${NET_ID}za b=n${NET_ID}zb
        cleanup_links "$bridge" "vb-$a" "vb-$b"
        expect_no_link "$bridge" "before the zone's first container"
        start_bg "$BASE_TREE" -M "$a" --network-zone="$zone" --address="$V4.17/28" -- tcp-serve "$V4.17" 7002
        expect_match "$(ip -d -o link show dev "$bridge")" ' bridge ' "kind of $bridge"
        expect_eq "$(link_master "vb-$a")" "$bridge" "bridge of vb-$a"

        # A second container comes and goes while the first waits for its client.
        observe "$BASE_TREE" -M "$b" --network-zone="$zone" -- netdevs
        expect_link_gone "vb-$b" "after the container ended"
        link_exists "$bridge" || fail "$bridge went while a container of the zone still runs"
        expect_eq "$(link_master "vb-$a")" "$bridge" "bridge of vb-$a"

        in_tree "$BASE_TREE" -M "$b" --network-zone="$zone" --address="$V4.18/28" -- tcp-send "$V4.17" 7002 hi-zone
        expect_rc 0
        expect_eq "$(kv reply)" "echo:hi-zone" "reply from the zone's other container"

        wait_bg
        expect_rc 0
        expect_eq "$(kv peer)" "$V4.18" "the client's address"
        expect_link_gone "vb-$a" "after the container ended"
        expect_no_link "$bridge" "after the zone's last container ended"
}
register t_zone "--network-zone: two containers of a zone reach each other; the bridge goes with the last"

t_zone_bridge_of_the_host_kept() {
        local zone=y$NET_ID m=n${NET_ID}y
        add_link "vz-$zone" type bridge
        observe "$BASE_TREE" -M "$m" --network-zone="$zone" -- netdevs
        expect_eq "$(kv_all netdev)" "host0 lo" "links in the container"
        link_exists "vz-$zone" || fail "syscon removed the bridge vz-$zone it did not create"
}
register t_zone_bridge_of_the_host_kept "--network-zone with an existing bridge of the host: joined, never removed"

t_bridge() {
        local br=b$NET_ID m=n${NET_ID}b
        add_link "$br" type bridge
        ip address add "$V4.33/28" dev "$br" && ip link set "$br" up || fail "cannot set up bridge $br"
        cleanup_links "vb-$m"
        start_bg "$BASE_TREE" -M "$m" --network-bridge="$br" --address="$V4.34/28" -- tcp-serve "$V4.34" 7003
        expect_eq "$(link_master "vb-$m")" "$br" "bridge of vb-$m"
        expect_tcp_echo "$V4.34" 7003 hi-bridge
        wait_bg
        expect_rc 0
        expect_eq "$(kv peer)" "$V4.33" "the client's address (the bridge's)"
        expect_link_gone "vb-$m" "after the container ended"
        link_exists "$br" || fail "syscon removed the bridge $br it did not create"
}
register t_bridge "--network-bridge: the host reaches the container through an existing bridge, which stays"

t_macvlan() {
        local p=p${NET_ID}a m=n${NET_ID}m
        add_link "$p" type veth peer name "p${NET_ID}b"
        observe "$BASE_TREE" -M "$m" --network-macvlan="$p" -- ifaddrs
        expect_eq "$(kv_all link)" "lo mv-$p" "links in the container"
        expect_match "$(grep "^link=mv-$p " "$T/out")" ' mac=.[26ae]:.* up=1$' "mv-$p: locally administered MAC, up"
        link_exists "$p" || fail "the parent $p is gone"
}
register t_macvlan "--network-macvlan: a macvlan link mv-IF inside, up, with its own MAC"

ipvlan_supported() {
        unshare -n sh -c 'ip link add p type veth peer name q && ip link add i link p type ipvlan' 2>/dev/null
}

t_ipvlan() {
        local p=p${NET_ID}c m=n${NET_ID}l
        add_link "$p" type veth peer name "p${NET_ID}d"
        if ipvlan_supported; then
                observe "$BASE_TREE" -M "$m" --network-ipvlan="$p" -- ifaddrs
                expect_eq "$(kv_all link)" "iv-$p lo" "links in the container"
        else
                # This kernel has no ipvlan: a clear error, and the veth made before it is removed.
                cleanup_links "ve-$m"
                sc run -M "$m" -n --network-ipvlan="$p" "$BASE_TREE" /bin/true
                expect_launcher_error "no ipvlan support"
                expect_no_link "ve-$m" "after the failed start"
        fi
        link_exists "$p" || fail "the parent $p is gone"
}
register t_ipvlan "--network-ipvlan: an ipvlan link iv-IF inside (or, without kernel support, a clean failure)"

t_interface_moved_in_and_back() {
        local a=i${NET_ID}a b=i${NET_ID}b mac
        add_link "$a" type veth peer name "$b"
        mac=$(cat "/sys/class/net/$b/address")
        observe "$BASE_TREE" --network-interface="$b" -- ifaddrs
        expect_eq "$(kv_all link)" "$b lo" "links in the container"
        expect_eq "$(grep "^link=$b " "$T/out" | awk '{ print $2, $3 }')" "mac=$mac up=1" "$b inside"
        link_exists "$b" || fail "$b did not come back to the host"
        expect_eq "$(cat "/sys/class/net/$b/address")" "$mac" "MAC of $b back on the host"
        expect_eq "$(ip -o link show dev "$a" | grep -c "$a@$b")" 1 "$a's peer is $b again"
}
register t_interface_moved_in_and_back "--network-interface: the link is moved in, up, and back under its name at exit"

t_sigkill_supervisor() {
        local m=n${NET_ID}k zone=k$NET_ID other=j$NET_ID
        cleanup_links "ve-$m" "vb-$m" "vz-$zone" "vz-$other"
        start_bg "$BASE_TREE" -M "$m" -n -- wait-signal 0
        expect_link "ve-$m" "while the container runs"
        kill -KILL "$BG_PID"
        expect_link_gone "ve-$m" "after SIGKILL of the supervisor"

        start_bg "$BASE_TREE" -M "$m" --network-zone="$zone" -- wait-signal 0
        kill -KILL "$BG_PID"
        expect_link_gone "vb-$m" "after SIGKILL of the supervisor"
        # The killed supervisor's zone bridge is left without a port: the next start of any zone
        # removes it.
        kill_procs_under "$BASE_TREE"
        sc run -q -M "$m" --network-zone="$other" "$BASE_TREE" /bin/true
        expect_rc 0
        expect_no_link "vz-$zone" "after a container of another zone ran"
        expect_no_link "vz-$other" "after the zone's only container ended"
}
register t_sigkill_supervisor "SIGKILL of the supervisor: its host link goes; its zone's bridge goes with the next zone start"

t_stale_and_live_links() {
        local m=n${NET_ID}s init netns holder deadline
        cleanup_links "ve-$m"
        on_exit "links_of_machine '$m' | xargs -r -n1 ip link delete"
        start_bg "$BASE_TREE" -M "$m" -n -- wait-signal 0
        sc run -q -M "$m" -n "$BASE_TREE" /bin/true
        expect_launcher_error "A container named $m is already running"
        link_exists "ve-$m" || fail "a second start of machine $m removed the first one's link"

        # A process that entered the container's network namespace keeps it, and ve-NAME with it,
        # after the supervisor is killed: the next start of the machine removes that stale link.
        init=$(ps -o pid= --ppid "$BG_PID" | tr -d ' ')
        netns=$(readlink "/proc/$init/ns/net")
        nsenter --net="/proc/$init/ns/net" sleep 60 &
        holder=$!
        on_exit "kill $holder 2>/dev/null; wait $holder 2>/dev/null"
        deadline=$((SECONDS + 5))
        until [ "$(readlink "/proc/$holder/ns/net")" = "$netns" ]; do
                [ "$SECONDS" -lt "$deadline" ] || fail "nsenter did not enter the container's namespace"
                sleep 0.05
        done
        kill -KILL "$BG_PID"
        wait_pid "$BG_PID" 5
        kill_procs_under "$BASE_TREE"
        link_exists "ve-$m" || fail "the held namespace did not keep ve-$m (the test needs it to)"

        sc run -q -M "$m" -n "$BASE_TREE" /bin/true
        expect_rc 0
        expect_link_gone "ve-$m" "after the next start of machine $m ended"
        # The stale link, renamed out of the way, goes with the last holder of its namespace.
        kill "$holder"
        deadline=$((SECONDS + 5))
        while [ -n "$(links_of_machine "$m")" ]; do
                [ "$SECONDS" -lt "$deadline" ] || fail "a link of machine $m outlived its namespace's holder by 5 s"
                sleep 0.05
        done
}
register t_stale_and_live_links "a second start of a running machine is refused, its link kept; a dead supervisor's stale link is cleared by the next start"

# Each bad input: 125, one message naming it, and the host's links and addresses as they were.
expect_rejected() { # NEEDLE OPTIONS...
        local needle=$1 links addresses
        shift
        links=$(host_links)
        addresses=$(host_addresses)
        sc run -q "$@" "$BASE_TREE" /bin/true
        expect_launcher_error "$needle"
        expect_eq "$(host_links)" "$links" "the host's links after syscon run $*"
        expect_eq "$(host_addresses)" "$addresses" "the host's addresses after syscon run $*"
}

t_bad_input() {
        local m=n${NET_ID}e p=p${NET_ID}e
        add_link "$p" type veth peer name "p${NET_ID}f"
        cleanup_links "ve-$m" "vb-$m" "vz-e$NET_ID" "vz-f$NET_ID"
        expect_rejected "1..15 bytes" -M "$m" --network-bridge=br-name-too-long
        expect_rejected 'value "a/b"' -M "$m" --network-bridge=a/b
        expect_rejected 'value "a:b"' -M "$m" --network-macvlan=a:b
        expect_rejected 'value "a b"' -M "$m" --network-interface="a b"
        expect_rejected "at most 12 bytes" -M "$m" --network-zone=zone-too-long
        expect_rejected 'value "10.0.0.256/24"' -M "$m" -n --address=10.0.0.256/24
        expect_rejected 'value "10.0.0.2/33"' -M "$m" -n --address=10.0.0.2/33
        expect_rejected 'value "fd31::2/129"' -M "$m" -n --address=fd31::2/129
        expect_rejected 'value "10.1.0.1": it lies outside' -M "$m" -n --address="$V4.2/30" --gateway=10.1.0.1
        expect_rejected "no such interface" -M "$m" --network-bridge="nob$NET_ID"
        expect_rejected "is not a bridge" -M "$m" --network-bridge="$p"
        expect_rejected "no such interface" -M "$m" --network-macvlan="nop$NET_ID"
        expect_rejected "no such interface" -M "$m" --network-ipvlan="nop$NET_ID"
        expect_rejected "no such interface" -M "$m" -n --network-interface="noi$NET_ID"
        expect_rejected "loopback" -M "$m" --network-interface=lo

        # Names the host uses already for links that are not syscon's: refused, and kept.
        add_link "ve-$m" type veth peer name "q${NET_ID}e"
        expect_rejected "already has a link ve-$m" -M "$m" -n
        link_exists "ve-$m" || fail "syscon removed the host's link ve-$m"
        add_link "vz-f$NET_ID" type veth peer name "q${NET_ID}f"
        expect_rejected "not a bridge" -M "$m" --network-zone="f$NET_ID"

        # A failure after links were made (a macvlan on a parent that a passthru macvlan holds):
        # the veth and the zone's new bridge are removed again.
        add_link "pt$NET_ID" link "$p" type macvlan mode passthru
        expect_rejected "Failed to create the macvlan link" -M "n${NET_ID}g" --network-zone="e$NET_ID" \
                --network-macvlan="$p"
        expect_rejected "Failed to create the macvlan link" -M "n${NET_ID}g" -n --host-address="$V4.41/30" \
                --network-macvlan="$p"
}
register t_bad_input "bad network input: 125, one message, no link, bridge or address left behind"

# What the tests above may leave: links named with the run's ID, links syscon made for their
# machines (a stale one renamed), addresses in their subnets.
network_test_leftovers() {
        ip -d -o link show | awk -v id="$NET_ID" -v m="alias syscon machine=n$NET_ID" '
                { name = $2; sub(/@.*/, "", name); sub(/:$/, "", name) }
                index(name, id) || index($0, m) { print "link", name }'
        ip -o address show | awk -v a="$V4." -v b="$V6:" 'index($4, a) == 1 || index($4, b) == 1 { print "address", $2, $4 }'
}

t_leak_network() {
        expect_eq "$(network_test_leftovers)" "" "links and addresses the network tests left on the host"
}
register_leak_check t_leak_network "leak check: no network link or address of the tests left on the host"

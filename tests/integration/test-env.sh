# shellcheck shell=bash
# What COMMAND starts with: host name, environment, fds, working directory, user.

t_hostname_default() {
        local host_before
        host_before=$(uname -n)
        observe "$BASE_TREE" -- hostname
        expect_eq "$(kv hostname)" "$(basename "$BASE_TREE")" "host name (the tree's directory name)"
        expect_eq "$(uname -n)" "$host_before" "the host's own name after the run"
}
register t_hostname_default "the host name is the machine name, by default the tree's directory name"

t_hostname_options() {
        observe "$BASE_TREE" --hostname=sit-host -- hostname
        expect_eq "$(kv hostname)" sit-host "host name with --hostname=sit-host"
        observe "$BASE_TREE" -M sit-machine -- hostname
        expect_eq "$(kv hostname)" sit-machine "host name with -M sit-machine"
        observe "$BASE_TREE" --machine=sit-machine --hostname=sit-host -- hostname
        expect_eq "$(kv hostname)" sit-host "host name with --machine=sit-machine --hostname=sit-host"
}
register t_hostname_options "--hostname and -M/--machine set the host name (--hostname wins)"

# Names of the variables in $T/out (one NAME=VALUE a line), sorted, space-separated.
env_names() {
        cut -d= -f1 "$T/out" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
env_value() { # NAME
        grep "^$1=" "$T/out" | head -n 1 | cut -d= -f2-
}

t_environment_exact() {
        # SYSCON_LEAK_CHECK=1 is exported by run.sh: it must not get in.
        [ "${SYSCON_LEAK_CHECK:-}" = 1 ] || fail "run.sh did not export SYSCON_LEAK_CHECK=1"
        observe "$BASE_TREE" -- env
        expect_eq "$(env_names)" "HOME LOGNAME PATH SHELL TERM USER container container_uuid" \
                "names in COMMAND's environment"
        expect_eq "$(env_value container)" syscon "container"
        expect_match "$(env_value container_uuid)" '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' \
                "container_uuid"
        expect_eq "$(env_value HOME)" /root "HOME"
        expect_eq "$(env_value USER)" root "USER"
        expect_eq "$(env_value LOGNAME)" root "LOGNAME"
        expect_eq "$(env_value SHELL)" /bin/sh "SHELL"
        expect_match "$(env_value PATH)" '(^|:)/bin(:|$)' "PATH"
        expect_match "$(env_value TERM)" '.' "TERM"

        local first
        first=$(env_value container_uuid)
        observe "$BASE_TREE" -- env
        expect_ne "$(env_value container_uuid)" "$first" "container_uuid of a second run"
}
register t_environment_exact "environment: exactly PATH container container_uuid TERM HOME USER LOGNAME SHELL"

t_environment_setenv() {
        observe "$BASE_TREE" -E FOO=bar --setenv=PATH=/sit/bin:/bin -E SYSCON_LEAK_CHECK -E EMPTY= -- env
        expect_eq "$(env_names)" "EMPTY FOO HOME LOGNAME PATH SHELL SYSCON_LEAK_CHECK TERM USER container container_uuid" \
                "names in COMMAND's environment (each once)"
        expect_eq "$(env_value FOO)" bar "FOO from -E FOO=bar"
        expect_eq "$(env_value PATH)" /sit/bin:/bin "PATH from --setenv=PATH=..."
        expect_eq "$(env_value SYSCON_LEAK_CHECK)" 1 "SYSCON_LEAK_CHECK from a bare -E (the host's value)"
        expect_eq "$(grep -c '^EMPTY=$' "$T/out")" 1 "EMPTY= from -E EMPTY="
}
register t_environment_setenv "-E/--setenv adds and overrides variables; a bare -E NAME passes the host's value"

t_environment_user() {
        observe "$BASE_TREE" -u user -- env
        expect_eq "$(env_names)" "HOME LOGNAME PATH SHELL TERM USER container container_uuid" \
                "names in COMMAND's environment with -u user"
        expect_eq "$(env_value HOME)" /home/user "HOME with -u user"
        expect_eq "$(env_value USER)" user "USER with -u user"
        expect_eq "$(env_value LOGNAME)" user "LOGNAME with -u user"
        expect_eq "$(env_value SHELL)" /bin/sh "SHELL with -u user"
}
register t_environment_user "environment with -u user: HOME, USER, LOGNAME, SHELL from the tree's passwd"

t_fds_only_stdio() {
        # Extra fds without O_CLOEXEC in the caller, as a careless parent would leave them.
        exec 7</dev/null 9>"$T/nine" 11<"$BASE_TREE/etc/passwd"
        observe "$BASE_TREE" -- fds
        exec 7<&- 9>&- 11<&-
        expect_eq "$(kv_all fd)" "0 1 2" "COMMAND's open fds"
}
register t_fds_only_stdio "COMMAND has fds 0, 1, 2 only, even if the caller leaks fds 7, 9 and 11"

# runc's CVE-2024-21626: a host directory fd leaked into the container let a process chdir out of
# it. Neither PID 1 nor COMMAND may hold a directory, or anything naming a host path.
t_cve_2024_21626_no_host_fds() {
        local pid
        exec 7<"$WORK" 9<"$BASE_TREE"
        for pid in 1 self; do
                observe "$BASE_TREE" -- fds "$pid"
                if grep ' type=dir ' "$T/out"; then
                        fail "PID $pid holds a directory fd"
                fi
                # 0, 1 and 2 are the caller's, passed in on purpose (pipe mode): they may name host files.
                if grep -v '^fd=[012] ' "$T/out" | grep -F -- "$WORK"; then
                        fail "PID $pid holds an fd naming the host path $WORK"
                fi
        done
        exec 7<&- 9<&-
        observe "$BASE_TREE" -- readlink /proc/2/cwd
        expect_eq "$(kv target)" / "COMMAND's working directory"
        observe "$BASE_TREE" -- readlink /proc/1/cwd
        expect_eq "$(kv target)" / "PID 1's working directory"
        observe "$BASE_TREE" -- readlink /proc/1/root
        expect_eq "$(kv target)" / "PID 1's root directory"
}
register t_cve_2024_21626_no_host_fds "cve-2024-21626: no fd of PID 1 or COMMAND is a directory or a host path"

t_chdir() {
        observe "$BASE_TREE" -- cwd
        expect_eq "$(kv cwd)" / "default working directory"
        observe "$BASE_TREE" --chdir=/home/user -- cwd
        expect_eq "$(kv cwd)" /home/user "working directory with --chdir=/home/user"
        observe "$BASE_TREE" --chdir=/etc -u user -- cwd
        expect_eq "$(kv cwd)" /etc "working directory with --chdir=/etc -u user"
}
register t_chdir "--chdir sets the working directory (default /)"

check_user_1000() { # WHAT
        expect_eq "$(kv uid)" 1000 "uid with $1"
        expect_eq "$(kv euid)" 1000 "euid with $1"
        expect_eq "$(kv gid)" 1000 "gid with $1"
        expect_eq "$(kv egid)" 1000 "egid with $1"
        # The host's (root's) supplementary groups must not come along.
        expect_match ",$(kv groups)," '^,((1000|100),)*(1000|100)?,$' "supplementary groups with $1"
}

t_user_by_name() {
        local tree
        new_tree user
        tree=$NEW_TREE
        observe "$tree" -u user -- uid
        check_user_1000 "-u user"
        in_tree "$tree" --user=user -- write-file /etc/not-allowed
        expect_eq "$(kv write)" EACCES "user 1000 writing /etc (root's)"
        expect_rc 1
}
register t_user_by_name "-u user runs COMMAND as uid/gid 1000 from the tree's passwd"

t_user_by_number() {
        observe "$BASE_TREE" -u 1000 -- uid
        check_user_1000 "-u 1000"
        observe "$BASE_TREE" -u 0 -- uid
        expect_eq "$(kv uid)" 0 "uid with -u 0"
        expect_eq "$(kv gid)" 0 "gid with -u 0"
        observe "$BASE_TREE" -u root -- uid
        expect_eq "$(kv uid)" 0 "uid with -u root"
}
register t_user_by_number "-u 1000 and -u 0 run COMMAND as those uids"

t_user_unknown() {
        sc run -u sit-nosuchuser "$BASE_TREE" /bin/true
        expect_launcher_error sit-nosuchuser
}
register t_user_unknown "-u with a user the tree does not have: 125 naming it"

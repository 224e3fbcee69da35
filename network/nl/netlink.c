/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sched.h>
#include <netlink/errno.h>

#include "network/nl/net.h"
#include "network/nl/netlink.h"

int netlink_error_to_errno(int nle) {
        static const struct {
                int nle;
                int error;
        } table[] = {
                { NLE_INTR, EINTR },
                { NLE_BAD_SOCK, EBADF },
                { NLE_AGAIN, EAGAIN },
                { NLE_NOMEM, ENOMEM },
                { NLE_EXIST, EEXIST },
                { NLE_INVAL, EINVAL },
                { NLE_RANGE, ERANGE },
                { NLE_MSGSIZE, EMSGSIZE },
                { NLE_OPNOTSUPP, EOPNOTSUPP },
                { NLE_AF_NOSUPPORT, EAFNOSUPPORT },
                { NLE_OBJ_NOTFOUND, ENOENT },
                { NLE_NOATTR, ENODATA },
                { NLE_MISSING_ATTR, EINVAL },
                { NLE_AF_MISMATCH, EAFNOSUPPORT },
                { NLE_SEQ_MISMATCH, EPROTO },
                { NLE_MSG_OVERFLOW, EOVERFLOW },
                { NLE_MSG_TRUNC, EMSGSIZE },
                { NLE_NOADDR, EADDRNOTAVAIL },
                { NLE_SRCRT_NOSUPPORT, EOPNOTSUPP },
                { NLE_MSG_TOOSHORT, EBADMSG },
                { NLE_MSGTYPE_NOSUPPORT, EOPNOTSUPP },
                { NLE_OBJ_MISMATCH, EINVAL },
                { NLE_NOCACHE, ENOENT },
                { NLE_BUSY, EBUSY },
                { NLE_PROTO_MISMATCH, EPROTONOSUPPORT },
                { NLE_NOACCESS, EACCES },
                { NLE_PERM, EPERM },
                { NLE_PKTLOC_FILE, ENOENT },
                { NLE_PARSE_ERR, EINVAL },
                { NLE_NODEV, ENODEV },
                { NLE_IMMUTABLE, EPERM },
                { NLE_DUMP_INTR, EINTR },
                { NLE_ATTRSIZE, EINVAL },
        };
        int code = nle < 0 ? -nle : nle;

        if (code == 0)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (table[i].nle == code)
                        return -table[i].error;
        return -EIO;
}

int net_open(struct nl_sock **ret) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        int r;

        sk = nl_socket_alloc();
        if (!sk)
                return -ENOMEM;
        /* libnl opens its socket with SOCK_CLOEXEC, so it never leaks into the container's exec. */
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r < 0)
                return netlink_error_to_errno(r);

        *ret = TAKE_PTR(sk);
        return 0;
}

int net_open_in_netns(int netns_fd, int home_fd, struct nl_sock **ret) {
        int r, q;

        /* A socket stays bound to the namespace it was created in, whatever its owner does later. */
        if (setns(netns_fd, CLONE_NEWNET) < 0)
                return -errno;
        r = net_open(ret);
        q = RET_NERRNO(setns(home_fd, CLONE_NEWNET));
        if (q < 0 && r >= 0) {
                net_close(*ret);
                *ret = NULL;
                return q;
        }
        return r;
}

void net_close(struct nl_sock *sk) {
        nl_socket_free(sk);
}

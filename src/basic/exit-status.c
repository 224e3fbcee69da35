/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "basic/exit-status.h"

int exit_status_from_siginfo(const siginfo_t *si) {
        switch (si->si_code) {
        case CLD_EXITED:
                return si->si_status;
        case CLD_KILLED:
        case CLD_DUMPED:
                return 128 + si->si_status;
        default:
                /* Stopped, trapped or continued: waitid() was only asked for exits, so this is
                 * not the command's status but a launcher bug. */
                return EXIT_LAUNCHER_ERROR;
        }
}

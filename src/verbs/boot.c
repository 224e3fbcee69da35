/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>

#include "basic/exit-status.h"
#include "basic/log.h"
#include "core/lifecycle.h"
#include "settings/resolve.h"
#include "verbs/boot.h"

enum boot_end {
        BOOT_END_EXIT,
        BOOT_END_REBOOT,
};

/* In a PID namespace the kernel ends init with SIGINT for poweroff and halt, SIGHUP for reboot. */
static enum boot_end boot_end(const struct supervisor_result *res, int *ret_status) {
        const siginfo_t *si = &res->exit_info;

        if (si->si_code == CLD_KILLED && si->si_status == SIGHUP && !res->stop_requested)
                return BOOT_END_REBOOT;
        if (si->si_code == CLD_KILLED && (si->si_status == SIGINT || si->si_status == SIGHUP))
                *ret_status = 0;
        else
                *ret_status = exit_status_from_siginfo(si);
        return BOOT_END_EXIT;
}

int verb_boot(const struct config *c) {
        struct container_spec spec = CONTAINER_SPEC_NULL;
        struct supervisor_result result;
        int r, status = EXIT_LAUNCHER_ERROR;

        r = settings_resolve(c, &spec);
        while (r >= 0) {
                r = container_run(&spec, &result);
                if (r < 0 || boot_end(&result, &status) == BOOT_END_EXIT)
                        break;
                if (!spec.quiet)
                        log_info("Container %s is rebooting.", spec.machine);
        }
        container_spec_done(&spec);
        return r < 0 ? EXIT_LAUNCHER_ERROR : status;
}

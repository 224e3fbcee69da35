/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>

#include "basic/log.h"
#include "core/container.h"
#include "core/lifecycle.h"

int container_run(const struct container_spec *spec, struct supervisor_result *ret) {
        struct container c = CONTAINER_NULL;
        sigset_t mask;
        int r;

        supervisor_signal_set(&mask);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(-errno, "Failed to block signals: %m");

        r = container_create(spec, &c);
        if (r < 0)
                return r;

        if (spec->console == CONSOLE_INTERACTIVE && !spec->quiet)
                log_info("Spawning container %s on %s.\nPress Ctrl-] three times within 1s to kill "
                         "the container.", spec->machine, spec->rootfs);

        r = container_start(&c);
        if (r >= 0)
                r = supervisor_run(&c, spec->console, spec->kill_signal, spec->forward_signals, ret);
        container_destroy(&c, r < 0);
        return r;
}

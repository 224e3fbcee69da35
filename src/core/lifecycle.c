/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "basic/log.h"
#include "core/container.h"
#include "core/lifecycle.h"

int container_run(const struct container_spec *spec, struct supervisor_result *ret) {
        struct container c = CONTAINER_NULL;
        int r;

        r = supervisor_prepare_signals();
        if (r < 0)
                return r;

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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "basic/exit-status.h"
#include "core/lifecycle.h"
#include "settings/resolve.h"
#include "verbs/run.h"

int verb_run(const struct config *c) {
        struct container_spec spec = CONTAINER_SPEC_NULL;
        struct supervisor_result result;
        int r;

        r = settings_resolve(c, &spec);
        if (r >= 0)
                r = container_run(&spec, &result);
        container_spec_done(&spec);
        return r < 0 ? EXIT_LAUNCHER_ERROR : exit_status_from_siginfo(&result.exit_info);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "basic/strv.h"
#include "core/spec.h"

void container_spec_done(struct container_spec *spec) {
        userns_lease_release(&spec->lease);
        safe_close(spec->rootfs_fd);
        safe_close(spec->init_fd);
        strv_free(spec->init_argv);
        strv_free(spec->envp);
        seccomp_program_done(&spec->seccomp);
        *spec = CONTAINER_SPEC_NULL;
}

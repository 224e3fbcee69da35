/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* --private-users-ownership=chown: rewrites a tree's ownership once, for filesystems that cannot be
 * mounted ID-mapped. As in nspawn, the owner of the tree's root directory records the base the tree
 * is shifted to: a tree owned by 0 was never shifted. */

/* The base the tree is shifted to: the UID owning its root directory (0 for a tree that was never
 * shifted). -EBADE when the root's UID and GID differ, so that the tree's range is unclear. Does not
 * log. */
int userns_tree_shift_base(int tree_fd, uint32_t *ret);

/* Shifts every UID and GID in from_base..from_base+count-1 to the same offset from to_base, on every
 * inode of the tree's own mount (mounts below it are not entered), fd-based and never following a
 * symlink (symlinks are changed themselves). IDs outside the source range are left as they are.
 * setuid/setgid bits, file capabilities (a v3 capability's root ID shifted too) and the IDs in
 * POSIX ACLs are kept. The root directory is changed last, so an interrupted shift is completed by
 * running it again with the same arguments.
 * Returns 0 at once if from_base == to_base or count is 0; -EROFS on a read-only tree; -EINVAL if
 * the ranges overlap (such a shift could not be resumed safely, nor tell hard links apart). Logs
 * every failure itself: the caller only returns the error. Holds one fd per directory level. */
int userns_chown_tree(int tree_fd, uint32_t from_base, uint32_t to_base, uint32_t count);

/* What userns_chown_tree() checks before it changes anything: the ranges do not overlap (-EINVAL)
 * and the tree is writable (-EROFS). Logs what fails. */
int userns_chown_check(int tree_fd, uint32_t from_base, uint32_t to_base, uint32_t count);

/* userns_chown_tree() from wherever the tree is shifted now (userns_tree_shift_base()) to `to_base`.
 * Logs every failure. */
int userns_chown_tree_to(int tree_fd, uint32_t to_base, uint32_t count);

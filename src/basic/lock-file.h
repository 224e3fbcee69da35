/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A host-wide exclusive lock that leaves no file behind: the file exists only while someone holds
 * or waits for the lock. Returns the locked fd, or a negative errno. */
int lock_file_acquire(const char *path);
/* Removes the file and drops the lock; a waiter that wakes up on the removed file takes a new one. */
void lock_file_release(const char *path, int fd);

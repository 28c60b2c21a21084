/**
 * Host files seen through the sandbox root: every open is openat2 with RESOLVE_IN_ROOT and RESOLVE_NO_MAGICLINKS
 * relative to the root's O_PATH fd, so a host symlink (absolute or relative), ".." or /proc magic link can never
 * reach outside the root. A read-write bind's root is writable: each change is one *at call on one name in a
 * parent directory opened that way, never following a final symlink. Also the host fds a sandbox is handed as
 * stdio.
 */
package dev.jvisor.sentry.fs.host;

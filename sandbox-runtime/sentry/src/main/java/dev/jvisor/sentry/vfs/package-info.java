/**
 * The virtual filesystem: {@link dev.jvisor.sentry.vfs.Node} (an inode), {@link dev.jvisor.sentry.vfs.FileDescription}
 * (an open file), {@link dev.jvisor.sentry.vfs.FdTable}, and {@link dev.jvisor.sentry.vfs.Vfs}, which resolves guest
 * paths component by component (symlinks, "..", mount points) so that no path can leave the sandbox root: ".." at
 * the root stays at the root and absolute symlinks restart at the sandbox root, never the host's.
 */
package dev.jvisor.sentry.vfs;

/**
 * Pseudo-terminals emulated inside the Sentry: the line discipline (termios, canonical line editing, echo, signal
 * characters, output post-processing), the slave side the guest opens as {@code /dev/pts/N} and gets as its fds
 * 0-2, the master side the host drives through {@link dev.jvisor.sentry.Terminal}, and {@code /dev/pts} itself.
 * No host pty is involved: a guest's terminal ioctls never reach the host kernel.
 */
package dev.jvisor.sentry.fs.tty;

/** The kernel: tasks and thread groups, the PID space, credentials, the boot log, the syscall-table type. */
package dev.jvisor.sentry.kernel;

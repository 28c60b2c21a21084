/**
 * procfs and devfs: synthetic nodes whose contents are computed when read. /proc shows only the sandbox's own
 * processes (through {@link dev.jvisor.sentry.fs.proc.ProcView}, implemented by the kernel), never the host's.
 */
package dev.jvisor.sentry.fs.proc;

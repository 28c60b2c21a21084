/**
 * The Linux syscall ABI, one class per family, each registering its entries (name, support level, note, strace
 * argument formats, handler) into the {@link dev.jvisor.sentry.kernel.SyscallTable}; {@link
 * dev.jvisor.sentry.syscalls.Linux64} assembles the table. Handlers decode arguments, validate them (every guest
 * value is hostile: lengths and counts are bounded, pointers checked by the memory manager), then call into the
 * kernel, mm or vfs.
 */
package dev.jvisor.sentry.syscalls;

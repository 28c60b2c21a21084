/**
 * In-memory files: tmpfs nodes ({@link dev.jvisor.sentry.fs.mem.MemNode}) and the overlay
 * ({@link dev.jvisor.sentry.fs.mem.OverlayNode}) that puts a writable in-memory layer over the read-only host
 * root, so a sandbox can write anywhere while the host never changes. Deleting a host file leaves a whiteout.
 */
package dev.jvisor.sentry.fs.mem;

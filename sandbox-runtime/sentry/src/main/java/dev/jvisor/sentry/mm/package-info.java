/**
 * Memory management: guest-physical frames backed by a sparse memfd ({@link dev.jvisor.sentry.mm.PhysicalMemory}),
 * 4-level page tables the Sentry writes itself ({@link dev.jvisor.sentry.mm.PageTable}), and per-process address
 * spaces with VMAs, brk, mmap/munmap/mprotect/mremap/madvise and bounded copy-in/copy-out
 * ({@link dev.jvisor.sentry.mm.MemoryManager}).
 */
package dev.jvisor.sentry.mm;

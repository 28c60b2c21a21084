package dev.jvisor.sentry.mm;

/**
 * What a page fault on a user address came to, named after Linux's {@code vm_fault_t} outcomes: the page is now
 * mapped (the access can be retried), the access is not allowed ({@code VM_FAULT_SIGSEGV}), or it is allowed but
 * no frame could be had even after the page cache gave back what it held ({@code VM_FAULT_OOM}: the OOM killer's
 * business, never a SIGSEGV).
 */
public enum FaultResult {
  MAPPED,
  SIGSEGV,
  OOM
}

/**
 * The KVM platform, two flavours behind one interface. Shared: guest memory from a memfd registered as memslot
 * 0, 4-level paging, GDT/IDT/TSS in a kernel half, IDT stubs that forward exceptions with {@code out}. The PVM
 * flavour (these build machines) points LSTAR at a ring-3 trampoline that exits through a store to an unbacked
 * guest-physical page (KVM_EXIT_MMIO); the hardware flavour (real nodes) points LSTAR at a ring-0 stub that exits
 * with {@code out} and returns with SYSRETQ. See docs/architecture.md.
 */
package dev.jvisor.sentry.platform.kvm;

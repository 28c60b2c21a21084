/**
 * x86-64 facts the Sentry builds its guest from: segment selectors and descriptors, page-table entry bits,
 * control-register values, and the few bytes of guest code (IDT stubs, the syscall trampoline), each documented
 * byte by byte. Pure data and encoders: no native calls, unit-tested without KVM.
 */
package dev.jvisor.sentry.arch;

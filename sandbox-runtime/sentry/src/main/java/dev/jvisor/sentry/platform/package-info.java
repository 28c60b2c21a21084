/**
 * The platform: how the Sentry runs guest code and gets control back at every syscall and fault. One interface
 * ({@link dev.jvisor.sentry.platform.Platform}, {@link dev.jvisor.sentry.platform.Vcpu}) so that a ptrace/seccomp
 * platform for nodes without /dev/kvm can sit beside {@code platform.kvm} later.
 */
package dev.jvisor.sentry.platform;

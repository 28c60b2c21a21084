/**
 * The Sentry's public face: {@link dev.jvisor.sentry.Sandbox} boots one sandbox (a KVM guest with its own PID
 * space and root filesystem) and starts processes in it; the shim and the CLI use only this package.
 *
 * <p>Inside, one package per subsystem, imported bottom to top: {@code platform}/{@code platform.kvm} (the guest
 * machine), {@code mm} (address spaces), {@code vfs} and one package per filesystem under {@code fs}, {@code loader}
 * (ELF), {@code kernel} (tasks, the syscall table type), {@code syscalls} (one class per family).
 */
package dev.jvisor.sentry;

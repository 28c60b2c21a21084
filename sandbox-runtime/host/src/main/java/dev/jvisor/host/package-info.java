/**
 * Host bindings: the only package in jvisor that calls native code (JNA direct mapping).
 *
 * <p>{@link dev.jvisor.host.LibC} binds the libc calls the Sentry needs with C names verbatim and primitive
 * arguments (pointers as {@code long}) so the hot path never builds JNA Structures. {@link dev.jvisor.host.Kvm}
 * holds the /dev/kvm ioctl numbers and struct offsets; {@link dev.jvisor.host.HostException} carries the call
 * name and errno ("KVM_RUN: EFAULT (14)").
 */
package dev.jvisor.host;

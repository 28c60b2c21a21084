/** The runsc-like command line: {@code do}, the OCI runtime commands and {@code help syscalls}. */
package dev.jvisor.cli;

/**
 * The ELF loader: static, static-PIE and dynamic x86-64 executables (the interpreter named by PT_INTERP is loaded
 * from the sandbox root), "#!" scripts, and the initial stack (argv, envp, auxv). Every header field is checked
 * before it is used: a malformed file gets ENOEXEC, never a host error.
 */
package dev.jvisor.sentry.loader;

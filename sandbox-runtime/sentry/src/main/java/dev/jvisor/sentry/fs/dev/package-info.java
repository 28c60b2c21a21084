/** /dev for a sandbox: null, zero, full, random, urandom, tty, the stdio links and a tmpfs /dev/shm. */
package dev.jvisor.sentry.fs.dev;

package dev.jvisor.sentry;

import java.nio.file.Path;

/**
 * A process the Sentry's OOM killer ended with SIGKILL because guest memory ran out.
 *
 * @param pid its PID in the sandbox
 * @param comm its command name (as /proc/PID/comm)
 * @param root the host root of its mount namespace: which container of a shared pod Sentry it belonged to
 */
public record OomKill(int pid, String comm, Path root) {}

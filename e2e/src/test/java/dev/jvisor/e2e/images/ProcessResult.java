package dev.jvisor.e2e.images;

/** Exit code and merged stdout/stderr of a finished process. */
record ProcessResult(int exitCode, String output) {}

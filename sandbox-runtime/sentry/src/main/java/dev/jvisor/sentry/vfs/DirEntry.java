package dev.jvisor.sentry.vfs;

/** One directory entry as getdents64 reports it. */
public record DirEntry(String name, long ino, NodeType type) {}

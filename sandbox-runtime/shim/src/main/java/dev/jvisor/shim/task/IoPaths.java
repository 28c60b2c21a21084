package dev.jvisor.shim.task;

/** The stdio fifos containerd created for a process ("" = no stream). */
public record IoPaths(String stdin, String stdout, String stderr, boolean terminal) {
  public static final IoPaths NONE = new IoPaths("", "", "", false);
}

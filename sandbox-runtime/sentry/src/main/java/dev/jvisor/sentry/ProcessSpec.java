package dev.jvisor.sentry;

import java.util.List;

/**
 * What to run inside a sandbox: argv (argv[0] is resolved against PATH in {@code env} inside the sandbox root
 * when it has no slash), environment as {@code K=V} strings, working directory inside the sandbox, identity, and
 * resource limits the process starts with (getrlimit/prlimit see them; unlisted ones keep Linux's defaults).
 */
public record ProcessSpec(List<String> argv, List<String> env, String cwd, int uid, int gid, List<Rlimit> rlimits) {
  /** One RLIMIT_* (Linux numbering) with its soft and hard values; -1 is RLIM_INFINITY. */
  public record Rlimit(int resource, long soft, long hard) {
    /** Linux has 16 limits (RLIMIT_CPU 0 .. RLIMIT_RTTIME 15). */
    public static final int COUNT = 16;

    public Rlimit {
      if (resource < 0 || resource >= COUNT) {
        throw new IllegalArgumentException("no such rlimit: " + resource);
      }
      if (Long.compareUnsigned(soft, hard) > 0) {
        throw new IllegalArgumentException("rlimit " + resource + ": soft " + Long.toUnsignedString(soft)
            + " above hard " + Long.toUnsignedString(hard));
      }
    }
  }

  public ProcessSpec {
    if (argv == null || argv.isEmpty()) {
      throw new IllegalArgumentException("a process needs at least argv[0]");
    }
    argv = List.copyOf(argv);
    env = List.copyOf(env == null ? List.of() : env);
    cwd = cwd == null || cwd.isEmpty() ? "/" : cwd;
    rlimits = List.copyOf(rlimits == null ? List.of() : rlimits);
  }

  public ProcessSpec(List<String> argv, List<String> env, String cwd, int uid, int gid) {
    this(argv, env, cwd, uid, gid, List.of());
  }

  public static ProcessSpec of(List<String> argv, List<String> env) {
    return new ProcessSpec(argv, env, "/", 0, 0);
  }
}

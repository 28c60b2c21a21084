package dev.jvisor.sentry;

import java.util.List;

/**
 * What to run inside a sandbox: argv (argv[0] is resolved against PATH in {@code env} inside the sandbox root
 * when it has no slash), environment as {@code K=V} strings, working directory inside the sandbox, and identity.
 */
public record ProcessSpec(List<String> argv, List<String> env, String cwd, int uid, int gid) {
  public ProcessSpec {
    if (argv == null || argv.isEmpty()) {
      throw new IllegalArgumentException("a process needs at least argv[0]");
    }
    argv = List.copyOf(argv);
    env = List.copyOf(env == null ? List.of() : env);
    cwd = cwd == null || cwd.isEmpty() ? "/" : cwd;
  }

  public static ProcessSpec of(List<String> argv, List<String> env) {
    return new ProcessSpec(argv, env, "/", 0, 0);
  }
}

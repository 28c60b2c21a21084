package dev.jvisor.e2e.localnode;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the flow's steps in order and keeps score. A stage ({@link #run}) is a precondition of everything after it (a
 * pod needs the installed handler, uninstall needs the pod gone): after a failed stage the remaining steps are counted
 * as failed without running, each naming the stage that stopped them. A check ({@link #check}) only observes (what
 * {@code uname} says); when it fails, the flow goes on.
 */
final class Steps {

  /** A step's body: returns a one-line detail for the report, throws to fail. */
  interface Body {
    String run() throws Exception;
  }

  record Result(String name, boolean passed, String detail, Duration took) {}

  private final PrintStream out;
  private final List<Result> results = new ArrayList<>();
  private String firstFailure;

  Steps(PrintStream out) {
    this.out = out;
  }

  void run(String name, Body body) {
    execute(name, body, true);
  }

  void check(String name, Body body) {
    execute(name, body, false);
  }

  private void execute(String name, Body body, boolean stage) {
    if (firstFailure != null) {
      record(new Result(name, false, "not run: stage '" + firstFailure + "' failed", Duration.ZERO));
      return;
    }
    long start = System.nanoTime();
    try {
      String detail = body.run();
      record(new Result(name, true, detail, Duration.ofNanos(System.nanoTime() - start)));
    } catch (Exception | AssertionError e) {
      if (stage) {
        firstFailure = name;
      }
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      record(new Result(name, false, message, Duration.ofNanos(System.nanoTime() - start)));
      if (!(e instanceof AssertionError)) {
        e.printStackTrace(out);
      }
    }
  }

  private void record(Result r) {
    results.add(r);
    String detail = r.detail() == null ? "" : r.detail().strip().replaceAll("\\s*\\n\\s*", " | ");
    out.printf("%s %2d %-22s %s (%.1f s)%n", r.passed() ? "PASS" : "FAIL", results.size(), r.name(), detail,
        r.took().toMillis() / 1000.0);
    out.flush();
  }

  long passed() {
    return results.stream().filter(Result::passed).count();
  }

  long failed() {
    return results.size() - passed();
  }

  /** The one line the issue asks for; run-local.sh and LocalNodeIT look for it. */
  String summary() {
    return "e2e local-node: " + passed() + " passed, " + failed() + " failed";
  }
}

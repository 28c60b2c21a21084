package dev.jvisor.sentry.kernel;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.vfs.ErrnoException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The syscall table as data: every x86-64 number with its name, support level, note, argument formats (for
 * strace) and handler. Families register their entries ({@link #register}); numbers nobody registered answer
 * ENOSYS and are reported once per sandbox.
 */
public final class SyscallTable {
  public static final int SIZE = 512;

  /** One entry. {@code args} has one letter per argument: d int, x hex, s string, f fd, p pointer, o octal. */
  public record Entry(int number, String name, Support support, String note, String args, SyscallHandler handler) {}

  private final Entry[] entries = new Entry[SIZE];
  private final String[] names = new String[SIZE];
  private final Set<Integer> reported = ConcurrentHashMap.newKeySet();

  public SyscallTable() {
    try (var in = SyscallTable.class.getResourceAsStream("syscall-names.txt");
        var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] p = line.trim().split(" ");
        names[Integer.parseInt(p[0])] = p[1];
      }
    } catch (Exception e) {
      throw new IllegalStateException("syscall-names.txt missing from the Sentry jar", e);
    }
  }

  public String name(int nr) {
    return nr >= 0 && nr < SIZE && names[nr] != null ? names[nr] : "syscall_" + nr;
  }

  public int number(String name) {
    for (int i = 0; i < SIZE; i++) {
      if (name.equals(names[i])) {
        return i;
      }
    }
    throw new IllegalArgumentException("no syscall named " + name);
  }

  /** Registers {@code name}'s implementation. */
  public void register(String name, Support support, String note, String args, SyscallHandler handler) {
    int nr = number(name);
    if (entries[nr] != null) {
      throw new IllegalStateException("syscall " + name + " registered twice");
    }
    entries[nr] = new Entry(nr, name, support, note == null ? "" : note, args, handler);
  }

  public void full(String name, String args, SyscallHandler h) {
    register(name, Support.FULL, "", args, h);
  }

  public void partial(String name, String args, String note, SyscallHandler h) {
    register(name, Support.PARTIAL, note, args, h);
  }

  /** A syscall that deliberately fails with {@code errno}. */
  public void error(String name, int errno, String note) {
    register(name, Support.ERROR, note, "", (t, a, b, c, d, e, f) -> {
      throw new ErrnoException(errno);
    });
  }

  public Entry entry(int nr) {
    return nr >= 0 && nr < SIZE ? entries[nr] : null;
  }

  /** Runs syscall {@code nr}; returns the result or -errno. */
  public long dispatch(Task t, int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    Entry e = entry(nr);
    if (e == null) {
      if (reported.add(nr)) {
        t.kernel().warn("unsupported syscall " + name(nr) + " (" + nr + "): returning ENOSYS");
      }
      return -Errno.ENOSYS;
    }
    try {
      return e.handler.call(t, a0, a1, a2, a3, a4, a5);
    } catch (ErrnoException ex) {
      return -ex.errno();
    }
  }

  /** The table as the Markdown of docs/syscalls.md (kept current by SyscallDocTest). */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    int[] counts = new int[3];
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < SIZE; i++) {
      if (names[i] == null) {
        continue;
      }
      Entry e = entries[i];
      Support s = e == null ? Support.ERROR : e.support;
      counts[s.ordinal()]++;
      String note = e == null ? "Not implemented: returns ENOSYS." : e.note;
      rows.append("| ").append(i).append(" | `").append(names[i]).append("` | ")
          .append(s.name().toLowerCase(java.util.Locale.ROOT)).append(" | ").append(note.replace("|", "\\|"))
          .append(" |\n");
    }
    sb.append("# Syscall compatibility\n\n")
        .append("Generated from the Sentry's syscall table (`./jvisor help syscalls` prints the same); ")
        .append("`SyscallDocTest` fails when this file is stale. Regenerate with ")
        .append("`mvn -pl sandbox-runtime/sentry test -Dtest=SyscallDocTest -Djvisor.updateDocs=true`.\n\n")
        .append(String.format("%d x86-64 syscalls: %d full, %d partial, %d error.%n%n", counts[0] + counts[1]
            + counts[2], counts[0], counts[1], counts[2]))
        .append("- **full**: behaves as Linux documents it.\n")
        .append("- **partial**: implemented with the limits in the note.\n")
        .append("- **error**: fails on purpose (the note says with which errno); unimplemented numbers answer ENOSYS ")
        .append("and are reported once per sandbox.\n\n")
        .append("| nr | name | support | note |\n|---|---|---|---|\n").append(rows);
    return sb.toString();
  }

  /** Prints the table: every number, name, level and note (`jvisor help syscalls`). */
  public void print(PrintStream out) {
    int full = 0;
    int partial = 0;
    int error = 0;
    out.printf("%-4s %-24s %-8s %s%n", "NR", "NAME", "SUPPORT", "NOTE");
    for (int i = 0; i < SIZE; i++) {
      if (names[i] == null) {
        continue;
      }
      Entry e = entries[i];
      Support s = e == null ? Support.ERROR : e.support;
      String note = e == null ? "Not implemented: returns ENOSYS." : e.note;
      switch (s) {
        case FULL -> full++;
        case PARTIAL -> partial++;
        default -> error++;
      }
      out.printf("%-4d %-24s %-8s %s%n", i, names[i], s.name().toLowerCase(java.util.Locale.ROOT), note);
    }
    out.printf("%n%d syscalls: %d full, %d partial, %d error%n", full + partial + error, full, partial, error);
  }
}

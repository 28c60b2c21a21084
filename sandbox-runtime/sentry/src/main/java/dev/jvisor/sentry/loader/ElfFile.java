package dev.jvisor.sentry.loader;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.vfs.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A parsed and validated ELF64 x86-64 header with its program headers. */
public final class ElfFile {
  public static final int ET_EXEC = 2, ET_DYN = 3, EM_X86_64 = 62;
  public static final int PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551;
  public static final int PF_X = 1, PF_W = 2, PF_R = 4;
  public static final int MAX_PHNUM = 128;
  public static final long MAX_VADDR = 0x0000_7fff_0000_0000L;

  /** One program header. */
  public record Segment(int type, int flags, long offset, long vaddr, long filesz, long memsz) {}

  public final int type;
  public final long entry;
  public final long phoff;
  public final int phnum;
  public final List<Segment> segments;
  public final String interpreter;

  private ElfFile(int type, long entry, long phoff, int phnum, List<Segment> segments, String interpreter) {
    this.type = type;
    this.entry = entry;
    this.phoff = phoff;
    this.phnum = phnum;
    this.segments = segments;
    this.interpreter = interpreter;
  }

  public static boolean looksLikeElf(byte[] head) {
    return head.length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
  }

  /** Parses {@code head} (the file's first bytes; program headers must lie within it). */
  public static ElfFile parse(byte[] head, int headLen, FileReader reader) throws ErrnoException, LoaderException {
    if (headLen < 64 || !looksLikeElf(head)) {
      throw new LoaderException(Errno.ENOEXEC, "not an ELF executable");
    }
    ByteBuffer b = ByteBuffer.wrap(head, 0, headLen).order(ByteOrder.LITTLE_ENDIAN);
    if (head[4] != 2) {
      throw new LoaderException(Errno.ENOEXEC, "not a 64-bit ELF file (only x86-64 executables run here)");
    }
    if (head[5] != 1) {
      throw new LoaderException(Errno.ENOEXEC, "not a little-endian ELF file");
    }
    int type = b.getShort(16) & 0xFFFF;
    int machine = b.getShort(18) & 0xFFFF;
    if (machine != EM_X86_64) {
      throw new LoaderException(Errno.ENOEXEC, "ELF machine " + machine + " is not x86-64");
    }
    if (type != ET_EXEC && type != ET_DYN) {
      throw new LoaderException(Errno.ENOEXEC, "ELF type " + type + " is not an executable");
    }
    long entry = b.getLong(24);
    long phoff = b.getLong(32);
    int phentsize = b.getShort(54) & 0xFFFF;
    int phnum = b.getShort(56) & 0xFFFF;
    if (phentsize != 56 || phnum == 0 || phnum > MAX_PHNUM || phoff < 0 || phoff + 56L * phnum > headLen) {
      throw new LoaderException(Errno.ENOEXEC, "bad ELF program headers");
    }
    List<Segment> segs = new ArrayList<>();
    String interp = null;
    for (int i = 0; i < phnum; i++) {
      int at = (int) (phoff + 56L * i);
      Segment s = new Segment(b.getInt(at), b.getInt(at + 4), b.getLong(at + 8), b.getLong(at + 16),
          b.getLong(at + 32), b.getLong(at + 40));
      if (s.type == PT_LOAD) {
        if (s.filesz < 0 || s.memsz < s.filesz || s.vaddr < 0 || s.offset < 0 || s.vaddr > MAX_VADDR
            || s.memsz > MAX_VADDR - s.vaddr || ((s.vaddr - s.offset) & 0xFFF) != 0) {
          throw new LoaderException(Errno.ENOEXEC, "ELF segment does not fit the address space");
        }
      }
      if (s.type == PT_INTERP) {
        if (s.filesz <= 1 || s.filesz > 4096) {
          throw new LoaderException(Errno.ENOEXEC, "bad PT_INTERP");
        }
        byte[] name = new byte[(int) s.filesz];
        if (reader.read(s.offset, name) != name.length) {
          throw new LoaderException(Errno.ENOEXEC, "truncated PT_INTERP");
        }
        int len = 0;
        while (len < name.length && name[len] != 0) {
          len++;
        }
        interp = new String(name, 0, len, StandardCharsets.UTF_8);
      }
      segs.add(s);
    }
    if (segs.stream().noneMatch(s -> s.type == PT_LOAD)) {
      throw new LoaderException(Errno.ENOEXEC, "ELF file has no loadable segment");
    }
    return new ElfFile(type, entry, phoff, phnum, List.copyOf(segs), interp);
  }

  /** Reads file bytes at an offset; returns the count read. */
  public interface FileReader {
    int read(long offset, byte[] dst) throws ErrnoException;
  }
}

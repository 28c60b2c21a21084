package dev.jvisor.sentry.loader;

import static dev.jvisor.sentry.arch.X86.PAGE_MASK;
import static dev.jvisor.sentry.arch.X86.PAGE_SIZE;

import dev.jvisor.host.Errno;
import dev.jvisor.host.HostFiles;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.mm.Vma;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Loads an executable into a fresh address space and builds its initial stack. */
public final class Loader {
  public static final long STACK_SIZE = 8L << 20;
  public static final long PIE_BASE = 0x5555_5555_4000L;
  public static final int MAX_ARG_BYTES = 2 << 20;
  private static final int MAX_SCRIPT_DEPTH = 4;
  private static final int HEAD = 4096;

  private Loader() {}

  /** An opened executable: its description and canonical sandbox path. */
  public record Opened(FileDescription file, String path) {}

  /** Opens a path for execution (resolving, checking it is a regular executable file). */
  public interface Opener {
    Opened open(String path) throws ErrnoException;
  }

  /** The loaded image: where to start and what the process is called. */
  public record Image(long entry, long stackPointer, String execPath, List<String> argv, List<String> envp,
      long brkStart) {}

  /** Identity values for the auxiliary vector. */
  public record Creds(int uid, int euid, int gid, int egid) {}

  public static Image load(MemoryManager mm, Opener opener, String path, List<String> argv, List<String> envp,
      Creds creds) throws ErrnoException, LoaderException {
    long argBytes = 0;
    for (String s : argv) {
      argBytes += s.length() + 1;
    }
    for (String s : envp) {
      argBytes += s.length() + 1;
    }
    if (argBytes > MAX_ARG_BYTES) {
      throw new LoaderException(Errno.E2BIG, "argument list too long");
    }
    List<String> args = new ArrayList<>(argv);
    String execPath = path;
    for (int depth = 0; ; depth++) {
      Opened o = opener.open(execPath);
      try {
        Vma.Backing backing = o.file().mmapBacking();
        if (backing == null) {
          throw new LoaderException(Errno.EACCES, "not a regular file");
        }
        byte[] head = new byte[HEAD];
        int n = read(backing, 0, head);
        if (n >= 2 && head[0] == '#' && head[1] == '!') {
          if (depth >= MAX_SCRIPT_DEPTH) {
            throw new LoaderException(Errno.ELOOP, "too many levels of #! interpreters");
          }
          List<String> interp = parseShebang(head, n);
          List<String> next = new ArrayList<>(interp);
          next.add(execPath);
          if (!args.isEmpty()) {
            next.addAll(args.subList(1, args.size()));
          }
          args = next;
          execPath = interp.get(0);
          continue;
        }
        ElfFile elf = ElfFile.parse(head, n, (off, dst) -> read(backing, off, dst));
        return loadElf(mm, opener, elf, backing, o.path(), args, envp, creds);
      } finally {
        o.file().decRef();
      }
    }
  }

  private static int read(Vma.Backing backing, long off, byte[] dst) {
    long tmp = LibC.allocate(dst.length);
    try {
      int n = backing.readInto(off, tmp, dst.length);
      LibC.copyOut(tmp, dst, 0, n);
      return n;
    } finally {
      LibC.free(tmp);
    }
  }

  static List<String> parseShebang(byte[] head, int n) throws LoaderException {
    int end = 2;
    while (end < n && head[end] != '\n') {
      end++;
    }
    if (end == n && n == HEAD) {
      throw new LoaderException(Errno.ENOEXEC, "#! line too long");
    }
    String line = new String(head, 2, end - 2, StandardCharsets.UTF_8).strip();
    if (line.isEmpty()) {
      throw new LoaderException(Errno.ENOEXEC, "empty #! line");
    }
    int sp = indexOfSpace(line);
    List<String> out = new ArrayList<>();
    if (sp < 0) {
      out.add(line);
    } else {
      out.add(line.substring(0, sp));
      String arg = line.substring(sp).strip();
      if (!arg.isEmpty()) {
        out.add(arg); // Linux passes everything after the interpreter as one argument
      }
    }
    return out;
  }

  private static int indexOfSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
        return i;
      }
    }
    return -1;
  }

  private record Mapped(long bias, long end) {}

  private static Mapped mapSegments(MemoryManager mm, ElfFile elf, Vma.Backing backing, String name, long hint)
      throws LoaderException {
    long lo = Long.MAX_VALUE;
    long hi = 0;
    for (ElfFile.Segment s : elf.segments) {
      if (s.type() == ElfFile.PT_LOAD) {
        lo = Math.min(lo, s.vaddr() & PAGE_MASK);
        hi = Math.max(hi, s.vaddr() + s.memsz());
      }
    }
    long span = ((hi + PAGE_SIZE - 1) & PAGE_MASK) - lo;
    long bias = 0;
    if (elf.type == ElfFile.ET_DYN) {
      // Reserve the whole span first so the segments land together, like Linux's total_mapping_size.
      long at = mm.mmap(hint, span, 0, MemoryManager.MAP_PRIVATE | MemoryManager.MAP_ANONYMOUS, null, 0, name);
      if (at < 0) {
        throw new LoaderException(Errno.ENOMEM, "executable does not fit in guest memory");
      }
      bias = at - lo;
    }
    long end = 0;
    for (ElfFile.Segment s : elf.segments) {
      if (s.type() != ElfFile.PT_LOAD) {
        continue;
      }
      int prot = ((s.flags() & ElfFile.PF_R) != 0 ? Vma.PROT_READ : 0)
          | ((s.flags() & ElfFile.PF_W) != 0 ? Vma.PROT_WRITE : 0)
          | ((s.flags() & ElfFile.PF_X) != 0 ? Vma.PROT_EXEC : 0);
      long start = bias + s.vaddr();
      long pageStart = start & PAGE_MASK;
      long pageOff = start - pageStart;
      long fileEnd = start + s.filesz();
      long memEnd = start + s.memsz();
      int fixed = MemoryManager.MAP_PRIVATE | MemoryManager.MAP_FIXED;
      if (s.filesz() > 0) {
        long len = ((pageOff + s.filesz()) + PAGE_SIZE - 1) & PAGE_MASK;
        long r = mm.mmap(pageStart, len, prot, fixed | MemoryManager.MAP_POPULATE, backing, s.offset() - pageOff,
            name);
        if (r < 0) {
          throw new LoaderException(Errno.ENOMEM, "cannot map ELF segment at 0x" + Long.toHexString(pageStart));
        }
        long tail = ((fileEnd + PAGE_SIZE - 1) & PAGE_MASK) - fileEnd;
        if (s.memsz() > s.filesz() && tail > 0) {
          mm.poke(fileEnd, new byte[(int) tail], 0, (int) tail); // the .bss start shares the last file page
        }
      }
      long anonStart = s.filesz() > 0 ? (fileEnd + PAGE_SIZE - 1) & PAGE_MASK : pageStart;
      long anonEnd = (memEnd + PAGE_SIZE - 1) & PAGE_MASK;
      if (anonEnd > anonStart) {
        long r = mm.mmap(anonStart, anonEnd - anonStart, prot, fixed | MemoryManager.MAP_ANONYMOUS, null, 0,
            s.filesz() > 0 ? "[heap]" : name);
        if (r < 0) {
          throw new LoaderException(Errno.ENOMEM, "cannot map .bss");
        }
      }
      end = Math.max(end, memEnd);
    }
    return new Mapped(bias, end);
  }

  private static Image loadElf(MemoryManager mm, Opener opener, ElfFile elf, Vma.Backing backing, String path,
      List<String> argv, List<String> envp, Creds creds) throws ErrnoException, LoaderException {
    long stackTop = mm.stackTop();
    mm.setMmapTop(stackTop - STACK_SIZE - (16L << 20));
    Mapped main = mapSegments(mm, elf, backing, path, elf.type == ElfFile.ET_DYN ? PIE_BASE : 0);
    mm.setBrkStart(main.end);
    long entry = elf.entry + main.bias;
    long interpBase = 0;
    if (elf.interpreter != null) {
      Opened io = opener.open(elf.interpreter);
      try {
        Vma.Backing ib = io.file().mmapBacking();
        if (ib == null) {
          throw new LoaderException(Errno.ELIBBAD, "bad ELF interpreter " + elf.interpreter);
        }
        byte[] head = new byte[HEAD];
        int n = read(ib, 0, head);
        ElfFile interp = ElfFile.parse(head, n, (off, dst) -> read(ib, off, dst));
        if (interp.interpreter != null) {
          throw new LoaderException(Errno.ELIBBAD, "ELF interpreter has an interpreter");
        }
        Mapped im = mapSegments(mm, interp, ib, io.path(), 0);
        interpBase = im.bias;
        entry = interp.entry + im.bias;
      } finally {
        io.file().decRef();
      }
    }
    long phdr = 0;
    for (ElfFile.Segment s : elf.segments) {
      if (s.type() == ElfFile.PT_PHDR) {
        phdr = s.vaddr() + main.bias;
      }
    }
    if (phdr == 0) {
      for (ElfFile.Segment s : elf.segments) {
        if (s.type() == ElfFile.PT_LOAD && s.offset() <= elf.phoff && elf.phoff < s.offset() + s.filesz()) {
          phdr = s.vaddr() + (elf.phoff - s.offset()) + main.bias;
          break;
        }
      }
    }
    long r = mm.mmap(stackTop - STACK_SIZE, STACK_SIZE, Vma.PROT_READ | Vma.PROT_WRITE,
        MemoryManager.MAP_PRIVATE | MemoryManager.MAP_ANONYMOUS | MemoryManager.MAP_FIXED
            | MemoryManager.MAP_GROWSDOWN, null, 0, "[stack]");
    if (r < 0) {
      throw new LoaderException(Errno.ENOMEM, "cannot map the stack");
    }
    long[][] aux = {
      {3, phdr}, {4, 56}, {5, elf.phnum}, {6, PAGE_SIZE}, {7, interpBase}, {8, 0}, {9, elf.entry + main.bias},
      {11, creds.uid()}, {12, creds.euid()}, {13, creds.gid()}, {14, creds.egid()}, {16, 0x178bfbffL},
      {17, 100}, {23, 0}, {26, 0}, {51, 2048}
    };
    long sp = buildStack(mm, stackTop, argv, envp, path, aux);
    return new Image(entry, sp, path, argv, envp, main.end);
  }

  /** Lays out strings, random bytes, auxv, envp, argv and argc; returns the 16-byte aligned initial RSP. */
  static long buildStack(MemoryManager mm, long top, List<String> argv, List<String> envp, String execfn,
      long[][] aux) throws LoaderException {
    ByteArrayOutputStream strings = new ByteArrayOutputStream();
    List<Integer> argOff = new ArrayList<>();
    List<Integer> envOff = new ArrayList<>();
    for (String a : argv) {
      argOff.add(strings.size());
      strings.writeBytes(a.getBytes(StandardCharsets.UTF_8));
      strings.write(0);
    }
    for (String e : envp) {
      envOff.add(strings.size());
      strings.writeBytes(e.getBytes(StandardCharsets.UTF_8));
      strings.write(0);
    }
    int execfnOff = strings.size();
    strings.writeBytes(execfn.getBytes(StandardCharsets.UTF_8));
    strings.write(0);
    int platformOff = strings.size();
    strings.writeBytes("x86_64\0".getBytes(StandardCharsets.US_ASCII));
    int randomOff = strings.size();
    byte[] random = new byte[16];
    HostFiles.getrandom(random);
    strings.writeBytes(random);
    byte[] str = strings.toByteArray();
    long strBase = (top - 16 - str.length) & ~15L;

    int words = 1 + argv.size() + 1 + envp.size() + 1 + 2 * (aux.length + 4);
    long sp = (strBase - 8L * words) & ~15L;
    ByteBuffer b = ByteBuffer.allocate((int) (strBase - sp)).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(argv.size());
    for (int o : argOff) {
      b.putLong(strBase + o);
    }
    b.putLong(0);
    for (int o : envOff) {
      b.putLong(strBase + o);
    }
    b.putLong(0);
    for (long[] a : aux) {
      b.putLong(a[0]).putLong(a[1]);
    }
    b.putLong(25).putLong(strBase + randomOff); // AT_RANDOM
    b.putLong(31).putLong(strBase + execfnOff); // AT_EXECFN
    b.putLong(15).putLong(strBase + platformOff); // AT_PLATFORM
    b.putLong(0).putLong(0); // AT_NULL
    if (mm.copyOut(strBase, str, 0, str.length) < 0 || mm.copyOut(sp, b.array(), 0, b.capacity()) < 0) {
      throw new LoaderException(Errno.E2BIG, "arguments do not fit on the stack");
    }
    return sp;
  }
}

package dev.jvisor.sentry.syscalls;

import dev.jvisor.sentry.kernel.SyscallTable;

/** The x86-64 Linux syscall table as jvisor implements it. */
public final class Linux64 {
  private Linux64() {}

  public static SyscallTable table() {
    SyscallTable t = new SyscallTable();
    FileSyscalls.register(t);
    PathSyscalls.register(t);
    MemorySyscalls.register(t);
    ProcessSyscalls.register(t);
    SignalSyscalls.register(t);
    TimeSyscalls.register(t);
    FutexSyscalls.register(t);
    PipeSyscalls.register(t);
    SocketSyscalls.register(t);
    WaitSyscalls.register(t);
    InfoSyscalls.register(t);
    SchedSyscalls.register(t);
    SpliceSyscalls.register(t);
    AnonFdSyscalls.register(t);
    TimerSyscalls.register(t);
    Unsupported.register(t);
    return t;
  }
}

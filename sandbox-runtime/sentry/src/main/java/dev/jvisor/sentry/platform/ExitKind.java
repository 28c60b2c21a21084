package dev.jvisor.sentry.platform;

/** Why {@link Vcpu#run()} returned control to the Sentry. */
public enum ExitKind {
  /** The guest executed SYSCALL: number in RAX, arguments in RDI, RSI, RDX, R10, R8, R9. */
  SYSCALL,
  /** A CPU exception in guest user mode: see {@link Vcpu#faultVector()}, error code, CR2. */
  FAULT,
  /** The run was interrupted from the host (a kick): the task should look at pending work and run again. */
  INTERRUPTED,
  /** The guest reached a state it cannot continue from (triple fault, failed entry); see {@link Vcpu#exitDetail()}. */
  DEAD
}

package dev.jvisor.sentry.syscalls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.sentry.kernel.Sched;
import dev.jvisor.sentry.vfs.ErrnoException;
import org.junit.jupiter.api.Test;

class SchedSyscallsTest {
  @Test
  void priorityRangesAreLinuxs() throws Exception {
    assertThat(SchedSyscalls.priorityRange(Sched.SCHED_FIFO)).containsExactly(1, 99);
    assertThat(SchedSyscalls.priorityRange(Sched.SCHED_RR)).containsExactly(1, 99);
    assertThat(SchedSyscalls.priorityRange(Sched.SCHED_OTHER)).containsExactly(0, 0);
    assertThat(SchedSyscalls.priorityRange(Sched.SCHED_BATCH)).containsExactly(0, 0);
    assertThat(SchedSyscalls.priorityRange(Sched.SCHED_IDLE)).containsExactly(0, 0);
    assertThatThrownBy(() -> SchedSyscalls.priorityRange(4)).isInstanceOf(ErrnoException.class);
    assertThatThrownBy(() -> SchedSyscalls.priorityRange(-23)).isInstanceOf(ErrnoException.class);
  }

  @Test
  void theInitialAffinityCoversEveryCpuAndCopiesAreIndependent() {
    Sched s = Sched.initial();
    int cpus = Runtime.getRuntime().availableProcessors();
    long[] mask = s.affinity();
    assertThat(java.util.Arrays.stream(mask).map(Long::bitCount).sum()).isEqualTo(cpus);
    mask[0] = 0;
    assertThat(s.affinity()[0]).isNotZero();
    Sched t = s.withAffinity(new long[] {1}).withNice(5).withPolicy(Sched.SCHED_BATCH, 0);
    assertThat(t.affinity()).containsExactly(1);
    assertThat(t.nice()).isEqualTo(5);
    assertThat(t.policy()).isEqualTo(Sched.SCHED_BATCH);
    assertThat(s.nice()).isZero();
  }

  @Test
  void timespecsAreCheckedAndItimerspecsSaturate() throws Exception {
    assertThat(TimerSyscalls.timespecNs(1, 5)).isEqualTo(1_000_000_005L);
    assertThat(TimerSyscalls.timespecNs(Long.MAX_VALUE, 0)).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> TimerSyscalls.timespecNs(0, 1_000_000_000L)).isInstanceOf(ErrnoException.class);
    assertThatThrownBy(() -> TimerSyscalls.timespecNs(-1, 0)).isInstanceOf(ErrnoException.class);
    assertThatThrownBy(() -> TimerSyscalls.timespecNs(0, -1)).isInstanceOf(ErrnoException.class);
  }
}

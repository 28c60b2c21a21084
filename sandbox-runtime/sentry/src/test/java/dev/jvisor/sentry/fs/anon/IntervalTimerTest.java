package dev.jvisor.sentry.fs.anon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IntervalTimerTest {
  @Test
  void expirationsCountEveryWholePeriodMissed() {
    assertThat(IntervalTimer.expirations(0, 0)).isEqualTo(1);
    assertThat(IntervalTimer.expirations(5_000, 0)).isEqualTo(1); // one-shot: late is still one expiry
    assertThat(IntervalTimer.expirations(0, 1_000)).isEqualTo(1);
    assertThat(IntervalTimer.expirations(999, 1_000)).isEqualTo(1);
    assertThat(IntervalTimer.expirations(1_000, 1_000)).isEqualTo(2);
    assertThat(IntervalTimer.expirations(9_500, 1_000)).isEqualTo(10);
  }

  @Test
  void saturatingArithmeticNeverWrapsToThePast() {
    assertThat(IntervalTimer.saturatingAdd(Long.MAX_VALUE - 1, 5)).isEqualTo(Long.MAX_VALUE);
    assertThat(IntervalTimer.saturatingAdd(40, 2)).isEqualTo(42);
    assertThat(IntervalTimer.saturatingMul(1L << 40, 1L << 40)).isEqualTo(Long.MAX_VALUE);
    assertThat(IntervalTimer.saturatingMul(6, 7)).isEqualTo(42);
  }

  @Test
  void aDisarmedTimerReportsZeroAndKeepsItsInterval() {
    IntervalTimer t = new IntervalTimer(System::nanoTime, n -> { });
    assertThat(t.get()).containsExactly(0, 0);
    long[] old = t.set(TimeUnit.SECONDS.toNanos(60), 5_000, false);
    assertThat(old).containsExactly(0, 0);
    long[] cur = t.get();
    assertThat(cur[0]).isBetween(1L, TimeUnit.SECONDS.toNanos(60));
    assertThat(cur[1]).isEqualTo(5_000);
    old = t.set(0, 0, false);
    assertThat(old[0]).isPositive();
    assertThat(t.get()).containsExactly(0, 0);
  }

  @Test
  void aPeriodicTimerThatFiresLateReportsTheMissedPeriods() throws Exception {
    AtomicLong skew = new AtomicLong();
    LinkedBlockingQueue<Long> reports = new LinkedBlockingQueue<>();
    IntervalTimer t = new IntervalTimer(() -> System.nanoTime() + skew.get(), reports::add);
    long period = TimeUnit.MILLISECONDS.toNanos(50);
    // The clock jumps 10.5 periods past the first expiry before the timer thread looks at it.
    skew.set(0);
    t.set(period, period, false);
    skew.set(period * 21 / 2);
    Long first = reports.poll(5, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first).isGreaterThanOrEqualTo(10);
    long[] cur = t.get();
    assertThat(cur[0]).isBetween(1L, period);
    t.cancel();
    assertThat(t.get()[0]).isZero();
  }

  @Test
  void anAbsoluteTimeInThePastExpiresAtOnce() throws Exception {
    LinkedBlockingQueue<Long> reports = new LinkedBlockingQueue<>();
    IntervalTimer t = new IntervalTimer(System::nanoTime, reports::add);
    t.set(System.nanoTime() - 1_000_000, 0, true);
    assertThat(reports.poll(5, TimeUnit.SECONDS)).isEqualTo(1L);
    assertThat(t.get()[0]).isZero();
  }
}

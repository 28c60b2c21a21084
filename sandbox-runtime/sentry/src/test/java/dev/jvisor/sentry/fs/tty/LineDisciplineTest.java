package dev.jvisor.sentry.fs.tty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** N_TTY behaviour byte by byte: what the guest reads, what is echoed, which signals are raised. */
class LineDisciplineTest {
  private final ByteArrayOutputStream echoed = new ByteArrayOutputStream();
  private final List<Integer> signals = new ArrayList<>();
  private final LineDiscipline ld = new LineDiscipline(echoed::writeBytes, signals::add);

  private void type(String s) {
    for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
      ld.receive(b);
    }
  }

  private String read() {
    byte[] b = ld.take(4096);
    return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
  }

  private String echo() {
    String s = echoed.toString(StandardCharsets.ISO_8859_1);
    echoed.reset();
    return s;
  }

  @Test
  void canonicalModeDeliversWholeLinesAndEchoesWithCrLf() {
    type("ech");
    assertThat(ld.readable()).isFalse();
    type("o hi\r");
    assertThat(read()).isEqualTo("echo hi\n");
    assertThat(echo()).isEqualTo("echo hi\r\n");
    assertThat(read()).isNull();
  }

  @Test
  void eraseWordEraseAndKillEditTheLine() {
    type("abc\u007f\u007fx\n");
    assertThat(read()).isEqualTo("ax\n");
    assertThat(echo()).isEqualTo("abc\b \b\b \bx\r\n");
    type("one two\u0017three\n");
    assertThat(read()).isEqualTo("one three\n");
    type("garbage\u0015ok\n");
    assertThat(read()).isEqualTo("ok\n");
  }

  @Test
  void eofCompletesALineOrReadsAsZeroBytes() {
    type("partial\u0004");
    assertThat(read()).isEqualTo("partial");
    type("\u0004");
    assertThat(read()).isEmpty();
    assertThat(echo()).isEqualTo("partial");
  }

  @Test
  void signalCharactersRaiseSignalsFlushAndEchoAsCaretNotation() {
    type("half a line\u0003");
    assertThat(signals).containsExactly(2);
    assertThat(echo()).endsWith("^C");
    type("\n");
    assertThat(read()).isEqualTo("\n");
    type("\u001a\u001c");
    assertThat(signals).containsExactly(2, 20, 3);
  }

  @Test
  void withoutIsigControlCharactersAreData() {
    Termios t = ld.termios();
    t.lflag &= ~Termios.ISIG;
    ld.setTermios(t);
    type("\u0003\n");
    assertThat(signals).isEmpty();
    assertThat(read()).isEqualTo("\u0003\n");
  }

  @Test
  void rawModeWithoutEchoPassesBytesAtOnceAndKeepsTheHalfLine() {
    type("pending");
    Termios t = ld.termios();
    t.lflag &= ~(Termios.ICANON | Termios.ECHO);
    ld.setTermios(t);
    assertThat(read()).isEqualTo("pending");
    echo();
    type("\u007fq\r");
    assertThat(read()).isEqualTo("\u007fq\n");
    assertThat(echo()).isEmpty();
  }

  @Test
  void literalNextQuotesTheEraseCharacter() {
    type("a\u0016\u007f\n");
    assertThat(read()).isEqualTo("a\u007f\n");
  }

  @Test
  void outputProcessingFollowsOpostAndOnlcr() {
    assertThat(new String(ld.postProcess("a\nb".getBytes(), 0, 3))).isEqualTo("a\r\nb");
    Termios t = ld.termios();
    t.oflag &= ~Termios.OPOST;
    ld.setTermios(t);
    assertThat(new String(ld.postProcess("a\nb".getBytes(), 0, 3))).isEqualTo("a\nb");
  }

  @Test
  void aLineIsBoundedAndInputStopsWhenTheReaderFallsBehind() {
    type("x".repeat(LineDiscipline.MAX_LINE + 100) + "\n");
    assertThat(read()).hasSize(LineDiscipline.MAX_LINE + 1);
    Termios t = ld.termios();
    t.lflag &= ~(Termios.ICANON | Termios.ECHO);
    ld.setTermios(t);
    for (int i = 0; i < LineDiscipline.MAX_READY && ld.hasRoom(); i++) {
      ld.receive('y');
    }
    assertThat(ld.hasRoom()).isFalse();
    assertThat(ld.readyBytes()).isEqualTo(LineDiscipline.MAX_READY);
  }

  @Test
  void termiosRoundTripsThroughItsWireForm() {
    Termios t = new Termios();
    byte[] raw = t.toBytes();
    assertThat(raw).hasSize(Termios.SIZE);
    Termios back = Termios.fromBytes(raw);
    assertThat(back.lflag).isEqualTo(t.lflag);
    assertThat(back.cc).containsExactly(t.cc);
    assertThat(back.lflag & Termios.ICANON).isNotZero();
  }
}

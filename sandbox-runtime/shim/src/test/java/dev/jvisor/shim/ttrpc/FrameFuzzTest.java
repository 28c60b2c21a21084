package dev.jvisor.shim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Random input never makes the decoder misbehave, and never takes the server down. */
@Timeout(120)
class FrameFuzzTest {
  static final long SEED = 0x6a7669736f72L;
  @TempDir Path tmp;

  @Test
  void decoderOnRandomBytesReturnsFramesOrIoErrorsOnly() {
    Random rnd = new Random(SEED);
    int frames = 0;
    int ioErrors = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] input = randomInput(rnd);
      FrameReader r = new FrameReader(Channels.newChannel(new ByteArrayInputStream(input)));
      try {
        for (Frame f; (f = r.next()) != null; ) {
          assertThat(f.data().length).isLessThanOrEqualTo(Frame.MAX_DATA_BYTES);
          frames++;
        }
      } catch (IOException e) {
        ioErrors++; // truncated or oversized: the documented outcomes
      }
    }
    assertThat(frames).isPositive();
    assertThat(ioErrors).isPositive();
  }

  /** Mostly plausible headers (small lengths, random type/flags/stream) followed by random bytes, sometimes cut. */
  static byte[] randomInput(Random rnd) {
    ByteBuffer b = ByteBuffer.allocate(4096);
    int n = rnd.nextInt(4);
    for (int k = 0; k < n && b.remaining() > 200; k++) {
      int len = rnd.nextInt(10) == 0 ? rnd.nextInt() : rnd.nextInt(100);
      b.putInt(len).putInt(rnd.nextInt()).put((byte) rnd.nextInt(5)).put((byte) rnd.nextInt(8));
      int cut = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : 0;
      byte[] body = new byte[Math.max(0, Math.min(Math.max(len, 0), 100) - cut)];
      rnd.nextBytes(body);
      b.put(body);
    }
    if (rnd.nextBoolean()) {
      byte[] junk = new byte[rnd.nextInt(30)];
      rnd.nextBytes(junk);
      b.put(junk);
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  @Test
  void serverSurvivesRandomFramesAndStillAnswers() throws Exception {
    TtrpcService echo = new TtrpcService() {
      @Override
      public String name() {
        return "fuzz.Echo";
      }

      @Override
      public byte[] call(String method, byte[] payload, CallContext ctx) {
        return payload;
      }
    };
    Path socket = tmp.resolve("f.sock");
    Random rnd = new Random(SEED + 1);
    try (TtrpcServer server = new TtrpcServer(List.of(echo))) {
      server.bind(socket);
      for (int i = 0; i < 300; i++) {
        try (RawConnection c = new RawConnection(socket)) {
          c.send(randomInput(rnd));
        } catch (IOException e) {
          // the server may close a connection on garbage: fine
        }
      }
      try (TtrpcClient c = TtrpcClient.connect(socket)) {
        byte[] out = c.call("fuzz.Echo", "Any", "alive".getBytes(StandardCharsets.UTF_8), Map.of(),
            Duration.ofSeconds(5));
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("alive");
      }
    }
  }
}

package dev.jvisor.shim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TtrpcServerTest {
  static final String SERVICE = "test.Echo";
  @TempDir Path tmp;
  TtrpcServer server;
  Path socket;
  final CountDownLatch release = new CountDownLatch(1);

  /** Echo echoes; Block waits for the test to release it; Boom throws like a buggy handler. */
  final TtrpcService echo = new TtrpcService() {
    @Override
    public String name() {
      return SERVICE;
    }

    @Override
    public byte[] call(String method, byte[] payload, CallContext ctx) {
      switch (method) {
        case "Echo":
          return (ctx.namespace() + ":" + new String(payload, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        case "Block":
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "released".getBytes(StandardCharsets.UTF_8);
        case "Boom":
          throw new IllegalStateException("handler bug");
        case "Missing":
          throw TtrpcException.notFound("no such thing");
        default:
          throw new TtrpcException(Code.UNIMPLEMENTED, "unknown " + method);
      }
    }
  };

  @BeforeEach
  void start() throws Exception {
    server = new TtrpcServer(List.of(echo));
    socket = tmp.resolve("t.sock");
    server.bind(socket);
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
  }

  @Test
  void socketIsPrivateAndClientCallsCarryTheNamespace() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
    try (TtrpcClient c = TtrpcClient.connect(socket)) {
      byte[] out = c.call(SERVICE, "Echo", "hi".getBytes(StandardCharsets.UTF_8),
          Map.of(CallContext.NAMESPACE_KEY, "k8s.io"), Duration.ofSeconds(5));
      assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("k8s.io:hi");
      assertThatThrownBy(() -> c.call(SERVICE, "Missing", new byte[0], Map.of(), Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(TtrpcException.class, e -> assertThat(e.code()).isEqualTo(Code.NOT_FOUND));
    }
  }

  @Test
  void aBlockedCallDoesNotHoldUpLaterStreams() throws Exception {
    try (RawConnection c = new RawConnection(socket)) {
      c.request(1, SERVICE, "Block", new byte[0]);
      c.request(3, SERVICE, "Echo", "x".getBytes(StandardCharsets.UTF_8));
      RawConnection.Reply first = c.reply();
      assertThat(first.streamId()).isEqualTo(3);
      assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo(":x");
      release.countDown();
      RawConnection.Reply second = c.reply();
      assertThat(second.streamId()).isEqualTo(1);
      assertThat(new String(second.payload(), StandardCharsets.UTF_8)).isEqualTo("released");
    }
  }

  @Test
  void protocolErrorsGetTheirCodesAndTheConnectionSurvives() throws Exception {
    try (RawConnection c = new RawConnection(socket)) {
      c.request(2, SERVICE, "Echo", new byte[0]);
      assertThat(c.reply().code()).isEqualTo(Code.INVALID_ARGUMENT.value());
      c.request(5, SERVICE, "Echo", new byte[0]);
      assertThat(c.reply().code()).isZero();
      c.request(3, SERVICE, "Echo", new byte[0]); // not above 5
      assertThat(c.reply().code()).isEqualTo(Code.INVALID_ARGUMENT.value());
      c.request(7, "no.Such", "Echo", new byte[0]);
      assertThat(c.reply().code()).isEqualTo(Code.UNIMPLEMENTED.value());
      c.request(9, SERVICE, "Nope", new byte[0]);
      assertThat(c.reply().code()).isEqualTo(Code.UNIMPLEMENTED.value());
      c.request(11, SERVICE, "Boom", new byte[0]);
      RawConnection.Reply boom = c.reply();
      assertThat(boom.code()).isEqualTo(Code.INTERNAL.value());
      assertThat(boom.message()).contains("handler bug");
      c.send(new Frame(13, FrameType.REQUEST.value(), 0, new byte[] {(byte) 0xff, (byte) 0xff, 0x07}));
      assertThat(c.reply().code()).isEqualTo(Code.INVALID_ARGUMENT.value());
      c.send(new Frame(15, 9, 0, new byte[0])); // unknown frame type
      assertThat(c.reply().code()).isEqualTo(Code.INVALID_ARGUMENT.value());
      c.send(new Frame(17, FrameType.DATA.value(), 0, new byte[3]));
      assertThat(c.reply().code()).isEqualTo(Code.INVALID_ARGUMENT.value());
      // Oversized: header announces 5 MiB; the server reads the bytes away and answers ResourceExhausted.
      int big = Frame.MAX_DATA_BYTES + (1 << 20);
      ByteBuffer h = ByteBuffer.allocate(Frame.HEADER_BYTES).putInt(big).putInt(19).put((byte) 1).put((byte) 0);
      c.send(h.array());
      c.send(new byte[big]);
      RawConnection.Reply over = c.reply();
      assertThat(over.streamId()).isEqualTo(19);
      assertThat(over.code()).isEqualTo(Code.RESOURCE_EXHAUSTED.value());
      c.request(21, SERVICE, "Echo", "after".getBytes(StandardCharsets.UTF_8));
      RawConnection.Reply after = c.reply();
      assertThat(after.code()).isZero();
      assertThat(new String(after.payload(), StandardCharsets.UTF_8)).isEqualTo(":after");
    }
  }

  @Test
  void manyConnectionsAtOnce() throws Exception {
    RawConnection[] conns = new RawConnection[20];
    try {
      for (int i = 0; i < conns.length; i++) {
        conns[i] = new RawConnection(socket);
        conns[i].request(1, SERVICE, "Echo", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
      }
      for (int i = 0; i < conns.length; i++) {
        assertThat(new String(conns[i].reply().payload(), StandardCharsets.UTF_8)).isEqualTo(":" + i);
      }
    } finally {
      for (RawConnection c : conns) {
        if (c != null) {
          c.close();
        }
      }
    }
  }
}

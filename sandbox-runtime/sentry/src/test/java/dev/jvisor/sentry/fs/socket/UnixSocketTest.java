package dev.jvisor.sentry.fs.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.vfs.FileDescription;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Socket state and data logic, driven through byte arrays (no guest, no KVM). */
class UnixSocketTest {
  private static final int[] CRED = {7, 0, 0};
  private final UnixNamespace ns = new UnixNamespace();

  private static long send(UnixSocket s, String text, int flags) {
    return s.send(GuestBuffer.of(text.getBytes()), flags, null, null);
  }

  private static String recv(UnixSocket s, int len, int flags) {
    byte[] b = new byte[len];
    UnixSocket.Received r = s.recv(GuestBuffer.of(b), flags);
    return r.result < 0 ? Errno.name((int) -r.result) : new String(b, 0, (int) r.result);
  }

  @Test
  void aStreamPairCarriesBytesThenEofAndEpipeAfterClose() {
    UnixSocket[] p = UnixSocket.pair(ns, UnixSocket.SOCK_STREAM, 0, CRED);
    assertThat(send(p[0], "hello", 0)).isEqualTo(5);
    assertThat(p[1].readiness() & 1).isEqualTo(1);
    assertThat(recv(p[1], 3, 0)).isEqualTo("hel");
    assertThat(recv(p[1], 10, 0)).isEqualTo("lo");
    assertThat(recv(p[1], 10, UnixSocket.MSG_DONTWAIT)).isEqualTo("EAGAIN");
    p[0].decRef();
    assertThat(p[1].readiness() & 0x10).isEqualTo(0x10); // POLLHUP
    assertThat(recv(p[1], 10, 0)).isEmpty();
    assertThat(send(p[1], "x", 0)).isEqualTo(-Errno.EPIPE);
  }

  @Test
  void aFullStreamBlocksNonblockingWritersWithEagain() {
    UnixSocket[] p = UnixSocket.pair(ns, UnixSocket.SOCK_STREAM, FileDescription.O_NONBLOCK, CRED);
    long total = 0;
    long n;
    while ((n = p[0].send(GuestBuffer.of(new byte[50_000]), 0, null, null)) > 0) {
      total += n;
    }
    assertThat(n).isEqualTo(-Errno.EAGAIN);
    assertThat(total).isLessThanOrEqualTo(SocketQueue.CAPACITY);
    assertThat(p[0].readiness() & 4).isZero(); // no POLLOUT while the peer's queue is full
  }

  @Test
  void seqpacketTruncatesAndReportsMsgTrunc() {
    UnixSocket[] p = UnixSocket.pair(ns, UnixSocket.SOCK_SEQPACKET, 0, CRED);
    send(p[0], "record", 0);
    byte[] b = new byte[3];
    UnixSocket.Received r = p[1].recv(GuestBuffer.of(b), 0);
    assertThat(r.result).isEqualTo(3);
    assertThat(r.flags & UnixSocket.MSG_TRUNC).isNotZero();
    assertThat(p[1].recv(GuestBuffer.of(b), UnixSocket.MSG_DONTWAIT).result).isEqualTo(-Errno.EAGAIN);
  }

  @Test
  void datagramsLargerThanTheQueueAreRefused() {
    UnixSocket[] p = UnixSocket.pair(ns, UnixSocket.SOCK_DGRAM, 0, CRED);
    assertThat(p[0].send(GuestBuffer.of(new byte[SocketQueue.CAPACITY]), 0, null, null))
        .isEqualTo(-Errno.EMSGSIZE);
  }

  @Test
  void listenConnectAcceptAndTheBacklogBound() {
    UnixSocket server = new UnixSocket(ns, UnixSocket.SOCK_STREAM, FileDescription.O_NONBLOCK, CRED);
    byte[] name = {1, 0, 0, 'x'};
    assertThat(server.bindAbstract(name)).isZero();
    assertThat(new UnixSocket(ns, UnixSocket.SOCK_STREAM, 0, CRED).bindAbstract(name))
        .isEqualTo(-Errno.EADDRINUSE);
    UnixSocket early = new UnixSocket(ns, UnixSocket.SOCK_STREAM, 0, CRED);
    assertThat(early.connect(server, CRED)).isEqualTo(-Errno.ECONNREFUSED); // bound, not listening
    assertThat(server.listen(-5, CRED)).isZero(); // a negative backlog is 0: one pending connection
    assertThat(server.readiness() & 1).isZero();
    UnixSocket c1 = new UnixSocket(ns, UnixSocket.SOCK_STREAM, FileDescription.O_NONBLOCK, CRED);
    assertThat(c1.connect(server, CRED)).isZero();
    assertThat(server.readiness() & 1).isEqualTo(1);
    UnixSocket c2 = new UnixSocket(ns, UnixSocket.SOCK_STREAM, FileDescription.O_NONBLOCK, CRED);
    assertThat(c2.connect(server, CRED)).isEqualTo(-Errno.EAGAIN);
    UnixSocket a = (UnixSocket) server.accept(0);
    assertThat(server.accept(0)).isEqualTo(-Errno.EAGAIN);
    assertThat(a.localAddress()).isEqualTo(name);
    send(c1, "hi", 0);
    assertThat(recv(a, 5, 0)).isEqualTo("hi");
    server.decRef();
    assertThat(ns.lookupAbstract("\0x")).isNull(); // the name is free again
  }

  @Test
  void passedFilesTravelWithTheirBytes() {
    UnixSocket[] p = UnixSocket.pair(ns, UnixSocket.SOCK_STREAM, 0, CRED);
    SocketQueueTest.Counted f = new SocketQueueTest.Counted();
    f.incRef(); // the reference the message carries
    List<FileDescription> rights = new ArrayList<>(List.of(f));
    p[0].send(GuestBuffer.of("F".getBytes()), 0, rights, null);
    UnixSocket.Received r = p[1].recv(GuestBuffer.of(new byte[4]), 0);
    assertThat(r.result).isEqualTo(1);
    assertThat(r.rights).containsExactly(f);
    // Unreceived files are released when the receiving socket goes away.
    f.incRef();
    p[0].send(GuestBuffer.of("G".getBytes()), 0, new ArrayList<>(List.of(f)), null);
    p[1].decRef();
    f.decRef();
    f.decRef();
    assertThat(f.released).isEqualTo(1);
  }
}

package dev.jvisor.sentry.syscalls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.vfs.ErrnoException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** sockaddr_un decoding, the guest's bytes taken as hostile. */
class SocketAddressTest {
  private static byte[] addr(String path, int extra) {
    byte[] p = path.getBytes(StandardCharsets.ISO_8859_1);
    byte[] a = new byte[2 + p.length + extra];
    a[0] = 1;
    System.arraycopy(p, 0, a, 2, p.length);
    return a;
  }

  @Test
  void aPathIsCutAtItsNulAndReportedWithIt() throws ErrnoException {
    SocketSyscalls.Address a = SocketSyscalls.address(addr("/tmp/s", 5)); // NUL and garbage after it
    assertThat(a.path()).isEqualTo("/tmp/s");
    assertThat(a.raw()).hasSize(2 + 6 + 1); // what getsockname reports, as Linux
    SocketSyscalls.Address b = SocketSyscalls.address(addr("/tmp/s", 0)); // no NUL at all
    assertThat(b.raw()).hasSize(9);
    assertThat(b.raw()[8]).isZero();
  }

  @Test
  void anAbstractNameKeepsEveryByteItWasGiven() throws ErrnoException {
    SocketSyscalls.Address a = SocketSyscalls.address(addr("\0name\0x", 0));
    assertThat(a.isAbstract()).isTrue();
    assertThat(a.key()).isEqualTo("\0name\0x");
  }

  @Test
  void anotherFamilyIsRefused() {
    byte[] a = addr("/tmp/s", 1);
    a[0] = 2; // AF_INET
    assertThatThrownBy(() -> SocketSyscalls.address(a)).isInstanceOf(ErrnoException.class)
        .extracting(e -> ((ErrnoException) e).errno()).isEqualTo(Errno.EINVAL);
  }
}

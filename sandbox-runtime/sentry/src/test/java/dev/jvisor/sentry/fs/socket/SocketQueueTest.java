package dev.jvisor.sentry.fs.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Stat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SocketQueueTest {
  /** A file that counts its references, to see SCM_RIGHTS hand them over or drop them. */
  static final class Counted extends FileDescription {
    int released;

    Counted() {
      super(0);
    }

    @Override
    public String path() {
      return "counted";
    }

    @Override
    public Stat stat() {
      return null;
    }

    @Override
    protected void release() {
      released++;
    }
  }

  @Test
  void streamChunksMergeAndReadAcrossBoundaries() {
    SocketQueue q = new SocketQueue();
    q.addStream("hel".getBytes(), null);
    q.addStream("lo".getBytes(), null);
    assertThat(q.bytes()).isEqualTo(5);
    byte[] b = new byte[4];
    assertThat(q.readStream(b, 4, true, new ArrayList<>())).isEqualTo(4);
    assertThat(q.bytes()).isEqualTo(5); // peek consumed nothing
    assertThat(q.readStream(b, 4, false, new ArrayList<>())).isEqualTo(4);
    assertThat(new String(b)).isEqualTo("hell");
    assertThat(q.readStream(b, 4, false, new ArrayList<>())).isEqualTo(1);
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.streamSpace()).isEqualTo(SocketQueue.CAPACITY - SocketQueue.OVERHEAD);
  }

  @Test
  void theStreamBoundStopsWritersAndFreesAsReadersConsume() {
    SocketQueue q = new SocketQueue();
    int space = q.streamSpace();
    q.addStream(new byte[space], null);
    assertThat(q.streamSpace()).isZero();
    q.readStream(new byte[1000], 1000, false, new ArrayList<>());
    assertThat(q.streamSpace()).isEqualTo(1000 - SocketQueue.OVERHEAD);
  }

  @Test
  void datagramsKeepBoundariesAndEveryMessageCostsItsOverhead() {
    SocketQueue q = new SocketQueue();
    int n = 0;
    while (q.fits(0)) {
      q.addMessage(new byte[0], null, UnixSocket.UNNAMED);
      n++;
    }
    assertThat(n).isEqualTo(SocketQueue.CAPACITY / SocketQueue.OVERHEAD); // empty datagrams are bounded too
    SocketQueue d = new SocketQueue();
    d.addMessage("one".getBytes(), null, UnixSocket.UNNAMED);
    d.addMessage("three".getBytes(), null, UnixSocket.UNNAMED);
    assertThat(d.nextLength()).isEqualTo(3);
    assertThat(new String(d.readMessage(false, new ArrayList<>()).data)).isEqualTo("one");
    assertThat(new String(d.readMessage(true, new ArrayList<>()).data)).isEqualTo("three");
    assertThat(d.nextLength()).isEqualTo(5);
  }

  @Test
  void aStreamReadStopsAtFilesAndDroppingTheQueueReleasesThem() {
    SocketQueue q = new SocketQueue();
    Counted f = new Counted();
    q.addStream("ab".getBytes(), null);
    q.addStream("cd".getBytes(), new ArrayList<>(List.of(f)));
    q.addStream("ef".getBytes(), null);
    List<FileDescription> rights = new ArrayList<>();
    byte[] b = new byte[10];
    assertThat(q.readStream(b, 10, false, rights)).isEqualTo(2); // not merged with the chunk carrying a file
    assertThat(rights).isEmpty();
    assertThat(q.readStream(b, 10, false, rights)).isEqualTo(2);
    assertThat(rights).containsExactly(f);
    Counted g = new Counted();
    q.addStream("gh".getBytes(), new ArrayList<>(List.of(g)));
    q.clear();
    assertThat(g.released).isEqualTo(1);
    assertThat(f.released).isZero();
  }
}

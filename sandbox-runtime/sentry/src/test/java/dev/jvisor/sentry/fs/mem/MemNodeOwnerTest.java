package dev.jvisor.sentry.fs.mem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import org.junit.jupiter.api.Test;

class MemNodeOwnerTest {
  @Test
  void chownRecordsOwnerAndMinusOneKeepsAField() {
    MemNode n = MemNode.file(0644, new byte[0]);
    n.chown(1000, 2000);
    assertThat(n.stat().uid()).isEqualTo(1000);
    assertThat(n.stat().gid()).isEqualTo(2000);
    n.chown(-1, 3000);
    assertThat(n.stat().uid()).isEqualTo(1000);
    assertThat(n.stat().gid()).isEqualTo(3000);
    n.chown(Integer.MIN_VALUE, -1); // 2^31 as an unsigned uid
    assertThat(Integer.toUnsignedLong(n.stat().uid())).isEqualTo(1L << 31);
  }

  @Test
  void chownClearsSetUidAndSetGidOnlyWhenGroupExecutable() {
    MemNode n = MemNode.file(06755, new byte[0]);
    n.chown(0, 0);
    assertThat(n.stat().mode() & 07777).isEqualTo(0755);
    MemNode m = MemNode.file(02745, new byte[0]); // setgid without group-exec marks mandatory locking: kept
    m.chown(0, 0);
    assertThat(m.stat().mode() & 07777).isEqualTo(02745);
    MemNode d = MemNode.directory(02755); // directories keep setgid
    d.chown(1, 1);
    assertThat(d.stat().mode() & 07777).isEqualTo(02755);
    assertThat(d.stat().type()).isEqualTo(NodeType.DIRECTORY);
  }

  @Test
  void setTimesHonoursOmit() {
    MemNode n = MemNode.file(0644, new byte[0]);
    n.setTimes(1_002_003_000L, 4_005_006_000L);
    assertThat(n.stat().atimeNs()).isEqualTo(1_002_003_000L);
    assertThat(n.stat().mtimeNs()).isEqualTo(4_005_006_000L);
    n.setTimes(Node.OMIT, 9_000_000_000L);
    assertThat(n.stat().atimeNs()).isEqualTo(1_002_003_000L);
    assertThat(n.stat().mtimeNs()).isEqualTo(9_000_000_000L);
  }

  @Test
  void memfdIsAnUnnamedReadWriteRegularFile() throws Exception {
    var f = MemNode.memfd("hi");
    assertThat(f.path()).isEqualTo("/memfd:hi (deleted)");
    assertThat(f.readable()).isTrue();
    assertThat(f.writable()).isTrue();
    assertThat(f.stat().type()).isEqualTo(NodeType.REGULAR);
    byte[] data = "hello".getBytes();
    assertThat(f.writeBytes(data, data.length, -1)).isEqualTo(5);
    byte[] back = new byte[8];
    assertThat(f.readBytes(back, 8, 1)).isEqualTo(4);
    assertThat(new String(back, 0, 4)).isEqualTo("ello");
    assertThat(f.offset()).isEqualTo(5);
  }
}

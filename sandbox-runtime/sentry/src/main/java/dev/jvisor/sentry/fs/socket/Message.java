package dev.jvisor.sentry.fs.socket;

import dev.jvisor.sentry.vfs.FileDescription;
import java.util.List;

/**
 * One queued datagram, seqpacket record or stream chunk. {@code rights} holds one reference to each passed file
 * (SCM_RIGHTS) until a receiver takes them or the queue is dropped; {@code from} is the sender's address.
 */
final class Message {
  byte[] data;
  int off;
  List<FileDescription> rights;
  final byte[] from;

  Message(byte[] data, List<FileDescription> rights, byte[] from) {
    this.data = data;
    this.rights = rights;
    this.from = from;
  }

  int remaining() {
    return data.length - off;
  }

  void dropRights() {
    if (rights != null) {
      rights.forEach(FileDescription::decRef);
      rights = null;
    }
  }
}

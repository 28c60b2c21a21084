package dev.jvisor.sentry.fs.socket;

import dev.jvisor.sentry.vfs.FileDescription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A socket's receive queue, bounded in bytes like Linux's (net.core.wmem_default, 208 KiB) with a fixed
 * overhead per message so a flood of empty datagrams is bounded too. Not thread-safe: the owning socket's
 * namespace lock guards it.
 */
public final class SocketQueue {
  public static final int CAPACITY = 212992;
  /** Charged per queued message (Linux charges an skb's truesize). */
  static final int OVERHEAD = 64;
  /** Small stream writes are merged into the previous chunk up to this size. */
  private static final int MERGE = 4096;

  private final ArrayDeque<Message> queue = new ArrayDeque<>();
  private int used;

  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Bytes of payload queued (FIONREAD / SIOCINQ for a stream). */
  public int bytes() {
    int n = 0;
    for (Message m : queue) {
      n += m.remaining();
    }
    return n;
  }

  /** Payload bytes of the next message (FIONREAD for datagrams), 0 if none. */
  public int nextLength() {
    Message m = queue.peek();
    return m == null ? 0 : m.remaining();
  }

  /** Stream bytes that can be appended now (0: the writer must wait). */
  public int streamSpace() {
    return Math.max(0, CAPACITY - used - OVERHEAD);
  }

  /** Whether a whole message of {@code len} bytes fits now (an empty queue takes any legal size). */
  public boolean fits(int len) {
    return queue.isEmpty() || used + len + OVERHEAD <= CAPACITY;
  }

  /** Appends stream bytes (at most {@link #streamSpace()}); a chunk carrying files is never merged. */
  public void addStream(byte[] b, List<FileDescription> rights) {
    Message last = queue.peekLast();
    if (rights == null && last != null && last.rights == null && last.remaining() + b.length <= MERGE) {
      byte[] merged = new byte[last.remaining() + b.length];
      System.arraycopy(last.data, last.off, merged, 0, last.remaining());
      System.arraycopy(b, 0, merged, last.remaining(), b.length);
      used += b.length;
      last.data = merged;
      last.off = 0;
      return;
    }
    queue.add(new Message(b, rights, null));
    used += b.length + OVERHEAD;
  }

  /** Appends one datagram or record. */
  public void addMessage(byte[] b, List<FileDescription> rights, byte[] from) {
    queue.add(new Message(b, rights, from));
    used += b.length + OVERHEAD;
  }

  /**
   * Stream read: copies up to {@code max} bytes into {@code dst} across chunks, consuming them unless
   * {@code peek}. Stops before a chunk that carries files once something was copied, and right after one (as
   * Linux, which never merges data with different SCM_RIGHTS), handing its files to {@code rightsOut}.
   */
  public int readStream(byte[] dst, int max, boolean peek, List<FileDescription> rightsOut) {
    int copied = 0;
    Iterator<Message> it = queue.iterator();
    while (copied < max && it.hasNext()) {
      Message m = it.next();
      if (m.rights != null && copied > 0) {
        break;
      }
      int n = Math.min(m.remaining(), max - copied);
      System.arraycopy(m.data, m.off, dst, copied, n);
      copied += n;
      boolean hadRights = m.rights != null;
      takeRights(m, peek, rightsOut);
      if (!peek) {
        m.off += n;
        used -= n;
        if (m.remaining() == 0) {
          it.remove();
          used -= OVERHEAD;
        }
      }
      if (hadRights) {
        break;
      }
    }
    return copied;
  }

  /** The next datagram or record, removed unless {@code peek}; its files go to {@code rightsOut}. */
  Message readMessage(boolean peek, List<FileDescription> rightsOut) {
    Message m = peek ? queue.peek() : queue.poll();
    if (m == null) {
      return null;
    }
    takeRights(m, peek, rightsOut);
    if (!peek) {
      used -= m.data.length + OVERHEAD;
    }
    return m;
  }

  private static void takeRights(Message m, boolean peek, List<FileDescription> out) {
    if (m.rights == null) {
      return;
    }
    if (peek) {
      for (FileDescription f : m.rights) {
        f.incRef(); // MSG_PEEK installs new references; the queued ones stay for the real read
        out.add(f);
      }
    } else {
      out.addAll(m.rights);
      m.rights = null;
    }
  }

  /** Drops everything queued (the owner closed), releasing passed files. */
  public void clear() {
    drain().forEach(Message::dropRights);
  }

  /** Empties the queue and returns what it held, so the caller can release passed files outside its lock. */
  List<Message> drain() {
    List<Message> all = new ArrayList<>(queue);
    queue.clear();
    used = 0;
    return all;
  }
}

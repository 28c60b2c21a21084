package dev.jvisor.shim.ttrpc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads frames from a channel. Hostile input is bounded: a frame announcing more than {@link Frame#MAX_DATA_BYTES}
 * is read through a small scratch buffer and dropped ({@link OversizedFrameException}, the connection stays usable,
 * as in containerd's ttrpc); a stream that ends inside a frame is an {@link EOFException}.
 */
public final class FrameReader {
  private static final int DISCARD_CHUNK = 64 << 10;
  private final ReadableByteChannel in;
  private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_BYTES);

  public FrameReader(ReadableByteChannel in) {
    this.in = in;
  }

  /** The frame was too large; its bytes were consumed. */
  public static final class OversizedFrameException extends IOException {
    private final int streamId;
    private final long length;

    OversizedFrameException(int streamId, long length) {
      super("frame of " + length + " bytes on stream " + Integer.toUnsignedLong(streamId) + " exceeds the "
          + Frame.MAX_DATA_BYTES + "-byte limit");
      this.streamId = streamId;
      this.length = length;
    }

    public int streamId() {
      return streamId;
    }

    public long length() {
      return length;
    }
  }

  /** The next frame, or null when the peer closed the connection between frames. */
  public Frame next() throws IOException {
    header.clear();
    if (!fill(header, true)) {
      return null;
    }
    header.flip();
    long length = Integer.toUnsignedLong(header.getInt());
    int streamId = header.getInt();
    int type = header.get() & 0xff;
    int flags = header.get() & 0xff;
    if (length > Frame.MAX_DATA_BYTES) {
      discard(length);
      throw new OversizedFrameException(streamId, length);
    }
    ByteBuffer data = ByteBuffer.allocate((int) length);
    fill(data, false);
    return new Frame(streamId, type, flags, data.array());
  }

  private void discard(long length) throws IOException {
    ByteBuffer scratch = ByteBuffer.allocate((int) Math.min(DISCARD_CHUNK, length));
    long left = length;
    while (left > 0) {
      scratch.clear().limit((int) Math.min(scratch.capacity(), left));
      fill(scratch, false);
      left -= scratch.position();
    }
  }

  /** Fills {@code b}; returns false only for EOF before the first byte when {@code eofOk}. */
  private boolean fill(ByteBuffer b, boolean eofOk) throws IOException {
    boolean first = true;
    while (b.hasRemaining()) {
      int n = in.read(b);
      if (n < 0) {
        if (first && eofOk) {
          return false;
        }
        throw new EOFException("connection closed inside a frame (" + b.position() + " of " + b.limit() + " bytes)");
      }
      if (n > 0) {
        first = false;
      }
    }
    return true;
  }
}

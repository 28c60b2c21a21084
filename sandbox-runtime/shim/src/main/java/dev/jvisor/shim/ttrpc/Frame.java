package dev.jvisor.shim.ttrpc;

import java.nio.ByteBuffer;

/**
 * One ttrpc frame: header (uint32 length of data, uint32 stream id, uint8 type, uint8 flags, all big-endian) and
 * data. {@code type} is the raw byte so a frame with an unknown type can still be answered on its stream.
 */
public record Frame(int streamId, int type, int flags, byte[] data) {
  public static final int HEADER_BYTES = 10;
  /** ttrpc's own limit on a message; larger frames are discarded and answered ResourceExhausted. */
  public static final int MAX_DATA_BYTES = 4 << 20;

  public static final int FLAG_REMOTE_CLOSED = 1;
  public static final int FLAG_REMOTE_OPEN = 2;
  public static final int FLAG_NO_DATA = 4;

  public Frame {
    if (data.length > MAX_DATA_BYTES) {
      throw new IllegalArgumentException("frame data of " + data.length + " bytes exceeds " + MAX_DATA_BYTES);
    }
  }

  public static Frame of(int streamId, FrameType type, byte[] data) {
    return new Frame(streamId, type.value(), 0, data);
  }

  /** Header and data in one buffer, ready to write. */
  public ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + data.length);
    b.putInt(data.length).putInt(streamId).put((byte) type).put((byte) flags).put(data);
    return b.flip();
  }

  /** Stream ids are uint32 on the wire; Java's int holds them, compared unsigned. */
  public long streamIdUnsigned() {
    return Integer.toUnsignedLong(streamId);
  }
}

package dev.jvisor.shim.ttrpc;

/** The type byte of a ttrpc frame header. */
public enum FrameType {
  REQUEST(1),
  RESPONSE(2),
  DATA(3);

  private final int value;

  FrameType(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  /** Null for a byte that names no type (the caller answers InvalidArgument). */
  public static FrameType of(int value) {
    for (FrameType t : values()) {
      if (t.value == value) {
        return t;
      }
    }
    return null;
  }
}

package dev.jvisor.shim.ttrpc;

/** A failed call: the code and message go back to the client in the Response status. */
public class TtrpcException extends RuntimeException {
  private final Code code;

  public TtrpcException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  public static TtrpcException notFound(String what) {
    return new TtrpcException(Code.NOT_FOUND, what);
  }

  public static TtrpcException invalid(String what) {
    return new TtrpcException(Code.INVALID_ARGUMENT, what);
  }

  public static TtrpcException precondition(String what) {
    return new TtrpcException(Code.FAILED_PRECONDITION, what);
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}

package dev.jvisor.shim.ttrpc;

import dev.jvisor.shim.proto.ttrpc.Request;
import dev.jvisor.shim.proto.ttrpc.Response;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** A test client that writes arbitrary bytes and reads raw frames. */
final class RawConnection implements AutoCloseable {
  final SocketChannel ch;
  final FrameReader reader;

  RawConnection(Path socket) throws IOException {
    ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    reader = new FrameReader(ch);
  }

  void send(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  void send(Frame f) throws IOException {
    ByteBuffer b = f.encode();
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  void request(int sid, String service, String method, byte[] payload) throws IOException {
    send(Frame.of(sid, FrameType.REQUEST, Request.newBuilder().setService(service).setMethod(method)
        .setPayload(com.google.protobuf.ByteString.copyFrom(payload)).build().toByteArray()));
  }

  /** The next response frame, decoded. */
  Reply reply() throws IOException {
    Frame f = reader.next();
    if (f == null) {
      throw new IOException("server closed the connection");
    }
    Response r = Response.parseFrom(f.data());
    return new Reply(f.streamId(), r.getStatus().getCode(), r.getStatus().getMessage(), r.getPayload().toByteArray());
  }

  record Reply(int streamId, int code, String message, byte[] payload) {}

  @Override
  public void close() throws IOException {
    ch.close();
  }
}

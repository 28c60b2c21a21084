package dev.jvisor.shim.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jvisor.shim.proto.ttrpc.KeyValue;
import dev.jvisor.shim.proto.ttrpc.Request;
import dev.jvisor.shim.proto.ttrpc.Response;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A sequential ttrpc client (one call at a time; enough for forwarding events). A call that gets no answer within
 * its timeout closes the connection (a watchdog closes the channel, which unblocks the read) and throws.
 */
public final class TtrpcClient implements AutoCloseable {
  private final SocketChannel channel;
  private final FrameReader reader;
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ttrpc-client-watchdog");
    t.setDaemon(true);
    return t;
  });
  private int nextStreamId = 1;

  private TtrpcClient(SocketChannel channel) {
    this.channel = channel;
    this.reader = new FrameReader(channel);
  }

  public static TtrpcClient connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new TtrpcClient(ch);
  }

  /** Calls {@code service/method}; returns the response payload or throws TtrpcException with the server's code. */
  public synchronized byte[] call(String service, String method, byte[] payload, Map<String, String> metadata,
      Duration timeout) throws IOException {
    Request.Builder rb = Request.newBuilder().setService(service).setMethod(method)
        .setPayload(ByteString.copyFrom(payload)).setTimeoutNano(timeout.toNanos());
    metadata.forEach((k, v) -> rb.addMetadata(KeyValue.newBuilder().setKey(k).setValue(v)));
    int sid = nextStreamId;
    nextStreamId += 2;
    ScheduledFuture<?> dog = watchdog.schedule(this::closeQuietly, timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      ByteBuffer b = Frame.of(sid, FrameType.REQUEST, rb.build().toByteArray()).encode();
      while (b.hasRemaining()) {
        channel.write(b);
      }
      while (true) {
        Frame f = reader.next();
        if (f == null) {
          throw new IOException("ttrpc server closed the connection");
        }
        if (f.streamId() == sid && f.type() == FrameType.RESPONSE.value()) {
          return unwrap(f.data());
        }
      }
    } catch (IOException e) {
      if (!channel.isOpen()) {
        throw new IOException("ttrpc " + service + "/" + method + ": no answer within " + timeout, e);
      }
      throw e;
    } finally {
      dog.cancel(false);
    }
  }

  private static byte[] unwrap(byte[] data) throws InvalidProtocolBufferException {
    Response r = Response.parseFrom(data);
    if (r.hasStatus() && r.getStatus().getCode() != 0) {
      throw new TtrpcException(Code.of(r.getStatus().getCode()), r.getStatus().getMessage());
    }
    return r.getPayload().toByteArray();
  }

  public boolean isOpen() {
    return channel.isOpen();
  }

  private void closeQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing is all we wanted
    }
  }

  @Override
  public void close() {
    closeQuietly();
    watchdog.shutdownNow();
  }
}

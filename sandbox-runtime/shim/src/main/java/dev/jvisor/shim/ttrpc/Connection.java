package dev.jvisor.shim.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jvisor.shim.proto.ttrpc.KeyValue;
import dev.jvisor.shim.proto.ttrpc.Request;
import dev.jvisor.shim.proto.ttrpc.Response;
import dev.jvisor.shim.proto.ttrpc.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: reads frames in order and runs each request on the server's executor, so a blocking Wait
 * never holds up the calls behind it. Every protocol error is answered on its stream and logged; only a broken or
 * closed channel ends the connection.
 */
final class Connection implements Runnable {
  /** Calls one client may have in flight; more are answered ResourceExhausted rather than queued without bound. */
  static final int MAX_IN_FLIGHT = 128;
  static final int MAX_METADATA_ENTRIES = 64;
  private static final Logger LOG = Logger.getLogger(Connection.class.getName());

  private final ReadableByteChannel in;
  private final WritableByteChannel out;
  private final Map<String, TtrpcService> services;
  private final ExecutorService executor;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final Object writeLock = new Object();
  private long lastStreamId;

  Connection(ReadableByteChannel in, WritableByteChannel out, Map<String, TtrpcService> services,
      ExecutorService executor) {
    this.in = in;
    this.out = out;
    this.services = services;
    this.executor = executor;
  }

  @Override
  public void run() {
    FrameReader reader = new FrameReader(in);
    try {
      while (true) {
        Frame frame;
        try {
          frame = reader.next();
        } catch (FrameReader.OversizedFrameException e) {
          LOG.warning("ttrpc: " + e.getMessage());
          reply(e.streamId(), Code.RESOURCE_EXHAUSTED, e.getMessage());
          continue;
        }
        if (frame == null) {
          return;
        }
        accept(frame);
      }
    } catch (IOException e) {
      LOG.fine("ttrpc: connection ended: " + e);
    } finally {
      closeQuietly();
    }
  }

  private void accept(Frame frame) throws IOException {
    long sid = frame.streamIdUnsigned();
    FrameType type = FrameType.of(frame.type());
    if (type != FrameType.REQUEST) {
      // Unary service only: data frames have no open stream to go to; anything else is garbage.
      LOG.warning("ttrpc: unexpected frame type " + frame.type() + " on stream " + sid);
      reply(frame.streamId(), Code.INVALID_ARGUMENT, "unexpected frame type " + frame.type());
      return;
    }
    if (sid % 2 != 1) {
      LOG.warning("ttrpc: even stream id " + sid);
      reply(frame.streamId(), Code.INVALID_ARGUMENT, "StreamID must be odd for client initiated streams");
      return;
    }
    if (sid <= lastStreamId) {
      LOG.warning("ttrpc: stream id " + sid + " not above " + lastStreamId);
      reply(frame.streamId(), Code.INVALID_ARGUMENT, "StreamID must increase: " + sid + " <= " + lastStreamId);
      return;
    }
    lastStreamId = sid;
    Request request;
    try {
      request = Request.parseFrom(frame.data());
    } catch (InvalidProtocolBufferException e) {
      LOG.warning("ttrpc: undecodable request on stream " + sid + ": " + e.getMessage());
      reply(frame.streamId(), Code.INVALID_ARGUMENT, "undecodable request: " + e.getMessage());
      return;
    }
    TtrpcService service = services.get(request.getService());
    if (service == null) {
      LOG.warning("ttrpc: unknown service " + abbreviate(request.getService()));
      reply(frame.streamId(), Code.UNIMPLEMENTED, "service " + abbreviate(request.getService()) + " is unknown");
      return;
    }
    if (request.getMetadataCount() > MAX_METADATA_ENTRIES) {
      reply(frame.streamId(), Code.INVALID_ARGUMENT, "too many metadata entries: " + request.getMetadataCount());
      return;
    }
    if (!inFlight.tryAcquire()) {
      reply(frame.streamId(), Code.RESOURCE_EXHAUSTED, MAX_IN_FLIGHT + " calls already in flight");
      return;
    }
    try {
      executor.execute(() -> {
        try {
          serve(frame.streamId(), service, request);
        } finally {
          inFlight.release();
        }
      });
    } catch (RejectedExecutionException e) {
      inFlight.release();
      reply(frame.streamId(), Code.RESOURCE_EXHAUSTED, "server is busy or shutting down");
    }
  }

  private void serve(int streamId, TtrpcService service, Request request) {
    Map<String, String> metadata = new HashMap<>();
    for (KeyValue kv : request.getMetadataList()) {
      metadata.put(kv.getKey(), kv.getValue());
    }
    Response response;
    try {
      byte[] payload = service.call(request.getMethod(), request.getPayload().toByteArray(),
          new CallContext(metadata, request.getTimeoutNano()));
      response = Response.newBuilder().setPayload(ByteString.copyFrom(payload)).build();
    } catch (TtrpcException e) {
      LOG.info("ttrpc: " + service.name() + "/" + abbreviate(request.getMethod()) + " -> " + e);
      response = error(e.code(), e.getMessage());
    } catch (RuntimeException | Error e) {
      // A bug in one handler must cost one call, not the shim.
      LOG.log(Level.SEVERE, "ttrpc: " + service.name() + "/" + abbreviate(request.getMethod()) + " failed", e);
      response = error(Code.INTERNAL, String.valueOf(e));
    }
    try {
      write(Frame.of(streamId, FrameType.RESPONSE, response.toByteArray()));
    } catch (IOException e) {
      LOG.fine("ttrpc: could not answer stream " + Integer.toUnsignedLong(streamId) + ": " + e);
    }
  }

  static Response error(Code code, String message) {
    return Response.newBuilder().setStatus(Status.newBuilder().setCode(code.value())
        .setMessage(message == null ? "" : message)).build();
  }

  private void reply(int streamId, Code code, String message) throws IOException {
    write(Frame.of(streamId, FrameType.RESPONSE, error(code, message).toByteArray()));
  }

  private void write(Frame frame) throws IOException {
    ByteBuffer b = frame.encode();
    synchronized (writeLock) {
      while (b.hasRemaining()) {
        out.write(b);
      }
    }
  }

  /** Names from the wire go into logs and answers only shortened. */
  static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }

  private void closeQuietly() {
    try {
      in.close();
    } catch (IOException ignored) {
      // already gone
    }
    try {
      out.close();
    } catch (IOException ignored) {
      // already gone
    }
  }
}

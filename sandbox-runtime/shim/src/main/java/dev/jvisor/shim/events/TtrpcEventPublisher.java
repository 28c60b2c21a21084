package dev.jvisor.shim.events;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.jvisor.shim.proto.eventsvc.Envelope;
import dev.jvisor.shim.proto.eventsvc.ForwardRequest;
import dev.jvisor.shim.ttrpc.TtrpcClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Forwards events to containerd's ttrpc Events service ({@code $TTRPC_ADDRESS}), in order, from one thread. A
 * failed send reconnects and retries a few times; a full queue drops the event with a log line rather than block
 * the Task service.
 */
public final class TtrpcEventPublisher implements EventPublisher {
  static final String SERVICE = "containerd.services.events.ttrpc.v1.Events";
  static final int QUEUE_CAPACITY = 1024;
  static final int ATTEMPTS = 3;
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  static final Duration RETRY_PAUSE = Duration.ofMillis(200);
  /** How long close() lets queued events (the last exit, say) go out. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(TtrpcEventPublisher.class.getName());

  private record Pending(String topic, Any event, Instant at) {}

  private final Path address;
  private final String namespace;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread sender;
  private volatile boolean closing;
  private TtrpcClient client;

  public TtrpcEventPublisher(Path address, String namespace) {
    this.address = address;
    this.namespace = namespace;
    this.sender = new Thread(this::sendLoop, "events-forward");
    sender.setDaemon(true);
    sender.start();
  }

  /** Builds what the first event needs (the events' file descriptors, ~20 ms when cold) ahead of it. */
  public static void warmUp() {
    pack(dev.jvisor.shim.proto.events.TaskCreate.newBuilder().setContainerId("warm-up").build());
    ForwardRequest.newBuilder().setEnvelope(Envelope.newBuilder().setTopic("/warm-up")).build().toByteArray();
  }

  /** The type URL containerd expects: the bare full message name. */
  static Any pack(Message event) {
    return Any.newBuilder().setTypeUrl(event.getDescriptorForType().getFullName())
        .setValue(event.toByteString()).build();
  }

  @Override
  public void publish(String topic, Message event) {
    if (!queue.offer(new Pending(topic, pack(event), Instant.now()))) {
      LOG.warning("events: queue full, dropped " + topic);
    }
  }

  private void sendLoop() {
    while (!closing || !queue.isEmpty()) {
      Pending p;
      try {
        p = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (p != null) {
        send(p);
      }
    }
  }

  private void send(Pending p) {
    ForwardRequest req = ForwardRequest.newBuilder().setEnvelope(Envelope.newBuilder()
        .setTimestamp(Timestamp.newBuilder().setSeconds(p.at().getEpochSecond()).setNanos(p.at().getNano()))
        .setNamespace(namespace).setTopic(p.topic()).setEvent(p.event())).build();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        if (client == null || !client.isOpen()) {
          client = TtrpcClient.connect(address);
        }
        client.call(SERVICE, "Forward", req.toByteArray(), Map.of(), CALL_TIMEOUT);
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warning("events: forward " + p.topic() + " attempt " + attempt + " failed: " + e);
        if (client != null) {
          client.close();
          client = null;
        }
        try {
          Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
    LOG.severe("events: gave up on " + p.topic());
  }

  @Override
  public void close() {
    closing = true;
    try {
      sender.join(DRAIN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.interrupt();
    if (client != null) {
      client.close();
    }
  }
}

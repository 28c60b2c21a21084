package dev.jvisor.cri;

import dev.jvisor.cri.v1.ContainerConfig;
import dev.jvisor.cri.v1.ContainerStatusRequest;
import dev.jvisor.cri.v1.ContainerStatusResponse;
import dev.jvisor.cri.v1.CreateContainerRequest;
import dev.jvisor.cri.v1.ExecSyncRequest;
import dev.jvisor.cri.v1.ExecSyncResponse;
import dev.jvisor.cri.v1.ImageServiceGrpc;
import dev.jvisor.cri.v1.LinuxContainerResources;
import dev.jvisor.cri.v1.ListContainersRequest;
import dev.jvisor.cri.v1.ListContainersResponse;
import dev.jvisor.cri.v1.ListImagesRequest;
import dev.jvisor.cri.v1.ListImagesResponse;
import dev.jvisor.cri.v1.ListPodSandboxRequest;
import dev.jvisor.cri.v1.ListPodSandboxResponse;
import dev.jvisor.cri.v1.PodSandboxConfig;
import dev.jvisor.cri.v1.PodSandboxStatusRequest;
import dev.jvisor.cri.v1.PodSandboxStatusResponse;
import dev.jvisor.cri.v1.RemoveContainerRequest;
import dev.jvisor.cri.v1.RemovePodSandboxRequest;
import dev.jvisor.cri.v1.RunPodSandboxRequest;
import dev.jvisor.cri.v1.RuntimeServiceGrpc;
import dev.jvisor.cri.v1.StartContainerRequest;
import dev.jvisor.cri.v1.StatusRequest;
import dev.jvisor.cri.v1.StatusResponse;
import dev.jvisor.cri.v1.StopContainerRequest;
import dev.jvisor.cri.v1.StopPodSandboxRequest;
import dev.jvisor.cri.v1.UpdateContainerResourcesRequest;
import dev.jvisor.cri.v1.VersionRequest;
import dev.jvisor.cri.v1.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A kubelet's view of a CRI runtime: the RuntimeService and ImageService calls jvisor needs, over a unix socket.
 * Every call carries a deadline ({@link #DEFAULT_DEADLINE}, or the exec timeout plus slack for ExecSync), so a
 * stuck runtime fails a call instead of hanging the caller. Errors surface as {@link io.grpc.StatusRuntimeException}.
 */
public final class CriClient implements AutoCloseable {
  /** Long enough for a sandbox start on a slow node (image unpack, a JVM starting); short enough for a test. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);
  /** Added to an ExecSync's own timeout: the runtime needs time to kill and reap a command that overran. */
  static final Duration EXEC_SLACK = Duration.ofSeconds(15);
  /** containerd's answers (ExecSync output included) are bounded by its own 16 MiB limit. */
  static final int MAX_MESSAGE_BYTES = 16 << 20;
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);
  /**
   * gRPC asks every Netty channel for SO_KEEPALIVE, which a unix socket does not have; Netty then warns on each
   * connect. Held strongly: java.util.logging forgets the level of a logger nobody references.
   */
  private static final List<java.util.logging.Logger> BOOTSTRAP_LOGS = List.of(
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.AbstractBootstrap"),
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap"));

  static {
    BOOTSTRAP_LOGS.forEach(l -> l.setLevel(java.util.logging.Level.SEVERE));
  }

  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final Duration deadline;

  private CriClient(Path socket, Duration deadline) {
    this.group = new EpollEventLoopGroup(1);
    this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .eventLoopGroup(group)
        .channelType(EpollDomainSocketChannel.class)
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .usePlaintext()
        .build();
    this.deadline = deadline;
  }

  /** Connects lazily to the CRI socket, e.g. {@code /run/containerd/containerd.sock}. */
  public static CriClient connect(Path socket) {
    return new CriClient(socket, DEFAULT_DEADLINE);
  }

  public static CriClient connect(Path socket, Duration deadline) {
    return new CriClient(socket, deadline);
  }

  private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
    return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ImageServiceGrpc.ImageServiceBlockingStub images() {
    return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public VersionResponse version() {
    return runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
  }

  /** The runtime's conditions and, with {@code verbose}, its info map (containerd puts its config JSON there). */
  public StatusResponse status(boolean verbose) {
    return runtime().status(StatusRequest.newBuilder().setVerbose(verbose).build());
  }

  /** Returns the new pod sandbox id. */
  public String runPodSandbox(PodSandboxConfig config, String runtimeHandler) {
    return runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config)
        .setRuntimeHandler(runtimeHandler == null ? "" : runtimeHandler).build()).getPodSandboxId();
  }

  public void stopPodSandbox(String podId) {
    runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
  }

  public void removePodSandbox(String podId) {
    runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
  }

  public PodSandboxStatusResponse podSandboxStatus(String podId, boolean verbose) {
    return runtime().podSandboxStatus(
        PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).setVerbose(verbose).build());
  }

  public ListPodSandboxResponse listPodSandbox() {
    return runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
  }

  /** Returns the new container id. */
  public String createContainer(String podId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
    return runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setConfig(config)
        .setSandboxConfig(sandboxConfig).build()).getContainerId();
  }

  public void startContainer(String containerId) {
    runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
  }

  /** Sends the stop signal, then SIGKILL after {@code grace} (whole seconds, as the CRI wants). */
  public void stopContainer(String containerId, Duration grace) {
    runtime().stopContainer(
        StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(grace.toSeconds()).build());
  }

  public void removeContainer(String containerId) {
    runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
  }

  /** UpdateContainerResources (kubelet's in-place resize): the container's new Linux resources. */
  public void updateContainerResources(String containerId, LinuxContainerResources resources) {
    runtime().updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(containerId)
        .setLinux(resources).build());
  }

  public ListContainersResponse listContainers() {
    return runtime().listContainers(ListContainersRequest.getDefaultInstance());
  }

  public ContainerStatusResponse containerStatus(String containerId, boolean verbose) {
    return runtime().containerStatus(
        ContainerStatusRequest.newBuilder().setContainerId(containerId).setVerbose(verbose).build());
  }

  /** Runs {@code cmd} in the container and collects its output; {@code timeout} is whole seconds, 0 = none. */
  public ExecSyncResponse execSync(String containerId, List<String> cmd, Duration timeout) {
    Duration callDeadline = timeout.isZero() ? deadline : timeout.plus(EXEC_SLACK);
    return RuntimeServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
        .execSync(ExecSyncRequest.newBuilder().setContainerId(containerId).addAllCmd(cmd)
            .setTimeout(timeout.toSeconds()).build());
  }

  public ListImagesResponse listImages() {
    return images().listImages(ListImagesRequest.getDefaultInstance());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly(
        SHUTDOWN_WAIT.toMillis());
  }
}

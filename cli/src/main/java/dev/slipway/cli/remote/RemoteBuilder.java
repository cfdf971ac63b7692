package dev.slipway.cli.remote;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.CancelRequest;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.api.mapping.BuildRequestMapping;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.SessionGrpc;
import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.ContextKey;
import dev.slipway.session.SessionException;
import dev.slipway.session.serving.AnsweringSession;
import dev.slipway.session.serving.LocalOutputs;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A builder process reached over gRPC ({@code slipway build --builder grpc://HOST:PORT}): the build
 * runs there, while this process serves the session (context, secrets, ssh agents, credentials,
 * outputs) and shows the progress it streams back. Ctrl-C cancels the build on the builder. In
 * cluster mode the builder is the local end of a port-forward, and the operator starts the build.
 */
public final class RemoteBuilder implements AutoCloseable {
  private static final Duration OUTPUTS_PATIENCE = Duration.ofSeconds(60);
  // A build started by someone else is unknown to the builder until its session attached.
  private static final Duration STATUS_PATIENCE = Duration.ofSeconds(30);
  private static final Duration STATUS_RETRY = Duration.ofMillis(200);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BuilderAddress address;
  // names this machine's context copies on every builder
  private final byte[] contextSecret;
  private final ManagedChannel transport;
  private final Channel channel;
  // what ends this process's use of the transport: a shutdown, or the lease of a kept channel
  private final AutoCloseable release;

  private RemoteBuilder(
      BuilderAddress address,
      String token,
      ManagedChannel transport,
      AutoCloseable release,
      byte[] contextSecret) {
    this.address = address;
    this.contextSecret = contextSecret.clone();
    this.transport = transport;
    this.release = release;
    if (token == null) {
      this.channel = transport;
    } else {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      this.channel =
          ClientInterceptors.intercept(
              transport, MetadataUtils.newAttachHeadersInterceptor(headers));
    }
  }

  private static ManagedChannel channel(
      BuilderAddress address, ChannelCredentials credentials, String authority) {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(address.host(), address.port(), credentials)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .idleTimeout(BuilderChannels.IDLE.toSeconds(), TimeUnit.SECONDS)
            .maxInboundMessageSize(16 << 20);
    if (authority != null) {
      builder.overrideAuthority(authority);
    }
    return builder.build();
  }

  /** A builder with a channel of its own, shut down when it closes. */
  private static RemoteBuilder ownChannel(
      BuilderAddress address,
      String token,
      ChannelCredentials credentials,
      String authority,
      byte[] contextSecret) {
    ManagedChannel transport = channel(address, credentials, authority);
    return new RemoteBuilder(
        address,
        token,
        transport,
        () -> {
          transport.shutdownNow();
          transport.awaitTermination(5, TimeUnit.SECONDS);
        },
        contextSecret);
  }

  /**
   * A builder at {@code address} (e.g. the local end of a port-forward) that wants {@code token}.
   */
  public static RemoteBuilder connect(BuilderAddress address, String token) {
    return ownChannel(address, token, credentials(address, null), null, processContextSecret());
  }

  /**
   * A builder at {@code address} that wants {@code token}; a grpcs:// address is trusted through
   * the CA certificates in {@code caFile} (PEM), or the system's when it is null. A grpc:// address
   * is plain HTTP/2, for loopback and for tunnels that protect the connection already. {@code
   * contextSecret} names this machine's context copies on the builder ({@link ContextKey}). The
   * channel is kept for the next build through the same builder ({@link BuilderChannels}).
   */
  public static RemoteBuilder connect(
      BuilderAddress address, String token, Path caFile, byte[] contextSecret) {
    ChannelCredentials credentials = credentials(address, caFile);
    BuilderChannels.Lease lease =
        BuilderChannels.SHARED.lease(
            new BuilderChannels.Key(address.toString(), trust(address, caFile)),
            () -> channel(address, credentials, null));
    return new RemoteBuilder(address, token, lease.channel(), lease, contextSecret);
  }

  /** What a connection to {@code address} trusts: nothing, the system's CAs, or a CA file's. */
  private static String trust(BuilderAddress address, Path caFile) {
    if (!address.tls()) {
      return "plaintext";
    }
    if (caFile == null) {
      return "system";
    }
    try {
      return "ca:"
          + java.util.HexFormat.of()
              .formatHex(
                  java.security.MessageDigest.getInstance("SHA-256")
                      .digest(java.nio.file.Files.readAllBytes(caFile)));
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new UsageException("--tls-ca " + caFile + ": cannot read it: " + e.getMessage());
    }
  }

  /** The context key of this process's user, for builds that run in a process of their own. */
  private static byte[] processContextSecret() {
    return ContextKey.secret(ContextKey.defaultSecretFile());
  }

  /**
   * A builder at {@code address} that speaks TLS with a certificate from the CA {@code caPem} for
   * {@code serverName}: the local end of a port-forward is 127.0.0.1, but the name checked is the
   * pod's, so the tunnel reaches that Builder's pod or nothing.
   */
  public static RemoteBuilder connectTls(
      BuilderAddress address, String token, String caPem, String serverName) {
    try {
      ChannelCredentials tls =
          TlsChannelCredentials.newBuilder()
              .trustManager(
                  new java.io.ByteArrayInputStream(
                      caPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
              .build();
      return ownChannel(address, token, tls, serverName, processContextSecret());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the builder's CA certificate is unusable: " + e, e);
    }
  }

  private static ChannelCredentials credentials(BuilderAddress address, Path caFile) {
    if (!address.tls()) {
      if (caFile != null) {
        throw new UsageException(
            "--tls-ca is for a grpcs:// builder; " + address + " is plaintext");
      }
      return InsecureChannelCredentials.create();
    }
    if (caFile == null) {
      return TlsChannelCredentials.create();
    }
    try {
      return TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(
          "--tls-ca " + caFile + ": not a PEM CA certificate: " + e.getMessage());
    }
  }

  /** Control calls to this builder with its credential, for one-shot questions (the history). */
  public dev.slipway.api.control.v1.ControlGrpc.ControlBlockingStub control() {
    return dev.slipway.api.control.v1.ControlGrpc.newBlockingStub(channel);
  }

  /**
   * Runs {@code request} on the builder, answering its session from {@code local}; progress goes to
   * {@code progress}. Returns once the result and every output for this machine are in.
   */
  public BuildResult solve(
      SolveRequest request,
      BuildSession local,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException {
    String sessionId = UUID.randomUUID().toString();
    SolveRequest remote =
        LocalOutputs.forRemote(request).toBuilder().setSessionId(sessionId).build();
    return served(
        sessionId,
        request,
        remote,
        local,
        cancellation,
        () -> cancel(remote.getBuildId()),
        () -> drain(ControlGrpc.newBlockingStub(channel).solve(remote), progress));
  }

  /**
   * Serves session {@code sessionId} for a build that someone else starts on the builder (the
   * operator, for a BuildRequest), and shows its progress by re-attaching to it with
   * Control.Status. {@code request} is the build as this machine asked for it: its outputs decide
   * where the data the builder sends back lands. When the builder will not report on the build,
   * {@code fallback} says how it ended.
   */
  public BuildResult attach(
      String sessionId,
      SolveRequest request,
      BuildSession local,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation,
      StatusFallback fallback)
      throws BuildFailedException {
    SolveRequest remote =
        LocalOutputs.forRemote(request).toBuilder().setSessionId(sessionId).build();
    return served(
        sessionId,
        request,
        remote,
        local,
        cancellation,
        () -> {},
        () -> status(remote.getBuildId(), progress, fallback));
  }

  /** Shows the progress of build {@code buildId} on the builder until it ends. */
  public BuildResult follow(String buildId, Consumer<SolveEvent> progress, StatusFallback fallback)
      throws BuildFailedException {
    try {
      return status(buildId, progress, fallback);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted");
    }
  }

  /** How a build ended when its builder will not stream its events. */
  public interface StatusFallback {
    /**
     * @param refusal why the builder did not report
     * @return the build's last event: its result or its error
     */
    SolveEvent lastEvent(String refusal) throws InterruptedException;
  }

  private interface EventStream {
    BuildResult follow() throws BuildFailedException, InterruptedException;
  }

  private BuildResult served(
      String sessionId,
      SolveRequest request,
      SolveRequest remote,
      BuildSession local,
      BuildCancellation cancellation,
      Runnable onCancel,
      EventStream events)
      throws BuildFailedException {
    LocalOutputs outputs = new LocalOutputs(remote, local);
    boolean complete = false;
    try (AnsweringSession session =
            new AnsweringSession(local, outputs, hello(sessionId, request, local));
        AutoCloseable cancelOnBuilder = cancellation.onCancel(onCancel)) {
      session.open(SessionGrpc.newStub(channel));
      BuildResult result = events.follow();
      outputs.awaitAll(OUTPUTS_PATIENCE);
      complete = true;
      return result;
    } catch (StatusRuntimeException e) {
      throw refused(e, cancellation);
    } catch (IOException e) {
      throw failure(ErrorKind.ERROR_KIND_SESSION, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted");
    } catch (BuildFailedException e) {
      throw e;
    } catch (Exception e) {
      throw failure(ErrorKind.ERROR_KIND_INTERNAL, "the remote build failed: " + e);
    } finally {
      if (!complete) {
        outputs.abort();
      }
    }
  }

  private BuildResult drain(Iterator<SolveEvent> events, Consumer<SolveEvent> progress)
      throws BuildFailedException {
    while (events.hasNext()) {
      SolveEvent e = events.next();
      if (e.hasResult()) {
        return e.getResult();
      }
      if (e.hasError()) {
        throw new BuildFailedException(e.getError());
      }
      progress.accept(e);
    }
    throw failure(
        ErrorKind.ERROR_KIND_INTERNAL,
        "the builder at " + address + " ended the build without a result");
  }

  /**
   * Follows a build with Control.Status. The build may not be known yet (its Solve waits for its
   * session), so "not found" is asked again for a while; any other refusal, or a stream that
   * breaks, hands over to {@code fallback}.
   */
  private BuildResult status(String buildId, Consumer<SolveEvent> progress, StatusFallback fallback)
      throws BuildFailedException, InterruptedException {
    long deadline = System.nanoTime() + STATUS_PATIENCE.toNanos();
    StatusRequest ask = StatusRequest.newBuilder().setBuildId(buildId).build();
    while (true) {
      Iterator<SolveEvent> events;
      try {
        events = ControlGrpc.newBlockingStub(channel).status(ask);
        events.hasNext();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND && System.nanoTime() < deadline) {
          Thread.sleep(STATUS_RETRY.toMillis());
          continue;
        }
        return lastEvent(fallback, describe(e));
      }
      try {
        return drain(events, progress);
      } catch (StatusRuntimeException e) {
        return lastEvent(fallback, describe(e));
      }
    }
  }

  private static BuildResult lastEvent(StatusFallback fallback, String refusal)
      throws BuildFailedException, InterruptedException {
    SolveEvent last = fallback.lastEvent(refusal);
    if (last.hasResult()) {
      return last.getResult();
    }
    throw new BuildFailedException(last.getError());
  }

  private String describe(StatusRuntimeException e) {
    String detail = e.getStatus().getDescription();
    return "the builder at "
        + address
        + " did not report the build ("
        + e.getStatus().getCode()
        + (detail == null ? "" : ": " + detail)
        + ")";
  }

  private Hello hello(String sessionId, SolveRequest request, BuildSession local) {
    Hello.Builder hello =
        Hello.newBuilder()
            .setSessionId(sessionId)
            .addAllSecretIds(request.getSecretIdsList())
            .addAllSshIds(request.getSshIdsList())
            .setServesCredentials(true)
            .setClientVersion("slipway-cli " + version());
    List<String> served =
        new ArrayList<>(List.of(BuildRequestMapping.CLIENT_CONTEXT_NAME, "dockerfile"));
    // each named local directory is one more context the builder may read, and only through it
    request.getNamedContextsMap().values().stream()
        .filter(n -> n.hasClient())
        .forEach(n -> served.add(n.getClient().getName()));
    for (String name : served) {
      try {
        ContextFiles files = local.context(name);
        hello
            .addContexts(name)
            .putContextIdentities(
                name, ContextKey.of(contextSecret, hostName() + ":" + files.identity()));
      } catch (SessionException absent) {
        // this build does not have that context (e.g. a Dockerfile from standard input)
      }
    }
    return hello.build();
  }

  private void cancel(String buildId) {
    try {
      ControlGrpc.newBlockingStub(channel)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .cancel(CancelRequest.newBuilder().setBuildId(buildId).setReason("interrupted").build());
    } catch (StatusRuntimeException e) {
      // the builder is gone too; the build ends with its session
    }
  }

  private BuildFailedException refused(StatusRuntimeException e, BuildCancellation cancellation) {
    if (cancellation.isCancelled()) {
      return BuildFailedException.cancelled(cancellation.reason());
    }
    String detail = e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription();
    return switch (e.getStatus().getCode()) {
      case UNAUTHENTICATED ->
          failure(
              ErrorKind.ERROR_KIND_INVALID_INPUT,
              "the builder at " + address + " refused the request: " + detail);
      case RESOURCE_EXHAUSTED ->
          failure(
              ErrorKind.ERROR_KIND_INTERNAL, "the builder at " + address + " is busy: " + detail);
      case UNAVAILABLE ->
          failure(
              ErrorKind.ERROR_KIND_INTERNAL,
              "cannot reach the builder at "
                  + address
                  + " ("
                  + firstLine(detail)
                  + "); "
                  + unavailableHint(e));
      default ->
          failure(
              ErrorKind.ERROR_KIND_INTERNAL,
              "the builder at "
                  + address
                  + " failed the build: "
                  + e.getStatus().getCode()
                  + " "
                  + detail);
    };
  }

  private static BuildFailedException failure(ErrorKind kind, String message) {
    return new BuildFailedException(
        BuildError.newBuilder().setKind(kind).setMessage(message).build());
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static String version() {
    String v = RemoteBuilder.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public void close() {
    try {
      release.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // nothing was left to release
    }
  }

  /** What to check when the builder cannot be reached: TLS trust first, then the address. */
  private String unavailableHint(StatusRuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return "the TLS handshake failed, most likely because this client does not trust the"
            + " builder's certificate; pass --tls-ca FILE with the CA that signed it";
      }
    }
    return address.tls()
        ? "is it running, does it serve TLS, and is the address right?"
        : "is it running, and is the address right? (a builder that serves TLS needs grpcs://)";
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}

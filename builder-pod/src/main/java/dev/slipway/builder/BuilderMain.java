package dev.slipway.builder;

import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.resource.Durations;
import dev.slipway.builder.peer.PeerChannels;
import dev.slipway.builder.peer.PeerImports;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.EngineLimits;
import dev.slipway.engine.cache.PeerCacheSource;
import dev.slipway.engine.cache.PrunePolicy;
import dev.slipway.engine.snapshot.SnapshotterMode;
import dev.slipway.session.auth.CallerSource;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the builder process ({@code bin/slipway-builder}): one engine over one state
 * directory, served over gRPC until the process is stopped. Every flag also reads an environment
 * variable, which is how the builder pod's container is configured.
 */
@Command(
    name = "slipway-builder",
    mixinStandardHelpOptions = true,
    versionProvider = BuilderMain.Version.class,
    description = "Serve Slipway's Control and Session gRPC services around one build engine.")
public final class BuilderMain implements Callable<Integer> {

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:SLIPWAY_LISTEN:-127.0.0.1:7443}",
      description =
          "gRPC address; repeat to listen on several (the same address twice counts once). Port 0"
              + " picks a free one (one address only). Default: ${DEFAULT-VALUE}.")
  List<String> listen;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      defaultValue = "${env:SLIPWAY_STATE}",
      required = true,
      description = "Engine state: cache, snapshots, images, context copies.")
  Path state;

  @Option(
      names = "--auth-public-key",
      paramLabel = "FILE",
      defaultValue = "${env:SLIPWAY_AUTH_PUBLIC_KEY}",
      description =
          "PEM public key of the operator's grant signer: callers present short-lived grants"
              + " signed with it (needs --auth-audience).")
  Path authPublicKey;

  @Option(
      names = "--auth-audience",
      paramLabel = "NAME",
      defaultValue = "${env:SLIPWAY_AUTH_AUDIENCE}",
      description = "The audience grants must be made for: this Builder's name.")
  String authAudience;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      defaultValue = "${env:SLIPWAY_TOKEN_FILE}",
      description =
          "Local development: one bearer token; whoever holds it is this builder's single user,"
              + " with every right.")
  Path tokenFile;

  @Option(
      names = "--insecure-no-auth",
      defaultValue = "${env:SLIPWAY_INSECURE_NO_AUTH:-false}",
      description =
          "Local development: serve without any authentication. Only with loopback --listen"
              + " addresses.")
  boolean insecureNoAuth;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      defaultValue = "${env:SLIPWAY_TLS_CERT}",
      description = "PEM certificate chain to serve TLS with (needs --tls-key).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      defaultValue = "${env:SLIPWAY_TLS_KEY}",
      description = "PEM (PKCS#8) private key of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--peer-ca",
      paramLabel = "FILE",
      defaultValue = "${env:SLIPWAY_PEER_CA}",
      description =
          "PEM CA certificate of this Builder: the other pods a build names as peers must present"
              + " a certificate it issued (for --peer-tls-name) before they are asked for cache."
              + " Without it, peers are not asked.")
  Path peerCa;

  @Option(
      names = "--peer-tls-name",
      paramLabel = "NAME",
      defaultValue = "${env:SLIPWAY_PEER_TLS_NAME:-localhost}",
      description =
          "The name the peers' certificate holds (the Builder's Service name, e.g."
              + " builder-x.ns.svc). Default: ${DEFAULT-VALUE}.")
  String peerTlsName;

  @Option(
      names = "--session-attach-wait",
      paramLabel = "SECONDS",
      defaultValue = "${env:SLIPWAY_SESSION_ATTACH_WAIT:-60}",
      description =
          "How long a build waits for the session it names to attach. Default: ${DEFAULT-VALUE}.")
  int sessionAttachWaitSeconds;

  @Option(
      names = "--max-builds",
      paramLabel = "N",
      defaultValue = "${env:SLIPWAY_MAX_PARALLEL_BUILDS:-4}",
      description = "Builds run at once; more are refused. Default: ${DEFAULT-VALUE}.")
  int maxBuilds;

  @Option(
      names = "--cache-keep-bytes",
      paramLabel = "BYTES",
      defaultValue = "${env:SLIPWAY_CACHE_KEEP_BYTES:-0}",
      description = "Collect the cache down to this size every few minutes; 0 means no bound.")
  long cacheKeepBytes;

  @Option(
      names = "--cache-keep-duration",
      paramLabel = "DURATION",
      defaultValue = "${env:SLIPWAY_CACHE_KEEP_DURATION:-}",
      description = "Collect cache items unused for longer than this (e.g. 168h); empty: no bound.")
  String cacheKeepDuration;

  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:SLIPWAY_METRICS_LISTEN}",
      description = "HTTP address for /metrics, /healthz and /readyz.")
  String metricsListen;

  @Option(
      names = "--session-timeout",
      paramLabel = "SECONDS",
      defaultValue = "${env:SLIPWAY_SESSION_TIMEOUT:-60}",
      description =
          "How long a build waits for a client's answer before it fails. Default: ${DEFAULT-VALUE}.")
  int sessionTimeoutSeconds;

  @Option(
      names = "--snapshotter",
      paramLabel = "overlay|copy",
      defaultValue = "${env:SLIPWAY_SNAPSHOTTER}",
      description = "Snapshotter; by default overlay where the kernel allows it.")
  String snapshotter;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "${env:SLIPWAY_PARALLELISM:-0}",
      description = "Steps run at once across all builds; 0 means one per core (at least two).")
  int parallelism;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "SECONDS",
      defaultValue = "${env:SLIPWAY_SHUTDOWN_TIMEOUT:-20}",
      description =
          "On SIGTERM, how long running builds get to stop and mounts to be released before the"
              + " process halts (after the drain); the pod's terminationGracePeriodSeconds leaves"
              + " it 30 s beyond --drain-timeout. Default: ${DEFAULT-VALUE}.")
  int shutdownTimeoutSeconds;

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:SLIPWAY_DRAIN_TIMEOUT:-0s}",
      description =
          "On SIGTERM or SIGINT, take no new build and give running builds this long to finish"
              + " (30s, 5m, 1h30m) before they are cancelled and the builder stops; a second"
              + " signal ends the wait. The operator sets it from the Builder's"
              + " spec.drainGracePeriod. Default: ${DEFAULT-VALUE} (stop at once).")
  String drainTimeout;

  @Option(
      names = "--allow-insecure-entitlement",
      defaultValue = "${env:SLIPWAY_ALLOW_INSECURE_ENTITLEMENT:-false}",
      description =
          "Let builds that ask for security.insecure run RUN --security=insecure privileged."
              + " Off by default: on a shared builder it gives those builds the builder's root.")
  boolean allowInsecureEntitlement;

  @Option(
      names = "--max-download-bytes",
      paramLabel = "BYTES",
      defaultValue =
          "${env:SLIPWAY_MAX_DOWNLOAD_BYTES:-" + EngineLimits.DEFAULT_MAX_DOWNLOAD_BYTES + "}",
      description = "Largest file one ADD <url> may download. Default: ${DEFAULT-VALUE} (8 GiB).")
  long maxDownloadBytes;

  @Option(
      names = "--max-archive-bytes",
      paramLabel = "BYTES",
      defaultValue =
          "${env:SLIPWAY_MAX_ARCHIVE_BYTES:-" + EngineLimits.DEFAULT_MAX_ARCHIVE_EXPAND_BYTES + "}",
      description = "Most one archive may expand to on disk. Default: ${DEFAULT-VALUE} (8 GiB).")
  long maxArchiveBytes;

  @Option(
      names = "--max-log-bytes-per-step",
      paramLabel = "BYTES",
      defaultValue =
          "${env:SLIPWAY_MAX_LOG_BYTES_PER_STEP:-"
              + EngineLimits.DEFAULT_MAX_LOG_BYTES_PER_STEP
              + "}",
      description =
          "Output one step may log before its log is clipped. Default: ${DEFAULT-VALUE} (2 MiB).")
  long maxLogBytesPerStep;

  /** The engine these flags describe; a limit below one byte is a usage error. */
  EngineConfig engineConfig() {
    EngineConfig config =
        EngineConfig.defaults(state).withInsecureEntitlement(allowInsecureEntitlement);
    if (parallelism > 0) {
      config = config.withParallelism(parallelism);
    }
    if (snapshotter != null && !snapshotter.isBlank()) {
      config = config.withSnapshotter(SnapshotterMode.valueOf(snapshotter.toUpperCase()));
    }
    positive("--max-download-bytes", maxDownloadBytes);
    positive("--max-archive-bytes", maxArchiveBytes);
    positive("--max-log-bytes-per-step", maxLogBytesPerStep);
    return config.withLimits(
        new EngineLimits(maxDownloadBytes, maxArchiveBytes, maxLogBytesPerStep));
  }

  private void positive(String flag, long value) {
    if (value < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), flag + " must be at least 1 byte, not " + value);
    }
  }

  /** The bounds the builder keeps its cache within, when any is set. */
  private Optional<PruneRequest> garbageCollection() {
    PruneRequest.Builder gc = PruneRequest.newBuilder().setKeepBytes(cacheKeepBytes);
    if (cacheKeepDuration != null && !cacheKeepDuration.isBlank()) {
      try {
        java.time.Duration d = PrunePolicy.parseDuration(cacheKeepDuration.trim());
        gc.setKeepDuration(com.google.protobuf.Duration.newBuilder().setSeconds(d.toSeconds()));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--cache-keep-duration: " + e.getMessage());
      }
    }
    return cacheKeepBytes > 0 || gc.hasKeepDuration() ? Optional.of(gc.build()) : Optional.empty();
  }

  @Override
  public Integer call() throws Exception {
    if (maxBuilds < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--max-builds must be at least 1, not " + maxBuilds);
    }
    EngineConfig config = engineConfig();
    List<InetSocketAddress> requested =
        listen.stream().map(a -> address("--listen", a)).distinct().toList();
    List<InetSocketAddress> addresses = ListenAddresses.of(requested);
    requested.stream()
        .filter(a -> !addresses.contains(a))
        .forEach(
            a ->
                System.err.println(
                    "slipway-builder: not listening on 127.0.0.1:"
                        + a.getPort()
                        + ": another of its addresses is a loopback address on that port (a node"
                        + " of a loopback cluster), and 127.0.0.1 is the first node's"));
    Optional<InetSocketAddress> metricsAddress =
        Optional.ofNullable(metricsListen)
            .filter(s -> !s.isBlank())
            .map(s -> address("--metrics-listen", s));
    Optional<PruneRequest> gc = garbageCollection();
    Duration drainGrace = drainGrace();
    // Who may call is settled before the engine opens or anything listens.
    CallerSource callers = callers(addresses);
    Optional<BuilderServer.Tls> tls = tls();
    Optional<InetSocketAddress> exposed =
        addresses.stream().filter(a -> !isLoopback(a)).findFirst();
    if (tls.isEmpty() && exposed.isPresent()) {
      // grants, tokens and Secret values must never cross a network in clear
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--listen "
              + exposed.get().getHostString()
              + ":"
              + exposed.get().getPort()
              + " is not a loopback address, so grants and secrets would cross the network in"
              + " clear: give --tls-cert and --tls-key (the operator does), or listen on"
              + " 127.0.0.1");
    }
    if (insecureNoAuth) {
      System.err.println(
          "slipway-builder: WARNING: --insecure-no-auth; anyone on this machine can run builds and"
              + " read every build here");
    }
    if (shutdownTimeoutSeconds < 2) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--shutdown-timeout must be at least 2 seconds, not " + shutdownTimeoutSeconds);
    }
    String version = Version.current();
    BuilderShutdown shutdown = new BuilderShutdown(Duration.ofSeconds(shutdownTimeoutSeconds));
    // Closed newest first, by SIGTERM's hook or when the server ends: the server and its builds,
    // the collector, then the engine, which unmounts what the builds left mounted.
    PeerCacheSource peers = PeerImports.disabled();
    if (peerCa != null) {
      if (!Files.isReadable(peerCa)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--peer-ca " + peerCa + " is missing or unreadable");
      }
      PeerChannels channels = new PeerChannels(peerCa, peerTlsName);
      shutdown.add("the channels to peers", channels);
      peers = new PeerImports(channels::channel, PeerImports.Limits.DEFAULT, callers);
    }
    Engine engine = Engine.open(config.withPeerCache(peers));
    shutdown.add("the engine", engine);
    try {
      shutdown.add("the cache collector", new CacheCollector(engine, gc));
      BuilderServer server =
          new BuilderServer(
              engine,
              new BuilderServer.Settings(
                  addresses,
                  callers,
                  tls,
                  maxBuilds,
                  metricsAddress,
                  Duration.ofSeconds(sessionTimeoutSeconds),
                  Duration.ofSeconds(sessionAttachWaitSeconds),
                  version,
                  cacheKeepBytes));
      shutdown.add("the gRPC server and its builds", () -> server.close(buildsGrace(shutdown)));
      // SIGTERM and SIGINT drain first; any other way out of the JVM still closes everything.
      Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "builder-shutdown"));
      new BuilderDrain(server.slots(), drainGrace, drainTimeout.trim(), shutdown, System.err)
          .install();
      System.err.println(
          "slipway-builder "
              + version
              + " listening on "
              + server.addresses()
              + server
                  .metricsAddress()
                  .map(a -> ", metrics on " + a.getHostString() + ":" + a.getPort())
                  .orElse("")
              + " (state "
              + state
              + ", max "
              + maxBuilds
              + " builds)");
      server.awaitTermination();
    } finally {
      shutdown.run();
    }
    return 0;
  }

  private Duration drainGrace() {
    try {
      return Durations.parse("--drain-timeout", drainTimeout);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
  }

  /** What builds get of the shutdown bound to stop; the rest is for closing the engine. */
  private static Duration buildsGrace(BuilderShutdown shutdown) {
    Duration all = shutdown.timeout();
    Duration rest = all.minusSeconds(5);
    return rest.compareTo(all.dividedBy(2)) > 0 ? rest : all.dividedBy(2);
  }

  private CallerSource callers(List<InetSocketAddress> addresses) {
    try {
      return BuilderAuth.choose(
          Optional.ofNullable(authPublicKey),
          Optional.ofNullable(authAudience).filter(a -> !a.isBlank()),
          Optional.ofNullable(tokenFile),
          insecureNoAuth,
          addresses);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
  }

  private static boolean isLoopback(InetSocketAddress a) {
    return a.getAddress() != null && a.getAddress().isLoopbackAddress();
  }

  private Optional<BuilderServer.Tls> tls() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--tls-cert and --tls-key go together");
    }
    if (tlsCert == null) {
      return Optional.empty();
    }
    for (Path f : List.of(tlsCert, tlsKey)) {
      if (!Files.isReadable(f)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "TLS file " + f + " is missing or unreadable");
      }
    }
    return Optional.of(new BuilderServer.Tls(tlsCert, tlsKey));
  }

  private InetSocketAddress address(String flag, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          flag + " " + hostPort + ": expected HOST:PORT, e.g. 127.0.0.1:7443");
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    static String current() {
      String v = BuilderMain.class.getPackage().getImplementationVersion();
      return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
      return new String[] {"slipway-builder " + current()};
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BuilderMain()).execute(args));
  }
}

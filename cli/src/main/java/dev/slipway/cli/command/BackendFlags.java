package dev.slipway.cli.command;

import dev.slipway.cli.backend.BuildBackend;
import dev.slipway.cli.backend.BuildMode;
import dev.slipway.cli.backend.LocalEngineBackend;
import dev.slipway.cli.cluster.ClusterBackend;
import dev.slipway.cli.cluster.ClusterOptions;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.remote.BuilderProcessBackend;
import dev.slipway.cli.request.ContextPaths;
import dev.slipway.cli.usage.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of {@code slipway build} that say where it runs, and the backend they pick. */
public final class BackendFlags {
  /** The Builder a cluster build uses without --builder NAME (the Helm chart's default one). */
  static final String DEFAULT_BUILDER = "default";

  @Option(
      names = "--local",
      description =
          "Build with the engine embedded in this process (the default without a kubeconfig).")
  boolean local;

  @Option(
      names = "--builder",
      paramLabel = "NAME|grpc(s)://HOST:PORT",
      description =
          "A Builder on the cluster (default: default), or a builder process reached directly.")
  String builder;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File with the bearer token of a --builder grpc(s)://HOST:PORT.")
  Path tokenFile;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description = "PEM CA certificate(s) that a --builder grpcs://HOST:PORT is signed by.")
  Path tlsCa;

  @Mixin ClusterOptions cluster;

  @Mixin StateDirectory state;

  /** Where the build runs; refuses flags that do not go together. */
  BuildMode mode() {
    BuildMode mode =
        BuildMode.choose(local, builder, !cluster.kubeconfigs().isEmpty(), cluster.givenFlag());
    if (tokenFile != null && mode != BuildMode.DIRECT) {
      throw new UsageException(
          "--token-file is for --builder grpc://HOST:PORT; a cluster build reads its Builder's"
              + " token from the cluster");
    }
    if (tlsCa != null && mode != BuildMode.DIRECT) {
      throw new UsageException("--tls-ca is for --builder grpcs://HOST:PORT");
    }
    return mode;
  }

  /**
   * Opens the backend of {@code mode}. A frontend call (--call, --check) only reads the Dockerfile,
   * so on a cluster the engine in this process answers it rather than a BuildRequest; a builder
   * process answers it itself.
   *
   * @param paths the build context and Dockerfile on this machine, for cache-aware placement
   * @param notices where a cluster build reports on its BuildRequest
   */
  BuildBackend open(BuildMode mode, boolean callOnly, ContextPaths paths, PrintStream notices)
      throws IOException {
    Invocation invocation = Invocation.current();
    return switch (callOnly && mode == BuildMode.CLUSTER ? BuildMode.LOCAL : mode) {
      case LOCAL ->
          new LocalEngineBackend(
              invocation.engines().open(state.path()),
              paths.contextDir() == null || paths.contextDir().getFileName() == null
                  ? ""
                  : paths.contextDir().normalize().getFileName().toString());
      case DIRECT ->
          BuilderProcessBackend.connect(
              builder,
              tokenFile == null ? null : invocation.resolve(tokenFile),
              tlsCa == null ? null : invocation.resolve(tlsCa),
              invocation.environment());
      case CLUSTER ->
          new ClusterBackend(
              cluster.connect(),
              builder == null ? DEFAULT_BUILDER : builder,
              paths.contextDir(),
              paths.dockerfile(),
              notices);
    };
  }
}

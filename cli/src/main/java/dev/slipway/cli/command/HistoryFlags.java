package dev.slipway.cli.command;

import dev.slipway.cli.backend.BuildMode;
import dev.slipway.cli.cluster.ClusterHistory;
import dev.slipway.cli.history.BuilderHistory;
import dev.slipway.cli.history.HistorySource;
import dev.slipway.cli.history.LocalHistory;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.remote.BuilderProcessBackend;
import dev.slipway.cli.remote.RemoteBuilder;
import java.io.IOException;
import java.util.Optional;
import picocli.CommandLine.Mixin;

/**
 * Where {@code slipway history} reads: the same flags as {@code slipway build} ({@code --local},
 * {@code --builder grpc://HOST:PORT}, else the cluster of the kubeconfig).
 */
public final class HistoryFlags {
  @Mixin BackendFlags backend;

  /** The source, or empty when this command was handed to a process of its own (cluster). */
  Optional<HistorySource> open() throws IOException {
    BuildMode mode = backend.mode();
    Invocation invocation = Invocation.current();
    if (mode == BuildMode.CLUSTER && invocation.handOverToOwnProcess()) {
      return Optional.empty(); // the Kubernetes client reads the process's environment
    }
    return Optional.of(
        switch (mode) {
          case LOCAL -> new LocalHistory(backend.state.path());
          case DIRECT -> {
            RemoteBuilder builder =
                BuilderProcessBackend.remote(
                    backend.builder,
                    backend.tokenFile == null ? null : invocation.resolve(backend.tokenFile),
                    backend.tlsCa == null ? null : invocation.resolve(backend.tlsCa),
                    invocation.environment());
            yield new BuilderHistory(
                builder.control(), builder, "slipway history ls --builder " + backend.builder);
          }
          case CLUSTER -> new ClusterHistory(backend.cluster.connect());
        });
  }
}

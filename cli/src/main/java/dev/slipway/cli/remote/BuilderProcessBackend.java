package dev.slipway.cli.remote;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.cli.backend.BuildBackend;
import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A builder process named by {@code --builder grpc://HOST:PORT} (and {@code --token-file}). */
public final class BuilderProcessBackend implements BuildBackend {
  private final RemoteBuilder builder;

  private BuilderProcessBackend(RemoteBuilder builder) {
    this.builder = builder;
  }

  /** The builder at {@code address}, with the bearer token in {@code tokenFile} if given. */
  public static BuilderProcessBackend connect(String address, Path tokenFile) {
    BuilderAddress parsed = BuilderAddress.parse(address);
    String token = null;
    if (tokenFile != null) {
      try {
        token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UsageException(
            "--token-file " + tokenFile + ": cannot read it: " + e.getMessage());
      }
      if (token.isEmpty()) {
        throw new UsageException("--token-file " + tokenFile + " is empty");
      }
    }
    return new BuilderProcessBackend(RemoteBuilder.connect(parsed, token));
  }

  @Override
  public BuildResult build(
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException {
    return builder.solve(request, session, progress, cancellation);
  }

  @Override
  public void close() {
    builder.close();
  }
}

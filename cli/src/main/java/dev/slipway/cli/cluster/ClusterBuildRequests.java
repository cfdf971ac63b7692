package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.mapping.BuildRequestMapping;
import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.BuilderReference;
import dev.slipway.api.resource.ClientContext;
import dev.slipway.cli.usage.UsageException;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;

/**
 * The BuildRequest that {@code slipway build} creates for a cluster: the SolveRequest a local build
 * runs, mapped by {@link BuildRequestMapping}, on a Builder and with a client context that the
 * CLI's session serves. Outputs keep their order, so the builder's output numbers match the CLI's.
 */
public final class ClusterBuildRequests {
  private ClusterBuildRequests() {}

  /**
   * @param request the build as the local engine would run it
   * @param hints what the operator places the build by besides the affinity key
   */
  static BuildRequest of(
      SolveRequest request,
      String builderName,
      String sessionId,
      String affinityKey,
      PlacementHints hints) {
    if (request.getOutputsCount() == 0) {
      throw new UsageException(
          "a cluster build needs an output: --push, -t NAME, or -o type=oci,dest=FILE (a"
              + " result only in the builder's cache would be out of reach)");
    }
    if (!request.getSigningKeySecretId().isEmpty()) {
      throw new UsageException(
          "--sign-key reads a file on this machine, which a cluster build does not sign with: put"
              + " the key in a Secret and set spec.signing.keySecretRef (see docs/signing.md), or"
              + " build with --local or --builder grpc://HOST:PORT");
    }
    refuseLocalCaches("--cache-from", request.getCacheFromList());
    refuseLocalCaches("--cache-to", request.getCacheToList());
    BuildRequestSpec spec;
    try {
      spec = BuildRequestMapping.toSpec(request);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          e.getMessage() + "; build with --local or --builder grpc://HOST:PORT");
    }
    BuilderReference ref = new BuilderReference();
    ref.setName(builderName);
    spec.setBuilderRef(ref);
    // The context is on this machine, whatever the request names: the session serves it.
    ClientContext client = new ClientContext();
    client.setSessionId(sessionId);
    client.setAffinityKey(affinityKey);
    client.setDockerfileDigest(hints.dockerfileDigest());
    client.setBaseImages(hints.baseImages().isEmpty() ? null : hints.baseImages());
    BuildContextSource context = new BuildContextSource();
    context.setClient(client);
    spec.setContext(context);
    BuildRequest build = new BuildRequest();
    build.setMetadata(
        new ObjectMetaBuilder()
            .withGenerateName("build-")
            .withLabels(Map.of("app.kubernetes.io/created-by", "slipway-cli"))
            .build());
    build.setSpec(spec);
    return build;
  }

  private static void refuseLocalCaches(String flag, List<CacheOption> caches) {
    for (CacheOption cache : caches) {
      if (cache.getType().equals("local")) {
        throw new UsageException(
            flag
                + " type=local: a cluster build cannot reach this machine's directories; use"
                + " type=registry or inline");
      }
    }
  }
}

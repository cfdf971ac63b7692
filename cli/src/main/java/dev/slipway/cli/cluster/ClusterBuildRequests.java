package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.BuilderReference;
import dev.slipway.api.resource.CacheMode;
import dev.slipway.api.resource.CacheSource;
import dev.slipway.api.resource.CacheType;
import dev.slipway.api.resource.ClientContext;
import dev.slipway.api.resource.Compression;
import dev.slipway.api.resource.DockerfileSource;
import dev.slipway.api.resource.NetworkMode;
import dev.slipway.api.resource.OutputType;
import dev.slipway.api.resource.SecretMount;
import dev.slipway.api.resource.SshMount;
import dev.slipway.cli.usage.UsageException;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BuildRequest that {@code slipway build} creates for a cluster: the same build as the
 * SolveRequest a local build runs, with a client context that the CLI's session serves. Outputs
 * keep their order, so the builder's output numbers match the CLI's.
 */
public final class ClusterBuildRequests {
  private ClusterBuildRequests() {}

  /**
   * @param request the build as the local engine would run it
   * @param network the --network flag: default leaves it to the Builder
   */
  public static BuildRequest of(
      SolveRequest request,
      String builderName,
      String sessionId,
      String affinityKey,
      String network) {
    if (request.getCheckOnly()) {
      throw new UsageException("--check runs in this process only; add --local");
    }
    if (request.getExtraHostsCount() > 0) {
      throw new UsageException(
          "--add-host is not carried by a BuildRequest yet; build with --local or --builder"
              + " grpc://HOST:PORT");
    }
    if (request.getOutputsCount() == 0) {
      throw new UsageException(
          "a cluster build needs an output: --push, -t NAME, or -o type=oci,dest=FILE (a"
              + " result only in the builder's cache would be out of reach)");
    }
    BuildRequestSpec spec = new BuildRequestSpec();
    BuilderReference ref = new BuilderReference();
    ref.setName(builderName);
    spec.setBuilderRef(ref);
    ClientContext client = new ClientContext();
    client.setSessionId(sessionId);
    client.setAffinityKey(affinityKey);
    BuildContextSource context = new BuildContextSource();
    context.setClient(client);
    spec.setContext(context);
    DockerfileSource dockerfile = new DockerfileSource();
    if (request.getDockerfile().hasInline()) {
      dockerfile.setInline(request.getDockerfile().getInline());
    } else {
      dockerfile.setPath(request.getDockerfile().getPath());
    }
    spec.setDockerfile(dockerfile);
    if (!request.getTarget().isEmpty()) {
      spec.setTarget(request.getTarget());
    }
    spec.setBuildArgs(nullIfEmpty(request.getBuildArgsMap()));
    spec.setLabels(nullIfEmpty(request.getLabelsMap()));
    spec.setPlatforms(nullIfEmpty(request.getPlatformsList()));
    spec.setSecrets(
        nullIfEmpty(
            request.getSecretIdsList().stream().map(ClusterBuildRequests::secret).toList()));
    spec.setSsh(
        nullIfEmpty(request.getSshIdsList().stream().map(ClusterBuildRequests::ssh).toList()));
    spec.setOutputs(request.getOutputsList().stream().map(ClusterBuildRequests::output).toList());
    spec.setCacheFrom(nullIfEmpty(cache("--cache-from", request.getCacheFromList())));
    spec.setCacheTo(nullIfEmpty(cache("--cache-to", request.getCacheToList())));
    spec.setNoCache(request.getNoCache());
    spec.setNoCacheFilter(nullIfEmpty(request.getNoCacheFilterList()));
    spec.setPull(request.getPull());
    spec.setNetwork(
        switch (network) {
          case "host" -> NetworkMode.HOST;
          case "none" -> NetworkMode.NONE;
          default -> null;
        });
    BuildRequest build = new BuildRequest();
    build.setMetadata(
        new ObjectMetaBuilder()
            .withGenerateName("build-")
            .withLabels(Map.of("app.kubernetes.io/created-by", "slipway-cli"))
            .build());
    build.setSpec(spec);
    return build;
  }

  private static SecretMount secret(String id) {
    SecretMount secret = new SecretMount();
    secret.setId(id);
    return secret;
  }

  private static SshMount ssh(String id) {
    SshMount ssh = new SshMount();
    ssh.setId(id);
    return ssh;
  }

  private static BuildOutput output(Output o) {
    BuildOutput out = new BuildOutput();
    out.setType(
        switch (o.getType()) {
          case OUTPUT_TYPE_IMAGE -> OutputType.IMAGE;
          case OUTPUT_TYPE_OCI -> OutputType.OCI;
          case OUTPUT_TYPE_DOCKER -> OutputType.DOCKER;
          case OUTPUT_TYPE_LOCAL -> OutputType.LOCAL;
          case OUTPUT_TYPE_TAR -> OutputType.TAR;
          default -> throw new UsageException("--output " + o.getType() + " is not known");
        });
    out.setNames(nullIfEmpty(o.getNamesList()));
    out.setPush(o.getPush());
    if (!o.getDest().isEmpty()) {
      out.setDest(o.getDest());
    }
    Map<String, String> attrs = new HashMap<>(o.getAttrsMap());
    String compression = attrs.remove("compression");
    if (compression != null) {
      out.setCompression(
          switch (compression) {
            case "gzip" -> Compression.GZIP;
            case "zstd" -> Compression.ZSTD;
            case "uncompressed" -> Compression.UNCOMPRESSED;
            default ->
                throw new UsageException(
                    "--output compression=" + compression + ": use gzip, zstd or uncompressed");
          });
    }
    if (!attrs.isEmpty()) {
      throw new UsageException(
          "--output "
              + String.join(", ", attrs.keySet())
              + ": not carried by a BuildRequest yet; build with --local or --builder"
              + " grpc://HOST:PORT");
    }
    return out;
  }

  private static List<CacheSource> cache(String flag, List<CacheOption> options) {
    List<CacheSource> caches = new ArrayList<>();
    for (CacheOption option : options) {
      Map<String, String> attrs = new LinkedHashMap<>(option.getAttrsMap());
      CacheSource cache = new CacheSource();
      switch (option.getType()) {
        case "registry" -> {
          cache.setType(CacheType.REGISTRY);
          cache.setRef(attrs.remove("ref"));
          if (cache.getRef() == null) {
            throw new UsageException(flag + " type=registry needs ref=REPO:TAG");
          }
        }
        case "inline" -> cache.setType(CacheType.INLINE);
        default ->
            throw new UsageException(
                flag
                    + " type="
                    + option.getType()
                    + ": a cluster build cannot reach this machine's directories; use"
                    + " type=registry or inline");
      }
      String mode = attrs.remove("mode");
      if (mode != null) {
        cache.setMode(
            switch (mode) {
              case "min" -> CacheMode.MIN;
              case "max" -> CacheMode.MAX;
              default -> throw new UsageException(flag + " mode=" + mode + ": use min or max");
            });
      }
      if (!attrs.isEmpty()) {
        throw new UsageException(
            flag
                + " "
                + String.join(", ", attrs.keySet())
                + ": not carried by a BuildRequest yet; build with --local");
      }
      caches.add(cache);
    }
    return caches;
  }

  private static <T> List<T> nullIfEmpty(List<T> list) {
    return list.isEmpty() ? null : List.copyOf(list);
  }

  private static Map<String, String> nullIfEmpty(Map<String, String> map) {
    return map.isEmpty() ? null : new LinkedHashMap<>(map);
  }
}

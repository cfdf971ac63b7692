package dev.slipway.operator.build;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.GitContext;
import dev.slipway.api.control.v1.HttpContext;
import dev.slipway.api.control.v1.ImageContext;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.NetworkMode;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.CacheSource;
import dev.slipway.api.resource.SecretMount;
import dev.slipway.api.resource.SshMount;
import dev.slipway.session.OutputDestination;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Translates a BuildRequest into the builder's SolveRequest. Git, http and image contexts are
 * resolved by the builder itself; a ConfigMap is carried inline; secrets, ssh keys and git
 * credentials are only named here and served by the operator's session when the build asks. An ssh
 * key (spec.ssh[].secretRef, or ssh-privatekey for an ssh git URL) is served as a secret that the
 * builder loads into an ssh-agent of its own for the build.
 */
public final class SolveRequests {

  /** The secret id under which the operator's session serves a git context's credentials. */
  public static final String GIT_TOKEN_SECRET_ID = "slipway.git-token";

  /** The ssh id of an ssh git URL's key: a dot keeps it apart from the ids of spec.ssh. */
  public static final String GIT_SSH_ID = "slipway.git-ssh";

  /**
   * The secret id under which the operator's session serves the private key of ssh id {@code
   * sshId}, which the builder loads into an ssh-agent of its own.
   */
  public static String sshKeySecretId(String sshId) {
    return "slipway.ssh-key." + sshId;
  }

  private SolveRequests() {}

  /**
   * @param configMap the ConfigMap of a configMap context (null otherwise)
   * @param sessionId the operator's session for this build, or empty when it needs none
   * @param contextKey the context's cache-affinity key ({@link ContextKeys})
   */
  public static SolveRequest of(
      BuildRequest request,
      String buildId,
      Builder builder,
      ConfigMap configMap,
      String sessionId,
      String contextKey) {
    BuildRequestSpec spec = request.getSpec();
    SolveRequest.Builder solve =
        SolveRequest.newBuilder()
            .setBuildId(buildId)
            .setSessionId(sessionId)
            .setContext(context(spec.getContext(), configMap))
            .setContextKey(contextKey)
            // The build outlives this operator process: a new leader follows it by its id.
            .setDetached(true)
            .setNoCache(Boolean.TRUE.equals(spec.getNoCache()))
            .setPull(Boolean.TRUE.equals(spec.getPull()))
            .setTimeout(Duration.newBuilder().setSeconds(spec.getTimeoutSeconds()));
    if (spec.getDockerfile() != null) {
      var d = spec.getDockerfile();
      solve.setDockerfile(
          d.getInline() != null
              ? DockerfileSource.newBuilder().setInline(d.getInline())
              : DockerfileSource.newBuilder()
                  .setPath(d.getPath() == null ? "Dockerfile" : d.getPath()));
    }
    if (spec.getTarget() != null) {
      solve.setTarget(spec.getTarget());
    }
    if (spec.getBuildArgs() != null) {
      solve.putAllBuildArgs(spec.getBuildArgs());
    }
    if (spec.getLabels() != null) {
      solve.putAllLabels(spec.getLabels());
    }
    if (spec.getPlatforms() != null) {
      solve.addAllPlatforms(spec.getPlatforms());
    }
    for (SecretMount secret : nullToEmpty(spec.getSecrets())) {
      solve.addSecretIds(secret.getId());
    }
    for (SshMount ssh : nullToEmpty(spec.getSsh())) {
      solve.addSshIds(ssh.getId());
      if (ssh.getSecretRef() != null) {
        solve.putSshKeySecretIds(ssh.getId(), sshKeySecretId(ssh.getId()));
      }
    }
    if (solve.getContext().getGit().getSshId().equals(GIT_SSH_ID)) {
      solve.putSshKeySecretIds(GIT_SSH_ID, sshKeySecretId(GIT_SSH_ID));
    }
    for (BuildOutput output : spec.getOutputs()) {
      solve.addOutputs(output(output, spec.getContext().getClient() != null));
    }
    nullToEmpty(spec.getCacheFrom()).forEach(c -> solve.addCacheFrom(cache(c)));
    nullToEmpty(spec.getCacheTo()).forEach(c -> solve.addCacheTo(cache(c)));
    if (spec.getNoCacheFilter() != null) {
      solve.addAllNoCacheFilter(spec.getNoCacheFilter());
    }
    var network = spec.getNetwork() != null ? spec.getNetwork() : builder.getSpec().getNetwork();
    if (network != null) {
      solve.setNetwork(
          switch (network) {
            case HOST -> NetworkMode.NETWORK_MODE_HOST;
            case NONE -> NetworkMode.NETWORK_MODE_NONE;
          });
    }
    var registry = builder.getSpec().getRegistry();
    if (registry != null && registry.getInsecureHosts() != null) {
      solve.addAllInsecureRegistries(registry.getInsecureHosts());
    }
    return solve.build();
  }

  static BuildContext context(BuildContextSource source, ConfigMap configMap) {
    BuildContext.Builder context = BuildContext.newBuilder();
    if (source.getGit() != null) {
      var git = source.getGit();
      GitContext.Builder g =
          GitContext.newBuilder()
              .setUrl(git.getUrl())
              .setKeepGitDir(Boolean.TRUE.equals(git.getKeepGitDir()));
      if (git.getRef() != null) {
        g.setRef(git.getRef());
      }
      if (git.getSubdir() != null) {
        g.setSubdir(git.getSubdir());
      }
      if (git.getSecretName() != null) {
        if (isSshUrl(git.getUrl())) {
          g.setSshId(GIT_SSH_ID);
        } else {
          g.setTokenSecretId(GIT_TOKEN_SECRET_ID);
        }
      }
      context.setGit(g);
    } else if (source.getHttp() != null) {
      HttpContext.Builder h = HttpContext.newBuilder().setUrl(source.getHttp().getUrl());
      if (source.getHttp().getChecksum() != null) {
        h.setChecksum(source.getHttp().getChecksum());
      }
      context.setHttp(h);
    } else if (source.getImage() != null) {
      ImageContext.Builder i = ImageContext.newBuilder().setRef(source.getImage().getRef());
      if (source.getImage().getPath() != null) {
        i.setPath(source.getImage().getPath());
      }
      context.setImage(i);
    } else if (source.getConfigMap() != null) {
      InlineContext.Builder inline = InlineContext.newBuilder();
      if (configMap.getData() != null) {
        configMap
            .getData()
            .forEach((k, v) -> inline.putFiles(k, ByteString.copyFrom(v, StandardCharsets.UTF_8)));
      }
      if (configMap.getBinaryData() != null) {
        configMap
            .getBinaryData()
            .forEach(
                (k, v) -> inline.putFiles(k, ByteString.copyFrom(Base64.getDecoder().decode(v))));
      }
      context.setInline(inline);
    } else if (source.getClient() != null) {
      context.setClient(ClientContext.newBuilder().setName("context"));
    }
    return context.build();
  }

  static boolean isSshUrl(String url) {
    return url.startsWith("ssh://") || (!url.contains("://") && url.contains("@"));
  }

  private static Output output(BuildOutput output, boolean clientContext) {
    Output.Builder o =
        Output.newBuilder()
            .setType(
                switch (output.getType()) {
                  case IMAGE -> OutputType.OUTPUT_TYPE_IMAGE;
                  case OCI -> OutputType.OUTPUT_TYPE_OCI;
                  case DOCKER -> OutputType.OUTPUT_TYPE_DOCKER;
                  case LOCAL -> OutputType.OUTPUT_TYPE_LOCAL;
                  case TAR -> OutputType.OUTPUT_TYPE_TAR;
                })
            .setPush(!Boolean.FALSE.equals(output.getPush()));
    if (output.getNames() != null) {
      o.addAllNames(output.getNames());
    }
    if (output.getDest() != null) {
      // Without a volume the output goes back to the CLI over its session.
      o.setDest(
          output.getVolumeClaimName() == null && clientContext
              ? new OutputDestination.ClientPath(output.getDest()).dest()
              : output.getDest());
    }
    if (output.getCompression() != null) {
      o.putAttrs("compression", output.getCompression().wireName());
    }
    return o.build();
  }

  private static CacheOption cache(CacheSource cache) {
    CacheOption.Builder c = CacheOption.newBuilder().setType(cache.getType().wireName());
    if (cache.getRef() != null) {
      c.putAttrs("ref", cache.getRef());
    }
    if (cache.getMode() != null) {
      c.putAttrs("mode", cache.getMode().wireName());
    }
    if (cache.getPath() != null) {
      c.putAttrs("src", cache.getPath());
      c.putAttrs("dest", cache.getPath());
    }
    return c.build();
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}

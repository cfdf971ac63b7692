package dev.slipway.operator.build;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.NetworkMode;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.mapping.BuildRequestMapping;
import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.SshMount;
import dev.slipway.session.OutputDestination;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The operator's step from a BuildRequest to the builder's SolveRequest: {@link
 * BuildRequestMapping} maps the spec, and this class adds what only the operator resolves. A
 * ConfigMap is carried inline; secrets, ssh keys and git credentials are only named here and served
 * by the operator's session when the build asks; an ssh key (spec.ssh[].secretRef, or
 * ssh-privatekey for an ssh git URL) is served as a secret that the builder loads into an ssh-agent
 * of its own. The Builder supplies the network and the insecure registries. Outputs to volumes come
 * back to the operator's session like a CLI's outputs come back to the CLI.
 */
public final class SolveRequests {

  /** The secret id under which the operator's session serves a git context's credentials. */
  public static final String GIT_TOKEN_SECRET_ID = "slipway.git-token";

  /**
   * The secret id under which the operator's session serves spec.signing's key; reserved, so a
   * spec.secrets[].id of that name is refused (BuildValidator).
   */
  public static final String SIGNING_KEY_SECRET_ID = "slipway.signing-key";

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
        BuildRequestMapping.toSolveRequest(spec).toBuilder()
            .setBuildId(buildId)
            .setSessionId(sessionId)
            .setContext(context(spec.getContext(), configMap))
            .setContextKey(contextKey)
            // The build outlives this operator process: a new leader follows it by its id.
            .setDetached(true);
    for (SshMount ssh : orEmpty(spec.getSsh())) {
      if (ssh.getSecretRef() != null) {
        solve.putSshKeySecretIds(ssh.getId(), sshKeySecretId(ssh.getId()));
      }
    }
    if (spec.getSigning() != null && spec.getSigning().getKeySecretRef() != null) {
      solve.setSigningKeySecretId(SIGNING_KEY_SECRET_ID);
    }
    if (solve.getContext().getGit().getSshId().equals(GIT_SSH_ID)) {
      solve.putSshKeySecretIds(GIT_SSH_ID, sshKeySecretId(GIT_SSH_ID));
    }
    List<BuildOutput> outputs = orEmpty(spec.getOutputs());
    for (int i = 0; i < outputs.size(); i++) {
      // Without a volume the output goes back to the CLI over its session; with one, to the
      // operator's session, which streams it into the writer pod (VolumeOutputs). The builder
      // never writes a path of its own.
      if (outputs.get(i).getDest() != null
          && outputs.get(i).getType() != dev.slipway.api.resource.OutputType.IMAGE
          && (spec.getContext().getClient() != null
              || outputs.get(i).getVolumeClaimName() != null)) {
        var output = solve.getOutputs(i);
        // The builder finds an output's stream by its dest: the claim keeps two volumes' apart.
        String claim = outputs.get(i).getVolumeClaimName();
        String path = claim == null ? output.getDest() : claim + "/" + output.getDest();
        solve.setOutputs(
            i, output.toBuilder().setDest(new OutputDestination.ClientPath(path).dest()));
      }
    }
    if (PlatformChildren.parentOf(request).isPresent()) {
      // a part of a split build: its parent tags the index, the part is pushed by digest only
      for (int i = 0; i < solve.getOutputsCount(); i++) {
        if (solve.getOutputs(i).getType()
            == dev.slipway.api.control.v1.OutputType.OUTPUT_TYPE_IMAGE) {
          solve.setOutputs(
              i, solve.getOutputs(i).toBuilder().putAttrs(PlatformChildren.PUSH_BY_DIGEST, "true"));
        }
      }
    }
    if (solve.getNetwork() == NetworkMode.NETWORK_MODE_UNSPECIFIED) {
      solve.setNetwork(BuildRequestMapping.network(builder.getSpec().getNetwork()));
    }
    var registry = builder.getSpec().getRegistry();
    if (registry != null && registry.getInsecureHosts() != null) {
      solve.addAllInsecureRegistries(registry.getInsecureHosts());
    }
    return solve.build();
  }

  /** The spec's context with the ConfigMap's files and the git credentials' secret ids. */
  static BuildContext context(BuildContextSource source, ConfigMap configMap) {
    BuildContext.Builder context = BuildRequestMapping.toBuildContext(source).toBuilder();
    var git = source.getGit();
    if (git != null && git.getSecretName() != null) {
      if (isSshUrl(git.getUrl())) {
        context.getGitBuilder().setSshId(GIT_SSH_ID);
      } else {
        context.getGitBuilder().setTokenSecretId(GIT_TOKEN_SECRET_ID);
      }
    }
    if (source.getConfigMap() != null) {
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
    }
    return context.build();
  }

  static boolean isSshUrl(String url) {
    return url.startsWith("ssh://") || (!url.contains("://") && url.contains("@"));
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}

package dev.slipway.api.mapping;

import com.google.protobuf.Duration;
import dev.slipway.api.control.v1.Annotation;
import dev.slipway.api.control.v1.Attestations;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.GitContext;
import dev.slipway.api.control.v1.HostEntry;
import dev.slipway.api.control.v1.HttpContext;
import dev.slipway.api.control.v1.ImageContext;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.NamedContext;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.Ulimit;
import dev.slipway.api.resource.AnnotationLevel;
import dev.slipway.api.resource.BuildAttestations;
import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.CacheMode;
import dev.slipway.api.resource.CacheSource;
import dev.slipway.api.resource.CacheType;
import dev.slipway.api.resource.ClientContext;
import dev.slipway.api.resource.Compression;
import dev.slipway.api.resource.ExtraHost;
import dev.slipway.api.resource.ImageAnnotation;
import dev.slipway.api.resource.NamedBuildContext;
import dev.slipway.api.resource.NetworkMode;
import dev.slipway.api.resource.OutputType;
import dev.slipway.api.resource.ProvenanceMode;
import dev.slipway.api.resource.RunUlimit;
import dev.slipway.api.resource.SecretMount;
import dev.slipway.api.resource.SshMount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The one mapping between the two shapes of a build: the BuildRequest spec (what a user or the CLI
 * writes to the cluster) and the SolveRequest (what a builder runs). A build option is added here,
 * in both directions; {@code BuildRequestMappingTest} round-trips every field and fails for a
 * SolveRequest field that is neither mapped nor listed in {@link #RESOLVED_BY_OPERATOR} or {@link
 * #NOT_IN_SPEC}.
 *
 * <p>What only the cluster knows stays out: the operator adds it per attempt (ConfigMap files,
 * Secret ids, the Builder's defaults, session and build ids), and the spec's own lifecycle fields
 * (builderRef, retries, cancel, ttl) and Kubernetes references (Secrets, volumes) are not mapped.
 * Output destinations are mapped as written; where they end up (the builder or, with the "client:"
 * prefix, the CLI) the operator decides.
 */
public final class BuildRequestMapping {

  /** The name under which a client context's files are served over the session. */
  public static final String CLIENT_CONTEXT_NAME = "context";

  /**
   * The name under which the client serves the directory of the named context {@code name}: a
   * prefix no main context name has, so a named context can never be served as another part.
   */
  public static String namedClientContext(String name) {
    return "named:" + name;
  }

  /**
   * SolveRequest fields (full proto names) that the operator fills in from what it resolves, never
   * from a spec field: {@code SolveRequests} in the operator.
   */
  public static final Set<String> RESOLVED_BY_OPERATOR =
      Set.of(
          // one per attempt
          "slipway.control.v1.SolveRequest.build_id",
          // the Builder's other ready pods and a PEER grant for this attempt
          "slipway.control.v1.SolveRequest.peer_cache",
          "slipway.control.v1.PeerCache.peers",
          "slipway.control.v1.PeerCache.grant",
          "slipway.control.v1.PeerEndpoint.name",
          "slipway.control.v1.PeerEndpoint.endpoint",
          // the CLI's session (client contexts) or the operator's own
          "slipway.control.v1.SolveRequest.session_id",
          // Builder.spec.registry
          "slipway.control.v1.SolveRequest.insecure_registries",
          // cache affinity, from the context and its affinity key
          "slipway.control.v1.SolveRequest.context_key",
          // a restarted operator follows its builds again
          "slipway.control.v1.SolveRequest.detached",
          // spec.ssh[].secretRef and the key of an ssh git URL
          "slipway.control.v1.SolveRequest.ssh_key_secret_ids",
          // the files of spec.context.configMap
          "slipway.control.v1.BuildContext.inline",
          "slipway.control.v1.InlineContext.files",
          // spec.context.git.secretName
          "slipway.control.v1.GitContext.token_secret_id",
          "slipway.control.v1.GitContext.ssh_id",
          // the last step of a build split per platform: the parts' pushed digests
          "slipway.control.v1.SolveRequest.assemble_index",
          "slipway.control.v1.IndexAssembly.parts",
          // spec.signing.keySecretRef, served by the operator's session under an id of its own
          "slipway.control.v1.SolveRequest.signing_key_secret_id");

  /** SolveRequest fields that a BuildRequest does not carry, each with the reason. */
  public static final Map<String, String> NOT_IN_SPEC =
      Map.of(
          "slipway.control.v1.SolveRequest.call",
          "frontend calls (--call, --check) run in the CLI's own process; a BuildRequest never"
              + " carries them");

  private BuildRequestMapping() {}

  /**
   * The spec of a SolveRequest, without what the cluster adds (builderRef, the client context's
   * session id and affinity key).
   *
   * @throws IllegalArgumentException for a request that a BuildRequest cannot carry (an inline
   *     context, named git credentials, exporter or cache attributes the spec has no field for)
   */
  public static BuildRequestSpec toSpec(SolveRequest r) {
    BuildRequestSpec spec = new BuildRequestSpec();
    spec.setContext(context(r.getContext()));
    spec.setDockerfile(dockerfile(r.getDockerfile()));
    spec.setTarget(emptyToNull(r.getTarget()));
    spec.setBuildArgs(mapOrNull(r.getBuildArgsMap()));
    spec.setLabels(mapOrNull(r.getLabelsMap()));
    spec.setPlatforms(listOrNull(r.getPlatformsList(), Function.identity()));
    spec.setSecrets(listOrNull(r.getSecretIdsList(), BuildRequestMapping::secret));
    spec.setSsh(listOrNull(r.getSshIdsList(), BuildRequestMapping::ssh));
    spec.setOutputs(listOrNull(r.getOutputsList(), BuildRequestMapping::output));
    spec.setCacheFrom(listOrNull(r.getCacheFromList(), c -> cache(c, "src")));
    spec.setCacheTo(listOrNull(r.getCacheToList(), c -> cache(c, "dest")));
    spec.setNoCache(r.getNoCache());
    spec.setNoCacheFilter(listOrNull(r.getNoCacheFilterList(), Function.identity()));
    spec.setPull(r.getPull());
    spec.setNetwork(network(r.getNetwork()));
    spec.setExtraHosts(
        listOrNull(r.getExtraHostsList(), h -> new ExtraHost(h.getHost(), h.getIp())));
    spec.setEntitlements(listOrNull(r.getEntitlementsList(), Function.identity()));
    spec.setShmSizeBytes(r.getShmSizeBytes() == 0 ? null : r.getShmSizeBytes());
    spec.setUlimits(
        listOrNull(r.getUlimitsList(), u -> new RunUlimit(u.getName(), u.getSoft(), u.getHard())));
    spec.setAnnotations(
        listOrNull(
            r.getAnnotationsList(),
            a -> new ImageAnnotation(level(a.getLevel()), a.getKey(), a.getValue())));
    spec.setBuildContexts(namedContexts(r.getNamedContextsMap()));
    spec.setAttestations(r.hasAttestations() ? attestations(r.getAttestations()) : null);
    if (r.getTimeout().getNanos() != 0) {
      throw new IllegalArgumentException("a BuildRequest's timeout is whole seconds");
    }
    // zero (no limit) leaves it to the CRD's default
    spec.setTimeoutSeconds(r.getTimeout().getSeconds() == 0 ? null : r.getTimeout().getSeconds());
    return spec;
  }

  /**
   * The SolveRequest of a spec, without what the operator resolves ({@link #RESOLVED_BY_OPERATOR}):
   * a configMap context becomes an inline context without files.
   */
  public static SolveRequest toSolveRequest(BuildRequestSpec spec) {
    SolveRequest.Builder r = SolveRequest.newBuilder();
    if (spec.getContext() != null) {
      r.setContext(toBuildContext(spec.getContext()));
    }
    if (spec.getDockerfile() != null && spec.getDockerfile().getInline() != null) {
      r.setDockerfile(DockerfileSource.newBuilder().setInline(spec.getDockerfile().getInline()));
    } else if (spec.getDockerfile() != null && spec.getDockerfile().getPath() != null) {
      r.setDockerfile(DockerfileSource.newBuilder().setPath(spec.getDockerfile().getPath()));
    }
    if (spec.getTarget() != null) {
      r.setTarget(spec.getTarget());
    }
    r.putAllBuildArgs(orEmpty(spec.getBuildArgs()));
    r.putAllLabels(orEmpty(spec.getLabels()));
    r.addAllPlatforms(orEmpty(spec.getPlatforms()));
    orEmpty(spec.getSecrets()).forEach(s -> r.addSecretIds(s.getId()));
    orEmpty(spec.getSsh()).forEach(s -> r.addSshIds(s.getId()));
    orEmpty(spec.getOutputs()).forEach(o -> r.addOutputs(output(o)));
    orEmpty(spec.getCacheFrom()).forEach(c -> r.addCacheFrom(cache(c, "src")));
    orEmpty(spec.getCacheTo()).forEach(c -> r.addCacheTo(cache(c, "dest")));
    r.setNoCache(Boolean.TRUE.equals(spec.getNoCache()));
    r.addAllNoCacheFilter(orEmpty(spec.getNoCacheFilter()));
    r.setPull(Boolean.TRUE.equals(spec.getPull()));
    r.setNetwork(network(spec.getNetwork()));
    orEmpty(spec.getExtraHosts())
        .forEach(
            h -> r.addExtraHosts(HostEntry.newBuilder().setHost(h.getHost()).setIp(h.getIp())));
    r.addAllEntitlements(orEmpty(spec.getEntitlements()));
    r.setShmSizeBytes(spec.getShmSizeBytes() == null ? 0 : spec.getShmSizeBytes());
    orEmpty(spec.getUlimits())
        .forEach(
            u ->
                r.addUlimits(
                    Ulimit.newBuilder()
                        .setName(u.getName())
                        .setSoft(u.getSoft() == null ? 0 : u.getSoft())
                        .setHard(u.getHard() == null ? 0 : u.getHard())));
    orEmpty(spec.getAnnotations())
        .forEach(
            a ->
                r.addAnnotations(
                    Annotation.newBuilder()
                        .setLevel(level(a.getLevel()))
                        .setKey(a.getKey() == null ? "" : a.getKey())
                        .setValue(a.getValue() == null ? "" : a.getValue())));
    orEmpty(spec.getBuildContexts()).forEach((name, c) -> r.putNamedContexts(name, named(name, c)));
    if (spec.getAttestations() != null) {
      r.setAttestations(attestations(spec.getAttestations()));
    }
    r.setTimeout(
        Duration.newBuilder()
            .setSeconds(spec.getTimeoutSeconds() == null ? 0 : spec.getTimeoutSeconds()));
    return r.build();
  }

  private static AnnotationLevel level(dev.slipway.api.control.v1.AnnotationLevel level) {
    return switch (level) {
      case ANNOTATION_LEVEL_INDEX -> AnnotationLevel.INDEX;
      case ANNOTATION_LEVEL_MANIFEST_DESCRIPTOR -> AnnotationLevel.MANIFEST_DESCRIPTOR;
      case ANNOTATION_LEVEL_INDEX_DESCRIPTOR -> AnnotationLevel.INDEX_DESCRIPTOR;
      default -> AnnotationLevel.MANIFEST;
    };
  }

  private static dev.slipway.api.control.v1.AnnotationLevel level(AnnotationLevel level) {
    return switch (level == null ? AnnotationLevel.MANIFEST : level) {
      case MANIFEST -> dev.slipway.api.control.v1.AnnotationLevel.ANNOTATION_LEVEL_MANIFEST;
      case INDEX -> dev.slipway.api.control.v1.AnnotationLevel.ANNOTATION_LEVEL_INDEX;
      case MANIFEST_DESCRIPTOR ->
          dev.slipway.api.control.v1.AnnotationLevel.ANNOTATION_LEVEL_MANIFEST_DESCRIPTOR;
      case INDEX_DESCRIPTOR ->
          dev.slipway.api.control.v1.AnnotationLevel.ANNOTATION_LEVEL_INDEX_DESCRIPTOR;
    };
  }

  private static NamedContext named(String name, NamedBuildContext c) {
    NamedContext.Builder n = NamedContext.newBuilder();
    if (c.getImage() != null) {
      n.setImage(c.getImage());
    } else if (c.getGit() != null) {
      n.setGit(c.getGit());
    } else if (c.getUrl() != null) {
      n.setUrl(c.getUrl());
    } else if (Boolean.TRUE.equals(c.getClient())) {
      n.setClient(
          dev.slipway.api.control.v1.ClientContext.newBuilder().setName(namedClientContext(name)));
    }
    return n.build();
  }

  private static Map<String, NamedBuildContext> namedContexts(Map<String, NamedContext> contexts) {
    if (contexts.isEmpty()) {
      return null;
    }
    Map<String, NamedBuildContext> out = new java.util.TreeMap<>();
    contexts.forEach(
        (name, n) -> {
          NamedBuildContext c = new NamedBuildContext();
          switch (n.getSourceCase()) {
            case IMAGE -> c.setImage(n.getImage());
            case GIT -> c.setGit(n.getGit());
            case URL -> c.setUrl(n.getUrl());
            case CLIENT -> {
              if (!n.getClient().getName().equals(namedClientContext(name))) {
                throw new IllegalArgumentException(
                    "a BuildRequest serves the named context "
                        + name
                        + " only as the client context "
                        + namedClientContext(name));
              }
              c.setClient(true);
            }
            case SOURCE_NOT_SET ->
                throw new IllegalArgumentException("named context " + name + " has no source");
          }
          out.put(name, c);
        });
    return out;
  }

  /** A spec's context as the builder fetches it; a configMap context is inline without files. */
  public static BuildContext toBuildContext(BuildContextSource source) {
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
      context.setInline(InlineContext.getDefaultInstance());
    } else if (source.getClient() != null) {
      context.setClient(
          dev.slipway.api.control.v1.ClientContext.newBuilder().setName(CLIENT_CONTEXT_NAME));
    }
    return context.build();
  }

  /** The wire value of a spec's network; unset and default leave it to the level below. */
  public static dev.slipway.api.control.v1.NetworkMode network(NetworkMode network) {
    if (network == null) {
      return dev.slipway.api.control.v1.NetworkMode.NETWORK_MODE_UNSPECIFIED;
    }
    return switch (network) {
      case DEFAULT -> dev.slipway.api.control.v1.NetworkMode.NETWORK_MODE_UNSPECIFIED;
      case HOST -> dev.slipway.api.control.v1.NetworkMode.NETWORK_MODE_HOST;
      case NONE -> dev.slipway.api.control.v1.NetworkMode.NETWORK_MODE_NONE;
    };
  }

  private static NetworkMode network(dev.slipway.api.control.v1.NetworkMode network) {
    return switch (network) {
      case NETWORK_MODE_UNSPECIFIED -> null;
      case NETWORK_MODE_HOST -> NetworkMode.HOST;
      case NETWORK_MODE_NONE -> NetworkMode.NONE;
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown network mode");
    };
  }

  private static BuildContextSource context(BuildContext context) {
    BuildContextSource source = new BuildContextSource();
    switch (context.getSourceCase()) {
      case CLIENT -> {
        if (!context.getClient().getName().equals(CLIENT_CONTEXT_NAME)) {
          throw new IllegalArgumentException(
              "a BuildRequest carries only the client context named " + CLIENT_CONTEXT_NAME);
        }
        source.setClient(new ClientContext());
      }
      case GIT -> {
        GitContext g = context.getGit();
        if (!g.getTokenSecretId().isEmpty() || !g.getSshId().isEmpty()) {
          throw new IllegalArgumentException(
              "a BuildRequest names git credentials by a Secret (spec.context.git.secretName)");
        }
        var git = new dev.slipway.api.resource.GitContext();
        git.setUrl(g.getUrl());
        git.setRef(emptyToNull(g.getRef()));
        git.setSubdir(emptyToNull(g.getSubdir()));
        git.setKeepGitDir(g.getKeepGitDir());
        source.setGit(git);
      }
      case HTTP -> {
        var http = new dev.slipway.api.resource.HttpContext();
        http.setUrl(context.getHttp().getUrl());
        http.setChecksum(emptyToNull(context.getHttp().getChecksum()));
        source.setHttp(http);
      }
      case IMAGE -> {
        var image = new dev.slipway.api.resource.ImageContext();
        image.setRef(context.getImage().getRef());
        image.setPath(emptyToNull(context.getImage().getPath()));
        source.setImage(image);
      }
      case INLINE ->
          throw new IllegalArgumentException(
              "a BuildRequest carries files in a ConfigMap (spec.context.configMap)");
      case SOURCE_NOT_SET -> {
        return null;
      }
    }
    return source;
  }

  private static dev.slipway.api.resource.DockerfileSource dockerfile(DockerfileSource d) {
    var dockerfile = new dev.slipway.api.resource.DockerfileSource();
    switch (d.getSourceCase()) {
      case PATH -> dockerfile.setPath(d.getPath());
      case INLINE -> dockerfile.setInline(d.getInline());
      case SOURCE_NOT_SET -> {
        return null;
      }
    }
    return dockerfile;
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
          case OUTPUT_TYPE_UNSPECIFIED, UNRECOGNIZED ->
              throw new IllegalArgumentException("output type " + o.getType() + " is not known");
        });
    out.setNames(listOrNull(o.getNamesList(), Function.identity()));
    out.setPush(o.getPush());
    out.setDest(emptyToNull(o.getDest()));
    Map<String, String> attrs = new LinkedHashMap<>(o.getAttrsMap());
    String compression = attrs.remove("compression");
    out.setCompression(
        compression == null ? null : CrdEnums.fromYaml(Compression.class, compression));
    refuseRest("output", attrs);
    return out;
  }

  private static Output output(BuildOutput o) {
    Output.Builder out =
        Output.newBuilder()
            .setType(
                switch (o.getType()) {
                  case IMAGE -> dev.slipway.api.control.v1.OutputType.OUTPUT_TYPE_IMAGE;
                  case OCI -> dev.slipway.api.control.v1.OutputType.OUTPUT_TYPE_OCI;
                  case DOCKER -> dev.slipway.api.control.v1.OutputType.OUTPUT_TYPE_DOCKER;
                  case LOCAL -> dev.slipway.api.control.v1.OutputType.OUTPUT_TYPE_LOCAL;
                  case TAR -> dev.slipway.api.control.v1.OutputType.OUTPUT_TYPE_TAR;
                })
            .addAllNames(orEmpty(o.getNames()))
            .setPush(!Boolean.FALSE.equals(o.getPush()));
    if (o.getDest() != null) {
      out.setDest(o.getDest());
    }
    if (o.getCompression() != null) {
      out.putAttrs("compression", CrdEnums.toYaml(o.getCompression()));
    }
    return out.build();
  }

  /**
   * @param pathAttr the attribute a local cache's directory travels in: src to import, dest to
   *     export
   */
  private static CacheSource cache(CacheOption option, String pathAttr) {
    CacheSource cache = new CacheSource();
    cache.setType(CrdEnums.fromYaml(CacheType.class, option.getType()));
    Map<String, String> attrs = new LinkedHashMap<>(option.getAttrsMap());
    cache.setRef(attrs.remove("ref"));
    String mode = attrs.remove("mode");
    cache.setMode(mode == null ? null : CrdEnums.fromYaml(CacheMode.class, mode));
    cache.setPath(attrs.remove(pathAttr));
    refuseRest("cache", attrs);
    return cache;
  }

  private static CacheOption cache(CacheSource cache, String pathAttr) {
    CacheOption.Builder c = CacheOption.newBuilder().setType(CrdEnums.toYaml(cache.getType()));
    if (cache.getRef() != null) {
      c.putAttrs("ref", cache.getRef());
    }
    if (cache.getMode() != null) {
      c.putAttrs("mode", CrdEnums.toYaml(cache.getMode()));
    }
    if (cache.getPath() != null) {
      c.putAttrs(pathAttr, cache.getPath());
    }
    return c.build();
  }

  private static void refuseRest(String what, Map<String, String> attrs) {
    if (!attrs.isEmpty()) {
      throw new IllegalArgumentException(
          what + " " + String.join(", ", attrs.keySet()) + ": not carried by a BuildRequest");
    }
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private static <T, R> List<R> listOrNull(List<T> list, Function<T, R> map) {
    return list.isEmpty() ? null : list.stream().map(map).toList();
  }

  private static Map<String, String> mapOrNull(Map<String, String> map) {
    return map.isEmpty() ? null : new LinkedHashMap<>(map);
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <V> Map<String, V> orEmpty(Map<String, V> map) {
    return map == null ? Map.of() : map;
  }

  private static BuildAttestations attestations(Attestations a) {
    BuildAttestations spec = new BuildAttestations();
    spec.setSbom(a.getSbom());
    spec.setProvenance(
        switch (a.getProvenanceMode()) {
          case "" -> ProvenanceMode.DISABLED;
          case "min" -> ProvenanceMode.MIN;
          case "max" -> ProvenanceMode.MAX;
          default ->
              throw new IllegalArgumentException(
                  "provenance mode \"" + a.getProvenanceMode() + "\" is not min or max");
        });
    return spec;
  }

  private static Attestations attestations(BuildAttestations spec) {
    ProvenanceMode mode =
        spec.getProvenance() == null ? ProvenanceMode.DISABLED : spec.getProvenance();
    return Attestations.newBuilder()
        .setSbom(Boolean.TRUE.equals(spec.getSbom()))
        .setProvenanceMode(
            switch (mode) {
              case DISABLED -> "";
              case MIN -> "min";
              case MAX -> "max";
            })
        .build();
  }
}

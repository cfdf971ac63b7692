package dev.slipway.cli.request;

import com.google.protobuf.Duration;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.HostEntry;
import dev.slipway.api.control.v1.NetworkMode;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.mapping.BuildRequestMapping;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.frontend.dockerfile.dockerignore.DockerIgnore;
import dev.slipway.engine.session.LocalContextFiles;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.session.credentials.DockerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The flags of {@code slipway build} that say what to build (those of {@code docker buildx build}),
 * and the one place they become a SolveRequest and the session that answers for this machine,
 * whichever backend then runs the build.
 */
public final class BuildFlags {

  @Parameters(
      index = "0",
      paramLabel = "CONTEXT",
      description = "Build context: a directory, or - to read a Dockerfile from standard input.")
  String context;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "PATH",
      description = "Dockerfile (default: CONTEXT/Dockerfile; - for standard input).")
  String file;

  @Option(
      names = {"-t", "--tag"},
      paramLabel = "NAME",
      description = "Image name and tag, e.g. registry.example.com/app:1.0 (repeatable).")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--build-arg",
      paramLabel = "KEY[=VALUE]",
      description = "Build-time variable; KEY alone takes the value of $KEY.")
  List<String> buildArgs = new ArrayList<>();

  @Option(names = "--target", paramLabel = "STAGE", description = "Build this stage.")
  String target;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH",
      split = ",",
      description =
          "Target platform(s), comma-separated or repeated, e.g. linux/amd64,linux/arm64; local is"
              + " this machine's. Several build one image index.")
  List<String> platforms = new ArrayList<>();

  @Option(
      names = "--attest",
      paramLabel = "type=sbom|provenance[,mode=min|max][,disabled=true]",
      description = "Attestation to attach to the image (repeatable, one per type).")
  List<String> attests = new ArrayList<>();

  @Option(
      names = "--sbom",
      paramLabel = "true|false",
      description = "Shorthand for --attest type=sbom: an SPDX SBOM of each platform image.")
  String sbom;

  @Option(
      names = "--provenance",
      paramLabel = "true|false|mode=min|max",
      description =
          "Shorthand for --attest type=provenance: a SLSA v1 provenance statement (true is"
              + " mode=min). None by default.")
  String provenance;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Image label (repeatable).")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--secret",
      paramLabel = "id=ID[,src=FILE|,env=VAR]",
      description = "Secret for RUN --mount=type=secret (repeatable).")
  List<String> secrets = new ArrayList<>();

  @Option(
      names = "--sign-key",
      paramLabel = "FILE",
      description =
          "Sign the pushed image in the cosign format with this PEM ECDSA P-256 private key"
              + " (Slipway-specific; see docs/signing.md).")
  Path signKey;

  /**
   * The session secret id under which {@code --sign-key}'s file is served: reserved, so a {@code
   * --secret} of that id is refused (the operator reserves the same id for spec.signing).
   */
  public static final String SIGNING_KEY_SECRET_ID = "slipway.signing-key";

  @Option(
      names = "--ssh",
      paramLabel = "default|ID[=PATH,...]",
      description = "SSH agent socket or keys for RUN --mount=type=ssh (repeatable).")
  List<String> ssh = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "type=TYPE[,dest=PATH]",
      description =
          "Output: type=image|registry|oci|docker|local|tar, dest=PATH or -, name=, push=.")
  List<String> outputs = new ArrayList<>();

  @Option(names = "--push", description = "Shorthand for --output=type=registry.")
  boolean push;

  @Option(
      names = "--cache-from",
      paramLabel = "type=TYPE,...",
      description = "External cache source.")
  List<String> cacheFrom = new ArrayList<>();

  @Option(
      names = "--cache-to",
      paramLabel = "type=TYPE,...",
      description = "External cache destination.")
  List<String> cacheTo = new ArrayList<>();

  @Option(names = "--no-cache", description = "Do not use the cache.")
  boolean noCache;

  @Option(
      names = "--no-cache-filter",
      paramLabel = "STAGE",
      split = ",",
      description = "Do not use the cache for these stages.")
  List<String> noCacheFilter = new ArrayList<>();

  @Option(names = "--pull", description = "Resolve base image tags again.")
  boolean pull;

  @Option(
      names = "--network",
      paramLabel = "MODE",
      defaultValue = "default",
      description = "Network of RUN steps: default (host), host or none.")
  String network;

  @Option(
      names = "--allow",
      paramLabel = "ENTITLEMENT",
      split = ",",
      description =
          "Extra privileges for the build (repeatable): security.insecure lets RUN"
              + " --security=insecure run privileged where the builder allows it (--local does);"
              + " network.host lets RUN --network=host run.")
  List<String> allow = new ArrayList<>();

  @Option(
      names = "--build-context",
      paramLabel = "NAME=VALUE",
      description =
          "Additional build context (repeatable), e.g. base=docker-image://alpine:3: a directory,"
              + " docker-image://REF, a git URL or an http(s) URL. FROM NAME, COPY --from=NAME and"
              + " RUN --mount=from=NAME read it; it replaces a stage or image of that name.")
  List<String> buildContexts = new ArrayList<>();

  @Option(names = "--add-host", paramLabel = "HOST:IP", description = "Extra /etc/hosts entry.")
  List<String> addHosts = new ArrayList<>();

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "auto",
      description = "auto, tty, plain, rawjson or quiet.")
  String progress;

  @Option(names = "--iidfile", paramLabel = "FILE", description = "Write the image ID to FILE.")
  Path iidFile;

  @Option(
      names = "--metadata-file",
      paramLabel = "FILE",
      description = "Write build result metadata (JSON, buildx keys) to FILE.")
  Path metadataFile;

  @Option(
      names = "--call",
      paramLabel = "NAME[,format=json]",
      description =
          "Ask the frontend instead of building: check (the build checks), outline (build args,"
              + " secrets, ssh of the target), targets (the stages), or build (the default).")
  String call;

  @Option(names = "--check", description = "Shorthand for --call=check.")
  boolean check;

  @Option(
      names = "--load",
      description =
          "Shorthand for --output=type=docker: load the image into the local docker daemon"
              + " ($DOCKER_HOST) or, when there is none, containerd ($CONTAINERD_ADDRESS).")
  boolean load;

  @Option(
      names = {"-q", "--quiet"},
      description = "Suppress the build output and print the image ID on success.")
  boolean quiet;

  @Option(
      names = "--annotation",
      paramLabel = "[TYPE:]KEY=VALUE",
      description =
          "Add an annotation to the image (repeatable); TYPE is manifest (default),"
              + " manifest-descriptor, index or index-descriptor.")
  List<String> annotations = new ArrayList<>();

  @Option(
      names = "--shm-size",
      paramLabel = "BYTES",
      description = "Size of /dev/shm in RUN steps, e.g. 128m (default 64m).")
  String shmSize;

  @Option(
      names = "--ulimit",
      paramLabel = "NAME=SOFT[:HARD]",
      description = "Resource limit of RUN processes (repeatable), e.g. nofile=1024:2048.")
  List<String> ulimits = new ArrayList<>();

  /** The -t names. */
  public List<String> tags() {
    return List.copyOf(tags);
  }

  /** Whether --load was given: the image goes into the local docker or containerd. */
  public boolean load() {
    return load;
  }

  /** Whether -q/--quiet was given: no progress, the image ID on standard output. */
  public boolean quiet() {
    return quiet;
  }

  /** The --progress mode; quiet with -q. */
  public String progress() {
    return quiet ? "quiet" : progress;
  }

  public Path iidFile() {
    return iidFile;
  }

  public Path metadataFile() {
    return metadataFile;
  }

  /** The frontend call of --call or --check; {@link CallFlag#BUILD} to build. */
  public CallFlag call() {
    if (check && call != null) {
      throw new UsageException("--check is --call=check; give one of them");
    }
    return check ? CallFlag.parse("check") : call == null ? CallFlag.BUILD : CallFlag.parse(call);
  }

  /** Refuses the flags buildx refuses together; a UsageException says which and how to fix. */
  public void checkCombinations() {
    if (quiet && !progress.equals("auto") && !progress.equals("quiet")) {
      throw new UsageException(
          "-q/--quiet and --progress "
              + progress
              + " cannot be used together: -q means --progress quiet; drop one of them");
    }
    if (quiet && outputs.stream().anyMatch(o -> OutputSpec.parse(o, tags).getDest().equals("-"))) {
      throw new UsageException(
          "-q/--quiet and an --output to standard output (dest=-) cannot be used together: -q"
              + " prints the image ID there; write the output to a file (dest=PATH) or drop -q");
    }
    boolean dockerArchive =
        load
            || outputs.stream()
                .anyMatch(
                    o -> OutputSpec.parse(o, tags).getType() == OutputType.OUTPUT_TYPE_DOCKER);
    List<String> targets = PlatformFlag.check(platforms);
    boolean index = targets.size() > 1 || AttestFlags.parse(attests, sbom, provenance).isPresent();
    if (dockerArchive && index && !call().callsFrontend()) {
      // BuildKit's docker exporter refuses a result of several images, and so does buildx's --load
      throw new UsageException(
          "docker exporter does not currently support exporting manifest lists: "
              + (load ? "--load" : "--output type=docker")
              + " holds one image, and "
              + (targets.size() > 1
                  ? "--platform " + String.join(",", targets)
                  : "the attestations")
              + " make an image index; push it (--push), write an OCI archive (-o"
              + " type=oci,dest=FILE), or build one platform without attestations");
    }
    if (load && call().callsFrontend()) {
      throw new UsageException(
          "--load and "
              + (check ? "--check" : "--call " + call)
              + " cannot be used together: a frontend call builds no image to load; drop --load");
    }
  }

  private ContextPaths paths;

  /**
   * The context and Dockerfile on this machine, checked; fails with a UsageException. Resolved once
   * per command, since a Dockerfile on standard input can be read only once.
   */
  public ContextPaths paths() {
    if (paths == null) {
      paths = ContextPaths.resolve(context, file);
    }
    return paths;
  }

  /** The build these flags describe, with a new build id. */
  public SolveRequest toRequest(ContextPaths paths, Map<String, String> env) {
    SolveRequest.Builder r = SolveRequest.newBuilder().setBuildId(UUID.randomUUID().toString());
    r.setContext(
        BuildContext.newBuilder()
            .setClient(
                ClientContext.newBuilder().setName(BuildRequestMapping.CLIENT_CONTEXT_NAME)));
    r.setDockerfile(
        paths.dockerfileText() != null
            ? DockerfileSource.newBuilder().setInline(paths.dockerfileText())
            : DockerfileSource.newBuilder().setPath(paths.dockerfile().getFileName().toString()));
    if (target != null) {
      r.setTarget(target);
    }
    r.putAllBuildArgs(KeyValueFlags.buildArgs(buildArgs, env));
    r.putAllLabels(KeyValueFlags.parse("--label", labels));
    r.addAllPlatforms(PlatformFlag.check(platforms));
    AttestFlags.parse(attests, sbom, provenance).ifPresent(r::setAttestations);
    for (String s : secrets) {
      String id = SecretSpec.parse(s, env).id();
      if (id.equals(SIGNING_KEY_SECRET_ID)) {
        throw new UsageException(
            "--secret id="
                + id
                + ": that id is reserved for the --sign-key file; give the secret another id");
      }
      r.addSecretIds(id);
    }
    if (signKey != null) {
      r.setSigningKeySecretId(SIGNING_KEY_SECRET_ID);
    }
    for (String s : ssh) {
      r.addSshIds(SshSpec.parse(s).id());
    }
    for (String o : outputs) {
      r.addOutputs(absoluteDest(OutputSpec.parse(o, tags)));
    }
    if (push) {
      r.addOutputs(OutputSpec.parse("type=registry", tags));
    }
    if (outputs.isEmpty() && !push && !load && !tags.isEmpty()) {
      // Like buildx with a container driver: -t alone keeps the image in the local store.
      r.addOutputs(OutputSpec.parse("type=image,push=false", tags));
    }
    cacheFrom.forEach(c -> r.addCacheFrom(CacheFlag.parse("--cache-from", c)));
    cacheTo.forEach(c -> r.addCacheTo(CacheFlag.parse("--cache-to", c)));
    r.setNoCache(noCache).addAllNoCacheFilter(noCacheFilter).setPull(pull).setCall(call().call());
    r.setNetwork(
        switch (network) {
          case "default" -> NetworkMode.NETWORK_MODE_UNSPECIFIED; // the builder's (host)
          case "host" -> NetworkMode.NETWORK_MODE_HOST;
          case "none" -> NetworkMode.NETWORK_MODE_NONE;
          default ->
              throw new UsageException(
                  "--network " + network + " is not supported; use default, host or none");
        });
    for (String h : addHosts) {
      int colon = h.indexOf(':');
      if (colon <= 0 || colon == h.length() - 1) {
        throw new UsageException("--add-host " + h + ": expected HOST:IP, e.g. db:127.0.0.1");
      }
      r.addExtraHosts(
          HostEntry.newBuilder().setHost(h.substring(0, colon)).setIp(h.substring(colon + 1)));
    }
    for (BuildContextSpec c : namedContexts()) {
      r.putNamedContexts(c.name(), c.context());
    }
    // the builder checks the names: it knows which entitlements it has
    r.addAllEntitlements(allow);
    r.setShmSizeBytes(RunLimitFlags.shmSize(shmSize));
    r.addAllUlimits(RunLimitFlags.ulimits(ulimits));
    annotations.forEach(a -> r.addAllAnnotations(AnnotationFlag.parse(a)));
    r.setTimeout(Duration.getDefaultInstance());
    return r.build();
  }

  /** The --build-context flags, checked; the last of a name wins, as in buildx. */
  private List<BuildContextSpec> namedContexts() {
    Map<String, BuildContextSpec> byName = new java.util.LinkedHashMap<>();
    for (String text : buildContexts) {
      BuildContextSpec spec = BuildContextSpec.parse(text);
      byName.put(spec.name(), spec);
    }
    return List.copyOf(byName.values());
  }

  /** The patterns of the ignore file that applies to this build's context, if any. */
  private static List<String> ignorePatterns(ContextPaths paths) {
    try {
      if (paths.dockerfile() == null) {
        Path general = paths.contextDir().resolve(".dockerignore");
        return Files.isRegularFile(general)
            ? DockerIgnore.parse(".dockerignore", Files.readString(general))
            : List.of();
      }
      return DockerIgnore.load(paths.dockerfile(), paths.contextDir());
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("cannot read the context's ignore file: " + e.getMessage());
    }
  }

  /**
   * What this machine serves the build: the context and Dockerfile directories, the --secret files
   * and variables, the --ssh agents and keys.
   */
  public LocalSession toSession(ContextPaths paths, Map<String, String> env) {
    Invocation invocation = Invocation.current();
    LocalSession.Builder session =
        LocalSession.builder()
            .credentials(DockerConfig.fromEnvironment(env))
            .stdout(invocation.stdout());
    // What a builder may list and read is decided here, not by the builder's patterns: the
    // context without what its ignore file excludes, and of the Dockerfile's directory only the
    // Dockerfile and its own ignore file.
    if (paths.contextDir() != null) {
      session.context(
          BuildRequestMapping.CLIENT_CONTEXT_NAME,
          paths.contextDir(),
          LocalContextFiles.ignoreFileServed(ignorePatterns(paths)));
    }
    if (paths.dockerfile() != null) {
      String name = paths.dockerfile().getFileName().toString();
      session.context(
          "dockerfile",
          paths.dockerfile().getParent(),
          LocalContextFiles.servingOnly(List.of(name, name + ".dockerignore")));
    }
    // A named directory is served like the context, minus what its own .dockerignore excludes.
    for (BuildContextSpec c : namedContexts()) {
      if (c.dir() != null) {
        session.context(
            c.context().getClient().getName(),
            c.dir(),
            LocalContextFiles.ignoreFileServed(namedIgnorePatterns(c)));
      }
    }
    for (String s : secrets) {
      SecretSpec secret = SecretSpec.parse(s, env);
      if (secret.file() != null) {
        if (!Files.isReadable(secret.file())) {
          throw new UsageException(
              "--secret id=" + secret.id() + ": " + secret.file() + " is not a readable file");
        }
        session.secretFile(secret.id(), secret.file());
      } else {
        session.secretEnv(secret.id(), secret.envVariable(), env);
      }
    }
    if (signKey != null) {
      Path key = Invocation.current().resolve(signKey.toString());
      if (!Files.isReadable(key) || !Files.isRegularFile(key)) {
        throw new UsageException("--sign-key " + signKey + ": not a readable file");
      }
      session.secretFile(SIGNING_KEY_SECRET_ID, key); // read when the builder asks, never logged
    }
    for (String s : ssh) {
      SshSpec spec = SshSpec.parse(s);
      if (spec.paths().isEmpty()) {
        String sock = env.get("SSH_AUTH_SOCK");
        if (sock == null || sock.isEmpty()) {
          throw new UsageException(
              "--ssh "
                  + spec.id()
                  + ": $SSH_AUTH_SOCK is not set; start ssh-agent or give"
                  + " --ssh "
                  + spec.id()
                  + "=PATH_TO_KEY");
        }
        session.sshAgent(spec.id(), List.of(invocation.resolve(sock)));
      } else {
        session.sshAgent(spec.id(), spec.paths());
      }
    }
    return session.build();
  }

  private static List<String> namedIgnorePatterns(BuildContextSpec c) {
    Path ignore = c.dir().resolve(".dockerignore");
    try {
      return Files.isRegularFile(ignore)
          ? DockerIgnore.parse(".dockerignore", Files.readString(ignore))
          : List.of();
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(
          "--build-context " + c.name() + ": cannot read " + ignore + ": " + e.getMessage());
    }
  }

  private static Output absoluteDest(Output o) {
    if (o.getDest().isEmpty() || o.getDest().equals("-")) {
      return o;
    }
    return o.toBuilder().setDest(Invocation.current().resolve(o.getDest()).toString()).build();
  }

  /** The Dockerfile's lines for a failure report, or none when it cannot be read again. */
  public List<String> dockerfileLines() {
    try {
      ContextPaths paths = paths();
      return paths.dockerfileText() != null
          ? paths.dockerfileText().lines().toList()
          : Files.readAllLines(paths.dockerfile());
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}

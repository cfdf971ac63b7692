package dev.slipway.cli.build;

import com.google.protobuf.Duration;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.CacheOption;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.HostEntry;
import dev.slipway.api.control.v1.NetworkMode;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.cli.StateDirectory;
import dev.slipway.cli.VersionCommand;
import dev.slipway.cli.cluster.BuildMode;
import dev.slipway.cli.cluster.ClusterBuild;
import dev.slipway.cli.cluster.ClusterOptions;
import dev.slipway.cli.progress.FailureReport;
import dev.slipway.cli.progress.ProgressPrinter;
import dev.slipway.cli.remote.RemoteBuilder;
import dev.slipway.engine.BuildCancellation;
import dev.slipway.engine.BuildFailedException;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.session.LocalSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code slipway build}: the flags of {@code docker buildx build}, run on a cluster (the default
 * with a kubeconfig), by a builder process ({@code --builder grpc://}) or by the embedded engine.
 */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    sortOptions = false,
    description = "Build an image from a Dockerfile and a context.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  slipway build -t app:dev --output type=oci,dest=app.tar .",
      "  slipway build -f docker/Dockerfile --build-arg VERSION=1.2 --target runtime .",
      "  slipway build --secret id=npmrc,src=$HOME/.npmrc --ssh default -o out/ .",
      "  slipway build --progress=plain --metadata-file meta.json -o type=docker,dest=- . | docker load",
      "  slipway build -n team-a --builder big --push -t registry.example.com/app:1.0 ."
    })
public final class BuildCommand implements Callable<Integer> {
  /** The Builder a cluster build uses without --builder NAME (the Helm chart's default one). */
  static final String DEFAULT_BUILDER = "default";

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
      description = "Target platform(s), e.g. linux/amd64.")
  List<String> platforms = new ArrayList<>();

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Image label (repeatable).")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--secret",
      paramLabel = "id=ID[,src=FILE|,env=VAR]",
      description = "Secret for RUN --mount=type=secret (repeatable).")
  List<String> secrets = new ArrayList<>();

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

  @Option(names = "--check", description = "Run the Dockerfile checks only; build nothing.")
  boolean check;

  @Option(
      names = "--local",
      description =
          "Build with the engine embedded in this process (the default without a kubeconfig).")
  boolean local;

  @Option(
      names = "--builder",
      paramLabel = "NAME|grpc://HOST:PORT",
      description =
          "A Builder on the cluster (default: default), or a builder process reached directly.")
  String builder;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File with the bearer token of a --builder grpc://HOST:PORT.")
  Path tokenFile;

  @Mixin ClusterOptions cluster;

  @Mixin StateDirectory state;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    Map<String, String> env = System.getenv();
    if (!ProgressPrinter.MODES.contains(progress)) {
      throw new UsageException(
          "--progress "
              + progress
              + " is not known; use "
              + String.join(", ", ProgressPrinter.MODES));
    }
    BuildMode mode =
        BuildMode.choose(local, builder, !cluster.kubeconfigs().isEmpty(), cluster.givenFlag());
    if (tokenFile != null && mode != BuildMode.DIRECT) {
      throw new UsageException(
          "--token-file is for --builder grpc://HOST:PORT; a cluster build reads its Builder's"
              + " token from the cluster");
    }
    ContextPaths paths = ContextPaths.resolve(context, file);
    SolveRequest request = toRequest(paths, env);
    LocalSession session = newSession(paths, env);
    // bin/slipway sets SLIPWAY_TTY=1 when stderr is a terminal: the JVM cannot tell by itself.
    ProgressPrinter printer =
        ProgressPrinter.create(progress, err, "1".equals(env.get("SLIPWAY_TTY")));
    BuildCancellation cancellation = new BuildCancellation();
    Thread hook = new Thread(() -> cancellation.cancel("interrupted"), "cancel-on-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    try (RemoteBuilder remote =
            mode == BuildMode.DIRECT ? RemoteBuilder.connect(builder, tokenFile) : null;
        ClusterBuild onCluster = mode == BuildMode.CLUSTER ? clusterBuild(paths, err) : null;
        Engine engine =
            mode == BuildMode.LOCAL ? Engine.open(EngineConfig.defaults(state.path())) : null;
        session) {
      BuildResult result;
      try {
        result =
            switch (mode) {
              case DIRECT -> remote.solve(request, session, printer, cancellation);
              case CLUSTER -> onCluster.solve(request, session, printer, cancellation);
              case LOCAL -> engine.solve(request, session, printer, cancellation);
            };
      } finally {
        printer.finish();
      }
      writeResultFiles(result);
      if (request.getOutputsCount() == 0 && !check) {
        err.println(
            "WARNING: No output specified; the build result only remains in the build cache."
                + " Use --output or --push to keep it.");
      }
      return 0;
    } catch (UsageException e) {
      err.println("ERROR: " + e.getMessage());
      return 2;
    } catch (BuildFailedException e) {
      BuildError error = e.error();
      FailureReport.print(err, error, dockerfileLines());
      return 1;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: the build was interrupted and is being cancelled
      }
    }
  }

  private ClusterBuild clusterBuild(ContextPaths paths, PrintStream err) {
    // rawjson and quiet promise nothing but their own output on stderr
    PrintStream notices =
        List.of("rawjson", "quiet").contains(progress)
            ? new PrintStream(OutputStream.nullOutputStream())
            : err;
    return new ClusterBuild(
        cluster.connect(),
        builder == null ? DEFAULT_BUILDER : builder,
        paths.contextDir(),
        notices);
  }

  private List<String> dockerfileLines() {
    try {
      ContextPaths paths = ContextPaths.resolve(context, file);
      return paths.dockerfileText() != null
          ? paths.dockerfileText().lines().toList()
          : Files.readAllLines(paths.dockerfile());
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private LocalSession newSession(ContextPaths paths, Map<String, String> env) {
    LocalSession.Builder session = LocalSession.builder();
    if (paths.contextDir() != null) {
      session.context("context", paths.contextDir());
    }
    if (paths.dockerfile() != null) {
      session.context("dockerfile", paths.dockerfile().getParent());
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
        session.sshAgent(spec.id(), List.of(Path.of(sock)));
      } else {
        session.sshAgent(spec.id(), spec.paths());
      }
    }
    return session.build();
  }

  private SolveRequest toRequest(ContextPaths paths, Map<String, String> env) {
    SolveRequest.Builder r = SolveRequest.newBuilder().setBuildId(UUID.randomUUID().toString());
    r.setContext(
        BuildContext.newBuilder().setClient(ClientContext.newBuilder().setName("context")));
    r.setDockerfile(
        paths.dockerfileText() != null
            ? DockerfileSource.newBuilder().setInline(paths.dockerfileText())
            : DockerfileSource.newBuilder().setPath(paths.dockerfile().getFileName().toString()));
    if (target != null) {
      r.setTarget(target);
    }
    r.putAllBuildArgs(buildArgs(env));
    r.putAllLabels(keyValues("--label", labels));
    r.addAllPlatforms(PlatformFlag.check(platforms));
    for (String s : secrets) {
      r.addSecretIds(SecretSpec.parse(s, env).id());
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
    if (outputs.isEmpty() && !push && !tags.isEmpty()) {
      // Like buildx with a container driver: -t alone keeps the image in the local store.
      r.addOutputs(OutputSpec.parse("type=image,push=false", tags));
    }
    cacheFrom.forEach(c -> r.addCacheFrom(cacheOption("--cache-from", c)));
    cacheTo.forEach(c -> r.addCacheTo(cacheOption("--cache-to", c)));
    r.setNoCache(noCache).addAllNoCacheFilter(noCacheFilter).setPull(pull).setCheckOnly(check);
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
    r.setTimeout(Duration.getDefaultInstance());
    return r.build();
  }

  private static Output absoluteDest(Output o) {
    if (o.getDest().isEmpty() || o.getDest().equals("-")) {
      return o;
    }
    return o.toBuilder().setDest(Path.of(o.getDest()).toAbsolutePath().toString()).build();
  }

  private Map<String, String> buildArgs(Map<String, String> env) {
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : buildArgs) {
      int eq = a.indexOf('=');
      if (eq == 0) {
        throw new UsageException("--build-arg " + a + ": the name is missing");
      }
      if (eq < 0) {
        if (env.containsKey(a)) {
          args.put(a, env.get(a));
        }
      } else {
        args.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    return args;
  }

  private static Map<String, String> keyValues(String flag, List<String> values) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(flag + " " + v + ": expected KEY=VALUE");
      }
      map.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return map;
  }

  private static CacheOption cacheOption(String flag, String text) {
    Map<String, String> attrs = CsvAttributes.parse(flag, text);
    String type = attrs.remove("type");
    if (type == null) {
      // buildx: a bare value is a registry reference
      if (attrs.size() == 1 && attrs.values().iterator().next() == null) {
        return CacheOption.newBuilder()
            .setType("registry")
            .putAttrs("ref", attrs.keySet().iterator().next())
            .build();
      }
      throw new UsageException(flag + " " + text + ": type is missing (registry, inline or local)");
    }
    if (!List.of("registry", "inline", "local").contains(type)) {
      throw new UsageException(flag + " type=" + type + ": use registry, inline or local");
    }
    CacheOption.Builder c = CacheOption.newBuilder().setType(type);
    attrs.forEach(
        (k, v) -> {
          if (v == null) {
            throw new UsageException(flag + " " + text + ": " + k + " needs a value");
          }
          c.putAttrs(k, v);
        });
    return c.build();
  }

  private void writeResultFiles(BuildResult result) throws IOException {
    if (iidFile != null && !result.getConfigDigest().isEmpty()) {
      Files.writeString(iidFile, result.getConfigDigest());
    }
    if (metadataFile != null) {
      Files.writeString(metadataFile, BuildMetadata.toJson(result), StandardCharsets.UTF_8);
    }
  }

  static boolean writesToStdout(SolveRequest request) {
    return request.getOutputsList().stream()
        .anyMatch(o -> o.getDest().equals("-") && o.getType() != OutputType.OUTPUT_TYPE_IMAGE);
  }
}

package dev.slipway.engine;

import dev.slipway.api.Dockerfiles;
import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.CallResult;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.NamedContext;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.SourceLocation;
import dev.slipway.api.control.v1.SourceRange;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.exec.ExecLimits;
import dev.slipway.engine.exec.HostEntry;
import dev.slipway.engine.exec.HostLimits;
import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.CheckRule;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.frontend.dockerfile.conversion.CallAnswer;
import dev.slipway.engine.frontend.dockerfile.conversion.ContextName;
import dev.slipway.engine.frontend.dockerfile.conversion.ConvertRequest;
import dev.slipway.engine.frontend.dockerfile.conversion.DockerfileFrontend;
import dev.slipway.engine.frontend.dockerfile.conversion.FrontendCalls;
import dev.slipway.engine.frontend.dockerfile.conversion.ImageMetadataResolver;
import dev.slipway.engine.frontend.dockerfile.conversion.InsecureEntitlement;
import dev.slipway.engine.frontend.dockerfile.conversion.NamedSource;
import dev.slipway.engine.frontend.dockerfile.dockerignore.DockerIgnore;
import dev.slipway.engine.image.BaseImagePins;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.solver.BaseImages;
import dev.slipway.engine.solver.ProgressEmitter;
import dev.slipway.engine.solver.PullStep;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a build's Dockerfile and .dockerignore through the session (only those two files) and
 * converts them into a build graph, turning frontend errors into build errors with their Dockerfile
 * location and check findings into warnings.
 */
final class DockerfileLoader {

  /** Carries a base image failure out of the frontend's resolver callback. */
  private static final class ResolveFailure extends RuntimeException {
    final transient BuildFailedException failure;

    ResolveFailure(BuildFailedException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  /** The entitlement {@code RUN --network=host} needs (a step's default network is the host's). */
  private static final String NETWORK_HOST = "network.host";

  /** Each platform is a whole build: a request may not ask for an unbounded number of them. */
  static final int MAX_PLATFORMS = 16;

  /** What a request may ask for. */
  private static final List<String> KNOWN_ENTITLEMENTS =
      List.of(InsecureEntitlement.NAME, NETWORK_HOST);

  /** The engine's half of the security.insecure entitlement; the request brings the other. */
  private final boolean allowInsecureEntitlement;

  DockerfileLoader(boolean allowInsecureEntitlement) {
    this.allowInsecureEntitlement = allowInsecureEntitlement;
  }

  /** The Dockerfile read and the frontend's options, ready to convert. */
  private record Loaded(ConvertRequest request, String text) {}

  /**
   * A converted Dockerfile and the sha256 (hex) of its bytes, which the builder reports so that
   * builds of the same Dockerfile find its cache.
   */
  record Converted(BuildDefinition definition, String dockerfileDigest) {}

  /**
   * Converts the Dockerfile for one target platform ({@code null}: the request's only platform, or
   * the host's when it names none).
   */
  Converted convert(
      SolveRequest request,
      BuildSession session,
      BaseImages images,
      RegistryAccess registries,
      BaseImagePins pins,
      ProgressEmitter progress,
      Platform platform)
      throws BuildFailedException {
    Loaded loaded = load(request, session, images, registries, pins, progress, platform);
    BuildDefinition definition = frontend(loaded, DockerfileFrontend::convert);
    String digest = Digest.of(loaded.text().getBytes(StandardCharsets.UTF_8)).hex();
    for (BuildWarning w : definition.warnings()) {
      progress.warning(
          w.rule(),
          w.message(),
          CheckRule.named(w.rule()).map(CheckRule::url).filter(u -> !u.isEmpty()).orElse(null),
          w.position() == null
              ? null
              : location(w.position().file(), w.position().line(), loaded.text()));
    }
    return new Converted(definition, digest);
  }

  /** Answers a frontend call (check, outline, targets): the Dockerfile evaluated, nothing run. */
  CallResult call(
      SolveRequest request, BuildSession session, BaseImages images, RegistryAccess registries)
      throws BuildFailedException {
    Loaded loaded = load(request, session, images, registries, new BaseImagePins(), null, null);
    Function<ConvertRequest, CallAnswer> call =
        switch (request.getCall()) {
          case FRONTEND_CALL_CHECK -> FrontendCalls::check;
          case FRONTEND_CALL_OUTLINE -> FrontendCalls::outline;
          case FRONTEND_CALL_TARGETS -> FrontendCalls::targets;
          default ->
              throw BuildFailedException.of(
                  ErrorKind.ERROR_KIND_INVALID_INPUT,
                  "unknown frontend call "
                      + request.getCallValue()
                      + ": use check, outline or targets");
        };
    CallAnswer answer = frontend(loaded, call);
    return CallResult.newBuilder()
        .setJson(answer.json())
        .setText(answer.text())
        .setStatusCode(answer.statusCode())
        .setError(answer.error())
        .build();
  }

  /** Runs the frontend, turning its errors into build errors at their Dockerfile location. */
  private static <T> T frontend(Loaded loaded, Function<ConvertRequest, T> run)
      throws BuildFailedException {
    try {
      return run.apply(loaded.request());
    } catch (ResolveFailure e) {
      throw e.failure;
    } catch (DockerfileException e) {
      throw new BuildFailedException(
          BuildError.newBuilder()
              .setKind(ErrorKind.ERROR_KIND_INVALID_INPUT)
              .setMessage(e.getMessage())
              .setLocation(location(e.position().file(), e.position().line(), loaded.text()))
              .build());
    }
  }

  private Loaded load(
      SolveRequest request,
      BuildSession session,
      BaseImages images,
      RegistryAccess registries,
      BaseImagePins pins,
      ProgressEmitter progress,
      Platform platform)
      throws BuildFailedException {
    String text;
    String fileName;
    List<String> ignore;
    try {
      if (request.getDockerfile().hasInline()) {
        text = request.getDockerfile().getInline();
        fileName = Dockerfiles.DEFAULT_NAME;
        ignore = dockerignore(session, null, null);
      } else {
        fileName =
            request.getDockerfile().getPath().isEmpty()
                ? Dockerfiles.DEFAULT_NAME
                : request.getDockerfile().getPath();
        ContextFiles files = dockerfileContext(session);
        text =
            read(files, fileName)
                .orElseThrow(
                    () ->
                        BuildFailedException.of(
                            ErrorKind.ERROR_KIND_INVALID_INPUT,
                            "failed to read dockerfile: "
                                + fileName
                                + " not found in the build context"));
        ignore = dockerignore(session, files, fileName);
      }
    } catch (SessionException | IOException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_SESSION, "failed to read dockerfile: " + e.getMessage());
    }
    for (String entitlement : request.getEntitlementsList()) {
      if (!KNOWN_ENTITLEMENTS.contains(entitlement)) {
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_INVALID_INPUT,
            "unknown entitlement \""
                + entitlement
                + "\": use "
                + String.join(" or ", KNOWN_ENTITLEMENTS));
      }
    }
    ConvertRequest.Builder convert =
        ConvertRequest.builder(
                text,
                new ImageMetadataResolver() {
                  @Override
                  public ImageConfig resolve(String ref, Platform platform) {
                    PullStep pulling = new PullStep(progress, request.getBuildId(), ref);
                    try {
                      BaseImages.Pinned p =
                          images.resolvePinned(
                              ref, platform, request.getPull(), registries, pulling);
                      pulling.finish(null);
                      pins.add(new BaseImagePins.Pin(ref, platform, p.digest().toString()));
                      return p.image().config();
                    } catch (BuildFailedException e) {
                      pulling.finish(e.getMessage());
                      throw new ResolveFailure(e);
                    } catch (IOException e) {
                      pulling.finish(e.getMessage());
                      throw new ResolveFailure(
                          BuildFailedException.of(
                              ErrorKind.ERROR_KIND_REGISTRY, ref + ": " + e.getMessage()));
                    }
                  }

                  @Override
                  public String digest(String ref, Platform platform) {
                    return pins.all().stream()
                        .filter(p -> p.name().equals(ref) && p.platform().equals(platform))
                        .map(BaseImagePins.Pin::digest)
                        .findFirst()
                        .orElse(null);
                  }
                })
            .fileName(fileName)
            .ignorePatterns(ignore)
            .buildArgs(request.getBuildArgsMap())
            .target(request.getTarget().isEmpty() ? null : request.getTarget())
            .noCache(request.getNoCache())
            .insecure(
                new InsecureEntitlement(
                    request.getEntitlementsList().contains(InsecureEntitlement.NAME),
                    allowInsecureEntitlement))
            .networkHost(request.getEntitlementsList().contains(NETWORK_HOST));
    convert.execLimits(execLimits(request));
    namedContexts(request, session, convert);
    request.getLabelsMap().forEach(convert::label);
    request.getNoCacheFilterList().forEach(convert::noCacheStage);
    for (var host : request.getExtraHostsList()) {
      try {
        convert.extraHost(new HostEntry(host.getHost(), host.getIp()));
      } catch (IllegalArgumentException e) {
        throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
      }
    }
    if (platform != null) {
      convert.targetPlatform(platform);
    } else if (request.getPlatformsCount() > 0) {
      convert.targetPlatform(platforms(request).getFirst());
    }
    convert.platformSteps(platforms(request).size() > 1);
    return new Loaded(convert.build(), text);
  }

  /**
   * The request's target platforms, parsed and normalized, in its order, each once (as BuildKit
   * dedupes them after normalizing, so linux/arm64 and linux/arm64/v8 build once); empty when it
   * names none (the build is for the builder's own platform).
   */
  static List<Platform> platforms(SolveRequest request) throws BuildFailedException {
    if (request.getPlatformsCount() > MAX_PLATFORMS) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INVALID_INPUT,
          "the build names "
              + request.getPlatformsCount()
              + " platforms; at most "
              + MAX_PLATFORMS
              + " can be built at once: split it into several builds");
    }
    List<Platform> platforms = new ArrayList<>();
    for (String text : request.getPlatformsList()) {
      Platform p;
      try {
        p = Platform.parse(text).normalized();
      } catch (IllegalArgumentException e) {
        throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
      }
      if (!platforms.contains(p)) {
        platforms.add(p);
      }
    }
    return platforms;
  }

  /**
   * The request's named contexts for the frontend: names in their familiar form, and for a client
   * directory the patterns of its own .dockerignore (as BuildKit: the main one does not apply).
   */
  private static void namedContexts(
      SolveRequest request, BuildSession session, ConvertRequest.Builder convert)
      throws BuildFailedException {
    for (var entry : request.getNamedContextsMap().entrySet()) {
      String name;
      try {
        name = ContextName.familiar(entry.getKey());
      } catch (IllegalArgumentException e) {
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_INVALID_INPUT,
            "invalid context name \""
                + entry.getKey()
                + "\": "
                + e.getMessage()
                + "; name a context as FROM names an image (e.g. base or registry.example.com/base)");
      }
      NamedContext c = entry.getValue();
      NamedSource source =
          switch (c.getSourceCase()) {
            case CLIENT -> new NamedSource.Local(c.getClient().getName(), namedIgnore(session, c));
            case IMAGE -> new NamedSource.Image(c.getImage());
            case GIT -> new NamedSource.Git(c.getGit());
            case URL -> {
              if (!c.getUrl().startsWith("https://") && !c.getUrl().startsWith("http://")) {
                throw BuildFailedException.of(
                    ErrorKind.ERROR_KIND_INVALID_INPUT,
                    "named context " + name + ": a url context needs an http:// or https:// URL");
              }
              yield new NamedSource.Http(c.getUrl());
            }
            case SOURCE_NOT_SET ->
                throw BuildFailedException.of(
                    ErrorKind.ERROR_KIND_INVALID_INPUT,
                    "named context "
                        + name
                        + " names no source: give an image, git, url or client");
          };
      convert.namedContext(name, source);
    }
  }

  /** The patterns of a named client directory's own .dockerignore, read over the session. */
  private static List<String> namedIgnore(BuildSession session, NamedContext c)
      throws BuildFailedException {
    String part = c.getClient().getName();
    try {
      return read(session.context(part), ".dockerignore")
          .map(t -> DockerIgnore.parse(".dockerignore", t))
          .orElse(List.of());
    } catch (SessionException | IOException | IllegalArgumentException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_SESSION,
          "named context " + part + ": cannot read its .dockerignore: " + e.getMessage());
    }
  }

  private static SourceLocation location(String file, int line, String text) {
    SourceLocation.Builder l = SourceLocation.newBuilder().setFile(file);
    if (line > 0) {
      l.addRanges(SourceRange.newBuilder().setStartLine(line).setEndLine(line));
      List<String> lines = text.lines().toList();
      if (line <= lines.size()) {
        l.addLines(lines.get(line - 1));
      }
    }
    return l.build();
  }

  /** The CLI serves a Dockerfile outside the context as the "dockerfile" context. */
  private static ContextFiles dockerfileContext(BuildSession session) throws SessionException {
    try {
      return session.context("dockerfile");
    } catch (SessionException e) {
      return session.context("context");
    }
  }

  /** {@code NAME.dockerignore} beside the Dockerfile wins over the context's .dockerignore. */
  private static List<String> dockerignore(
      BuildSession session, ContextFiles dockerfileFiles, String fileName)
      throws SessionException, IOException {
    if (dockerfileFiles != null) {
      Optional<String> specific = read(dockerfileFiles, fileName + ".dockerignore");
      if (specific.isPresent()) {
        return DockerIgnore.parse(fileName + ".dockerignore", specific.get());
      }
    }
    ContextFiles context;
    try {
      context = session.context("context");
    } catch (SessionException e) {
      return List.of(); // a build without context (Dockerfile from stdin) ignores nothing
    }
    return read(context, ".dockerignore")
        .map(t -> DockerIgnore.parse(".dockerignore", t))
        .orElse(List.of());
  }

  private static Optional<String> read(ContextFiles files, String path)
      throws SessionException, IOException {
    List<ContextFile> found = files.stat(List.of(path), List.of(), List.of());
    if (found.stream().noneMatch(f -> f.path().equals(path) && f.isRegularFile())) {
      return Optional.empty();
    }
    try (InputStream in = files.open(path)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** --shm-size and --ulimit as the client asked, refused beyond the builder's own bounds. */
  private static ExecLimits execLimits(SolveRequest request) throws BuildFailedException {
    if (request.getShmSizeBytes() == 0 && request.getUlimitsCount() == 0) {
      return ExecLimits.NONE;
    }
    try {
      List<ExecLimits.Ulimit> ulimits = new ArrayList<>();
      for (var u : request.getUlimitsList()) {
        ulimits.add(new ExecLimits.Ulimit(u.getName(), u.getSoft(), u.getHard()));
      }
      ExecLimits limits = new ExecLimits(request.getShmSizeBytes(), ulimits);
      limits.checkWithin(HostLimits.current());
      return limits;
    } catch (IllegalArgumentException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
    }
  }
}

package dev.slipway.engine;

import dev.slipway.api.Dockerfiles;
import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.CallResult;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.SourceLocation;
import dev.slipway.api.control.v1.SourceRange;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.exec.HostEntry;
import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.CheckRule;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.frontend.dockerfile.conversion.CallAnswer;
import dev.slipway.engine.frontend.dockerfile.conversion.ConvertRequest;
import dev.slipway.engine.frontend.dockerfile.conversion.DockerfileFrontend;
import dev.slipway.engine.frontend.dockerfile.conversion.FrontendCalls;
import dev.slipway.engine.frontend.dockerfile.conversion.InsecureEntitlement;
import dev.slipway.engine.frontend.dockerfile.dockerignore.DockerIgnore;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.solver.BaseImages;
import dev.slipway.engine.solver.ProgressEmitter;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

  /**
   * What a request may ask for; network.host is accepted as buildx sends it, and needs nothing: a
   * step's default network is the builder's already.
   */
  private static final List<String> KNOWN_ENTITLEMENTS =
      List.of(InsecureEntitlement.NAME, "network.host");

  /** The engine's half of the security.insecure entitlement; the request brings the other. */
  private final boolean allowInsecureEntitlement;

  DockerfileLoader(boolean allowInsecureEntitlement) {
    this.allowInsecureEntitlement = allowInsecureEntitlement;
  }

  /** The Dockerfile read and the frontend's options, ready to convert. */
  private record Loaded(ConvertRequest request, String text) {}

  BuildDefinition convert(
      SolveRequest request,
      BuildSession session,
      BaseImages images,
      RegistryAccess registries,
      ProgressEmitter progress)
      throws BuildFailedException {
    Loaded loaded = load(request, session, images, registries);
    BuildDefinition definition = frontend(loaded, DockerfileFrontend::convert);
    for (BuildWarning w : definition.warnings()) {
      progress.warning(
          w.rule(),
          w.message(),
          CheckRule.named(w.rule()).map(CheckRule::url).filter(u -> !u.isEmpty()).orElse(null),
          w.position() == null
              ? null
              : location(w.position().file(), w.position().line(), loaded.text()));
    }
    return definition;
  }

  /** Answers a frontend call (check, outline, targets): the Dockerfile evaluated, nothing run. */
  CallResult call(
      SolveRequest request, BuildSession session, BaseImages images, RegistryAccess registries)
      throws BuildFailedException {
    Loaded loaded = load(request, session, images, registries);
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
      SolveRequest request, BuildSession session, BaseImages images, RegistryAccess registries)
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
                (ref, platform) -> {
                  try {
                    return images.resolve(ref, platform, request.getPull(), registries).config();
                  } catch (BuildFailedException e) {
                    throw new ResolveFailure(e);
                  } catch (IOException e) {
                    throw new ResolveFailure(
                        BuildFailedException.of(
                            ErrorKind.ERROR_KIND_REGISTRY, ref + ": " + e.getMessage()));
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
                    allowInsecureEntitlement));
    request.getLabelsMap().forEach(convert::label);
    request.getNoCacheFilterList().forEach(convert::noCacheStage);
    for (var host : request.getExtraHostsList()) {
      try {
        convert.extraHost(new HostEntry(host.getHost(), host.getIp()));
      } catch (IllegalArgumentException e) {
        throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
      }
    }
    if (request.getPlatformsCount() > 0) {
      try {
        convert.targetPlatform(Platform.parse(request.getPlatforms(0)));
      } catch (IllegalArgumentException e) {
        throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
      }
    }
    return new Loaded(convert.build(), text);
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
}
